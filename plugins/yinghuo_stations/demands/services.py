"""The demand loop (点单、派单、接单、评单): submit, dispatch, accept or decline, serve, finish,
rate; escalation from a station to its institute and centre. One TRANSITIONS table; every
step is a conditional update (two dispatchers at once: one wins, the other gets 409),
audited and written to the demand's timeline."""
from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta

from sqlalchemy import ARRAY, BigInteger, any_, bindparam, func, select, update
from sqlalchemy.orm.attributes import set_committed_value
from yinghuo.api import (
    Conflict, Forbidden, Invalid, NotFound, admin_roots, allowed, audit, change_if, current_tenant_id, db, fetch,
    get_unit, in_subtree, insert_row, rate_limit, unit_ids_under, units_under, utcnow,
)

from ..settings import settings
from .models import CHANNELS, OPEN, Demand, DemandEvent

#: action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "dispatch": ({"new"}, "dispatched"),
    "accept": ({"dispatched"}, "accepted"),
    "decline": ({"dispatched"}, "new"),
    "start": ({"accepted"}, "in_service"),
    "finish": ({"accepted", "in_service"}, "done"),
    "rate": ({"done"}, "rated"),
    "escalate": ({"new", "dispatched"}, "new"),
    "cancel": ({"new", "dispatched", "accepted"}, "cancelled"),
}
#: who may take each action: the dispatchers of the level handling it, or its team
DISPATCHER_ACTIONS = {"dispatch", "escalate", "cancel"}
TEAM_ACTIONS = {"accept", "decline", "start", "finish"}
#: the state whose time limit starts when a demand enters it (setting names)
LIMITS = {"new": "dispatch_within_hours", "dispatched": "accept_within_hours", "accepted": "serve_within_hours",
          "in_service": "serve_within_hours"}
PHONE = re.compile(r"^1[3-9]\d{9}$")
#: how a refusal names a state and an action: phrases of this plugin's own
STATE_WORDS = {"new": "waiting for dispatch", "dispatched": "waiting for its team", "accepted": "taken by its team",
               "in_service": "being served", "done": "served and waiting for a rating",
               "rated": "rated by the resident", "cancelled": "withdrawn"}
ACTION_WORDS = {"dispatch": "sent to a team", "accept": "taken by a team", "decline": "turned down",
                "start": "started", "finish": "marked as served", "rate": "rated", "escalate": "passed up a level",
                "cancel": "withdrawn"}


def get_demand(demand_id: int) -> Demand:
    demand = db.session.scalar(select(Demand).where(Demand.id == demand_id))
    if demand is None:
        raise NotFound("no such demand")
    return demand


def stations() -> list:
    """The tenant's stations: units of the type the settings name."""
    from yinghuo.api import units_of_type
    return units_of_type(settings()["station_unit_type"])


def _due(status: str, now: datetime) -> datetime | None:
    hours = settings().get(LIMITS.get(status, ""), None)
    return now + timedelta(hours=hours) if hours else None


