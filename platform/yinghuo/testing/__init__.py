"""What the kernel's and the plugins' tests use besides the fixtures of
``yinghuo.testing.pytest_plugin`` (loaded by entry point): the suite's clock and the
browser's wait. A plugin's tests import from here and from ``yinghuo.api`` only."""
from __future__ import annotations

from contextlib import contextmanager

from .clock import CHINA, Clock

__all__ = ["CHINA", "Clock", "address_pattern", "as_operator", "csp_violations", "demo_morning", "cli_env", "free_port", "load_demo", "table_hashes",
           "sign_in", "wait_for"]


def csp_violations(browser) -> list[str]:
    """What the page's Content-Security-Policy refused so far (the browser fixture records it)."""
    return browser.execute_script("return window.__csp || []")


@contextmanager
def as_operator(app):
    """Run the block as the platform operator's console and the CLI do: tenants, their plugins
    and host names are written only in this scope (row-level security holds everyone else)."""
    from yinghuo.db.context import tenant_scope
    with app.app_context(), tenant_scope(None, operator=True):
        yield


def wait_for(browser, seconds: float = 10):
    """A WebDriverWait that rides out the moment a page is replaced (Chromium may answer
    "node does not belong to the document" instead of a stale-element error)."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, seconds, ignored_exceptions=(StaleElementReferenceException, WebDriverException))


def sign_in(browser, base: str, slug: str, email: str, password: str = "Passw0rd!x") -> None:
    """Sign ``email`` in to tenant ``slug`` in the browser (cookies of anyone before cleared)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    browser.delete_all_cookies()
    browser.get(f"{base}/t/{slug}/login")
    browser.find_element(By.NAME, "login").send_keys(email)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    wait_for(browser).until(EC.url_changes(f"{base}/t/{slug}/login"))


def demo_morning():
    """07:37 China time on the most recent such morning: a time at which 23:37 on a page can
    only be UTC leaking through (the page audit and the page-form test stand the clock there)."""
    from datetime import datetime, timedelta
    now = datetime.now(CHINA)
    moment = now.replace(hour=7, minute=37, second=0, microsecond=0)
    return moment if moment <= now else moment - timedelta(days=1)


def address_pattern(path: str) -> str:
    """A page's kind of address: ``/activities/7`` and ``/activities/9`` are ``/activities/{id}``."""
    import re
    return re.sub(r"/\d+(?=/|$)", "/{id}", re.sub(r"/[0-9a-f]{16,}(?=/|$)", "/{token}", path))


def table_hashes(app, skip: dict[str, set[str]] | None = None) -> dict[str, str]:
    """Every table's rows, hashed, read as the database's owner (every tenant's rows): two equal
    results mean equal contents. ``skip`` leaves out columns per table (e.g. last-seen times)."""
    import hashlib

    from sqlalchemy import select

    from ..extensions import db
    hashes = {}
    with app.app_context(), db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in (skip or {}).get(table.name, set())]
            rows = conn.execute(select(*columns)).all()
            hashes[table.name] = hashlib.sha1(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return hashes


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now (for a server a test starts)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli_env(app) -> dict:
    """The settings a ``yinghuo`` command needs to work on the test app's database and instance
    (sample plugin installed, no Redis: REDIS_URL left out), for ``monkeypatch.setenv``."""
    settings = app.extensions["yinghuo"].settings
    return {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", ""),
            "YINGHUO_INSTANCE": str(settings.instance_path), "SECRET_KEY": settings.secret_key,
            "YINGHUO_DATA_KEY": "k1:" + "A" * 43 + "=", "YINGHUO_PASSWORD_PROFILE": "CHEAPEST",
            "YINGHUO_EXTRA_PLUGINS": "yinghuo.testing.sample_plugin"}


def load_demo(app, only: set[str] | None = None) -> None:
    """``yinghuo demo`` into the test database (people and data for ``only`` the given slugs)."""
    from ..demo import load
    from ..extensions import db
    with app.app_context():
        load(only=only)
        db.session.commit()
