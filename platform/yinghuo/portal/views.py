"""Activity pages (mobile-first): list, detail, sign-up, my activities/hours/certificates,
the leader's on-site page with the rotating QR, scanning, the approval queue, dashboard."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from flask import Blueprint, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import gate
from ..certificates import services as certificates
from ..documents import qr_data_uri
from ..certificates.models import Certificate
from ..errors import Invalid
from ..extensions import db
from ..hours import services as hours
from ..hours.models import FLAGS, HourRecord
from ..notifications import services as notifications
from ..people.models import Member
from ..people.services import count_up_to, find_members, get_member, member_names
from ..times import CHINA, local_today
from ..views import form_errors, load_form, posted
from ..activities import checkins, services
from ..activities.models import Activity, Signup

bp = Blueprint("activity_pages", __name__, url_prefix="/t/<tenant>")


@bp.app_template_filter("mask_phone")
def mask_phone_filter(phone: str | None) -> str:
    from ..people.masking import mask_phone
    return mask_phone(phone) if phone else ""


@bp.app_template_filter("hours")
def hours_filter(minutes) -> str:
    """Minutes as hours on a page, by the one rule (``hours.rounding``)."""
    from ..hours.rounding import hours_text
    return hours_text(minutes)


@bp.app_template_filter("local")
def local_time(value: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    return services.china_time(value, fmt)


# --- volunteers --------------------------------------------------------------------------

@bp.route("/activities")
@gate.public
def activity_list():
    """Activities from today on (or from the day asked for), searchable by title, with the
    ones I joined marked."""
    q = request.args.get("q", "").strip()[:50]
    try:
        day = date.fromisoformat(request.args["day"]) if request.args.get("day") else None
    except ValueError:
        day = None
    start = datetime.combine(day, datetime.min.time(), CHINA) if day else datetime.now(CHINA) - timedelta(days=1)
    rows, total, _exact = services.list_activities(g.member, public_only=g.member is None,
                                           category=request.args.get("category") or None, q=q or None,
                                           starts_from=start, starts_until=start + timedelta(days=1) if day else None,
                                           per_page=50)
    joined = set()
    if g.member is not None and rows:
        joined = set(db.session.scalars(select(Signup.activity_id).where(
            Signup.member_id == g.member.id, Signup.status != "cancelled",
            Signup.activity_id.in_([r.id for r in rows]))))
    categories = services.categories(g.tenant)
    return render_template("activities/list.html", activities=rows, total=total, categories=categories,
                           manager=services.is_manager(g.member), joined=joined, q=q, day=day)


@bp.route("/activities/<int:activity_id>")
@gate.public
def activity_detail(activity_id):
    activity = services.get_visible(activity_id, g.member)
    mine = None
    if g.member is not None:
        mine = db.session.scalar(select(Signup).where(Signup.activity_id == activity.id,
                                                      Signup.member_id == g.member.id, Signup.status != "cancelled"))
    from ..activities.models import Attendance
    attended = credited = None
    over = activity.status == "completed" or activity.ends_at < datetime.now(CHINA)
    if mine is not None and over:
        attended = db.session.scalar(select(Attendance).where(Attendance.activity_id == activity.id,
                                                              Attendance.member_id == g.member.id))
        credited = db.session.scalar(select(HourRecord).where(
            HourRecord.activity_id == activity.id, HourRecord.member_id == g.member.id,
            HourRecord.status.in_(("pending", "approved"))))
    return render_template("activities/detail.html", a=activity, mine=mine, over=over, attended=attended,
                           started=activity.starts_at <= datetime.now(CHINA),
                           credited=credited, position=services.waitlist_position(mine) if mine else None,
                           manager=services.is_manager(g.member))


@bp.route("/activities/<int:activity_id>/signup", methods=["POST"])
@gate.member
@form_errors
def activity_signup(activity_id):
    signup = services.sign_up(g.tenant, services.get_visible(activity_id, g.member), g.member, by=g.member)
    db.session.commit()
    flash(_("Signed up") if signup.status == "confirmed" else _("On the waitlist"), "ok")
    return redirect(url_for(".activity_detail", activity_id=activity_id))


@bp.route("/activities/<int:activity_id>/cancel-signup", methods=["POST"])
@gate.member
@form_errors
def activity_cancel_signup(activity_id):
    services.cancel_signup(g.tenant, services.get_visible(activity_id, g.member), g.member)
    db.session.commit()
    flash(_("Sign-up cancelled"), "ok")
    return redirect(url_for(".activity_detail", activity_id=activity_id))


@bp.route("/activities/<int:activity_id>/scan", methods=["GET", "POST"])
@gate.member
@form_errors
def activity_scan(activity_id):
    """Where the QR code leads: confirm, and the phone's location goes along if allowed."""
    activity = services.get_visible(activity_id, g.member)
    kind = request.values.get("kind", "in")
    if posted():
        action = checkins.check_in if kind == "in" else checkins.check_out
        action(activity, g.member, token=request.form.get("token"),
               latitude=request.form.get("latitude", type=float), longitude=request.form.get("longitude", type=float))
        db.session.commit()
        flash(_("Checked in") if kind == "in" else _("Checked out"), "ok")
        return redirect(url_for(".activity_detail", activity_id=activity_id))
    return render_template("activities/scan.html", a=activity, kind=kind, token=request.args.get("token", ""))


