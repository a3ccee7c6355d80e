"""Activity rules: life cycle, visibility, sign-up with capacity and waitlist.

Capacity is kept by one atomic ``UPDATE … SET confirmed_count = confirmed_count + 1
WHERE confirmed_count < capacity``: the database serialises concurrent sign-ups on the
activity row, so it is never overbooked; whoever does not get a place is waitlisted.
"""
from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..db.base import utcnow
from ..db.rows import attach, bump, fetch, find_one, insert_row, scope_tenant
from ..db.context import current_tenant_id
from ..db.guarded import change_if
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..gate import allowed
from ..times import CHINA
from ..units.models import Unit
from ..notifications.services import notify
from . import checkins
from ..tenancy.schemas import DEFAULT_CATEGORIES
from .models import Activity, Signup

#: allowed status changes: one table, applied by :func:`transition`
TRANSITIONS = {
    "publish": ({"draft"}, "published"),
    "close": ({"published"}, "closed"),
    "complete": ({"published", "closed"}, "completed"),
    "cancel": ({"draft", "published", "closed"}, "cancelled"),
}
EDITABLE = ("title", "description", "category", "unit_id", "address", "latitude", "longitude", "geofence_m",
            "starts_at",
            "ends_at", "capacity", "signup_opens_at", "signup_closes_at", "cancel_deadline", "requirements",
            "skills", "min_age", "visibility")


def _hooks(tenant):
    return current_app.extensions["yinghuo"].host.hooks_for(tenant)


def _aware(value: datetime | None) -> datetime | None:
    """In UTC, as stored: a naive value is taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


TIME_FIELDS = ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at", "cancel_deadline")


def china_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time as people read it, in China time; "" for none."""
    return value.astimezone(CHINA).strftime(fmt) if value else ""


def when(activity: Activity) -> str:
    """The start as people read it."""
    return china_time(activity.starts_at)


def _tell(member_id: int, kind: str, activity: Activity, **params) -> None:
    notify(member_id, kind, link=f"/activities/{activity.id}", activity=activity.title, when=when(activity),
           **params)


def is_manager(member) -> bool:
    return allowed(member, "activities.manage")


def get_activity(activity_id: int) -> Activity:
    activity = db.session.get(Activity, (current_tenant_id(), activity_id))
    if activity is None:
        raise NotFound("no such activity")
    return activity


def categories(tenant) -> list[str]:
    """The tenant's categories (settings.activity_categories) and those its plugins add."""
    own = list(tenant.setting("activity_categories") or DEFAULT_CATEGORIES)
    for group in _hooks(tenant).yinghuo_activity_categories(tenant=tenant):
        own += [c for c in (group or []) if c not in own]
    return own


def check_activity(tenant, data: dict) -> None:
    """Field rules beyond the schema: categories, units, times, capacity."""
    fields = {}
    categories_ = categories(tenant)
    if "category" in data and data["category"] not in categories_:
        fields["category"] = [f"one of {', '.join(categories_)}"]
    if data.get("unit_id") is not None and db.session.get(Unit, (tenant.id, data["unit_id"])) is None:
        fields["unit_id"] = ["no such unit in this tenant"]
    starts, ends = _aware(data.get("starts_at")), _aware(data.get("ends_at"))
    if starts and ends and ends <= starts:
        fields["ends_at"] = ["must be after starts_at"]
    opens, closes = _aware(data.get("signup_opens_at")), _aware(data.get("signup_closes_at"))
    if opens and closes and closes <= opens:
        fields["signup_closes_at"] = ["must be after signup_opens_at"]
    if fields:
        raise Invalid("Activity is invalid", fields=fields)


def create_activity(tenant, data: dict, *, creator=None, repeat: dict | None = None) -> list[Activity]:
    """Create a draft (or a weekly/monthly series of drafts when ``repeat`` is given).

    :param repeat: ``{"every_days": 7, "count": 4}``: copies shifted by ``every_days``.
    """
    check_activity(tenant, data)
    count, step = (repeat or {}).get("count", 1), timedelta(days=(repeat or {}).get("every_days", 0))
    created = []
    for i in range(count):
        shift = step * i
        fields = {k: v for k, v in data.items() if k in EDITABLE}
        for key in TIME_FIELDS:
            if fields.get(key) is not None:
                fields[key] = _aware(fields[key]) + shift
        activity = Activity(tenant_id=tenant.id, status="draft", created_by=creator.id if creator else None,
                            **fields)
        db.session.add(activity)
        db.session.flush()
        created.append(activity)
    if count > 1:
        for activity in created:
            activity.series_id = created[0].id
    for activity in created:
        audit.record("activity.create", "activity", activity.id, after=activity_view(activity))
    return created


