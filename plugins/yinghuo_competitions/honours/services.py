"""Honour selections, the competitions engine made lighter: nominations (by members or the
organisers) instead of projects, an optional public vote, the organisers' decision, and a
certificate for each honoured one. The monthly volunteer star is pre-filled from the
kernel's hours ranking; the "four best" is a yearly selection of four categories."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale, gettext as _
from yinghuo.api import Conflict, Invalid, audit, db, find_one, get_member, get_unit, hours_ranking, utcnow

from ..contests.models import Competition
from ..contests.services import get_competition, save, stage_now
from ..entries.models import Entry, EntryVersion

#: the four best, yearly (msgids ``category:<key>``); person categories name a member
FOUR_BEST = ("best_team", "admired_volunteer", "brightest_firefly", "best_project")
PERSON_CATEGORIES = ("star", "admired_volunteer", "brightest_firefly")


def _stages(days_open: int, vote_days: int) -> dict:
    now = utcnow()
    stages = {"submission": now - timedelta(minutes=1), "review": now + timedelta(days=days_open)}
    after = stages["review"] + timedelta(days=1)
    if vote_days:
        stages["voting"] = after
        after = after + timedelta(days=vote_days)
    stages["results"] = after
    return stages


def _selection(name: str, categories: list[str], *, days_open: int, vote_days: int) -> Competition:
    competition = save({"name": name, "categories": categories, "stages": _stages(days_open, vote_days),
                        "vote_weight": 0, "eligibility": "members"})
    competition.kind = "honour"
    competition.published = True
    return competition


def monthly_star(month: str, *, count: int, by, vote_days: int = 0) -> Competition:
    """The month's volunteer-star selection, its nominations the top of the hours ranking."""
    ranked = hours_ranking(month, limit=count)
    year, number = month.split("-")
    with force_locale("zh_Hans_CN"):
        name = _("Volunteer star of %(year)s-%(month)s", year=year, month=number)
    competition = _selection(name, ["star"], days_open=3, vote_days=vote_days)
    for row in ranked:
        _nomination(competition, "star", row["member_id"], reason=_hours_reason(row["hours"]), by=by,
                    accepted=True)
    audit("competitions.honour.star", "competition", competition.id, after={"month": month,
                                                                           "nominations": len(ranked)})
    return competition


def _hours_reason(hours) -> str:
    with force_locale("zh_Hans_CN"):
        return _("%(hours)s hours of service this month", hours=hours)


def four_best(year: int, *, by, days_open: int = 30, vote_days: int = 7) -> Competition:
    """The year's four-best selection: nominations open now in the four categories."""
    with force_locale("zh_Hans_CN"):
        name = _("The four best of %(year)s", year=year)
    competition = _selection(name, list(FOUR_BEST), days_open=days_open, vote_days=vote_days)
    audit("competitions.honour.four_best", "competition", competition.id, after={"year": year})
    return competition


def _nomination(competition, category: str, nominee_id: int | None, *, reason: str, by, title: str = "",
                accepted: bool = False) -> Entry:
    if nominee_id is not None:
        member = get_member(nominee_id)
        title, team = member.name, get_unit(member.unit_id).name if member.unit_id else ""
    else:
        team = ""
    entry = Entry(competition_id=competition.id, entrant_id=by.id, nominee_id=nominee_id, title=title[:200],
                  team_name=(team or title)[:200], category=category, summary=(reason or "").strip()[:5000],
                  sections={}, status="accepted" if accepted else "submitted", version=1)
    db.session.add(entry)
    db.session.flush()
    db.session.add(EntryVersion(entry_id=entry.id, version=1, snapshot={"title": entry.title, "summary": entry.summary,
                                                                        "category": category}))
    return entry


def nominate(competition_id: int, data: dict, *, by) -> Entry:
    """A nomination by a member or an organiser: a member for a person category, a team or
    project by name otherwise, with the reason; the organisers review it like an entry."""
    competition = get_competition(competition_id, public=True)
    if competition.kind != "honour":
        raise Conflict("Nominations are for honour selections", code="not_honour")
    if stage_now(competition) != "submission":
        raise Conflict("Nominations are closed", code="frozen")
    category = data.get("category")
    errors = {}
    if category not in competition.categories:
        errors["category"] = ["not a category of this selection"]
    if not (data.get("reason") or "").strip():
        errors["reason"] = ["required"]
    nominee = data.get("nominee_id") if category in PERSON_CATEGORIES else None
    if category in PERSON_CATEGORIES and not nominee:
        errors["nominee_id"] = ["required"]
    if category not in PERSON_CATEGORIES and not (data.get("title") or "").strip():
        errors["title"] = ["required"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    if nominee and find_one(Entry, competition_id=competition.id, nominee_id=nominee, category=category):
        raise Conflict("This person is nominated already", code="nominated")
    entry = _nomination(competition, category, nominee, reason=data["reason"], by=by,
                        title=(data.get("title") or "").strip())
    audit("competitions.nominate", "competition_entry", entry.id, after={"title": entry.title})
    return entry


def choose(competition_id: int, entry_ids: list[int], *, by) -> list[Entry]:
    """The organisers' decision: who is honoured (the accepted nominations given); the
    certificates come when the results are published."""
    competition = get_competition(competition_id)
    if competition.kind != "honour":
        raise Conflict("Only an honour selection is decided this way", code="not_honour")
    if competition.results_published_at is not None:
        raise Conflict("The results are published already", code="published")
    from sqlalchemy import select
    nominations = list(db.session.scalars(select(Entry).where(Entry.competition_id == competition.id,
                                                              Entry.status == "accepted")))
    wanted = set(entry_ids)
    unknown = wanted - {e.id for e in nominations}
    if unknown:
        raise Invalid("Please correct the fields marked below", fields={"entry_ids": ["accepted nominations only"]})
    for entry in nominations:
        entry.finalist = entry.id in wanted
    audit("competitions.honour.choose", "competition", competition.id, after={"honoured": len(wanted)})
    return [e for e in nominations if e.finalist]


def selections() -> list[Competition]:
    from sqlalchemy import select
    return list(db.session.scalars(select(Competition).where(Competition.kind == "honour")
                                   .order_by(Competition.id.desc())))
