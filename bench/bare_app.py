"""The bare baseline: Flask + psycopg, no ORM, issuing the same SQL on the same tables as
Yinghuo's benchmarked endpoints (same lookups, same RLS settings, same writes).

One connection per gunicorn worker (a sync worker serves one request at a time)."""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from datetime import datetime, timedelta, timezone

import psycopg
from flask import Flask, Response, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

app = Flask(__name__)
DSN = os.environ["BARE_DSN"]
SECRET = os.environ["SECRET_KEY"]
_conn: dict = {}

ACTIVITY_COLS = ("tenant_id, id, title, description, category, unit_id, address, latitude, longitude, geofence_m, "
                 "starts_at, ends_at, capacity, confirmed_count, signup_opens_at, signup_closes_at, cancel_deadline, "
                 "requirements, skills, min_age, visibility, status, cancel_reason, series_id, created_by, created_at")
ACTIVITY_OUT = ("id", "title", "description", "category", "unit_id", "address", "latitude", "longitude",
                "geofence_m", "starts_at", "ends_at", "capacity", "confirmed_count", "signup_opens_at",
                "signup_closes_at", "cancel_deadline", "requirements", "skills", "min_age", "visibility", "status",
                "cancel_reason", "series_id")


def conn() -> psycopg.Connection:
    c = _conn.get("c")
    if c is None or c.closed:
        c = _conn["c"] = psycopg.connect(DSN)
    return c


def json_response(body, status=200):
    return Response(json.dumps(body, default=str, ensure_ascii=False), status, mimetype="application/json")


_TENANTS: dict = {}


def identify(cur, slug):
    """The same lookups as Yinghuo: tenant from a 5-second cache, RLS settings in one
    statement, then token + account + membership + roles in one query."""
    cached = _TENANTS.get(slug)
    if cached is None or time.monotonic() - cached[0] > 5:
        cur.execute("SELECT id, slug, name, kind, parent_id, status, suspended_reason, settings, branding, "
                    "created_at FROM tenants WHERE slug = %s", (slug,))
        cached = _TENANTS[slug] = (time.monotonic(), cur.fetchone())
    tenant = cached[1]
    cur.execute(f"SET LOCAL ROLE yinghuo_app; SET LOCAL app.tenant_ids = '{int(tenant[0])}'; "
                "SET LOCAL app.operator = 'off'")
    token = request.headers.get("Authorization", "")[7:]
    cur.execute("SELECT accounts.id, accounts.email, accounts.phone, accounts.password_hash, accounts.is_operator, "
                "accounts.totp_secret, accounts.created_at, members.tenant_id, members.id, members.account_id, "
                "members.name, members.phone, members.id_type, members.id_number_enc, members.id_number_hash, "
                "members.unit_id, members.status, members.consent_version, members.consent_at, members.joined_at, "
                "r.tenant_id, r.id, r.member_id, r.role, r.unit_id FROM accounts JOIN api_tokens ON "
                "api_tokens.account_id = accounts.id LEFT OUTER JOIN members ON members.account_id = accounts.id "
                "AND members.tenant_id = %s LEFT OUTER JOIN member_roles AS r ON members.tenant_id = r.tenant_id "
                "AND members.id = r.member_id WHERE api_tokens.token_hash = %s AND api_tokens.revoked_at IS NULL "
                "AND api_tokens.tenant_id = %s",
                (tenant[0], hashlib.sha256(token.encode()).hexdigest(), tenant[0]))
    row = cur.fetchall()[0]
    return tenant, row[:7], row[7:20]


@app.get("/t/<slug>/api/v1/activities")
def activities(slug):
    with conn().transaction(), conn().cursor() as cur:
        tenant, _, member = identify(cur, slug)
        where = ("FROM activities WHERE activities.status != 'draft' AND activities.visibility IN "
                 "('public', 'tenant') AND activities.tenant_id = %s")
        per_page = int(request.args.get("per_page", 20))
        # the total counted over the visible activities up to 1 000 past the page, as the app does
        cur.execute(f"SELECT {ACTIVITY_COLS}, count(*) OVER () FROM (SELECT {ACTIVITY_COLS} {where} "
                    "ORDER BY activities.starts_at, activities.id LIMIT %s) AS reached "
                    "ORDER BY starts_at, id LIMIT %s OFFSET 0", (tenant[0], 1000, per_page))
        names = [d.name for d in cur.description]
        found = cur.fetchall()
        total = found[0][-1] if found else 0
        rows = [{k: v for k, v in zip(names, r) if k in ACTIVITY_OUT} for r in found]
    resp = json_response(rows)
    resp.headers["X-Total-Count"] = str(total)
    return resp


