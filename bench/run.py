"""Benchmarks: Yinghuo against a bare Flask + psycopg baseline, in one run.

    python bench/run.py [--duration 6] [--rounds 5] [--connections 8]

Production topology on this machine: gunicorn with (2 x cores) + 1 sync workers,
PostgreSQL, Redis; wrk on loopback. Scenarios: (a) a volunteer's activity list,
(b) a sign-up burst on one large activity, (c) QR check-in; each against Yinghuo and
against the bare app issuing the same SQL on the same tables; then (a) with row-level
security on and off; then the stations plugin's hot paths (bench/stations.py): (d) a
county's dispatch board over a year of demands, filtered by level and state, 50 a page,
and (e) a resident's demand on the public form; the points plugin's (bench/points.py): (f) a burst of 200
redemption orders against a small stock, (g) approving hours with points credited against the same
approvals in a tenant without the plugin. Each comparison runs in rounds, the two sides back to back in each
(which goes first alternates), every measurement after VACUUM ANALYZE and CHECKPOINT, with
autovacuum off on the benchmark's tables; writing scenarios get a fresh activity per
measurement. Prints the median requests/s and p50/p95/p99 of each side, the median of the
per-round ratios (the rounds' own ratios too), checks that no activity is overbooked, and
drops its database. Never part of the test suite.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import psycopg

import competitions
import points
import stations

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG = os.environ.get("BENCH_PG", "postgresql://root@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")
SECRET = "bench-secret-key-0123456789abcdef"
TENANT_TABLES = ("units", "members", "member_roles", "activities", "signups", "attendances", "hour_records",
                 "notifications", "certificates", "import_batches", "export_jobs")


def main() -> None:
    args = _args()
    if not shutil.which("wrk") and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk",
                       shell=True, check=False, stdout=subprocess.DEVNULL)
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="yh-bench-"))
    dbname = f"yh_bench_{os.getpid()}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{dbname}"')
    env = {**os.environ, "DATABASE_URL": f"{PG}/{dbname}", "SECRET_KEY": SECRET, "REDIS_URL": REDIS,
           "YINGHUO_INSTANCE": str(work / "instance"),
           "YINGHUO_DATA_KEY": "k1:" + "B" * 43 + "=", "YINGHUO_PROXIES": "1",
           # the benchmark's clients all come from loopback: the per-address limits stay out of its way
           "YINGHUO_RATE_LIMITS": "vote=10000000/minute vote_burst=10000000/minute vote_device=10000000/minute"}
    servers = []
    import redis
    redis.Redis.from_url(REDIS).flushdb()  # the benchmark's own Redis database: no counter of an earlier run
    try:
        _run([sys.executable, "-m", "yinghuo.cli", "db", "upgrade"], env)
        ids = seed(env, work, args.members, args.rounds)
        ids["county"] = stations.seed(env, work, ROOT)
        ids["points"] = points.seed(env, work, ROOT, args.rounds)
        ids["votes"] = competitions.seed(env, work, ROOT)
        workers = multiprocessing.cpu_count() * 2 + 1
        app_port, bare_port = _free_port(), _free_port()
        servers.append(_serve(["yinghuo.wsgi:app"], app_port, workers, env, ROOT))
        servers.append(_serve(["bare_app:app"], bare_port, workers,
                              {**env, "BARE_DSN": f"{PG}/{dbname}"}, HERE))
        for port in (app_port, bare_port):
            _wait(port)
        runs = scenarios(args, env, ids, app_port, bare_port, work)
        report(runs, workers, args)
        check_overbooking(env, ids, app_port, work, args)
        if "f" in args.only:
            print(points.check(env, ids["points"], app_port))
        if "h" in args.only or "i" in args.only:
            print(competitions.check(env, ids["votes"], runs.get(("i", "app"), [])))
    finally:
        for proc in servers:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


def _args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=6, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--members", type=int, default=12_000, help="distinct volunteers with tokens")
    parser.add_argument("--only", default="abcdefghir",
                        help="the scenarios to run, by letter (r: RLS on and off); default all")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds, each measuring both sides back to back; medians are reported")
    return parser.parse_args()


def _run(cmd, env, **kw):
    subprocess.run(cmd, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, **kw)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(target, port, workers, env, cwd):
    import gunicorn
    # gunicorn 27 opens a control socket in ~/.gunicorn: the second server would find it taken
    quiet = ["--no-control-socket"] if gunicorn.version_info >= (27,) else []
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", *quiet, *target], env=env, cwd=cwd)


def _wait(port: int) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except urllib.error.HTTPError:
            return  # the bare app has no /healthz: it answered, it is up
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def seed(env, work: Path, members: int, rounds: int) -> dict:
    """A tenant, activities, `members` volunteers with tokens; the bulk part in plain SQL."""
    code = f"ROUNDS = {rounds}\n" + """
