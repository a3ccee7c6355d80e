"""Who is asking: bearer token (API) or session cookie (pages), once per request. Whether
they may pass is the gate's to say (``yinghuo.gate``); a suspended tenant is refused when it
is resolved (``tenancy.context.find``), before any route."""
from __future__ import annotations

import time

from flask import g, request, session
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..db import context as scope
from ..errors import Unauthorized, is_api_request
from ..extensions import db
from ..tenancy import context as tenancy
from .auth import token_identity
from .models import Account, Member

OPERATOR_IDLE_MINUTES = 30


def begin_request(endpoint, values) -> None:
    """Resolve tenant, account and member, then enter the tenant's scope.

    A bearer request costs one query here: token, account and membership (with roles)
    are read together once the tenant's scope is set."""
    g.tenant = g.account = g.member = None
    if request.routing_exception is not None:
        return  # no route (a 404, a 405): nobody to identify; the error page finds the tenant itself
    slug = values.pop("tenant", None) if values else None
    tenant = tenancy.find(slug) if slug is not None else None
    ids = (tenant.id,) if tenant is not None else ()
    g.scope_token = scope.enter(scope.Scope(ids))
    g.tenant = tenant
    if tenant is not None and not db.session().in_transaction():
        from ..db.plans import custom_plans_from_start
        from ..gate import route_gate
        route = route_gate(request.endpoint, request.method)
        if route is not None and route.kind == "permission":   # the gate will ask for them
            custom_plans_from_start()
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
    if tenant is None:
        return db.session.get(Account, account_id), None
    # account and membership here (with its roles) in one statement, as for a bearer token
    row = db.session.execute(select(Account, Member).outerjoin(Member, Member.account_id == Account.id)
                             .options(joinedload(Member.roles)).where(Account.id == account_id)).unique().first()
    return (row[0], row[1]) if row is not None else (None, None)


def login_session(account: Account) -> None:
    session.clear()
    session["account_id"] = account.id
    session["seen"] = int(time.time())
    session.permanent = False
