"""The kernel's own hook implementations, registered like a plugin (name "core")."""
from __future__ import annotations

from .gate import allowed
from .plugin_host import hookimpl
from .records import NavItem, PeriodicJob, Permission, Stat


ADMINS = ("tenant_admin", "unit_admin")
#: who runs activities and records service: leaders, and the clerks of township and village
#: stations, who sign up and check in residents without a phone and enter paper logs.
#: Residents are members and nothing more; judges get their permissions from a plugin.
MANAGERS = ("tenant_admin", "unit_admin", "leader", "clerk")

#: the kernel's permissions: the only place its routes' roles are named
PERMISSIONS = [
    Permission("members.view", "See the member list", ADMINS),
    Permission("members.manage", "Manage members and roles", ("tenant_admin",)),
    Permission("ids.reveal", "Read full ID numbers (with a reason, audited)", ("tenant_admin",)),
    Permission("units.manage", "Manage the org tree", ADMINS),
    Permission("tenant.all_units", "Act on the whole tenant, not only one's own units", ("tenant_admin",)),
    Permission("audit.read", "Read the audit log", ("tenant_admin",)),
    Permission("activities.manage", "Create and run activities, sign up and check in others", MANAGERS),
    Permission("dashboard.view", "See the tenant's dashboard", MANAGERS),
    Permission("hours.enter", "Enter offline service hours, correct pending records", MANAGERS),
    Permission("hours.approve", "Approve, reject, void and correct hour records", ADMINS),
    Permission("certificates.manage", "List and revoke certificates", ("tenant_admin",)),
    Permission("sheets.import", "Import members from a spreadsheet", ("tenant_admin",)),
    Permission("sheets.export", "Export members and hours", ADMINS),
    Permission("sheets.others", "Download exports that others made", ("tenant_admin",)),
    Permission("rollup.read", "See a hub's counts per child tenant", ("tenant_admin",)),
]


@hookimpl
def yinghuo_permissions():
    return PERMISSIONS


@hookimpl
def yinghuo_nav_items(tenant, member, area):
    from .notifications.services import unread_count
    items = [NavItem("Home", "pages.tenant_home", order=0),
             NavItem("Activities", "activity_pages.activity_list", order=5)]
    if member is not None:
        items += [NavItem("My activities", "activity_pages.my_activities", order=6),
                  NavItem("My hours", "activity_pages.my_hours", order=7),
                  NavItem("Messages", "activity_pages.my_notifications", order=8,
                          badge=unread_count(member.id) if area == "portal" else 0)]
    for permission, item in (
            ("hours.approve", NavItem("Hours to approve", "activity_pages.admin_hours", area="admin", order=5)),
            ("hours.enter", NavItem("Enter hours", "activity_pages.hours_new", area="admin", order=6)),
            ("dashboard.view", NavItem("Dashboard", "activity_pages.dashboard", area="admin", order=4)),
            ("members.manage", NavItem("Members", "pages.admin_members", area="admin", order=10)),
            ("certificates.manage", NavItem("Certificates", "activity_pages.admin_certificates", area="admin",
                                            order=11)),
            ("sheets.export", NavItem("Exports", "pages.admin_exports", area="admin", order=12)),
            ("members.manage", NavItem("Org tree", "pages.admin_units", area="admin", order=20)),
            ("audit.read", NavItem("Audit log", "pages.admin_audit", area="admin", order=90))):
        if allowed(member, permission):
            items.append(item)
    return [i for i in items if i.area == area]


@hookimpl
def yinghuo_rollup_stats(tenant):
    """What a hub sees of each child: members, units, activities and approved hours, from the
    child's last computed figures (``yinghuo.snapshots``, refreshed every ten minutes), or
    counted now when there are none yet (or the hub's own figures are being computed)."""
    from .snapshots import COUNT_NOW, fresh
    row = None if COUNT_NOW.get() else fresh("rollup")
    figures = row.data if row is not None else rollup_figures()
    return [Stat(name, int(figures.get(name, 0))) for name in ("members", "units", "activities", "hours")]


def rollup_figures() -> dict:
    """The tenant's members, units, activities and approved hours (kept totals), in one statement."""
    from sqlalchemy import func, select

    from .activities.models import Activity
    from .extensions import db
    from .hours.models import HourTotal
    from .people.models import Member
    from .units.models import Unit

    def count(model):
        return select(func.count()).select_from(model).scalar_subquery()
    members, units, activities, minutes = db.session.execute(select(
        count(Member), count(Unit), count(Activity),
        select(func.coalesce(func.sum(HourTotal.minutes), 0)).where(HourTotal.period == "all").scalar_subquery())).one()
    return {"members": int(members), "units": int(units), "activities": int(activities), "hours": int(minutes) // 60}


@hookimpl
def yinghuo_verify_code(tenant, code):
    from .certificates.services import verify_certificate
    return verify_certificate(code)


@hookimpl
def yinghuo_periodic_jobs():
    return [PeriodicJob("yinghuo.sheets.services.purge_expired", interval_seconds=24 * 3600,
                        name="Drop expired export files and unconfirmed imports"),
            PeriodicJob("yinghuo.audit.purge_expired", interval_seconds=24 * 3600,
                        name="Drop audit entries older than the tenant keeps them (never under six months)"),
            PeriodicJob("yinghuo.activities.services.remind_tomorrow", interval_seconds=3600,
                        name="Remind people of the activity they signed up for, the day before"),
            PeriodicJob("yinghuo.snapshots.refresh", interval_seconds=600,
                        name="Compute the dashboard and roll-up figures again"),
            PeriodicJob("yinghuo.jobs.sweep_outbox", interval_seconds=60, per_tenant=False,
                        name="Queue again the jobs whose run never finished (Redis down, a worker killed)")]


@hookimpl
def yinghuo_hours_recorded(tenant, record):
    """Hours for an activity above the time their person was checked in there: flagged."""
    if record.activity_id is not None and record.flag is None:
        from .activities.checkins import flag_above_attendance
        flag_above_attendance(record.activity_id, [record.member_id])
