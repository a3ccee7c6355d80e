"""The whole OpenAPI document fuzzed by schemathesis against a real server (gunicorn on
PostgreSQL with Redis, loaded with ``yinghuo demo``), signed in as an admin and as a
volunteer of the demo tenants that run each plugin, and as the operator: no answer may be a
5xx, and none may differ from what the document says of it (issue 16). Bounded to fit the CI:
a few examples per operation, the coverage of every operation rather than depth."""
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from yinghuo.testing import free_port
from yinghuo.testing.pytest_plugin import PG_ADMIN_URL, make_env

#: one xdist worker runs them all, against one server (.ci/run distributes by --dist loadgroup)
pytestmark = [pytest.mark.fuzz, pytest.mark.servers, pytest.mark.xdist_group("fuzz")]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: per operation: schemathesis' examples and the fuzzing it draws (the CI's budget)
EXAMPLES = int(os.environ.get("YINGHUO_FUZZ_EXAMPLES", "4"))
#: to look into one finding: only the paths matching this regular expression
ONLY = os.environ.get("YINGHUO_FUZZ_ONLY")
PLUGINS = ("teams", "stations", "points", "competitions")
#: who fuzzes which part of the document: the kernel's operations once as an admin and once as a
#: volunteer, each plugin's as an admin and a volunteer of a demo tenant that runs it, the
#: platform's as the operator (each part once keeps the run inside the CI's budget)
RUNS = [("hqxian", "admin", ("kernel", "stations")), ("hqxian", "volunteer", ("kernel", "stations")),
        ("nmgdx", "admin", ("teams",)), ("nmgdx", "volunteer", ("teams",)),
        ("jfxian", "admin", ("points", "competitions")), ("jfxian", "volunteer", ("points", "competitions")),
        ("sheng-dasai", "admin", ("competitions",)), (None, "operator", ("platform",))]
