"""Data-scale benchmark: every read a member or an admin opens, in a big and a small tenant.

    python bench/scale.py                 a tenth of the goal (the default, ~5 min to build)
    python bench/scale.py --scale 0.05    a smaller copy for a quick look
    python bench/scale.py --full          the goal: a city's tenant of 1 M people and 10 M records
    python bench/scale.py --keep          keep the database; then --reuse DBNAME measures it again

At ``--scale 1`` (a tenth of the goal): a hub "city" with the big tenant and 9 small children,
90 more small tenants; the big tenant has 100 000 members in 13 towns x 20 villages, 5 000
activities over two years and 1 000 000 hour records (93 % approved, 4 % pending, 2 % rejected,
1 % voided); each small tenant 1 000 members and 10 000 records. At ``--full`` the big tenant is
ten times that and there are 990 small tenants of the same size (992 tenants, 2 M people, 20 M
records: the goal of issue 18). Built set-based in SQL as the
database owner from template rows the app itself wrote (so every NOT NULL and default is the
app's), ids drawn from the app's own sequence, the kept hour totals made by the same SQL as
their migration. Then gunicorn (2 x cores + 1 workers) serves it and each read is requested
``--requests`` times at ``--concurrency`` after a warm-up; p50 / p95 / p99 are printed with the
number of rows PostgreSQL read for the slowest statements (auto_explain of the statements over
50 ms, from the server's log when it can be read). The database is dropped at the end unless
``--keep``. Never part of the test suite.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import psycopg
import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG = os.environ.get("BENCH_PG", "postgresql://root@127.0.0.1:5432")
PASSWORD = "Bench2026!x"
GOAL_MS = 50


def main() -> None:
    args = _args()
    scale = 10.0 if args.full else args.scale
    work = Path(tempfile.mkdtemp(prefix="yh-scale-"))
    dbname = args.reuse or f"yh_scale_{os.getpid()}"
    if not args.reuse:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{dbname}"')
    url = f"{PG}/{dbname}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "scale-secret-key-0123456789abcdef",
           "YINGHUO_INSTANCE": str(work / "instance"), "YINGHUO_DATA_KEY": "k1:" + "C" * 43 + "=",
           "YINGHUO_PASSWORD_PROFILE": "CHEAPEST", "YINGHUO_PROXIES": "1"}
    env.pop("REDIS_URL", None)
    server = None
    try:
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "yinghuo.cli", "db", "upgrade"], env=env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
        if args.reuse:   # built by an earlier --keep run; the upgrade above brought in any new index
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("ANALYZE")
                shape = {"counts": _counts(conn), "url": url}
            scale = float(_kept_scale(url))
        else:
            shape = build(env, url, scale)
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
                admin.execute(f'COMMENT ON DATABASE "{dbname}" IS \'bench/scale.py --scale {scale:g}\'')
        print(f"{'reused' if args.reuse else 'built'} in {time.monotonic() - started:.0f} s: "
              f"{json.dumps(shape['counts'], ensure_ascii=False)}")
        # the periodic jobs' first round (the dashboards' and roll-ups' snapshots among them) before
        # the server starts, as on a platform that has been running: what is measured is the reads
        ran = subprocess.run([sys.executable, "-m", "yinghuo.cli", "periodic", "run"], env=env, check=True, cwd=ROOT,
                             capture_output=True, text=True)
        print(ran.stdout.strip())
        _auto_explain(url, dbname)
        port = _free_port()
        workers = (os.cpu_count() or 2) * 2 + 1
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:yinghuo.gunicorn_conf",
                                   "yinghuo.wsgi:app"], cwd=work, start_new_session=True,
                                  env={**env, "YINGHUO_BIND": f"127.0.0.1:{port}", "YINGHUO_WORKERS": str(workers)},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        _wait(base)
        log_mark = _log_size()
        results = measure(base, shape, args)
        report(results, scale, workers, args)
        _plans(log_mark, dbname)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not (args.keep or args.reuse):
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        else:
            print(f"kept: {url}")


def _args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = a tenth of the goal (default)")
    parser.add_argument("--full", action="store_true", help="the goal: ten times the default")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    parser.add_argument("--reuse", metavar="DBNAME", help="measure a database an earlier --keep run built")
    return parser.parse_args()


# --- building the data ------------------------------------------------------------------

SETUP = """
import json, sys
from datetime import datetime, timedelta, timezone
from yinghuo.app import create_app
from yinghuo.extensions import db
from yinghuo.db.context import tenant_scope
from yinghuo.tenancy import services as tenancy
from yinghuo.units.services import create_unit
from yinghuo.people.services import make_admin, add_member
from yinghuo.people.auth import hash_password
from yinghuo.people.models import Account
from yinghuo.activities import services as activities
from yinghuo.activities.models import Attendance
from yinghuo.hours import services as hours
spec = json.loads(sys.argv[1])
app = create_app()
out = {}
now = datetime.now(timezone.utc)
with app.app_context(), tenant_scope(None, operator=True):
    tenancy.create_tenant(slug="city", name="示范市", kind="hub")
    db.session.flush()
    make_admin(tenancy.get_tenant("city"), email="admin@city.bench", password=spec["password"])
    for slug, towns, villages, hub in spec["tenants"]:
        t = tenancy.create_tenant(slug=slug, name=f"{slug}县", kind="county", parent="city" if hub else None)
        db.session.flush()
        with tenant_scope(t.id):
            admin = make_admin(t, email=f"admin@{slug}.bench", password=spec["password"])
            villages_ids = []
            for i in range(towns):
                town = create_unit(t, name=f"镇{i}", type="town")
                for j in range(villages):
                    villages_ids.append(create_unit(t, name=f"镇{i}村{j}", type="village", parent_id=town.id).id)
            account = Account(email=f"vol@{slug}.bench", password_hash=hash_password(spec["password"]))
            db.session.add(account)
            db.session.flush()
            vol = add_member(t, {"name": "志愿者样板", "account": account, "roles": ["volunteer"],
                                 "unit_id": villages_ids[0]})
            [a] = activities.create_activity(t, {"title": "样板活动", "category": "文化服务", "capacity": 30,
                                                 "starts_at": now + timedelta(days=1),
                                                 "ends_at": now + timedelta(days=1, hours=3),
                                                 "address": "村委会", "unit_id": villages_ids[0]})
            activities.transition(t, a, "publish")
            activities.sign_up(t, a, vol)   # the template of every sign-up and attendance below
            db.session.add(Attendance(activity_id=a.id, member_id=vol.id, checked_in_at=a.starts_at,
                                      checked_out_at=a.ends_at, in_method="qr", out_method="qr"))
            record = hours.add_record(member_id=vol.id, activity_id=a.id, minutes=120,
                                      served_on=(now - timedelta(days=1)).date(), content="样板服务",
                                      place="村委会", evidence="qr")
            db.session.flush()
            out[slug] = {"tenant": t.id, "villages": villages_ids, "member": vol.id, "activity": a.id,
                         "record": record.id, "admin": admin.id}
    db.session.commit()
