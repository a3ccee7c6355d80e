"""Shared counters in Redis for plugins: tallies that many requests move at once (a vote
count), moved after the transaction that recorded the fact commits, read fast, and rebuilt
from the database, which keeps the facts. Without Redis (or with it down) nothing is
counted there and readers count in the database instead."""
from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import event

from .db.context import current_tenant_id
from .extensions import db

log = logging.getLogger(__name__)


def _key(name: str, tenant_id: int | None = None) -> str:
    return f"yh:t{tenant_id or current_tenant_id()}:{name}"


def _redis():
    from .jobs import redis_connection
    return redis_connection() if has_app_context() and current_app.config.get("REDIS_URL") else None


def add_after_commit(name: str, field, by: int = 1) -> None:
    """``field`` of the tenant's counter ``name`` moves by ``by`` once this transaction commits."""
    session = db.session()
    session.info.setdefault("yinghuo_counters", []).append((_key(name), str(field), int(by)))


#: set by :func:`replace`: a counter is trusted once it has been built from the database
BUILT = "_built"


def read(name: str, fields) -> dict | None:
    """{field: count} of the tenant's counter ``name``; None when Redis is not there to ask
    or the counter was never built (Redis restarted, or new): count in the database then,
    and :func:`replace` it."""
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


def replace(name: str, counts: dict) -> bool:
    """Set the tenant's counter ``name`` to ``counts`` (a rebuild from the database)."""
    conn = _redis()
    if conn is None:
        return False
    try:
        pipe = conn.pipeline(transaction=True)
        pipe.delete(_key(name))
        pipe.hset(_key(name), mapping={BUILT: 1, **{str(k): int(v) for k, v in counts.items()}})
        pipe.execute()
    except Exception:
        log.warning("counter %s not rebuilt", name, exc_info=True)
        return False
    return True


def _after_commit(session):
    pending = session.info.pop("yinghuo_counters", None)
    if not pending or not has_app_context():
        return
    conn = _redis()
    if conn is None:
        return
    try:
        pipe = conn.pipeline(transaction=False)
        for key, field, by in pending:
            pipe.hincrby(key, field, by)
        pipe.execute()
    except Exception:  # the facts are committed: a rebuild brings the counter back in line
        log.warning("counters not moved after commit; rebuild them from the database", exc_info=True)


def _after_rollback(session, previous_transaction):
    session.info.pop("yinghuo_counters", None)


def install(session_cls) -> None:
    if event.contains(session_cls, "after_commit", _after_commit):
        return
    event.listen(session_cls, "after_commit", _after_commit)
    event.listen(session_cls, "after_soft_rollback", _after_rollback)
