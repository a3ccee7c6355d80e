"""The public API for plugins: the only module a plugin imports from ``yinghuo``.

Everything here is a stable contract; internals may move. A plugin package looks like::

    from yinghuo.api import hookimpl, Base, TenantModel, db, PluginManifest

    @hookimpl
    def yinghuo_manifest():
        return PluginManifest(name="teams", title_zh="高校团队", title_en="University teams")
"""
from __future__ import annotations

from .audit import record as audit  # noqa: F401
from .db.base import Base, TenantModel, utcnow  # noqa: F401
from .db.context import ScopeError, current_tenant_id, tenant_scope, unscoped  # noqa: F401
from .db.guarded import change_if  # noqa: F401
from .db.rls import enable_tenant_rls  # noqa: F401
from .errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Unauthorized  # noqa: F401
from .extensions import db  # noqa: F401
from .jobs import enqueue  # noqa: F401
from .people.identity import has_permission, require_member, require_permission, require_role  # noqa: F401
from .people.masking import mask_id_number, mask_name, mask_phone  # noqa: F401
from .notifications.services import notify  # noqa: F401
from .people.services import get_member, member_names, members_in_unit_named  # noqa: F401
from .units.services import get_unit, in_subtree  # noqa: F401
from .plugin_host import hookimpl  # noqa: F401
from .records import (NavItem, PeriodicJob, Permission, PluginBlueprint,  # noqa: F401
                      PluginManifest, Stat, Verification, Widget)


def current_tenant():
    """The tenant in scope: the request's, or (in a job or the CLI) the one whose scope is
    entered; None outside any tenant."""
    from flask import g
    tenant = g.get("tenant")
    if tenant is None and current_tenant_id() is not None:
        from .tenancy.models import Tenant
        tenant = db.session.get(Tenant, current_tenant_id())
    return tenant


def current_member():
    """The signed-in member of the current tenant, or None."""
    from flask import g
    return g.get("member")