def _audit(cur, tenant_id, account, action, target_type, target_id, after):
    cur.execute("INSERT INTO audit_log (at, tenant_id, actor_account_id, actor, action, target_type, target_id, "
                "before, after, reason, ip) VALUES (%s, %s, %s, %s, %s, %s, %s, NULL, %s, NULL, %s)",
                (datetime.now(timezone.utc), tenant_id, account[0], account[1], action, target_type,
                 str(target_id), json.dumps(after), request.remote_addr))


def _activity(cur, tenant_id, activity_id):
    cur.execute(f"SELECT {ACTIVITY_COLS} FROM activities WHERE activities.id = %s AND activities.status != 'draft' "
                "AND activities.visibility IN ('public', 'tenant') AND activities.tenant_id = %s",
                (activity_id, tenant_id))
    return cur.fetchone()


@app.post("/t/<slug>/api/v1/activities/<int:activity_id>/signups")
def signup(slug, activity_id):
    now = datetime.now(timezone.utc)
    with conn().transaction(), conn().cursor() as cur:
        tenant, account, member = identify(cur, slug)
        activity = _activity(cur, tenant[0], activity_id)
        cur.execute("SELECT tenant_id, id, activity_id, member_id, status, queued_at, signed_up_by, created_at, "
                    "cancelled_at FROM signups WHERE activity_id = %s AND member_id = %s AND tenant_id = %s",
                    (activity_id, member[1], tenant[0]))
        if cur.fetchone() is not None:
            return json_response({"error": {"code": "duplicate_signup"}}, 409)
        cur.execute("UPDATE activities SET confirmed_count = confirmed_count + 1 WHERE id = %s AND "
                    "confirmed_count < capacity AND tenant_id = %s", (activity_id, tenant[0]))
        status = "confirmed" if cur.rowcount == 1 else "waitlisted"
        cur.execute("INSERT INTO signups (tenant_id, id, activity_id, member_id, status, queued_at, signed_up_by, "
                    "created_at, cancelled_at) VALUES (%s, nextval('yinghuo_id_seq'), %s, %s, %s, %s, NULL, %s, NULL) "
                    "RETURNING id", (tenant[0], activity_id, member[1], status, now, now))
        signup_id = cur.fetchone()[0]
        _audit(cur, tenant[0], account, "signup.create", "signup", signup_id,
               {"activity": activity_id, "member": member[1], "status": status})
        cur.execute("INSERT INTO notifications (tenant_id, id, member_id, kind, params, link, created_at, read_at) "
                    "VALUES (%s, nextval('yinghuo_id_seq'), %s, %s, %s, %s, %s, NULL) RETURNING id",
                    (tenant[0], member[1], f"signup_{status}", json.dumps({"activity": activity[2]}),
                     f"/activities/{activity_id}", now))
    return json_response({"id": signup_id, "activity_id": activity_id, "member_id": member[1], "status": status,
                          "member_name": member[3], "signed_up_by": None, "waitlist_position": None}, 201)


