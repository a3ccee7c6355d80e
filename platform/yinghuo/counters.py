"""Shared counters in Redis for plugins: tallies that many requests move at once (a vote
count), moved after the transaction that recorded the fact commits, read fast, and rebuilt
from the database, which keeps the facts. Without Redis (or with it down) nothing is
counted there and readers count in the database instead.

A rebuild must neither lose nor double a move that races it: a fact committed after the
rebuild counted (its move may reach Redis before the rebuilt counter is written, which would
overwrite it) nor one committed before (its move may reach Redis after, and count it twice).
On PostgreSQL each move carries its transaction's id and is also appended to a short log
beside the counter; a rebuild counts in the same statement as it reads PostgreSQL's snapshot,
and writes the counts with that snapshot. A move whose transaction the snapshot saw is in the
counts and is skipped; any other, whether already in the log or still to come, is applied on
top. Both run as Redis scripts, so each is atomic against the others."""
from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import Text, cast, event, func, literal_column, select

from .db.context import current_tenant_id
from .extensions import db

log = logging.getLogger(__name__)

#: the moves kept beside a counter for the rebuilds racing them (the newest; an hour at most):
#: a rebuild whose count and writing are further apart than that can still miss moves
LOG_LENGTH, LOG_SECONDS = 20_000, 3600


def _key(name: str, tenant_id: int | None = None) -> str:
    return f"yh:t{tenant_id or current_tenant_id()}:{name}"


def _redis():
    from .jobs import redis_connection
    return redis_connection() if has_app_context() and current_app.config.get("REDIS_URL") else None


#: the session's keys: this transaction's moves, and its id
_PENDING, _XID = "yinghuo_counters", "yinghuo_counters_xid"

#: a column for a statement's RETURNING that gives :func:`add_after_commit` its ``xid`` (and
#: saves it the round trip of asking)
TRANSACTION_ID = "pg_current_xact_id()::text"


def add_after_commit(name: str, field, by: int = 1, xid: str | None = None) -> None:
    """``field`` of the tenant's counter ``name`` moves by ``by`` once this transaction commits.
    ``xid``: the transaction's id if a statement already returned it (``TRANSACTION_ID``)."""
    session = db.session()
    xid = str(xid or session.info.get(_XID) or _transaction_id(session))
    session.info[_XID] = xid
    session.info.setdefault(_PENDING, []).append((_key(name), str(field), int(by), xid))


def _transaction_id(session) -> str:
    """The transaction's id (PostgreSQL; '' elsewhere, where a rebuild has no snapshot)."""
    if session.get_bind().dialect.name != "postgresql":
        return ""
    return session.execute(select(literal_column(TRANSACTION_ID))).scalar()


#: set by :func:`rebuild`: a counter is trusted once it has been built from the database
BUILT = "_built"


def read(name: str, fields) -> dict | None:
    """{field: count} of the tenant's counter ``name``; None when Redis is not there to ask
    or the counter was never built (Redis restarted, or new): count in the database then,
    and :func:`rebuild` it."""
    conn = _redis()
    if conn is None:
        return None
    fields = [str(f) for f in fields]
    try:
        values = conn.hmget(_key(name), [BUILT, *fields])
    except Exception:
        log.warning("counter %s unreadable; counting in the database", name, exc_info=True)
        return None
    if values[0] is None:
        return None
    return {f: int(v or 0) for f, v in zip(fields, values[1:])}


def rebuild(name: str, query) -> dict:
    """Count ``query`` (a select of two columns: the field and its count) in the database
    and set the tenant's counter ``name`` to the result, which it returns. On PostgreSQL the
    count and its snapshot come from one statement (see the module's docstring)."""
    session = db.session()
    if session.get_bind().dialect.name == "postgresql":   # one row, also when nothing is counted
        field, number = list(query.subquery("counted").c)[:2]
        snapshot, fields, numbers = session.execute(select(
            cast(func.pg_current_snapshot(), Text), func.array_agg(field), func.array_agg(number))).one()
        counts = dict(zip(fields or [], map(int, numbers or [])))
    else:
        snapshot, counts = "", {row[0]: int(row[1]) for row in session.execute(query).all()}
    _write(_key(name), counts, snapshot)
    return counts