def update_activity(tenant, activity: Activity, data: dict) -> Activity:
    if activity.status in ("completed", "cancelled"):
        raise Conflict("a %(status)s activity cannot be changed", params={"status": activity.status})
    merged = {k: getattr(activity, k) for k in EDITABLE} | data
    check_activity(tenant, merged)
    if "capacity" in data and data["capacity"] < activity.confirmed_count:
        raise Conflict("capacity is below the confirmed sign-ups",
                       fields={"capacity": [f"at least {activity.confirmed_count}"]})
    before = activity_view(activity)
    for key, value in data.items():
        if key in EDITABLE:
            setattr(activity, key, _aware(value) if key in TIME_FIELDS else value)
    db.session.flush()
    if "capacity" in data:
        _fill_from_waitlist(activity)
        db.session.refresh(activity, ["confirmed_count"])  # moved by atomic UPDATEs
    audit.record("activity.update", "activity", activity.id, before=before, after=activity_view(activity))
    return activity


def transition(tenant, activity: Activity, action: str, *, reason: str | None = None) -> Activity:
    """Apply one life-cycle action from :data:`TRANSITIONS`, audit it and fire its event."""
    sources, target = TRANSITIONS[action]
    if activity.status not in sources:
        raise Conflict("cannot %(action)s a %(status)s activity", code="bad_transition",
                       params={"action": action, "status": activity.status})
    if action == "cancel" and not (reason or "").strip():
        raise Invalid("a reason is required to cancel", fields={"reason": ["required"]})
    if action == "complete" and utcnow() < activity.starts_at:
        raise Conflict("An activity cannot be finished before it starts (%(when)s)", code="not_started",
                       params={"when": china_time(activity.starts_at, "%m-%d %H:%M")})
    before = activity.status
    # conditional on the state we saw: completing twice at once closes out and records once
    values = {"status": target, **({"cancel_reason": reason} if action == "cancel" else {})}
    if not change_if(activity, status=before, values=values):
        raise Conflict("the activity was %(status)s meanwhile", code="bad_transition",
                       params={"status": activity.status})
    audit.record(f"activity.{action}", "activity", activity.id, before={"status": before},
                 after={"status": target}, reason=reason)
    if action == "publish":
        _hooks(tenant).yinghuo_activity_published(tenant=tenant, activity=activity)
    elif action == "cancel":
        for signup in roster(activity):
            _tell(signup.member_id, "activity_cancelled", activity, reason=reason)
    elif action == "complete":
        checkins.close_out(activity)
        checkins.record_hours(activity)
        _hooks(tenant).yinghuo_activity_completed(tenant=tenant, activity=activity)
    return activity


# --- visibility ------------------------------------------------------------------------

def get_visible(activity_id: int, member) -> Activity:
    """The activity if this viewer may see it (a Core read made a session object)."""
    who, params = _viewer(member)
    rows = fetch(_one_statement(who), {**params, "tenant": scope_tenant(), "id": activity_id})
    if not rows:
        raise NotFound("no such activity")
    return attach(Activity, rows[0]._asdict())


def _viewer(member, public_only: bool = False) -> tuple[str, dict]:
    """Which visibility rule applies to this viewer, and its parameters."""
    if is_manager(member):
        return "manager", {}
    if public_only or member is None:
        return "public", {}
    unit_path = db.session.scalar(select(Unit.path).where(Unit.id == member.unit_id)) if member.unit_id else None
    if unit_path:
        return "member_in_unit", {"units": [int(p) for p in unit_path.strip("/").split("/")]}
    return "member", {}


def _visibility(who: str) -> list:
    t = Activity.__table__
    where = [t.c.tenant_id == bindparam("tenant")]
    if who != "manager":
        where.append(t.c.status != "draft")
    if who == "public":
        where.append(t.c.visibility == "public")
    # "=" rather than IN (…): a literal IN-list is expanded per call, which keeps the
    # statement from being compiled once (db.rows.fetch)
    broad = or_(t.c.visibility == "public", t.c.visibility == "tenant")
    if who == "member":
        where.append(broad)
    elif who == "member_in_unit":
        where.append(or_(broad, (t.c.visibility == "unit") & t.c.unit_id.in_(bindparam("units", expanding=True))))
    return where


