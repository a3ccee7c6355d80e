"""Squad rules: size limits from the tenant's settings, one squad per student, pairings
with history."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from yinghuo.api import Conflict, Invalid, NotFound, audit, db, gate, get_member, get_unit

from ..settings import settings, settings_of
from .models import Pairing, Secretary, Squad, SquadMember


def is_in_squad(member, squad_id: int) -> bool:
    return db.session.scalar(select(SquadMember.id).where(SquadMember.squad_id == squad_id,
                                                          SquadMember.member_id == member.id)) is not None


def get_squad(squad_id: int) -> Squad:
    squad = db.session.scalar(select(Squad).where(Squad.id == squad_id))
    if squad is None:
        raise NotFound("no such squad")
    return squad


def create_squad(name: str) -> Squad:
    if not (name or "").strip():
        raise Invalid("A squad needs a name", fields={"name": ["required"]})
    if db.session.scalar(select(Squad.id).where(Squad.name == name.strip())) is not None:
        raise Conflict("A squad with this name exists", fields={"name": ["taken"]})
    squad = Squad(name=name.strip())
    db.session.add(squad)
    db.session.flush()
    audit("teams.squad.create", "squad", squad.id, after={"name": squad.name})
    return squad


def members_of(squad: Squad) -> list[int]:
    return list(db.session.scalars(select(SquadMember.member_id).where(SquadMember.squad_id == squad.id)
                                   .order_by(SquadMember.id)))


def add_member(squad: Squad, member_id: int, *, leader: bool = False) -> Squad:
    """Add a student; refused with the reason when the squad is full or they are in another."""
    get_member(member_id)
    limit = settings()["squad_max"]
    count = db.session.scalar(select(func.count()).select_from(SquadMember).where(SquadMember.squad_id == squad.id))
    if count >= limit:
        raise Conflict(f"A squad has at most {limit} members (tenant setting teams.squad_max)",
                       code="squad_full", fields={"member_id": [f"squad already has {count}"]})
    if db.session.scalar(select(SquadMember.squad_id).where(SquadMember.member_id == member_id)) is not None:
        raise Conflict("This student is already in a squad", code="in_another_squad",
                       fields={"member_id": ["already in a squad"]})
    db.session.add(SquadMember(squad_id=squad.id, member_id=member_id))
    if leader:
        squad.leader_id = member_id
    db.session.flush()
    audit("teams.squad.member", "squad", squad.id, after={"member": member_id, "leader": leader})
    return squad


def create_secretary(data: dict) -> Secretary:
    if data.get("term_start") and data.get("term_end") and data["term_end"] < data["term_start"]:
        raise Invalid("The term ends before it starts", fields={"term_end": ["before term_start"]})
    secretary = Secretary(**data)
    db.session.add(secretary)
    db.session.flush()
    audit("teams.secretary.create", "secretary", secretary.id, after={"name": secretary.name})
    return secretary


def pair(squad: Squad, *, secretary_id: int, village_id: int, starts_on: date) -> Pairing:
    """Pair a squad with a secretary and a village; the current pairing ends the day before."""
    if db.session.scalar(select(Secretary.id).where(Secretary.id == secretary_id)) is None:
        raise Invalid("no such secretary", fields={"secretary_id": ["unknown"]})
    get_unit(village_id)
    current = current_pairing(squad)
    if current is not None:
        if starts_on <= current.starts_on:
            raise Invalid("A new pairing must start after the current one", fields={"starts_on": ["too early"]})
        current.ends_on = starts_on
    pairing = Pairing(squad_id=squad.id, secretary_id=secretary_id, village_id=village_id, starts_on=starts_on)
    db.session.add(pairing)
    db.session.flush()
    audit("teams.pairing", "squad", squad.id, after={"secretary": secretary_id, "village": village_id,
                                                     "from": starts_on})
    return pairing


def current_pairing(squad: Squad) -> Pairing | None:
    return db.session.scalar(select(Pairing).where(Pairing.squad_id == squad.id, Pairing.ends_on.is_(None)))


def pairings(squad: Squad) -> list[Pairing]:
    return list(db.session.scalars(select(Pairing).where(Pairing.squad_id == squad.id)
                                   .order_by(Pairing.starts_on)))


def squad_of(member) -> Squad | None:
    """The member's squad, if any."""
    if member is None:
        return None
    return db.session.scalar(select(Squad).join(SquadMember, SquadMember.squad_id == Squad.id)
                             .where(SquadMember.member_id == member.id))


def contacts_shown_to(viewer) -> set[int] | None:
    """Whose contact numbers ``viewer`` reads in full: every secretary's (None) for those who
    run squads (``teams.manage``), else those paired now with a squad the viewer leads."""
    if gate.allowed(viewer, "teams.manage"):
        return None
    return set(db.session.scalars(select(Pairing.secretary_id).join(Squad, Squad.id == Pairing.squad_id).where(
        Squad.leader_id == viewer.id, Pairing.ends_on.is_(None))))


def leads_a_squad(member) -> bool:
    return member is not None and db.session.scalar(select(Squad.id).where(Squad.leader_id == member.id)
                                                    .limit(1)) is not None


def ensure_working_groups(tenant) -> list[int]:
    """Units for the tenant's working groups (settings.teams.working_groups), created when
    missing under the tenant's top unit of type "school" if there is one."""
    from yinghuo.api import ensure_unit, units_of_type
    types = tenant.setting("unit_types") or []
    if types and "group" not in types:
        return []
    conf = settings_of(tenant)
    existing = {u.name: u for u in units_of_type("group")}
    schools = units_of_type("school")
    parent = schools[0].id if schools else None
    return [(existing.get(name) or ensure_unit(name, "group", parent)).id for name in conf["working_groups"]]


def working_groups() -> list[dict]:
    """The working groups with how many members each has."""
    from yinghuo.api import members_in_unit_named
    return [{"name": name, "members": len(members_in_unit_named(name))} for name in settings()["working_groups"]]
