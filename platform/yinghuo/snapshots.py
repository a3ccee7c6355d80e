"""Figures that grow with a tenant's history, computed by a job and served from its last result.

The dashboard (members, activities and hours by unit) and a child's roll-up figures read every
member of a tenant: tens of milliseconds at 100 000 members, ten times that at a city's million.
``refresh`` (a periodic job, every ten minutes for every tenant) computes them and keeps the result
in ``report_snapshots``; pages show it with the time it was computed. A page that finds none,
or one older than ``STALE`` or of another month, computes it then and keeps it.
"""
from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime, timedelta

from sqlalchemy import JSON, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from .db.base import Base, TenantModel, utcnow
from .db.context import current_tenant_id
from .extensions import db
from .times import CHINA, local_today

#: a snapshot older than this is computed again when a page asks for it
STALE = timedelta(minutes=30)
REFRESH_SECONDS = 600


class ReportSnapshot(TenantModel, Base):
    """The last result of one of the tenant's heavy figures (``dashboard``, ``rollup``)."""

    __tablename__ = "report_snapshots"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(40))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict] = mapped_column(JSON)


def _computers() -> dict:
    from .core_hooks import rollup_figures
    return {"dashboard": dashboard_figures, "rollup": rollup_figures, "children": children_figures}


def children_figures() -> dict:
    """A hub's counts per child tenant (the kernel's and those of the plugins enabled there),
    each child counted now rather than from its own kept figures (which another run of the
    job may not have reached yet): a hub of ten children asked each of them on every request
    (25 ms); now every ten minutes."""
    from .tenancy.context import current_tenant
    from .tenancy.services import rollup
    hub = current_tenant()
    if hub is None or hub.kind != "hub":
        return {"children": []}
    token = COUNT_NOW.set(True)
    try:
        return {"children": rollup(hub)}
    finally:
        COUNT_NOW.reset(token)


#: set while a hub's figures are computed: children are counted, not read from their snapshots
COUNT_NOW: ContextVar[bool] = ContextVar("yinghuo_snapshots_count_now", default=False)


def dashboard_figures() -> dict:
    """Members, activities and approved hours this month, by top-level unit, for the chart:
    three grouped reads (members by unit, this month's activities by unit, this month's kept
    hour totals by the member's unit), each subtree summed by path; no statement per unit."""
    from .activities.models import Activity
    from .hours.models import HourTotal
    from .people.models import Member
    from .units.models import Unit
    today = local_today()
    start = today.replace(day=1)
    month_start = datetime(start.year, start.month, 1, tzinfo=CHINA)
    paths = dict(db.session.execute(select(Unit.id, Unit.path)).all())
    units = db.session.scalars(select(Unit).where(Unit.depth <= 1).order_by(Unit.path)).all()
    if sum(u.depth == 0 for u in units) > 1:   # several top units: they are the chart; one: its children too
        units = [u for u in units if u.depth == 0]
    members = dict(db.session.execute(select(Member.unit_id, func.count()).group_by(Member.unit_id)).all())
    activities = dict(db.session.execute(select(Activity.unit_id, func.count()).where(
        Activity.starts_at >= month_start).group_by(Activity.unit_id)).all())
    minutes = dict(db.session.execute(
        select(Member.unit_id, func.sum(HourTotal.minutes)).join(Member, Member.id == HourTotal.member_id)
        .where(HourTotal.period == start.strftime("%Y-%m")).group_by(Member.unit_id)).all())
    shown = {u.id for u in units}

    def by_subtree(counts: dict) -> dict[int, int]:
        """Each count credited to every shown unit on its unit's path (one walk per unit)."""
        found: dict[int, int] = {}
        for unit_id, n in counts.items():
            for part in (paths.get(unit_id) or "").strip("/").split("/"):
                if part and int(part) in shown:
                    found[int(part)] = found.get(int(part), 0) + int(n or 0)
        return found
    m, a, h = by_subtree(members), by_subtree(activities), by_subtree(minutes)
    rows = [{"unit": unit.name, "depth": unit.depth, "members": m.get(unit.id, 0), "activities": a.get(unit.id, 0),
             "minutes": h.get(unit.id, 0)} for unit in units]
    peak = max([r["minutes"] for r in rows] + [1])
    totals = {"members": int(sum(members.values())), "activities": int(sum(activities.values())),
              "minutes": int(sum(n or 0 for n in minutes.values()))}
    return {"rows": rows, "peak": peak, "totals": totals, "month": start.strftime("%Y-%m"),
            # each unit's own members (not its subtree's), for the org tree page
            "members_by_unit": {str(unit_id): int(n) for unit_id, n in members.items() if unit_id is not None}}


def read(name: str) -> ReportSnapshot | None:
    return db.session.scalar(select(ReportSnapshot).where(ReportSnapshot.name == name))


def fresh(name: str) -> ReportSnapshot | None:
    """The tenant's last ``name`` figures if they are not older than ``STALE``, else None."""
    row = read(name)
    return row if row is not None and utcnow() - row.computed_at <= STALE else None


def current(name: str, *, still_valid=lambda data: True) -> tuple[dict, datetime]:
    """The tenant's last ``name`` figures and when they were computed; computed now (and kept)
    when there are none, they are older than ``STALE`` or ``still_valid`` refuses them."""
    row = fresh(name)
    if row is not None and still_valid(row.data):
        return row.data, row.computed_at
    return store(name, _computers()[name]())


def store(name: str, data: dict) -> tuple[dict, datetime]:
    row = read(name)
    now = utcnow()
    if row is None:
        db.session.add(ReportSnapshot(tenant_id=current_tenant_id(), name=name, computed_at=now, data=data))
    else:
        row.data, row.computed_at = data, now
    db.session.flush()
    return data, now


def refresh(tenant_id: int) -> list[str]:
    """Periodic job, in the tenant's scope: compute every snapshot again."""
    from .db.plans import custom_plans
    custom_plans()
    done = []
    from .tenancy.context import current_tenant
    hub = getattr(current_tenant(), "kind", None) == "hub"
    for name, compute in _computers().items():
        if name == "children" and not hub:
            continue
        store(name, compute())
        done.append(name)
    return done
