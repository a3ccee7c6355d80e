"""Mounting: kernel blueprints, plugin blueprints (guarded), health and roll-up."""
from __future__ import annotations

from flask import Flask, abort, g, jsonify
from sqlalchemy import text

from .extensions import csrf, db
from . import gate
from .plugin_host import PluginHost
from .tenant_api import blp as tenant_api


def register(app: Flask, host: PluginHost, api) -> None:
    from . import views
    from .people import api as _people_api  # noqa: F401  (adds routes to tenant_api)
    from .console import api as operator_api
    from .units import api as _units_api  # noqa: F401
    from .activities import api as _activities_api  # noqa: F401
    from .hours import api as _hours_api  # noqa: F401
    from .notifications import api as _notifications_api  # noqa: F401
    from .certificates import api as certificates_api
    from .sheets import api as _sheets_api  # noqa: F401
    _add_rollup_route()
    api.register_blueprint(operator_api.blp)
    api.register_blueprint(tenant_api)
    csrf.exempt(operator_api.blp)
    csrf.exempt(tenant_api)
    from .sheets import pages as _sheets_pages  # noqa: F401  (adds pages to views.pages)
    app.register_blueprint(views.pages)
    app.register_blueprint(views.console)
    app.register_blueprint(certificates_api.verify_pages)
    from .portal import views as activity_views
    app.register_blueprint(activity_views.bp)
    for name, item in host.blueprints(app):
        _mount(app, api, name, item)
    app.add_url_rule("/healthz", "healthz", healthz)


def _mount(app: Flask, api, name: str, item) -> None:
    """Mount a plugin blueprint under the tenant prefix; 404 where the plugin is off.

    The guard goes on this app, not on the blueprint object, so a plugin writes its
    blueprints once at module level, as the kernel's rooms do, and every app (tests build
    several) mounts the same ones."""
    bp = item.blueprint

    def only_where_enabled():
        if g.get("tenant") is None or name not in g.tenant.enabled_plugins:
            abort(404)
        from .i18n import use_plugin_domain
        use_plugin_domain(name)

    if item.kind == "api":
        api.register_blueprint(bp, url_prefix=f"/t/<tenant>/api/v1/{name}")
        csrf.exempt(bp)
    else:
        app.register_blueprint(bp, url_prefix=f"/t/<tenant>/{name}")
    app.before_request_funcs.setdefault(bp.name, []).insert(0, only_where_enabled)


_ROLLUP_ADDED = {"done": False}


def _add_rollup_route() -> None:
    if _ROLLUP_ADDED["done"]:
        return
    _ROLLUP_ADDED["done"] = True
    from .tenancy.schemas import RollupSchema

    @tenant_api.route("/rollup")
    @gate.permission("rollup.read")
    @tenant_api.response(200, RollupSchema(many=True))
    def rollup():
        """A hub's counts per child tenant (members, units, plugin stats); never their rows. Computed
        every ten minutes; ``X-Figures-As-Of`` says when."""
        from . import snapshots
        figures, computed_at = snapshots.current("children")
        db.session.commit()   # figures computed now are kept for the next reader
        return figures["children"], 200, {"X-Figures-As-Of": computed_at.isoformat()}


@gate.public
def healthz():
    """Database and Redis reachability (200 when both are fine or Redis is not configured)."""
    from .jobs import redis_status
    report = {"database": "ok", "redis": redis_status()}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # reported, not raised: this is the health check
        report["database"] = f"error: {type(exc).__name__}"
    ok = report["database"] == "ok" and report["redis"] in ("ok", "not configured")
    return jsonify({"status": "ok" if ok else "degraded", **report}), 200 if ok else 503
