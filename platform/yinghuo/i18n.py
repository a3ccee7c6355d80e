"""Translations: .po catalogs in the source, compiled to .mo in the instance folder at start
(no compiled binaries in the repository)."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g
from flask_babel import get_translations

SOURCE = Path(__file__).parent / "translations"


def translation_dirs(app, plugins: dict[str, str] | None = None) -> list[str]:
    """Compile every stale catalog (the kernel's, and each plugin's ``translations`` folder
    from its manifest) and return the folders Flask-Babel should search; it merges them."""
    sources = {"translations": SOURCE} | {f"translations-{name}": Path(path)
                                          for name, path in sorted((plugins or {}).items())}
    found = []
    for folder, source in sources.items():
        target = Path(app.instance_path) / folder
        for po in source.glob("*/LC_MESSAGES/messages.po"):
            mo = target / po.parent.parent.name / "LC_MESSAGES" / "messages.mo"
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                mo.parent.mkdir(parents=True, exist_ok=True)
                with po.open("rb") as fh:
                    catalog = read_po(fh)
                with mo.open("wb") as fh:
                    write_mo(fh, catalog)
        found.append(str(target))
    return found


def plugin_domains(kernel_dir: str, plugin_dirs: list[str]) -> dict:
    """One Flask-Babel domain per plugin, for its own pages and API: every catalog, with the
    plugin's own last, so its words win. Catalogs share one namespace of msgids, and two
    plugins may say "Accept" differently (验收通过 for a report, 接单 for a demand)."""
    from flask_babel import Domain
    domains = {}
    for mine in plugin_dirs:
        name = mine.rsplit("translations-", 1)[-1]
        others = [d for d in plugin_dirs if d != mine]
        domains[name] = Domain(translation_directories=[*others, kernel_dir, mine])
    return domains


def use_plugin_domain(name: str) -> None:
    """For this request, translate with the plugin's domain (its own catalog first)."""
    from flask import current_app
    from flask_babel import _get_current_context  # the per-request namespace get_domain() reads
    domain = current_app.extensions["yinghuo"].babel_domains.get(name)
    context = _get_current_context()
    if domain is not None and context is not None:
        context.babel_domain = domain


def current_translations():
    """The request's catalog, looked up once per request (and again only when the request's
    domain or locale changes). Flask-Babel's own lookup, on every message, costs about 30 us:
    its namespace, the locale turned into a string for its cache key, the cache; a page of 500
    messages spent 15 ms on it."""
    try:
        space = g._flask_babel
        kept = space.yinghuo_kept
        if kept[0] is space.babel_domain and kept[1] is space.babel_locale:
            return kept[2]
    except (AttributeError, RuntimeError):   # not looked up yet in this request, or no request
        pass
    translations = get_translations()   # sets the request's domain and locale
    space = g.get("_flask_babel") if g else None
    if space is not None and hasattr(space, "babel_locale"):
        space.yinghuo_kept = (space.babel_domain, space.babel_locale, translations)
    return translations


def install_template_gettext(app) -> None:
    """Templates translate through ``current_translations`` (Flask-Babel installs its own
    per-message lookup; this replaces it, same messages, same newstyle formatting)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
        newstyle=True)


#: how a form field is named to people (translated like any message); keys not listed show as they are
FIELD_LABELS = {
    "name": "Name", "phone": "Phone", "password": "Password", "email": "Email", "consent": "Privacy notice",
    "id_type": "ID type", "id_number": "ID number", "unit_id": "Unit", "title": "Title", "category": "Category",
    "description": "Description", "starts_at": "Starts at", "ends_at": "Ends at", "capacity": "Capacity",
    "address": "Address", "reason": "Reason", "minutes": "Minutes", "period": "Period",
    "period_start": "Period start", "period_end": "Period end", "token": "QR code", "latitude": "Location",
    "longitude": "Location", "checked_in_at": "Check-in time", "checked_out_at": "Check-out time",
    "code": "One-time code", "otp": "One-time code", "file": "File", "roles": "Roles", "type": "Type",
    "member_id": "Member", "signup_opens_at": "Sign-up opens", "signup_closes_at": "Sign-up closes",
    "cancel_deadline": "Cancel deadline", "geofence_m": "Check-in radius", "min_age": "Minimum age",
    "visibility": "Visibility", "status": "Status", "parent": "Parent tenant", "slug": "Short name",
    "confirm": "Confirmation", "record_id": "Records", "settings": "Settings",
    "session_idle_minutes": "Minutes idle before signing out again",
    "export_retention_days": "Days an export file is kept",
    "audit_retention_days": "Days the audit log is kept (at least 183: six months)",
}

#: marshmallow's reasons that carry numbers, read as a catalog message with those numbers
NUMBERED_REASONS = [
    (r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.",
     "between %(min)s and %(max)s"),
    (r"Must be greater than or equal to (?P<min>\S+)\.", "at least %(min)s"),
    (r"Must be less than or equal to (?P<max>\S+)\.", "at most %(max)s"),
    (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.", "between %(min)s and %(max)s characters"),
    (r"Longer than maximum length (?P<max>\d+)\.", "at most %(max)s characters"),
    (r"Shorter than minimum length (?P<min>\d+)\.", "at least %(min)s characters"),
]


def describe_fields(fields: dict) -> str:
    """A domain error's field details as a person reads them: each field's name and its
    reasons in the current language (reasons without a translation stay as written)."""
    from flask_babel import gettext as _

    def reasons(value) -> str:
        if isinstance(value, (list, tuple)):
            return ", ".join(reasons(v) for v in value)
        if isinstance(value, dict):
            return "; ".join(f"{_(FIELD_LABELS.get(k, k))}: {reasons(v)}" for k, v in value.items())
        for pattern, message in NUMBERED_REASONS:
            found = re.fullmatch(pattern, str(value))
            if found:
                return _(message, **found.groupdict())
        return _(str(value))
    return reasons(fields or {})
