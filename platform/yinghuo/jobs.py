"""Jobs: a small API over RQ with the tenant passed explicitly, never lost.

``enqueue("pkg.module.func", tenant_id=…, **kwargs)`` writes the call into the outbox
(``job_outbox``) in the current transaction, so it exists exactly when the change that
asked for it commits; after the commit it goes to RQ (with ``REDIS_URL``; retries with
back-off, failures kept in RQ's failed registry) or runs inline in this process. A run
holds its outbox row locked and deletes it in the same transaction as its own writes, so a
call whose work committed is never run again, and one that died (a worker killed, Redis
down at enqueue, a job lost from Redis) is found by the sweep (every minute, and at each
worker's start): a row nobody holds, older than a minute, whose RQ job is not waiting, is
pushed again. Job functions take ``tenant_id`` first and arguments as JSON (never pickle),
and must still be safe to run twice (effects keyed by unique constraints): a run killed
between its commit and RQ's own bookkeeping is retried by RQ and finds its row gone.
"""
from __future__ import annotations

import hashlib
import importlib
import logging
from datetime import timedelta

from datetime import datetime

from flask import current_app, has_app_context
from sqlalchemy import JSON, BigInteger, Index, String, delete, event, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from .audit import acting_as
from .db.base import Base, BigIntPK, utcnow
from .db.context import tenant_scope
from .extensions import db

log = logging.getLogger(__name__)
QUEUE = "yinghuo"
RETRY_INTERVALS = [10, 60, 300]
_WORKER_APP = {}
#: an outbox row this old that nobody holds and RQ is not about to run is pushed again
STALE_SECONDS = 60
#: pushes of one call before the sweep leaves it to the operator (logged; RQ's failed registry has why)
MAX_PUSHES = 10


