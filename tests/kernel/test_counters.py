"""Shared counters (Redis) rebuilt from the database while facts are being committed: a
move racing the rebuild is neither lost nor counted twice (PostgreSQL: the moves carry
their transaction's id, the rebuild the snapshot of its count)."""
import threading

import pytest
from sqlalchemy import func, select

from yinghuo import counters
from yinghuo.db.context import tenant_scope
from yinghuo.extensions import db
from yinghuo.units.models import Unit

NAME = "units-by-type"


@pytest.fixture
def alpha(app, make_tenant, redis):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("transaction ids and snapshots are PostgreSQL's")
    from yinghuo.tenancy.services import get_tenant
    make_tenant("alpha", admin="admin@alpha.test")
    with app.app_context():
        return get_tenant("alpha").id


def _add_village(app, tenant):
    """A fact and its move, committed."""
    with app.app_context(), tenant_scope(tenant):
        db.session.add(Unit(name="村", type="village", path="/"))
        counters.add_after_commit(NAME, "village", 1)
        db.session.commit()


def _rebuild(app, tenant):
    with app.app_context(), tenant_scope(tenant):
        counts = counters.rebuild(NAME, select(Unit.type, func.count()).group_by(Unit.type))
        db.session.commit()
        return counts


def _read(app, tenant):
    with app.app_context(), tenant_scope(tenant):
        return counters.read(NAME, ["village"])


@pytest.mark.parametrize("built", [True, False], ids=["rebuilt", "first built"])
def test_a_fact_committed_between_the_count_and_its_writing_is_not_lost(app, alpha, monkeypatch, built):
    """The rebuild counted before the fact committed; the fact's move reached Redis before
    the rebuild wrote its counts, which used to overwrite it."""
    _add_village(app, alpha)
    if built:
        _rebuild(app, alpha)
    assert _read(app, alpha) == ({"village": 1} if built else None)
    write = counters._write

    def racing(*args):
        monkeypatch.setattr(counters, "_write", write)
        other = threading.Thread(target=_add_village, args=(app, alpha))
        other.start()
        other.join()
        return write(*args)
    monkeypatch.setattr(counters, "_write", racing)
    assert _rebuild(app, alpha) == {"village": 1}          # what its snapshot saw
    assert _read(app, alpha) == {"village": 2}             # and the move that raced it
    assert _rebuild(app, alpha) == {"village": 2} and _read(app, alpha) == {"village": 2}


def test_a_fact_counted_by_a_rebuild_before_its_move_arrived_counts_once(app, alpha, monkeypatch):
    """The fact committed, the rebuild counted it, then the fact's move reached Redis (which
    used to add it a second time)."""
    _add_village(app, alpha)
    _rebuild(app, alpha)
    move, reached, go = counters._move, threading.Event(), threading.Event()

    def late(pending):
        reached.set()
        assert go.wait(20)
        move(pending)
    monkeypatch.setattr(counters, "_move", late)
    other = threading.Thread(target=_add_village, args=(app, alpha))
    other.start()
    try:
        assert reached.wait(20)                             # committed, its move not yet made
        assert _rebuild(app, alpha) == {"village": 2}
    finally:
        go.set()
        other.join()
    assert _read(app, alpha) == {"village": 2}
    _add_village(app, alpha)                                # moves after the rebuild count as ever
    assert _read(app, alpha) == {"village": 3}
