"""The kernel's own hook implementations, registered like a plugin (name "core")."""
from __future__ import annotations

from .plugin_host import hookimpl
from .records import NavItem, PeriodicJob, Permission


@hookimpl
def yinghuo_permissions():
    return [
        Permission("members.manage", "Manage members and roles", ("tenant_admin",)),
        Permission("units.manage", "Manage the org tree", ("tenant_admin", "unit_admin")),
        Permission("audit.read", "Read the audit log", ("tenant_admin",)),
    ]


@hookimpl
def yinghuo_nav_items(tenant, member, area):
    items = [NavItem("Home", "pages.tenant_home", order=0),
             NavItem("Activities", "activity_pages.activity_list", order=5)]
    if member is not None:
        items += [NavItem("My activities", "activity_pages.my_activities", order=6),
                  NavItem("My hours", "activity_pages.my_hours", order=7),
                  NavItem("Messages", "activity_pages.my_notifications", order=8)]
    if member is not None and member.role_names & {"tenant_admin", "unit_admin"}:
        items += [NavItem("Hours to approve", "activity_pages.admin_hours", area="admin", order=5)]
    if member is not None and member.role_names & {"tenant_admin", "unit_admin", "leader"}:
        items += [NavItem("Dashboard", "activity_pages.dashboard", area="admin", order=4)]
    if member is not None and "tenant_admin" in member.role_names:
        items += [NavItem("Members", "pages.admin_members", area="admin", order=10),
                  NavItem("Org tree", "pages.admin_units", area="admin", order=20),
                  NavItem("Audit log", "pages.admin_audit", area="admin", order=90)]
    return [i for i in items if i.area == area]


@hookimpl
def yinghuo_verify_code(tenant, code):
    from .certificates.services import verify_certificate
    return verify_certificate(code)


@hookimpl
def yinghuo_periodic_jobs():
    return [PeriodicJob("yinghuo.sheets.services.purge_expired", interval_seconds=24 * 3600,
                        name="Drop expired export files and unconfirmed imports")]