import json, os
from datetime import datetime, timedelta, timezone
from yinghuo.app import create_app
from yinghuo.extensions import db
from yinghuo.db.context import tenant_scope
from yinghuo.tenancy import services as tenancy
from yinghuo.activities import services as activities
app = create_app()
now = datetime.now(timezone.utc)
with app.app_context():
    with tenant_scope(None, operator=True):  # tenants are the operator's to write
        t = tenancy.create_tenant(slug="bench", name="压测县", kind="county")
        db.session.flush()
    ids = {"tenant": t.id}
    with tenant_scope(t.id):
        def make(title, capacity, start, hours=3):
            [a] = activities.create_activity(t, {"title": title, "category": "文化服务", "capacity": capacity,
                  "starts_at": start, "ends_at": start + timedelta(hours=hours), "address": "村委会"})
            activities.transition(t, a, "publish")
            return a.id
        for i in range(60):
            make(f"活动{i}", 30, now + timedelta(days=1 + i))
        # a fresh activity for every measurement of a writing scenario: each round starts alike
        for r in range(ROUNDS):
            for who in ("app", "bare"):
                ids[f"signup_{who}_{r}"] = make(f"signup_{who}_{r}", 1_000_000, now + timedelta(days=2))
                ids[f"checkin_{who}_{r}"] = make(f"checkin_{who}_{r}", 1_000_000, now - timedelta(minutes=5))
        ids["small"] = make("small", 50, now + timedelta(days=2))
    db.session.commit()
