"""Months and quarters in the tenant's time: the ledger counts by month, the ranking by
quarter. A period is named "2026-11" or "2026Q4"; bounds are aware datetimes [start, end)."""
from __future__ import annotations

import re
from datetime import datetime

from yinghuo.api import Invalid, local_today, tenant_zone

MONTH = re.compile(r"^((?:19|20|21)\d\d)-(0[1-9]|1[0-2])$")  # years 1900-2199
QUARTER = re.compile(r"^((?:19|20|21)\d\d)Q([1-4])$")


def this_month() -> str:
    return local_today().strftime("%Y-%m")


def last_month() -> str:
    """The month before today's: the last one complete, which the compliance report shows first."""
    today = local_today()
    return f"{today.year - 1}-12" if today.month == 1 else f"{today.year}-{today.month - 1:02d}"


def this_quarter() -> str:
    today = local_today()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def month_bounds(month: str) -> tuple[datetime, datetime]:
    found = MONTH.match(month or "")
    if not found:
        raise Invalid("Give the month as 2026-11", fields={"month": ["YYYY-MM"]})
    year, number = int(found.group(1)), int(found.group(2))
    zone = tenant_zone()
    start = datetime(year, number, 1, tzinfo=zone)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)
    return start, end


def quarter_bounds(quarter: str) -> tuple[datetime, datetime]:
    found = QUARTER.match(quarter or "")
    if not found:
        raise Invalid("Give the quarter as 2026Q4", fields={"quarter": ["YYYYQn"]})
    year, number = int(found.group(1)), int(found.group(2))
    zone = tenant_zone()
    start = datetime(year, 3 * number - 2, 1, tzinfo=zone)
    end = datetime(year + 1, 1, 1, tzinfo=zone) if number == 4 else datetime(year, 3 * number + 1, 1, tzinfo=zone)
    return start, end


def months_before(month: str, count: int) -> list[str]:
    """``count`` months ending with ``month``, newest first (for a month picker)."""
    year, number = int(month[:4]), int(month[5:])
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{number:02d}")
        number -= 1
        if number == 0:
            year, number = year - 1, 12
    return out


def quarters_before(quarter: str, count: int) -> list[str]:
    """``count`` quarters ending with ``quarter``, newest first (for a quarter picker)."""
    year, number = int(quarter[:4]), int(quarter[-1])
    out = []
    for _ in range(count):
        out.append(f"{year}Q{number}")
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return out
