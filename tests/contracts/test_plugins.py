"""The plugin host: a disabled plugin is invisible; hooks reach enabled plugins only."""
from yinghuo.testing import as_operator
import pytest

from yinghuo.testing import sample_plugin


@pytest.fixture(autouse=True)
def _calls():
    sample_plugin.CALLS.clear()


def test_hook_blueprints_answer_where_the_plugin_is_enabled(client, make_tenant):
    make_tenant("on", plugins=["sample"], settings={"sample": {"greeting": "欢迎"}})
    assert client.get("/t/on/api/v1/sample/hello").get_json() == {"greeting": "欢迎"}
    assert client.get("/t/on/sample/").status_code == 200


def test_disabled_plugin_is_invisible(client, make_tenant):
    make_tenant("off")
    assert client.get("/t/off/api/v1/sample/hello").status_code == 404
    assert client.get("/t/off/sample/").status_code == 404
    assert "Sample" not in client.get("/t/off/").get_data(as_text=True)


def test_hook_nav_items_appear_only_where_enabled(client, make_tenant):
    make_tenant("on", plugins=["sample"])
    assert "Sample" in client.get("/t/on/?lang=en").get_data(as_text=True)


def test_hook_member_joined_reaches_only_enabled_tenants(make_tenant, make_member):
    make_tenant("on", plugins=["sample"])
    make_tenant("off")
    make_member("on", "a@on.test", name="Alice")
    make_member("off", "b@off.test", name="Bob")
    joined = [c for c in sample_plugin.CALLS if c[0] == "member_joined"]
    assert joined == [("member_joined", "on", "Alice")]


def test_hook_tenant_enabled_fires_once_per_enabling_with_first_time(app, make_tenant):
    from yinghuo.extensions import db
    from yinghuo.tenancy import services
    make_tenant("t1", plugins=["sample"])
    with as_operator(app):
        tenant = services.get_tenant("t1")
        assert services.enable_plugin(tenant, "sample") is False
        services.disable_plugin(tenant, "sample")
        services.enable_plugin(tenant, "sample")
        db.session.commit()
    assert [c for c in sample_plugin.CALLS if c[0] == "enabled"] == [("enabled", "t1", True), ("enabled", "t1", False)]


def test_disabling_keeps_settings(client, app, make_tenant):
    from yinghuo.extensions import db
    from yinghuo.tenancy import services
    make_tenant("t1", plugins=["sample"], settings={"sample": {"greeting": "早上好"}})
    with as_operator(app):
        services.disable_plugin(services.get_tenant("t1"), "sample")
        services.enable_plugin(services.get_tenant("t1"), "sample")
        db.session.commit()
    assert client.get("/t/t1/api/v1/sample/hello").get_json() == {"greeting": "早上好"}


def test_hook_periodic_jobs_run_only_for_tenants_with_the_plugin(app, make_tenant):
    from yinghuo import jobs
    make_tenant("on", plugins=["sample"])
    make_tenant("off")
    with app.app_context():
        declared = jobs.periodic_jobs(app.extensions["yinghuo"].host)
        [sample_job] = [job_id for job_id, (plugin, _) in declared.items() if plugin == "sample"]
        ran = jobs.run_periodic_inline(sample_job)
    from yinghuo.tenancy.services import get_tenant
    with app.app_context():
        on_id = get_tenant("on").id
    assert ran == [on_id]
    assert [c for c in sample_plugin.CALLS if c[0] == "nightly"] == [("nightly", on_id, None)]


def test_hook_models_outside_the_plugin_prefix_are_refused():
    from sqlalchemy import Column, Integer, MetaData, Table
    from yinghuo.plugin_host import PluginError, PluginHost
    from yinghuo.records import PluginManifest
    from yinghuo.plugin_host import hookimpl

    class Bad:
        __table__ = Table("other_things", MetaData(), Column("tenant_id", Integer, primary_key=True))

    class BadPlugin:
        @hookimpl
        def yinghuo_manifest(self):
            return PluginManifest(name="bad", title_zh="坏", title_en="Bad")

        @hookimpl
        def yinghuo_models(self):
            return [Bad]

    host = PluginHost(only=["bad"], extra=[BadPlugin()])
    with pytest.raises(PluginError, match="must start with 'bad_'"):
        host.check_models()


