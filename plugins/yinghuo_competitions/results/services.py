"""Results: each category's ranking from the judges' scores and the public votes combined by
the published weights, ties broken by the stated rule; published once (after the anomaly
report is decided) as result rows with awards and certificates checkable at /verify/<code>.

Tie rule, in order: the higher final score, the higher judges' score, more votes, the
entry entered first."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from yinghuo.api import (Conflict, NotFound, Verification, audit, current_tenant, db, find_one,
                         new_verification_code, tenant_zone, utcnow)

from ..contests.models import AWARDS, Competition
from ..contests.services import get_competition, stage_now
from ..entries.models import Entry
from ..judging import scoring
from ..judging.services import judges_scores
from ..voting.services import from_rows
from .models import Result

#: msgids ``award:<key>``
AWARD_ORDER = ("first", "second", "third", "excellence", "honour")


def ranking(competition, *, use_roadshow: bool = True) -> dict[str, list[dict]]:
    """{category: rows in rank order}; each row: entry, review, roadshow, judge_score,
    votes, vote_score, final, rank. A finalist's judges' score is the mean of its review
    and roadshow scores once it has roadshow sheets."""
    entries = list(db.session.scalars(select(Entry).where(Entry.competition_id == competition.id,
                                                          Entry.status == "accepted")))
    review = judges_scores(competition, "review")
    roadshow = judges_scores(competition, "roadshow") if use_roadshow else {}
    votes = from_rows(competition.id)   # results never read Redis
    by_category = defaultdict(list)
    for entry in entries:
        by_category[entry.category].append(entry)
    out = {}
    for category in competition.categories:
        rows = []
        top = max((votes.get(e.id, 0) for e in by_category.get(category, [])), default=0)
        for entry in by_category.get(category, []):
            judged = review.get(entry.id, 0.0)
            if entry.finalist and entry.id in roadshow:
                judged = round((judged + roadshow[entry.id]) / 2, 2)
            vote_score, final = scoring.combined(judged, votes.get(entry.id, 0), top, competition.vote_weight)
            rows.append({"entry": entry, "review": review.get(entry.id), "roadshow": roadshow.get(entry.id),
                         "judge_score": judged, "votes": votes.get(entry.id, 0), "vote_score": vote_score,
                         "final": final})
        rows.sort(key=lambda r: (-r["final"], -r["judge_score"], -r["votes"], r["entry"].id))
        for n, row in enumerate(rows, 1):
            row["rank"] = n
        if rows:
            out[category] = rows
    return out


def _awards(competition, rows: list[dict]) -> dict[int, str]:
    """Awards within the category's finalists (those chosen, or the top N if none were)."""
    if competition.kind == "honour":
        return {r["entry"].id: "honour" for r in rows if r["entry"].finalist}
    chosen = [r for r in rows if r["entry"].finalist] or rows[:competition.finalists_per_category]
    counts = {**AWARDS, **(competition.awards or {})}
    out, place = {}, 0
    for award in ("first", "second", "third"):
        for row in chosen[place:place + int(counts.get(award, 0))]:
            out[row["entry"].id] = award
        place += int(counts.get(award, 0))
    for row in chosen[place:]:
        out[row["entry"].id] = "excellence"
    return out


def publish(competition_id: int, *, by) -> list[Result]:
    """Write the results (awards and certificate codes) and show them; only in the results
    stage, once every entry the anomaly report flags is decided; once."""
    from ..voting.anomalies import undecided
    competition = get_competition(competition_id)
    if competition.results_published_at is not None:
        raise Conflict("The results are published already", code="published")
    if stage_now(competition) != "results":
        raise Conflict("Results are published in the results stage", code="not_results")
    waiting = undecided(competition)
    if waiting:
        raise Conflict("The anomaly report flags %(count)s entries not yet decided", code="anomalies",
                       params={"count": len(waiting)})
    written = []
    for category, rows in ranking(competition).items():
        awards = _awards(competition, rows)
        for row in rows:
            award = awards.get(row["entry"].id, "")
            result = Result(competition_id=competition.id, entry_id=row["entry"].id, category=category,
                            rank=row["rank"], judge_score=row["judge_score"], votes=row["votes"],
                            vote_score=row["vote_score"], final=row["final"], award=award,
                            code=new_verification_code("competition") if award else None)
            db.session.add(result)
            written.append(result)
    competition.results_published_at = utcnow()
    db.session.flush()
    audit("competitions.results.publish", "competition", competition.id,
          after={"awards": sum(1 for r in written if r.award)})
    return written


def published(competition_id: int):
    """The competition, for its public results: NotFound until they are published."""
    competition = get_competition(competition_id, public=True)
    if competition.results_published_at is None:
        raise NotFound("the results are not published")
    return competition


def results(competition_id: int) -> list[tuple[Result, Entry]]:
    """The published results, category by category in the competition's order, by rank."""
    order = {k: n for n, k in enumerate(get_competition(competition_id).categories)}
    rows = db.session.execute(select(Result, Entry).join(Entry, Entry.id == Result.entry_id).where(
        Result.competition_id == competition_id)).all()
    return sorted(rows, key=lambda row: (order.get(row[0].category, len(order)), row[0].rank))


def get_result(entry_id: int) -> Result:
    found = find_one(Result, entry_id=entry_id)
    if found is None or not found.award:
        raise NotFound("no such award")
    return found


def verify(code: str) -> Verification | None:
    result = find_one(Result, code=code) if code else None
    if result is None:
        return None
    entry = find_one(Entry, id=result.entry_id)
    competition = find_one(Competition, id=result.competition_id)
    from flask_babel import gettext as _
    return Verification(kind="competition_award", genuine=True, details={
        "name": entry.team_name, "tenant": current_tenant().display_name, "serial": result.code,
        "title": f"{competition.name} · {entry.title} · {_('award:' + result.award)}",
        "award": result.award, "category": entry.category,
        "issued_on": result.created_at.astimezone(tenant_zone()).date().isoformat(), "status": "valid"})
