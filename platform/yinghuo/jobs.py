"""Jobs: a small API over RQ with the tenant passed explicitly.

``enqueue("pkg.module.func", tenant_id=…, **kwargs)`` queues a call that runs after the
current transaction commits, with JSON arguments (never pickle). With ``REDIS_URL``
it goes to RQ (retries with back-off, failures kept in RQ's failed registry); without
it, the same call runs inline once the transaction has committed. Job functions take
``tenant_id`` first and must be safe to run twice (effects keyed by unique constraints).
"""
from __future__ import annotations

import hashlib
import importlib
import logging
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import event, select

from .audit import acting_as
from .db.context import tenant_scope
from .extensions import db

log = logging.getLogger(__name__)
QUEUE = "yinghuo"
RETRY_INTERVALS = [10, 60, 300]
_WORKER_APP = {}


_CLIENTS: dict = {}


def redis_connection(url: str | None = None):
    """The Redis client of ``url`` (the app's REDIS_URL by default), one per URL and process:
    its connection pool keeps connections open, so a request does not connect anew each time."""
    import redis
    url = url or current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = _CLIENTS.get(url)
    if client is None:
        client = _CLIENTS[url] = redis.Redis.from_url(url)
    return client


def redis_status() -> str:
    conn = redis_connection()
    if conn is None:
        return "not configured"
    try:
        conn.ping()
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


def queue(connection=None):
    from rq import Queue
    from rq.serializers import JSONSerializer
    return Queue(QUEUE, connection=connection or redis_connection(), serializer=JSONSerializer)


def enqueue(func: str, *, tenant_id: int | None, job_id: str | None = None, **kwargs) -> None:
    """Queue ``func(tenant_id=…, **kwargs)`` to run after the current transaction commits.

    :param func: dotted path of the job function.
    :param tenant_id: the tenant the job works for (None: platform-wide).
    :param job_id: optional id (letters, digits, ``_`` and ``-``); prefixed with the tenant, so
        ``t<tenant>-<job_id>`` is not queued twice (Redis mode).
    """
    _check_json(kwargs)
    session = db.session()
    if not session.in_transaction():
        session.begin()  # the call belongs to this transaction: commit runs it, rollback drops it
    session.info.setdefault("yinghuo_jobs", []).append(
        {"func": func, "tenant_id": tenant_id, "kwargs": kwargs, "job_id": tenant_job_id(tenant_id, job_id)})


def record_progress(row, **values) -> None:
    """Commit a job's progress columns (status, progress …) of a tenant row in a short side
    transaction, so a page can poll them while the job's own transaction runs. On SQLite
    (one writer at a time) only the final state, written by the job itself, shows."""
    if db.engine.dialect.name == "sqlite":
        return
    from sqlalchemy import update
    from sqlalchemy.orm import Session
    model = type(row)
    with Session(db.engine) as side, side.begin():
        side.execute(update(model).where(model.tenant_id == row.tenant_id, model.id == row.id).values(**values))


def tenant_job_id(tenant_id: int | None, job_id: str | None) -> str | None:
    """RQ ids (and so Redis keys) carry the tenant."""
    if job_id is None:
        return None
    return f"t{tenant_id}-{job_id}" if tenant_id is not None else f"platform-{job_id}"


def _check_json(kwargs):
    import json
    try:
        json.dumps(kwargs)
    except TypeError as exc:
        raise TypeError(f"job arguments must be JSON (pass ids, not objects): {exc}") from None


def install(session_cls) -> None:
    """Hand queued calls to RQ (or run them inline) once their transaction commits."""
    if event.contains(session_cls, "after_commit", _after_commit):
        return
    event.listen(session_cls, "after_commit", _after_commit)
    event.listen(session_cls, "after_soft_rollback", _after_rollback)


def _after_rollback(session, previous_transaction):
    session.info.pop("yinghuo_jobs", None)


def _after_commit(session):
    pending = session.info.pop("yinghuo_jobs", None)
    if not pending or not has_app_context():
        return
    conn = redis_connection()
    if conn is None:
        session.info.setdefault("yinghuo_inline", []).extend(pending)
        return
    q = queue(conn)
    for job in pending:
        if job["job_id"] and q.fetch_job(job["job_id"]) is not None:
            continue
        _push(q, job["func"], job["tenant_id"], job["kwargs"], job_id=job["job_id"])


def _push(q, func: str, tenant_id: int | None, kwargs: dict, job_id: str | None = None) -> None:
    """One call into RQ: JSON kwargs, the tenant in meta, retries with back-off, failures kept."""
    from rq import Retry
    q.enqueue("yinghuo.jobs.execute", kwargs={"func": func, "tenant_id": tenant_id, "kwargs": kwargs},
              job_id=job_id, retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
              meta={"tenant_id": tenant_id}, failure_ttl=30 * 24 * 3600)