@functools.lru_cache(maxsize=8)
def _one_statement(who: str):
    t = Activity.__table__
    return select(*t.columns).where(*_visibility(who), t.c.id == bindparam("id"))


def list_activities(member, *, status=None, category=None, unit_id=None, starts_from=None, starts_until=None,
                    q=None, page=1, per_page=20, public_only=False) -> tuple[list, int, bool]:
    """A page of visible activities, soonest first, the total and whether it is exact: it is
    counted up to ``LIST_COUNTED`` past the page's start (where there are more, the total says
    where counting stopped).

    Rows, not ORM objects, from a Core statement built once per shape (who is looking, which
    filters) with every value bound: this is the most read page of the platform, and
    building the statement and 20 mapped objects would cost more than the query. The
    tenant criterion is explicit (one tenant in scope) and row-level security applies."""
    filters = {"status": status, "category": category, "unit_id": unit_id, "starts_from": starts_from,
               "starts_until": starts_until, "q": q}
    params = {k: v for k, v in filters.items() if v}
    if "q" in params:
        params["q"] = "%" + re.sub(r"([\\%_])", r"\\\1", q) + "%"
    who, viewer_params = _viewer(member, public_only)
    params.update(viewer_params)
    params.update(tenant=scope_tenant(), limit=per_page, offset=(page - 1) * per_page,
                  reach=(page - 1) * per_page + LIST_COUNTED)
    found = fetch(_list_statement(who, tuple(sorted(k for k in filters if filters[k]))), params)
    if found:
        return found, found[0][-1], found[0][-1] < params["reach"]
    if page == 1:
        return [], 0, True
    return [], *list_activities(member, status=status, category=category, unit_id=unit_id,
                                starts_from=starts_from, starts_until=starts_until, q=q, page=1, per_page=1,
                                public_only=public_only)[1:]


@functools.lru_cache(maxsize=256)
def _list_statement(who: str, filters: tuple[str, ...]):
    t = Activity.__table__
    where = _visibility(who)
    conditions = {"status": lambda: t.c.status == bindparam("status"),
                  "category": lambda: t.c.category == bindparam("category"),
                  "unit_id": lambda: t.c.unit_id == bindparam("unit_id"),
                  "starts_from": lambda: t.c.starts_at >= bindparam("starts_from", type_=t.c.starts_at.type),
                  "starts_until": lambda: t.c.starts_at < bindparam("starts_until", type_=t.c.starts_at.type),
                  "q": lambda: t.c.title.like(bindparam("q"), escape="\\")}
    where += [conditions[name]() for name in filters]
    # the total rides along as a window count (one query per page, not two) over the visible
    # activities up to LIST_COUNTED past the page: two years of a city's activities counted
    # on every page would read them all
    reached = (select(*t.columns).where(*where).order_by(t.c.starts_at, t.c.id)
               .limit(bindparam("reach")).subquery("reached"))
    return (select(*reached.c, func.count().over().label("total")).order_by(reached.c.starts_at, reached.c.id)
            .limit(bindparam("limit")).offset(bindparam("offset")))


#: how far past a page's start the activity list counts its total
LIST_COUNTED = 1000


# --- sign-up ---------------------------------------------------------------------------

def sign_up(tenant, activity: Activity, member, *, by=None) -> Signup:
    """Sign ``member`` up: a place if one is left, else the waitlist. 409 with a reason when
    the activity is not open, the window is closed, or the person is already signed up."""
    _check_open(activity)
    refusal = _hooks(tenant).yinghuo_signup_refusal(tenant=tenant, activity=activity, member=member)
    if refusal:
        raise Conflict(refusal, code="signup_refused")
    existing = find_one(Signup, activity_id=activity.id, member_id=member.id)
    if existing is not None and existing.status != "cancelled":
        raise Conflict("already signed up for this activity", code="duplicate_signup")
    confirmed = _take_place(activity)
    status = "confirmed" if confirmed else "waitlisted"
    proxy = by.id if by is not None and by.id != member.id else None
    try:
        if existing is None:
            signup = insert_row(Signup, activity_id=activity.id, member_id=member.id, status=status,
                                queued_at=utcnow(), cancelled_at=None, signed_up_by=proxy)
        else:  # signing up again after cancelling
            signup = existing
            signup.status, signup.queued_at, signup.cancelled_at, signup.signed_up_by = status, utcnow(), None, proxy
            db.session.flush()
    except IntegrityError:  # the same person, twice at the same moment
        db.session.rollback()
        raise Conflict("already signed up for this activity", code="duplicate_signup")
    audit.record("signup.create", "signup", signup.id, after={"activity": activity.id, "member": member.id,
                                                              "status": signup.status})
    if confirmed:
        _tell(member.id, "signup_confirmed", activity)
    else:
        _tell(member.id, "signup_waitlisted", activity, position=waitlist_position(signup))
    return signup