def check(data: dict) -> dict:
    """A demand's fields as people typed them: the reason for each one that is wrong."""
    clean = {k: (data.get(k) or "").strip() for k in ("category", "need", "place", "preferred_time",
                                                         "contact_name", "contact_phone")}
    errors = {}
    if clean["category"] not in settings()["categories"]:
        errors["category"] = ["choose one of the categories"]
    if not clean["need"]:
        errors["need"] = ["say what is needed"]
    if not clean["contact_name"]:
        errors["contact_name"] = ["required"]
    if not PHONE.match(clean["contact_phone"]):
        errors["contact_phone"] = ["must be an 11-digit mainland mobile number"]
    station = _station(data.get("station_id"))
    if station is None:
        errors["station_id"] = ["choose a station"]
    channel = data.get("channel") or "online"
    if channel not in CHANNELS:
        errors["channel"] = [f"one of {', '.join(CHANNELS)}"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    return {**clean, "station_id": station, "channel": channel}


def _station(value) -> int | None:
    """The id of the station chosen (as sent by a form or the API), or None when it names none."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    try:
        unit = get_unit(int(text))
    except NotFound:
        return None
    return unit.id if unit.type == settings()["station_unit_type"] else None


_T = Demand.__table__
#: built once: the latest demand of a phone and category since a moment; a receipt written
_EARLIER = (select(_T.c.id).where(_T.c.tenant_id == bindparam("yh_tenant"), _T.c.contact_phone == bindparam("phone"),
                                  _T.c.category == bindparam("category"),
                                  _T.c.created_at >= bindparam("since", type_=_T.c.created_at.type))
            .order_by(_T.c.id.desc()).limit(1))
_SET_RECEIPT = (update(_T).where(_T.c.tenant_id == bindparam("yh_tenant"), _T.c.id == bindparam("demand_id"))
                .values(receipt=bindparam("new_receipt")))


def submit(data: dict, *, member=None, entered_by=None, slip_photo: bytes | None = None) -> Demand:
    """A new demand at a station, online (the resident) or entered for them (a clerk or a
    firefly volunteer, with the paper slip's channel, serial and photo). A demand of the
    same phone and category shortly before is flagged as a possible duplicate."""
    if entered_by is None:
        rate_limit("public_form")
    clean = check(data)
    now = utcnow()
    tenant_id = current_tenant_id()
    found = fetch(_EARLIER, {"yh_tenant": tenant_id, "phone": clean["contact_phone"], "category": clean["category"],
                             "since": now - timedelta(hours=settings()["duplicate_within_hours"])})
    earlier = found[0].id if found else None
    demand = insert_row(Demand, **clean, slip_serial=(data.get("slip_serial") or None), slip_photo=slip_photo,
                        member_id=member.id if member else None,
                        entered_by=entered_by.id if entered_by else None, level_unit_id=clean["station_id"],
                        status="new", due_at=_due("new", now), duplicate_of=earlier, receipt="pending",
                        created_at=now)
    # the month, then the whole id (unique, unlike a part of it once ids pass a million)
    receipt = f"{now:%y%m}{demand.id:06d}"
    fetch(_SET_RECEIPT, {"yh_tenant": tenant_id, "demand_id": demand.id, "new_receipt": receipt})
    set_committed_value(demand, "receipt", receipt)
    _event(demand, "submit", "new", "new", entered_by or member, note=clean["channel"])
    audit("stations.demand.submit", "demand", demand.id, after={"category": demand.category,
                                                                "channel": demand.channel})
    return demand


def _event(demand: Demand, action: str, before: str, after: str, actor, *, note: str = "") -> None:
    insert_row(DemandEvent, demand_id=demand.id, action=action, from_status=before, to_status=after,
               actor_id=actor.id if actor is not None else None, unit_id=demand.level_unit_id, note=note or "")


def may_dispatch(member, demand: Demand) -> bool:
    """Dispatchers act on demands at a level inside their subtree (all, for tenant admins)."""
    if not allowed(member, "stations.dispatch"):
        return False
    roots = admin_roots(member)
    return roots is None or any(in_subtree(demand.level_unit_id, r) for r in roots) or \
        (member.unit_id is not None and in_subtree(demand.level_unit_id, member.unit_id))


def in_team(member, demand: Demand) -> bool:
    return (member is not None and demand.team_unit_id is not None and member.unit_id is not None
            and in_subtree(member.unit_id, demand.team_unit_id))


def has_slip_photo(demand: Demand) -> bool:
    """Whether a photo of the slip was kept (without loading it)."""
    return db.session.scalar(select(Demand.slip_photo.is_not(None)).where(Demand.id == demand.id)) or False


def follows_station(member, demand: Demand) -> bool:
    """The station a demand was asked at keeps following it after passing it up."""
    if not allowed(member, "stations.intake"):
        return False
    roots = admin_roots(member)
    if roots is None:
        return True
    return any(in_subtree(demand.station_id, r) for r in [*roots, member.unit_id] if r)


def check_can_see(member, demand: Demand) -> None:
    """A demand's details (the resident's phone included) are for its dispatchers, its team
    and the station it was asked at."""
    if not (may_dispatch(member, demand) or in_team(member, demand) or follows_station(member, demand)):
        raise NotFound("no such demand")


#: what the resident sees of each step: the action, when, and the note only where it is for them
PUBLIC_NOTES = {"decline": False, "escalate": False, "cancel": True, "finish": True, "rate": True, "submit": False}


def public_view(demand: Demand) -> dict:
    return {"receipt": demand.receipt, "category": demand.category, "need": demand.need, "status": demand.status,
            "record": demand.record, "rating": demand.rating, "created_at": demand.created_at,
            "steps": [{"action": e.action, "status": e.to_status, "at": e.at,
                       "note": e.note if PUBLIC_NOTES.get(e.action, False) else ""} for e in timeline(demand)]}


def _check_actor(demand: Demand, action: str, actor) -> None:
    if action in DISPATCHER_ACTIONS and not may_dispatch(actor, demand):
        raise Forbidden("Only the dispatchers of the level handling it may do this")
    if action in TEAM_ACTIONS and not (in_team(actor, demand) or may_dispatch(actor, demand)):
        raise Forbidden("Only the team it was dispatched to may do this")


def transition(demand: Demand, action: str, actor, *, note: str = "", team_unit_id: int | None = None,
               rating: int | None = None, by_phone: bool = False) -> Demand:
    """Apply one action of :data:`TRANSITIONS`, conditional on the state seen."""
    if action not in TRANSITIONS:
        raise NotFound("no such action")
    sources, target = TRANSITIONS[action]
    if demand.status not in sources:
        raise Conflict("This demand is %(status)s: it cannot be %(action)s now", code="bad_transition",
                       params={"status": STATE_WORDS[demand.status], "action": ACTION_WORDS[action]})
    if action != "rate" or actor is not None:
        if action == "rate":
            if not allowed(actor, "stations.intake"):
                raise Forbidden("Only a clerk records a rating taken by phone")
        else:
            _check_actor(demand, action, actor)
    now = utcnow()
    values = {"status": target, "due_at": _due(target, now), "overdue_told_at": None}
    values.update(_values_for(demand, action, note=note, team_unit_id=team_unit_id, rating=rating,
                              by_phone=by_phone))
    before = demand.status
    if not change_if(demand, status=before, level_unit_id=demand.level_unit_id, values=values):
        raise Conflict("Someone else acted on this demand first: it is %(status)s now", code="bad_transition",
                       params={"status": STATE_WORDS[demand.status]})
    _event(demand, action, before, target, actor, note=note)
    audit(f"stations.demand.{action}", "demand", demand.id, before={"status": before}, after={"status": target},
          reason=note or None)
    return demand


def _values_for(demand: Demand, action: str, *, note: str, team_unit_id, rating, by_phone) -> dict:
    """What an action changes besides the state, with its own checks."""
    if action == "dispatch":
        if team_unit_id is None:
            raise Invalid("Choose the team", fields={"team_unit_id": ["required"]})
        if get_unit(team_unit_id).type != settings()["team_unit_type"] or \
                not in_subtree(team_unit_id, demand.level_unit_id):
            raise Invalid("Send it to a team of this level; pass it up for a team higher up",
                          fields={"team_unit_id": ["not a team of this level"]})
        return {"team_unit_id": team_unit_id}
    if action in ("decline", "escalate", "cancel") and not note.strip():
        raise Invalid("Give the reason", fields={"note": ["required"]})
    if action == "decline":
        return {"team_unit_id": None}
    if action == "escalate":
        level = get_unit(demand.level_unit_id)
        if level.parent_id is None:
            raise Conflict("This demand is already at the top level", code="top_level")
        return {"level_unit_id": level.parent_id, "team_unit_id": None}
    if action == "finish" and not note.strip():
        raise Invalid("Say what was done", fields={"note": ["required"]})
    if action == "finish":
        due = demand.due_at
        if due is not None and due.tzinfo is None:
            due = due.replace(tzinfo=utcnow().tzinfo)
        return {"record": note.strip()[:2000], "finished_on_time": due is None or utcnow() <= due}
    if action == "rate":
        if rating is None or not 1 <= rating <= 5:
            raise Invalid("Give 1 to 5 stars", fields={"rating": ["1 to 5"]})
        return {"rating": rating, "rating_comment": note.strip()[:500], "rated_by_phone": by_phone}
    return {}


def send_to_team(demand: Demand, *, team_unit_id: int, level_unit_id: int, project_id: int | None = None) -> Demand:
    """A new demand ordered from a station's menu goes straight to the project's team,
    handled by the level holding both (it comes back there if the team declines)."""
    now = utcnow()
    if not change_if(demand, status="new", values={"status": "dispatched", "team_unit_id": team_unit_id,
                                                   "level_unit_id": level_unit_id, "project_id": project_id,
                                                   "due_at": _due("dispatched", now)}):
        raise Conflict("Someone else acted on this demand first", code="bad_transition")
    _event(demand, "order", "new", "dispatched", None, note="")
    audit("stations.demand.order", "demand", demand.id, after={"team_unit_id": team_unit_id,
                                                               "project_id": project_id})
    return demand


def look_up(receipt: str, phone_tail: str) -> Demand:
    """A demand by its receipt number and the last four digits of its contact phone (both
    must match; the public-form limit applies, so receipts cannot be tried one by one)."""
    rate_limit("public_form")
    demand = db.session.scalar(select(Demand).where(Demand.receipt == (receipt or "").strip()))
    if demand is None or not (phone_tail or "").strip() or demand.contact_phone[-4:] != phone_tail.strip():
        raise NotFound("No demand with this receipt number and phone")
    return demand


def mine(member, limit: int = 50) -> list[Demand]:
    """The demands a signed-in resident asked for themselves, newest first."""
    return list(db.session.scalars(select(Demand).where(Demand.member_id == member.id)
                                   .order_by(Demand.id.desc()).limit(limit)))


def rate_own(demand_id: int, member, *, rating, note: str = "") -> Demand:
    """A signed-in resident rates a demand of their own once it is done."""
    demand = get_demand(demand_id)
    if demand.member_id is None or demand.member_id != member.id:
        raise NotFound("no such demand")
    return transition(demand, "rate", None, note=note, rating=rating)


def timeline(demand: Demand) -> list[DemandEvent]:
    return list(db.session.scalars(select(DemandEvent).where(DemandEvent.demand_id == demand.id)
                                   .order_by(DemandEvent.at, DemandEvent.id)))


#: what the board lists of a demand: no resident's name or phone (the demand's own page has them)
BOARD_FIELDS = ("id", "receipt", "category", "need", "place", "preferred_time", "channel", "slip_serial", "station_id",
                "level_unit_id", "team_unit_id", "status", "due_at", "rating", "duplicate_of", "project_id",
                "created_at")


def board(member, *, status: str | None = None, level_unit_id: int | None = None, overdue: bool = False,
          page: int = 1, per_page: int = 50) -> tuple[list, int]:
    """The dispatch board: demands at levels inside the viewer's subtree (all for tenant
    admins), newest first, filtered by state, level and overdue; rows of BOARD_FIELDS."""
    levels = None
    roots = admin_roots(member)
    if roots is not None:
        levels = unit_ids_under(roots or ([member.unit_id] if member.unit_id else []))
    if level_unit_id:
        asked = unit_ids_under([level_unit_id])
        levels = asked if levels is None else levels & asked
    if levels is not None and not levels:
        return [], 0
    count, rows = _board_statements(levels is not None, bool(status), overdue, db.engine.dialect.name)
    params = {"yh_tenant": current_tenant_id(), "levels": sorted(levels or ()), "status": status,
              "now": utcnow(), "limit": per_page, "offset": (page - 1) * per_page}
    return fetch(rows, params), fetch(count, params)[0][0]


@functools.lru_cache(maxsize=16)
def _board_statements(by_level: bool, by_status: bool, overdue: bool, dialect: str):
    """The board's count and page statements, built once per shape; the levels are one
    array on PostgreSQL (one prepared statement whatever their number)."""
    t = Demand.__table__
    where = [t.c.tenant_id == bindparam("yh_tenant")]
    if by_level:
        where.append(t.c.level_unit_id == any_(bindparam("levels", type_=ARRAY(BigInteger))) if dialect ==
                     "postgresql" else t.c.level_unit_id.in_(bindparam("levels", expanding=True)))
    if by_status:
        where.append(t.c.status == bindparam("status"))
    if overdue:
        where += [t.c.status.in_(OPEN), t.c.due_at < bindparam("now", type_=t.c.due_at.type)]
    count = select(func.count()).select_from(t).where(*where)
    page = (select(*[t.c[name] for name in BOARD_FIELDS]).where(*where).order_by(t.c.id.desc())
            .limit(bindparam("limit")).offset(bindparam("offset")))
    return count, page


def team_inbox(member) -> list[Demand]:
    """Demands dispatched to the member's team (and the teams inside it), open ones."""
    if member is None or member.unit_id is None:
        return []
    return list(db.session.scalars(select(Demand).where(
        Demand.status.in_(("dispatched", "accepted", "in_service")),
        Demand.team_unit_id.in_(select(units_under([member.unit_id]).subquery().c.id)))
        .order_by(Demand.due_at, Demand.id)))


