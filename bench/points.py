"""The points plugin's hot paths for bench/run.py.

(f) a redemption burst: 200 orders at once, each from its own villager, against goods with a
    small stock (50), on Yinghuo and on the bare app issuing the same SQL; afterwards no
    balance or stock below zero, exactly the stock sold, and the ledger's check clean;
(g) approving service hours in a tenant that credits points for them, against the same
    approvals in a tenant without the plugin (the cost of crediting on hours_approved).
"""
from __future__ import annotations

import hashlib
import http.client
import json
import secrets
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timezone
from pathlib import Path

import psycopg

SLUG, PLAIN = "benchpoints", "benchplain"
PEOPLE, BURST, STOCK, RECORDS = 400, 200, 50, 4000

SEED = """
import json
from yinghuo.app import create_app
from yinghuo.extensions import db
from yinghuo.db.context import tenant_scope
from yinghuo.tenancy import services as tenancy
from yinghuo.units.services import create_unit
app = create_app()
with app.app_context():
    ids = {}
    for slug, plugins in (("%(slug)s", ["points"]), ("%(plain)s", [])):
        with tenant_scope(None, operator=True):  # tenants and their plugins are the operator's to write
            t = tenancy.create_tenant(slug=slug, name="压测积分县", kind="county", plugins=plugins,
                                      settings={"unit_types": ["county", "village"], "points": {"notice_days": 0}})
            db.session.flush()
        with tenant_scope(t.id):
            ids[slug] = {"tenant": t.id, "village": create_unit(t, name="压测村", type="village").id}
    db.session.commit()
print(json.dumps(ids))
"""

STOCK_UP = """
import json, sys
from flask import g
from yinghuo.app import create_app
from yinghuo.extensions import db
from yinghuo.db.context import tenant_scope
from yinghuo.tenancy.services import get_tenant
app = create_app()
people, rounds = json.loads(sys.argv[1]), int(sys.argv[2])
with app.test_request_context("/"):
    t = g.tenant = get_tenant("%(slug)s")
    with tenant_scope(t.id):
        from yinghuo_points.ledger.services import account, member_account, post
        from yinghuo_points.shops.services import create_shop, move, save_good
        for member_id in people:
            post(account("issuing"), member_account(member_id), 1000, kind="adjust", source="adjust",
                 source_id=f"bench-{member_id}", note="opening")
        shop = create_shop({"unit_id": %(village)s, "name": "压测村积分超市"})
        goods = {}
        for r in range(rounds):
            for side in ("app", "bare"):
                good = save_good(shop.id, {"name": f"大米 {side} {r}", "price": 30})
                move(good, %(stock)s, kind="receive", source="stock", source_id=f"bench-{good.id}")
                goods[f"{side}_{r}"] = good.id
    db.session.commit()
print(json.dumps({"shop": shop.id, "goods": goods}))
"""


def _people(cur, tid: int, count: int, role: str, tag: str, now) -> tuple[list[int], list[str]]:
    cur.execute("SELECT nextval('yinghuo_id_seq') FROM generate_series(1, %s)", (count * 2,))
    seq = [r[0] for r in cur.fetchall()]
    tokens = [f"yhp_{tag}_{i}_{secrets.token_hex(4)}" for i in range(count)]
    cur.executemany("INSERT INTO accounts (email, password_hash, is_operator, created_at) VALUES (%s, 'x', false, %s)",
                    [(f"{tag}{i}@{tag}.bench", now) for i in range(count)])
    cur.execute("SELECT id FROM accounts WHERE email LIKE %s ORDER BY id", (f"%@{tag}.bench",))
    accounts = [r[0] for r in cur.fetchall()]
    members = seq[:count]
    cur.executemany("INSERT INTO members (tenant_id, id, account_id, name, status, joined_at) "
                    "VALUES (%s, %s, %s, %s, 'active', %s)",
                    [(tid, m, a, f"村民{i}", now) for i, (m, a) in enumerate(zip(members, accounts))])
    cur.executemany("INSERT INTO member_roles (tenant_id, id, member_id, role) VALUES (%s, %s, %s, %s)",
                    [(tid, r, m, role) for r, m in zip(seq[count:], members)])
    cur.executemany("INSERT INTO api_tokens (token_hash, account_id, tenant_id, created_at) VALUES (%s, %s, %s, %s)",
                    [(hashlib.sha256(t.encode()).hexdigest(), a, tid, now) for t, a in zip(tokens, accounts)])
    return members, tokens


