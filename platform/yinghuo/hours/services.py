"""Service-hour rules: records from attendance or entered by hand, approval (the
``yinghuo_hours_approved`` event fires once per record), corrections with history,
totals, star levels and rankings."""
from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import and_, func, or_, select

from .. import audit
from ..db.base import utcnow
from ..db.context import current_tenant_id
from ..db.guarded import change_if
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..gate import allowed
from ..inputs import YEARS
from ..extensions import db
from ..notifications.services import notify
from ..people.models import Member
from ..times import local_today
from ..units.models import Unit
from ..units.services import admin_roots, units_under
from .models import HourRecord
from .rounding import hours, hours_text

#: default star thresholds in hours (1★ … 5★); tenants override settings.star_thresholds
STAR_THRESHOLDS = [100, 300, 600, 1000, 1500]


def _hooks(tenant):
    return current_app.extensions["yinghuo"].host.hooks_for(tenant)


def get_record(record_id: int, viewer=None) -> HourRecord:
    """A record; with ``viewer``, only one within their reach (see :func:`reach`)."""
    stmt = select(HourRecord).where(HourRecord.id == record_id)
    limit = reach(viewer) if viewer is not None else None
    record = db.session.scalar(stmt if limit is None else stmt.where(limit))
    if record is None:
        raise NotFound("no such hour record")
    return record


def reach(viewer):
    """Which records an approver may see: all for tenant admins; for unit admins, those of
    members in their units' subtrees. Returns a WHERE clause, or None for no limit."""
    roots = admin_roots(viewer)
    if roots is None:
        return None
    return HourRecord.member_id.in_(select(Member.id).where(Member.unit_id.in_(units_under(roots))))


def get_correctable(record_id: int, viewer) -> HourRecord:
    """A record ``viewer`` may correct: approvers, any within their reach; those who only
    enter hours (leaders), a pending one, never one already decided."""
    if allowed(viewer, "hours.approve"):
        return get_record(record_id, viewer=viewer)
    record = get_record(record_id)
    if record.status != "pending":
        raise Forbidden("Only an approver may correct a record that has been decided", code="decided")
    return record


def members_with_records(activity_id: int) -> set[int]:
    """Who already has a record (not voided) for this activity."""
    return set(db.session.scalars(select(HourRecord.member_id).where(
        HourRecord.activity_id == activity_id, HourRecord.status != "voided")))


def add_record(**fields) -> HourRecord:
    """A pending record (from attendance, a hand entry or a correction), audited; flagged when
    entered by hand, and (by the kernel's ``yinghuo_hours_recorded``) when it is for an
    activity and above the time its person was there."""
    record = HourRecord(tenant_id=current_tenant_id(), status="pending", **fields)
    record.flag = "manual" if record.evidence == "manual" else None
    db.session.add(record)
    db.session.flush()
    from ..tenancy.context import current_tenant
    tenant = current_tenant()
    _hooks(tenant).yinghuo_hours_recorded(tenant=tenant, record=record)   # the kernel's flags it if over
    audit.record("hours.create", "hour_record", record.id, after=record_view(record))
    return record


def enter_manually(*, member_id: int, minutes: int, served_on: date, content: str, note: str,
                   place: str = "", by) -> HourRecord:
    """Offline service a leader enters by hand: a note is required, and it shows as manual."""
    fields = {}
    if db.session.get(Member, (current_tenant_id(), member_id)) is None:
        fields["member_id"] = ["no such member"]
    if not (note or "").strip():
        fields["note"] = ["say what was done and who saw it"]
    if not 1 <= minutes <= 24 * 60:
        fields["minutes"] = ["between 1 and 1440"]
    if served_on > local_today():
        fields["served_on"] = ["cannot be in the future"]
    if fields:
        raise Invalid("Hour record is invalid", fields=fields)
    return add_record(member_id=member_id, activity_id=None, minutes=minutes, served_on=served_on,
                content=content, place=place, evidence="manual", note=note.strip(), entered_by=by.id)


