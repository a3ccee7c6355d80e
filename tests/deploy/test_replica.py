"""A streaming replica for the read-heavy work (issue 17), shown with a real one: this test starts
its own PostgreSQL primary and a hot standby made from it by ``pg_basebackup`` (two clusters on
this machine), runs the app with DATABASE_URL on the primary and YINGHUO_READ_DATABASE_URL on
the standby, and pauses the standby's replay: a member added meanwhile (a write, on the
primary) does not show in the hub's roll-up until replay resumes, so the roll-up was read on
the replica. With the standby stopped the roll-up still answers, from the primary."""
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from yinghuo.testing import free_port
from sqlalchemy import create_engine, text

pytestmark = [pytest.mark.servers, pytest.mark.xdist_group("replica")]


def _bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    assert versions, "PostgreSQL's server programs (Debian package postgresql) are needed"
    return versions[-1].parent



def _as_postgres(*command):
    result = subprocess.run(["runuser", "-u", "postgres", "--", *map(str, command)], capture_output=True, text=True)
    assert result.returncode == 0, (command, result.stdout[-1500:], result.stderr[-1500:])
    return result.stdout


@pytest.fixture(scope="module")
def clusters():
    if os.environ.get("YINGHUO_TEST_DB", "postgresql") == "sqlite":
        pytest.skip("a PostgreSQL replica")
    pg = _bin()
    base = Path(tempfile.mkdtemp(prefix="yh-replica-"))
    shutil.chown(base, "postgres", "postgres")
    primary, standby = base / "primary", base / "standby"
    ports = {"primary": free_port(), "standby": free_port()}
    _as_postgres(pg / "initdb", "-D", primary, "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--locale=C.UTF-8")
    settings = (f"listen_addresses = '127.0.0.1'\nunix_socket_directories = '{base}'\nfsync = off\n"
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nshared_buffers = 32MB\n")
    with open(primary / "postgresql.conf", "a") as conf:
        conf.write(settings + f"port = {ports['primary']}\n")
    _as_postgres(pg / "pg_ctl", "-D", primary, "-l", base / "primary.log", "-w", "start")
    try:
        _as_postgres(pg / "pg_basebackup", "-h", "127.0.0.1", "-p", ports["primary"], "-U", "postgres",
                     "-D", standby, "-R", "-X", "stream")
        with open(standby / "postgresql.conf", "a") as conf:
            conf.write(f"port = {ports['standby']}\n")
        _as_postgres(pg / "pg_ctl", "-D", standby, "-l", base / "standby.log", "-w", "start")
        url = "postgresql://postgres@127.0.0.1:{}/{}"
        admin = create_engine(url.format(ports["primary"], "postgres").replace("://", "+psycopg://", 1),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE yinghuo"))
        admin.dispose()
        yield {"primary": url.format(ports["primary"], "yinghuo"), "standby": url.format(ports["standby"], "yinghuo"),
               "pg": pg, "standby_dir": standby}
    finally:
        for folder in (standby, primary):
            if (folder / "postmaster.pid").exists():
                subprocess.run(["runuser", "-u", "postgres", "--", str(pg / "pg_ctl"), "-D", str(folder), "-m",
                                "immediate", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def app(clusters, tmp_path_factory):
    """The app on the primary, with the standby as its read replica (this module's own app)."""
    from yinghuo import migrate
    from yinghuo.app import create_app
    from yinghuo.testing.pytest_plugin import make_env
    env = make_env(clusters["primary"], tmp_path_factory.mktemp("instance"),
                   YINGHUO_READ_DATABASE_URL=clusters["standby"])
    app = create_app({"ENV": env, "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "YINGHUO_EXTRA_PLUGINS": ["yinghuo.testing.sample_plugin"]})
    with app.app_context():
        migrate.upgrade()
    return app


def _sql(url: str, sql: str):
    engine = create_engine(url.replace("://", "+psycopg://", 1), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def _caught_up(clusters) -> None:
    target = _sql(clusters["primary"], "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _sql(clusters["standby"], f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
            return
        time.sleep(0.1)
    raise AssertionError("the standby did not catch up in 30 s")


def test_a_hub_rollup_reads_from_the_replica_while_writes_go_to_the_primary(app, clusters, client, make_tenant,
                                                                             make_member, login, monkeypatch):
    from datetime import timedelta
    from yinghuo import snapshots
    from yinghuo.db import replica
    monkeypatch.setattr(snapshots, "STALE", timedelta(0))   # no kept figures: every roll-up counted on the spot
    assert _sql(clusters["standby"], "SELECT pg_is_in_recovery()") is True
    make_tenant("hub", kind="hub", admin="admin@hub.test")
    make_tenant("kid", parent="hub", admin="admin@kid.test")
    for i in range(2):
        make_member("kid", f"v{i}@kid.test")
    headers, kid_admin = login("hub", "admin@hub.test"), login("kid", "admin@kid.test")
    _caught_up(clusters)

    def members() -> int:
        r = client.get("/t/hub/api/v1/rollup", headers=headers)
        assert r.status_code == 200, r.get_data(as_text=True)
        return r.get_json()[0]["stats"]["members"]
    before = members()
    assert before == 3                                     # the kid's admin and two volunteers
    _sql(clusters["standby"], "SELECT pg_wal_replay_pause()")
    try:
        make_member("kid", "late@kid.test")                # a write: on the primary
        on_primary = _sql(clusters["primary"], "SELECT count(*) FROM members WHERE tenant_id = "
                                               "(SELECT id FROM tenants WHERE slug = 'kid')")
        assert on_primary == before + 1
        assert members() == before                         # read on the standby, which has not replayed it
        # an export reads its rows there too, and writes its file on the primary
        job = client.post("/t/kid/api/v1/exports", json={"kind": "members"}, headers=kid_admin).get_json()
        done = client.get(f"/t/kid/api/v1/exports/{job['id']}", headers=kid_admin).get_json()
        assert done["status"] == "done" and done["rows"] == before
        assert client.get(f"/t/kid/api/v1/exports/{job['id']}/file", headers=kid_admin).status_code == 200
    finally:
        _sql(clusters["standby"], "SELECT pg_wal_replay_resume()")
    _caught_up(clusters)
    assert members() == before + 1

    _as_postgres(clusters["pg"] / "pg_ctl", "-D", clusters["standby_dir"], "-m", "fast", "-w", "stop")
    make_member("kid", "later@kid.test")
    assert members() == before + 2                         # the standby is down: read on the primary
    with app.app_context():
        with replica.reads() as source:
            assert source == "primary"                     # and left alone for a while
