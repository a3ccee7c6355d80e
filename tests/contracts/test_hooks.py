"""Hooks as a contract: each hook in ``yinghuo.hookspecs`` is typed, says when it fires, and
has a test named ``test_hook_<name>…`` (Datasette's rule); the hooks whose tests live
nowhere else are tested here against the sample plugin."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from click.testing import CliRunner

from yinghuo.testing import as_operator

from yinghuo import hookspecs
from yinghuo.testing import sample_plugin

ROOT = Path(__file__).resolve().parents[2]
HOOKS = sorted(n for n in dir(hookspecs) if n.startswith("yinghuo_"))


@pytest.fixture(autouse=True)
def _calls():
    sample_plugin.CALLS.clear()


def _test_names() -> set[str]:
    files = [*ROOT.glob("tests/**/test_*.py"), *ROOT.glob("plugins/*/tests/test_*.py")]
    return {node.name for path in files for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_hook_")}


def test_every_hook_has_a_test():
    names = _test_names()
    untested = [h for h in HOOKS if not any(n.startswith(f"test_hook_{h[len('yinghuo_'):]}") for n in names)]
    assert untested == []


def test_every_hook_is_typed_and_says_when_it_fires():
    for name in HOOKS:
        spec = getattr(hookspecs, name)
        signature = inspect.signature(spec)
        assert signature.return_annotation is not inspect.Signature.empty, name
        assert all(p.annotation is not inspect.Parameter.empty for p in signature.parameters.values()), name
        assert "fire" in (spec.__doc__ or "").lower(), f"{name}: say when it fires (and when it does not)"


def test_hook_manifest_level_decides_where_a_plugin_may_be_enabled(app, make_tenant):
    from yinghuo.errors import Invalid
    from yinghuo.extensions import db
    from yinghuo.plugin_host import PluginError, PluginHost, hookimpl
    from yinghuo.records import PluginManifest
    from yinghuo.tenancy import services
    make_tenant("hub", kind="hub")
    with as_operator(app):
        with pytest.raises(Invalid, match="not hubs"):
            services.enable_plugin(services.get_tenant("hub"), "sample")   # the sample is "tenant" level
        db.session.rollback()

    class Odd:
        @hookimpl
        def yinghuo_manifest(self):
            return PluginManifest(name="odd", title_zh="怪", title_en="Odd", level="everywhere")

    with pytest.raises(PluginError, match="level must be one of"):
        PluginHost(only=["odd"], extra=[Odd()])


def test_hook_cli_commands_add_a_command(monkeypatch, app):
    from yinghuo import cli
    settings = app.extensions["yinghuo"].settings
    monkeypatch.setenv("YINGHUO_INSTANCE", str(settings.instance_path))
    monkeypatch.setenv("YINGHUO_EXTRA_PLUGINS", "yinghuo.testing.sample_plugin")
    cli.add_plugin_commands()
    result = CliRunner().invoke(cli.cli, ["sample-greet", "小王"])
    assert result.exit_code == 0 and result.output.strip() == "你好，小王"


def test_hook_tenant_disabled_fires_once_and_not_when_already_off(app, make_tenant):
    from yinghuo.extensions import db
    from yinghuo.tenancy import services
    make_tenant("t1", plugins=["sample"])
    with as_operator(app):
        tenant = services.get_tenant("t1")
        assert services.disable_plugin(tenant, "sample") is True
        assert services.disable_plugin(tenant, "sample") is False
        db.session.commit()
    assert [c for c in sample_plugin.CALLS if c[0] == "disabled"] == [("disabled", "t1", None)]


def test_hook_dashboard_widgets_show_on_the_home_page_of_members_only(app, client, make_tenant, make_member):
    make_tenant("on", plugins=["sample"])
    make_member("on", "v@on.test")
    member = app.test_client()
    member.post("/t/on/login", data={"login": "v@on.test", "password": "Passw0rd!x"})
    assert "Sample figure" in member.get("/t/on/?lang=en").get_data(as_text=True)
    assert "Sample figure" not in client.get("/t/on/?lang=en").get_data(as_text=True)


def test_hook_activity_categories_are_added_only_where_enabled(client, make_tenant, login, clock):
    def create(slug):
        return client.post(f"/t/{slug}/api/v1/activities", headers=login(slug, f"admin@{slug}.test"), json={
            "title": "示例", "category": "示例类别", "capacity": 3,
            "starts_at": clock.iso(days=3, hour=9), "ends_at": clock.iso(days=3, hour=10)})
    make_tenant("on", plugins=["sample"], admin="admin@on.test")
    make_tenant("off", admin="admin@off.test")
    assert create("on").status_code == 201
    off = create("off")
    assert off.status_code == 422 and "category" in off.get_json()["error"]["fields"]


def test_hook_demo_data_seeds_the_tenants_with_the_plugin(app, make_tenant):
    from yinghuo.demo import _plugins
    from yinghuo.tenancy.services import get_tenant
    make_tenant("on", plugins=["sample"])
    make_tenant("off")
    with app.app_context():
        lines = _plugins(get_tenant("on")) + _plugins(get_tenant("off"))
    assert [c for c in sample_plugin.CALLS if c[0] == "demo"] == [("demo", "on", None)]
    assert lines == ["on: sample: nothing to seed"]


def test_hook_signup_refusal_gives_its_reason_and_takes_no_place(client, make_tenant, make_member, login, clock):
    make_tenant("on", plugins=["sample"], admin="admin@on.test")
    make_member("on", "lead@on.test", roles=["leader", "volunteer"])
    make_member("on", "vol@on.test")
    admin = login("on", "admin@on.test")
    made = client.post("/t/on/api/v1/activities", headers=admin, json={
        "title": f"{sample_plugin.LEADERS_ONLY}夜巡", "category": "文化服务", "capacity": 1,
        "starts_at": clock.iso(days=3, hour=19), "ends_at": clock.iso(days=3, hour=21)}).get_json()[0]
    client.post(f"/t/on/api/v1/activities/{made['id']}/publish", json={}, headers=admin)
    refused = client.post(f"/t/on/api/v1/activities/{made['id']}/signups", json={}, headers=login("on", "vol@on.test"))
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "signup_refused"
    assert "leaders only" in refused.get_json()["error"]["message"]
    taken = client.post(f"/t/on/api/v1/activities/{made['id']}/signups", json={}, headers=login("on", "lead@on.test"))
    assert taken.status_code == 201 and taken.get_json()["status"] == "confirmed"   # the one place was still free


def test_hook_verify_code_answers_for_the_codes_a_plugin_issued(app, client, make_tenant):
    from yinghuo.api import new_verification_code, tenant_scope
    from yinghuo.extensions import db
    from yinghuo.tenancy.services import get_tenant
    tid = make_tenant("on", plugins=["sample"])
    with app.app_context(), tenant_scope(tid):
        get_tenant("on")
        code = new_verification_code("sample")
        db.session.commit()
    sample_plugin.ISSUED.add(code)
    assert client.get(f"/verify/{code}?format=json").get_json() == {"kind": "sample", "genuine": True,
                                                                   "what": "a sample pass"}
    assert client.get("/verify/not-a-code?format=json").status_code == 404


def test_hook_activity_completed_does_not_fire_when_an_activity_is_cancelled(client, make_tenant, login, clock):
    make_tenant("on", plugins=["sample"], admin="admin@on.test")
    admin = login("on", "admin@on.test")
    made = client.post("/t/on/api/v1/activities", headers=admin, json={
        "title": "雨天取消", "category": "文化服务", "capacity": 5,
        "starts_at": clock.iso(days=3, hour=9), "ends_at": clock.iso(days=3, hour=10)}).get_json()[0]
    client.post(f"/t/on/api/v1/activities/{made['id']}/publish", json={}, headers=admin)
    client.post(f"/t/on/api/v1/activities/{made['id']}/cancel", json={"reason": "暴雨"}, headers=admin)
    assert [c[0] for c in sample_plugin.CALLS if c[0].startswith("activity_")] == ["activity_published"]