@app.post("/t/<slug>/api/v1/activities/<int:activity_id>/checkins")
def checkin(slug, activity_id):
    body = request.get_json()
    now = datetime.now(timezone.utc)
    with conn().transaction(), conn().cursor() as cur:
        tenant, account, member = identify(cur, slug)
        activity = _activity(cur, tenant[0], activity_id)
        try:
            data = URLSafeTimedSerializer(SECRET, salt="yinghuo-checkin").loads(body["token"], max_age=90)
        except BadSignature:
            return json_response({"error": {"code": "qr_invalid"}}, 422)
        assert data == {"t": tenant[0], "a": activity[1], "k": "in"}
        cur.execute("SELECT signups.id FROM signups WHERE signups.activity_id = %s AND signups.member_id = %s AND "
                    "signups.status = 'confirmed' AND signups.tenant_id = %s", (activity_id, member[1], tenant[0]))
        cur.fetchone()
        cur.execute("SELECT tenant_id, id, activity_id, member_id, checked_in_at, checked_out_at, in_method, "
                    "out_method, recorded_by FROM attendances WHERE activity_id = %s AND member_id = %s AND "
                    "tenant_id = %s", (activity_id, member[1], tenant[0]))
        if cur.fetchone() is None:
            cur.execute("INSERT INTO attendances (tenant_id, id, activity_id, member_id, checked_in_at, "
                        "checked_out_at, in_method, out_method, recorded_by) VALUES (%s, nextval('yinghuo_id_seq'), "
                        "%s, %s, %s, NULL, 'qr', NULL, NULL) RETURNING id", (tenant[0], activity_id, member[1], now))
            attendance_id = cur.fetchone()[0]
            _audit(cur, tenant[0], account, "attendance.check_in", "attendance", attendance_id,
                   {"member": member[1], "how": "qr"})
    return json_response({"member_id": member[1], "member_name": member[3], "checked_in_at": now,
                          "checked_out_at": None, "in_method": "qr", "out_method": None})


# --- the stations plugin: the dispatch board and a resident's demand (bench/stations.py) ---

DEMAND_COLS = ("id, receipt, category, need, place, preferred_time, contact_name, contact_phone, channel, "
               "slip_serial, station_id, level_unit_id, team_unit_id, status, due_at, record, rating, "
               "rating_comment, rated_by_phone, duplicate_of, project_id, finished_on_time, created_at")


def _tenant_only(cur, slug):
    """A public form: the tenant (cached like Yinghuo's) and its RLS settings, no account."""
    cached = _TENANTS.get(slug)
    if cached is None or time.monotonic() - cached[0] > 5:
        cur.execute("SELECT id, slug, name, kind, parent_id, status, suspended_reason, settings, branding, "
                    "created_at FROM tenants WHERE slug = %s", (slug,))
        cached = _TENANTS[slug] = (time.monotonic(), cur.fetchone())
    tenant = cached[1]
    cur.execute(f"SET LOCAL ROLE yinghuo_app; SET LOCAL app.tenant_ids = '{int(tenant[0])}'; "
                "SET LOCAL app.operator = 'off'")
    return tenant