@bp.route("/me/activities")
@gate.member
def my_activities():
    """Upcoming sign-ups first (soonest first), then past activities with attendance and hours."""
    from ..activities.models import Attendance
    rows = db.session.execute(select(Signup, Activity).join(Activity, Activity.id == Signup.activity_id)
                              .where(Signup.member_id == g.member.id, Signup.status != "cancelled")
                              .order_by(Activity.starts_at.desc()).limit(200)).all()
    ids = [a.id for _s, a in rows]
    attended = {r.activity_id: r for r in db.session.scalars(select(Attendance).where(
        Attendance.member_id == g.member.id, Attendance.activity_id.in_(ids)))} if ids else {}
    credited = {r.activity_id: r for r in db.session.scalars(select(HourRecord).where(
        HourRecord.member_id == g.member.id, HourRecord.activity_id.in_(ids),
        HourRecord.status.in_(("pending", "approved"))))} if ids else {}
    now = datetime.now(CHINA)
    ahead = {a.id for _s, a in rows if a.ends_at >= now and a.status not in ("completed", "cancelled")}
    upcoming = [(s, a) for s, a in reversed(rows) if a.id in ahead]
    past = [(s, a) for s, a in rows if a.id not in ahead]
    return render_template("activities/mine.html", upcoming=upcoming, past=past, attended=attended,
                           credited=credited)


@bp.route("/me/hours")
@gate.member
def my_hours():
    records = db.session.scalars(select(HourRecord).where(HourRecord.member_id == g.member.id)
                                 .order_by(HourRecord.served_on.desc(), HourRecord.id.desc()).limit(200)).all()
    return render_template("activities/my_hours.html", totals=hours.totals(g.tenant, g.member.id), records=records)


@bp.route("/me/certificates", methods=["GET", "POST"])
@gate.member
@form_errors
def my_certificates():
    if posted():
        start = date.fromisoformat(request.form.get("period_start") or str(local_today().replace(month=1, day=1)))
        end = date.fromisoformat(request.form.get("period_end") or str(local_today()))
        certificates.request_certificate(g.tenant, g.member, start=start, end=end, base_url=request.host_url)
        db.session.commit()
        flash(_("Your certificate is being made; it appears below in a moment."), "ok")
        return redirect(url_for(".my_certificates"))
    rows = db.session.scalars(select(Certificate).where(Certificate.member_id == g.member.id)
                              .order_by(Certificate.id.desc())).all()
    return render_template("activities/my_certificates.html", certificates=rows, today=local_today())


