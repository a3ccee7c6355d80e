"""Public voting: a voter (for now a signed-in member) votes for accepted entries while the
competition's voting stage runs, within the competition's limits per day in all and per
entry; each vote is a row, the tally moves in Redis after the commit and is rebuilt from
the rows (after Redis restarts, or whenever an admin asks); a vote voided with a reason
leaves the tally."""
from __future__ import annotations

from sqlalchemy import func, select
from yinghuo.api import (Conflict, Invalid, NotFound, audit, bump, counters, db, find_one, find_or_add, local_today,
                         rate_limit)

from ..contests.services import get_competition, stage_now
from ..entries.models import Entry
from ..settings import settings
from .models import Vote, VoterDay


def _tally_name(competition_id: int) -> str:
    return f"competitions:{competition_id}:votes"


def _counter(competition_id: int, voter: str, day, entry_id: int, cap: int) -> VoterDay:
    return find_or_add(VoterDay, {"votes": 0, "cap": cap}, competition_id=competition_id, voter=voter, day=day,
                       entry_id=entry_id)


def vote(entry_id: int, *, voter: str, ip: str = "", device: str = "") -> Vote:
    rate_limit("vote")
    entry = find_one(Entry, id=entry_id)
    if entry is None or entry.status != "accepted":
        raise NotFound("no such entry")
    competition = get_competition(entry.competition_id, public=True)
    if stage_now(competition) != "voting":
        raise Conflict("Voting is not open", code="not_voting")
    conf, today = settings(), local_today()
    for scope, cap, message in ((0, conf["votes_per_day"], "You have used today's votes"),
                                (entry.id, conf["votes_per_entry_per_day"], "You have voted for this project today")):
        row = _counter(competition.id, voter, today, scope, cap)
        if not bump(VoterDay, row.id, "votes", 1, below="cap"):
            raise Conflict(message, code="vote_limit")
    cast = Vote(competition_id=competition.id, entry_id=entry.id, voter=voter, day=today, ip=(ip or "")[:45],
                device=(device or "")[:64])
    db.session.add(cast)
    db.session.flush()
    counters.add_after_commit(_tally_name(competition.id), entry.id, 1)
    return cast


def counted(competition_id: int, entry_ids) -> dict[int, int]:
    """Votes per entry: from Redis once its tally has been built, else counted in the
    database (and the tally built from it now)."""
    ids = [int(i) for i in entry_ids]
    fast = counters.read(_tally_name(competition_id), ids)
    if fast is not None:
        return {i: fast[str(i)] for i in ids}
    rows = _from_rows(competition_id)
    counters.replace(_tally_name(competition_id), rows)
    return {i: rows.get(i, 0) for i in ids}


def _from_rows(competition_id: int) -> dict[int, int]:
    return dict(db.session.execute(select(Vote.entry_id, func.count()).where(
        Vote.competition_id == competition_id, Vote.voided.is_(False)).group_by(Vote.entry_id)).all())


def rebuild(competition_id: int) -> dict[int, int]:
    """The tally counted again from the votes kept in the database."""
    get_competition(competition_id)
    counts = _from_rows(competition_id)
    counters.replace(_tally_name(competition_id), counts)
    audit("competitions.votes.rebuild", "competition", competition_id, after={"votes": sum(counts.values())})
    return counts


def void(vote_id: int, *, reason: str, by) -> Vote:
    """Take a vote out of the count, with the reason (audited); the row stays."""
    cast = find_one(Vote, id=vote_id)
    if cast is None:
        raise NotFound("no such vote")
    if not (reason or "").strip():
        raise Invalid("Please correct the fields marked below", fields={"reason": ["required"]})
    if cast.voided:
        raise Conflict("This vote was voided already", code="voided")
    cast.voided, cast.void_reason = True, reason.strip()[:500]
    counters.add_after_commit(_tally_name(cast.competition_id), cast.entry_id, -1)
    audit("competitions.vote.void", "competition_vote", cast.id, reason=cast.void_reason)
    return cast


def recent(competition_id: int, limit: int = 100) -> list[Vote]:
    return list(db.session.scalars(select(Vote).where(Vote.competition_id == competition_id)
                                   .order_by(Vote.id.desc()).limit(limit)))

