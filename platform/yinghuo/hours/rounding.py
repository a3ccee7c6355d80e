"""Hours as people read them: one rounding rule, in one place."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def hours(minutes: int | float | None) -> float:
    """The one rounding rule for hours shown to people, in the API, the exports and on
    certificates: minutes / 60 to one decimal, halves up (106 min -> 1.8). A total is
    the sum of minutes rounded once, never a sum of rounded parts."""
    return float((Decimal(int(minutes or 0)) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def hours_text(minutes: int | float | None) -> str:
    """``hours`` as written on a page: 4.6, 2 (no trailing .0)."""
    value = hours(minutes)
    return f"{value:g}" if value == int(value) else f"{value:.1f}"
