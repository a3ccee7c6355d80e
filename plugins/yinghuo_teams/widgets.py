"""Figures for the tenant's home page: the member's squad this week, and the review queue."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select
from yinghuo.api import Widget, db

from .reports import deadlines
from .reports import services as reports
from .reports.models import Report
from .squads import services


def for_member(member) -> list[Widget]:
    if member is None:
        return []
    items = []
    squad = services.squad_of(member)
    if squad is not None:
        weekly = deadlines.due_now(squad.id, datetime.now(timezone.utc))[0]["report"]
        items.append(Widget("This week's summary", weekly.status if weekly else "not started", detail=squad.name))
    if reports.is_reviewer(member):
        waiting = db.session.scalar(select(func.count()).select_from(Report)
                                    .where(Report.status.in_(reports.WAITING)))
        items.append(Widget("Reports to review", waiting))
    return items
