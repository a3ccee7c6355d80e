"""Judging: the organisers assign judges to categories; a judge scores the accepted entries
of those categories (the version frozen at the deadline) on each criterion within its
range, and the finalists again at the roadshow; a judge declares a conflict of interest
and from then on never sees nor scores that entry; a submitted sheet is locked.

Judges' scores come from the submitted sheets by the competition's rules (weights,
optional trimming and normalisation: ``scoring``)."""
from __future__ import annotations

import builtins

from sqlalchemy import delete, func, select
from yinghuo.api import Conflict, Forbidden, Invalid, NotFound, audit, db, find_one, get_member, utcnow

from ..contests.services import get_competition, stage_now
from ..entries.models import Entry, EntryVersion
from . import scoring
from .models import ROUNDS, Conflict as Declared, Judge, Sheet

#: the stages in which each round's sheets are filled in
ROUND_STAGES = {"review": ("voting", "judging"), "roadshow": ("roadshow",)}


def assign(competition_id: int, member_id: int, categories: list[str]) -> Judge:
    competition = get_competition(competition_id)
    get_member(member_id)
    unknown = [c for c in categories if c not in competition.categories]
    if not categories or unknown:
        raise Invalid("Please correct the fields marked below",
                      fields={"categories": ["one or more of the competition's categories"]})
    judge = find_one(Judge, competition_id=competition.id, member_id=member_id)
    if judge is None:
        judge = Judge(competition_id=competition.id, member_id=member_id, categories=list(categories))
        db.session.add(judge)
    else:
        judge.categories = list(categories)
    db.session.flush()
    audit("competitions.judge.assign", "competition", competition.id,
          after={"member_id": member_id, "categories": len(categories)})
    return judge


def unassign(competition_id: int, member_id: int) -> None:
    judge = find_one(Judge, competition_id=competition_id, member_id=member_id)
    if judge is None:
        raise NotFound("no such judge")
    if db.session.scalar(select(func.count()).select_from(Sheet).where(
            Sheet.competition_id == competition_id, Sheet.member_id == member_id,
            Sheet.submitted_at.is_not(None))):
        raise Conflict("This judge has submitted sheets; they stay part of the result", code="has_sheets")
    db.session.delete(judge)
    audit("competitions.judge.unassign", "competition", competition_id, after={"member_id": member_id})


def judges(competition_id: int) -> list[Judge]:
    return list(db.session.scalars(select(Judge).where(Judge.competition_id == competition_id).order_by(Judge.id)))


def judging_for(member) -> list[Judge]:
    """The member's assignments as a judge, newest competition first."""
    return list(db.session.scalars(select(Judge).where(Judge.member_id == member.id)
                                   .order_by(Judge.competition_id.desc())))


def _judge(competition_id: int, member) -> Judge:
    judge = find_one(Judge, competition_id=competition_id, member_id=member.id)
    if judge is None:
        raise Forbidden("You are not a judge of this competition")
    return judge


def conflicts_of(competition_id: int, member_id: int) -> set[int]:
    return set(db.session.scalars(select(Declared.entry_id).where(Declared.competition_id == competition_id,
                                                                  Declared.member_id == member_id)))


def _round(value: str) -> str:
    if value not in ROUNDS:
        raise Invalid("Please correct the fields marked below", fields={"round": ["review or roadshow"]})
    return value


def to_score(competition_id: int, member, round: str = "review") -> list[Entry]:
    """The entries this judge scores in the round: accepted, in the judge's categories (the
    finalists only at the roadshow), without those the judge declared a conflict for."""
    judge = _judge(competition_id, member)
    stmt = select(Entry).where(Entry.competition_id == competition_id, Entry.status == "accepted",
                               Entry.category.in_(judge.categories))
    if _round(round) == "roadshow":
        stmt = stmt.where(Entry.finalist.is_(True))
    hidden = conflicts_of(competition_id, member.id)
    if hidden:
        stmt = stmt.where(Entry.id.not_in(hidden))
    return list(db.session.scalars(stmt.order_by(Entry.category, Entry.id)))


def entry_for_judge(competition_id: int, entry_id: int, member, round: str = "review") -> tuple[Entry, dict]:
    """The entry as the judge scores it (the last version handed in before the deadline);
    NotFound for an entry the judge may not see - a declared conflict included."""
    found = next((e for e in to_score(competition_id, member, round) if e.id == entry_id), None)
    if found is None:
        raise NotFound("no such entry")
    version = db.session.scalar(select(EntryVersion).where(EntryVersion.entry_id == entry_id)
                                .order_by(EntryVersion.version.desc()).limit(1))
    return found, (version.snapshot if version else {})


def my_sheets(competition_id: int, member_id: int, round: str) -> dict[int, Sheet]:
    return {s.entry_id: s for s in db.session.scalars(select(Sheet).where(
        Sheet.competition_id == competition_id, Sheet.member_id == member_id, Sheet.round == round))}