print(json.dumps(out))
"""


def build(env, url: str, scale: float) -> dict:
    big = {"members": int(100_000 * scale), "activities": max(50, int(5_000 * scale)),
           "records": int(1_000_000 * scale)}
    # past a tenth of the goal there are more small tenants, not bigger ones: the goal is a
    # thousand tenants, a city's of a million people among them
    small = {"members": max(50, int(1_000 * min(scale, 1.0))), "activities": max(10, int(50 * min(scale, 1.0))),
             "records": max(500, int(10_000 * min(scale, 1.0)))}
    smalls = max(5, int(round(99 * scale)))
    tenants = [("big", 13, 20, True)] + [(f"small{i}", 3, 5, i < 9) for i in range(smalls)]
    spec = {"password": PASSWORD, "tenants": tenants}
    out = subprocess.run([sys.executable, "-c", SETUP, json.dumps(spec)], env=env, check=True, cwd=ROOT,
                         capture_output=True, text=True)
    made = json.loads(out.stdout.strip().splitlines()[-1])
    with psycopg.connect(url, autocommit=False) as conn:
        conn.execute("SET work_mem = '256MB'")   # the sums below spilled gigabytes to disk at 4 MB
        conn.execute("ALTER TABLE hour_records DISABLE TRIGGER USER")   # the totals are made once, below
        for slug, *_ in tenants:
            _fill(conn, made[slug], big if slug == "big" else small)
        conn.execute("ALTER TABLE hour_records ENABLE TRIGGER USER")
        conn.execute("DELETE FROM hour_totals")
        from yinghuo.hours.totals import PG_SUM
        # what 'yinghuo totals rebuild' does, for every tenant at once; the foreign keys of rows
        # summed from rows that have them are not checked one by one (40 M checks at the goal)
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute(PG_SUM.format(only=""))
        conn.execute("SET LOCAL session_replication_role = origin")
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        counts = _counts(conn)
    return {"made": made, "counts": counts, "smalls": smalls, "url": url}


def _one(conn, table: str, tenant_id: int) -> int:
    return conn.execute(f"SELECT id FROM {table} WHERE tenant_id = %s LIMIT 1", (tenant_id,)).fetchone()[0]


def _counts(conn) -> dict:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("tenants", "members", "activities", "signups", "attendances", "hour_records", "hour_totals")}


def _kept_scale(url: str) -> str:
    """The --scale a kept database was built at (written on it as a comment)."""
    with psycopg.connect(url) as conn:
        note = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                            "WHERE datname = current_database()").fetchone()[0] or ""
    found = re.search(r"--scale ([\d.]+)", note)
    return found.group(1) if found else "1"


def _clone(conn, table: str, template_id: int, tenant_id: int, source: str, values: dict[str, str],
           params: tuple) -> None:
    """INSERT one row per row of ``source`` copying the template row's other columns (so every
    NOT NULL and default is what the app wrote), with ``values`` (column -> SQL) set anew."""
    columns = [r[0] for r in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
        "ORDER BY ordinal_position", (table,))]
    values = {"id": "nextval('yinghuo_id_seq')", **values}
    kept = [c for c in columns if c not in values and c != "tenant_id"]
    exprs = [v.replace("%", "%%") for v in values.values()]   # a modulo, not a parameter
    conn.execute(f"INSERT INTO {table} (tenant_id, {', '.join([*values, *kept])}) "
                 f"SELECT t.tenant_id, {', '.join([*exprs, *('t.' + c for c in kept)])} "
                 f"FROM {table} t, {source} WHERE t.tenant_id = %s AND t.id = %s", (*params, tenant_id, template_id))


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国玉珍文辉力峰红梅春燕林海波鹏飞云俊宇浩然欣怡子涵雨轩"


def _name(n: str) -> str:
    """SQL for a Chinese name of two or three characters from the number ``n`` (as people's
    names are: a search for one finds a few, not all)."""
    return (f"substr('{SURNAMES}', 1 + ({n} % {len(SURNAMES)})::int, 1) || "
            f"substr('{GIVEN}', 1 + (({n} / {len(SURNAMES)}) % {len(GIVEN)})::int, 1) || "
            f"CASE WHEN {n} % 3 = 0 THEN '' ELSE substr('{GIVEN}', 1 + (({n} / 7) % {len(GIVEN)})::int, 1) END")


def _fill(conn, t: dict, size: dict) -> None:
    """Clone the template rows the app wrote: members (with their role), activities over two
    years in the tenant's villages, hour records spread over them."""
    tid, villages = t["tenant"], t["villages"]
    n, acts, recs = size["members"], size["activities"], size["records"]
    conn.execute("CREATE TEMP TABLE seq_members (n int, id bigint) ON COMMIT DROP")
    conn.execute("INSERT INTO seq_members SELECT g, nextval('yinghuo_id_seq') FROM generate_series(1, %s) g", (n,))
    _clone(conn, "members", t["member"], tid, "seq_members s",
           {"id": "s.id", "account_id": "NULL", "name": _name("s.n"),
            "unit_id": f"(ARRAY{villages}::bigint[])[1 + s.n % {len(villages)}]",
            "joined_at": "t.joined_at - make_interval(days => (s.n % 700)::int)"}, ())
    role = conn.execute("SELECT id FROM member_roles WHERE tenant_id = %s AND member_id = %s LIMIT 1",
                        (tid, t["member"])).fetchone()[0]
    _clone(conn, "member_roles", role, tid, "seq_members s", {"member_id": "s.id"}, ())
    conn.execute("CREATE TEMP TABLE seq_activities (n int, id bigint) ON COMMIT DROP")
    conn.execute("INSERT INTO seq_activities SELECT g, nextval('yinghuo_id_seq') FROM generate_series(1, %s) g",
                 (acts,))
    start = f"now() - interval '730 days' + make_interval(hours => (s.n::bigint * 730 * 24 / {acts})::int)"
    _clone(conn, "activities", t["activity"], tid, "seq_activities s",
           {"id": "s.id", "title": "'活动' || s.n", "unit_id": f"(ARRAY{villages}::bigint[])[1 + s.n % {len(villages)}]",
            "starts_at": start, "ends_at": f"{start} + interval '3 hours'",
            "status": f"CASE WHEN s.n > {int(acts * 0.97)} THEN 'published' ELSE 'finished' END"}, ())
    _clone(conn, "hour_records", t["record"], tid,
           "generate_series(1, %s) g, (SELECT array_agg(id ORDER BY n) AS ids FROM seq_members) m, "
           "(SELECT array_agg(id ORDER BY n) AS ids FROM seq_activities) a",
           {"member_id": f"m.ids[1 + (g::bigint * 7919) % {n}]", "activity_id": f"a.ids[1 + (g::bigint * 104729) % {acts}]",
            "served_on": "(now() - make_interval(days => ((g * 31) % 728)::int))::date",
            "minutes": "30 + (g % 8) * 30",
            "status": "CASE WHEN g % 100 < 93 THEN 'approved' WHEN g % 100 < 97 THEN 'pending' "
                      "WHEN g % 100 < 99 THEN 'rejected' ELSE 'voided' END"},
           (recs,))
    # who served at an activity signed up for it and was checked in; one in ten checked out an
    # hour early, so their pending hours are above the time checked in (the approval queue's flag)
    pairs = ("(SELECT h.activity_id, h.member_id, max(h.minutes) AS minutes, min(a.starts_at) AS starts_at "
             "FROM hour_records h JOIN activities a ON a.tenant_id = h.tenant_id AND a.id = h.activity_id "
             "WHERE h.tenant_id = %s AND h.id <> %s GROUP BY 1, 2) s")
    _clone(conn, "signups", _one(conn, "signups", tid), tid, pairs,
           {"activity_id": "s.activity_id", "member_id": "s.member_id", "queued_at": "s.starts_at - interval '3 days'",
            "created_at": "s.starts_at - interval '3 days'"}, (tid, t["record"]))
    _clone(conn, "attendances", _one(conn, "attendances", tid), tid, pairs,
           {"activity_id": "s.activity_id", "member_id": "s.member_id", "checked_in_at": "s.starts_at",
            "checked_out_at": "s.starts_at + make_interval(mins => CASE WHEN s.member_id % 10 = 0 "
                              "THEN s.minutes - 60 ELSE s.minutes END)"}, (tid, t["record"]))
    conn.execute("DROP TABLE seq_members")
    conn.execute("DROP TABLE seq_activities")


