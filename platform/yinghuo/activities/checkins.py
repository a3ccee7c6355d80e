"""On-site check-in and check-out: rotating signed QR tokens, optional geofence, a leader
acting for people without phones, audited corrections, and closing out at the end."""
from __future__ import annotations

import functools
import math
import time
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..db.base import utcnow
from ..db.rows import find_one, insert_row
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..hours import services as hours
from ..times import tenant_zone
from .models import Activity, Attendance, Signup

#: a QR token is accepted this long after it was shown; the leader's page rotates it faster
QR_TTL_SECONDS = 90
QR_ROTATE_SECONDS = 30
#: check-in opens this long before the start
EARLY = timedelta(hours=1)


def _serializer() -> URLSafeTimedSerializer:
    return _serializer_for(current_app.config["SECRET_KEY"])


class _WindowSigner(TimestampSigner):
    """Stamps a token with the start of its :data:`QR_ROTATE_SECONDS` window, so every leader's
    screen in that window shows the same code (and the page draws it once: qr_data_uri keeps
    its last codes); a token is still refused :data:`QR_TTL_SECONDS` after its window began."""

    def get_timestamp(self) -> int:
        now = int(time.time())
        return now - now % QR_ROTATE_SECONDS


@functools.lru_cache(maxsize=4)
def _serializer_for(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="yinghuo-checkin", signer=_WindowSigner)


def qr_token(activity: Activity, kind: str) -> str:
    """A signed token naming tenant, activity and direction; valid for :data:`QR_TTL_SECONDS`."""
    return _serializer().dumps({"t": activity.tenant_id, "a": activity.id, "k": kind})


def _check_token(activity: Activity, kind: str, token: str) -> None:
    try:
        data = _serializer().loads(token or "", max_age=QR_TTL_SECONDS)
    except SignatureExpired:
        raise Invalid("This QR code has expired; scan the current one", code="qr_expired",
                      fields={"token": ["expired"]})
    except BadSignature:
        raise Invalid("This QR code is not valid", code="qr_invalid", fields={"token": ["not genuine"]})
    if data != {"t": activity.tenant_id, "a": activity.id, "k": kind}:
        raise Invalid("This QR code is for another activity or direction", code="qr_invalid",
                      fields={"token": ["wrong activity"]})


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _check_place(activity: Activity, lat: float | None, lng: float | None) -> None:
    if not activity.geofence_m or activity.latitude is None or activity.longitude is None:
        return
    if lat is None or lng is None:
        raise Invalid("Your location is needed to check in here", fields={"latitude": ["required"]})
    far = distance_m(activity.latitude, activity.longitude, lat, lng)
    if far > activity.geofence_m:
        raise Conflict("You are %(far)s m away; check in within %(limit)s m", code="too_far",
                       params={"far": int(far), "limit": activity.geofence_m})


def _check_time(activity: Activity) -> None:
    now = utcnow()
    if activity.status not in ("published", "closed"):
        raise Conflict("this activity is %(status)s", code="not_open", params={"status": activity.status})
    if now < activity.starts_at - EARLY:
        raise Conflict("check-in has not opened yet", code="too_early")
    if now > activity.ends_at:
        raise Conflict("this activity has ended", code="ended")


def _confirmed(activity: Activity, member) -> None:
    signed = find_one(Signup, activity_id=activity.id, member_id=member.id)
    if signed is None or signed.status != "confirmed":
        raise Forbidden("Only people with a confirmed sign-up can check in", code="not_signed_up")


def check_in(activity: Activity, member, *, token: str | None = None, latitude=None, longitude=None,
             by=None) -> Attendance:
    """Check in by QR token (the person) or on their behalf (``by``: a leader). Safe twice."""
    _check_time(activity)
    _confirmed(activity, member)
    if by is None:
        _check_token(activity, "in", token)
        _check_place(activity, latitude, longitude)
    existing = _attendance(activity, member.id)
    if existing is not None:
        return existing
    try:
        row = insert_row(Attendance, activity_id=activity.id, member_id=member.id, checked_in_at=utcnow(),
                         checked_out_at=None, in_method="proxy" if by else "qr", out_method=None,
                         recorded_by=by.id if by else None)
    except IntegrityError:  # the same person checked in twice at the same moment: the first one stands
        db.session.rollback()
        raise Conflict("already checked in", code="duplicate_checkin") from None
    audit.record("attendance.check_in", "attendance", row.id, after={"member": member.id, "how": row.in_method})
    return row


def check_out(activity: Activity, member, *, token: str | None = None, latitude=None, longitude=None,
              by=None) -> Attendance:
    """Check out the same ways; checking out twice keeps the first time."""
    row = _attendance(activity, member.id)
    if row is None:
        raise Conflict("check in first", code="not_checked_in")
    if by is None:
        _check_token(activity, "out", token)
        _check_place(activity, latitude, longitude)
    if row.checked_out_at is None:
        row.checked_out_at = min(utcnow(), activity.ends_at)
        row.out_method = "proxy" if by else "qr"
        db.session.flush()
        flag_above_attendance(activity.id, [member.id])
        audit.record("attendance.check_out", "attendance", row.id, after={"member": member.id,
                                                                          "how": row.out_method})
    return row


