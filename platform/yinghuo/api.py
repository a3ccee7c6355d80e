"""The public API for plugins: the only module a plugin imports from ``yinghuo`` (its tests
also use ``yinghuo.testing``). CKAN's toolkit is the model: one stable surface, so the
kernel's rooms can move underneath.

Deprecation rule: a name in ``__all__`` keeps working for at least one minor release after
it is deprecated; a deprecated name says so in its docstring and warns
(``DeprecationWarning``) when used; it is removed only in a later release, named in the
changelog. Names not in ``__all__`` are not part of the API.

A plugin looks like (``docs/plugins.md`` walks through one)::

    from yinghuo.api import Base, PluginManifest, TenantModel, db, gate, hookimpl

    @hookimpl
    def yinghuo_manifest():
        return PluginManifest(name="stations", title_zh="新时代文明实践站", title_en="Township stations")
"""
from __future__ import annotations

# --- hooks and the records they return ------------------------------------------------
from .plugin_host import hookimpl
from .records import NavItem, PeriodicJob, Permission, PluginBlueprint, PluginManifest, Stat, Verification, Widget

# --- models and tenant scoping ---------------------------------------------------------
from .db.base import Base, TenantModel, utcnow
from .db.context import ScopeError, current_tenant_id, tenant_scope, unscoped
from .db.guarded import change_if
from .db.rls import enable_tenant_rls
from .db.rows import bump, fetch, find_all, find_one, find_or_add, insert_row
from .db.replica import reads as replica_reads
from .extensions import db
from .tenancy.context import current_tenant

# --- the gate, permissions and roles -----------------------------------------------------
from . import gate  # gate.public, signed_in, member, permission(name), operator; gate.demand(name)
from .gate import ADMIN_ROLES, allowed
from .people.models import ROLES

# --- errors (one handler turns them into JSON or the error page) ---------------------------
from .errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Unauthorized

# --- time: stored in UTC, read and shown in the tenant's time zone --------------------------
from .times import CHINA, LocalDateTime, local_today, parse_local, tenant_zone

# --- jobs, audit, rate limits ----------------------------------------------------------
from .audit import record as audit
from .jobs import enqueue, record_progress
from .ratelimit import over as rate_limit_over, take as rate_limit
from . import proofwork  # proofwork.issue(purpose), check(purpose, proof), solve(challenge, bits)

# --- shared counters (Redis), moved after commit and rebuilt from the database ---------------
# counters.add_after_commit(name, field, by), read(name, fields), rebuild(name, query), moves(name, tenant_id)
from . import counters

# --- documents, verification codes, notifications --------------------------------------------
from .documents import FILE_KINDS, MAX_PHOTO, checked_upload, file_kind, html_to_pdf, new_verification_code, photo_type, qr_data_uri
from .notifications.services import inbox, notify, text_phone

# --- people, units, activities and hours (helpers below as well) -----------------------------
from .people.masking import mask_id_number, mask_name, mask_phone
from .people.services import (find_members, get_member, member_names, member_units, members_in_unit_named,
                              members_with_role)
from .units.services import admin_roots, get_unit, in_subtree, unit_ids_under, units_under

# --- pages and the API's blueprints --------------------------------------------------------
from .smorest import Blueprint  # flask-smorest's, argument schemas built once
from flask import Blueprint as _FlaskBlueprint

__all__ = [
    # hooks and records
    "hookimpl", "NavItem", "PeriodicJob", "Permission", "PluginBlueprint", "PluginManifest", "Stat",
    "Verification", "Widget",
    # models and scoping
    "Base", "TenantModel", "utcnow", "ScopeError", "current_tenant_id", "tenant_scope", "unscoped",
    "change_if", "enable_tenant_rls", "bump", "fetch", "find_all", "find_one", "find_or_add", "insert_row", "db", "current_tenant",
    "replica_reads",
    # the gate, permissions and roles
    "gate", "allowed", "ADMIN_ROLES", "ROLES", "current_member",
    # errors
    "Conflict", "DomainError", "Forbidden", "Invalid", "NotFound", "Unauthorized",
    # time
    "CHINA", "LocalDateTime", "local_today", "parse_local", "tenant_zone",
    # jobs, audit, rate limits
    "audit", "enqueue", "record_progress", "rate_limit", "rate_limit_over", "proofwork", "counters",
    # documents, verification, notifications
    "html_to_pdf", "new_verification_code", "qr_data_uri", "photo_type", "MAX_PHOTO", "file_kind", "checked_upload", "FILE_KINDS",
    "inbox", "notify", "text_phone", "keyed_digest", "hours_ranking",
    # people, units, activities and hours
    "mask_id_number", "mask_name", "mask_phone", "find_members", "masked_member", "get_member", "member_names",
    "member_units", "members_in_unit_named",
    "members_with_role", "add_member", "get_unit", "in_subtree", "admin_roots", "units_under", "unit_ids_under",
    "ensure_unit",
    "units_of_type", "all_units", "activities_between", "get_activity", "child_tenants", "account_tenant_ids",
    "create_activity", "activity_transition", "activity_count", "activity_summaries", "approved_minutes",
    # pages
    "Blueprint", "form_errors", "load_form", "posted", "FeaturePages", "sheet_file", "json_response",
]


