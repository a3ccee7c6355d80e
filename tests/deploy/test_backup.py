"""Backups (issue 17): back up the demo, restore into a new database and instance folder, and
find the same rows, the same files and the same verification codes answering at /verify; a
damaged backup or a database that is not empty is refused with one line."""
import os
import secrets
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from yinghuo.testing import demo_morning, load_demo, table_hashes

DATA_KEY = "k1:" + "A" * 43 + "="


def _env(url: str, instance: Path, **extra) -> dict:
    """The settings of a command line run, the key material left to the instance folder."""
    return {"DATABASE_URL": url, "YINGHUO_INSTANCE": str(instance), "SECRET_KEY": None, "YINGHUO_DATA_KEY": None,
            "REDIS_URL": None, "YINGHUO_PASSWORD_PROFILE": "CHEAPEST", "YINGHUO_EXTRA_PLUGINS": None,
            "YINGHUO_PLUGINS": None, **extra}


def _cli(env: dict, *args):
    from yinghuo.cli import cli
    return CliRunner(env=env).invoke(cli, list(args))


@pytest.fixture
def demo_backup(tmp_path, empty_pg_database, time_machine):
    """A demo deployment made by the command line (its own database and instance folder, keys
    generated there as in the quick start), backed up twice with --keep 1."""
    time_machine.move_to(demo_morning(), tick=True)
    pg = os.environ.get("YINGHUO_TEST_DB", "postgresql") != "sqlite"
    url = empty_pg_database("backup_src") if pg else f"sqlite:///{tmp_path / 'source/instance/yinghuo.db'}"
    env = _env(url, tmp_path / "source/instance")
    made = _cli(env, "demo")
    assert made.exit_code == 0, made.output
    for _ in range(2):
        result = _cli(env, "backup", "--to", str(tmp_path / "backups"), "--keep", "1")
        assert result.exit_code == 0 and "backup written" in result.output, result.output
        time_machine.shift(2)
    [archive] = list((tmp_path / "backups").glob("yinghuo-*.tar"))
    return {"env": env, "archive": archive, "pg": pg}


def _app(env: dict):
    from yinghuo.app import create_app
    from yinghuo.config import Settings
    clean = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    return create_app({"SETTINGS": Settings.from_env(clean)})


def test_a_restored_backup_has_the_same_rows_files_and_verification_codes(demo_backup, tmp_path, empty_pg_database):
    from yinghuo.certificates.models import VerificationCode
    with tarfile.open(demo_backup["archive"]) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and ("database.dump" if demo_backup["pg"] else "database.sqlite") in names
    assert {"instance/secret.key", "instance/data.key"} <= set(names)
    assert not [n for n in names if "translations" in n or n.endswith(".lock")]

    url = empty_pg_database("backup_dst") if demo_backup["pg"] else f"sqlite:///{tmp_path / 'target/yinghuo.db'}"
    target = _env(url, tmp_path / "target/instance")
    result = _cli(target, "restore", str(demo_backup["archive"]))
    assert result.exit_code == 0 and "schema up to date" in result.output, result.output

    source_app, target_app = _app(demo_backup["env"]), _app(target)
    assert table_hashes(target_app) == table_hashes(source_app)   # every row of every table, files included
    for name in ("secret.key", "data.key"):
        assert (tmp_path / "target/instance" / name).read_bytes() == (tmp_path / "source/instance" / name).read_bytes()
    with source_app.app_context():
        codes = [r[0] for r in _rows(select(VerificationCode.__table__.c.code))]
    source_files, target_files = _files(source_app), _files(target_app)
    assert len(codes) >= 5 and sum(map(len, source_files.values())) >= 5, source_files.keys()
    assert target_files == source_files
    client = target_app.test_client()
    for code in codes[:5]:
        page = client.get(f"/verify/{code}")
        assert page.status_code == 200 and "真实有效" in page.get_data(as_text=True), code
    assert client.get(f"/verify/{codes[0][:-1]}x").status_code == 404


def _rows(statement) -> list:
    from yinghuo.extensions import db
    with db.engine.connect() as conn:   # as the owner: every tenant's rows
        return conn.execute(statement).all()


def _files(app) -> dict[str, list[bytes]]:
    """Every stored file (each binary column's values: PDFs, exports, uploads), by table.column."""
    from sqlalchemy import LargeBinary

    from yinghuo.extensions import db
    found = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, LargeBinary):
                    values = [r[0] for r in _rows(select(column).where(column.is_not(None)))]
                    if values:
                        found[f"{table.name}.{column.name}"] = sorted(values)
    return found


def test_a_damaged_backup_and_a_database_in_use_are_refused(demo_backup, tmp_path, empty_pg_database):
    in_use = _cli(demo_backup["env"], "restore", str(demo_backup["archive"]))
    assert in_use.exit_code == 2 and in_use.output.startswith("error: the database is not empty")
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(demo_backup["archive"]) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("database."):
                data = data[:-100] + secrets.token_bytes(100)
            member.size = len(data)
            dst.addfile(member, __import__("io").BytesIO(data))
    url = empty_pg_database("backup_bad") if demo_backup["pg"] else f"sqlite:///{tmp_path / 'bad/yinghuo.db'}"
    refused = _cli(_env(url, tmp_path / "bad/instance"), "restore", str(damaged))
    assert refused.exit_code == 2 and "does not match its checksum" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    not_a_backup = tmp_path / "notes.tar"
    not_a_backup.write_text("hello")
    assert "is not a Yinghuo backup" in _cli(_env(url, tmp_path / "bad/instance"), "restore", str(not_a_backup)).output
