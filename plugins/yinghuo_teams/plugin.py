"""The teams plugin's hook implementations: its front door."""
from __future__ import annotations

from pathlib import Path

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from yinghuo.api import NavItem, PeriodicJob, Permission, PluginBlueprint, PluginManifest, Stat, allowed, hookimpl

HERE = Path(__file__).parent


class TeamsSettings(Schema):
    """Tenant settings under settings.teams."""

    squad_min = fields.Integer(load_default=3, validate=validate.Range(1, 20))
    squad_max = fields.Integer(load_default=4, validate=validate.Range(1, 20))
    #: reports are due at this local time (weekly: the period's Sunday; monthly: its last day)
    deadline_time = fields.String(load_default="22:00", validate=validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$"))
    #: members of this working group (a unit of that name) review reports
    archive_group = fields.String(load_default="档案组", validate=validate.Length(1, 40))
    #: the sections of each kind of report, as the tenant's template
    report_sections = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), load_default=lambda: {
        "weekly": ["本周工作", "下周计划", "需要协调的问题"],
        "monthly": ["本月概况", "典型做法", "问题与建议"],
        "case": ["背景", "做法", "成效", "启示"]})
    working_groups = fields.List(fields.String(validate=validate.Length(1, 40)),
                                 load_default=lambda: ["联络组", "创意组", "档案组", "实践组"])

    #: attachments: the largest file, and the kinds of file accepted (checked by content)
    attachment_max_mb = fields.Integer(load_default=10, validate=validate.Range(1, 50))
    attachment_types = fields.List(fields.String(validate=validate.OneOf(
        ("jpg", "png", "webp", "pdf", "docx", "xlsx", "pptx"))),
        load_default=lambda: ["jpg", "png", "webp", "pdf", "docx", "xlsx", "pptx"])
    #: the categories of kernel activities for training sessions and field trips
    training_category = fields.String(load_default="培训", validate=validate.Length(1, 60))
    practice_category = fields.String(load_default="实地实践", validate=validate.Length(1, 60))
    #: quarterly evaluation: criteria with weights (summing to 100) and how much each scorer counts
    evaluation_criteria = fields.List(fields.Dict(), load_default=lambda: [
        {"name": "出勤与纪律", "weight": 30}, {"name": "工作成效", "weight": 40},
        {"name": "团队协作", "weight": 15}, {"name": "宣传与创新", "weight": 15}])
    scorer_weights = fields.Dict(keys=fields.String(validate=validate.OneOf(("leader", "head"))),
                                 values=fields.Integer(validate=validate.Range(0, 100)),
                                 load_default=lambda: {"leader": 50, "head": 50})
    #: annual selection: how many, the share of hours in the score, and the hours worth full marks
    excellent_count = fields.Integer(load_default=5, validate=validate.Range(1, 500))
    excellent_hours_weight = fields.Integer(load_default=30, validate=validate.Range(0, 100))
    excellent_full_hours = fields.Integer(load_default=100, validate=validate.Range(1, 10000))

    @validates_schema
    def _criteria(self, data, **kwargs):
        criteria = data.get("evaluation_criteria") or []
        names = [c.get("name") for c in criteria]
        if not criteria or any(not isinstance(n, str) or not n for n in names) or len(set(names)) != len(names):
            raise ValidationError("each criterion needs a distinct name", field_name="evaluation_criteria")
        if any(not isinstance(c.get("weight"), int) or c["weight"] <= 0 for c in criteria) or \
                sum(c["weight"] for c in criteria) != 100:
            raise ValidationError("weights are positive whole numbers summing to 100", field_name="evaluation_criteria")

    @validates_schema
    def _limits(self, data, **kwargs):
        if data["squad_min"] > data["squad_max"]:
            raise ValidationError("squad_min is above squad_max", field_name="squad_min")


@hookimpl
def yinghuo_manifest():
    return PluginManifest(name="teams", title_zh="高校团队", title_en="University teams",
                          settings_schema=TeamsSettings, migrations=str(HERE / "migrations" / "versions"),
                          translations=str(HERE / "translations"),
                          description="Squads of students paired with village first secretaries.")