@app.get("/t/<slug>/api/v1/stations/demands")
def demand_board(slug):
    """The dispatcher's reach (their unit's subtree), the level asked for, the state; count and page."""
    with conn().transaction(), conn().cursor() as cur:
        tenant, _, member = identify(cur, slug)
        tid, per_page = tenant[0], int(request.args.get("per_page", 50))
        page = int(request.args.get("page", 1))
        levels = None
        for unit_id in (member[8], int(request.args["level_unit_id"])):
            cur.execute("SELECT path FROM units WHERE id = %s AND tenant_id = %s", (unit_id, tid))
            path = cur.fetchone()[0].replace("/", "//")
            cur.execute("SELECT id FROM units WHERE path LIKE %s || '%%' ESCAPE '/' AND tenant_id = %s", (path, tid))
            found = {r[0] for r in cur.fetchall()}
            levels = found if levels is None else levels & found
        ids = sorted(levels)
        where = (f"FROM stations_demands WHERE level_unit_id IN ({', '.join(['%s'] * len(ids))}) AND status = %s "
                 "AND tenant_id = %s")
        params = (*ids, request.args["status"], tid)
        cur.execute(f"SELECT count(*) {where}", params)
        total = cur.fetchone()[0]
        cur.execute(f"SELECT {DEMAND_COLS} {where} ORDER BY id DESC LIMIT %s OFFSET %s",
                    (*params, per_page, (page - 1) * per_page))
        names = [d.name for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    resp = json_response(rows)
    resp.headers["X-Total-Count"] = str(total)
    return resp


@app.post("/t/<slug>/api/v1/stations/demands")
def submit_demand(slug):
    body = request.get_json()
    now = datetime.now(timezone.utc)
    with conn().transaction(), conn().cursor() as cur:
        tenant = _tenant_only(cur, slug)
        tid = tenant[0]
        cur.execute("SELECT tenant_id, id, parent_id, name, type, path, depth FROM units WHERE tenant_id = %s AND "
                    "id = %s AND tenant_id = %s", (tid, body["station_id"], tid))
        cur.fetchone()
        cur.execute("SELECT id FROM stations_demands WHERE contact_phone = %s AND category = %s AND created_at >= %s "
                    "AND tenant_id = %s ORDER BY id DESC LIMIT 1",
                    (body["contact_phone"], body["category"], now - timedelta(hours=48), tid))
        earlier = cur.fetchone()
        cur.execute("INSERT INTO stations_demands (tenant_id, id, receipt, category, need, place, preferred_time, "
                    "contact_name, contact_phone, channel, station_id, level_unit_id, status, due_at, record, "
                    "rating_comment, rated_by_phone, duplicate_of, created_at) VALUES (%s, nextval('yinghuo_id_seq'), "
                    "'pending', %s, %s, %s, %s, %s, %s, 'online', %s, %s, 'new', %s, '', '', false, %s, %s) "
                    "RETURNING id",
                    (tid, body["category"], body["need"], body.get("place", ""), body.get("preferred_time", ""),
                     body["contact_name"], body["contact_phone"], body["station_id"], body["station_id"],
                     now + timedelta(hours=24), earlier[0] if earlier else None, now))
        demand_id = cur.fetchone()[0]
        receipt = f"{now:%y%m}{demand_id:06d}"
        cur.execute("UPDATE stations_demands SET receipt = %s WHERE tenant_id = %s AND id = %s",
                    (receipt, tid, demand_id))
        cur.execute("INSERT INTO stations_demand_events (tenant_id, id, demand_id, action, from_status, to_status, "
                    "actor_id, unit_id, note, at) VALUES (%s, nextval('yinghuo_id_seq'), %s, 'submit', 'new', 'new', "
                    "NULL, %s, 'online', %s) RETURNING id", (tid, demand_id, body["station_id"], now))
        cur.execute("INSERT INTO audit_log (at, tenant_id, actor_account_id, actor, action, target_type, target_id, "
                    "before, after, reason, ip) VALUES (%s, %s, NULL, 'anonymous', 'stations.demand.submit', "
                    "'demand', %s, NULL, %s, NULL, %s)",
                    (now, tid, str(demand_id), json.dumps({"category": body["category"], "channel": "online"}),
                     request.remote_addr))
    return json_response({"id": demand_id, "receipt": receipt, "status": "new", "station_id": body["station_id"],
                          "duplicate_of": earlier[0] if earlier else None}, 201)


# --- the points plugin: a redemption order (bench/points.py) ------------------------------------

ORDER_COLS = ("tenant_id, id, shop_id, member_id, account_id, placed_by, idempotency_key, code, points, status, "
              "expires_at, entry_id, refund_entry_id, handed_by, closed_at, created_at")
ACCOUNT_COLS = "tenant_id, id, key, member_id, household_id, balance, created_at"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


#: the ledger's append, as the plugin's: lock the chain head, insert the entry hashed on the
#: head's hash, move the head
APPEND = """
WITH h AS (SELECT id, seq, head_hash FROM points_chain WHERE tenant_id = %(t)s FOR UPDATE),
a AS MATERIALIZED (
  SELECT (SELECT id FROM points_accounts WHERE tenant_id = %(t)s AND key = CAST(%(debit_key)s AS TEXT)) AS debit,
         (SELECT id FROM points_accounts WHERE tenant_id = %(t)s AND key = CAST(%(credit_key)s AS TEXT)) AS credit),
e AS (
  INSERT INTO points_entries (tenant_id, id, seq, debit_account_id, credit_account_id, amount, kind, source, source_id,
                              reverses_id, note, created_by, created_at, prev_hash, hash)
  SELECT %(t)s, nextval('yinghuo_id_seq'), h.seq + 1, a.debit, a.credit, %(amount)s, CAST(%(kind)s AS TEXT),
         CAST(%(source)s AS TEXT), CAST(%(source_id)s AS TEXT), CAST(%(rev)s AS BIGINT), CAST(%(note)s AS TEXT),
         CAST(%(by)s AS BIGINT), CAST(%(at)s AS TIMESTAMPTZ), h.head_hash,
         encode(sha256(convert_to(concat_ws('|', h.head_hash, h.seq + 1, a.debit, a.credit, %(amount)s,
                CAST(%(kind)s AS TEXT), CAST(%(source)s AS TEXT), CAST(%(source_id)s AS TEXT), CAST(%(reverses)s AS TEXT),
                %(micros)s), 'UTF8')), 'hex')
  FROM h, a WHERE a.debit IS NOT NULL AND a.credit IS NOT NULL
  ON CONFLICT (tenant_id, source, source_id) DO NOTHING
  RETURNING id, seq, prev_hash, hash, debit_account_id, credit_account_id),
u AS (UPDATE points_chain SET seq = e.seq, head_hash = e.hash FROM e, h
      WHERE points_chain.tenant_id = %(t)s AND points_chain.id = h.id),
d AS (UPDATE points_accounts SET balance = points_accounts.balance - %(amount)s FROM e
      WHERE points_accounts.tenant_id = %(t)s AND points_accounts.id = e.debit_account_id
        AND CAST(%(debit_cached)s AS BOOLEAN)
        AND (CAST(%(floor)s AS INTEGER) IS NULL OR points_accounts.balance - %(amount)s >= CAST(%(floor)s AS INTEGER))
      RETURNING points_accounts.id),
c AS (UPDATE points_accounts SET balance = points_accounts.balance + %(amount)s FROM e
      WHERE points_accounts.tenant_id = %(t)s AND points_accounts.id = e.credit_account_id
        AND CAST(%(credit_cached)s AS BOOLEAN)
      RETURNING points_accounts.id)
SELECT id, seq, prev_hash, hash, debit_account_id, credit_account_id, (SELECT count(*) FROM d) AS debited FROM e
"""


@app.post("/t/<slug>/api/v1/points/orders")
def redeem(slug):
    """An order of goods, statement for statement as Yinghuo's: the idempotency key, the shop
    and goods, the order row under a savepoint, stock by a conditional UPDATE and its move,
    then under the ledger's lock the points by conditional UPDATEs and the hash-chained
    entry, the audit row; the lines read back for the answer."""
    body, key = request.get_json(), request.headers.get("Idempotency-Key", "")
    now = datetime.now(timezone.utc)
    with conn().transaction(), conn().cursor() as cur:
        tenant, account, member = identify(cur, slug)
        tid, member_id = tenant[0], member[1]
        cur.execute(f"SELECT {ORDER_COLS} FROM points_orders WHERE tenant_id = %s AND idempotency_key = %s "
                    "AND placed_by = %s", (tid, key, member_id))
        if cur.fetchone() is not None:
            return json_response({"error": {"code": "replayed"}}, 200)
        cur.execute("SELECT tenant_id, id, unit_id, name, address, opening_hours, active, created_at FROM points_shops "
                    "WHERE tenant_id = %s AND id = %s", (tid, body["shop_id"]))
        shop = cur.fetchone()
        line = body["lines"][0]
        cur.execute("SELECT tenant_id, id, shop_id, name, price, stock, limit_per_month, limit_by, photo, photo_type, "
                    "active, created_at FROM points_goods WHERE tenant_id = %s AND id = %s", (tid, line["good_id"]))
        good = cur.fetchone()
        cur.execute(f"SELECT {ACCOUNT_COLS} FROM points_accounts WHERE tenant_id = %s AND key IN (%s, %s)",
                    (tid, f"member:{member_id}", "redemption"))
        found = {r[2]: r for r in cur.fetchall()}
        payer, redemption = found[f"member:{member_id}"], found["redemption"]
        points = good[4] * line["quantity"]
        code = f"{secrets.randbelow(9 * 10 ** 7) + 10 ** 7}"
        cur.execute("SELECT id FROM points_orders WHERE code = %s AND tenant_id = %s", (code, tid))
        cur.fetchone()
        cur.execute("SAVEPOINT order_row")
        cur.execute(f"SET LOCAL ROLE yinghuo_app; SET LOCAL app.tenant_ids = '{int(tid)}'; "
                    "SET LOCAL app.operator = 'off'")
        cur.execute(f"INSERT INTO points_orders ({ORDER_COLS}) VALUES (%s, nextval('yinghuo_id_seq'), %s, %s, %s, %s, "
                    "%s, %s, %s, 'reserved', %s, NULL, NULL, NULL, NULL, %s) RETURNING id",
                    (tid, shop[1], member_id, payer[1], member_id, key, code, points, now + timedelta(hours=48), now))
        order_id = cur.fetchone()[0]
        cur.execute("RELEASE SAVEPOINT order_row")
        cur.execute("INSERT INTO points_order_lines (tenant_id, id, order_id, good_id, quantity, price) VALUES "
                    "(%s, nextval('yinghuo_id_seq'), %s, %s, %s, %s) RETURNING id",
                    (tid, order_id, good[1], line["quantity"], good[4]))
        cur.execute("UPDATE points_goods SET stock = stock + %s WHERE tenant_id = %s AND id = %s AND stock >= %s",
                    (-line["quantity"], tid, good[1], line["quantity"]))
        if cur.rowcount != 1:
            raise _Refused("out_of_stock")
        cur.execute("INSERT INTO points_stock_moves (tenant_id, id, good_id, change, kind, source, source_id, note, "
                    "created_by, created_at) VALUES (%s, nextval('yinghuo_id_seq'), %s, %s, 'redeem', 'order', %s, '', "
                    "%s, %s) RETURNING id", (tid, good[1], -line["quantity"], f"{order_id}:{good[1]}", member_id, now))
        _audit(cur, tid, account, "points.order.place", "points_order", order_id,
               {"points": points, "member_id": member_id})
        cur.execute(APPEND, {"t": tid, "debit_key": payer[2], "credit_key": redemption[2], "amount": points,
                             "kind": "redeem",
                             "source": "order", "source_id": str(order_id), "rev": None, "reverses": "",
                             "micros": (now - _EPOCH) // timedelta(microseconds=1), "note": shop[3],
                             "by": member_id, "at": now, "floor": 0, "debit_cached": True, "credit_cached": False})
        entry_id, _, _, _, _, _, debited = cur.fetchone()
        if not debited:
            raise _Refused("insufficient_points")
        cur.execute("UPDATE points_orders SET entry_id = %s WHERE tenant_id = %s AND id = %s", (entry_id, tid, order_id))
    with conn().transaction(), conn().cursor() as cur:
        cur.execute(f"SET LOCAL ROLE yinghuo_app; SET LOCAL app.tenant_ids = '{int(tid)}'; "
                    "SET LOCAL app.operator = 'off'")
        cur.execute("SELECT tenant_id, id, order_id, good_id, quantity, price FROM points_order_lines "
                    "WHERE order_id = %s AND tenant_id = %s ORDER BY id", (order_id, tid))
        lines = [{"good_id": r[3], "quantity": r[4], "price": r[5]} for r in cur.fetchall()]
    return json_response({"id": order_id, "shop_id": shop[1], "member_id": member_id, "code": code, "points": points,
                          "status": "reserved", "expires_at": (now + timedelta(hours=48)).isoformat(),
                          "lines": lines}, 201)


@app.post("/t/<slug>/bare/votes/<int:entry_id>")
def bare_vote(slug, entry_id):
    """A public vote counted in PostgreSQL alone: the same sign-in lookups, then one UPDATE of
    the entry's tally row."""
    c = conn()
    with c.transaction(), c.cursor() as cur:
        identify(cur, slug)
        cur.execute("UPDATE bench_vote_tally SET votes = votes + 1 WHERE entry_id = %s RETURNING votes", (entry_id,))
        votes = cur.fetchone()[0]
    return json_response({"entry_id": entry_id, "votes": votes}, 201)


class _Refused(Exception):
    """A refusal inside the transaction: it rolls back and answers 409, as Yinghuo's does."""


@app.errorhandler(_Refused)
def _refused(exc):
    return json_response({"error": {"code": str(exc)}}, 409)