#: path parameter -> the table whose ids it takes
TABLES = {"activity_id": "activities", "member_id": "members", "unit_id": "units", "village_id": "units",
          "station_id": "units", "record_id": "hour_records", "export_id": "export_jobs",
          "certificate_id": "certificates", "batch_id": "import_batches", "notification_id": "notifications",
          "household_id": "points_households", "good_id": "points_goods", "merchant_id": "points_merchants",
          "award_id": "points_awards", "order_id": "points_orders", "item_id": "points_items",
          "objection_id": "points_objections", "shop_id": "points_shops", "demand_id": "stations_demands",
          "project_id": "stations_projects", "box_id": "stations_letterboxes", "squad_id": "teams_squads",
          "report_id": "teams_reports", "honour_id": "teams_honours", "attachment_id": "teams_attachments",
          "application_id": "teams_applications", "competition_id": "competitions_competitions",
          "entry_id": "competitions_entries", "file_id": "competitions_entry_files", "vote_id": "competitions_votes"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A database of its own with the demo in it, served by gunicorn (two workers) with Redis."""
    if os.environ.get("YINGHUO_TEST_DB", "postgresql") == "sqlite":
        pytest.skip("fuzzed against the production setting: PostgreSQL and Redis")
    name = f"yh_fuzz_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    redis_url = os.environ.get("YINGHUO_TEST_REDIS", "redis://127.0.0.1:6379/15")
    env = {**os.environ, **make_env(url, tmp_path_factory.mktemp("fuzz"), REDIS_URL=redis_url)}
    subprocess.run([str(BIN / "yinghuo"), "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    gunicorn = subprocess.Popen([str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "yinghuo.wsgi:app"],
                                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    _wait_for(f"{base}/healthz")
    yield {"base": base, "url": url, "tmp": tmp_path_factory.mktemp("fuzzruns"), "env": env}
    gunicorn.terminate()
    gunicorn.wait(10)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()



def _wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not come up at {url}")


def _post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def _part(path: str) -> str:
    """Which part of the document a path belongs to: a plugin's, the kernel's or the platform's."""
    if not path.startswith("/t/{tenant}"):
        return "platform"
    first = path.split("/api/v1/", 1)[-1].split("/", 1)[0]
    return first if first in PLUGINS else "kernel"


def _document(base: str, slug: str | None, parts: tuple) -> dict:
    """The served document, cut to the given parts, with the tenant filled in. Signing in and
    out is left out: a fuzzed DELETE of the token would sign the run out."""
    with urllib.request.urlopen(f"{base}/api/openapi.json") as response:
        doc = json.loads(response.read())
    paths = {}
    for path, operations in doc["paths"].items():
        if path.endswith("/auth/token") or _part(path) not in parts:
            continue
        for operation in [operations, *operations.values()]:
            if isinstance(operation, dict) and "parameters" in operation:
                operation["parameters"] = [p for p in operation["parameters"] if p.get("name") != "tenant"]
        paths[path.replace("{tenant}", slug or "")] = operations
    doc["paths"] = paths
    return doc


def _pools(db_url: str, slug: str | None) -> dict:
    """Real ids of the tenant for each path parameter."""
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    pools = {}
    with engine.connect() as conn:
        tid = conn.execute(text("SELECT id FROM tenants WHERE slug = :s"), {"s": slug}).scalar() if slug else None
        for param, table in TABLES.items():
            if tid is None:
                continue
            ids = conn.execute(text(f"SELECT id FROM {table} WHERE tenant_id = :t ORDER BY random() LIMIT 30"),
                               {"t": tid}).scalars().all()
            if ids:
                pools[param] = list(ids)
        pools["slug"] = list(conn.execute(text("SELECT slug FROM tenants")).scalars())
    engine.dispose()
    return pools


def test_the_runs_cover_every_plugin_and_the_whole_document(server):
    from importlib.metadata import entry_points
    assert set(PLUGINS) == {e.name for e in entry_points(group="yinghuo.plugins")}
    with urllib.request.urlopen(f"{server['base']}/api/openapi.json") as response:
        paths = json.loads(response.read())["paths"]
    covered = {part for _slug, _role, parts in RUNS for part in parts}
    assert {_part(p) for p in paths} <= covered and len(paths) > 150


@pytest.mark.parametrize("slug,role,parts", RUNS, ids=[f"{s or 'platform'}-{r}" for s, r, _p in RUNS])
def test_no_server_error_and_no_answer_the_document_does_not_describe(server, slug, role, parts):
    from yinghuo.demo import DEMO_PASSWORD, OPERATOR_EMAIL
    base, tmp = server["base"], server["tmp"]
    login = f"{base}/t/{slug}/api/v1/auth/token" if slug else f"{base}/api/v1/auth/token"
    who = f"{role}@{slug}.demo" if slug else OPERATOR_EMAIL
    token = _post_json(login, {"login": who, "password": DEMO_PASSWORD})["token"]
    spec = tmp / f"{slug}-{role}.json"
    spec.write_text(json.dumps(_document(base, slug, parts)))
    pools = tmp / f"{slug}-{role}-pools.json"
    pools.write_text(json.dumps(_pools(server["url"], slug)))
    env = {**os.environ, "YINGHUO_FUZZ_POOLS": str(pools), "SCHEMATHESIS_HOOKS": "tests.fuzz.schemathesis_hooks",
           "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [str(BIN / "schemathesis"), "run", str(spec), "--url", base, "-H", f"Authorization: Bearer {token}",
         "--checks", "not_a_server_error,response_schema_conformance", "--phases", "examples,coverage,fuzzing",
         "--max-examples", str(EXAMPLES), "--workers", "2", "--request-timeout", "20",
         "--suppress-health-check", "all", "--no-color", *(["--include-path-regex", ONLY] if ONLY else [])],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    start, end = run.stdout.find("FAILURES"), run.stdout.find("WARNINGS")
    summary = run.stdout[start:end][:12000] if start >= 0 else run.stdout[-4000:]
    assert run.returncode == 0, f"schemathesis found failures as {role} of {slug}:\n{summary}"
    assert "Tested:" in run.stdout and "passed" in run.stdout, summary
