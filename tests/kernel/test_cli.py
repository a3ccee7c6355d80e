"""The yinghuo command line: create, list, plugins, suspend/resume, apply, errors exit 2."""
import json
import textwrap

import pytest
from click.testing import CliRunner

from yinghuo.cli import cli


@pytest.fixture
def run(app, monkeypatch, tmp_path):
    """Run ``yinghuo …`` in-process against the test database (with the sample plugin)."""
    env = app.extensions["yinghuo"].settings
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", ""))
    monkeypatch.setenv("YINGHUO_INSTANCE", str(env.instance_path))
    monkeypatch.setenv("SECRET_KEY", env.secret_key)
    monkeypatch.setenv("YINGHUO_DATA_KEY", "k1:" + "A" * 43 + "=")
    monkeypatch.setenv("YINGHUO_PASSWORD_PROFILE", "CHEAPEST")
    monkeypatch.setenv("YINGHUO_EXTRA_PLUGINS", "yinghuo.testing.sample_plugin")
    monkeypatch.delenv("REDIS_URL", raising=False)

    def invoke(*args):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return invoke


def test_every_command_has_help(run):
    for args in (["--help"], ["tenant", "--help"], ["tenant", "create", "--help"], ["tenant", "apply", "--help"],
                 ["db", "upgrade", "--help"], ["plugins", "list", "--help"], ["demo", "--help"], ["worker", "--help"], ["keys", "rekey", "--help"]):
        result = run(*args)
        assert result.exit_code == 0 and "Usage" in result.output, args


def test_create_list_plugins_suspend_resume(run):
    r = run("tenant", "create", "hq", "--name", "和清县", "--kind", "county", "--plugins", "sample",
            "--admin-email", "admin@hq.test", "--admin-password", "Adm1nPass")
    assert r.exit_code == 0, r.output
    rows = json.loads(run("tenant", "list", "--json").output)
    assert [(t["slug"], t["plugins"], t["status"]) for t in rows] == [("hq", ["sample"], "active")]
    assert run("tenant", "plugins", "hq", "--disable", "sample").output.strip() == "hq: no plugins"
    assert run("tenant", "plugins", "hq", "--enable", "sample").output.strip() == "hq: sample"
    assert "suspended" in run("tenant", "suspend", "hq", "--reason", "年度审核").output
    assert json.loads(run("tenant", "list", "--json").output)[0]["status"] == "suspended"
    assert "active" in run("tenant", "resume", "hq").output


