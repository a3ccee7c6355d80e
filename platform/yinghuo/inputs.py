"""One check of what is sent, for the API and the pages alike.

Every request passes :func:`check_request` before any view: query and form fields (names and
values) and a JSON body may not carry NUL or other control characters (tab, line feed and
carriage return are text), broken Unicode, values longer than ``MAX_TEXT`` characters, JSON
nested deeper than ``MAX_DEPTH``, ``NaN``/``Infinity``, or integers beyond PostgreSQL's
bigint; a refusal is a 422 naming each field. What a schema then loads (the API's arguments,
a page's ``load_form``) passes :func:`check_loaded`: integers within bigint, dates and times
between 1900 and 2200 that convert to UTC. A field's own length and type rules stay in its
schema; these are the limits no field may pass. Files are not text and are checked by content
where they are taken (``documents``).
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone

import math

from flask import Request, g, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, NotFound, RequestEntityTooLarge

from .errors import Invalid

#: characters in any one value (a report's section, a description); fields set their own below it
MAX_TEXT = 20_000
#: bytes in a JSON body (files go as multipart, under MAX_CONTENT_LENGTH)
MAX_JSON_BYTES = 1024 * 1024
MAX_DEPTH = 32
BIGINT = 2**63 - 1
YEARS = (1900, 2200)

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
UNSET = object()


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be taken as text, or None."""
    if _CONTROL.search(value):
        return "contains control characters"
    if _SURROGATE.search(value):
        return "is not valid text"
    if len(value) > MAX_TEXT:
        return "too long"
    return None


def check_request(endpoint=None, values=None) -> None:
    """Refuse a request whose fields no view could take (see the module's docstring)."""
    if _CONTROL.search(request.path):
        raise NotFound()
    problems: dict[str, list[str]] = {}
    for source in (request.args, request.form):
        for key in source:
            for value in [key, *source.getlist(key)]:
                reason = text_problem(value)
                if reason:
                    problems.setdefault(_label(key), [reason])
    body = json_body()
    if body is not UNSET:
        _check_json(body, problems)
    if problems:
        raise Invalid("Some fields are invalid", fields=problems)


def _label(key: str) -> str:
    return key if text_problem(key) is None else "?"


def json_body():
    """The request's JSON body, parsed once with the limits above (``UNSET`` when the
    request is not JSON). webargs reads it from here too."""
    if "yh_json" in g:
        return g.yh_json
    g.yh_json = UNSET
    if not request.is_json or request.method in ("GET", "HEAD", "OPTIONS"):
        return UNSET
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise RequestEntityTooLarge()
    raw = request.get_data(cache=True)
    if not raw.strip():
        return UNSET
    g.yh_json = loads(raw)
    return g.yh_json


def loads(raw: bytes | str):
    """JSON as this app takes it: no NaN or Infinity, and a 400 for anything unreadable,
    nested too deep included."""
    try:
        return json.loads(raw, parse_constant=_no_constant)
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise BadRequest("The body is not valid JSON") from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number here")


def _check_json(body, problems: dict) -> None:
    stack = [("", body, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadRequest("The body is nested too deeply")
        if isinstance(value, dict):
            for key, item in value.items():
                reason = text_problem(key)
                if reason:
                    problems.setdefault(path or "?", [reason])
                    continue
                stack.append((f"{path}.{key}" if path else key, item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item, depth + 1) for i, item in enumerate(value))
        else:
            reason = _scalar_problem(value)
            if reason:
                problems.setdefault(path or "body", [reason])


def _scalar_problem(value) -> str | None:
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and not -BIGINT - 1 <= value <= BIGINT:
        return "out of range"
    return None


def check_loaded(data) -> None:
    """Refuse loaded values the database cannot hold: integers beyond bigint, dates and
    times outside 1900-2200 or that overflow when turned into UTC."""
    problems: dict[str, list[str]] = {}
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{path}.{k}" if path else str(k), v) for k, v in value.items())
        elif isinstance(value, (list, tuple, set)):
            stack.extend((f"{path}.{i}" if path else str(i), v) for i, v in enumerate(value))
        else:
            reason = _loaded_problem(value)
            if reason:
                problems.setdefault(path or "value", [reason])
    if problems:
        raise Invalid("Some fields are invalid", fields=problems)


def _loaded_problem(value) -> str | None:
    if isinstance(value, datetime):
        if not YEARS[0] <= value.year <= YEARS[1]:
            return "out of range"
        try:
            value.astimezone(timezone.utc) if value.tzinfo else value
        except (OverflowError, ValueError):
            return "out of range"
        return None
    if isinstance(value, date):
        return None if YEARS[0] <= value.year <= YEARS[1] else "out of range"
    return _scalar_problem(value)


class Fields(ImmutableMultiDict):
    """Query and form fields whose typed reads refuse what they cannot read: werkzeug's
    ``form.get("unit_id", type=int)`` answers None for "1 OR 1=1" and the view goes on as if
    nothing was given; here it is a 422 naming the field. An empty field is still "not given"."""

    def get(self, key, default=None, type=None):
        if type is None:
            return super().get(key, default)
        values = super().getlist(key)
        if not values or values[0] == "":
            return default
        return _typed(key, values[0], type)

    def getlist(self, key, type=None):
        values = super().getlist(key)
        if type is None:
            return values
        return [_typed(key, v, type) for v in values if v != ""]


def _typed(key: str, raw: str, type_):
    try:
        value = type_(raw)
    except (ValueError, TypeError):
        raise Invalid("Some fields are invalid", fields={key: ["not valid"]}) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise Invalid("Some fields are invalid", fields={key: ["not valid"]})
    if isinstance(value, int) and not isinstance(value, bool) and not -BIGINT - 1 <= value <= BIGINT:
        raise Invalid("Some fields are invalid", fields={key: ["out of range"]})
    return value


class CheckedRequest(Request):
    parameter_storage_class = Fields


def install(app) -> None:
    """Check every request first: before the tenant is looked up by its slug."""
    app.request_class = CheckedRequest
    app.url_value_preprocessors.setdefault(None, []).insert(0, check_request)