print(json.dumps(ids))
"""
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT, capture_output=True, text=True)
    ids = json.loads(out.stdout.strip().splitlines()[-1])
    tid = ids["tenant"]
    tokens = [f"yhb_{i}_{secrets.token_hex(4)}" for i in range(members)]
    now = datetime.now(timezone.utc)
    with psycopg.connect(env["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT nextval('yinghuo_id_seq') FROM generate_series(1, %s)", (members * 2,))
        seq = [r[0] for r in cur.fetchall()]
        cur.executemany("INSERT INTO accounts (email, password_hash, is_operator, created_at) VALUES (%s, 'x', false, %s)",
                        [(f"v{i}@bench.test", now) for i in range(members)])
        cur.execute("SELECT id FROM accounts WHERE email LIKE '%%@bench.test' ORDER BY id")
        account_ids = [r[0] for r in cur.fetchall()]
        member_ids = seq[:members]
        cur.executemany("INSERT INTO members (tenant_id, id, account_id, name, status, joined_at) "
                        "VALUES (%s, %s, %s, %s, 'active', %s)",
                        [(tid, m, a, f"志愿者{i}", now) for i, (m, a) in enumerate(zip(member_ids, account_ids))])
        cur.executemany("INSERT INTO member_roles (tenant_id, id, member_id, role) VALUES (%s, %s, %s, 'volunteer')",
                        [(tid, r, m) for r, m in zip(seq[members:], member_ids)])
        cur.executemany("INSERT INTO api_tokens (token_hash, account_id, tenant_id, created_at) VALUES (%s, %s, %s, %s)",
                        [(hashlib.sha256(t.encode()).hexdigest(), a, tid, now) for t, a in zip(tokens, account_ids)])
        for key in (k for k in ids if k.startswith("checkin_")):
            cur.execute("SELECT nextval('yinghuo_id_seq') FROM generate_series(1, %s)", (members,))
            cur.executemany("INSERT INTO signups (tenant_id, id, activity_id, member_id, status, queued_at, created_at) "
                            "VALUES (%s, %s, %s, %s, 'confirmed', %s, %s)",
                            [(tid, s[0], ids[key], m, now, now) for s, m in zip(cur.fetchall(), member_ids)])
            cur.execute("UPDATE activities SET confirmed_count = %s WHERE id = %s", (members, ids[key]))
        cur.execute("ANALYZE")
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        for (table,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall():
            # no autovacuum starting in the middle of one side's measurement: quiesce() runs it between
            conn.execute(f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)')
    (work / "tokens.txt").write_text("\n".join(tokens))
    return ids


def qr(env, ids, key) -> str:
    from itsdangerous import URLSafeTimedSerializer
    return URLSafeTimedSerializer(SECRET, salt="yinghuo-checkin").dumps({"t": ids["tenant"], "a": ids[key], "k": "in"})


def wrk(port, path, args, work, *, method="GET", body="", qr_token="", duration=None, tokens="tokens.txt",
        public=False, paths="") -> dict:
    env = {**os.environ, "TOKENS": str(work / tokens), "METHOD": method, "BODY": body, "QR": qr_token,
           "THREADS": "2", "NOAUTH": "1" if public else "0", "XFF": "1" if public else "0",
           "PATHS": str(work / paths) if paths else ""}
    out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{duration or args.duration}s", "--timeout", "10s",
                          "-s", str(HERE / "load.lua"), f"http://127.0.0.1:{port}{path}"],
                         env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    return json.loads(line[7:])


def scenarios(args, env, ids, app_port, bare_port, work) -> dict:
    """Every measurement ``args.rounds`` times, the two sides back to back in each round
    (which goes first alternates), each after a VACUUM ANALYZE and CHECKPOINT so that
    neither meets the other's leftovers. Returns every run, by (scenario, side)."""
    base = "/t/bench/api/v1/activities"
    runs: dict = {}

    def measure(key, who, port, path, **kw):
        quiesce(env)
        runs.setdefault((key, who), []).append(wrk(port, path, args, work, **kw))

    def sides(r):
        both = (("app", app_port), ("bare", bare_port))
        return both if r % 2 == 0 else both[::-1]

    for port in (app_port, bare_port):  # warm every worker up (imports, pools, statement caches)
        wrk(port, f"{base}?per_page=20", args, work, duration=6)
    for r in range(args.rounds if "a" in args.only else 0):
        for who, port in sides(r):
            measure("a", who, port, f"{base}?per_page=20")
    for r in range(args.rounds if "b" in args.only else 0):
        for who, port in sides(r):
            measure("b", who, port, f"{base}/{ids[f'signup_{who}_{r}']}/signups", method="POST", body="{}")
    for r in range(args.rounds if "c" in args.only else 0):
        for who, port in sides(r):
            key = f"checkin_{who}_{r}"
            measure("c", who, port, f"{base}/{ids[key]}/checkins", method="POST", body='{"token": "{qr}"}',
                    qr_token=qr(env, ids, key))
    county = ids["county"]
    board = (f"/t/{stations.SLUG}/api/v1/stations/demands?status=new&level_unit_id={county['institutes'][2]}"
             "&per_page=50")
    for port in (app_port, bare_port):
        wrk(port, board, args, work, duration=3, tokens="tokens_board.txt")
    for r in range(args.rounds if "d" in args.only else 0):
        for who, port in sides(r):
            measure("d", who, port, board, tokens="tokens_board.txt")
    for r in range(args.rounds if "e" in args.only else 0):
        for who, port in sides(r):
            measure("e", who, port, f"/t/{stations.SLUG}/api/v1/stations/demands", method="POST",
                    body=stations.submission_body(county), public=True)
    for r in range(args.rounds if "f" in args.only else 0):
        for who, port in sides(r):
            quiesce(env)
            runs.setdefault(("f", who), []).append(points.burst(port, ids["points"], f"{who}_{r}", r))
    for r in range(args.rounds if "g" in args.only else 0):
        for who, slug in (("points", points.SLUG), ("no points", points.PLAIN))[::1 if r % 2 == 0 else -1]:
            measure("g", who, app_port, f"/t/{slug}/api/v1/hours", method="POST", body="{}",
                    tokens=f"tokens_{slug}_admin.txt", paths=f"paths_{slug}_{r}.txt")
    app_votes, bare_votes = competitions.paths(ids["votes"])
    competitions.build_tally(app_port, ids["votes"])
    for r in range(args.rounds if "h" in args.only else 0):
        for who, port in sides(r):
            measure("h", who, port, app_votes if who == "app" else bare_votes, method="POST", body="{}",
                    tokens="tokens_votes.txt")
    for r in range(args.rounds if "i" in args.only else 0):
        quiesce(env)
        runs.setdefault(("i", "app"), []).append(competitions.steady(env, app_port, ids["votes"]))
    try:
        for r in range(args.rounds if "r" in args.only else 0):
            for who, enabled in ((("rls on", True), ("rls off", False)) if r % 2 == 0 else
                                 (("rls off", False), ("rls on", True))):
                _rls(env, enabled=enabled)
                measure("a", who, app_port, f"{base}?per_page=20")
    finally:
        _rls(env, enabled=True)
    return runs