_VISIBLE = """
local function visible(xid, snap)
  if not snap or xid == '' then return false end
  local xmin, xmax, xip = string.match(snap, '^(%d+):(%d+):(.*)$')
  local x = tonumber(xid)
  if x < tonumber(xmin) then return true end
  if x >= tonumber(xmax) then return false end
  for running in string.gmatch(xip, '%d+') do
    if tonumber(running) == x then return false end
  end
  return true
end
"""

#: KEYS: counter, log, snapshot; ARGV: xid ('' without one), field, by, log length, log seconds
_MOVE = _VISIBLE + """
if ARGV[1] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[1] .. ' ' .. ARGV[3] .. ' ' .. ARGV[2])
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[5]))
end
if redis.call('HEXISTS', KEYS[1], '_built') == 0 then return 0 end
if visible(ARGV[1], redis.call('GET', KEYS[3])) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[2], ARGV[3])
return 1
"""

#: KEYS: counter, log, snapshot; ARGV: the snapshot ('' without one), then field, count pairs
_REPLACE = _VISIBLE + """
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '_built', 1)
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[1] == '' then
  redis.call('DEL', KEYS[3])
  return 0
end
redis.call('SET', KEYS[3], ARGV[1])
local applied = 0
for _, move in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
  local xid, by, field = string.match(move, '^(%d+) (-?%d+) (.*)$')
  if xid and not visible(xid, ARGV[1]) then
    redis.call('HINCRBY', KEYS[1], field, by)
    applied = applied + 1
  end
end
return applied
"""


def _keys(key: str) -> list[str]:
    return [key, f"{key}:moves", f"{key}:snapshot"]


def _write(key: str, counts: dict, snapshot: str) -> None:
    conn = _redis()
    if conn is None:
        return
    args = [snapshot]
    for field, count in counts.items():
        args += [str(field), int(count)]
    try:
        conn.register_script(_REPLACE)(keys=_keys(key), args=args)
    except Exception:
        log.warning("counter %s not rebuilt", key, exc_info=True)


def _move(pending: list) -> None:
    conn = _redis()
    if conn is None:
        return
    try:   # one script call a move (a pipeline would ask Redis whether the script is loaded first)
        script = conn.register_script(_MOVE)
        for key, field, by, xid in pending:
            script(keys=_keys(key), args=[xid, field, by, LOG_LENGTH, LOG_SECONDS])
    except Exception:  # the facts are committed: a rebuild brings the counter back in line
        log.warning("counters not moved after commit; rebuild them from the database", exc_info=True)


def moves(name: str, tenant_id: int) -> list[tuple[str, str, int]]:
    """(transaction id, field, by) of the moves kept beside the tenant's counter ``name`` for
    the rebuilds racing them, oldest first (what a test checks a plugin's moves carry)."""
    conn = _redis()
    if conn is None:
        return []
    kept = [m.decode().split(" ", 2) for m in conn.lrange(_keys(_key(name, tenant_id))[1], 0, -1)]
    return [(xid, field, int(by)) for xid, by, field in kept]


def _after_commit(session):
    session.info.pop(_XID, None)
    pending = session.info.pop(_PENDING, None)
    if pending and has_app_context():
        _move(pending)


def _after_rollback(session, previous_transaction):
    session.info.pop(_XID, None)
    session.info.pop(_PENDING, None)


def install(session_cls) -> None:
    if event.contains(session_cls, "after_commit", _after_commit):
        return
    event.listen(session_cls, "after_commit", _after_commit)
    event.listen(session_cls, "after_soft_rollback", _after_rollback)
