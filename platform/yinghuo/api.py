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
from .db.rows import bump  # noqa: F401
from .db.rls import enable_tenant_rls  # noqa: F401
from .documents import html_to_pdf, new_verification_code, qr_data_uri  # noqa: F401
from .errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Unauthorized  # noqa: F401
from .extensions import db  # noqa: F401
from .jobs import enqueue, record_progress  # noqa: F401
from . import gate  # noqa: F401  (gate.public, gate.member, gate.permission(name), gate.demand(name))
from .gate import allowed  # noqa: F401
from .people.masking import mask_id_number, mask_name, mask_phone  # noqa: F401
from .notifications.services import notify  # noqa: F401
from .people.services import get_member, member_names, members_in_unit_named, members_with_role  # noqa: F401
from .units.services import get_unit, in_subtree  # noqa: F401
from .plugin_host import hookimpl  # noqa: F401
from .ratelimit import take as rate_limit  # noqa: F401
from .smorest import Blueprint  # noqa: F401  (flask-smorest's, argument schemas built once)
from .tenancy.context import current_tenant  # noqa: F401
from .times import CHINA, LocalDateTime, local_today, parse_local, tenant_zone  # noqa: F401
from .records import (NavItem, PeriodicJob, Permission, PluginBlueprint,  # noqa: F401
                      PluginManifest, Stat, Verification, Widget)


def current_member():
    """The signed-in member of the current tenant, or None."""
    from flask import g
    return g.get("member")


def add_member(data: dict, *, audit_action: str = "member.create"):
    """Create a membership in the current tenant (name, phone, id_type/id_number, unit_id,
    roles); validated like an admin's entry, fires ``yinghuo_member_joined``."""
    from .people.services import add_member as add
    return add(current_tenant(), data, audit_action=audit_action)


def approved_minutes(member_ids, start=None, end=None) -> dict[int, int]:
    """Approved service minutes per member in the current tenant, optionally for the
    service dates [start, end]."""
    from sqlalchemy import func, select
    from .hours.models import HourRecord
    ids = list(member_ids)
    if not ids:
        return {}
    stmt = (select(HourRecord.member_id, func.sum(HourRecord.minutes))
            .where(HourRecord.member_id.in_(ids), HourRecord.status == "approved")
            .group_by(HourRecord.member_id))
    if start is not None:
        stmt = stmt.where(HourRecord.served_on >= start)
    if end is not None:
        stmt = stmt.where(HourRecord.served_on <= end)
    found = dict(db.session.execute(stmt).all())
    return {i: int(found.get(i) or 0) for i in ids}


def ensure_unit(name: str, type: str, parent_id: int | None = None):
    """The unit of this name under ``parent_id``, created if missing (a plugin's villages,
    townships and counties live in the kernel's org tree)."""
    from sqlalchemy import select
    from .units.models import Unit
    from .units.services import create_unit
    name = (name or "").strip()
    if not name:
        raise Invalid("a name is required", fields={"name": ["required"]})
    stmt = select(Unit).where(Unit.name == name, Unit.parent_id.is_(None) if parent_id is None
                              else Unit.parent_id == parent_id)
    return db.session.scalar(stmt) or create_unit(current_tenant(), name=name, type=type, parent_id=parent_id)


def create_activity(data: dict, *, creator=None):
    """A draft kernel activity in the current tenant (fields as the activities API)."""
    from .activities.services import create_activity as create
    return create(current_tenant(), data, creator=creator)[0]


def activity_transition(activity, action: str):
    """publish, close, complete or cancel a kernel activity."""
    from .activities.services import transition
    return transition(current_tenant(), activity, action)


def activity_count(*, category: str | None = None) -> int:
    """How many activities the tenant has (of one category)."""
    from sqlalchemy import func, select
    from .activities.models import Activity
    stmt = select(func.count()).select_from(Activity)
    if category:
        stmt = stmt.where(Activity.category == category)
    return db.session.scalar(stmt)


def activity_summaries(*, category: str | None = None, limit: int = 100) -> list[dict]:
    """Activities (optionally of one category) with sign-up and attendance counts."""
    from .activities.services import summaries
    return summaries(category=category, limit=limit)


def units_of_type(type: str) -> list:
    """The tenant's units of one type (village, group …), by name."""
    from sqlalchemy import select
    from .units.models import Unit
    return list(db.session.scalars(select(Unit).where(Unit.type == type).order_by(Unit.name)))


def form_errors(view):
    """Page decorator: a domain error of a form submission is shown as a message on the page
    it came from (the transaction rolled back)."""
    from .views import form_errors as wrap
    return wrap(view)
