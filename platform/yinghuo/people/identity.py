"""Who is asking: bearer token (API) or session cookie (pages), once per request."""
from __future__ import annotations

import time
from functools import wraps

from flask import g, request, session

from ..db import context as scope
from ..errors import Forbidden, Unauthorized, is_api_request
from ..extensions import db
from ..tenancy import context as tenancy
from .auth import token_identity
from .models import Account
from .services import member_for_account

OPERATOR_IDLE_MINUTES = 30


def begin_request(endpoint, values) -> None:
    """Resolve tenant, account and member, then enter the tenant's scope.

    A bearer request costs one query here: token, account and membership (with roles)
    are read together once the tenant's scope is set."""
    g.tenant = g.account = g.member = None
    slug = values.pop("tenant", None) if values else None
    tenant = tenancy.find(slug) if slug is not None else None
    ids = (tenant.id,) if tenant is not None else ()
    g.scope_token = scope.enter(scope.Scope(ids))
    g.tenant = tenant
    g.account, g.member = _identity(tenant)
    if g.account is not None and g.account.is_operator:
        scope.leave(g.scope_token)
        g.scope_token = scope.enter(scope.Scope(ids, operator=True))


def _identity(tenant) -> tuple[Account | None, object | None]:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        found = token_identity(header[7:].strip(), tenant.id if tenant else None)
        if found is None:
            raise Unauthorized("The token is invalid or revoked", code="bad_token")
        return found
    if is_api_request():
        return None, None  # the API takes bearer tokens only, so cookies cannot forge API calls
    account_id = session.get("account_id")
    if account_id is None:
        return None, None
    idle = (tenant.setting("session_idle_minutes", 30) if tenant else OPERATOR_IDLE_MINUTES) * 60
    now = int(time.time())
    if now - int(session.get("seen", 0)) > idle:
        session.clear()
        return None, None
    session["seen"] = now
    account = db.session.get(Account, account_id)
    member = member_for_account(account.id) if account is not None and tenant is not None else None
    return account, member


def login_session(account: Account) -> None:
    session.clear()
    session["account_id"] = account.id
    session["seen"] = int(time.time())
    session.permanent = False


def require_login(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("account") is None:
            raise Unauthorized("Please sign in")
        return view(*args, **kwargs)
    return wrapper


def require_member(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("member") is None:
            if g.get("account") is None:
                raise Unauthorized("Please sign in")
            raise Forbidden("You are not a member of this tenant")
        return view(*args, **kwargs)
    return wrapper


def _member_guard(allowed, refusal: str):
    """Decorator factory: a signed-in member for whom ``allowed(member)`` holds (and TOTP if required)."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            member = g.get("member")
            if member is None and g.get("account") is None:
                raise Unauthorized("Please sign in")
            if member is None or not allowed(member):
                raise Forbidden(refusal)
            check_second_factor(member)
            return view(*args, **kwargs)
        return wrapper
    return decorator


def require_role(*roles):
    return _member_guard(lambda m: bool(m.role_names & set(roles)), "You do not have the role needed here")


def check_second_factor(member) -> None:
    """Admins of a tenant that requires TOTP must have enrolled it before acting as admins."""
    tenant = g.get("tenant")
    if tenant is None or not tenant.setting("require_totp_for_admins", False):
        return
    if member.role_names & {"tenant_admin", "unit_admin"} and not g.account.totp_secret:
        raise Forbidden("This tenant requires a second factor for admins: enrol it first",
                        code="totp_enrollment_required")


def require_operator(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        account = g.get("account")
        if account is None:
            raise Unauthorized("Please sign in")
        if not account.is_operator:
            raise Forbidden("Operators only")
        return view(*args, **kwargs)
    return wrapper


def has_permission(member, name: str) -> bool:
    """Does ``member`` hold a role that the permission ``name`` is granted to?"""
    from flask import current_app
    perm = current_app.extensions["yinghuo"].permissions.get(name)
    if perm is None:
        raise KeyError(f"unknown permission {name!r}")
    return member is not None and bool(member.role_names & set(perm.default_roles))


def require_permission(name: str):
    return _member_guard(lambda m: has_permission(m, name), "You do not have the permission needed here")