def teams_for(demand: Demand) -> list:
    """Units a dispatcher may send this demand to: teams in the handling level's subtree."""
    from yinghuo.api import units_of_type
    under = set(db.session.scalars(units_under([demand.level_unit_id])))
    return [u for u in units_of_type(settings()["team_unit_type"]) if u.id in under]


def escalate_overdue(tenant_id: int | None = None, now: str | None = None) -> int:
    """Periodic job: a dispatched demand nobody accepted within the time limit goes back up a
    level (the team is released); other open demands past their limit are listed as
    overdue and their dispatchers told once. Returns how many moved up."""
    from yinghuo.api import notify
    moment = datetime.fromisoformat(now) if now else utcnow()
    moved = 0
    stale = db.session.scalars(select(Demand).where(Demand.status == "dispatched", Demand.due_at < moment)).all()
    for demand in stale:
        level = get_unit(demand.level_unit_id)
        if level.parent_id is None:
            continue
        if change_if(demand, status="dispatched", level_unit_id=level.id, values={
                "status": "new", "level_unit_id": level.parent_id, "team_unit_id": None,
                "due_at": moment + timedelta(hours=settings()["dispatch_within_hours"])}):
            _event(demand, "escalate", "dispatched", "new", None, note="not accepted in time")
            audit("stations.demand.escalate", "demand", demand.id, reason="not accepted in time")
            moved += 1
    late = db.session.scalars(select(Demand).where(Demand.status.in_(OPEN), Demand.due_at < moment,
                                                   Demand.overdue_told_at.is_(None))).all()
    for demand in late:
        if change_if(demand, overdue_told_at=None, status=demand.status, values={"overdue_told_at": moment}):
            for member_id in _dispatchers_of(demand):
                notify(member_id, "stations_overdue", link=f"/stations/demands/{demand.id}",
                       title="Demand overdue", body="Demand %(receipt)s is past its time limit (%(status)s).",
                       receipt=demand.receipt, status=STATE_WORDS[demand.status])
    db.session.commit()
    return moved


def _dispatchers_of(demand: Demand) -> list[int]:
    """Who hears of an overdue demand: unit admins and clerks whose unit holds the handling
    level, or the tenant's admins when nobody does."""
    from yinghuo.api import get_member, members_with_role
    ids = set()
    for role in ("unit_admin", "clerk"):
        for member_id in members_with_role(role):
            unit_id = get_member(member_id).unit_id
            if unit_id is not None and in_subtree(demand.level_unit_id, unit_id):
                ids.add(member_id)
    return sorted(ids) or members_with_role("tenant_admin")
