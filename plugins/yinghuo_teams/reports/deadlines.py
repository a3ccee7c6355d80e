"""Periods and deadlines in the tenant's time zone (Asia/Shanghai by default), the overdue
list, and the reminder job that sends once per squad and period however often it runs."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from yinghuo.api import current_tenant, db, members_in_unit_named, notify

from ..settings import settings
from ..squads.models import Squad
from .models import Reminder, Report
from .services import KIND_NAMES

DONE = ("submitted", "resubmitted", "accepted")


def tz() -> ZoneInfo:
    return ZoneInfo(current_tenant().setting("timezone", "Asia/Shanghai"))


def period_of(kind: str, moment: datetime) -> date:
    """The period (its first day) that ``moment`` falls in, in the tenant's time zone."""
    local = moment.astimezone(tz()).date()
    return local - timedelta(days=local.weekday()) if kind == "weekly" else local.replace(day=1)


def period_end(kind: str, start: date) -> date:
    """The last day of a report's period: a week's Sunday, a month's last day, a case's own day."""
    if kind == "weekly":
        return start + timedelta(days=6)
    if kind == "monthly":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return start


def deadline(kind: str, period_start: date) -> datetime:
    """Weekly: the period's Sunday at the set time; monthly: its last day at that time."""
    hour, minute = (int(x) for x in settings().get("deadline_time", "22:00").split(":"))
    return datetime.combine(period_end(kind, period_start), time(hour, minute), tzinfo=tz())


def due_now(squad_id: int, now: datetime) -> list[dict]:
    """The squad's weekly summary and monthly brief for the current periods: the period,
    its deadline and the report if one was started."""
    rows = []
    for kind in ("weekly", "monthly"):
        period = period_of(kind, now)
        report = db.session.scalar(select(Report).where(Report.squad_id == squad_id, Report.kind == kind,
                                                        Report.period_start == period))
        rows.append({"kind": kind, "period": period, "deadline": deadline(kind, period), "report": report})
    return rows


def previous_period(kind: str, period_start: date) -> date:
    return period_start - timedelta(days=7) if kind == "weekly" else (period_start - timedelta(days=1)).replace(day=1)


def filed(squad_id: int, kind: str, period_start: date) -> bool:
    return db.session.scalar(select(Report.id).where(Report.squad_id == squad_id, Report.kind == kind,
                                                     Report.period_start == period_start,
                                                     Report.status.in_(DONE))) is not None


def overdue(kind: str, now: datetime) -> list[dict]:
    """Squads that have not filed the last period whose deadline has passed."""
    period = period_of(kind, now)
    if now < deadline(kind, period):
        period = previous_period(kind, period)
    due = deadline(kind, period)
    return [{"squad_id": s.id, "squad": s.name, "period_start": period, "deadline": due}
            for s in db.session.scalars(select(Squad).order_by(Squad.name)) if not filed(s.id, kind, period)]


def remind(tenant_id: int, now: str | None = None) -> int:
    """Job: remind squad leaders in the last 24 hours before the deadline, and the archive
    group of overdue squads. Each (squad, kind, period, audience) is sent once."""
    moment = datetime.fromisoformat(now) if now else datetime.now(tz())
    sent = 0
    for kind in ("weekly", "monthly"):
        period = period_of(kind, moment)
        due = deadline(kind, period)
        if due - timedelta(hours=24) <= moment < due:
            for squad in db.session.scalars(select(Squad).where(Squad.leader_id.is_not(None))):
                if not filed(squad.id, kind, period) and _first_time(squad.id, kind, period, "leader"):
                    notify(squad.leader_id, "teams_due", title="报告即将截止",
                           body=f"{squad.name}：{KIND_NAMES[kind]}将于 {due:%m-%d %H:%M} 截止，请及时提交。")
                    sent += 1
        for row in overdue(kind, moment):
            if _first_time(row["squad_id"], kind, row["period_start"], "archive"):
                for member_id in archive_members():
                    notify(member_id, "teams_overdue", title="小队报告逾期",
                           body=f"{row['squad']} 未按时提交 {row['period_start']} 的{KIND_NAMES[kind]}。")
                sent += 1
    return sent


def _first_time(squad_id: int, kind: str, period: date, audience: str) -> bool:
    """Record the reminder; False if it was already sent (the unique key decides)."""
    try:
        with db.session.begin_nested():
            db.session.add(Reminder(squad_id=squad_id, kind=kind, period_start=period, audience=audience))
        return True
    except IntegrityError:
        return False


def archive_members() -> list[int]:
    return members_in_unit_named(settings().get("archive_group", "档案组"))