def approve(tenant, record: HourRecord, *, by) -> bool:
    """Approve a pending record. The state change is one conditional UPDATE, so approving
    twice (even at once) changes it once and fires ``yinghuo_hours_approved`` once."""
    if record.status in ("rejected", "voided"):
        raise Conflict("a %(status)s record cannot be approved", code="bad_transition",
                       params={"status": record.status})
    changed = change_if(record, status="pending",
                        values={"status": "approved", "decided_by": by.id, "decided_at": utcnow()})
    if changed:
        audit.record("hours.approve", "hour_record", record.id, before={"status": "pending"},
                     after={"status": "approved"})
        notify(record.member_id, "hours_approved", link="/me/hours", hours=hours_text(record.minutes),
               content=record.content)
        # last: a plugin may take a lock here (the points ledger's) that it holds until commit
        _hooks(tenant).yinghuo_hours_approved(tenant=tenant, record=record)
    return changed


def reject(record: HourRecord, *, reason: str, by) -> HourRecord:
    _close(record, "rejected", reason, by, allowed={"pending"})
    notify(record.member_id, "hours_rejected", link="/me/hours", hours=hours_text(record.minutes),
           content=record.content, reason=record.reason)
    return record


def void(record: HourRecord, *, reason: str, by) -> HourRecord:
    """Records are never deleted: a void keeps the row and says why. Voiding an approved
    record fires ``yinghuo_hours_voided`` (once: the change is conditional)."""
    was = record.status
    _close(record, "voided", reason, by, allowed={"pending", "approved", "rejected"})
    if was == "approved":
        from ..tenancy.context import current_tenant
        tenant = current_tenant()
        _hooks(tenant).yinghuo_hours_voided(tenant=tenant, record=record)
    return record


def _close(record: HourRecord, status: str, reason: str, by, *, allowed: set[str]) -> HourRecord:
    if not (reason or "").strip():
        raise Invalid("A reason is required", fields={"reason": ["required"]})
    if record.status not in allowed:
        raise Conflict("a %(status)s record cannot be %(change)s", code="bad_transition",
                       params={"status": record.status, "change": status})
    before = record.status
    # conditional on the state we saw: a decision taken meanwhile (an approval) is not overwritten
    if not change_if(record, status=before, values={"status": status, "reason": reason.strip(),
                                                     "decided_by": by.id, "decided_at": utcnow()}):
        raise Conflict("the record was %(status)s meanwhile", code="bad_transition", params={"status": record.status})
    audit.record(f"hours.{status}", "hour_record", record.id, before={"status": before},
                 after={"status": status}, reason=reason.strip())
    return record


def correct(record: HourRecord, *, minutes: int, reason: str, by) -> HourRecord:
    """Replace a record's minutes: the old one is voided, a new pending one points at it."""
    if not 1 <= minutes <= 24 * 60:
        raise Invalid("Hour record is invalid", fields={"minutes": ["between 1 and 1440"]})
    void(record, reason=f"corrected: {reason}", by=by)
    return add_record(member_id=record.member_id, activity_id=record.activity_id, minutes=minutes,
                served_on=record.served_on, content=record.content, place=record.place, evidence="correction",
                note=reason.strip(), supersedes_id=record.id, entered_by=by.id)


def star_level(hours: float, thresholds: list[int] | None = None) -> int:
    return sum(hours >= t for t in (thresholds or STAR_THRESHOLDS))