def run_inline() -> int:
    """Run the calls that committed while Redis is not configured. Returns how many ran."""
    session = db.session()
    ran = 0
    while session.info.get("yinghuo_inline"):
        job = session.info["yinghuo_inline"].pop(0)
        _run(job["func"], job["tenant_id"], job["kwargs"])
        ran += 1
    return ran


def _worker_app():
    """The app a worker process runs jobs in: the one ``yinghuo worker`` built, else a new one."""
    if "app" not in _WORKER_APP:
        from .app import create_app
        _WORKER_APP["app"] = create_app()
    return _WORKER_APP["app"]


def execute(func: str, tenant_id: int | None, kwargs: dict):
    """Worker entry point: run the call for the tenant in the worker's app."""
    with _worker_app().app_context():
        db.engine.dispose(close=False)  # never share pooled connections across a fork
        try:
            return _run(func, tenant_id, kwargs)
        finally:
            db.session.remove()


def _run(func: str, tenant_id: int | None, kwargs: dict):
    module, _, name = func.rpartition(".")
    target = getattr(importlib.import_module(module), name)
    with tenant_scope(tenant_id), acting_as(f"job:{name}"):
        try:
            result = target(tenant_id=tenant_id, **kwargs)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    run_inline()
    return result


# --- periodic jobs -------------------------------------------------------------------

def periodic_jobs(host) -> dict[str, tuple[str, object]]:
    """Every declared periodic job by a stable id (hash of plugin, func and interval)."""
    result = {}
    for plugin, items in host.per_plugin("yinghuo_periodic_jobs"):
        for job in items:
            digest = hashlib.sha1(f"{plugin}:{job.func}:{job.interval_seconds}".encode()).hexdigest()[:12]
            result[f"periodic-{plugin}-{digest}"] = (plugin, job)
    return result


def schedule_periodic(connection=None) -> list[str]:
    """Make sure each periodic job has its next tick scheduled in RQ's scheduler."""
    q = queue(connection)
    waiting = q.scheduled_job_registry.get_job_ids()
    scheduled = []
    for job_id, (_plugin, job) in periodic_jobs(current_app.extensions["yinghuo"].host).items():
        if any(w.startswith(job_id + "-at-") for w in waiting):
            continue
        _schedule_tick(q, job_id, job.interval_seconds)
        scheduled.append(job_id)
    return scheduled


def _schedule_tick(q, job_id: str, seconds: int) -> None:
    """One scheduled tick per slot: the slot's time is in the RQ job id, so no duplicates."""
    import time
    slot = int(time.time()) // seconds * seconds + seconds
    tick_id = f"{job_id}-at-{slot}"
    if q.fetch_job(tick_id) is None:
        q.enqueue_in(timedelta(seconds=max(1, slot - int(time.time()))), "yinghuo.jobs.tick",
                     kwargs={"job_id": job_id}, job_id=tick_id)


def tick(job_id: str):
    """Queue one periodic job for every tenant it applies to, then schedule the next tick."""
    with _worker_app().app_context():
        job, targets = _periodic_targets(job_id)
        db.session.remove()
        q = queue()
        for tid in targets:
            _push(q, job.func, tid, job.kwargs)
        _schedule_tick(q, job_id, job.interval_seconds)
    return len(targets)


def _periodic_targets(job_id: str) -> tuple[object, list[int | None]]:
    """The declared job and the tenants it runs for (None once, for a platform-wide job)."""
    plugin, job = periodic_jobs(current_app.extensions["yinghuo"].host)[job_id]
    return job, (_tenants_for(plugin) if job.per_tenant else [None])


def _tenants_for(plugin: str) -> list[int]:
    """Active tenants where ``plugin`` is enabled (every active tenant for the kernel)."""
    from .tenancy.models import Tenant, TenantPlugin
    stmt = select(Tenant.id).where(Tenant.status == "active").order_by(Tenant.id)
    if plugin != "core":
        stmt = stmt.join(TenantPlugin).where(TenantPlugin.plugin == plugin, TenantPlugin.enabled)
    return list(db.session.scalars(stmt))


def run_periodic_inline(job_id: str) -> list[int | None]:
    """Run one periodic job now, in this process, for each tenant it applies to."""
    job, targets = _periodic_targets(job_id)
    db.session.rollback()
    for tid in targets:
        _run(job.func, tid, job.kwargs)
    return targets


def work(burst: bool = False) -> None:
    """Start an RQ worker with the scheduler (``yinghuo worker``)."""
    from rq import Worker
    conn = redis_connection()
    if conn is None:
        raise RuntimeError("REDIS_URL is not set: jobs run inline, there is nothing for a worker to do")
    _WORKER_APP["app"] = current_app._get_current_object()
    schedule_periodic(conn)
    q = queue(conn)
    Worker([q], connection=conn, serializer=q.serializer).work(with_scheduler=True, burst=burst)
