"""Figures for the tenant's home page: the member's squad this week, and the review queue."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from yinghuo.api import Widget, db

from . import deadlines, reports, services
from .models import Report


def for_member(member) -> list[Widget]:
    if member is None:
        return []
    items = []
    squad = services.squad_of(member)
    if squad is not None:
        period = deadlines.period_of("weekly", datetime.now(timezone.utc))
        status = db.session.scalar(select(Report.status).where(Report.squad_id == squad.id, Report.kind == "weekly",
                                                               Report.period_start == period))
        items.append(Widget("This week's summary", status or "not started", detail=squad.name))
    if reports.is_reviewer(member):
        waiting = db.session.scalar(select(func.count()).select_from(Report)
                                    .where(Report.status.in_(("submitted", "resubmitted"))))
        items.append(Widget("Reports to review", waiting))
    return items