@bp.route("/me/certificates/<int:certificate_id>.pdf")
@gate.member
@form_errors
def my_certificate_pdf(certificate_id):
    cert = certificates.get_certificate(certificate_id)
    certificates.check_owner(cert, g.member)
    return send_file(io.BytesIO(certificates.pdf_of(cert)), mimetype="application/pdf",
                     download_name=f"{cert.serial}.pdf", as_attachment=True)


@bp.route("/admin/certificates", methods=["GET", "POST"])
@gate.permission("certificates.manage")
@form_errors
def admin_certificates():
    """Certificates of the tenant: find a member and issue one for a period, download,
    revoke with a reason."""
    if posted() and request.form.get("revoke"):
        cert = certificates.get_certificate(request.form.get("revoke", type=int) or 0)
        certificates.revoke(cert, reason=request.form.get("reason", ""))
        db.session.commit()
        flash(_("Certificate %(serial)s is revoked.", serial=cert.serial), "ok")
        return redirect(url_for(".admin_certificates"))
    if posted():
        person = get_member(request.form.get("member_id", type=int) or 0)
        start = _form_date("period_start", local_today().replace(month=1, day=1))
        end = _form_date("period_end", local_today())
        cert = certificates.request_certificate(g.tenant, person, start=start, end=end, base_url=request.host_url)
        db.session.commit()
        flash(_("Certificate %(serial)s for %(name)s is being made.", serial=cert.serial, name=person.name), "ok")
        return redirect(url_for(".admin_certificates"))
    find = request.args.get("find", "").strip()
    found = find_members(find)
    rows = db.session.scalars(select(Certificate).order_by(Certificate.id.desc()).limit(200)).all()
    names = member_names(c.member_id for c in rows)
    return render_template("activities/admin_certificates.html", rows=rows, names=names, find=find, found=found,
                           year_start=local_today().replace(month=1, day=1), today=local_today())


def _form_date(name: str, default: date) -> date:
    from ..errors import Invalid as Bad
    raw = request.form.get(name) or ""
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        raise Bad("Some fields are invalid", fields={name: ["not a date"]}) from None


@bp.route("/admin/certificates/<int:certificate_id>.pdf")
@gate.permission("certificates.manage")
def admin_certificate_pdf(certificate_id):
    cert = certificates.get_certificate(certificate_id)
    return send_file(io.BytesIO(certificates.pdf_of(cert)), mimetype="application/pdf",
                     download_name=f"{cert.serial}.pdf", as_attachment=True)


@bp.route("/me/notifications", methods=["GET", "POST"])
@gate.member
def my_notifications():
    if posted():
        notifications.mark_read(g.member.id)
        db.session.commit()
        return redirect(url_for(".my_notifications"))
    rows, unread = notifications.inbox(g.member.id)
    return render_template("activities/inbox.html", items=[(r, notifications.render(r)) for r in rows],
                           unread=unread)


# --- leaders and admins ------------------------------------------------------------------

@bp.route("/activities/new", methods=["GET", "POST"])
@gate.permission("activities.manage")
@form_errors
def activity_new():
    """A new activity, or a series of them, read through the API's schema."""
    from ..activities.api import ActivityCreateSchema
    if posted():
        data = load_form(ActivityCreateSchema())
        count = request.form.get("repeat_count", type=int) or 1
        repeat = {"count": count, "every_days": request.form.get("repeat_every", type=int) or 7} if count > 1 else None
        if repeat and not (count <= 52 and 1 <= repeat["every_days"] <= 366):
            raise Invalid("Some fields are invalid", fields={"repeat": ["count 1-52 and every_days 1-366"]})
        data.pop("repeat", None)
        created = services.create_activity(g.tenant, data, creator=g.member, repeat=repeat)
        if request.form.get("publish"):
            for activity in created:
                services.transition(g.tenant, activity, "publish")
        db.session.commit()
        if len(created) > 1:
            flash(_("%(n)s activities created.", n=len(created)), "ok")
        return redirect(url_for(".activity_detail", activity_id=created[0].id))
    return render_template("activities/form.html", a=None, categories=services.categories(g.tenant),
                           units=_units())


