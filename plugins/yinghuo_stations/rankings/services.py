"""Satisfaction and ranking: residents' periodic survey of a station, and the quarterly
ranking of stations from activities held, demands served on time, residents' ratings and
survey scores, weighed by the tenant's settings. Each level ranks its own subtree."""
from __future__ import annotations

import math

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from yinghuo.api import (
    Conflict, Invalid, NotFound, audit, db, get_unit, keyed_digest, rate_limit,
)

from ..demands.models import Demand
from ..demands.services import PHONE
from ..periods import quarter_bounds, this_quarter
from ..reach import stations_with_activities
from ..settings import settings
from .models import StationSurvey

PARTS = ("activities", "on_time", "rating", "survey")


def answer(station_id: int, data: dict) -> StationSurvey:
    """A resident's survey of a station this quarter: 1-5 and a comment, once per phone."""
    rate_limit("public_form")
    if get_unit(station_id).type != settings()["station_unit_type"]:
        raise NotFound("no such station")
    score, phone = data.get("score"), (data.get("contact_phone") or "").strip()
    errors = {}
    if score in (None, "") or not str(score).isdigit() or not 1 <= int(score) <= 5:
        errors["score"] = ["1 to 5"]
    if not PHONE.match(phone):
        errors["contact_phone"] = ["must be an 11-digit mainland mobile number"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    row = StationSurvey(station_id=station_id, quarter=this_quarter(), score=int(score),
                        comment=(data.get("comment") or "").strip()[:500], phone_digest=keyed_digest(phone))
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise Conflict("This phone has already answered for this station this quarter", code="already_answered")
    audit("stations.survey.answer", "unit", station_id, after={"score": row.score})
    return row


def ranking(quarter: str, *, by) -> list[dict]:
    """Stations in the viewer's reach, best first, with each part's raw figure, its 0-1
    score, the weighted total (0-100) and whether it is in the top third."""
    start, end = quarter_bounds(quarter)
    conf = settings()
    weights = conf["ranking_weights"]
    stations, units, activities = stations_with_activities(by, start, end)
    ids = [s.id for s in stations]
    held = {i: len(activities[i]) for i in ids}
    in_quarter = (Demand.station_id.in_(ids), Demand.created_at >= start, Demand.created_at < end)
    finished = dict(db.session.execute(select(Demand.station_id, func.count()).where(
        *in_quarter, Demand.finished_on_time.is_not(None)).group_by(Demand.station_id)).all())
    on_time = dict(db.session.execute(select(Demand.station_id, func.count()).where(
        *in_quarter, Demand.finished_on_time.is_(True)).group_by(Demand.station_id)).all())
    ratings = dict(db.session.execute(select(Demand.station_id, func.avg(Demand.rating)).where(
        *in_quarter, Demand.rating.is_not(None)).group_by(Demand.station_id)).all())
    surveys = dict(db.session.execute(select(StationSurvey.station_id, func.avg(StationSurvey.score)).where(
        StationSurvey.station_id.in_(ids), StationSurvey.quarter == quarter).group_by(StationSurvey.station_id)).all())
    target = 3 * conf["ledger_min_activities"]
    rows = []
    for s in stations:
        raw = {"activities": held[s.id],
               "on_time": on_time.get(s.id, 0) / finished[s.id] if finished.get(s.id) else None,
               "rating": float(ratings[s.id]) if ratings.get(s.id) is not None else None,
               "survey": float(surveys[s.id]) if surveys.get(s.id) is not None else None}
        part = {"activities": min(raw["activities"] / target, 1.0) if target else float(raw["activities"] > 0),
                "on_time": raw["on_time"] or 0.0,
                "rating": (raw["rating"] - 1) / 4 if raw["rating"] is not None else 0.0,
                "survey": (raw["survey"] - 1) / 4 if raw["survey"] is not None else 0.0}
        total_weight = sum(weights[p] for p in PARTS) or 1
        score = round(100 * sum(weights[p] * part[p] for p in PARTS) / total_weight, 1)
        rows.append({"station": s, "parent": units.get(s.parent_id), "raw": raw, "part": part, "score": score})
    rows.sort(key=lambda r: (-r["score"], r["station"].name))
    top = math.ceil(len(rows) / 3)
    for place, row in enumerate(rows, 1):
        row["place"], row["top_third"] = place, place <= top
    return rows


HEADERS = ["名次", "站点", "所属实践所", "开展活动", "按时办结率", "群众评分", "满意度调查", "综合得分", "前三分之一"]


def ranking_rows(quarter: str, *, by):
    for r in ranking(quarter, by=by):
        raw = r["raw"]
        yield [r["place"], r["station"].name, r["parent"].name if r["parent"] else "", raw["activities"],
               f"{raw['on_time'] * 100:.0f}%" if raw["on_time"] is not None else "",
               round(raw["rating"], 2) if raw["rating"] is not None else "",
               round(raw["survey"], 2) if raw["survey"] is not None else "", r["score"],
               "是" if r["top_third"] else "否"]
