"""The teams plugin's hook implementations: its front door."""
from __future__ import annotations

from pathlib import Path

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from yinghuo.api import PeriodicJob, PluginBlueprint, PluginManifest, hookimpl

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

    @validates_schema
    def _limits(self, data, **kwargs):
        if data["squad_min"] > data["squad_max"]:
            raise ValidationError("squad_min is above squad_max", field_name="squad_min")


@hookimpl
def yinghuo_manifest():
    return PluginManifest(name="teams", title_zh="高校团队", title_en="University teams",
                          settings_schema=TeamsSettings, migrations=str(HERE / "migrations" / "versions"),
                          description="Squads of students paired with village first secretaries.")


@hookimpl
def yinghuo_models():
    from . import models
    return [models.Squad, models.SquadMember, models.Secretary, models.Pairing, models.Report,
            models.ReportReview, models.Reminder]


@hookimpl
def yinghuo_periodic_jobs():
    return [PeriodicJob("yinghuo_teams.deadlines.remind", interval_seconds=3600)]


@hookimpl
def yinghuo_blueprints(app):
    from .api import make_blueprint
    return [PluginBlueprint("api", make_blueprint())]
