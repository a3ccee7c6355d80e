"""Checks for Chinese resident ID numbers (GB 11643-1999) and mobile numbers."""
from __future__ import annotations

import re
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PHONE = re.compile(r"^1[3-9]\d{9}$")


def resident_id_error(value: str) -> str | None:
    """Return why ``value`` is not a valid 18-digit resident ID, or None if it is."""
    if not re.fullmatch(r"\d{17}[\dX]", value or ""):
        return "must be 17 digits followed by a digit or X"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "the birth date in the number is not a real date"
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=False))
    if _CHECK[total % 11] != value[17]:
        return "the check digit does not match"
    return None


def with_check_digit(first17: str) -> str:
    """Complete a 17-digit prefix with its check digit (demo data, tests)."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=False))
    return first17 + _CHECK[total % 11]


def normalise_id(value: str) -> str:
    return (value or "").strip().upper()


def phone_error(value: str) -> str | None:
    return None if _PHONE.match(value or "") else "must be an 11-digit mainland mobile number"
