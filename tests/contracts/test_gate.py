"""Every route, API and page, kernel and every installed plugin, declares who may pass
(``yinghuo.gate``), and the gate refuses everyone else before the route does anything.

The walk is generated from the app's URL map: for each route and method it asks the people
the declaration excludes - nobody signed in, a volunteer, a leader, and a tenant admin who has
not set up the second factor in a tenant that requires it - and fails where one of them is
not refused (401, 403, or a page's redirect to sign in). A 404 or 422 counts as passing the
gate: the gate must answer before the route looks anything up or reads the body.
"""
from __future__ import annotations

import re

import pyotp
import pytest

from yinghuo.gate import declared

SLUG = "gated"

#: endpoints that are not the project's own views, with the reason they carry no gate
NOT_OURS = {
    "static": "Flask's static files",
    "api-docs.openapi_json": "flask-smorest's API description (public by design)",
}

PEOPLE = {  # persona -> roles
    "volunteer": ("volunteer",),
    "leader": ("leader", "volunteer"),
    "admin_without_totp": ("tenant_admin",),
}


@pytest.fixture
def people(app, client, make_tenant, make_member):
    """The tenant (second factor required of admins) and one signed-in client per person,
    with bearer headers for the API and a session cookie for pages."""
    plugins = sorted(app.extensions["yinghuo"].host.manifests)   # every installed plugin joins by itself
    make_tenant(SLUG, plugins=plugins, kind="university",
                settings={"require_totp_for_admins": True, "unit_types": ["school", "group"]})
    signed = {}
    for persona, roles in PEOPLE.items():
        email = f"{persona}@{SLUG}.test"
        make_member(SLUG, email, roles=roles)
        token = client.post(f"/t/{SLUG}/api/v1/auth/token", json={"login": email, "password": "Passw0rd!x"})
        assert token.status_code == 201, token.get_json()
        pages = app.test_client()
        assert pages.post(f"/t/{SLUG}/login", data={"login": email, "password": "Passw0rd!x"}).status_code == 302
        signed[persona] = (pages, {"Authorization": f"Bearer {token.get_json()['token']}"}, set(roles))
    return signed


def _url(rule) -> str:
    def value(match):
        converter, name = match.group(1) or "", match.group(2)
        if name == "tenant":
            return SLUG
        if converter.startswith("any("):
            return converter[4:].split(",")[0].strip(" )'\"")
        return "1" if converter == "int" else "x"
    return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", value, rule.rule)


def routes(app):
    """(rule, method, gate) for every route and method the app answers."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_OURS:
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            handler = getattr(getattr(view, "view_class", None), method.lower(), None)
            yield rule, method, declared(view) or (declared(handler) if handler else None)


def _refused(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code in (302, 303) and "/login" in response.headers.get("Location", "")


def _excluded(gate, roles: set[str] | None, permissions: dict, persona: str) -> bool:
    """Whether the gate must refuse this person (roles None: nobody signed in)."""
    if gate.kind == "public":
        return False
    if gate.kind == "operator":
        return True
    if roles is None:
        return True
    if gate.kind in ("signed_in", "member"):
        return False
    holds = bool(roles & set(permissions[gate.permission].default_roles))
    return not holds or persona == "admin_without_totp"   # the tenant requires the second factor


def test_every_route_declares_who_may_pass(app):
    undeclared = [f"{method} {rule.rule} ({rule.endpoint})" for rule, method, gate in routes(app) if gate is None]
    assert undeclared == [], "declare gate.public / signed_in / member / permission(...) / operator on:\n" + \
        "\n".join(undeclared)


def test_every_declared_permission_is_registered(app):
    permissions = app.extensions["yinghuo"].permissions
    unknown = {(rule.rule, gate.permission) for rule, _, gate in routes(app)
               if gate is not None and gate.kind == "permission" and gate.permission not in permissions}
    assert unknown == set()


def test_the_gate_refuses_everyone_a_route_does_not_admit(app, client, people):
    permissions = app.extensions["yinghuo"].permissions
    anonymous = app.test_client()
    leaks = []
    for rule, method, gate in routes(app):
        if gate is None:
            continue
        url, api = _url(rule), "/api/" in rule.rule
        askers = [("anonymous", None, anonymous, {})] + [
            (persona, roles, client if api else pages, headers if api else {})
            for persona, (pages, headers, roles) in people.items()]
        for persona, roles, asker, headers in askers:
            if not _excluded(gate, roles, permissions, persona):
                continue
            body = {"json": {}} if api else {"data": {}}
            response = asker.open(url, method=method, headers=headers, **(body if method != "GET" else {}))
            if not _refused(response):
                leaks.append(f"{persona}: {method} {url} -> {response.status_code} (declared {gate})")
    assert leaks == [], "the gate let through:\n" + "\n".join(leaks)


def test_an_enrolled_admin_passes_the_gate(app, client, make_member, people):
    """The control: the same tenant's admin with the second factor is not refused by the gate."""
    secret = pyotp.random_base32()
    make_member(SLUG, "admin@gated.test", roles=("tenant_admin",))
    from yinghuo.extensions import db
    from yinghuo.people.auth import find_account
    with app.app_context():
        find_account("admin@gated.test").totp_secret = secret
        db.session.commit()
    login = {"login": "admin@gated.test", "password": "Passw0rd!x", "otp": pyotp.TOTP(secret).now()}
    token = client.post(f"/t/{SLUG}/api/v1/auth/token", json=login).get_json()["token"]
    refused = []
    for rule, method, gate in routes(app):
        if method != "GET" or "<" in rule.rule.replace("<tenant>", "") or gate is None \
                or gate.kind not in ("member", "permission") or "/api/" not in rule.rule:
            continue
        if gate.kind == "permission" and "tenant_admin" not in permissions_of(app, gate.permission):
            continue
        response = client.get(_url(rule), headers={"Authorization": f"Bearer {token}"})
        if response.status_code in (401, 403):
            refused.append(f"GET {rule.rule} -> {response.status_code}")
    assert refused == []


def permissions_of(app, name: str) -> tuple:
    return app.extensions["yinghuo"].permissions[name].default_roles
