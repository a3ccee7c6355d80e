"""Periodic jobs without Redis: one runner per deployment, each slot run once.

With ``REDIS_URL`` the RQ worker's scheduler ticks the periodic jobs (``yinghuo.jobs``). In the
embedded default there is no worker, so the web processes do it: ``start_runner`` (called by
``yinghuo.gunicorn_conf`` in every gunicorn worker) starts a thread that first takes a file lock
in the instance folder; only the worker holding it runs jobs, the others keep trying it, so
when that worker exits (restarted, killed) another takes over. A job's slot (its interval's
start) is claimed by inserting ``(job_id, slot)`` into ``periodic_runs`` before it runs: across
machines sharing one database, and with ``yinghuo periodic run`` from cron besides, each slot
still runs once.
"""
from __future__ import annotations

import fcntl
import logging
import os
import socket
import threading
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import BigInteger, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .db.base import Base, utcnow
from .db.context import tenant_scope
from .extensions import db

log = logging.getLogger(__name__)
#: runs older than this are forgotten
KEEP = timedelta(days=14)
_RUNNER: dict[str, "Runner"] = {}


class PeriodicRun(Base):
    """One slot of one periodic job: claimed by the runner that inserted it."""

    __tablename__ = "periodic_runs"

    job_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    #: the slot's start, seconds since the epoch (a multiple of the job's interval)
    slot: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    #: host:pid of the process that ran it
    runner: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    tenants: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(500))


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_due(now: datetime | None = None, runner: str | None = None) -> list[str]:
    """Run every periodic job whose current slot nobody has claimed; returns their ids."""
    from .jobs import _periodic_targets, _run, periodic_jobs
    now = now or utcnow()
    runner = runner or runner_name()
    ran = []
    with tenant_scope(None, operator=True):
        for job_id, (_plugin, job) in sorted(periodic_jobs(current_app.extensions["yinghuo"].host).items()):
            slot = int(now.timestamp()) // job.interval_seconds * job.interval_seconds
            if not _claim(job_id, slot, runner):
                continue
            ran.append(job_id)
            _job, targets = _periodic_targets(job_id)
            db.session.rollback()
            failures, error = 0, None
            for tenant_id in targets:
                try:
                    _run(job.func, tenant_id, job.kwargs)
                except Exception as exc:  # one tenant's failure does not stop the others
                    log.exception("periodic job %s failed for tenant %s", job.func, tenant_id)
                    failures, error = failures + 1, f"tenant {tenant_id}: {type(exc).__name__}: {exc}"[:500]
            row = db.session.get(PeriodicRun, (job_id, slot))
            row.finished_at, row.tenants, row.failures, row.error = utcnow(), len(targets), failures, error
            db.session.commit()
        if ran:
            oldest = int((now - KEEP).timestamp())
            db.session.execute(delete(PeriodicRun).where(PeriodicRun.slot < oldest))
            db.session.commit()
    return ran


def _claim(job_id: str, slot: int, runner: str) -> bool:
    db.session.add(PeriodicRun(job_id=job_id, slot=slot, runner=runner))
    try:
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        return False


def last_runs() -> list[dict]:
    """Each declared periodic job with its interval and its latest run (for the CLI and the
    operator's status page)."""
    from .jobs import periodic_jobs
    rows = []
    with tenant_scope(None, operator=True):
        for job_id, (plugin, job) in sorted(periodic_jobs(current_app.extensions["yinghuo"].host).items()):
            last = db.session.scalar(select(PeriodicRun).where(PeriodicRun.job_id == job_id)
                                     .order_by(PeriodicRun.slot.desc()).limit(1))
            rows.append({"id": job_id, "plugin": plugin, "func": job.func, "name": job.name,
                         "interval_seconds": job.interval_seconds, "per_tenant": job.per_tenant,
                         "last": None if last is None else {
                             "started_at": last.started_at, "finished_at": last.finished_at,
                             "runner": last.runner, "tenants": last.tenants, "failures": last.failures,
                             "error": last.error}})
    return rows


class Runner(threading.Thread):
    """The thread that runs periodic jobs in a web process while it holds the lock."""

    def __init__(self, app, lock_path: Path, poll: float = 20.0):
        super().__init__(name="yinghuo-periodic", daemon=True)
        self.app, self.lock_path, self.poll = app, lock_path, poll
        self.stopping = threading.Event()
        self.holding = False
        self._fh = None

    def _try_lock(self) -> bool:
        if self._fh is None:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.lock_path, "a+")
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(runner_name())
        self._fh.flush()
        return True

    def run(self) -> None:
        while not self.stopping.is_set():
            if not self.holding:
                self.holding = self._try_lock()
            if self.holding:
                try:
                    with self.app.app_context():
                        try:
                            run_due()
                        finally:
                            db.session.remove()
                except Exception:  # the database away for a moment: try again next poll
                    log.exception("periodic runner: a round failed")
            self.stopping.wait(self.poll)

    def stop(self) -> None:
        self.stopping.set()
        if self._fh is not None:
            self._fh.close()  # releases the lock


def start_runner(app, poll: float | None = None) -> Runner | None:
    """Start this process's runner, unless Redis is configured (the RQ scheduler ticks then)
    or it runs already."""
    settings = app.extensions["yinghuo"].settings
    if app.config.get("REDIS_URL") or "runner" in _RUNNER:
        return None
    runner = Runner(app, Path(settings.instance_path) / "periodic.lock", poll=poll or settings.periodic_poll)
    _RUNNER["runner"] = runner
    runner.start()
    return runner
