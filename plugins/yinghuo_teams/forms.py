"""Reading page form values that the pages do not yet load through a schema."""
from __future__ import annotations

from datetime import date

from yinghuo.api import Invalid


def form_date(value: str | None, field: str) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise Invalid("a date like 2026-11-23 is needed", fields={field: ["not a date"]}) from None


def form_int(value: str | None, field: str, *, required: bool = True) -> int | None:
    if not (value or "").strip():
        if required:
            raise Invalid(f"{field} is required", fields={field: ["required"]})
        return None
    try:
        return int(value)
    except ValueError:
        raise Invalid(f"{field} must be a number", fields={field: ["not a number"]}) from None
