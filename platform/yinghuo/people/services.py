"""Membership rules: registration with consent, real-name data, roles, masked views."""
from __future__ import annotations

import re

from flask import current_app, url_for
from sqlalchemy import func, select, union
from sqlalchemy.orm import joinedload

from .. import audit
from ..db.base import utcnow
from ..db.context import current_tenant_id, tenant_scope
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..jobs import enqueue
from ..units.models import Unit
from . import crypto
from ..gate import allowed
from .auth import find_account, hash_password, password_error
from .idnumbers import normalise_id, phone_error, resident_id_error
from .masking import mask_id_number, mask_phone
from .models import ID_TYPES, ROLES, Account, Member, MemberNameGram, MemberRole


def _hooks(tenant):
    return current_app.extensions["yinghuo"].host.hooks_for(tenant)


def check_identity(data: dict) -> dict:
    """Validate real-name fields; returns field errors (empty when fine)."""
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = ["required"]
    elif len(data["name"].strip()) > 100:
        errors["name"] = ["too long"]
    phone = data.get("phone")
    if phone and phone_error(phone):
        errors["phone"] = [phone_error(phone)]
    id_type = data.get("id_type") or ("resident_id" if data.get("id_number") else None)
    if id_type and id_type not in ID_TYPES:
        errors["id_type"] = [f"one of {', '.join(ID_TYPES)}"]
    if data.get("id_number") and id_type == "resident_id":
        problem = resident_id_error(normalise_id(data["id_number"]))
        if problem:
            errors["id_number"] = [problem]
    return errors


def _set_id_number(member: Member, id_type: str | None, number: str | None) -> None:
    if not number:
        return
    number = normalise_id(number)
    tid = member.tenant_id or current_tenant_id()
    digest = crypto.keyed_hash(number, tenant_id=tid)
    clash = db.session.scalar(select(Member.id).where(Member.id_number_hash == digest,
                                                      Member.id != (member.id or 0)))
    if clash is not None:
        raise Conflict("This ID number is already registered in this tenant",
                       fields={"id_number": ["already registered"]})
    member.id_type = id_type or "resident_id"
    member.id_number_enc = crypto.encrypt(number, context=str(tid))
    member.id_number_hash = digest


def name_contains(text: str):
    """A WHERE clause: the member's name contains ``text``. On PostgreSQL the members are found
    first in ``member_name_grams`` (each name's characters and pairs of characters, kept by a
    trigger) by the pairs of ``text`` (or its one character), and the LIKE checks only those:
    a name is found among a million members without reading them all. On SQLite, the LIKE."""
    like = Member.name.contains(text, autoescape=True)
    if not text or db.session.get_bind().dialect.name != "postgresql":
        return like
    lowered = text.lower()
    grams = {lowered} if len(lowered) == 1 else {lowered[i:i + 2] for i in range(len(lowered) - 1)}
    named = select(MemberNameGram.member_id).where(MemberNameGram.gram.in_(sorted(grams)))
    if len(grams) > 1:
        named = named.group_by(MemberNameGram.member_id).having(func.count() == len(grams))
    return Member.id.in_(named) & like


def find_members(text: str, limit: int = 20) -> list[Member]:
    """Members whose name contains ``text``, whose phone is ``text`` or whose ID number is
    ``text`` (matched by its keyed hash), by name: the search a leader or clerk types on a
    page to find someone."""
    text = (text or "").strip()
    if not text:
        return []
    # each way of matching on its own index, the members found by any of them (an OR of the
    # three read every member: the planner cannot use an index for one arm of an OR)
    ways = [select(Member.id).where(name_contains(text)), select(Member.id).where(Member.phone == text)]
    if len(text) >= 15 and text[:-1].isdigit():
        ways.append(select(Member.id).where(
            Member.id_number_hash == crypto.keyed_hash(normalise_id(text), tenant_id=current_tenant_id())))
    return list(db.session.scalars(select(Member).where(Member.id.in_(union(*ways))).order_by(Member.name)
                                   .limit(limit)))


