"""Domain errors and the one place that turns any error into an HTTP answer.

API answers are ``{"error": {"code", "message", "fields"}}``; pages get a friendly
error page. Bad input is always a 4xx, never a 500.
"""
from __future__ import annotations

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict | None = None, code: str | None = None,
                 params: dict | None = None):
        """``message`` may hold ``%(name)s`` placeholders filled from ``params``: the API
        answers the filled English text, pages translate the template and then fill it."""
        filled = message % params if params else message
        super().__init__(filled)
        self.message, self.template, self.params = filled, message, params or {}
        self.fields = fields or {}
        if code:
            self.code = code

    def for_people(self) -> str:
        """The message as a page shows it: in the current language, values included."""
        return translated(self.template, self.params)


class Invalid(DomainError):
    status, code = 422, "invalid"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class Gone(DomainError):
    status, code = 410, "expired"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"


def is_api_request() -> bool:
    """API paths: /api/v1/… and /t/<slug>/api/v1/… (bearer tokens, JSON errors)."""
    return "/api/" in request.path


def wants_json() -> bool:
    return is_api_request() or request.path.startswith("/healthz") or request.is_json or \
        request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str, fields: dict | None = None, *,
                   for_people: str | None = None):
    """The API's JSON error, or the error page (``for_people``: the message as the page
    shows it; by default ``message`` translated)."""
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        return jsonify(body), status
    header, home = _tenant_header()
    try:
        shown = for_people or translated(message)
        return render_template("error.html", status=status, code=code, message=shown, fields=fields or {}), status
    except Exception:  # the page itself failed (the database is gone): a page that needs nothing
        from flask import current_app
        current_app.logger.exception("the error page failed; answered the plain one")
        _rollback_quietly()
        return render_template("error_plain.html", status=status, message=_plain(for_people, message),
                               header=header, home=home), status


def _plain(for_people: str | None, message: str) -> str:
    try:
        return for_people or translated(message)
    except Exception:
        return message


def _tenant_header() -> tuple[str | None, str]:
    """The tenant's name and home page as already loaded, read without asking the database."""
    from flask import g
    loaded = getattr(g.get("tenant"), "__dict__", {})
    name = (loaded.get("branding") or {}).get("display_name") or loaded.get("name")
    return name, f"/t/{loaded['slug']}/" if loaded.get("slug") else "/"


def _rollback_quietly() -> None:
    """End a transaction a failed statement left aborted, so an error page may read again."""
    from .extensions import db
    try:
        db.session.rollback()
    except Exception:
        pass


def translated(template: str, params: dict | None = None) -> str:
    """A message for a page: the template translated, then filled - with the values that are
    words (a status such as "cancelled") translated too."""
    from flask_babel import gettext
    if not params:
        return gettext(template)
    return gettext(template, **{k: gettext(v) if isinstance(v, str) else v for k, v in params.items()})


#: what a page says for an HTTP error raised by routing or the framework (translated)
FOR_PEOPLE = {
    404: "This page does not exist, or is no longer here.",
    405: "This can no longer be done from this page; it may be out of date. Go back and reload it.",
    413: "The file is too large.",
}


#: a form whose CSRF token is missing or stale (left open for hours, or sent from elsewhere)
EXPIRED_FORM = "This form has expired or did not come from this site: reload the page and send it again."


def _tenant_of_the_path() -> None:
    """An error raised before routing matched (a 404, a 405) has not resolved the tenant: find
    it from /t/<slug>/ so the error page carries the tenant's header and language."""
    from flask import g
    parts = request.path.split("/")
    if g.get("tenant") is not None or len(parts) < 3 or parts[1] != "t":
        return
    from .tenancy.context import find
    try:
        g.tenant = find(parts[2])
    except DomainError:
        pass


def init_app(app) -> None:
    from .i18n import describe_fields
    app.jinja_env.globals["describe_fields"] = describe_fields

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        return error_response(exc.status, exc.code, exc.message, exc.fields, for_people=exc.for_people())

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        data = getattr(exc, "data", None) or {}
        messages = data.get("messages") or {}
        # webargs/marshmallow validation: {"json": {"field": ["reason"]}}
        fields = {}
        for location in messages.values():
            if isinstance(location, dict):
                fields.update(location)
        code = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 413: "too_large",
                422: "invalid", 429: "too_many_requests"}.get(exc.code, "http_error")
        message = data.get("message") or exc.description or exc.name
        if fields and exc.code == 422:
            message = "Some fields are invalid"
        if not wants_json():
            _tenant_of_the_path()
            message = FOR_PEOPLE.get(exc.code, message)
            if type(exc).__name__ == "CSRFError":
                message = EXPIRED_FORM
        return error_response(exc.code or 500, code, message, fields)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        _rollback_quietly()
        status, code, message = _database_trouble(exc)
        if status == 503:
            app.logger.error("database unavailable: %s", exc)
        elif status == 500:
            app.logger.exception("unhandled error")
        return error_response(status, code, message)


def _database_trouble(exc: Exception) -> tuple[int, str, str]:
    """(status, code, message) of an error no view caught: a value the database refused is the
    sender's (422), a database out of reach is a 503, anything else ours (500)."""
    from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
    if isinstance(exc, DataError):
        return 422, "invalid", "A value is too long or out of range"
    if isinstance(exc, (OperationalError, InterfaceError)) or (
            isinstance(exc, DBAPIError) and exc.connection_invalidated):
        return 503, "unavailable", "The service is briefly unavailable; please try again in a minute."
    return 500, "server_error", "Something went wrong on our side; it has been logged."


def first_line(exc: BaseException) -> str:
    """The first non-empty line of what an error says (a driver's error: of the error under it)."""
    said = str(getattr(exc, "orig", None) or exc)
    return next((line.strip() for line in said.splitlines() if line.strip()), type(exc).__name__)
