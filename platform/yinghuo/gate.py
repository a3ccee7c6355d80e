"""The gate: every route says who may pass, and this module alone decides.

A route (API method or page, kernel or plugin) carries exactly one of these decorators,
innermost, just above the function:

``@public``                 anyone, signed in or not (sign-in pages, public forms, /verify)
``@signed_in``              any account (an operator's or a member's own security page)
``@member``                 a member of the request's tenant
``@permission("x.y")``      a member holding a role that the ``Permission`` "x.y" is granted to
``@operator``               a platform operator

For ``permission`` the gate also refuses an admin who has not enrolled the second factor
in a tenant that requires it (``require_totp_for_admins``); the security page, which is
``signed_in``, stays open so they can. A suspended tenant is refused before any of this,
when the request's tenant is resolved (``tenancy.context.find``).

Roles are named in one place, the permission table: the kernel's ``Permission`` records in
``core_hooks`` and each plugin's from ``yinghuo_permissions``. Code that must decide
within a route (may this viewer see that record?) asks :func:`allowed` with a permission,
never a role set. The declaration stays on the view as ``view.gate``, so
``tests/contracts/test_gate.py`` walks every registered route for every kind of person.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import current_app, g, redirect, request, url_for

from .errors import Forbidden, Unauthorized, is_api_request

#: the roles that count as admins for the second-factor rule
ADMIN_ROLES = frozenset({"tenant_admin", "unit_admin"})


@dataclass(frozen=True)
class Gate:
    """What a route declared: ``kind`` is public, signed_in, member, permission or operator."""

    kind: str
    permission: str | None = None


def route_gate(endpoint: str | None, method: str) -> Gate | None:
    """What the route at ``endpoint`` declared for ``method`` (a method view's own method)."""
    from flask import current_app
    view = current_app.view_functions.get(endpoint) if endpoint else None
    if view is None:
        return None
    return declared(getattr(getattr(view, "view_class", None), method.lower(), None) or view)


def _declare(gate: Gate, check):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            refusal = check()
            if refusal is not None:
                return refusal
            return view(*args, **kwargs)
        wrapper.gate = gate
        return wrapper
    return decorator


def _sign_in_first():
    """Pages send people to sign in and bring them back; the API answers 401."""
    if is_api_request():
        raise Unauthorized("Please sign in")
    endpoint = "pages.login" if g.get("tenant") is not None else "console.operator_login"
    return redirect(url_for(endpoint, next=request.full_path))


def public(view):
    """Anyone may pass: nothing to check, so no wrapper on the way (the activity list is hot)."""
    view.gate = Gate("public")
    return view


def signed_in(view):
    return _declare(Gate("signed_in"), lambda: _sign_in_first() if g.get("account") is None else None)(view)


def _member_check():
    if g.get("member") is not None:
        return None
    if g.get("account") is None:
        return _sign_in_first()
    raise Forbidden("You are not a member of this tenant", code="not_a_member")


def member(view):
    return _declare(Gate("member"), _member_check)(view)


def permission(name: str):
    def check():
        refusal = _member_check()
        if refusal is not None:
            return refusal
        if not allowed(g.member, name):
            raise Forbidden("You do not have the permission needed here")
        check_second_factor(g.member)
        # behind a permission are the admins' tools, reading across the whole tenant: plan
        # their statements with their values (yinghuo.db.plans)
        from .db.plans import custom_plans
        custom_plans()
        return None
    return _declare(Gate("permission", name), check)


def demand(name: str, member=None) -> None:
    """Inside a route, where what is asked decides the permission (signing up someone else,
    checking in on their behalf): refuse unless the member holds ``name``, as the gate would."""
    member = g.get("member") if member is None else member
    if not allowed(member, name):
        raise Forbidden("You do not have the permission needed here")
    check_second_factor(member)


def operator(view):
    def check():
        if g.get("account") is None:
            return _sign_in_first()
        if not g.account.is_operator:
            raise Forbidden("Operators only")
        return None
    return _declare(Gate("operator"), check)(view)


def permissions() -> dict:
    """Every registered ``Permission`` by name (kernel and installed plugins)."""
    return current_app.extensions["yinghuo"].permissions


def allowed(member, name: str) -> bool:
    """Does ``member`` hold a role that the permission ``name`` is granted to?"""
    perm = permissions().get(name)
    if perm is None:
        raise KeyError(f"unknown permission {name!r}")
    return member is not None and bool(member.role_names & set(perm.default_roles))


def check_second_factor(member) -> None:
    """Admins of a tenant that requires TOTP must have enrolled it before acting as admins."""
    tenant = g.get("tenant")
    if tenant is None or not tenant.setting("require_totp_for_admins", False):
        return
    if member.role_names & ADMIN_ROLES and not g.account.totp_secret:
        raise Forbidden("This tenant requires a second factor for admins: enrol it first",
                        code="totp_enrollment_required")


def declared(view) -> Gate | None:
    """The gate a view function declared, or None."""
    return getattr(view, "gate", None)
