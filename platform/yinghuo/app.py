"""The application factory."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, g, request, session
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy.orm import Session
from werkzeug.middleware.proxy_fix import ProxyFix

from . import errors, jobs
from .config import Settings
from .db import limits, rls, scoping
from werkzeug.routing import IntegerConverter

from .extensions import babel, csrf, db
from .plugin_host import PluginHost
from .smorest import Api

LOCALES = ("zh_Hans_CN", "en")


class Kernel:
    """Per-app kernel state, at ``app.extensions["yinghuo"]``."""

    def __init__(self, settings: Settings, host: PluginHost):
        self.settings, self.host = settings, host
        self.rls_state: dict = {"on": False}
        self.api: Api | None = None
        #: plugin name -> its Flask-Babel domain (its own catalog first), see i18n.plugin_domains
        self.babel_domains: dict = {}
        self.permissions: dict = {}
        self.rate_limiter = None  # built on first use (ratelimit.py)


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``config`` overrides settings; tests pass ``YINGHUO_EXTRA_PLUGINS``."""
    config = dict(config or {})
    settings = config.pop("SETTINGS", None) or Settings.from_env(config.pop("ENV", None))
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.session_interface = _CookieSessions()
    app.url_map.converters["int"] = IdConverter
    app.json = JSONProvider(app)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(settings.database_url),
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        API_TITLE="Yinghuo API", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api", OPENAPI_JSON_PATH="openapi.json",
        BABEL_DEFAULT_LOCALE="zh_Hans_CN", BABEL_DEFAULT_TIMEZONE="Asia/Shanghai",
        JSON_SORT_KEYS=False, REDIS_URL=settings.redis_url,
        YINGHUO_SMTP_URL=settings.smtp_url, YINGHUO_MAIL_FROM=settings.mail_from,
        **({"YINGHUO_RATE_LIMITS": settings.rate_limits} if settings.rate_limits else {}),
    )
    app.config.update(config)
    host = PluginHost(only=settings.plugins,
                      extra=settings.extra_plugins + list(app.config.get("YINGHUO_EXTRA_PLUGINS") or []),
                      trace=settings.trace_hooks)
    app.extensions["yinghuo"] = Kernel(settings, host)
    app.extensions["yinghuo"].permissions = host.permissions()
    _init_extensions(app)
    _init_database(app)
    _register(app, host)
    if settings.proxies:  # outermost: the host map and everything after see the client's own request
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxies, x_proto=settings.proxies,
                                x_host=settings.proxies)
    return app


class IdConverter(IntegerConverter):
    """``<int:…>`` in a route: an id, so at most PostgreSQL's bigint (a longer number is a 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**63 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading bodies with the app's limits (``inputs.loads``)."""

    def loads(self, s, **kwargs):
        from .inputs import loads
        return loads(s)


class _CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the cookie signer for requests that
    carry no session cookie (every API call, every first visit)."""

    def open_session(self, app, request):
        if "HTTP_COOKIE" not in request.environ or not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def get_cookie_secure(self, app) -> bool:
        """Secure whenever the page was served over https (directly, or as the proxy says)."""
        return request.is_secure or super().get_cookie_secure(app)


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    # No pre-ping: it costs a round trip per request; stale connections are recycled instead.
    return {"pool_recycle": 1800, "pool_size": 5, "max_overflow": 5}


def _init_extensions(app: Flask) -> None:
    from .i18n import translation_dirs
    db.init_app(app)
    app.extensions["yinghuo"].api = Api(app)
    csrf.init_app(app)
    manifests = app.extensions["yinghuo"].host.manifests
    from .i18n import plugin_domains
    kernel_dir, *plugin_dirs = translation_dirs(
        app, {name: m.translations for name, m in manifests.items() if getattr(m, "translations", None)})
    # the kernel's catalog last: on the kernel's pages its own words win over a plugin's
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join([*plugin_dirs, kernel_dir])
    app.extensions["yinghuo"].babel_domains = plugin_domains(kernel_dir, plugin_dirs)
    babel.init_app(app, locale_selector=_locale)
    from .i18n import install_template_gettext
    install_template_gettext(app)
    errors.init_app(app)  # after api.init_app so our error format wins


def _locale() -> str:
    wanted = request.args.get("lang")
    if wanted in ("en", "zh"):
        session["lang"] = wanted
    return "en" if session.get("lang") == "en" else "zh_Hans_CN"


def _init_database(app: Flask) -> None:
    scoping.install(Session)
    kernel = app.extensions["yinghuo"]
    rls.install(Session)
    limits.install(Session)
    jobs.install(Session)
    from . import counters
    counters.install(Session)
    kernel.rls_state["on"] = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    from . import models  # noqa: F401  (registers every kernel table on db.metadata)
    kernel.host.check_models()
    from .db import driver
    with app.app_context():
        for engine in db.engines.values():
            driver.install(engine)


def _register(app: Flask, host: PluginHost) -> None:
    from .people.identity import begin_request
    from .tenancy import context as tenancy
    from . import headers, inputs, routes
    inputs.install(app)
    headers.install(app)
    app.url_value_preprocessor(begin_request)

    @app.url_defaults
    def _tenant_default(endpoint, values):
        if app.url_map.is_endpoint_expecting(endpoint, "tenant"):
            tenancy.url_defaults(endpoint, values)

    app.teardown_request(tenancy.teardown)

    @app.after_request
    def _inline_jobs(response):
        jobs.run_inline()
        return response
    routes.register(app, host, app.extensions["yinghuo"].api)
    app.wsgi_app = tenancy.HostMapMiddleware(app.wsgi_app, app)

    @app.context_processor
    def _globals():
        return {"tenant": g.get("tenant"), "account": g.get("account"), "member": g.get("member")}
