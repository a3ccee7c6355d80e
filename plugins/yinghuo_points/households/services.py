"""Households: create one with its head and members, add or remove a person; the account a
person earns into and spends from (the household's where the tenant chooses household earning)."""
from __future__ import annotations

from sqlalchemy import func, select
from yinghuo.api import Conflict, Invalid, NotFound, audit, db, find_one, get_member, get_unit

from ..settings import settings
from .models import Household, HouseholdMember


def get_household(household_id: int) -> Household:
    found = find_one(Household, id=household_id) if household_id else None
    if found is None:
        raise NotFound("no such household")
    return found


def household_of(member_id: int) -> Household | None:
    return db.session.scalar(select(Household).join(HouseholdMember, HouseholdMember.household_id == Household.id)
                             .where(HouseholdMember.member_id == member_id))


def member_ids(household_id: int) -> list[int]:
    return list(db.session.scalars(select(HouseholdMember.member_id).where(
        HouseholdMember.household_id == household_id).order_by(HouseholdMember.member_id)))


def households(unit_id: int | None = None) -> list[dict]:
    """Households (of one village) with their sizes, by village and name."""
    sizes = (select(HouseholdMember.household_id, func.count().label("n"))
             .group_by(HouseholdMember.household_id).subquery())
    stmt = (select(Household, func.coalesce(sizes.c.n, 0)).outerjoin(sizes, sizes.c.household_id == Household.id)
            .order_by(Household.unit_id, Household.name, Household.id))
    if unit_id:
        stmt = stmt.where(Household.unit_id == unit_id)
    return [{"household": h, "size": n} for h, n in db.session.execute(stmt).all()]


def create(data: dict, *, by) -> Household:
    """A household of a village with its head, who is its first member."""
    name = (data.get("name") or "").strip()
    errors = {}
    if not name:
        errors["name"] = ["required"]
    if not data.get("unit_id"):
        errors["unit_id"] = ["required"]
    if not data.get("head_member_id"):
        errors["head_member_id"] = ["required"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    get_unit(data["unit_id"])
    household = Household(name=name[:60], unit_id=data["unit_id"], head_member_id=data["head_member_id"])
    db.session.add(household)
    db.session.flush()
    for member_id in dict.fromkeys([data["head_member_id"], *(data.get("member_ids") or [])]):
        add_member(household, member_id, field="head_member_id" if member_id == data["head_member_id"]
                   else "member_ids")
    audit("points.household.create", "household", household.id, after={"name": household.name})
    return household


def add_member(household: Household, member_id: int, *, field: str = "member_id") -> None:
    """Put a person in this household; one household per person."""
    person = get_member(member_id)
    elsewhere = household_of(person.id)
    if elsewhere is not None:
        if elsewhere.id == household.id:
            return
        raise Conflict("%(name)s already belongs to the household %(household)s", code="in_household",
                       fields={field: ["already in a household"]},
                       params={"name": person.name, "household": elsewhere.name})
    db.session.add(HouseholdMember(household_id=household.id, member_id=person.id))
    db.session.flush()


def remove_member(household: Household, member_id: int) -> None:
    if member_id == household.head_member_id:
        raise Conflict("Choose another head before removing the head of the household", code="head",
                       fields={"member_id": ["the head"]})
    row = db.session.scalar(select(HouseholdMember).where(HouseholdMember.household_id == household.id,
                                                          HouseholdMember.member_id == member_id))
    if row is None:
        raise NotFound("not a member of this household")
    db.session.delete(row)
    audit("points.household.remove", "household", household.id, after={"member_id": member_id})


def set_head(household: Household, member_id: int) -> None:
    if member_id not in member_ids(household.id):
        raise Invalid("The head must be a member of the household", fields={"head_member_id": ["not a member"]})
    household.head_member_id = member_id
    audit("points.household.head", "household", household.id, after={"head_member_id": member_id})


def holder_account(member_id: int, *, with_account: str | None = None):
    """The account a person's points go to and are spent from: the household's where the
    tenant chooses household earning and the person belongs to one, else their own. With
    ``with_account`` (a key such as "redemption"), that account too, read in the same query."""
    from ..ledger.services import account, accounts, member_account
    key, owner = f"member:{member_id}", {"member_id": member_id}
    if settings()["household_earning"]:
        household = household_of(member_id)
        if household is not None:
            key, owner = f"household:{household.id}", {"household_id": household.id}
    if with_account is not None:
        return accounts(key, with_account, **owner)
    return account(key, **owner) if "household_id" in owner else member_account(member_id)


def household_account(household_id: int):
    from ..ledger.services import account
    get_household(household_id)
    return account(f"household:{household_id}", household_id=household_id)