#: fields a change may empty (an empty form field means "none", not "unchanged")
CLEARABLE = ("unit_id", "latitude", "longitude", "geofence_m", "signup_opens_at", "signup_closes_at",
             "cancel_deadline", "min_age")


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@gate.permission("activities.manage")
@form_errors
def activity_edit(activity_id):
    """Change an activity that is not over: times, place and check-in radius, unit, places,
    sign-up window, requirements."""
    from ..activities.api import ActivityPatchSchema
    activity = services.get_activity(activity_id)
    if posted():
        data = load_form(ActivityPatchSchema())
        data.update({k: None for k in CLEARABLE if k in request.form and not request.form[k].strip()})
        services.update_activity(g.tenant, activity, data)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".activity_detail", activity_id=activity.id))
    return render_template("activities/form.html", a=activity, categories=services.categories(g.tenant),
                           units=_units())


def _units():
    from ..units import services as unit_services
    return unit_services.tree()


@bp.route("/activities/<int:activity_id>/<any(publish, complete, close, cancel):action>", methods=["POST"])
@gate.permission("activities.manage")
@form_errors
def activity_transition(activity_id, action):
    if action == "complete" and not request.form.get("confirm"):
        raise Invalid("Tick the box to confirm that the activity is over", fields={"confirm": ["required"]})
    services.transition(g.tenant, services.get_activity(activity_id), action, reason=request.form.get("reason"))
    db.session.commit()
    flash(_("Saved."), "ok")
    return redirect(url_for(".activity_detail", activity_id=activity_id))


@bp.route("/activities/<int:activity_id>/onsite", methods=["GET", "POST"])
@gate.permission("activities.manage")
@form_errors
def activity_onsite(activity_id):
    """The leader's page on site: a QR that renews itself, the roster, check-in for others."""
    activity = services.get_activity(activity_id)
    kind = request.values.get("kind", "in")
    if posted() and request.form.get("walk_in"):
        return _walk_in(activity)
    if posted():
        person = get_member(request.form.get("member_id", type=int) or 0)
        action = checkins.check_in if kind == "in" else checkins.check_out
        action(activity, person, by=g.member)
        db.session.commit()
        flash(f"{person.name}: {_('Checked in') if kind == 'in' else _('Checked out')}", "ok")
        return redirect(url_for(".activity_onsite", activity_id=activity_id, kind=kind))
    token = checkins.qr_token(activity, kind)
    scan_url = url_for(".activity_scan", activity_id=activity.id, kind=kind, token=token, _external=True)
    attendance = {a.member_id: a for a in checkins.roster(activity)}
    signups = services.roster(activity)
    names = member_names(s.member_id for s in signups)
    find = request.args.get("find", "").strip()
    found = []
    if find:
        signed = {s.member_id for s in signups}
        found = [m for m in find_members(find) if m.id not in signed]
    return render_template("activities/onsite.html", a=activity, kind=kind, scan_url=scan_url, find=find, found=found,
                           started=activity.starts_at <= datetime.now(CHINA),
                           qr=qr_data_uri(scan_url), signups=signups, names=names,
                           attendance=attendance, rotate=checkins.QR_ROTATE_SECONDS)


@bp.route("/activities/<int:activity_id>/sign-in-sheet.pdf")
@gate.permission("activities.manage")
def activity_sheet(activity_id):
    """A printable sign-in sheet for places without signal: the confirmed roster (phones
    masked) with a blank signature column, ten blank rows for walk-ins, and a QR to the
    activity's page."""
    from ..documents import html_to_pdf
    from ..people.masking import mask_phone
    activity = services.get_activity(activity_id)
    signups = [s for s in services.roster(activity) if s.status == "confirmed"]
    people = {m.id: m for m in db.session.scalars(select(Member).where(
        Member.id.in_([s.member_id for s in signups])))} if signups else {}
    rows = sorted(((people[s.member_id].name, mask_phone(people[s.member_id].phone) if people[s.member_id].phone
                    else "") for s in signups if s.member_id in people), key=lambda r: r[0])
    html = render_template("activities/sheet.html", a=activity, rows=rows, blank=10,
                           qr=qr_data_uri(url_for(".activity_detail", activity_id=activity.id, _external=True)),
                           printed=datetime.now(CHINA).strftime("%Y-%m-%d %H:%M"))
    return send_file(io.BytesIO(html_to_pdf(html)), mimetype="application/pdf", as_attachment=True,
                     download_name=f"sign-in-{activity.id}.pdf")


