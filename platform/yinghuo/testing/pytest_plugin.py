"""Fixtures shared by the kernel's and the plugins' tests (entry point ``pytest11``).

Each test run makes its own database: PostgreSQL by default (``YINGHUO_TEST_DB=sqlite``
for the embedded run), migrated with Alembic, emptied between tests. PostgreSQL
unreachable is an error, never a skip.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("YINGHUO_TEST_PG", "postgresql://root@127.0.0.1:5432/postgres")


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


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
            "YINGHUO_DATA_KEY": "k1:" + "A" * 43 + "=", **extra}


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
        db.session.remove()
        with db.engine.begin() as conn:
            tables = [t.name for t in reversed(db.metadata.sorted_tables)]
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            else:
                for t in tables:
                    conn.exec_driver_sql(f"DELETE FROM {t}")


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
def make_tenant(app):
    """``make_tenant(slug, plugins=[...], kind=..., parent=...)`` through the services."""
    from yinghuo.extensions import db
    from yinghuo.tenancy import services

    def make(slug, *, plugins=(), kind="county", parent=None, settings=None, admin=None):
        with app.app_context():
            tenant = services.create_tenant(slug=slug, name=f"Tenant {slug}", kind=kind, parent=parent,
                                            plugins=list(plugins), settings=settings)
            if admin:
                from yinghuo.people.services import make_admin
                make_admin(tenant, email=admin, password="Passw0rd!x")
            db.session.commit()
            return tenant.id
    return make


@pytest.fixture
def make_member(app):
    """``make_member(slug, email, roles=[...], **fields)`` -> member id (password Passw0rd!x)."""
    from yinghuo.db.context import tenant_scope
    from yinghuo.extensions import db
    from yinghuo.people import services
    from yinghuo.people.auth import hash_password
    from yinghuo.people.models import Account
    from yinghuo.tenancy.services import get_tenant

    def make(slug, email, *, roles=("volunteer",), **fields):
        with app.app_context():
            tenant = get_tenant(slug)
            with tenant_scope(tenant.id):
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
