"""The deploy files validate with the tools that will read them (issue 17): systemd's own
verifier on the units, ``nginx -t`` on the site, the env template read by the settings parser,
the PostgreSQL set-up run twice against the real server and a schema migrated as the plain owner
role it makes; ``yinghuo doctor`` says what is wrong and how to fix it."""
import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from yinghuo.config import SETTINGS_TABLE, Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PG = os.environ.get("YINGHUO_TEST_PG", "postgresql://root@127.0.0.1:5432/postgres")


def test_the_systemd_units_verify(tmp_path):
    """systemd-analyze verify checks every directive and that the programs exist: the programs are
    put under a stand-in for /opt/yinghuo, the rest of each unit is verified as written."""
    tool = shutil.which("systemd-analyze")
    assert tool, "systemd-analyze (Debian package systemd) is needed"
    opt = tmp_path / "opt/yinghuo/bin"
    opt.mkdir(parents=True)
    for program in ("gunicorn", "yinghuo"):
        (opt / program).write_text("#!/bin/sh\n")
        (opt / program).chmod(0o755)
    units = tmp_path / "units"
    units.mkdir()
    names = sorted(p.name for p in DEPLOY.iterdir() if p.suffix in (".service", ".timer"))
    assert {"yinghuo.service", "yinghuo-worker.service", "yinghuo-backup.service", "yinghuo-backup.timer"} <= set(names)
    for name in names:
        (units / name).write_text((DEPLOY / name).read_text().replace("/opt/yinghuo/", f"{tmp_path}/opt/yinghuo/"))
    result = subprocess.run([tool, "verify", *[str(units / n) for n in names]], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    broken = units / "yinghuo.service"
    broken.write_text(broken.read_text().replace("Restart=on-failure", "Restart=sometimes"))
    refused = subprocess.run([tool, "verify", str(broken)], capture_output=True, text=True)
    assert "sometimes" in refused.stderr  # the verifier does read what we wrote


def test_nginx_accepts_the_site(tmp_path):
    """``nginx -t`` on the site inside a minimal main file, with a throwaway certificate at the paths."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx (Debian package nginx-light) is needed"
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=yinghuo.test",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    site = (DEPLOY / "nginx.conf").read_text()
    assert "/etc/ssl/yinghuo/fullchain.pem" in site and "proxy_pass http://127.0.0.1:8000" in site
    (tmp_path / "site.conf").write_text(site.replace("/etc/ssl/yinghuo/fullchain.pem", str(cert))
                                        .replace("/etc/ssl/yinghuo/privkey.pem", str(key)))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path};\n  include {tmp_path}/site.conf;\n}}\n")
    result = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert result.returncode == 0 and "test is successful" in result.stderr, result.stderr


def _env_file(text_: str) -> dict:
    return {m[1]: m[2] for m in re.finditer(r"^([A-Z_]+)=(.*)$", text_, re.M)}


def test_the_env_template_names_every_setting_and_reads_once_filled(tmp_path):
    template = (DEPLOY / "env.example").read_text()
    named = set(re.findall(r"^#?([A-Z][A-Z_]+)=", template, re.M))
    assert {name for name, *_ in SETTINGS_TABLE} <= named, {name for name, *_ in SETTINGS_TABLE} - named
    filled = template.replace("__SECRET_KEY__", secrets.token_hex(32)).replace(
        "__DATA_KEY__", "k1:" + "A" * 43 + "=").replace("/var/lib/yinghuo/instance", str(tmp_path))
    settings = Settings.from_env(_env_file(filled))
    assert settings.proxies == 1 and settings.redis_url and settings.database_url.startswith("postgresql+psycopg:")


def test_the_readme_and_the_operations_guide_name_every_setting_and_command():
    readme, guide = (ROOT / "README.md").read_text(), (ROOT / "docs/operations.md").read_text()
    assert [name for name, *_ in SETTINGS_TABLE if f"| `{name}` |" not in readme] == []
    from yinghuo.cli import cli
    kernel = [name for name, command in cli.commands.items() if command.callback.__module__ == "yinghuo.cli"]
    assert len(kernel) >= 12 and [name for name in kernel if f"yinghuo {name}" not in readme] == []
    for path in ("deploy/setup-debian.sh", "deploy/postgres-setup.sql", "deploy/env.example", "yinghuo-backup.timer",
                 "yinghuo-admin doctor", "yinghuo backup", "yinghuo-admin restore", "YINGHUO_READ_DATABASE_URL"):
        assert path.split("/")[-1] in guide, path


def test_the_setup_script_is_valid_shell_and_uses_the_files_it_names():
    script = (DEPLOY / "setup-debian.sh").read_text()
    assert subprocess.run(["bash", "-n", str(DEPLOY / "setup-debian.sh")], capture_output=True).returncode == 0
    assert subprocess.run(["sh", "-n", str(DEPLOY / "yinghuo-admin")], capture_output=True).returncode == 0
    for name in re.findall(r'\$here/([\w.-]+)', script):
        assert (DEPLOY / name).exists(), name


@pytest.fixture
def owner_role():
    """A role and database made by deploy/postgres-setup.sql (run twice), dropped afterwards."""
    if os.environ.get("YINGHUO_TEST_DB", "postgresql") == "sqlite":
        pytest.skip("PostgreSQL set-up")
    suffix = secrets.token_hex(3)
    owner, backup, dbname = f"yh_owner_{suffix}", f"yh_backup_{suffix}", f"yh_setup_{suffix}"
    admin_url = PG.replace("postgresql://", "postgresql+psycopg://")
    for _ in range(2):
        result = subprocess.run(["psql", PG, "-q", "-v", "ON_ERROR_STOP=1", "-v", f"owner={owner}",
                                 "-v", f"backup={backup}", "-v", f"dbname={dbname}", "-f", str(DEPLOY / "postgres-setup.sql")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    server = urlsplit(PG)
    base = f"postgresql://{{}}@{server.hostname}:{server.port or 5432}/{{}}"
    yield {"owner": owner, "url": base.format(owner, dbname), "backup_url": base.format(backup, dbname),
           "restore_url": base.format(owner, f"{dbname}_restored")}
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for name in (dbname, f"{dbname}_restored"):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        for role in (owner, backup):
            conn.execute(text(f'REASSIGN OWNED BY "{role}" TO CURRENT_USER'))
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    engine.dispose()


def _cli(env: dict, *args):
    from yinghuo.cli import cli
    return CliRunner(env=env).invoke(cli, list(args))


def _doctor_env(url: str, tmp_path: Path, **extra) -> dict:
    return {"DATABASE_URL": url, "YINGHUO_INSTANCE": str(tmp_path), "SECRET_KEY": secrets.token_hex(32),
            "YINGHUO_DATA_KEY": "k1:" + "A" * 43 + "=", "YINGHUO_PASSWORD_PROFILE": "CHEAPEST", "REDIS_URL": None,
            "YINGHUO_EXTRA_PLUGINS": None, "YINGHUO_PLUGINS": None, **extra}


def test_a_plain_owner_role_migrates_and_the_doctor_passes_it(owner_role, tmp_path):
    owner, url = owner_role["owner"], owner_role["url"]
    env = _doctor_env(url, tmp_path)
    before = _cli(env, "doctor")
    # before the first upgrade the owner cannot switch to the app role yet (on a new cluster: no such role)
    assert before.exit_code == 2 and "fail  app role" in before.output and "yinghuo db upgrade" in before.output
    assert before.output.strip().splitlines()[-1] == "error: 2 check(s) failed: app role, together role"
    upgrade = _cli(env, "db", "upgrade")
    assert upgrade.exit_code == 0, upgrade.output
    assert "warn  backup role" in _cli(env, "doctor").output   # the owner cannot dump past row-level security
    env["YINGHUO_BACKUP_DATABASE_URL"] = owner_role["backup_url"]
    report = _cli(env, "doctor")
    assert report.exit_code == 0, report.output
    assert f"ok    owner role         {owner}: no superuser, no BYPASSRLS" in report.output
    assert "ok    app role           yinghuo_app: no superuser, no BYPASSRLS" in report.output
    assert "ok    together role      yinghuo_app_together: no superuser, no BYPASSRLS" in report.output
    assert "ok    backup role" in report.output
    assert "ok    pdf font" in report.output and "all checks passed" in report.output


def test_the_doctor_names_what_is_wrong_and_the_fix(app, tmp_path, raw_sql):
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", "")
    empty_fonts = tmp_path / "fonts.conf"
    empty_fonts.write_text('<?xml version="1.0"?><fontconfig><dir>/nonexistent</dir></fontconfig>')
    env = _doctor_env(url, tmp_path, REDIS_URL="redis://127.0.0.1:1/0", FONTCONFIG_FILE=str(empty_fonts))
    report = _cli(env, "doctor")
    assert report.exit_code == 2
    assert "fail  redis" in report.output and "check REDIS_URL" in report.output
    assert "fail  pdf font" in report.output and "apt-get install fonts-noto-cjk" in report.output
    if url.startswith("postgresql"):
        role = f"yh_bypass_{secrets.token_hex(3)}"
        raw_sql(f"CREATE ROLE {role} NOLOGIN BYPASSRLS")
        try:
            bad = _cli({**env, "YINGHUO_APP_ROLE": role}, "doctor")
            assert f"fail  app role           role {role} is BYPASSRLS" in bad.output
            assert f"ALTER ROLE {role} NOSUPERUSER NOBYPASSRLS;" in bad.output
        finally:
            raw_sql(f"DROP ROLE {role}")
    broken = _cli({**env, "YINGHUO_DATA_KEY": "short"}, "doctor")
    assert broken.exit_code == 2 and "fail  settings           YINGHUO_DATA_KEY" in broken.output


def test_backups_read_past_row_level_security_as_the_backup_role_and_restore_as_the_owner(owner_role, tmp_path):
    """Row-level security is forced on the owner: its own pg_dump is refused with the setting to
    use; the backup role (BYPASSRLS, read-only) dumps; the plain owner restores into its new
    database, policies and grants included."""
    env = _doctor_env(owner_role["url"], tmp_path / "instance")
    assert _cli(env, "db", "upgrade").exit_code == 0
    made = _cli(env, "tenant", "create", "hq", "--name", "和清县", "--kind", "county",
                "--admin-email", "admin@hq.test", "--admin-password", "Adm1nPass")
    assert made.exit_code == 0, made.output
    as_owner = _cli(env, "backup", "--to", str(tmp_path / "b"))
    assert as_owner.exit_code == 2 and "YINGHUO_BACKUP_DATABASE_URL" in as_owner.output, as_owner.output
    env["YINGHUO_BACKUP_DATABASE_URL"] = owner_role["backup_url"]
    done = _cli(env, "backup", "--to", str(tmp_path / "b"))
    assert done.exit_code == 0, done.output
    [archive] = (tmp_path / "b").glob("yinghuo-*.tar")
    admin = create_engine(PG.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{owner_role["restore_url"].rsplit("/", 1)[1]}" OWNER "{owner_role["owner"]}"'))
    admin.dispose()
    restored = {**env, "DATABASE_URL": owner_role["restore_url"]}
    result = _cli(restored, "restore", str(archive))
    assert result.exit_code == 0, result.output
    listed = _cli(restored, "tenant", "list")
    assert listed.exit_code == 0 and "和清县" in listed.output
    engine = create_engine(owner_role["restore_url"].replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:   # the restored tables keep forced row-level security
        forced = conn.execute(text("SELECT relforcerowsecurity FROM pg_class WHERE relname = 'members'")).scalar()
        conn.execute(text("SET ROLE yinghuo_app"))
        visible = conn.execute(text("SELECT count(*) FROM members")).scalar()
    engine.dispose()
    superuser = create_engine(PG.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0] + "/"
                              + owner_role["restore_url"].rsplit("/", 1)[1])
    with superuser.connect() as conn:
        there = conn.execute(text("SELECT count(*) FROM members")).scalar()
    superuser.dispose()
    assert forced is True and there >= 1 and visible == 0   # the app's role, with no tenant in scope, sees no one