# --- measuring ------------------------------------------------------------------------------

def _token(base: str, slug: str, login: str) -> dict:
    r = requests.post(f"{base}/t/{slug}/api/v1/auth/token", json={"login": login, "password": PASSWORD}, timeout=30)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _page_session(base: str, slug: str, login: str) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{base}/t/{slug}/login", timeout=30).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    r = s.post(f"{base}/t/{slug}/login", data={"login": login, "password": PASSWORD,
                                               "csrf_token": csrf.group(1) if csrf else ""},
               allow_redirects=False, timeout=30)
    assert r.status_code in (302, 303), (slug, login, r.status_code)
    return s


#: the benchmark's own look-ups (which activity, whose name) are not the app's: not in the slow log
UNLOGGED = "SET auto_explain.log_min_duration = -1"


def _busiest(url: str, slug: str) -> int:
    """The tenant's activity with the most sign-ups (its roster is the longest page)."""
    with psycopg.connect(url) as conn:
        conn.execute(UNLOGGED)
        return conn.execute("SELECT s.activity_id FROM signups s JOIN tenants t ON t.id = s.tenant_id "
                            "WHERE t.slug = %s GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", (slug,)).fetchone()[0]


def _someone(url: str, slug: str) -> str:
    """The name of a member in the middle of the tenant's list (what an admin searches for)."""
    with psycopg.connect(url) as conn:
        conn.execute(UNLOGGED)
        tenant, half = conn.execute("SELECT t.id, count(*) / 2 FROM members m JOIN tenants t ON t.id = m.tenant_id "
                                    "WHERE t.slug = %s GROUP BY t.id", (slug,)).fetchone()
        return conn.execute("SELECT name FROM members WHERE tenant_id = %s ORDER BY id OFFSET %s LIMIT 1",
                            (tenant, half)).fetchone()[0]