def test_misspelt_hook_fails_at_start():
    from pluggy import PluginValidationError
    from yinghuo.plugin_host import PluginHost, hookimpl
    from yinghuo.records import PluginManifest

    class Typo:
        @hookimpl
        def yinghuo_manifest(self):
            return PluginManifest(name="typo", title_zh="错", title_en="Typo")

        @hookimpl
        def yinghuo_nav_item(self, tenant):
            return []

    with pytest.raises(PluginValidationError):
        PluginHost(only=["typo"], extra=[Typo()])


def test_every_hook_is_documented():
    from yinghuo import hookspecs
    hooks = [n for n in dir(hookspecs) if n.startswith("yinghuo_")]
    assert len(hooks) >= 15
    assert all((getattr(hookspecs, n).__doc__ or "").strip() for n in hooks)


def test_hook_permissions_follow_roles(client, make_tenant, make_member, login):
    make_tenant("on", plugins=["sample"])
    make_member("on", "lead@on.test", roles=["leader"])
    make_member("on", "vol@on.test", roles=["volunteer"])
    assert client.get("/t/on/api/v1/sample/leaders-only", headers=login("on", "lead@on.test")).status_code == 200
    assert client.get("/t/on/api/v1/sample/leaders-only", headers=login("on", "vol@on.test")).status_code == 403


def test_permission_clash_names_both_plugins():
    from yinghuo.plugin_host import PluginError, PluginHost, hookimpl
    from yinghuo.records import Permission, PluginManifest

    class Clash:
        @hookimpl
        def yinghuo_manifest(self):
            return PluginManifest(name="clash", title_zh="冲突", title_en="Clash")

        @hookimpl
        def yinghuo_permissions(self):
            return [Permission("members.manage", "mine too")]

    with pytest.raises(PluginError, match="core and clash"):
        PluginHost(only=["clash"], extra=[Clash()]).permissions()


def test_settings_update_while_disabled_keeps_the_plugins_settings(client, operator, make_tenant):
    make_tenant("t1", plugins=["sample"], settings={"sample": {"greeting": "早上好"}})
    client.patch("/api/v1/tenants/t1", json={"plugins": []}, headers=operator)
    current = client.get("/api/v1/tenants/t1", headers=operator).get_json()["settings"]
    r = client.patch("/api/v1/tenants/t1", json={"settings": {**current, "session_idle_minutes": 45}},
                     headers=operator)
    assert r.status_code == 200 and r.get_json()["settings"]["session_idle_minutes"] == 45
    client.patch("/api/v1/tenants/t1", json={"plugins": ["sample"]}, headers=operator)
    assert client.get("/t/t1/api/v1/sample/hello").get_json() == {"greeting": "早上好"}


def test_a_plugins_pages_speak_its_own_words_where_catalogs_clash(app, make_tenant, make_member):
    """Two plugins' catalogs may translate one msgid differently ("Accept": 验收通过 for a
    teams report, 接单 for a stations demand); each plugin's pages use its own, and the
    kernel's pages the kernel's ("Hours")."""
    from flask import render_template_string
    from yinghuo.i18n import use_plugin_domain
    make_tenant("both", plugins=["teams", "stations"])
    with app.test_request_context("/t/both/"):
        use_plugin_domain("teams")
        assert render_template_string("{{ _('Accept') }}") == "验收通过"
    with app.test_request_context("/t/both/"):
        use_plugin_domain("stations")
        assert render_template_string("{{ _('Accept') }}") == "接单"
    with app.test_request_context("/t/both/"):
        assert render_template_string("{{ _('Hours') }}") == "服务时长（小时）"
