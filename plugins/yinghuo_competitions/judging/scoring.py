"""How judges' sheets become an entry's judges' score (the README works an example through).

1. A sheet's total: each criterion's score over its top, times its weight; the weights add
   up to 100, so a total lies between 0 and 100.
2. Normalisation (optional): each judge's totals become z-scores over that judge's own
   sheets, z = (total - judge's mean) / judge's standard deviation, then go back onto the
   scale of all sheets, mean + z * standard deviation (population deviations). A judge
   with fewer than two sheets, or who gave every entry the same total, keeps the totals.
3. Trimming (optional): of an entry's three or more totals, the highest and the lowest
   (one each) are dropped.
4. The judges' score is the mean of what is left, rounded to two decimals at the end only.
"""
from __future__ import annotations

from collections import defaultdict
from statistics import fmean, pstdev


def sheet_total(scores: dict, criteria: list[dict]) -> float:
    return sum(float(scores.get(c["key"], 0)) / c["max"] * c["weight"] for c in criteria)


def normalised(sheets: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """(judge, entry, total) rows with each judge's totals put on the common scale."""
    if len(sheets) < 2:
        return list(sheets)
    everyone = [t for _, _, t in sheets]
    mean, spread = fmean(everyone), pstdev(everyone)
    by_judge = defaultdict(list)
    for judge, _, total in sheets:
        by_judge[judge].append(total)
    stats = {j: (fmean(ts), pstdev(ts)) for j, ts in by_judge.items()}
    out = []
    for judge, entry, total in sheets:
        own_mean, own_spread = stats[judge]
        if len(by_judge[judge]) < 2 or own_spread == 0:
            out.append((judge, entry, total))
        else:
            out.append((judge, entry, mean + (total - own_mean) / own_spread * spread))
    return out


def trimmed_mean(totals: list[float], *, trim: bool) -> float:
    values = sorted(totals)
    if trim and len(values) >= 3:
        values = values[1:-1]
    return fmean(values) if values else 0.0


def judges_scores(sheets: list[tuple[int, int, float]], *, trim: bool, normalise: bool) -> dict[int, float]:
    """{entry: judges' score} from submitted (judge, entry, total) sheets of one round."""
    rows = normalised(sheets) if normalise else sheets
    per_entry = defaultdict(list)
    for _, entry, total in rows:
        per_entry[entry].append(total)
    return {entry: round(trimmed_mean(ts, trim=trim), 2) for entry, ts in per_entry.items()}


def combined(judge_score: float, votes: int, top_votes: int, vote_weight: int) -> tuple[float, float]:
    """(vote score, final): the votes as a share of the category's most-voted entry (0-100),
    and the final score, judges and votes weighed by the competition's published share."""
    vote_score = round(100.0 * votes / top_votes, 2) if top_votes else 0.0
    return vote_score, round(judge_score * (100 - vote_weight) / 100 + vote_score * vote_weight / 100, 2)