def update_profile(member: Member, *, name: str, phone: str) -> Member:
    """A member's own name and phone here (their login stays as it is)."""
    name, phone = (name or "").strip(), (phone or "").strip()
    errors = check_identity({"name": name, "phone": phone})
    if not name:
        errors["name"] = ["required"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    before = {"name": member.name, "phone": member.phone}
    member.name, member.phone = name[:100], phone or None
    db.session.flush()
    audit.record("member.profile", "member", member.id, before=before, after={"name": member.name,
                                                                              "phone": member.phone})
    return member


def register(tenant, data: dict) -> Member | None:
    """Self-registration: a new login and its membership here, recording consent to the
    tenant's privacy notice (``data``: name, password, email and/or phone, optional
    id_type/id_number, unit_id, ``consent``).

    A login whose e-mail or phone exists already is answered exactly as a new one (nothing
    here tells a stranger which logins exist): nothing is written, and the owner is told that
    someone tried, and how to join with the login they have (:func:`join`). Returns the new
    member, or None for a login that existed."""
    from ..ratelimit import take as rate_limit
    if not tenant.setting("self_registration", True):
        raise Forbidden("This tenant does not take self-registration", code="registration_closed")
    rate_limit("public_form")
    errors = check_identity(data)
    email, phone = (data.get("email") or "").strip().lower() or None, (data.get("phone") or "").strip() or None
    if not (email or phone):
        errors["email"] = ["email or phone is required"]
    elif email and not _EMAIL.fullmatch(email):
        errors["email"] = ["not a valid e-mail address"]
    weak = password_error(data.get("password") or "")
    if weak:
        errors["password"] = [weak]
    if not data.get("consent"):
        errors["consent"] = ["you must agree to the privacy notice"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    taken = {a.id: a for a in (find_account(email or ""), find_account(phone or "")) if a is not None}
    password = hash_password(data["password"])  # the same work whether or not the login exists
    if taken:
        for account_id in taken:
            enqueue("yinghuo.notifications.services.tell_account", tenant_id=tenant.id, account_id=account_id,
                    kind="registration_attempt", tenant=tenant.display_name,
                    link=url_for("pages.join", tenant=tenant.slug, _external=True))
        audit.record("account.registration_attempt", "tenant", tenant.id)
        return None
    account = Account(email=email, phone=phone, password_hash=password)
    db.session.add(account)
    db.session.flush()
    return _membership(tenant, account, data, audit_action="member.register")


def join(tenant, account: Account, data: dict) -> Member:
    """A signed-in person joins this tenant with the login they have (name, phone, optional
    ID number and unit, ``consent``)."""
    if not tenant.setting("self_registration", True):
        raise Forbidden("This tenant does not take self-registration", code="registration_closed")
    errors = check_identity(data)
    if not data.get("consent"):
        errors["consent"] = ["you must agree to the privacy notice"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    if db.session.scalar(select(Member.id).where(Member.account_id == account.id)) is not None:
        raise Conflict("You are already a member here", fields={"name": ["already a member"]})
    return _membership(tenant, account, data, audit_action="member.join")


def _membership(tenant, account: Account, data: dict, *, audit_action: str) -> Member:
    member = add_member(tenant, {**data, "account": account, "roles": ["volunteer"]}, audit_action=audit_action)
    member.consent_version = tenant.setting("privacy_notice_version", "1")
    member.consent_at = utcnow()
    return member


_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")


def add_member(tenant, data: dict, *, audit_action: str = "member.create") -> Member:
    """Create a membership (admin, import, leader proxy for people without a phone)."""
    errors = check_identity(data)
    if errors:
        raise Invalid("Member is invalid", fields=errors)
    unit_id = data.get("unit_id")
    if unit_id is not None and db.session.get(Unit, (tenant.id, unit_id)) is None:
        raise Invalid("unknown unit", fields={"unit_id": ["no such unit in this tenant"]})
    account = data.get("account")
    member = Member(tenant_id=tenant.id, account_id=account.id if account else None,
                    name=data["name"].strip(), phone=data.get("phone") or (account.phone if account else None),
                    unit_id=unit_id)
    db.session.add(member)
    db.session.flush()
    _set_id_number(member, data.get("id_type"), data.get("id_number"))
    for role in dict.fromkeys(data.get("roles") or ["volunteer"]):
        _check_role(role)
        member.roles.append(MemberRole(tenant_id=tenant.id, member_id=member.id, role=role))
    db.session.flush()
    audit.record(audit_action, "member", member.id, after=member_view(member))
    _hooks(tenant).yinghuo_member_joined(tenant=tenant, member=member)
    return member


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}", fields={"roles": [f"one of {', '.join(ROLES)}"]})


def set_roles(member: Member, roles: list[dict]) -> Member:
    """Replace a member's roles; each item ``{"role": …, "unit_id": …}`` (unit for unit_admin)."""
    before = sorted(_role_label(r) for r in member.roles)
    roles = list({(r["role"], r.get("unit_id")): r for r in roles}.values())  # the same role twice is once
    for item in roles:
        _check_role(item["role"])
        if item["role"] == "unit_admin" and not item.get("unit_id"):
            raise Invalid("a unit admin needs a unit", fields={"roles": ["unit_admin requires unit_id"]})
        if item.get("unit_id") is not None and db.session.get(Unit, (member.tenant_id, item["unit_id"])) is None:
            raise Invalid("unknown unit", fields={"roles": ["no such unit in this tenant"]})
    if "tenant_admin" in member.role_names and all(r["role"] != "tenant_admin" for r in roles):
        _keep_an_admin(member)
    member.roles.clear()
    db.session.flush()
    for item in roles:
        member.roles.append(MemberRole(tenant_id=member.tenant_id, member_id=member.id,
                                       role=item["role"], unit_id=item.get("unit_id")))
    db.session.flush()
    audit.record("member.roles", "member", member.id, before={"roles": before},
                 after={"roles": sorted(_role_label(r) for r in member.roles)})
    return member


def _keep_an_admin(leaving: Member) -> None:
    """Refuse to take the tenant admin role from its last holder (themself or by another):
    a tenant with no admin cannot be run. The other admins' rows are locked, so two admins
    taking the role from each other at once cannot both succeed."""
    holders = db.session.scalars(select(MemberRole.member_id).where(
        MemberRole.role == "tenant_admin").with_for_update()).all()
    if not any(holder != leaving.id for holder in holders):
        raise Conflict("A tenant needs at least one admin: make someone else an admin first",
                       fields={"roles": ["the last admin"]}, code="last_admin")


def _role_label(r: MemberRole) -> str:
    return f"{r.role}@{r.unit_id}" if r.unit_id else r.role


def get_member(member_id: int) -> Member:
    member = db.session.get(Member, (current_tenant_id(), member_id))
    if member is None:
        raise NotFound("no such member")
    return member


def load_roles(members) -> list[Member]:
    """Load the roles of ``members`` (those not loaded yet) in one query a thousand members,
    ``member_id IN (…)`` on the roles' (tenant, member) index; returns ``members`` as a list."""
    from sqlalchemy import inspect
    from sqlalchemy.orm.attributes import set_committed_value
    members = list(members)
    waiting = [m for m in members if "roles" not in inspect(m).dict]
    for start in range(0, len(waiting), 1000):
        chunk = waiting[start:start + 1000]
        found: dict[tuple[int, int], list[MemberRole]] = {(m.tenant_id, m.id): [] for m in chunk}
        for role in db.session.scalars(select(MemberRole).where(MemberRole.member_id.in_([m.id for m in chunk]))
                                       .order_by(MemberRole.id)):
            found.get((role.tenant_id, role.member_id), []).append(role)
        for m in chunk:
            set_committed_value(m, "roles", found[(m.tenant_id, m.id)])
    return members


def member_for_account(account_id: int) -> Member | None:
    """The account's membership here, roles loaded in the same query."""
    return db.session.scalar(select(Member).where(Member.account_id == account_id)
                             .options(joinedload(Member.roles)))


def member_names(member_ids) -> dict[int, str]:
    """Names by member id, for rosters and queues (one query)."""
    ids = list(set(member_ids))
    if not ids:
        return {}
    return dict(db.session.execute(select(Member.id, Member.name).where(Member.id.in_(ids))).all())


def member_units(member_ids) -> dict[int, int | None]:
    """Each member's unit id, by member id (one query): for reports grouped by village."""
    ids = list(set(member_ids))
    if not ids:
        return {}
    return dict(db.session.execute(select(Member.id, Member.unit_id).where(Member.id.in_(ids))).all())


def members_in_unit_named(name: str) -> list[int]:
    """Ids of the members of the unit(s) with this name (e.g. a working group)."""
    return list(db.session.scalars(select(Member.id).join(Unit, Unit.id == Member.unit_id)
                                   .where(Unit.name == name).order_by(Member.id)))


def members_with_role(role: str) -> list[int]:
    """Ids of the members holding ``role`` in the current tenant."""
    return list(db.session.scalars(select(MemberRole.member_id).where(MemberRole.role == role)
                                   .distinct().order_by(MemberRole.member_id)))


def id_number(member: Member) -> str | None:
    if not member.id_number_enc:
        return None
    return crypto.decrypt(member.id_number_enc, context=str(member.tenant_id))


def member_view(member: Member, *, reveal: bool = False) -> dict:
    """A member as pages and the API show it: ID number and phone masked unless ``reveal``."""
    number = id_number(member)
    return {
        "id": member.id, "name": member.name, "unit_id": member.unit_id, "status": member.status,
        "phone": member.phone if reveal else mask_phone(member.phone),
        "id_type": member.id_type,
        "id_number": number if reveal else mask_id_number(number),
        "roles": sorted(_role_label(r) for r in member.roles),
        "consent_version": member.consent_version,
        "joined_at": member.joined_at.isoformat() if member.joined_at else None,
    }


def reveal_member(member: Member, *, reason: str, viewer: Member | None) -> dict:
    """Unmasked data for the person themself or an admin who gives a reason (audited)."""
    is_self = viewer is not None and viewer.id == member.id
    is_admin = allowed(viewer, "ids.reveal")
    if not (is_self or is_admin):
        raise Forbidden("Only the person or a tenant admin may see the full number")
    if not is_self and not (reason or "").strip():
        raise Invalid("A reason is required to see personal numbers", fields={"reason": ["required"]})
    if not is_self:
        audit.record("member.reveal", "member", member.id, reason=reason.strip())
    return member_view(member, reveal=True)


def make_admin(tenant, *, email: str, password: str | None, name: str | None = None) -> Member:
    """Give ``email`` the tenant_admin role (creating its account and membership if needed)."""
    with tenant_scope(tenant.id):
        account = find_account(email)
        if account is None:
            account = Account(email=email.strip().lower(), password_hash=hash_password(password or ""))
            db.session.add(account)
            db.session.flush()
        member = member_for_account(account.id)
        if member is None:
            member = add_member(tenant, {"name": name or email.split("@")[0], "account": account,
                                         "roles": ["tenant_admin"]})
        elif "tenant_admin" not in member.role_names:
            set_roles(member, [{"role": r.role, "unit_id": r.unit_id} for r in member.roles]
                      + [{"role": "tenant_admin"}])
        return member


def count_up_to(stmt, cap: int) -> int:
    """How many rows ``stmt`` gives, counted up to ``cap + 1`` (a count past that reads rows
    nobody looks at)."""
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).limit(cap + 1).subquery()))