def remind_tomorrow(tenant_id: int | None = None, now: str | None = None) -> int:
    """The day-before reminder (a periodic job, hourly): everyone with a place at an
    activity starting in the next 24 hours hears of it once - each sign-up is marked by a
    conditional UPDATE, so two workers or two runs never send it twice. Returns how many."""
    from sqlalchemy import update
    moment = datetime.fromisoformat(now) if now else utcnow()
    due = db.session.execute(select(Signup, Activity).join(Activity, Activity.id == Signup.activity_id).where(
        Signup.status == "confirmed", Signup.reminded_at.is_(None), Activity.status.in_(("published", "closed")),
        Activity.starts_at > moment, Activity.starts_at <= moment + timedelta(hours=24))).all()
    sent = 0
    for signup, activity in due:
        claimed = db.session.execute(update(Signup).where(Signup.id == signup.id, Signup.reminded_at.is_(None))
                                     .values(reminded_at=moment)).rowcount
        if claimed:
            _tell(signup.member_id, "activity_reminder", activity, place=activity.address or "—")
            sent += 1
    db.session.commit()
    return sent


def message_roster(activity: Activity, text: str, *, statuses=("confirmed",), by=None) -> int:
    """Send ``text`` about ``activity`` to everyone signed up with one of ``statuses``;
    audited once. Returns how many were told."""
    if len(text) > 500:
        raise Invalid("A message is at most 500 characters", fields={"text": ["at most 500 characters"]})
    ids = [s.member_id for s in roster(activity) if s.status in statuses]
    for member_id in ids:
        _tell(member_id, "activity_message", activity, text=text)
    audit.record("activity.message", "activity", activity.id, after={"people": len(ids), "text": text})
    return len(ids)


def walk_in(tenant, activity: Activity, member, *, by) -> Signup:
    """A leader signs up someone who came without signing up (or has no phone), from the
    activity's pages: the sign-up window does not apply, but the activity must not be over
    and must have a place (raise the capacity first if it is full). Already signed up: the
    existing sign-up."""
    if activity.status not in ("published", "closed") or utcnow() >= _aware(activity.ends_at):
        raise Conflict("this activity is %(status)s, not open for sign-up", code="not_open",
                       params={"status": activity.status if activity.status != "published" else "completed"})
    existing = find_one(Signup, activity_id=activity.id, member_id=member.id)
    if existing is not None and existing.status == "confirmed":
        return existing
    if existing is not None and existing.status == "waitlisted":
        raise Conflict("%(name)s is on the waitlist: the activity is full", code="full", params={"name": member.name})
    if not _take_place(activity):
        raise Conflict("The activity is full: raise its capacity to add someone", code="full")
    proxy = by.id if by is not None and by.id != member.id else None
    if existing is None:
        signup = insert_row(Signup, activity_id=activity.id, member_id=member.id, status="confirmed",
                            queued_at=utcnow(), cancelled_at=None, signed_up_by=proxy)
    else:
        signup = existing
        signup.status, signup.queued_at, signup.cancelled_at, signup.signed_up_by = "confirmed", utcnow(), None, proxy
        db.session.flush()
    audit.record("signup.create", "signup", signup.id, after={"activity": activity.id, "member": member.id,
                                                              "status": "confirmed", "walk_in": True})
    return signup


