"""Finding the request's tenant: path prefix /t/<slug>/ or a mapped host name.

``people.identity.begin_request`` calls :func:`find` and enters the tenant's scope once
for the whole request; :func:`teardown` leaves it.
"""
from __future__ import annotations

import time

from flask import g
from sqlalchemy import select

from ..db import context as scope
from ..db.rows import attach, columns_of
from sqlalchemy import event
from sqlalchemy.orm import Session, selectinload

from ..errors import Forbidden, NotFound
from ..extensions import db
from .models import Tenant, TenantHost, TenantPlugin

_HOSTS: dict = {"at": 0.0, "map": {}}
HOST_CACHE_SECONDS = 30


#: slug -> (loaded at, the tenant's column values, its plugin rows' column values)
_TENANTS: dict[str, tuple[float, dict, list[dict]]] = {}
#: another process's change (a suspension, a plugin switched) is seen within this time;
#: changes made in this process are seen at once
TENANT_CACHE_SECONDS = 5.0


def find(slug: str) -> Tenant:
    """The tenant named in the URL; 404 unknown, 403 suspended (data kept).

    Served from a short per-process cache of its row and its plugin rows, made session
    objects again without a query (:func:`~yinghuo.db.rows.attach`): the tenant is read on
    nearly every request."""
    cached = _TENANTS.get(slug)
    if cached is None or time.monotonic() - cached[0] > TENANT_CACHE_SECONDS:
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug)
                                   .options(selectinload(Tenant.plugin_rows)))
        if tenant is None:
            raise NotFound(f"no tenant {slug!r}")
        _TENANTS[slug] = (time.monotonic(), _values(Tenant, tenant), [_values(TenantPlugin, p)
                                                                       for p in tenant.plugin_rows])
    else:
        tenant = attach(Tenant, cached[1], plugin_rows=[attach(TenantPlugin, p) for p in cached[2]])
    if tenant.status == "suspended":
        raise Forbidden(tenant.suspended_reason or "This tenant is suspended; its data is kept.",
                        code="tenant_suspended")
    return tenant


def current_tenant():
    """The tenant in scope: the request's, or (in a job or the CLI) the one whose scope is
    entered; None outside any tenant."""
    tenant = g.get("tenant")
    if tenant is None and scope.current_tenant_id() is not None:
        tenant = db.session.get(Tenant, scope.current_tenant_id())
    return tenant


def _values(model, obj) -> dict:
    return {key: getattr(obj, key) for key, _ in columns_of(model)}


def forget_tenants(*_args) -> None:
    _TENANTS.clear()


@event.listens_for(Session, "after_flush")
def _note_tenant_changes(session, flush_context):
    touched = (obj for group in (session.new, session.dirty, session.deleted) for obj in group)
    if any(isinstance(obj, (Tenant, TenantPlugin, TenantHost)) for obj in touched):
        session.info["tenants_changed"] = True


@event.listens_for(Session, "after_commit")
def _forget_changed_tenants(session):
    if session.info.pop("tenants_changed", False):
        forget_tenants()
        forget_hosts()


def url_defaults(endpoint, values):
    tenant = getattr(g, "tenant", None)
    if tenant is not None and "tenant" not in values:
        values["tenant"] = tenant.slug


def teardown(exc=None):
    token = g.pop("scope_token", None)
    if token is not None:
        scope.leave(token)


def slug_for_host(app, host: str) -> str | None:
    """Host-name map, cached for a few seconds (read outside any request scope)."""
    now = time.monotonic()
    if now - _HOSTS["at"] > HOST_CACHE_SECONDS:
        with app.app_context():
            try:
                rows = db.session.execute(select(TenantHost.host, Tenant.slug).join(
                    Tenant, Tenant.id == TenantHost.tenant_id)).all()
                _HOSTS["map"], _HOSTS["at"] = dict(rows), now
            except Exception:  # the database is out of reach: keep the last map, ask again soon
                app.logger.error("could not read the host map; kept the last one")
                _HOSTS["at"] = now - HOST_CACHE_SECONDS + 2
            finally:
                db.session.remove()
    return _HOSTS["map"].get(host.split(":")[0].lower())


def forget_hosts() -> None:
    _HOSTS["at"] = 0.0


class HostMapMiddleware:
    """WSGI: a request to a mapped host is served as /t/<slug>/… of that tenant."""

    def __init__(self, app, flask_app):
        self.app, self.flask_app = app, flask_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(("/t/", "/static/", "/api/", "/healthz", "/verify/")):
            slug = slug_for_host(self.flask_app, environ.get("HTTP_HOST", ""))
            if slug:
                environ["PATH_INFO"] = f"/t/{slug}{path if path != '/' else '/'}"
        return self.app(environ, start_response)
