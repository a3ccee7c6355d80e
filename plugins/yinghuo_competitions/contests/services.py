"""Competitions: set up (categories, criteria and weights, stages with dates, who may
enter), published, and which stage runs now."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from yinghuo.api import Conflict, Invalid, NotFound, audit, db, find_one, utcnow

from .models import AWARDS, CATEGORIES, CRITERIA, STAGES, Competition

ELIGIBILITY = ("members", "children")


def get_competition(competition_id: int, *, public: bool = False) -> Competition:
    found = find_one(Competition, id=competition_id) if competition_id else None
    if found is None or (public and not found.published):
        raise NotFound("no such competition")
    return found


def competitions(*, published_only: bool = True) -> list[Competition]:
    stmt = select(Competition).order_by(Competition.id.desc())
    return list(db.session.scalars(stmt.where(Competition.published.is_(True)) if published_only else stmt))


def _stages(raw: dict) -> dict:
    """{stage: aware datetime as ISO}, each stage after the one before; submission required."""
    out, last = {}, None
    for stage in STAGES:
        value = (raw or {}).get(stage)
        if value is None:
            continue
        moment = value if isinstance(value, datetime) else None
        if moment is None:
            raise Invalid("Please correct the fields marked below", fields={f"stages.{stage}": ["a date and time"]})
        if last is not None and moment <= last:
            raise Invalid("Each stage starts after the one before", fields={f"stages.{stage}": ["before the last"]})
        out[stage], last = moment.isoformat(), moment
    if "submission" not in out or "review" not in out:
        raise Invalid("Give at least when submission opens and when review starts (the deadline)",
                      fields={"stages": ["submission and review required"]})
    return out


def _criteria(raw) -> list[dict]:
    criteria = raw or [dict(c) for c in CRITERIA]
    keys = [c.get("key") for c in criteria]
    if len(set(keys)) != len(keys) or not all(isinstance(k, str) and k for k in keys):
        raise Invalid("Each criterion needs its own key", fields={"criteria": ["keys missing or repeated"]})
    if any(not isinstance(c.get("max"), int) or c["max"] <= 0 for c in criteria):
        raise Invalid("Each criterion needs a top score above zero", fields={"criteria": ["max above zero"]})
    if sum(int(c.get("weight") or 0) for c in criteria) != 100:
        raise Invalid("The criteria's weights must add up to 100", fields={"criteria": ["weights not 100"]})
    return [{"key": c["key"], "max": c["max"], "weight": int(c["weight"]), "label": c.get("label", "")}
            for c in criteria]


def save(data: dict, *, competition: Competition | None = None) -> Competition:
    """Create or change a competition (its rules, stages and weights); once its results are
    published it no longer changes."""
    if competition is not None and competition.results_published_at is not None:
        raise Conflict("The results are published: the competition no longer changes", code="published")
    categories = data.get("categories") or list(CATEGORIES)
    if len(set(categories)) != len(categories):
        raise Invalid("A category is listed twice", fields={"categories": ["repeated"]})
    if data.get("eligibility", "members") not in ELIGIBILITY:
        raise Invalid("Please correct the fields marked below", fields={"eligibility": ["members or children"]})
    if not 0 <= data.get("vote_weight", 30) <= 100:
        raise Invalid("Please correct the fields marked below", fields={"vote_weight": ["0 to 100"]})
    values = {"name": data["name"].strip()[:200], "description": (data.get("description") or "")[:5000],
              "categories": categories, "criteria": _criteria(data.get("criteria")),
              "stages": _stages(data.get("stages")), "vote_weight": data.get("vote_weight", 30),
              "eligibility": data.get("eligibility", "members"), "trim": bool(data.get("trim")),
              "normalise": bool(data.get("normalise")),
              "finalists_per_category": int(data.get("finalists_per_category") or 10),
              "awards": {**AWARDS, **(data.get("awards") or {})}}
    if competition is None:
        competition = Competition(**values, published=False)
        db.session.add(competition)
    else:
        for key, value in values.items():
            setattr(competition, key, value)
    db.session.flush()
    audit("competitions.save", "competition", competition.id, after={"name": competition.name})
    return competition


def publish(competition: Competition) -> Competition:
    competition.published = True
    audit("competitions.publish", "competition", competition.id)
    return competition


def stage_now(competition: Competition, now: datetime | None = None) -> str | None:
    """The stage running now (None before submission opens)."""
    now = now or utcnow()
    current = None
    for stage in STAGES:
        start = competition.stages.get(stage)
        if start and datetime.fromisoformat(start) <= now:
            current = stage
    return current


def deadline(competition: Competition) -> datetime:
    """Entries are editable until review starts; then each is frozen at its last version."""
    return datetime.fromisoformat(competition.stages["review"])