def totals(tenant, member_id: int) -> dict:
    rows = dict(db.session.execute(select(HourRecord.status, func.coalesce(func.sum(HourRecord.minutes), 0))
                                   .where(HourRecord.member_id == member_id,
                                          HourRecord.status.in_(("approved", "pending")))
                                   .group_by(HourRecord.status)).all())
    approved = rows.get("approved", 0) / 60
    thresholds = tenant.setting("star_thresholds") or STAR_THRESHOLDS
    stars = star_level(approved, thresholds)
    following = thresholds[stars] if stars < len(thresholds) else None
    previous = thresholds[stars - 1] if stars else 0
    return {"approved_hours": hours(rows.get("approved", 0)), "pending_hours": hours(rows.get("pending", 0)),
            "stars": stars, "next_star_at": following, "star_count": len(thresholds),
            "to_next_star": hours(max(0, following * 60 - rows.get("approved", 0))) if following else None,
            "star_progress": round(100 * (approved - previous) / (following - previous)) if following else 100}


def period_bounds(period: str) -> tuple[date, date]:
    """``2026-11`` (a month) or ``2026-Q4`` (a quarter) -> [first day, first day after)."""
    try:
        year, part = period.split("-")
        year = int(year)
        if part.upper().startswith("Q"):
            q = int(part[1:])
            assert 1 <= q <= 4
            first, months = 3 * (q - 1) + 1, 3
        else:
            first, months = int(part), 1
            assert 1 <= first <= 12
        assert YEARS[0] <= year <= YEARS[1]
    except (ValueError, AssertionError):
        raise Invalid("period is YYYY-MM or YYYY-Qn", fields={"period": ["YYYY-MM or YYYY-Qn"]})
    end_month = first + months
    return date(year, first, 1), date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)


def ranking(period: str, unit_id: int | None = None, limit: int = 50) -> list[dict]:
    """Approved hours per member in a month or quarter, optionally within a unit's subtree:
    the top of the kept totals (``hour_totals``: the period's rows in the order of an index,
    whatever the tenant's size), from the read replica when one is set."""
    from ..db.replica import reads
    from .models import HourTotal
    start, end = period_bounds(period)
    months = (end.year - start.year) * 12 + end.month - start.month
    key = f"{start.year:04d}-{start.month:02d}" if months == 1 else f"{start.year:04d}-Q{(start.month + 2) // 3}"
    top = (select(HourTotal.member_id, HourTotal.minutes)
           .where(HourTotal.period == key, HourTotal.minutes > 0)
           .order_by(HourTotal.minutes.desc(), HourTotal.member_id).limit(limit))
    if unit_id is not None:
        unit = db.session.get(Unit, (current_tenant_id(), unit_id))
        if unit is None:
            raise NotFound("no such unit")
        top = top.join(Member, Member.id == HourTotal.member_id).join(Unit, Unit.id == Member.unit_id) \
            .where(Unit.path.startswith(unit.path, autoescape=True))
    from ..db.plans import custom_plans
    with reads():
        custom_plans()
        rows = db.session.execute(top).all()
        names = dict(db.session.execute(select(Member.id, Member.name).where(
            Member.id.in_([member_id for member_id, _ in rows]))).all()) if rows else {}
    return [{"rank": i + 1, "member_id": mid, "name": names.get(mid, ""), "hours": hours(minutes)}
            for i, (mid, minutes) in enumerate(rows)]


def anomalies(viewer=None, limit: int = 200) -> list[HourRecord]:
    """Hours that deserve a second look, largest first, by their kept ``flag``: entered by hand
    (not voided), and pending hours above the time the person was checked in at the activity
    (or with no check-in at all: an early finish, a correction, a typo)."""
    stmt = select(HourRecord).where(HourRecord.flag.is_not(None), or_(
        and_(HourRecord.flag == "manual", HourRecord.status != "voided"),
        and_(HourRecord.flag == "over", HourRecord.status == "pending")))
    limit_clause = reach(viewer) if viewer is not None else None
    if limit_clause is not None:
        stmt = stmt.where(limit_clause)
    return list(db.session.scalars(stmt.order_by(HourRecord.minutes.desc(), HourRecord.id).limit(limit)))


def record_view(record: HourRecord) -> dict:
    return {k: getattr(record, k) for k in ("id", "member_id", "activity_id", "served_on", "minutes", "content",
                                             "place", "evidence", "note", "status", "reason", "supersedes_id")}