def reads(base: str, shape: dict) -> list[tuple[str, str, str, callable]]:
    """(read, tenant, kind, fetch) for every read measured."""
    today = date.today()
    month, quarter = today.strftime("%Y-%m"), f"{today.year}-Q{(today.month + 2) // 3}"
    found = []
    for label, slug in (("big", "big"), ("small", "small0")):
        busy, page, who = _busiest(shape["url"], slug), f"{base}/t/{slug}", _someone(shape["url"], slug)
        vol, admin = _token(base, slug, f"vol@{slug}.bench"), _token(base, slug, f"admin@{slug}.bench")
        vol_page, admin_page = _page_session(base, slug, f"vol@{slug}.bench"), _page_session(base, slug, f"admin@{slug}.bench")
        api = f"{base}/t/{slug}/api/v1"
        found += [
            ("GET me/hours (volunteer)", label, "api", lambda s, h=vol, a=api: s.get(f"{a}/me/hours", headers=h)),
            ("GET activities?per_page=20 (volunteer)", label, "api",
             lambda s, h=vol, a=api: s.get(f"{a}/activities?per_page=20", headers=h)),
            ("GET hours?status=pending (approval queue)", label, "api",
             lambda s, h=admin, a=api: s.get(f"{a}/hours?status=pending", headers=h)),
            (f"GET hours/ranking?period={month}", label, "api",
             lambda s, h=vol, a=api: s.get(f"{a}/hours/ranking?period={month}", headers=h)),
            (f"GET hours/ranking?period={quarter}", label, "api",
             lambda s, h=vol, a=api: s.get(f"{a}/hours/ranking?period={quarter}", headers=h)),
            ("GET members?per_page=20 with total", label, "api",
             lambda s, h=admin, a=api: s.get(f"{a}/members?per_page=20", headers=h)),
            ("page /me/hours", label, "page", lambda s, c=vol_page, b=f"{base}/t/{slug}": c.get(f"{b}/me/hours")),
            ("page /activities", label, "page", lambda s, c=vol_page, b=f"{base}/t/{slug}": c.get(f"{b}/activities")),
            ("page /admin/dashboard", label, "page",
             lambda s, c=admin_page, b=f"{base}/t/{slug}": c.get(f"{b}/admin/dashboard")),
            ("page /admin/members", label, "page",
             lambda s, c=admin_page, b=f"{base}/t/{slug}": c.get(f"{b}/admin/members")),
            ("page /admin/hours (approval queue)", label, "page",
             lambda s, c=admin_page, b=f"{base}/t/{slug}": c.get(f"{b}/admin/hours")),
            ("page /admin/hours?flagged=1", label, "page",
             lambda s, c=admin_page, b=page: c.get(f"{b}/admin/hours?flagged=1")),
            ("GET hours/anomalies", label, "api", lambda s, h=admin, a=api: s.get(f"{a}/hours/anomalies", headers=h)),
            ("GET members?q=<a name>", label, "api",
             lambda s, h=admin, a=api, q=who: s.get(f"{a}/members", params={"q": q, "per_page": 20}, headers=h)),
            ("page / (tenant home)", label, "page", lambda s, c=vol_page, b=page: c.get(f"{b}/")),
            ("page /me/activities", label, "page", lambda s, c=vol_page, b=page: c.get(f"{b}/me/activities")),
            ("page /me/notifications", label, "page", lambda s, c=vol_page, b=page: c.get(f"{b}/me/notifications")),
            ("page /activities/<busiest>", label, "page",
             lambda s, c=vol_page, b=page, i=busy: c.get(f"{b}/activities/{i}")),
            ("page /activities/<busiest>/onsite (roster)", label, "page",
             lambda s, c=admin_page, b=page, i=busy: c.get(f"{b}/activities/{i}/onsite")),
            ("page /admin/members?q=<a name>", label, "page",
             lambda s, c=admin_page, b=page, q=who: c.get(f"{b}/admin/members", params={"q": q})),
            ("page /hours/new?find=<a name>", label, "page",
             lambda s, c=admin_page, b=page, q=who: c.get(f"{b}/hours/new", params={"find": q})),
            ("page /admin/units", label, "page", lambda s, c=admin_page, b=page: c.get(f"{b}/admin/units")),
            ("page /admin/certificates", label, "page",
             lambda s, c=admin_page, b=page: c.get(f"{b}/admin/certificates")),
            ("page /admin/exports", label, "page", lambda s, c=admin_page, b=page: c.get(f"{b}/admin/exports")),
            ("page /admin/audit", label, "page", lambda s, c=admin_page, b=page: c.get(f"{b}/admin/audit")),
        ]
    hub = _token(base, "city", "admin@city.bench")
    found.append(("GET rollup (hub, 10 children)", "hub", "api",
                  lambda s, h=hub: s.get(f"{base}/t/city/api/v1/rollup", headers=h)))
    return found


