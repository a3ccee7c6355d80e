"""Fixtures shared by the kernel's and the plugins' tests (entry point ``pytest11``).

Each test run (each pytest-xdist worker) makes its own database: PostgreSQL by default
(``YINGHUO_TEST_DB=sqlite`` for the embedded run), migrated with Alembic, emptied between
tests. PostgreSQL unreachable is an error, never a skip. Times come from the ``clock``
fixture or a frozen clock (``yinghuo.testing.clock``), never from a date written down.
"""
from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("YINGHUO_TEST_PG", "postgresql://root@127.0.0.1:5432/postgres")


def pytest_configure(config):
    """Under pytest-xdist each worker gets its own Redis database (15, 14, …) as it gets its own
    PostgreSQL database, since the job and rate-limit tests empty theirs."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw") and "YINGHUO_TEST_REDIS" not in os.environ:
        os.environ["YINGHUO_TEST_REDIS"] = f"redis://127.0.0.1:6379/{15 - int(worker[2:]) % 16}"


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def empty_pg_database():
    """``empty_pg_database("backup")`` makes an empty PostgreSQL database for this test and gives
    its URL (``postgresql://…``); it is dropped afterwards. For tests that run real commands
    against their own database (installs, restores)."""
    made = []
    admin = create_engine(_pg_url("postgres").replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")

    def make(purpose: str) -> str:
        name = f"yh_{purpose}_{os.getpid()}_{secrets.token_hex(3)}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return _pg_url(name)
    yield make
    with admin.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A fresh, migrated database for this test run."""
    if os.environ.get("YINGHUO_TEST_DB", "postgresql") == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    name = f"yh_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(_pg_url("postgres").replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield _pg_url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_env(database_url: str, instance: Path, **extra) -> dict:
    return {"DATABASE_URL": database_url, "YINGHUO_INSTANCE": str(instance),
            "SECRET_KEY": "test-secret-key-0123456789",
            "YINGHUO_DATA_KEY": "k1:" + "A" * 43 + "=", "YINGHUO_PASSWORD_PROFILE": "CHEAPEST", **extra}


def extra_plugins(request) -> list[str]:
    marker = request.node.get_closest_marker("plugins") if hasattr(request, "node") else None
    return list(marker.args) if marker else []


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The app under test with the sample plugin installed, migrated once per run."""
    from yinghuo.app import create_app
    from yinghuo import migrate
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({"ENV": make_env(database_url, instance), "TESTING": True,
                      "WTF_CSRF_ENABLED": False,
                      "YINGHUO_EXTRA_PLUGINS": ["yinghuo.testing.sample_plugin"]})
    with app.app_context():
        migrate.upgrade()
    return app


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table after each test that used the app (tests stay independent)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    from yinghuo.extensions import db
    from yinghuo.tenancy.context import forget_tenants
    forget_tenants()
    with app.app_context():
        from yinghuo import ratelimit
        ratelimit.reset()
        db.session.remove()
        _empty_tables(db.engine)


#: tables the database's triggers write when another table changes: {kept table: its source}
TRIGGER_FILLED = {"hour_totals": "hour_records"}


def _empty_tables(engine) -> None:
    """DELETE every table, children first, as the owner (row-level security does not apply).

    A test leaves a few dozen rows; deleting them takes a few milliseconds where TRUNCATE,
    which gives each of the ~50 tables and their indexes new files, took ~65 ms a test.
    Ids are not restarted: no test may depend on them."""
    from yinghuo.extensions import db
    names = [t.name for t in reversed(db.metadata.sorted_tables)]
    for kept, source in TRIGGER_FILLED.items():  # emptied after the table whose triggers fill them
        if kept in names and source in names:
            names.remove(kept)
            names.insert(names.index(source) + 1, kept)
    statements = [f"DELETE FROM {name}" for name in names]
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("; ".join(statements))
        else:
            for statement in statements:
                conn.exec_driver_sql(statement)


@pytest.fixture
def clock():
    """Times relative to now in China time (:class:`yinghuo.testing.clock.Clock`); under
    ``@pytest.mark.time_machine(...)`` now is the frozen moment."""
    from yinghuo.testing.clock import Clock
    return Clock()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    """An app context for calling services directly."""
    with app.app_context():
        yield
        from yinghuo.extensions import db
        db.session.remove()


@pytest.fixture
def in_tenant(app):
    """``with in_tenant("uni"):`` runs the block as a request of that tenant would: an app and
    request context, the tenant's scope and ``current_tenant()``; it commits at the end.
    A plugin's tests call its services this way instead of reaching into the kernel."""
    from contextlib import contextmanager

    from flask import g

    from yinghuo.db.context import tenant_scope
    from yinghuo.extensions import db
    from yinghuo.tenancy.services import get_tenant

    @contextmanager
    def enter(slug: str):
        with app.test_request_context("/"):
            g.tenant = get_tenant(slug)
            with tenant_scope(g.tenant.id):
                yield g.tenant
                db.session.commit()
            db.session.remove()
    return enter


@pytest.fixture
def run_periodic_jobs(app):
    """``run_periodic_jobs("teams")`` runs that plugin's declared periodic jobs now, in this
    process: {job id: the tenant ids it ran for}."""
    from yinghuo import jobs

    def run(plugin: str) -> dict:
        with app.app_context():
            declared = jobs.periodic_jobs(app.extensions["yinghuo"].host)
            return {job_id: jobs.run_periodic_inline(job_id) for job_id, (owner, _) in declared.items()
                    if owner == plugin}
    return run


@pytest.fixture
def make_tenant(app):
    """``make_tenant(slug, plugins=[...], kind=..., parent=...)`` through the services."""
    from yinghuo.extensions import db
    from yinghuo.tenancy import services

    def make(slug, *, plugins=(), kind="county", parent=None, settings=None, admin=None):
        from yinghuo.db.context import tenant_scope
        with app.app_context(), tenant_scope(None, operator=True):  # as the platform operator does
            tenant = services.create_tenant(slug=slug, name=f"Tenant {slug}", kind=kind, parent=parent,
                                            plugins=list(plugins), settings=settings)
            if admin:
                from yinghuo.people.services import make_admin
                make_admin(tenant, email=admin, password="Passw0rd!x")
            db.session.commit()
            return tenant.id
    return make


@pytest.fixture
def redis(app):
    """The app with Redis configured (this worker's own database, emptied before and after):
    shared counters and rate limits count there, and jobs go to RQ rather than inline.
    Yields the connection; Redis unreachable is a failure, not a skip."""
    import os
    import redis as redis_lib
    url = os.environ.get("YINGHUO_TEST_REDIS", "redis://127.0.0.1:6379/15")
    conn = redis_lib.Redis.from_url(url)
    conn.ping()
    conn.flushdb()
    app.config["REDIS_URL"] = url
    yield conn
    app.config["REDIS_URL"] = None
    conn.flushdb()


@pytest.fixture
def redis_outage(app, redis):
    """Redis unreachable for the test's requests (jobs wait in the outbox); ``back()`` brings it
    back, has the outbox swept and a worker run what was queued again; it answers how many
    calls the sweep pushed."""
    from rq import SimpleWorker

    from yinghuo import jobs
    up = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there

    def back() -> int:
        app.config["REDIS_URL"] = up
        with app.app_context():
            pushed = jobs.sweep_outbox(stale_seconds=0)
            q = jobs.queue()
            jobs._WORKER_APP["app"] = app
            SimpleWorker([q], connection=q.connection, serializer=q.serializer).work(burst=True)
        jobs._WORKER_APP.clear()
        return pushed
    yield back
    app.config["REDIS_URL"] = up


@pytest.fixture
def make_member(app):
    """``make_member(slug, email, roles=[...], **fields)`` -> member id (password Passw0rd!x).
    An email used before is the same person taking a membership in another tenant."""
    from yinghuo.db.context import tenant_scope
    from yinghuo.extensions import db
    from yinghuo.people import services
    from yinghuo.people.auth import hash_password
    from yinghuo.people.models import Account
    from yinghuo.tenancy.services import get_tenant

    def make(slug, email, *, roles=("volunteer",), **fields):
        from yinghuo.people.auth import find_account
        with app.app_context():
            tenant = get_tenant(slug)
            with tenant_scope(tenant.id):
                account = find_account(email)  # one person, a membership in each tenant they belong to
                if account is None:
                    account = Account(email=email, password_hash=hash_password("Passw0rd!x"))
                    db.session.add(account)
                    db.session.flush()
                member = services.add_member(tenant, {"name": fields.pop("name", email.split("@")[0]),
                                                      "account": account, "roles": list(roles), **fields})
                db.session.commit()
                return member.id
    return make


@pytest.fixture
def login(client):
    """``login(slug, email)`` -> Authorization headers for the tenant API."""
    def do(slug, email, password="Passw0rd!x"):
        r = client.post(f"/t/{slug}/api/v1/auth/token", json={"login": email, "password": password})
        assert r.status_code == 201, r.get_json()
        return {"Authorization": f"Bearer {r.get_json()['token']}"}
    return do


@pytest.fixture
def operator(app, client):
    """Authorization headers of a platform operator."""
    from yinghuo.extensions import db
    from yinghuo.people.auth import hash_password
    from yinghuo.people.models import Account
    with app.app_context():
        db.session.add(Account(email="op@yinghuo.test", password_hash=hash_password("Operat0r!x"), is_operator=True))
        db.session.commit()
    r = client.post("/api/v1/auth/token", json={"login": "op@yinghuo.test", "password": "Operat0r!x"})
    assert r.status_code == 201, r.get_json()
    return {"Authorization": f"Bearer {r.get_json()['token']}"}


# --- browser tests: Debian's Chromium against a live server ---------------------------------

@pytest.fixture
def live_server(app, database_url, tmp_path):
    from werkzeug.serving import make_server
    """The same database served over HTTP by a second app with CSRF protection on."""
    from yinghuo.app import create_app
    from yinghuo.testing.pytest_plugin import make_env
    live = create_app({"ENV": make_env(database_url, tmp_path), "WTF_CSRF_ENABLED": True,
                       "YINGHUO_EXTRA_PLUGINS": ["yinghuo.testing.sample_plugin"]})
    server = make_server("127.0.0.1", 0, live, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def browser(tmp_path):
    """Debian's Chromium, headless, phone-sized, downloads into tmp_path/downloads."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    assert shutil.which("chromium") and shutil.which("chromedriver"), "install Debian's chromium and chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=390,844"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.implicitly_wait(5)
    # a phone's viewport (a desktop window cannot be made this narrow)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    # every page records what its Content-Security-Policy refused (yinghuo.testing.csp_violations)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": (
        "window.__csp = []; document.addEventListener('securitypolicyviolation', "
        "e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));")})
    (tmp_path / "downloads").mkdir()
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow",
                                                         "downloadPath": str(tmp_path / "downloads")})
    yield driver
    driver.quit()


@pytest.fixture
def raw_sql(app):
    """``raw_sql("UPDATE …")`` runs SQL straight on the test database as its owner, outside
    the app and its row-level security: what someone with database access could do (the
    tamper-evidence tests plant their changes this way)."""
    from sqlalchemy import text

    from yinghuo.extensions import db

    def run(sql: str, **params):
        with app.app_context(), db.engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return result.rowcount

    def scalar(sql: str, **params):
        """``raw_sql.scalar("SELECT count(*) …")``: one value, read the same way."""
        with app.app_context(), db.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    run.scalar = scalar
    return run