def _scores(competition, raw: dict, *, complete: bool) -> dict:
    errors, scores = {}, {}
    for criterion in competition.criteria:
        key, value = criterion["key"], (raw or {}).get(criterion["key"])
        if value in (None, ""):
            if complete:
                errors[f"scores.{key}"] = ["required"]
            continue
        try:
            number = round(float(value), 1)
        except (TypeError, ValueError):
            errors[f"scores.{key}"] = ["a number"]
            continue
        if not 0 <= number <= criterion["max"]:
            errors[f"scores.{key}"] = [f"0 to {criterion['max']}"]
            continue
        scores[key] = number
    extra = set(raw or {}) - {c["key"] for c in competition.criteria}
    if extra:
        errors["scores"] = ["only the competition's criteria"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    return scores


def save_sheet(competition_id: int, entry_id: int, member, *, round: str, scores: dict, comment: str = "",
               submit: bool = False) -> Sheet:
    """Keep the judge's scores (a draft), or submit them: then the sheet is locked."""
    competition = get_competition(competition_id)
    entry_for_judge(competition_id, entry_id, member, round)
    if stage_now(competition) not in ROUND_STAGES[round]:
        raise Conflict("Scoring for this round is not open", code="not_judging")
    sheet = find_one(Sheet, competition_id=competition_id, entry_id=entry_id, member_id=member.id, round=round)
    if sheet is not None and sheet.submitted_at is not None:
        raise Conflict("This sheet was submitted and is locked", code="locked")
    values = _scores(competition, scores, complete=submit)
    if sheet is None:
        sheet = Sheet(competition_id=competition_id, entry_id=entry_id, member_id=member.id, round=round)
        db.session.add(sheet)
    sheet.scores, sheet.comment = values, (comment or "").strip()[:2000]
    sheet.total = builtins.round(scoring.sheet_total(values, competition.criteria), 4)
    sheet.updated_at = utcnow()
    if submit:
        sheet.submitted_at = utcnow()
    db.session.flush()
    if submit:
        audit("competitions.sheet.submit", "competition_entry", entry_id,
              after={"total": builtins.round(sheet.total, 2)})
    return sheet


def declare_conflict(competition_id: int, entry_id: int, member, *, reason: str, by=None) -> Declared:
    """The judge (or an organiser for them, ``by``) declares a conflict of interest: the
    judge's sheets for the entry go (an organiser's declaration removes submitted ones too)."""
    if not (reason or "").strip():
        raise Invalid("Please correct the fields marked below", fields={"reason": ["required"]})
    _judge(competition_id, member)
    entry = find_one(Entry, id=entry_id, competition_id=competition_id)
    if entry is None:
        raise NotFound("no such entry")
    found = find_one(Declared, competition_id=competition_id, member_id=member.id, entry_id=entry_id)
    if found is not None:
        return found
    sheets = select(Sheet.id).where(Sheet.competition_id == competition_id, Sheet.entry_id == entry_id,
                                    Sheet.member_id == member.id)
    if by is None and db.session.scalar(select(func.count()).select_from(Sheet).where(
            Sheet.id.in_(sheets), Sheet.submitted_at.is_not(None))):
        raise Conflict("You have submitted a sheet for this entry; ask the organisers", code="locked")
    db.session.execute(delete(Sheet).where(Sheet.competition_id == competition_id, Sheet.entry_id == entry_id,
                                           Sheet.member_id == member.id))
    found = Declared(competition_id=competition_id, member_id=member.id, entry_id=entry_id,
                     reason=reason.strip()[:500])
    db.session.add(found)
    db.session.flush()
    audit("competitions.conflict", "competition_entry", entry_id, reason=found.reason,
          after={"judge": member.id})
    return found


def submitted(competition_id: int, round: str) -> list[Sheet]:
    return list(db.session.scalars(select(Sheet).where(Sheet.competition_id == competition_id, Sheet.round == round,
                                                       Sheet.submitted_at.is_not(None))))


def judges_scores(competition, round: str = "review") -> dict[int, float]:
    """{entry: judges' score} of the round by the competition's rules."""
    rows = [(s.member_id, s.entry_id, s.total) for s in submitted(competition.id, round)]
    return scoring.judges_scores(rows, trim=competition.trim, normalise=competition.normalise)


def progress(competition_id: int) -> list[dict]:
    """Per judge: entries to score and sheets submitted, per round."""
    out = []
    for judge in judges(competition_id):
        member = get_member(judge.member_id)
        row = {"member_id": judge.member_id, "name": member.name, "categories": judge.categories}
        for round in ROUNDS:
            todo = to_score(competition_id, member, round)
            done = sum(1 for s in my_sheets(competition_id, member.id, round).values() if s.submitted_at)
            row[round] = {"entries": len(todo), "submitted": done}
        out.append(row)
    return out


def choose_finalists(competition) -> list[Entry]:
    """The top entries of each category by the review round's judges' score (and votes, by
    the published weights) go to the roadshow; an entry no judge has scored does not."""
    from ..results.services import ranking
    if stage_now(competition) not in ("judging", "roadshow"):
        raise Conflict("Finalists are chosen after judging", code="not_judging")
    chosen = []
    for rows in ranking(competition, use_roadshow=False).values():
        for row in rows:
            row["entry"].finalist = row["rank"] <= competition.finalists_per_category and row["review"] is not None
            if row["entry"].finalist:
                chosen.append(row["entry"])
    audit("competitions.finalists", "competition", competition.id, after={"finalists": len(chosen)})
    return chosen