#: the plugin's permissions: the only place its routes' roles are named
PERMISSIONS = [
    Permission("teams.manage", "Run squads, pairings, media, trainings and village exports",
               ("tenant_admin", "unit_admin", "leader")),
    Permission("teams.admin", "Villages, recruitment, interview slots, evaluation results",
               ("tenant_admin", "unit_admin")),
    Permission("teams.review_all", "Review reports without being in the archive group", ("tenant_admin",)),
    Permission("teams.honours", "Confirm the annual selection, revoke certificates of honour", ("tenant_admin",)),
]


@hookimpl
def yinghuo_permissions():
    return PERMISSIONS


@hookimpl
def yinghuo_models():
    """Every feature's tables (teams_*)."""
    from .archive import models as archive
    from .evaluation import models as evaluation
    from .project import models as project
    from .recruitment import models as recruitment
    from .reports import models as reports
    from .squads import models as squads
    return [squads.Squad, squads.SquadMember, squads.Secretary, squads.Pairing, reports.Report,
            reports.ReportReview, reports.Reminder, reports.Attachment, archive.ArchiveExport,
            recruitment.InterviewSlot, recruitment.Application, project.MediaWork, evaluation.Evaluation,
            evaluation.Honour]


@hookimpl
def yinghuo_periodic_jobs():
    return [PeriodicJob("yinghuo_teams.reports.deadlines.remind", interval_seconds=3600)]


@hookimpl
def yinghuo_blueprints():
    from .blueprints import load_routes
    api, pages = load_routes()
    return [PluginBlueprint("api", api), PluginBlueprint("page", pages)]


@hookimpl
def yinghuo_activity_categories(tenant):
    """Training sessions and field trips are kernel activities in these categories."""
    from .settings import settings_of
    conf = settings_of(tenant)
    return [conf["training_category"], conf["practice_category"]]


@hookimpl
def yinghuo_nav_items(tenant, member, area):
    if member is None:
        return [NavItem("Join the project", "teams_pages.apply", order=40)] if area == "portal" else []
    if area == "portal":
        return [NavItem("This week", "teams_pages.this_week", order=1),
                NavItem("Village archives", "teams_pages.villages", order=30)]
    from .reports.services import is_reviewer
    from .squads.services import leads_a_squad
    items = [NavItem("Project dashboard", "teams_pages.dashboard_page", order=2)]
    if is_reviewer(member):
        items += [NavItem("Reports to review", "teams_pages.review_queue", order=1)]
    if allowed(member, "teams.manage") or leads_a_squad(member):
        items += [NavItem("Evaluation", "teams_pages.evaluations", order=3)]
    if allowed(member, "teams.admin"):
        items += [NavItem("Recruitment", "teams_pages.applications", order=6)]
    return items


@hookimpl
def yinghuo_verify_code(tenant, code):
    from .evaluation.services import verify
    return verify(code)


@hookimpl
def yinghuo_demo_data(tenant):
    from .demo import seed
    return seed(tenant)


@hookimpl
def yinghuo_tenant_enabled(tenant, first_time):
    """The project's working groups become units of the tenant (if its unit types allow groups)."""
    from .squads.services import ensure_working_groups
    ensure_working_groups(tenant)


@hookimpl
def yinghuo_rollup_stats(tenant):
    """What a city or province hub sees of each school: counts, never rows."""
    from .project.dashboard import counts
    c = counts()
    return [Stat("teams_weekly", c["weekly"]), Stat("teams_monthly", c["monthly"]), Stat("teams_cases", c["case"]),
            Stat("teams_media", c["media"]), Stat("teams_villages", c["villages"]), Stat("teams_squads", c["squads"])]


@hookimpl
def yinghuo_dashboard_widgets(tenant, member):
    """On the tenant's home page: the member's squad this week, and the review queue."""
    from . import widgets
    return widgets.for_member(member)