def measure(base: str, shape: dict, args) -> list[dict]:
    results = []
    for name, tenant, kind, fetch in reads(base, shape):
        session = requests.Session()
        first = fetch(session)
        if first.status_code != 200:
            results.append({"read": name, "tenant": tenant, "error": f"HTTP {first.status_code}"})
            continue
        refused: dict[int, int] = {}

        def one(_):
            start = time.perf_counter()
            r = fetch(session)
            elapsed = (time.perf_counter() - start) * 1000
            if r.status_code != 200:   # counted by status, and slower than any answer
                refused[r.status_code] = refused.get(r.status_code, 0) + 1
                return float("inf")
            return elapsed
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(one, range(args.warmup)))
            refused.clear()
            times = sorted(pool.map(one, range(args.requests)))
        q = statistics.quantiles(times, n=100)
        results.append({"read": name, "tenant": tenant, "kind": kind, "p50": q[49], "p95": q[94], "p99": q[98],
                        "failed": dict(refused)})
        print(f"  {tenant:<5} {name:<45} p50 {q[49]:7.1f}  p95 {q[94]:7.1f}  p99 {q[98]:7.1f} ms"
              + (f"  failed: {_refusals(refused)}" if refused else ""), flush=True)
    return results


def _refusals(refused: dict[int, int]) -> str:
    return ", ".join(f"{n} x HTTP {code}" for code, n in sorted(refused.items()))


