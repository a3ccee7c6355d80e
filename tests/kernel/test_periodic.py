"""Periodic jobs without Redis (issue 17): each job's slot runs once, whoever asks; in gunicorn
one worker at a time runs them, and another takes over when it dies."""
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from yinghuo import jobs, periodic
from yinghuo.db.context import tenant_scope
from yinghuo.extensions import db
from yinghuo.testing import free_port, sample_plugin

#: ten past an hour: a minute, an hour and a day later are each a new slot of the matching jobs
T0 = datetime.now(timezone.utc).replace(minute=10, second=0, microsecond=0)


def _runs(app) -> list[tuple[str, int, str]]:
    with app.app_context(), tenant_scope(None, operator=True):
        rows = db.session.scalars(select(periodic.PeriodicRun).order_by(periodic.PeriodicRun.slot)).all()
        return [(r.job_id, r.slot, r.runner, r.finished_at is not None, r.tenants) for r in rows]


def test_each_slot_runs_once_for_the_tenants_that_enabled_the_plugin(app, make_tenant):
    on = make_tenant("on", plugins=["sample"])
    make_tenant("off")
    sample_plugin.CALLS.clear()
    with app.app_context():
        declared = jobs.periodic_jobs(app.extensions["yinghuo"].host)
        [nightly] = [j for j, (plugin, _) in declared.items() if plugin == "sample"]
        assert sorted(periodic.run_due(T0, runner="a")) == sorted(declared)
        assert periodic.run_due(T0 + timedelta(seconds=5), runner="b") == []   # same slots: claimed
        later = periodic.run_due(T0 + timedelta(minutes=1), runner="b")        # the minute's sweep only
        assert nightly not in later and later
        assert nightly in periodic.run_due(T0 + timedelta(hours=1), runner="b")
    assert [c for c in sample_plugin.CALLS if c[0] == "nightly"] == [("nightly", on, None)] * 2
    mine = [r for r in _runs(app) if r[0] == nightly]
    assert [(r[2], r[3], r[4]) for r in mine] == [("a", True, 1), ("b", True, 1)]
    assert mine[1][1] - mine[0][1] == 3600


def test_a_failing_tenant_is_recorded_and_the_others_still_run(app, make_tenant, monkeypatch):
    first, second = make_tenant("one", plugins=["sample"]), make_tenant("two", plugins=["sample"])
    sample_plugin.CALLS.clear()

    def nightly(tenant_id):
        if tenant_id == first:
            raise RuntimeError("磁盘已满")
        sample_plugin.CALLS.append(("nightly", tenant_id, None))
    monkeypatch.setattr(sample_plugin, "nightly", nightly)
    with app.app_context():
        periodic.run_due(T0, runner="a")
        [row] = [r for r in periodic.last_runs() if r["plugin"] == "sample"]
    assert sample_plugin.CALLS == [("nightly", second, None)]
    assert row["last"]["tenants"] == 2 and row["last"]["failures"] == 1 and "磁盘已满" in row["last"]["error"]


def test_runs_older_than_two_weeks_are_forgotten(app):
    with app.app_context():
        periodic.run_due(T0, runner="a")
        periodic.run_due(T0 + periodic.KEEP + timedelta(days=1), runner="a")
    slots = {r[1] for r in _runs(app)}
    assert min(slots) >= int((T0 + timedelta(days=1)).timestamp())


