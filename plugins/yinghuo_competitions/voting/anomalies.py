"""The anomaly report: entries whose votes look bought (刷票), for an organiser to decide on
before the results - keep the votes, or void the suspicious ones with the reason.

Signals, per entry, counted over its votes not voided (an entry with fewer than
``MIN_VOTES`` is never flagged):
- ``few_ips``: distinct addresses are at most 20 % of the votes;
- ``few_subnets``: distinct networks (/24, IPv6 /48) are at most 10 % of the votes;
- ``burst``: one ten-minute window holds at least ``MIN_VOTES`` and half of the votes;
- ``new_voters``: at least 80 % of the votes come from voters who voted for nothing else
  in the competition;
- ``night``: at least half of the votes were cast between midnight and six, local time.
An entry is flagged by few addresses or few networks alone, or by two of the others: a
popular project draws many new voters, or a rush after a village meeting, but rarely
both at night."""
from __future__ import annotations

from sqlalchemy import case, distinct, func, select, update
from yinghuo.api import Invalid, NotFound, audit, counters, db, find_one

from ..entries.models import Entry
from .models import AnomalyReview, Vote
from .services import tally_name

MIN_VOTES = 30
SIGNALS = ("few_ips", "few_subnets", "burst", "new_voters", "night")


def _live(competition_id: int):
    return (Vote.competition_id == competition_id) & Vote.voided.is_(False)


def report(competition) -> list[dict]:
    """Every entry with at least MIN_VOTES votes: its counts, signals, whether flagged, the
    busiest addresses and networks, and the decision taken on it."""
    live = _live(competition.id)
    decided = {r.entry_id: r for r in db.session.scalars(select(AnomalyReview).where(
        AnomalyReview.competition_id == competition.id))}
    counts = (select(Vote.entry_id, func.count(), func.count(distinct(Vote.ip)), func.count(distinct(Vote.subnet)),
                     func.sum(case((Vote.night.is_(True), 1), else_=0))).where(live).group_by(Vote.entry_id))
    base = {row[0]: row[1:] for row in db.session.execute(counts.having(func.count() >= MIN_VOTES)).all()}
    for entry_id in set(decided) - set(base):   # decided entries stay in the report, votes voided or not
        found = db.session.execute(counts.where(Vote.entry_id == entry_id)).first()
        base[entry_id] = found[1:] if found else (0, 0, 0, 0)
    if not base:
        return []
    ids = list(base)
    windows = db.session.execute(select(Vote.entry_id, Vote.window, func.count()).where(
        live, Vote.entry_id.in_(ids)).group_by(Vote.entry_id, Vote.window)).all()
    busiest: dict[int, int] = {}
    for entry_id, _, count in windows:
        busiest[entry_id] = max(busiest.get(entry_id, 0), count)
    loyal = (select(Vote.voter).where(live).group_by(Vote.voter)
             .having(func.count(distinct(Vote.entry_id)) == 1).scalar_subquery())
    single = dict(db.session.execute(select(Vote.entry_id, func.count()).where(
        live, Vote.entry_id.in_(ids), Vote.voter.in_(loyal)).group_by(Vote.entry_id)).all())
    titles = dict(db.session.execute(select(Entry.id, Entry.title).where(Entry.id.in_(ids))).all())
    rows = []
    for entry_id, (votes, ips, subnets, night) in base.items():
        signals = {"few_ips": ips <= 0.2 * votes, "few_subnets": subnets <= 0.1 * votes,
                   "burst": busiest.get(entry_id, 0) >= MIN_VOTES and busiest[entry_id] >= 0.5 * votes,
                   "new_voters": single.get(entry_id, 0) >= 0.8 * votes, "night": (night or 0) >= 0.5 * votes}
        flagged = votes >= MIN_VOTES and (signals["few_ips"] or signals["few_subnets"] or sum(
            signals[k] for k in ("burst", "new_voters", "night")) >= 2)
        rows.append({"entry_id": entry_id, "title": titles.get(entry_id, ""), "votes": votes, "ips": ips,
                     "subnets": subnets, "busiest_window": busiest.get(entry_id, 0),
                     "single_entry_votes": single.get(entry_id, 0), "night_votes": int(night or 0),
                     "signals": [k for k in SIGNALS if signals[k]], "flagged": flagged,
                     "decision": decided.get(entry_id)})
    for row in rows:
        if row["flagged"]:
            row["top_ips"] = _top(competition.id, row["entry_id"], Vote.ip)
            row["top_subnets"] = _top(competition.id, row["entry_id"], Vote.subnet)
    return sorted(rows, key=lambda r: (not r["flagged"], -r["votes"]))


def _top(competition_id: int, entry_id: int, column, limit: int = 5) -> list[tuple[str, int]]:
    return [tuple(r) for r in db.session.execute(select(column, func.count()).where(
        _live(competition_id), Vote.entry_id == entry_id).group_by(column)
        .order_by(func.count().desc()).limit(limit)).all()]


def undecided(competition) -> list[dict]:
    return [r for r in report(competition) if r["flagged"] and r["decision"] is None]


def decide(competition, entry_id: int, *, decision: str, note: str, by, ips=(), subnets=()) -> AnomalyReview:
    """Keep the entry's votes, or void those from the given addresses or networks (all its
    votes when neither is given), with the reason; the tally follows after the commit."""
    if decision not in ("kept", "voided"):
        raise Invalid("Please correct the fields marked below", fields={"decision": ["kept or voided"]})
    if not (note or "").strip():
        raise Invalid("Please correct the fields marked below", fields={"note": ["required"]})
    entry = find_one(Entry, id=entry_id, competition_id=competition.id)
    if entry is None:
        raise NotFound("no such entry")
    row = next((r for r in report(competition) if r["entry_id"] == entry_id), None)
    voided = 0
    if decision == "voided":
        stmt = update(Vote).where(_live(competition.id), Vote.entry_id == entry_id)
        if ips or subnets:
            stmt = stmt.where(Vote.ip.in_(list(ips)) | Vote.subnet.in_(list(subnets)))
        voided = db.session.execute(stmt.values(voided=True, void_reason=note.strip()[:500])
                                    .execution_options(synchronize_session=False)).rowcount
        counters.add_after_commit(tally_name(competition.id), entry_id, -voided)
    review = find_one(AnomalyReview, competition_id=competition.id, entry_id=entry_id)
    if review is None:
        review = AnomalyReview(competition_id=competition.id, entry_id=entry_id, decided_by=by.id)
        db.session.add(review)
    review.decision, review.note, review.decided_by = decision, note.strip()[:500], by.id
    review.signals = {"signals": row["signals"] if row else [], "votes": row["votes"] if row else 0}
    review.voided_votes = (review.voided_votes or 0) + voided
    db.session.flush()
    audit(f"competitions.anomaly.{decision}", "competition_entry", entry_id, reason=review.note,
          after={"voided": voided})
    return review