def correct(activity: Activity, member_id: int, *, checked_in_at: datetime, checked_out_at: datetime | None,
            reason: str, by) -> Attendance:
    """A leader's correction of the times (or a missed check-in): a reason, audited."""
    if not (reason or "").strip():
        raise Invalid("A correction needs a reason", fields={"reason": ["required"]})
    if checked_out_at is not None and checked_out_at <= checked_in_at:
        raise Invalid("check-out must be after check-in", fields={"checked_out_at": ["before check-in"]})
    row = _attendance(activity, member_id)
    before = None
    if row is None:
        row = Attendance(tenant_id=activity.tenant_id, activity_id=activity.id, member_id=member_id,
                         checked_in_at=checked_in_at, in_method="correction")
        db.session.add(row)
    else:
        before = {"in": row.checked_in_at, "out": row.checked_out_at}
    row.checked_in_at, row.checked_out_at = checked_in_at, checked_out_at
    row.in_method, row.out_method = "correction", "correction" if checked_out_at else None
    row.recorded_by = by.id
    db.session.flush()
    flag_above_attendance(activity.id, [member_id])
    audit.record("attendance.correct", "attendance", row.id, before=before,
                 after={"in": checked_in_at, "out": checked_out_at}, reason=reason.strip())
    return row


def close_out(activity: Activity) -> int:
    """Check out everyone still in when the activity is completed: at its end, or now if it
    is completed early - never in the future, so an early finish does not add hours nobody
    served. Returns how many."""
    rows = db.session.scalars(select(Attendance).where(Attendance.activity_id == activity.id,
                                                       Attendance.checked_out_at.is_(None))).all()
    until = min(utcnow(), activity.ends_at)
    for row in rows:
        row.checked_out_at, row.out_method = max(until, row.checked_in_at), "close"
    db.session.flush()
    flag_above_attendance(activity.id, [row.member_id for row in rows])
    return len(rows)


def roster(activity: Activity) -> list[Attendance]:
    return list(db.session.scalars(select(Attendance).where(Attendance.activity_id == activity.id)
                                   .order_by(Attendance.checked_in_at)))


def _attendance(activity: Activity, member_id: int) -> Attendance | None:
    return find_one(Attendance, activity_id=activity.id, member_id=member_id)


def get_attendance(activity: Activity, member_id: int) -> Attendance:
    row = _attendance(activity, member_id)
    if row is None:
        raise NotFound("no attendance for this person")
    return row


# --- closing out: hours from attendance -----------------------------------------------

def attended_minutes(activity: Activity, row: Attendance) -> int:
    """Minutes present, capped by the activity's own time span."""
    start = max(row.checked_in_at, activity.starts_at)
    end = min(row.checked_out_at or activity.ends_at, activity.ends_at)
    return max(0, int((end - start).total_seconds() // 60))


def _evidence(row: Attendance) -> str:
    methods = {row.in_method, row.out_method}
    if "correction" in methods:
        return "correction"
    return "qr" if methods <= {"qr", "close"} else "proxy"


def record_hours(activity: Activity) -> list:
    """Pending records for everyone who attended; safe to run twice (one per person)."""
    have = hours.members_with_records(activity.id)
    created = []
    for row in db.session.scalars(select(Attendance).where(Attendance.activity_id == activity.id)):
        minutes = attended_minutes(activity, row)
        if row.member_id in have or minutes == 0:
            continue
        created.append(hours.add_record(member_id=row.member_id, activity_id=activity.id, minutes=minutes,
                                        served_on=activity.starts_at.astimezone(tenant_zone()).date(),
                                        content=activity.title, place=activity.address, evidence=_evidence(row),
                                        note=""))
    return created


#: minutes a record may exceed the time its person was checked in before it is flagged
ATTENDANCE_SLACK_MINUTES = 5


def minutes_present(row: Attendance | None) -> int:
    """Minutes between check-in and check-out; 0 without a check-out (or a check-in)."""
    if row is None or row.checked_out_at is None:
        return 0
    return int((row.checked_out_at - row.checked_in_at).total_seconds() // 60)


def flag_above_attendance(activity_id: int, member_ids) -> None:
    """Flag (or clear) the pending hours these people have for the activity that are above the
    time they were checked in there by more than the slack; called when such a record is made
    and whenever their attendance changes, so the approval queue reads a kept flag."""
    from ..hours.models import HourRecord
    member_ids = list(member_ids)
    if not member_ids:
        return
    records = db.session.scalars(select(HourRecord).where(
        HourRecord.activity_id == activity_id, HourRecord.member_id.in_(member_ids),
        HourRecord.status == "pending", HourRecord.evidence != "manual")).all()
    if not records:
        return
    present = {row.member_id: minutes_present(row) for row in db.session.scalars(select(Attendance).where(
        Attendance.activity_id == activity_id, Attendance.member_id.in_({r.member_id for r in records})))}
    for record in records:
        record.flag = "over" if record.minutes > present.get(record.member_id, 0) + ATTENDANCE_SLACK_MINUTES \
            else None
    db.session.flush()
