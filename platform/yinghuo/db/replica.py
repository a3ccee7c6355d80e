"""Reads from a streaming replica (``YINGHUO_READ_DATABASE_URL``) for the read-heavy work.

``with reads():`` makes ``db.session`` a session of its own on the replica for the block: hub
roll-ups, rankings and the rows of an export are read there, seconds behind the primary,
while every other request and every write stays on the primary. The replica's transactions
get the same row-level security settings (role, tenants in scope) as the primary's: the
session events are the same. Inside the block nothing may be written (a standby refuses it);
objects read there are detached afterwards, so a block returns plain values.

Without the setting, or while the replica does not answer (it is then left alone for
``RETRY_SECONDS``), the block reads from the primary: a replica down costs freshness of
nothing and availability of nothing.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ..extensions import db

log = logging.getLogger(__name__)
RETRY_SECONDS = 30
_DOWN_UNTIL: dict[str, float] = {}


def _engine():
    kernel = current_app.extensions["yinghuo"]
    url = kernel.settings.read_database_url
    if not url:
        return None
    engine = getattr(kernel, "read_engine", None)
    if engine is None:
        from . import driver
        from ..app import engine_options
        options = engine_options(url)
        # the replica serves the heavy reads only: plan them with their values (yinghuo.db.plans)
        options["connect_args"] = {**options.get("connect_args", {}), "connect_timeout": 3,
                                   "options": "-c plan_cache_mode=force_custom_plan"}
        engine = create_engine(url, **options)
        driver.install(engine)
        kernel.read_engine = engine
    return engine


@contextmanager
def reads():
    """Read from the replica inside the block (``"replica"`` is yielded), else from the primary
    (``"primary"``)."""
    engine = _engine()
    if engine is None or _DOWN_UNTIL.get(str(engine.url), 0) > time.monotonic():
        yield "primary"
        return
    replica = Session(bind=engine, expire_on_commit=False)
    try:
        replica.connection()  # begins its transaction, with the scope's settings
    except OperationalError as exc:
        replica.close()
        _DOWN_UNTIL[str(engine.url)] = time.monotonic() + RETRY_SECONDS
        log.warning("read replica unreachable, reading from the primary for %s s: %s", RETRY_SECONDS,
                    str(exc.orig).strip().splitlines()[0] if exc.orig else exc)
        yield "primary"
        return
    primary = db.session.registry()
    db.session.registry.set(replica)
    try:
        yield "replica"
    finally:
        db.session.registry.set(primary)
        replica.close()