def _median(values: list):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _rls(env, *, enabled: bool) -> None:
    """Row-level security on every tenant table on or off (the app still sets its role and tenant)."""
    verb = "ENABLE" if enabled else "DISABLE"
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        for table in TENANT_TABLES:
            conn.execute(f"ALTER TABLE {table} {verb} ROW LEVEL SECURITY")


def quiesce(env) -> None:
    """Tidy the database between measurements: dead rows vacuumed, statistics fresh,
    dirty pages written."""
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")
    time.sleep(0.5)


def report(runs: dict, workers: int, args) -> None:
    """Medians over the rounds; the ratio is the median of each round's ratio (the two sides
    of a round ran back to back, so they met the same machine)."""
    print(f"\nYinghuo vs bare Flask+psycopg — gunicorn {workers} sync workers, PostgreSQL, Redis; "
          f"wrk -t2 -c{args.connections} -d{args.duration}s on loopback, {os.cpu_count()} cores; "
          f"medians of {args.rounds} rounds\n")
    print(f"{'scenario':<28}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    rows = [("a", "app", "bare", "(a) activity list ", 0.60), ("b", "app", "bare", "(b) sign-up burst ", 0.60),
            ("c", "app", "bare", "(c) QR check-in ", 0.60), ("d", "app", "bare", "(d) dispatch board ", 0.60),
            ("e", "app", "bare", "(e) demand submitted ", 0.60), ("f", "app", "bare", "(f) redemption burst ", 0.60),
            ("g", "points", "no points", "(g) hours approved ", 0.91), ("h", "app", "bare", "(h) vote burst ", 3.0),
            ("a", "rls on", "rls off", "(a) ", 0.95)]
    for key, one, other, label, target in rows:
        if (key, one) not in runs:
            continue
        for who in (one, other):
            found = runs[(key, who)]
            print(f"{label + who:<28}" + "".join(f"{_median([r[m] for r in found]):>9.{1 if m == 'rps' else 2}f}"
                                                 for m in ("rps", "p50", "p95", "p99"))
                  + f"{sum(r['non2xx'] for r in found):>9}")
        ratios = [a["rps"] / b["rps"] for a, b in zip(runs[(key, one)], runs[(key, other)])]
        ratio = _median(ratios)
        print(f"{'   ratio ' + one + '/' + other:<28}{ratio:>9.3f}   target >= {target:.2f}: "
              f"{'met' if ratio >= target else 'NOT met'} (rounds: {' '.join(f'{x:.2f}' for x in ratios)})")
        if key == "d":
            p95 = _median([r["p95"] for r in runs[("d", "app")]])
            print(f"{'   p95 of the app':<28}{p95:>9.2f}   target <= 50 ms: {'met' if p95 <= 50 else 'NOT met'}")
    if ("i", "app") in runs:
        found = runs[("i", "app")]
        p95 = _median([r["p95"] for r in found])
        print(f"{'(i) votes at 300/s app':<28}" + "".join(f"{_median([r[m] for r in found]):>9.{1 if m == 'rps' else 2}f}"
                                                       for m in ("rps", "p50", "p95", "p99"))
              + f"{sum(r['non2xx'] for r in found):>9}")
        print(f"{'   p95 at 300 votes/s':<28}{p95:>9.2f}   target <= 50 ms: {'met' if p95 <= 50 else 'NOT met'}")


def check_overbooking(env, ids, app_port, work, args) -> None:
    """A burst of distinct people at a 50-place activity: exactly 50 confirmed, nowhere overbooked."""
    wrk(app_port, f"/t/bench/api/v1/activities/{ids['small']}/signups", args, work, method="POST", body="{}",
        duration=3)
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        rows = conn.execute("SELECT a.id, a.capacity, a.confirmed_count, "
                            "(SELECT count(*) FROM signups s WHERE s.activity_id = a.id AND s.status = 'confirmed') "
                            "FROM activities a").fetchall()
        small = next(r for r in rows if r[0] == ids["small"])
        waitlisted = conn.execute("SELECT count(*) FROM signups WHERE activity_id = %s AND status = 'waitlisted'",
                                  (ids["small"],)).fetchone()[0]
    bad = [r for r in rows if r[2] > r[1] or r[2] != r[3]]
    print(f"\noverbooking check: {len(rows)} activities, {len(bad)} overbooked or miscounted; "
          f"the 50-place activity has {small[3]} confirmed and {waitlisted} waitlisted")
    if bad or small[3] != 50:
        sys.exit("OVERBOOKED")


if __name__ == "__main__":
    main()