class OutboxJob(Base):
    """A call that its transaction asked for and that has not finished yet (``enqueue``)."""

    __tablename__ = "job_outbox"
    __table_args__ = (Index("ix_job_outbox_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    #: the tenant the call works for (None: platform-wide); row-level security keeps it there
    tenant_id: Mapped[int | None] = mapped_column(BigInteger)
    func: Mapped[str] = mapped_column(String(200))
    kwargs: Mapped[dict] = mapped_column(JSON)
    #: the RQ job id: ``t<tenant>-<job_id>`` when the caller named it, else ``outbox-<id>``
    job_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    pushes: Mapped[int] = mapped_column(default=0)

    @property
    def rq_id(self) -> str:
        return self.job_id or f"outbox-{self.id}"


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
    row = OutboxJob(tenant_id=tenant_id, func=func, kwargs=kwargs, job_id=tenant_job_id(tenant_id, job_id))
    session.add(row)
    session.info.setdefault("yinghuo_jobs", []).append(row)


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
    calls = [_call(row) for row in pending]
    conn = redis_connection()
    if conn is None:
        session.info.setdefault("yinghuo_inline", []).extend(calls)
        return
    try:
        q = queue(conn)
        for call in calls:
            if call["job_id"] and q.fetch_job(call["job_id"]) is not None:
                continue  # the same named job is waiting already
            _push(q, **call)
    except Exception:  # Redis is down: the change stands, its calls wait in the outbox for the sweep
        log.warning("could not queue %d job(s); the outbox keeps them", len(calls), exc_info=True)


def _call(row: OutboxJob) -> dict:
    """What RQ needs of an outbox row (read while the committed row is still at hand)."""
    return {"func": row.func, "tenant_id": row.tenant_id, "kwargs": row.kwargs, "job_id": row.rq_id,
            "outbox_id": row.id}


def _push(q, func: str, tenant_id: int | None, kwargs: dict, job_id: str | None = None,
          outbox_id: int | None = None) -> None:
    """One call into RQ: JSON kwargs, the tenant in meta, retries with back-off, failures kept."""
    from rq import Retry
    q.enqueue("yinghuo.jobs.execute", kwargs={"func": func, "tenant_id": tenant_id, "kwargs": kwargs,
                                              "outbox_id": outbox_id},
              job_id=job_id, retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
              meta={"tenant_id": tenant_id}, failure_ttl=30 * 24 * 3600)


def run_inline() -> int:
    """Run the calls that committed while Redis is not configured. Returns how many ran. One
    that fails is logged and stays in the outbox for the next sweep: the change that asked for
    it has committed, so the request still answers as it should."""
    session = db.session()
    ran = 0
    while session.info.get("yinghuo_inline"):
        call = session.info["yinghuo_inline"].pop(0)
        try:
            _run(call["func"], call["tenant_id"], call["kwargs"], outbox_id=call["outbox_id"])
        except Exception:
            log.exception("job %s failed; the outbox keeps it for the sweep", call["func"])
        ran += 1
    return ran


def _worker_app():
    """The app a worker process runs jobs in: the one ``yinghuo worker`` built, else a new one."""
    if "app" not in _WORKER_APP:
        from .app import create_app
        _WORKER_APP["app"] = create_app()
    return _WORKER_APP["app"]


def execute(func: str, tenant_id: int | None, kwargs: dict, outbox_id: int | None = None):
    """Worker entry point: run the call for the tenant in the worker's app."""
    with _worker_app().app_context():
        db.engine.dispose(close=False)  # never share pooled connections across a fork
        try:
            return _run(func, tenant_id, kwargs, outbox_id=outbox_id)
        finally:
            db.session.remove()


def _run(func: str, tenant_id: int | None, kwargs: dict, outbox_id: int | None = None):
    """Run one call in its tenant's scope. With an outbox row: hold it for the run (a second
    run of the same call meanwhile finds it held and skips), and delete it in the call's own
    transaction (a run after the call committed finds it gone and skips)."""
    module, _, name = func.rpartition(".")
    target = getattr(importlib.import_module(module), name)
    with tenant_scope(tenant_id), acting_as(f"job:{name}"):
        try:
            if outbox_id is not None and not _hold(outbox_id):
                db.session.rollback()
                return "done already, or running elsewhere"
            result = target(tenant_id=tenant_id, **kwargs)
            if outbox_id is not None:
                _done(outbox_id)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    run_inline()
    return result


def _hold(outbox_id: int) -> bool:
    """Lock the call's outbox row for this transaction; False when it is gone or held."""
    held = db.session.scalar(select(OutboxJob.id).where(OutboxJob.id == outbox_id)
                             .with_for_update(skip_locked=True))
    return held is not None


def _done(outbox_id: int) -> None:
    """The call's work commits with this: its row, and any row of the same named job, go."""
    job_id = db.session.scalar(select(OutboxJob.job_id).where(OutboxJob.id == outbox_id))
    same = OutboxJob.id == outbox_id if job_id is None else or_(OutboxJob.id == outbox_id, OutboxJob.job_id == job_id)
    db.session.execute(delete(OutboxJob).where(same).execution_options(synchronize_session=False))


def sweep_outbox(tenant_id: int | None = None, stale_seconds: int = STALE_SECONDS) -> int:
    """Periodic job (platform-wide): push again every call whose run did not finish - its row
    still there, older than ``stale_seconds``, held by no running job, and not waiting in RQ
    (never queued while Redis was down, lost from Redis, failed past RQ's own retries, or
    started by a worker that was killed). Inline mode runs them here. Returns how many."""
    from datetime import timedelta
    with tenant_scope(None, operator=True):
        rows = db.session.scalars(select(OutboxJob).where(
            OutboxJob.created_at < utcnow() - timedelta(seconds=stale_seconds), OutboxJob.pushes < MAX_PUSHES)
            .order_by(OutboxJob.id).limit(500).with_for_update(skip_locked=True)).all()
        conn = redis_connection()
        if conn is None:
            calls = [_call(row) for row in rows]
            db.session.rollback()
            for call in calls:
                session = db.session()
                session.info.setdefault("yinghuo_inline", []).append(call)
            run_inline()
            return len(calls)
        q, pushed = queue(conn), 0
        for row in rows:
            if _waiting(q, row.rq_id):
                continue
            row.pushes += 1
            _push(q, **_call(row))
            pushed += 1
        db.session.commit()
    if pushed:
        log.warning("outbox sweep pushed %d job(s) again", pushed)
    return pushed


def _waiting(q, rq_id: str) -> bool:
    """Is RQ about to run this job (queued, scheduled for a retry, deferred)? A started job
    whose outbox row nobody holds was started by a worker that is gone: not waiting. A job
    that ended (failed, stopped) or that Redis no longer has is not waiting either; its old
    record is removed so the push can reuse the id."""
    job = q.fetch_job(rq_id)
    if job is None:
        return False
    status = job.get_status(refresh=False)
    if status in ("queued", "scheduled", "deferred"):
        return True
    try:
        job.delete()  # and its entries in RQ's registries
    except Exception:  # a killed worker can leave the job without its execution record
        q.connection.delete(job.key)
    return False


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
    sweep_outbox()  # what waited while no worker ran
    q = queue(conn)
    Worker([q], connection=conn, serializer=q.serializer).work(with_scheduler=True, burst=burst)
