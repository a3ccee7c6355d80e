"""Jobs under faults (issue 16, C13): 200 jobs, a real ``yinghuo worker`` killed ten times with
SIGKILL in the middle of a job, and each job's effect happens exactly once. Each job writes its
effect in its own transaction with the delete of its outbox row; a killed run leaves the row,
which the sweep queues again; a run of a call that committed finds the row gone."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from yinghuo import jobs
from yinghuo.db.context import tenant_scope
from yinghuo.extensions import db

JOBS, KILLS = 200, 10


def effect(tenant_id, subject):
    """The job: note that a run started (killed ones too), work a little, write the effect."""
    jobs.redis_connection().hincrby("faults:by_subject", subject, 1)
    time.sleep(0.04)
    db.session.execute(text("INSERT INTO fault_effects (tenant_id, subject) VALUES (:t, :s)"),
                       {"t": tenant_id, "s": subject})


def _worker(app, redis_url) -> subprocess.Popen:
    settings = app.extensions["yinghuo"].settings
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", ""),
           "REDIS_URL": redis_url, "YINGHUO_INSTANCE": str(settings.instance_path), "SECRET_KEY": settings.secret_key,
           "YINGHUO_DATA_KEY": "k1:" + "A" * 43 + "=", "YINGHUO_PASSWORD_PROFILE": "CHEAPEST",
           "YINGHUO_EXTRA_PLUGINS": "yinghuo.testing.sample_plugin"}
    root = Path(__file__).resolve().parents[2]
    return subprocess.Popen([sys.executable, "-m", "yinghuo.cli", "worker"], cwd=root, env=env,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _starts(redis) -> int:
    return sum(int(v) for v in redis.hvals("faults:by_subject"))


def _kill(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and its work horse (RQ starts each job in a child of its own session,
    so killing the worker's group alone would let the job finish)."""
    children = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == worker.pid]
    for pid in [worker.pid, *children]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    worker.wait()


def _parent(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _effects(app) -> tuple[int, int]:
    with app.app_context(), db.engine.connect() as conn:
        return tuple(conn.execute(text("SELECT count(*), count(DISTINCT subject) FROM fault_effects")).one())


@pytest.mark.servers
def test_two_hundred_jobs_and_ten_worker_kills_give_each_effect_exactly_once(app, make_tenant, redis, raw_sql):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("a real worker against PostgreSQL and Redis")
    raw_sql("DROP TABLE IF EXISTS fault_effects")
    raw_sql("CREATE TABLE fault_effects (tenant_id bigint, subject text)")  # no key: a double would show
    raw_sql("GRANT SELECT, INSERT ON fault_effects TO yinghuo_app")
    tid = make_tenant("alpha")
    with app.app_context(), tenant_scope(tid):
        for i in range(JOBS):
            jobs.enqueue("tests.kernel.test_worker_faults.effect", tenant_id=tid, subject=f"s{i}")
        db.session.commit()
    url = app.config["REDIS_URL"]
    kills = 0
    try:
        while kills < KILLS:
            worker = _worker(app, url)
            started = _starts(redis)
            deadline = time.monotonic() + 30
            while _starts(redis) < started + 3 and time.monotonic() < deadline:
                time.sleep(0.01)  # let it get into its stride
            begun = _starts(redis)
            while _starts(redis) == begun and time.monotonic() < deadline:
                time.sleep(0.001)  # a job has just begun: kill it inside its 40 ms
            _kill(worker)
            kills += 1
        worker = _worker(app, url)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with app.app_context():
                jobs.sweep_outbox(stale_seconds=2)  # what the periodic sweep does every minute
            if _effects(app)[0] >= JOBS and _outbox_empty(app):
                break
            time.sleep(1)
    finally:
        _kill(worker)
    count, distinct = _effects(app)
    again = {k: v for k, v in redis.hgetall("faults:by_subject").items() if v != b"1"}
    starts = sum(int(v) for v in redis.hvals("faults:by_subject"))
    print(f"\n{JOBS} jobs, {kills} kills: {starts} runs started, {len(again)} jobs run again, "
          f"{count} effects, {distinct} distinct")
    assert (count, distinct) == (JOBS, JOBS) and kills == KILLS
    assert len(again) >= KILLS - 1  # the killed runs were run again (a kill may fall between two jobs)
    raw_sql("DROP TABLE fault_effects")


def _outbox_empty(app) -> bool:
    from sqlalchemy import func, select
    with app.app_context(), tenant_scope(None, operator=True):
        return db.session.scalar(select(func.count()).select_from(jobs.OutboxJob)) == 0