def test_with_redis_the_web_processes_run_no_runner(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/0")
    assert periodic.start_runner(app) is None



def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


@pytest.mark.servers
def test_in_gunicorn_one_worker_runs_them_and_another_takes_over_when_it_dies(app, tmp_path):
    """The quick start (no REDIS_URL): gunicorn with three workers; the periodic jobs run, each
    slot by one process; SIGKILL that worker and another one runs the next slot."""
    settings = app.extensions["yinghuo"].settings
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", ""),
           "YINGHUO_INSTANCE": str(settings.instance_path), "SECRET_KEY": settings.secret_key,
           "YINGHUO_DATA_KEY": "k1:" + "A" * 43 + "=", "YINGHUO_PASSWORD_PROFILE": "CHEAPEST",
           "YINGHUO_EXTRA_PLUGINS": "yinghuo.testing.sample_plugin", "YINGHUO_PERIODIC_POLL": "0.3",
           "YINGHUO_WORKERS": "3", "YINGHUO_BIND": f"127.0.0.1:{free_port()}"}
    env.pop("REDIS_URL", None)
    with app.app_context():
        declared = set(jobs.periodic_jobs(app.extensions["yinghuo"].host))
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:yinghuo.gunicorn_conf",
                               "yinghuo.wsgi:app"], cwd=tmp_path, env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        rows = _wait(lambda: (r := _runs(app)) and declared <= {x[0] for x in r} and r, 60, "every job to run")
        runners = {r[2] for r in rows}
        assert len(runners) == 1 and len(rows) == len({r[0] for r in rows}), rows  # one process, one slot each
        holder = int(runners.pop().rsplit(":", 1)[1])
        assert holder != server.pid  # a worker, not the master
        os.kill(holder, signal.SIGKILL)
        with app.app_context(), tenant_scope(None, operator=True):  # forget the runs: the slots are due again
            db.session.execute(periodic.PeriodicRun.__table__.delete())
            db.session.commit()
        rows = _wait(lambda: (r := _runs(app)) and declared <= {x[0] for x in r} and r, 60, "a new runner")
        runners = {r[2] for r in rows}
        assert len(runners) == 1 and int(runners.pop().rsplit(":", 1)[1]) not in (holder, server.pid)
        assert Path(settings.instance_path, "periodic.lock").exists()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_the_command_line_runs_what_is_due_and_lists_the_last_runs(app, monkeypatch, time_machine):
    time_machine.move_to(T0, tick=False)  # both runs in one minute's slot
    from click.testing import CliRunner
    from yinghuo.cli import cli
    from yinghuo.testing import cli_env
    for name, value in cli_env(app).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("REDIS_URL", raising=False)
    before = CliRunner().invoke(cli, ["periodic", "list"], catch_exceptions=False).output
    assert "yinghuo.jobs.sweep_outbox" in before and "last: never" in before
    first = CliRunner().invoke(cli, ["periodic", "run"], catch_exceptions=False).output
    again = CliRunner().invoke(cli, ["periodic", "run"], catch_exceptions=False).output
    assert int(first.split()[0]) >= 3 and again.startswith("0 periodic")
    after = CliRunner().invoke(cli, ["periodic", "list"], catch_exceptions=False).output
    assert "last: never" not in after and "UTC by" in after


def test_the_audit_log_is_kept_as_the_tenant_says_and_never_under_six_months(app, make_tenant, client, operator,
                                                                            raw_sql, run_periodic_jobs):
    from yinghuo.audit import database_now
    tid = make_tenant("keeper")
    with app.app_context():
        now = database_now()   # the clock the retention reads (the database's, on PostgreSQL)
    for days in (400, 300, 190, 10):
        raw_sql("INSERT INTO audit_log (at, tenant_id, actor, action, target_type) VALUES (:at, :t, 'x', 'old.entry', 'test')",
                at=now - timedelta(days=days), t=tid)
    too_short = client.patch("/api/v1/tenants/keeper", headers=operator,
                             json={"settings": {"audit_retention_days": 100}})
    assert too_short.status_code == 422 and "audit_retention_days" in too_short.get_data(as_text=True)
    old = "SELECT count(*) FROM audit_log WHERE tenant_id = :t AND action = 'old.entry'"
    run_periodic_jobs("core")
    assert raw_sql.scalar(old, t=tid) == 3            # the default keeps 365 days
    assert client.patch("/api/v1/tenants/keeper", headers=operator,
                        json={"settings": {"audit_retention_days": 183}}).status_code == 200
    run_periodic_jobs("core")
    assert raw_sql.scalar(old, t=tid) == 1            # 190 days and more went; the 10-day-old stays
    assert raw_sql.scalar("SELECT count(*) FROM audit_log WHERE tenant_id = :t AND action = 'audit.expired'", t=tid) == 2


def test_the_operator_sees_the_checks_the_periodic_runs_and_the_waiting_jobs_on_a_page(app, client, operator,
                                                                                     make_tenant, time_machine):
    from yinghuo.testing import CHINA
    time_machine.move_to(T0, tick=False)
    make_tenant("alpha", plugins=["sample"])
    with app.app_context():
        periodic.run_due(T0, runner="web-1:42")
    client.post("/login", data={"login": "op@yinghuo.test", "password": "Operat0r!x"})
    page = client.get("/console/status")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "系统状态" in html and "数据库" in html and "正常" in html
    assert "PDF 中文字体" in html and "重新排队未完成的任务" in html
    assert T0.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") in html       # the last runs, in China time
    assert "没有：提交的任务均已完成" in html
    assert app.test_client().get("/console/status").status_code in (302, 401, 403)   # operators only
