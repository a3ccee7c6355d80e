"""Recruitment: a public application form, screening, interview slots with results, and
acceptance that creates the membership and places the person in a squad.

applied -> shortlisted | rejected; shortlisted -> interview (a slot is booked);
interview -> passed | failed; passed -> accepted (member created, squad placement)."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from sqlalchemy import select
from yinghuo.api import Conflict, Invalid, NotFound, add_member, audit, bump, change_if, db, rate_limit, utcnow

from ..squads import services
from .models import Application, InterviewSlot

PHONE = re.compile(r"^1[3-9]\d{9}$")
REQUIRED = {"name": 100, "phone": 20, "school": 100, "major": 100, "year": 20, "statement": 3000}
OPTIONAL = {"skills": 500}
#: action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "shortlist": ({"applied"}, "shortlisted"),
    "reject": ({"applied", "shortlisted"}, "rejected"),
    "schedule": ({"shortlisted", "interview"}, "interview"),
    "pass": ({"interview"}, "passed"),
    "fail": ({"interview"}, "failed"),
    "accept": ({"passed"}, "accepted"),
}


def check(data: dict) -> dict:
    """Every field's problem at once, as the form shows them."""
    errors, clean = {}, {}
    for key, limit in {**REQUIRED, **OPTIONAL}.items():
        value = (data.get(key) or "").strip()
        if key in REQUIRED and not value:
            errors[key] = ["required"]
        elif len(value) > limit:
            errors[key] = [f"at most {limit} characters"]
        clean[key] = value
    if clean.get("phone") and not PHONE.match(clean["phone"]):
        errors["phone"] = ["an 11-digit mobile number"]
    if errors:
        raise Invalid("The application is incomplete", fields=errors)
    return clean


def apply(data: dict) -> Application:
    """The public form: one application per mobile number, and only so many submissions
    from one address (the kernel's ``public_form`` limit)."""
    rate_limit("public_form")
    clean = check(data)
    if db.session.scalar(select(Application.id).where(Application.phone == clean["phone"])) is not None:
        raise Conflict("An application with this mobile number was already received", code="duplicate",
                       fields={"phone": ["already applied"]})
    row = Application(**clean, status="applied")
    db.session.add(row)
    db.session.flush()
    audit("teams.application", "application", row.id, after={"school": row.school, "major": row.major})
    return row


def get(application_id: int) -> Application:
    row = db.session.scalar(select(Application).where(Application.id == application_id))
    if row is None:
        raise NotFound("no such application")
    return row


def look_up(application_id: int | None, phone: str) -> Application:
    """An applicant's own application, by its number and the mobile number it gave (both
    must match, so numbers cannot be tried one by one; the public-form limit applies)."""
    rate_limit("public_form")
    row = db.session.scalar(select(Application).where(Application.id == (application_id or 0),
                                                      Application.phone == (phone or "").strip()))
    if row is None:
        raise NotFound("No application with this number and mobile number")
    return row


def contact(row: Application, reason: str) -> str:
    """The applicant's full mobile number, for a recruiter who says why (audited): lists show
    it masked, as the kernel shows members' numbers."""
    if not (reason or "").strip():
        raise Invalid("Say why you need the full number", fields={"reason": ["required"]})
    audit("teams.application.contact", "application", row.id, reason=reason.strip()[:500])
    return row.phone


def listing(status: str | None = None) -> list[Application]:
    stmt = select(Application).order_by(Application.created_at, Application.id)
    if status:
        stmt = stmt.where(Application.status == status)
    return list(db.session.scalars(stmt))


def add_slot(*, starts_at: datetime, place: str, capacity: int, interviewers: str = "") -> InterviewSlot:
    if capacity < 1:
        raise Invalid("A slot takes at least one person", fields={"capacity": ["at least 1"]})
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=timezone.utc)
    slot = InterviewSlot(starts_at=starts_at, place=place, capacity=capacity, interviewers=interviewers)
    db.session.add(slot)
    db.session.flush()
    audit("teams.interview_slot", "interview_slot", slot.id, after={"place": place, "capacity": capacity})
    return slot


def slots() -> list[InterviewSlot]:
    return list(db.session.scalars(select(InterviewSlot).order_by(InterviewSlot.starts_at)))


def _book(slot_id: int) -> None:
    """Take a place in the slot, in one conditional UPDATE (never more than its capacity)."""
    if not bump(InterviewSlot, slot_id, "booked", 1, below="capacity"):
        if db.session.scalar(select(InterviewSlot.id).where(InterviewSlot.id == slot_id)) is None:
            raise Invalid("no such interview slot", fields={"slot_id": ["unknown"]})
        raise Conflict("This interview slot is full", code="slot_full", fields={"slot_id": ["full"]})


def _release(slot_id: int) -> None:
    bump(InterviewSlot, slot_id, "booked", -1, min_value=0)


def act(row: Application, action: str, *, note: str = "", slot_id: int | None = None, score: int | None = None,
        squad_id: int | None = None, unit_id: int | None = None) -> Application:
    """Apply one step; conditional on the state seen, so two clerks cannot both accept."""
    if action not in TRANSITIONS:
        raise NotFound("no such action")
    sources, target = TRANSITIONS[action]
    if row.status not in sources:
        raise Conflict(f"cannot {action} an application that is {row.status}", code="bad_transition")
    before, values = row.status, {"status": target}
    if action == "reject" and not note.strip():
        raise Invalid("Give the reason for not taking the application further", fields={"note": ["required"]})
    if action == "schedule":
        if slot_id is None:
            raise Invalid("Choose an interview slot", fields={"slot_id": ["required"]})
        if slot_id != row.slot_id:
            _book(slot_id)
            if row.slot_id is not None:
                _release(row.slot_id)
        values["slot_id"] = slot_id
    if action in ("pass", "fail"):
        if score is None or not 0 <= score <= 100:
            raise Invalid("The interview score is 0 to 100", fields={"score": ["0-100"]})
        values.update(interview_score=score, interview_notes=note.strip())
    elif note.strip():
        values["note"] = note.strip()
    if action in ("reject", "fail", "accept"):
        values["decided_at"] = utcnow()
    if not change_if(row, status=before, values=values):
        raise Conflict(f"the application was {row.status} meanwhile", code="bad_transition")
    if action == "accept":  # in the same transaction: a full squad undoes the acceptance too
        member = add_member({"name": row.name, "phone": row.phone, "unit_id": unit_id, "roles": ["volunteer"]},
                            audit_action="teams.application.accept")
        if squad_id is not None:
            services.add_member(services.get_squad(squad_id), member.id)
        row.member_id = values["member_id"] = member.id
        db.session.flush()
    audit(f"teams.application.{action}", "application", row.id, before={"status": before},
          after={k: v for k, v in values.items() if k != "decided_at"}, reason=note or None)
    return row
