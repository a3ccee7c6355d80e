"""The columns' own limits, checked before anything is written: a text longer than its
column or a number its column cannot hold is a 422 naming the field, never the database's
error (a 500, and on SQLite a value silently kept). Applies to every ORM write, from the API,
a page, an import or a job alike; Core statements of the hot paths take values their schemas
have checked."""
from __future__ import annotations

from itertools import chain

from sqlalchemy import BigInteger, Integer, SmallInteger, event, inspect

from ..errors import Invalid

_BOUNDS = ((SmallInteger, 2**15 - 1), (BigInteger, 2**63 - 1), (Integer, 2**31 - 1))


def install(session_cls) -> None:
    if not event.contains(session_cls, "before_flush", _check):
        event.listen(session_cls, "before_flush", _check)


def _check(session, flush_context, instances) -> None:
    problems: dict[str, list[str]] = {}
    for obj in chain(session.new, session.dirty):
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            value = state.dict.get(attr.key)
            if value is None or isinstance(value, bool):
                continue
            reason = _beyond(attr.columns[0].type, value)
            if reason:
                problems.setdefault(attr.key, [reason])
    if problems:
        raise Invalid("Some fields are invalid", fields=problems)


def _beyond(type_, value) -> str | None:
    if isinstance(value, str):
        length = getattr(type_, "length", None)
        return "too long" if length and len(value) > length else None
    if isinstance(value, int):
        for kind, top in _BOUNDS:
            if isinstance(type_, kind):
                return "out of range" if not -top - 1 <= value <= top else None
    return None
