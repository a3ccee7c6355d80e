"""The published item list and awards under public notice (公示).

An award is entered by a clerk or village admin (as the item says), shown on the village's
notice page for ``notice_days`` and then credited by the periodic job, unless a villager's
objection holds it; the admin upholds an objection (the award is cancelled and never
credits) or dismisses it (the notice runs on, or the award credits if its period is over).
Nothing credited is ever edited: a mistake is answered by an adjustment."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select
from yinghuo.api import (Conflict, DomainError, Invalid, NotFound, audit, db, find_one, gate, get_member,
                         get_unit, members_with_role, notify, photo_type, utcnow)

from ..households.services import get_household, holder_account, household_account
from ..ledger.services import account, post
from ..settings import settings
from .models import AWARDERS, EVIDENCE, Award, Item, Objection

#: the permission each kind of awarder needs
AWARD_PERMISSION = {"clerk": "points.award", "admin": "points.adjust"}


def get_item(item_id: int) -> Item:
    found = find_one(Item, id=item_id) if item_id else None
    if found is None:
        raise NotFound("no such item")
    return found


def items(unit_id: int | None = None, *, active_only: bool = True) -> list[Item]:
    """The tenant's list, with a village's own items when ``unit_id`` is given; additions first."""
    stmt = select(Item).where(Item.unit_id.is_(None) | (Item.unit_id == unit_id) if unit_id else True)
    if active_only:
        stmt = stmt.where(Item.active.is_(True))
    return list(db.session.scalars(stmt.order_by(Item.points < 0, Item.category, Item.name, Item.id)))


def create_item(data: dict) -> Item:
    errors = {}
    if data.get("awarded_by", "clerk") not in AWARDERS:
        errors["awarded_by"] = [f"one of {', '.join(AWARDERS)}"]
    if data.get("evidence", "none") not in EVIDENCE:
        errors["evidence"] = [f"one of {', '.join(EVIDENCE)}"]
    if not data.get("points"):
        errors["points"] = ["a whole number, not zero"]
    if not (data.get("name") or "").strip():
        errors["name"] = ["required"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    if data.get("unit_id"):
        get_unit(data["unit_id"])
    item = Item(name=data["name"].strip()[:100], category=(data.get("category") or "").strip()[:40],
                points=data["points"], awarded_by=data.get("awarded_by", "clerk"),
                evidence=data.get("evidence", "none"), unit_id=data.get("unit_id") or None, active=True)
    db.session.add(item)
    db.session.flush()
    audit("points.item.create", "points_item", item.id, after={"name": item.name, "points": item.points})
    return item


def retire_item(item_id: int) -> Item:
    item = get_item(item_id)
    item.active = False
    audit("points.item.retire", "points_item", item.id)
    return item


def award(data: dict, *, by, key: str, photo: bytes | None = None) -> tuple[Award, bool]:
    """Award an item to a person or a household; ``key`` makes a retried request award once.
    Returns the award and whether it is new."""
    if not (key or "").strip():
        raise Invalid("Please correct the fields marked below", fields={"idempotency_key": ["required"]})
    key = key.strip()[:80]
    earlier = db.session.scalar(select(Award).where(Award.awarded_by == by.id, Award.idempotency_key == key))
    if earlier is not None:
        return earlier, False
    item = get_item(data.get("item_id"))
    gate.demand(AWARD_PERMISSION[item.awarded_by], by)
    target_unit, member_id, household_id = _target(data)
    unit_id = data.get("unit_id") or target_unit
    errors = {}
    if not item.active:
        errors["item_id"] = ["retired"]
    if not unit_id:
        errors["unit_id"] = ["required"]
    elif item.unit_id and item.unit_id != unit_id:
        errors["item_id"] = ["another village's item"]
    note = (data.get("note") or "").strip()
    if item.evidence in ("note", "photo") and not note:
        errors["note"] = ["required for this item"]
    if item.evidence == "photo" and not photo:
        errors["photo"] = ["required for this item"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    get_unit(unit_id)
    row = Award(item_id=item.id, unit_id=unit_id, member_id=member_id, household_id=household_id, points=item.points,
                note=note[:500], photo=photo, photo_type=photo_type(photo) if photo else None, status="notice",
                notice_until=utcnow() + timedelta(days=settings()["notice_days"]), awarded_by=by.id,
                idempotency_key=key)
    if item.points < 0:
        _check_balance(row)
    db.session.add(row)
    db.session.flush()
    audit("points.award.create", "points_award", row.id, after={"item": item.name, "points": item.points,
                                                                "member_id": member_id, "household_id": household_id})
    if settings()["notice_days"] == 0:
        credit(row)
    return row, True


def _target(data: dict) -> tuple[int | None, int | None, int | None]:
    """(the target's village, member id, household id): exactly one of the two ids."""
    member_id, household_id = data.get("member_id"), data.get("household_id")
    if bool(member_id) == bool(household_id):
        raise Invalid("Award to a person or to a household", fields={"member_id": ["give a person or a household"]})
    if household_id:
        return get_household(household_id).unit_id, None, household_id
    return get_member(member_id).unit_id, member_id, None


def _account_of(award_row: Award):
    if award_row.household_id:
        return household_account(award_row.household_id)
    return holder_account(award_row.member_id)


def _check_balance(award_row: Award) -> None:
    target = _account_of(award_row)
    if not settings()["allow_negative"] and target.balance + award_row.points < 0:
        raise Conflict("Not enough points: the balance is %(balance)s", code="insufficient_points",
                       params={"balance": target.balance})


def credit(award_row: Award, *, at=None) -> None:
    """Post the award to the ledger (once: the award's id is the entry's source). A deduction
    the balance no longer covers fails and is reported, never taken below zero."""
    target, issuing = _account_of(award_row), account("issuing")
    debit, credit_to = (issuing, target) if award_row.points > 0 else (target, issuing)
    try:
        with db.session.begin_nested():
            entry, _ = post(debit, credit_to, abs(award_row.points), kind="item", source="award",
                            source_id=award_row.id, note=award_row.note[:200], at=at)
    except DomainError as refused:
        award_row.status, award_row.outcome = "failed", refused.message
        audit("points.award.fail", "points_award", award_row.id, after={"outcome": award_row.outcome})
        return
    award_row.status, award_row.entry_id, award_row.credited_at = "credited", entry.id, at or utcnow()
    audit("points.award.credit", "points_award", award_row.id, after={"entry": entry.seq})


def credit_due(tenant_id: int | None = None, now: str | None = None) -> dict:
    """Periodic job: credit every award whose notice is over and that no objection holds."""
    due = list(db.session.scalars(select(Award).where(Award.status == "notice", Award.notice_until <= utcnow())
                                  .order_by(Award.id).limit(500)))
    for row in due:
        credit(row)
    db.session.commit()
    return {"credited": sum(1 for r in due if r.status == "credited"), "failed": sum(1 for r in due
                                                                                     if r.status == "failed")}


def get_award(award_id: int) -> Award:
    found = find_one(Award, id=award_id) if award_id else None
    if found is None:
        raise NotFound("no such award")
    return found


def object_to(award_id: int, *, name: str, reason: str, member=None) -> Objection:
    """A villager's objection: the award is held for the admin's decision."""
    row = get_award(award_id)
    errors = {}
    if not (name or "").strip():
        errors["name"] = ["required"]
    if not (reason or "").strip():
        errors["reason"] = ["required"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    if row.status not in ("notice", "held"):
        raise Conflict("This award is no longer under public notice", code="not_on_notice")
    objection = Objection(award_id=row.id, name=name.strip()[:40], reason=reason.strip()[:500],
                          member_id=member.id if member is not None else None)
    db.session.add(objection)
    row.status = "held"
    db.session.flush()
    audit("points.award.object", "points_award", row.id, after={"objection": objection.id})
    for admin_id in members_with_role("tenant_admin"):
        notify(admin_id, "points_objection", link="/points/objections", title="An award is objected to",
               body=objection.reason[:200])
    return objection


def get_objection(objection_id: int) -> Objection:
    found = find_one(Objection, id=objection_id) if objection_id else None
    if found is None:
        raise NotFound("no such objection")
    return found


def decide(objection_id: int, *, uphold: bool, note: str, by) -> Objection:
    """Uphold (the award is cancelled) or dismiss (the notice runs on; past its end, it credits)."""
    objection = get_objection(objection_id)
    if objection.status != "open":
        raise Conflict("This objection has been decided", code="decided")
    if not (note or "").strip():
        raise Invalid("Please correct the fields marked below", fields={"note": ["required"]})
    objection.status, objection.decision = ("upheld" if uphold else "dismissed"), note.strip()[:500]
    objection.decided_by, objection.decided_at = by.id, utcnow()
    row = get_award(objection.award_id)
    audit("points.objection." + objection.status, "points_award", row.id, reason=objection.decision)
    if uphold:
        row.status, row.outcome = "cancelled", objection.decision
        for other in open_objections(row.id):
            other.status, other.decision, other.decided_by, other.decided_at = "upheld", objection.decision, by.id, \
                utcnow()
    elif not open_objections(row.id):
        row.status = "notice"
        if row.notice_until <= utcnow():
            credit(row)
    return objection


def open_objections(award_id: int | None = None) -> list[Objection]:
    stmt = select(Objection).where(Objection.status == "open")
    if award_id is not None:
        stmt = stmt.where(Objection.award_id == award_id)
    return list(db.session.scalars(stmt.order_by(Objection.id)))


def withdraw(award_id: int, *, reason: str, by) -> Award:
    """The admin takes back an award still under notice."""
    row = get_award(award_id)
    if row.status not in ("notice", "held"):
        raise Conflict("Only an award under notice can be withdrawn", code="not_on_notice")
    if not (reason or "").strip():
        raise Invalid("Please correct the fields marked below", fields={"reason": ["required"]})
    row.status, row.outcome = "cancelled", reason.strip()[:500]
    audit("points.award.withdraw", "points_award", row.id, reason=row.outcome)
    return row


def notice(unit_id: int, *, days_back: int = 30) -> list[Award]:
    """A village's notice board: awards under notice or held, and those decided lately."""
    since = utcnow() - timedelta(days=days_back)
    return list(db.session.scalars(select(Award).where(Award.unit_id == unit_id, or_(
        Award.status.in_(("notice", "held")), Award.created_at >= since)).order_by(Award.id.desc()).limit(300)))


def notice_rows(unit_id: int, *, masked: bool = True) -> list[dict]:
    """The notice board as people see it: the item, the points, who (a person's name masked
    on the public page), the note, the state and the end of the notice."""
    from yinghuo.api import mask_name, member_names
    from ..households.models import Household
    rows = notice(unit_id)
    names = member_names({r.member_id for r in rows if r.member_id})
    houses = {h.id: h.name for h in db.session.scalars(select(Household).where(
        Household.id.in_({r.household_id for r in rows if r.household_id} or {0})))}
    items_by_id = {i.id: i.name for i in db.session.scalars(select(Item).where(Item.id.in_({r.item_id for r in rows}
                                                                                          or {0})))}
    out = []
    for r in rows:
        who = houses.get(r.household_id, "") if r.household_id else names.get(r.member_id, "")
        out.append({"id": r.id, "item": items_by_id.get(r.item_id, ""), "points": r.points, "note": r.note,
                    "who": mask_name(who) if masked and r.member_id else who, "status": r.status,
                    "notice_until": r.notice_until, "award": r})
    return out


def who(award_row: Award) -> str:
    """The name of the person or household an award is for."""
    if award_row.household_id:
        return get_household(award_row.household_id).name
    return get_member(award_row.member_id).name