def report(results: list[dict], scale: float, workers: int, args) -> None:
    print(f"\nscale {scale:g} (1 = a tenth of the goal); gunicorn {workers} workers; {args.requests} requests "
          f"at concurrency {args.concurrency} after {args.warmup}; ms\n")
    print("| read | tenant | p50 | p95 | p99 |\n|---|---|---|---|---|")
    over = []
    for r in results:
        if "error" in r:
            print(f"| {r['read']} | {r['tenant']} | {r['error']} | | |")
            continue
        mark = " **over**" if r["p95"] > GOAL_MS else ""
        if r.get("failed"):
            mark += f" ({_refusals(r['failed'])})"
        print(f"| {r['read']} | {r['tenant']} | {r['p50']:.1f} | {r['p95']:.1f}{mark} | {r['p99']:.1f} |")
        if r["p95"] > GOAL_MS:
            over.append(r["read"])
    print(f"\n{len(over)} read(s) over p95 {GOAL_MS} ms" + (f": {', '.join(over)}" if over else ""))


# --- plans of the slow statements --------------------------------------------------------------

def _auto_explain(url: str, dbname: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{dbname}" SET session_preload_libraries = \'auto_explain\'')
        conn.execute(f'ALTER DATABASE "{dbname}" SET auto_explain.log_min_duration = {GOAL_MS}')
        conn.execute(f'ALTER DATABASE "{dbname}" SET auto_explain.log_analyze = on')
        conn.execute(f'ALTER DATABASE "{dbname}" SET auto_explain.log_buffers = on')


def _server_log() -> Path | None:
    logs = sorted(Path("/var/log/postgresql").glob("postgresql-*-main.log"))
    return logs[-1] if logs else None


def _log_size() -> int:
    log = _server_log()
    return log.stat().st_size if log else 0


def _plans(mark: int, dbname: str) -> None:
    log = _server_log()
    if log is None:
        print("\n(no server log to read the slow statements' plans from)")
        return
    with log.open("rb") as fh:
        fh.seek(mark)
        text = fh.read().decode(errors="replace")
    plans = re.findall(r"duration: ([\d.]+) ms\s+plan:\n(.*?)(?=\n\S|\Z)", text, re.S)
    if not plans:
        print(f"\nno statement over {GOAL_MS} ms in the server log")
        return
    seen, shown = set(), 0
    print(f"\nslowest statements over {GOAL_MS} ms (auto_explain, {len(plans)} in all):")
    for duration, plan in sorted(plans, key=lambda p: -float(p[0])):
        query = re.search(r"Query Text: (.*)", plan)
        key = (query.group(1)[:120] if query else plan[:120])
        if key in seen:
            continue
        seen.add(key)
        print(f"\n--- {float(duration):.0f} ms\n{plan[:2500]}")
        shown += 1
        if shown == 6:
            break


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(base: str) -> None:
    for _ in range(200):
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not start")


if __name__ == "__main__":
    main()
