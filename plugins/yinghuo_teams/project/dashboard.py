"""The figures such projects report, and on-time submission of weekly summaries per squad
and per week (a summary is on time when submitted before its deadline)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from yinghuo.api import activity_count, db

from ..reports import deadlines
from ..reports.models import Report
from ..settings import settings
from ..squads.models import Pairing, Squad, SquadMember
from .models import MediaWork

DONE = deadlines.DONE


def counts() -> dict:
    by_kind = dict(db.session.execute(select(Report.kind, func.count()).where(Report.status.in_(DONE))
                                      .group_by(Report.kind)).all())
    conf = settings()
    return {
        "weekly": by_kind.get("weekly", 0), "monthly": by_kind.get("monthly", 0), "case": by_kind.get("case", 0),
        "media": db.session.scalar(select(func.count()).select_from(MediaWork)),
        "villages": db.session.scalar(select(func.count(func.distinct(Pairing.village_id)))),
        "squads": db.session.scalar(select(func.count()).select_from(Squad)),
        "students": db.session.scalar(select(func.count()).select_from(SquadMember)),
        "trainings": activity_count(category=conf["training_category"]),
    }


def on_time(weeks: int = 8, now: datetime | None = None) -> dict:
    """For the last ``weeks`` weeks whose deadline has passed: per squad and per week, how
    many weekly summaries were submitted by the deadline, out of how many were due (a squad
    owes the weeks that begin after it was formed)."""
    now = now or datetime.now(timezone.utc)
    period = deadlines.period_of("weekly", now)
    if now < deadlines.deadline("weekly", period):
        period = deadlines.previous_period("weekly", period)
    periods = [period - timedelta(days=7 * i) for i in range(weeks)][::-1]
    squads = list(db.session.scalars(select(Squad).order_by(Squad.name)))
    submitted = {(r.squad_id, r.period_start): r.submitted_at for r in db.session.scalars(
        select(Report).where(Report.kind == "weekly", Report.period_start.in_(periods),
                             Report.submitted_at.is_not(None)))}
    per_squad = {s.id: [0, 0] for s in squads}
    per_week = {p: [0, 0] for p in periods}
    tz = deadlines.tz()
    for squad in squads:
        formed = squad.created_at.astimezone(tz).date()  # timestamps are read back zone-aware
        for p in periods:
            if p + timedelta(days=6) < formed:
                continue
            due = deadlines.deadline("weekly", p)
            at = submitted.get((squad.id, p))
            hit = int(at is not None and at <= due)
            per_squad[squad.id][0] += hit
            per_squad[squad.id][1] += 1
            per_week[p][0] += hit
            per_week[p][1] += 1

    def rate(pair):
        return round(pair[0] * 100 / pair[1]) if pair[1] else None
    return {"squads": [{"squad_id": s.id, "squad": s.name, "on_time": per_squad[s.id][0], "due": per_squad[s.id][1],
                        "rate": rate(per_squad[s.id])} for s in squads],
            "weeks": [{"period_start": p, "on_time": per_week[p][0], "due": per_week[p][1],
                       "rate": rate(per_week[p])} for p in periods]}