@pytest.mark.parametrize("args,message", [
    (["tenant", "create", "Bad Slug", "--name", "x", "--kind", "county"], "slug"),
    (["tenant", "create", "ok", "--name", "x", "--kind", "village"], "--kind"),
    (["tenant", "create", "ok", "--name", "x", "--kind", "county", "--plugins", "nope"], "unknown plugin"),
    (["tenant", "create", "ok", "--name", "x", "--kind", "county", "--parent", "ghost"], "parent"),
    (["tenant", "suspend", "ghost"], "no tenant"),
    (["tenant", "plugins", "ghost", "--enable", "sample"], "no tenant"),
])
def test_bad_input_exits_2_with_a_clear_message(run, args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_plugins_list(run):
    assert "sample" in run("plugins", "list").output


def _write(path, text):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GOOD = """
    slug = "hq"
    name = "和清县新时代文明实践中心"
    kind = "county"
    plugins = ["sample"]
    [branding]
    display_name = "和清县"
    [[units]]
    name = "中心"
    type = "county"
    [[units]]
    name = "城关镇实践所"
    type = "town"
    parent = "中心"
"""


def test_apply_is_idempotent_and_reports_changes(run, tmp_path):
    f = _write(tmp_path / "hq.toml", GOOD)
    first = run("tenant", "apply", str(f))
    assert first.exit_code == 0 and "hq: created" in first.output and "城关镇实践所 added" in first.output
    assert run("tenant", "apply", str(f)).output.strip() == "hq: unchanged"
    _write(f, GOOD.replace('plugins = ["sample"]', "plugins = []").replace('display_name = "和清县"', 'display_name = "和清"'))
    changed = run("tenant", "apply", str(f)).output
    assert "hq: branding changed" in changed and "hq: plugin -sample" in changed


@pytest.mark.parametrize("bad,key", [
    (GOOD.replace('kind = "county"', 'kind = "village"'), "kind"),
    (GOOD.replace('slug = "hq"', 'slug = "hq"\ncolour = "red"'), "colour"),
    (GOOD.replace('parent = "中心"', 'parent = "不存在"'), "units.1.parent"),
    (GOOD.replace('[branding]', '[branding'), "not valid TOML"),
])
def test_bad_tenant_file_changes_nothing_and_names_file_and_key(run, tmp_path, bad, key):
    good = _write(tmp_path / "a-good.toml", GOOD.replace('"hq"', '"other"'))
    badf = _write(tmp_path / "b-bad.toml", bad)
    result = CliRunner().invoke(cli, ["tenant", "apply", str(tmp_path)])
    assert result.exit_code == 2
    assert str(badf) in result.output and key in result.output
    assert json.loads(run("tenant", "list", "--json").output) == []
    assert good.exists()


def test_file_naming_an_unknown_plugin_rolls_back_the_whole_folder(run, tmp_path):
    _write(tmp_path / "a.toml", GOOD.replace('"hq"', '"first"'))
    _write(tmp_path / "b.toml", GOOD.replace('plugins = ["sample"]', 'plugins = ["ghost"]'))
    result = CliRunner().invoke(cli, ["tenant", "apply", str(tmp_path)])
    assert result.exit_code == 2 and "b.toml" in result.output and "ghost" in result.output
    assert json.loads(run("tenant", "list", "--json").output) == []


def test_repository_tenant_files_apply_cleanly(run):
    from yinghuo.demo import sample_tenants_dir
    result = run("tenant", "apply", str(sample_tenants_dir()))
    assert result.exit_code == 0, result.output
    rows = {t["slug"]: t for t in json.loads(run("tenant", "list", "--json").output)}
    assert len(rows) >= 5
    assert rows["hqxian"]["parent"] == "qingcheng"


def test_demo_loads_people_and_is_idempotent(run):
    assert run("demo").exit_code == 0
    again = run("demo")
    assert again.exit_code == 0 and "demo people exist" in again.output


def test_rekey_moves_id_numbers_to_the_new_key_and_retires_the_old(run, app, client, make_tenant, monkeypatch,
                                                                     database_url, tmp_path):
    """After `keys rekey --retire k1` the app runs with the new key alone: the number is
    still readable, and registering it again in the tenant is still refused."""
    from sqlalchemy import select

    from yinghuo.app import create_app
    from yinghuo.db.context import tenant_scope
    from yinghuo.extensions import db
    from yinghuo.people.idnumbers import with_check_digit
    from yinghuo.people.models import Member
    from yinghuo.testing.pytest_plugin import make_env
    number = with_check_digit("11010519491231002")
    tid = make_tenant("alpha")
    person = {"name": "张三", "phone": "13812341234", "password": "Volunt33r!", "id_number": number, "consent": True}
    assert client.post("/t/alpha/api/v1/members", json=person).status_code == 202
    k1, k2 = "k1:" + "A" * 43 + "=", "k2:" + "C" * 43 + "="
    monkeypatch.setenv("YINGHUO_DATA_KEY", f"{k2},{k1}")
    first = run("keys", "rekey")
    assert first.exit_code == 0 and "1 ID numbers" in first.output and "key k2" in first.output
    with app.app_context(), tenant_scope(tid):
        assert db.session.scalars(select(Member.id_number_enc)).one().startswith("k2:")
    refused = run("keys", "rekey", "--retire", "k1")
    assert refused.exit_code == 2 and "--yes" in refused.output
    assert run("keys", "rekey", "--retire", "k2", "--yes").exit_code == 2  # the current key stays
    retired = run("keys", "rekey", "--retire", "k1", "--yes")
    assert retired.exit_code == 0 and "k2 only" in retired.output
    new_only = create_app({"ENV": make_env(database_url, tmp_path, YINGHUO_DATA_KEY=k2), "TESTING": True})
    with new_only.test_client() as other:
        token = other.post("/t/alpha/api/v1/auth/token", json={"login": "13812341234", "password": "Volunt33r!"})
        me = other.get("/t/alpha/api/v1/me", headers={"Authorization": f"Bearer {token.get_json()['token']}"})
        assert me.get_json()["member"]["id_number"] == number
        again = other.post("/t/alpha/api/v1/members", json={**person, "phone": "13912341234", "name": "李四"})
        assert again.status_code == 409 and "id_number" in again.get_json()["error"]["fields"]


def test_the_first_operator_is_made_from_the_command_line(run, app):
    from sqlalchemy import select
    from yinghuo.extensions import db
    from yinghuo.people.models import Account
    weak = CliRunner().invoke(cli, ["operator", "create", "ops@county.cn", "--password", "123"])
    assert weak.exit_code == 2 and "password" in weak.output.lower()
    made = run("operator", "create", "Ops@County.cn", "--password", "Str0ng!Pass")
    assert made.exit_code == 0 and "platform operator (new account)" in made.output
    again = run("operator", "create", "ops@county.cn", "--password", "Str0ng!Pass")
    assert again.exit_code == 0 and "new account" not in again.output
    with app.app_context():
        assert db.session.scalar(select(Account.is_operator).where(Account.email == "ops@county.cn")) is True
    client = app.test_client()
    assert client.post("/login", data={"login": "ops@county.cn", "password": "Str0ng!Pass"}).status_code == 302
