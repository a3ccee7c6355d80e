"""Station ledgers (台账): every activity a station held in a month, each with a record and
photos, an evaluation and feedback; the monthly compliance report lists stations under the
minimum number of activities and those with incomplete records, each level its subtree."""
from __future__ import annotations

from sqlalchemy import func, select
from yinghuo.api import (
    Forbidden, Invalid, NotFound, activities_between, audit, db, get_activity, get_unit, photo_type, utcnow,
)

from ..periods import month_bounds
from ..reach import covers, stations_with_activities
from ..settings import settings
from .models import LedgerEntry, LedgerPhoto

MAX_PHOTOS = 9


def station_of(unit_id: int | None) -> int | None:
    """The station an activity's unit belongs to: the unit itself or its nearest station above."""
    if unit_id is None:
        return None
    kind = settings()["station_unit_type"]
    unit = get_unit(unit_id)
    for ancestor in reversed([int(i) for i in unit.path.strip("/").split("/")]):
        if get_unit(ancestor).type == kind:
            return ancestor
    return None


def get_entry(activity_id: int) -> LedgerEntry | None:
    return db.session.scalar(select(LedgerEntry).where(LedgerEntry.activity_id == activity_id))


def photo_counts(entry_ids) -> dict[int, int]:
    ids = list(entry_ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(LedgerPhoto.entry_id, func.count()).where(LedgerPhoto.entry_id.in_(ids))
                                   .group_by(LedgerPhoto.entry_id)).all())


def missing(entry: LedgerEntry | None, photos: int) -> list[str]:
    """What a ledger entry still lacks (codes ``ledger:<part>``): record, photos, evaluation, feedback."""
    if entry is None:
        return ["record", "photos", "evaluation", "feedback"]
    gaps = []
    if not entry.record.strip():
        gaps.append("record")
    if photos == 0:
        gaps.append("photos")
    if entry.evaluation_score is None:
        gaps.append("evaluation")
    if not entry.feedback.strip():
        gaps.append("feedback")
    return gaps


def ledger_activity(activity_id: int, by):
    activity = get_activity(activity_id)
    station = station_of(activity.unit_id)
    if station is None:
        raise NotFound("This activity was not held by a station")
    if not covers(by, station):
        raise Forbidden("Only the station and the levels above it keep its ledger")
    return activity, station


def save_entry(activity_id: int, data: dict, *, by) -> LedgerEntry:
    """Write the record, evaluation and feedback of a station's activity."""
    activity, station = ledger_activity(activity_id, by)
    score = data.get("evaluation_score")
    if score in ("", None):
        score = None
    elif not str(score).isdigit() or not 1 <= int(score) <= 5:
        raise Invalid("Give the evaluation 1 to 5", fields={"evaluation_score": ["1 to 5"]})
    clean = {"record": (data.get("record") or "").strip(), "evaluation": (data.get("evaluation") or "").strip(),
             "feedback": (data.get("feedback") or "").strip()}
    errors = {k: ["too long"] for k, n in (("record", 4000), ("evaluation", 2000),
                                                           ("feedback", 2000)) if len(clean[k]) > n}
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    entry = get_entry(activity.id)
    if entry is None:
        entry = LedgerEntry(activity_id=activity.id, station_id=station)
        db.session.add(entry)
    for key, value in clean.items():
        setattr(entry, key, value)
    entry.evaluation_score = int(score) if score is not None else None
    entry.updated_by, entry.updated_at = by.id, utcnow()
    db.session.flush()
    audit("stations.ledger.save", "activity", activity.id,
          after={"evaluation_score": entry.evaluation_score, "record": bool(entry.record)})
    return entry


def add_photo(activity_id: int, data: bytes, *, by) -> LedgerPhoto:
    activity, station = ledger_activity(activity_id, by)
    kind = photo_type(data)
    entry = get_entry(activity.id)
    if entry is None:
        entry = LedgerEntry(activity_id=activity.id, station_id=station, updated_by=by.id)
        db.session.add(entry)
        db.session.flush()
    if photo_counts([entry.id]).get(entry.id, 0) >= MAX_PHOTOS:
        raise Invalid("An entry keeps at most 9 photos", fields={"photo": ["at most 9"]})
    photo = LedgerPhoto(entry_id=entry.id, mimetype=kind, content=data, added_by=by.id)
    db.session.add(photo)
    db.session.flush()
    audit("stations.ledger.photo", "activity", activity.id)
    return photo


def get_photo(photo_id: int, *, by) -> LedgerPhoto:
    photo = db.session.scalar(select(LedgerPhoto).where(LedgerPhoto.id == photo_id))
    entry = photo and db.session.scalar(select(LedgerEntry).where(LedgerEntry.id == photo.entry_id))
    if photo is None or entry is None or not covers(by, entry.station_id):
        raise NotFound("no such photo")
    return photo


def photos_of(entry: LedgerEntry | None) -> list[int]:
    if entry is None:
        return []
    return list(db.session.scalars(select(LedgerPhoto.id).where(LedgerPhoto.entry_id == entry.id)
                                   .order_by(LedgerPhoto.id)))


def station_month(station_id: int, month: str, *, by) -> list[dict]:
    """A station's ledger for one month: each activity it held with its entry and what it lacks."""
    if get_unit(station_id).type != settings()["station_unit_type"]:
        raise NotFound("no such station")
    if not covers(by, station_id):
        raise NotFound("no such station")
    from yinghuo.api import units_under
    start, end = month_bounds(month)
    activities = activities_between(units_under([station_id]), start, end)
    entries = {e.activity_id: e for e in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.activity_id.in_([a.id for a in activities])))} if activities else {}
    counts = photo_counts(e.id for e in entries.values())
    return [{"activity": a, "entry": entries.get(a.id),
             "missing": missing(entries.get(a.id), counts.get(entries[a.id].id, 0) if a.id in entries else 0)}
            for a in activities]


def report(month: str, *, by) -> list[dict]:
    """Every station in the viewer's reach for one month: activities held, how many have a
    complete ledger entry, and the flags (under the minimum, incomplete records)."""
    start, end = month_bounds(month)
    minimum = settings()["ledger_min_activities"]
    stations, units, held = stations_with_activities(by, start, end)
    activities = [a for found in held.values() for a in found]
    entries = {e.activity_id: e for e in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.activity_id.in_([a.id for a in activities])))} if activities else {}
    counts = photo_counts(e.id for e in entries.values())
    rows = []
    for s in stations:
        complete = sum(1 for a in held[s.id] if a.id in entries
                       and not missing(entries[a.id], counts.get(entries[a.id].id, 0)))
        rows.append({"station": s, "parent": units.get(s.parent_id), "held": len(held[s.id]), "complete": complete,
                     "incomplete": len(held[s.id]) - complete, "under_minimum": len(held[s.id]) < minimum})
    return rows


HEADERS = ["站点", "所属实践所", "月份", "开展活动数", "台账完整", "台账不全", "是否达标", "问题"]


def report_rows(month: str, *, by):
    minimum = settings()["ledger_min_activities"]
    for r in report(month, by=by):
        problems = []
        if r["under_minimum"]:
            problems.append(f"活动少于{minimum}次")
        if r["incomplete"]:
            problems.append(f"{r['incomplete']}次活动台账不全")
        yield [r["station"].name, r["parent"].name if r["parent"] else "", month, r["held"], r["complete"],
               r["incomplete"], "否" if problems else "是", "；".join(problems)]
