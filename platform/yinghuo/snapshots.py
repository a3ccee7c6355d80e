"""Figures that grow with a tenant's history, computed by a job and served from its last result.

The dashboard (members, activities and hours by unit) and a child's roll-up figures read every
member of a tenant: tens of milliseconds at 100 000 members, ten times that at a city's million.
``refresh`` (a periodic job, every ten minutes for every tenant) computes them and keeps the result
in ``report_snapshots``; pages show it with the time it was computed. A page that finds none,
or one older than ``STALE`` or of another month, computes it then and keeps it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from .db.base import Base, TenantModel, utcnow
from .db.context import current_tenant_id
from .extensions import db

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
    from .portal.views import dashboard_figures
    return {"dashboard": dashboard_figures, "rollup": rollup_figures}


def read(name: str) -> ReportSnapshot | None:
    return db.session.scalar(select(ReportSnapshot).where(ReportSnapshot.name == name))


def current(name: str, *, still_valid=lambda data: True) -> tuple[dict, datetime]:
    """The tenant's last ``name`` figures and when they were computed; computed now (and kept)
    when there are none, they are older than ``STALE`` or ``still_valid`` refuses them."""
    row = read(name)
    if row is not None and utcnow() - row.computed_at <= STALE and still_valid(row.data):
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
    for name, compute in _computers().items():
        store(name, compute())
        done.append(name)
    return done