def seed(env, work: Path, root: Path, rounds: int) -> dict:
    """Two tenants (one with the plugin), villagers with tokens and 1000 points each, a
    supermarket with a fresh good of 50 for every burst, pending hour records to approve."""
    out = subprocess.run([sys.executable, "-c", SEED % {"slug": SLUG, "plain": PLAIN}], env=env, check=True, cwd=root,
                         capture_output=True, text=True)
    ids = json.loads(out.stdout.strip().splitlines()[-1])
    now = datetime.now(timezone.utc)
    with psycopg.connect(env["DATABASE_URL"]) as conn, conn.cursor() as cur:
        villagers, tokens = _people(cur, ids[SLUG]["tenant"], PEOPLE, "volunteer", "pv", now)
        (work / "tokens_points.txt").write_text("\n".join(tokens))
        for slug in (SLUG, PLAIN):
            tid = ids[slug]["tenant"]
            [admin], [token] = _people(cur, tid, 1, "tenant_admin", f"pa{tid}", now)
            (work / f"tokens_{slug}_admin.txt").write_text(token)
            ids[slug]["admin_token"] = token
            workers = villagers[:50] if slug == SLUG else _people(cur, tid, 50, "volunteer", f"pw{tid}", now)[0]
            cur.execute("SELECT nextval('yinghuo_id_seq') FROM generate_series(1, %s)", (RECORDS * rounds,))
            record_ids = [r[0] for r in cur.fetchall()]
            cur.executemany("INSERT INTO hour_records (tenant_id, id, member_id, served_on, minutes, content, place, "
                            "evidence, note, status, entered_by, created_at) VALUES (%s, %s, %s, %s, 60, '打扫村公厕', "
                            "'', 'manual', '村委会证明', 'pending', %s, %s)",
                            [(tid, r, workers[i % len(workers)], date.today(), admin, now)
                             for i, r in enumerate(record_ids)])
            for r in range(rounds):
                chunk = record_ids[r * RECORDS:(r + 1) * RECORDS]
                (work / f"paths_{slug}_{r}.txt").write_text(
                    "\n".join(f"/t/{slug}/api/v1/hours/{i}/approve" for i in chunk))
        cur.execute("ANALYZE")
    out = subprocess.run([sys.executable, "-c", STOCK_UP % {"slug": SLUG, "village": ids[SLUG]["village"],
                                                            "stock": STOCK}, json.dumps(villagers), str(rounds)],
                         env=env, check=True, cwd=root, capture_output=True, text=True)
    ids.update(json.loads(out.stdout.strip().splitlines()[-1]))
    ids["tokens"] = tokens
    return ids


def burst(port: int, ids: dict, key: str, r: int) -> dict:
    """BURST orders of one each, released together, each by its own villager with its own
    idempotency key; the measurement is BURST / the burst's wall time."""
    good = ids["goods"][key]
    tokens = ids["tokens"][(r % 2) * BURST:(r % 2) * BURST + BURST]
    body = json.dumps({"shop_id": ids["shop"], "lines": [{"good_id": good, "quantity": 1}]})
    gate, results = threading.Barrier(BURST + 1), []

    def one(token):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.connect()
        gate.wait()
        start = time.perf_counter()
        c.request("POST", f"/t/{SLUG}/api/v1/points/orders", body=body, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json",
            "Idempotency-Key": f"{key}-{secrets.token_hex(6)}"})
        status = c.getresponse().status
        results.append((status, time.perf_counter() - start))
        c.close()

    threads = [threading.Thread(target=one, args=(t,)) for t in tokens]
    [t.start() for t in threads]
    gate.wait()
    start = time.perf_counter()
    [t.join() for t in threads]
    elapsed = time.perf_counter() - start
    waits = sorted(w * 1000 for _, w in results)
    statuses = [s for s, _ in results]
    pick = lambda q: waits[min(len(waits) - 1, int(q * len(waits)))]  # noqa: E731
    return {"rps": BURST / elapsed, "p50": pick(0.5), "p95": pick(0.95), "p99": pick(0.99), "requests": BURST,
            "non2xx": sum(1 for s in statuses if s >= 300), "sold": statuses.count(201),
            "other": sorted({s for s in statuses if s not in (201, 409)})}


def check(env, ids: dict, app_port: int) -> str:
    """No balance or stock below zero, each burst sold exactly its stock, the ledger checks clean."""
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        negative = conn.execute("SELECT count(*) FROM points_accounts WHERE balance < 0 AND key <> 'issuing'"
                                ).fetchone()[0]
        stocks = conn.execute("SELECT count(*) FROM points_goods WHERE stock < 0").fetchone()[0]
        left = conn.execute("SELECT count(*) FROM points_goods WHERE stock <> 0").fetchone()[0]
    c = http.client.HTTPConnection("127.0.0.1", app_port, timeout=120)
    c.request("GET", f"/t/{SLUG}/api/v1/points/check", headers={"Authorization": f"Bearer {ids[SLUG]['admin_token']}"})
    report = json.loads(c.getresponse().read())
    line = (f"points check: {negative} balances and {stocks} stocks below zero, {left} goods not sold out; "
            f"ledger {'clean' if report.get('ok') else 'NOT clean: ' + json.dumps(report)[:300]} "
            f"({report.get('entries')} entries)")
    if negative or stocks or left or not report.get("ok"):
        sys.exit(line)
    return line