class FeaturePages(_FlaskBlueprint):
    """A plugin's page blueprint that finds its templates in every feature package:
    ``FeaturePages("stations_pages", __name__, root=HERE, features=("demands", "slips"))``
    looks in ``<root>/<feature>/templates/`` for each feature."""

    def __init__(self, name: str, import_name: str, *, root, features: tuple[str, ...], **kwargs):
        super().__init__(name, import_name, **kwargs)
        from pathlib import Path
        self._feature_dirs = [Path(root) / feature / "templates" for feature in features]

    @property
    def jinja_loader(self):
        from jinja2 import ChoiceLoader, FileSystemLoader
        return ChoiceLoader([FileSystemLoader(path) for path in self._feature_dirs])


def current_member():
    """The signed-in member of the current tenant, or None."""
    from flask import g
    return g.get("member")


def child_tenants() -> list[dict]:
    """The current tenant's child tenants (a hub's): id, slug and name - nothing of their rows."""
    from .tenancy.services import children
    return [{"id": t.id, "slug": t.slug, "name": t.name} for t in children(current_tenant())]


def account_tenant_ids(account_id: int | None, among) -> set[int]:
    """Which of the tenants ``among`` this account has an active membership in, read
    outside the one-tenant scope but inside those tenants only: for a hub's entrant to name
    the child tenant they come from. Only the account's own memberships are read."""
    ids = tuple(int(t) for t in among)
    if account_id is None or not ids:
        return set()
    from sqlalchemy import select
    from .people.models import Member
    with unscoped("an account's own memberships, to name the tenant it enters from", ids):
        return set(db.session.scalars(select(Member.tenant_id).where(Member.account_id == account_id,
                                                                     Member.status == "active")))


def masked_member(member) -> dict:
    """A member as a clerk's page shows them: name, unit, phone and ID number masked
    (``138****5678``, ``110***********1234``), to tell two people of one name apart."""
    from .people.services import member_view
    return member_view(member)


def add_member(data: dict, *, audit_action: str = "member.create"):
    """Create a membership in the current tenant (name, phone, id_type/id_number, unit_id,
    roles); validated like an admin's entry, fires ``yinghuo_member_joined``. With ``login``
    (an e-mail), the membership is that existing account's: one person, a membership in
    each tenant they belong to."""
    from .people.auth import find_account
    from .people.services import add_member as add
    data = dict(data)
    login = data.pop("login", None)
    if login:
        account = find_account(login)
        if account is None:
            raise Invalid("No account signs in with this e-mail", fields={"login": ["unknown"]})
        data["account"] = account
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


def hours_ranking(period: str, limit: int = 50) -> list[dict]:
    """The tenant's members ranked by approved hours in ``period`` (a month ``2026-11`` or a
    quarter ``2026-Q3``): rank, member_id, name, hours - as the kernel's ranking shows it."""
    from .hours.services import ranking
    return ranking(period, limit=limit)


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


def activity_transition(activity, action: str, *, reason: str | None = None):
    """publish, close, complete or cancel (with the reason) a kernel activity."""
    from .activities.services import transition
    return transition(current_tenant(), activity, action, reason=reason)


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


def all_units() -> list:
    """Every unit of the tenant, in tree order (by path)."""
    from sqlalchemy import select
    from .units.models import Unit
    return list(db.session.scalars(select(Unit).order_by(Unit.path)))


def keyed_digest(value: str) -> str:
    """A keyed hash of ``value`` (a phone, an ID number) in the current tenant: equal values
    match, the value itself cannot be read back; for "one answer per phone" rules."""
    from .people.crypto import keyed_hash
    return keyed_hash(value, tenant_id=current_tenant_id())


def get_activity(activity_id: int):
    """An activity of the current tenant (NotFound otherwise)."""
    from .activities.services import get_activity as get
    return get(activity_id)


def activities_between(unit_ids, start, end, *, held_only: bool = True) -> list:
    """Activities of these units starting in [start, end) (aware datetimes); with
    ``held_only`` neither drafts nor cancelled ones. ``unit_ids`` may be a select of ids."""
    from sqlalchemy import select
    from .activities.models import Activity
    stmt = select(Activity).where(Activity.unit_id.in_(unit_ids), Activity.starts_at >= start,
                                  Activity.starts_at < end)
    if held_only:
        stmt = stmt.where(Activity.status.in_(("published", "closed", "completed")))
    return list(db.session.scalars(stmt.order_by(Activity.starts_at, Activity.id)))


def json_response(body, status: int = 200, headers: dict | None = None):
    """``body`` (plain dicts and lists already in a schema's shape; datetimes become ISO 8601
    as the schema's DateTime fields give them) as a JSON response, without a pass through
    marshmallow: for a hot list whose route still declares its schema for the OpenAPI
    document. Test that the two agree."""
    from .activities.api import json_out
    response = json_out(body, status)
    response.headers.update(headers or {})
    return response


def sheet_file(title: str, headers: list[str], rows) -> bytes:
    """An .xlsx workbook of one sheet: Chinese headers, then the rows, as bytes to send."""
    import io
    from openpyxl import Workbook
    from .sheets.services import cells
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append(cells(sheet, row))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def load_form(schema, source=None) -> dict:
    """A page's form read through the API's marshmallow schema (see ``views.load_form``)."""
    from .views import load_form as load
    return load(schema, source)


def form_errors(view):
    """Page decorator: a domain error of a form submission is shown as a message on the page
    it came from (the transaction rolled back)."""
    from .views import form_errors as wrap
    return wrap(view)


def posted() -> bool:
    """In a page that shows and takes its own form: True while taking a submission, False
    while showing the form (also when it is shown again after a refusal, with ``kept``
    values and ``field_error`` reasons in the template)."""
    from .views import posted as is_posted
    return is_posted()