@bp.route("/activities/<int:activity_id>/message", methods=["POST"])
@gate.permission("activities.manage")
@form_errors
def activity_message(activity_id):
    """Message everyone with a place (and the waitlist, if ticked): into each inbox, and on
    by the tenant's other channels."""
    activity = services.get_activity(activity_id)
    text = (request.form.get("text") or "").strip()
    if not text:
        raise Invalid("Write the message", fields={"text": ["required"]})
    statuses = ("confirmed", "waitlisted") if request.form.get("waitlist") else ("confirmed",)
    sent = services.message_roster(activity, text, statuses=statuses, by=g.member)
    db.session.commit()
    flash(_("Sent to %(n)s people.", n=sent), "ok")
    return redirect(url_for(".activity_onsite", activity_id=activity.id))


def _walk_in(activity):
    """Sign up (and, once the activity has begun, check in) someone who is here: a member
    found by name or phone, or a person added on the spot (name, phone if they have one)."""
    from ..people.services import add_member
    if request.form.get("member_id"):
        person = get_member(request.form.get("member_id", type=int) or 0)
    else:
        name = (request.form.get("name") or "").strip()
        if not name:
            raise Invalid("Give the person's name", fields={"name": ["required"]})
        person = add_member(g.tenant, {"name": name, "phone": (request.form.get("phone") or "").strip() or None},
                            audit_action="member.walk_in")
    services.walk_in(g.tenant, activity, person, by=g.member)
    checked = activity.starts_at <= datetime.now(CHINA)
    if checked:
        checkins.check_in(activity, person, by=g.member)
    db.session.commit()
    flash(_("%(name)s is signed up and checked in.", name=person.name) if checked else
          _("%(name)s is signed up.", name=person.name), "ok")
    return redirect(url_for(".activity_onsite", activity_id=activity.id))


@bp.route("/hours/new", methods=["GET", "POST"])
@gate.permission("hours.enter")
@form_errors
def hours_new():
    """Service done where nothing was scanned (a visit, a paper sign-in sheet): a leader finds
    the person, enters the hours with a note saying what was done and who saw it. The record
    waits for approval and shows as entered by hand."""
    if posted():
        minutes = round((request.form.get("hours", type=float) or 0) * 60)
        record = hours.enter_manually(member_id=request.form.get("member_id", type=int) or 0, minutes=minutes,
                                      served_on=_form_date("served_on", local_today()),
                                      content=(request.form.get("content") or "").strip(),
                                      place=(request.form.get("place") or "").strip(),
                                      note=request.form.get("note", ""), by=g.member)
        db.session.commit()
        names = member_names([record.member_id])
        flash(_("%(hours)s hours for %(name)s are entered and wait for approval.",
                hours=hours_filter(record.minutes), name=names.get(record.member_id, "")), "ok")
        return redirect(url_for(".hours_new"))
    find = request.args.get("find", "").strip()
    found = find_members(find)
    chosen = get_member(request.values.get("member_id", type=int)) if request.values.get("member_id") else None
    return render_template("activities/hours_new.html", find=find, found=found, chosen=chosen, today=local_today())


#: pending records shown at once on the approval queue (a page of forms: 200 took 40 ms to render)
QUEUE_PAGE = 50


