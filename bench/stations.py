"""The stations plugin's hot paths for bench/run.py: a county holding a year of residents'
demands (20 000 over 82 stations in 6 institutes under one centre) and its dispatchers.

(d) the dispatch board filtered by level and state, 50 a page, as a clerk of the centre;
(e) a resident's demand submitted on the public form (each from its own address).
"""
from __future__ import annotations

import hashlib
import json
import random
import secrets
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg

SLUG = "benchcounty"
STATUSES = [("new", 10), ("dispatched", 8), ("accepted", 5), ("in_service", 4), ("done", 8), ("rated", 60),
            ("cancelled", 5)]
CATEGORIES = ["生活照料", "医疗健康", "政策咨询", "文化活动", "维修帮扶", "其他"]

SEED = """
import json
from yinghuo.app import create_app
from yinghuo.extensions import db
from yinghuo.db.context import tenant_scope
from yinghuo.tenancy import services as tenancy
from yinghuo.units.services import create_unit
app = create_app()
with app.app_context():
    with tenant_scope(None, operator=True):  # tenants and their plugins are the operator's to write
        t = tenancy.create_tenant(slug="%(slug)s", name="压测实践中心", kind="county", plugins=["stations"],
                                  settings={"unit_types": ["county", "town", "village", "team"]})
        db.session.flush()
    ids = {"tenant": t.id, "institutes": [], "stations": [], "teams": []}
    with tenant_scope(t.id):
        centre = create_unit(t, name="压测县新时代文明实践中心", type="county")
        ids["centre"] = centre.id
        ids["teams"].append(create_unit(t, name="县志愿服务总队", type="team", parent_id=centre.id).id)
        for i in range(6):
            town = create_unit(t, name=f"第{i + 1}镇实践所", type="town", parent_id=centre.id)
            ids["institutes"].append(town.id)
            ids["teams"].append(create_unit(t, name=f"第{i + 1}镇志愿服务分队", type="team", parent_id=town.id).id)
        for n in range(82):
            ids["stations"].append(create_unit(t, name=f"第{n + 1}村实践站", type="village",
                                               parent_id=ids["institutes"][n %% 6]).id)
    db.session.commit()
print(json.dumps(ids))
"""


def seed(env, work: Path, root: Path, *, demands: int = 20_000, clerks: int = 2_000) -> dict:
    """The county, its demands (a year of them, in every state, at every level) and
    ``clerks`` centre clerks with tokens (tokens_board.txt)."""
    out = subprocess.run([sys.executable, "-c", SEED % {"slug": SLUG}], env=env, check=True, cwd=root,
                         capture_output=True, text=True)
    ids = json.loads(out.stdout.strip().splitlines()[-1])
    tid, rng, now = ids["tenant"], random.Random(7), datetime.now(timezone.utc)
    parent = {s: ids["institutes"][n % 6] for n, s in enumerate(ids["stations"])}
    with psycopg.connect(env["DATABASE_URL"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT nextval('yinghuo_id_seq') FROM generate_series(1, %s)", (demands + clerks * 2,))
        seq = [r[0] for r in cur.fetchall()]
        rows = []
        weights = [w for _, w in STATUSES]
        for i in range(demands):
            station = ids["stations"][i % len(ids["stations"])]
            status = rng.choices([s for s, _ in STATUSES], weights)[0]
            level = rng.choices([station, parent[station], ids["centre"]], [70, 25, 5])[0]
            at = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            team = None if status in ("new", "cancelled") else ids["teams"][(ids["institutes"].index(parent[station])
                                                                            + 1) if level != ids["centre"] else 0]
            rows.append((tid, seq[i], f"{at:%y%m}{seq[i] % 1_000_000:06d}", CATEGORIES[i % 6], "老人独居，需要上门打扫",
                         "村委会", "", f"村民{i}", f"139{i:08d}", "online" if i % 3 else "letterbox", station, level,
                         team, status, at + timedelta(hours=24), at,
                         rng.randint(3, 5) if status == "rated" else None))
        cur.executemany(
            "INSERT INTO stations_demands (tenant_id, id, receipt, category, need, place, preferred_time, "
            "contact_name, contact_phone, channel, station_id, level_unit_id, team_unit_id, status, due_at, "
            "created_at, rating, record, rating_comment, rated_by_phone) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', '', false)", rows)
        tokens = [f"yhc_{i}_{secrets.token_hex(4)}" for i in range(clerks)]
        cur.executemany("INSERT INTO accounts (email, password_hash, is_operator, created_at) VALUES (%s, 'x', false, %s)",
                        [(f"c{i}@benchcounty.test", now) for i in range(clerks)])
        cur.execute("SELECT id FROM accounts WHERE email LIKE '%%@benchcounty.test' ORDER BY id")
        accounts = [r[0] for r in cur.fetchall()]
        members = seq[demands:demands + clerks]
        cur.executemany("INSERT INTO members (tenant_id, id, account_id, name, unit_id, status, joined_at) "
                        "VALUES (%s, %s, %s, %s, %s, 'active', %s)",
                        [(tid, m, a, f"调度员{i}", ids["centre"], now) for i, (m, a) in enumerate(zip(members, accounts))])
        cur.executemany("INSERT INTO member_roles (tenant_id, id, member_id, role) VALUES (%s, %s, %s, 'clerk')",
                        [(tid, r, m) for r, m in zip(seq[demands + clerks:], members)])
        cur.executemany("INSERT INTO api_tokens (token_hash, account_id, tenant_id, created_at) VALUES (%s, %s, %s, %s)",
                        [(hashlib.sha256(t.encode()).hexdigest(), a, tid, now) for t, a in zip(tokens, accounts)])
        cur.execute("ANALYZE")
    (work / "tokens_board.txt").write_text("\n".join(tokens))
    return ids


def submission_body(ids: dict) -> str:
    """A resident's request at one station; {n} becomes a different phone each time."""
    return json.dumps({"station_id": ids["stations"][5], "category": "生活照料", "need": "老人独居，需要每周上门打扫一次",
                       "place": "3组", "contact_name": "王奶奶", "contact_phone": "139{n}"}, ensure_ascii=False)
