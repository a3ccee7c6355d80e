"""The competitions plugin's hot path for bench/run.py.

(h) a public vote burst on one entry: signed-in voters vote for the same entry as fast as
    wrk sends them, on Yinghuo (a vote row, the voter's two day counters, the tally moved
    in Redis after the commit) and on the bare app counting the same vote in PostgreSQL
    alone (one UPDATE of the entry's tally row, after the same sign-in lookups);
(i) the same vote at a steady 300 votes/s on Yinghuo (open loop: latency counts from when
    each vote was due), its p95;
then no vote lost: the votes in PostgreSQL = the Redis tally = the votes answered 201.
"""
from __future__ import annotations

import http.client
import json
import queue
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import psycopg

import points

SLUG, VOTERS, RATE, SECONDS = "benchvote", 1000, 300, 10

SEED = """
import json
from datetime import timedelta
from flask import g
from yinghuo.app import create_app
from yinghuo.extensions import db
from yinghuo.db.base import utcnow
from yinghuo.db.context import tenant_scope
from yinghuo.tenancy import services as tenancy
app = create_app()
with app.test_request_context("/"):
    with tenant_scope(None, operator=True):  # tenants and their plugins are the operator's to write
        t = g.tenant = tenancy.create_tenant(slug="%(slug)s", name="压测大赛", kind="other", plugins=["competitions"],
                                             settings={"competitions": {"votes_per_day": 1000,
                                                                        "votes_per_entry_per_day": 100}})
        db.session.flush()
    with tenant_scope(t.id):
        from yinghuo.api import add_member
        from yinghuo_competitions.contests.services import save
        from yinghuo_competitions.entries.models import Entry
        now = utcnow()
        c = save({"name": "压测大赛", "stages": {"submission": now - timedelta(days=3), "review": now - timedelta(days=2),
                                              "voting": now - timedelta(days=1), "judging": now + timedelta(days=5)}})
        c.published = True
        m = add_member({"name": "压测队长", "roles": ["volunteer"]})
        e = Entry(competition_id=c.id, entrant_id=m.id, title="压测项目", team_name="压测队", category="education",
                  status="accepted", version=1)
        db.session.add(e)
        db.session.flush()
        out = {"tenant": t.id, "competition": c.id, "entry": e.id}
    db.session.commit()
print(json.dumps(out))
"""


def seed(env, work: Path, root: Path) -> dict:
    """A tenant with a competition in its voting stage, one accepted entry, voters with
    tokens, and the bare app's tally row for it."""
    out = subprocess.run([sys.executable, "-c", SEED % {"slug": SLUG}], env=env, check=True, cwd=root,
                         capture_output=True, text=True)
    ids = json.loads(out.stdout.strip().splitlines()[-1])
    now = datetime.now(timezone.utc)
    with psycopg.connect(env["DATABASE_URL"]) as conn, conn.cursor() as cur:
        _, tokens = points._people(cur, ids["tenant"], VOTERS, "volunteer", "cv", now)
        (work / "tokens_votes.txt").write_text("\n".join(tokens))
        cur.execute("CREATE TABLE bench_vote_tally (entry_id bigint PRIMARY KEY, votes bigint NOT NULL DEFAULT 0)")
        cur.execute("INSERT INTO bench_vote_tally VALUES (%s, 0)", (ids["entry"],))
        cur.execute("GRANT SELECT, UPDATE ON bench_vote_tally TO yinghuo_app")
        cur.execute("ANALYZE")
    ids["tokens"] = tokens
    return ids


def paths(ids: dict) -> tuple[str, str]:
    return (f"/t/{SLUG}/api/v1/competitions/entries/{ids['entry']}/votes",
            f"/t/{SLUG}/bare/votes/{ids['entry']}")


def build_tally(port: int, ids: dict) -> None:
    """Read the tally once before the votes come: the first read builds the Redis tally from
    the rows (a tally rebuilt while votes are committing can be off by the votes that commit
    during the rebuild; the results never read it, they count the rows)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", f"/t/{SLUG}/api/v1/competitions/{ids['competition']}/tally")
    assert c.getresponse().status == 200


def _rows(env, ids) -> int:
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        return conn.execute("SELECT count(*) FROM competitions_votes WHERE entry_id = %s AND NOT voided",
                            (ids["entry"],)).fetchone()[0]


def steady(env, port: int, ids: dict, rate: int = RATE, seconds: int = SECONDS) -> dict:
    """``rate`` votes a second for ``seconds``, each due at its own moment; latency from that
    moment to the answer (a late start counts against the server). Every vote waits for its
    answer, so the rows the run added must equal the votes answered 201 ("lost")."""
    path, _ = paths(ids)
    before = _rows(env, ids)
    due: queue.Queue = queue.Queue()
    results, lock = [], threading.Lock()

    def worker(n):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            item = due.get()
            if item is None:
                return
            at, token = item
            wait = at - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            try:
                c.request("POST", path, body="{}", headers={"Authorization": f"Bearer {token}",
                                                            "Content-Type": "application/json"})
                status = c.getresponse()
                status.read()
                code = status.status
            except (OSError, http.client.HTTPException):
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                code = 0
            with lock:
                results.append((code, time.perf_counter() - at))

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(48)]
    [t.start() for t in threads]
    start = time.perf_counter() + 0.5
    total = rate * seconds
    for n in range(total):
        due.put((start + n / rate, ids["tokens"][n % len(ids["tokens"])]))
    for _ in threads:
        due.put(None)
    [t.join() for t in threads]
    waits = sorted(w * 1000 for _, w in results)
    pick = lambda q: waits[min(len(waits) - 1, int(q * len(waits)))]  # noqa: E731
    ok = sum(1 for s, _ in results if s == 201)
    return {"rps": total / max(1e-9, time.perf_counter() - start), "p50": pick(0.5), "p95": pick(0.95),
            "p99": pick(0.99), "requests": total, "non2xx": total - ok, "ok": ok,
            "lost": ok - (_rows(env, ids) - before)}


def check(env, ids: dict, steady_runs: list[dict]) -> str:
    """No vote lost: the rows in PostgreSQL equal the Redis tally after every run, and in the
    steady runs (where each vote waited for its answer) the rows added equal the 201s."""
    import redis
    rows = _rows(env, ids)
    tally = redis.Redis.from_url(env["REDIS_URL"]).hget(
        f"yh:t{ids['tenant']}:competitions:{ids['competition']}:votes", str(ids["entry"]))
    tally = int(tally or 0)
    lost = sum(r["lost"] for r in steady_runs)
    answered = sum(r["ok"] for r in steady_runs)
    line = (f"votes check: {rows} in PostgreSQL = {tally} in the Redis tally; at 300/s {answered} answered 201, "
            f"{lost} of them not in PostgreSQL")
    if rows != tally or lost:
        sys.exit(line + " - VOTES LOST OR DOUBLED")
    return line