@bp.route("/admin/hours", methods=["GET", "POST"])
@gate.permission("hours.approve")
@form_errors
def admin_hours():
    """The approval queue: filter by activity or to flagged records, approve one or the
    ticked ones at once (all in one transaction), reject one with a reason."""
    if posted():
        if request.form.get("decision") == "reject":
            record = hours.get_record(request.form.get("record_id", type=int) or 0, viewer=g.member)
            hours.reject(record, reason=request.form.get("reason", ""), by=g.member)
            done = 1
        else:
            ids = [request.form.get("approve_one", type=int)] if request.form.get("approve_one") else \
                request.form.getlist("record_id", type=int)
            if not ids:
                raise Invalid("Tick the records to approve", fields={"record_id": ["required"]})
            # members in id order: two batches at once cannot each hold a member the other waits for
            records = sorted((hours.get_record(record_id, viewer=g.member) for record_id in ids),
                             key=lambda record: (record.member_id, record.id))
            for record in records:
                hours.approve(g.tenant, record, by=g.member)
            done = len(ids)
        db.session.commit()
        flash(_("Saved: %(n)s records.", n=done), "ok")
        return redirect(url_for(".admin_hours", **{k: v for k, v in request.args.items() if v}))
    queue = select(HourRecord).where(HourRecord.status == "pending")
    limit = hours.reach(g.member)
    queue = queue if limit is None else queue.where(limit)
    activity_id = request.args.get("activity_id", type=int)
    activities_waiting = _activities_waiting(queue, activity_id)
    if activity_id:
        queue = queue.where(HourRecord.activity_id == activity_id)
    only_flagged = bool(request.args.get("flagged"))
    if only_flagged:
        queue = queue.where(HourRecord.flag.is_not(None))
    # the first page of them (an index on status and id), the count beside them (up to a cap)
    pending = db.session.scalars(queue.order_by(HourRecord.id).limit(QUEUE_PAGE)).all()
    total = len(pending) if len(pending) < QUEUE_PAGE else count_up_to(queue, QUEUE_COUNTED)
    names = member_names(r.member_id for r in pending)
    flags = {r.id: FLAGS[r.flag] for r in pending if r.flag}
    return render_template("activities/approvals.html", pending=pending, total=total, names=names,
                           counted=QUEUE_COUNTED, anomalies=flags, activities=activities_waiting,
                           activity_id=activity_id, only_flagged=only_flagged)


#: the queue's count stops here ("1000+"): counting a backlog past it reads rows nobody looks at
QUEUE_COUNTED = 1000
#: the activities offered in the queue's filter: the latest ones started that have pending hours
WAITING_ACTIVITIES = 60


def _activities_waiting(queue, chosen: int | None) -> list[tuple]:
    """(id, title, starts_at, pending records) of the latest activities started with hours
    waiting in ``queue`` (and the chosen one): one statement, the latest activities by their
    start and each one's count read from the (status, activity) index - a join instead was
    planned as a pass over the whole backlog (row-level security hides how many rows a
    tenant has from the planner)."""
    waiting = queue.with_only_columns(func.count()).where(HourRecord.activity_id == Activity.id) \
        .correlate(Activity).scalar_subquery()
    latest = select(Activity.id, Activity.title, Activity.starts_at, waiting).where(
        Activity.starts_at <= datetime.now(CHINA)).order_by(Activity.starts_at.desc()).limit(WAITING_ACTIVITIES)
    rows = list(db.session.execute(latest))
    if chosen and chosen not in {r[0] for r in rows}:
        rows += list(db.session.execute(latest.order_by(None).limit(None).where(Activity.id == chosen)))
    return sorted((tuple(r) for r in rows if r[3]), key=lambda r: (r[2], r[0]), reverse=True)


@bp.route("/admin/dashboard")
@gate.permission("dashboard.view")
def dashboard():
    """This month's figures by unit; a hub also sees each child tenant's counts (never
    their rows)."""
    from .. import snapshots
    children = snapshots.current("children")[0]["children"] \
        if g.tenant.kind == "hub" and gate.allowed(g.member, "rollup.read") else []
    month = local_today().strftime("%Y-%m")
    figures, computed_at = snapshots.current("dashboard", still_valid=lambda data: data.get("month") == month)
    db.session.commit()   # a snapshot computed now is kept for the next reader
    return render_template("activities/dashboard.html", children=children, computed_at=computed_at, **figures)