def _check_open(activity: Activity) -> None:
    now = utcnow()
    if activity.status != "published":
        raise Conflict("this activity is %(status)s, not open for sign-up", code="not_open",
                       params={"status": activity.status})
    if activity.signup_opens_at and now < _aware(activity.signup_opens_at):
        raise Conflict("sign-up has not opened yet", code="window_closed")
    if (activity.signup_closes_at and now >= _aware(activity.signup_closes_at)) or now >= _aware(activity.ends_at):
        raise Conflict("sign-up has closed", code="window_closed")


def _take_place(activity: Activity) -> bool:
    """Atomically take one place if any is left; True if taken."""
    return bump(Activity, activity.id, "confirmed_count", 1, below="capacity")


def cancel_signup(tenant, activity: Activity, member, *, reason: str | None = None) -> Signup:
    """Cancel a sign-up; a freed place goes to the first of the waitlist at once."""
    signup = db.session.scalar(select(Signup).where(Signup.activity_id == activity.id, Signup.member_id == member.id,
                                                    Signup.status != "cancelled"))
    if signup is None:
        raise NotFound("you are not signed up for this activity")
    deadline = _aware(activity.cancel_deadline or activity.starts_at)
    if utcnow() >= deadline:
        raise Conflict("cancelling closed at %(deadline)s (Beijing time); please tell the leader", code="too_late",
                       params={"deadline": china_time(deadline)})
    was_confirmed = signup.status == "confirmed"
    # one conditional UPDATE: two cancellations at once free the place only once
    if not change_if(signup, status=signup.status, values={"status": "cancelled", "cancelled_at": utcnow()}):
        raise NotFound("you are not signed up for this activity")
    if was_confirmed:
        db.session.execute(update(Activity).where(Activity.id == activity.id)
                           .values(confirmed_count=Activity.confirmed_count - 1)
                           .execution_options(synchronize_session=False))
        _fill_from_waitlist(activity)
    audit.record("signup.cancel", "signup", signup.id, reason=reason,
                 after={"activity": activity.id, "member": member.id})
    _tell(member.id, "signup_cancelled", activity)
    return signup


def _fill_from_waitlist(activity: Activity) -> list[Signup]:
    """Promote waitlisted people in order while places are free."""
    promoted = []
    while True:
        first = db.session.scalar(select(Signup).where(Signup.activity_id == activity.id,
                                                       Signup.status == "waitlisted")
                                  .order_by(Signup.queued_at, Signup.id).limit(1).with_for_update())
        if first is None or not _take_place(activity):
            break
        first.status = "confirmed"
        db.session.flush()
        audit.record("signup.promote", "signup", first.id, after={"activity": activity.id,
                                                                  "member": first.member_id})
        _tell(first.member_id, "signup_promoted", activity)
        promoted.append(first)
    return promoted


def roster(activity: Activity) -> list[Signup]:
    return list(db.session.scalars(select(Signup).where(Signup.activity_id == activity.id,
                                                        Signup.status != "cancelled")
                                   .order_by(Signup.status, Signup.queued_at, Signup.id)))


def waitlist_position(signup: Signup) -> int | None:
    if signup.status != "waitlisted":
        return None
    return db.session.scalar(select(func.count()).select_from(Signup).where(
        Signup.activity_id == signup.activity_id, Signup.status == "waitlisted",
        (Signup.queued_at < signup.queued_at) | ((Signup.queued_at == signup.queued_at) & (Signup.id < signup.id)))) + 1


def activity_view(activity: Activity) -> dict:
    return {k: getattr(activity, k) for k in ("id", "title", "category", "status", "capacity",
                                               "confirmed_count", "starts_at", "ends_at", "visibility")}


def summaries(*, category: str | None = None, limit: int = 100) -> list[dict]:
    """Activities with their sign-up and attendance counts, newest first (for plugins that
    run their sessions as kernel activities)."""
    from .models import Attendance
    attended = (select(Attendance.activity_id, func.count().label("n")).group_by(Attendance.activity_id)
                .subquery())
    stmt = (select(Activity, func.coalesce(attended.c.n, 0))
            .outerjoin(attended, attended.c.activity_id == Activity.id)
            .order_by(Activity.starts_at.desc()).limit(limit))
    if category:
        stmt = stmt.where(Activity.category == category)
    return [{"id": a.id, "title": a.title, "category": a.category, "starts_at": a.starts_at, "ends_at": a.ends_at,
             "status": a.status, "capacity": a.capacity, "signed_up": a.confirmed_count, "attended": n,
             "address": a.address} for a, n in db.session.execute(stmt)]
