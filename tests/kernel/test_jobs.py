"""Jobs: inline without Redis; through RQ (JSON, tenant carried) with Redis."""
import json
import os
import zlib
import uuid

import pytest
import redis

from yinghuo import jobs
from yinghuo.db.context import tenant_scope
from yinghuo.testing import sample_plugin

REDIS_URL = os.environ.get("YINGHUO_TEST_REDIS", "redis://127.0.0.1:6379/15")


def record(tenant_id, note):
    """A job function: effects go through the database in real jobs; here, a list."""
    from yinghuo.db.context import current_tenant_id
    sample_plugin.CALLS.append(("job", tenant_id, note, current_tenant_id()))


def test_inline_job_runs_after_commit_with_its_tenant(app, make_tenant):
    from yinghuo.extensions import db
    sample_plugin.CALLS.clear()
    tid = make_tenant("alpha")
    with app.app_context(), tenant_scope(tid):
        jobs.enqueue("tests.kernel.test_jobs.record", tenant_id=tid, note="hello")
        assert jobs.run_inline() == 0  # not before the commit
        db.session.commit()
        assert jobs.run_inline() == 1
    assert sample_plugin.CALLS == [("job", tid, "hello", tid)]


def test_rolled_back_transaction_drops_its_jobs(app):
    from yinghuo.extensions import db
    with app.app_context():
        jobs.enqueue("tests.kernel.test_jobs.record", tenant_id=None, note="never")
        db.session.rollback()
        db.session.commit()
        assert jobs.run_inline() == 0


def test_job_arguments_must_be_json(app):
    with app.app_context(), pytest.raises(TypeError, match="JSON"):
        jobs.enqueue("tests.kernel.test_jobs.record", tenant_id=None, note=object())


@pytest.fixture
def redis_app(app):
    conn = redis.Redis.from_url(REDIS_URL)
    conn.ping()  # Redis unreachable is a failure, not a skip
    conn.flushdb()
    app.config["REDIS_URL"] = REDIS_URL
    yield conn
    app.config["REDIS_URL"] = None
    conn.flushdb()


def test_redis_job_is_json_and_carries_the_tenant(app, make_tenant, redis_app):
    from rq import SimpleWorker
    from yinghuo.extensions import db
    sample_plugin.CALLS.clear()
    tid = make_tenant("alpha")
    key = uuid.uuid4().hex
    job_id = f"t{tid}-{key}"
    with app.app_context(), tenant_scope(tid):
        jobs.enqueue("tests.kernel.test_jobs.record", tenant_id=tid, job_id=key, note="queued")
        db.session.commit()
        q = jobs.queue()
        job = q.fetch_job(job_id)
        assert job.meta["tenant_id"] == tid and job.kwargs["kwargs"] == {"note": "queued"}
        raw = zlib.decompress(redis_app.hget(f"rq:job:{job_id}", "data"))
        assert {"note": "queued"} in json.loads(raw)[-1].values()  # JSON, not pickle
        jobs._WORKER_APP["app"] = app
        SimpleWorker([q], connection=q.connection, serializer=q.serializer).work(burst=True)
    assert sample_plugin.CALLS == [("job", tid, "queued", tid)]


def test_same_job_id_is_not_queued_twice(app, redis_app):
    from yinghuo.extensions import db
    with app.app_context():
        for _ in range(2):
            jobs.enqueue("tests.kernel.test_jobs.record", tenant_id=None, job_id="once", note="x")
            db.session.commit()
        assert jobs.queue().count == 1


def test_periodic_jobs_are_scheduled_once(app, redis_app):
    with app.app_context():
        declared = jobs.periodic_jobs(app.extensions["yinghuo"].host)
        first = jobs.schedule_periodic()
        second = jobs.schedule_periodic()
        assert sorted(first) == sorted(declared) and second == []
        assert len(jobs.queue().scheduled_job_registry.get_job_ids()) == len(declared)


def test_health_reports_redis_when_configured(client, redis_app):
    assert client.get("/healthz").get_json()["redis"] == "ok"


def mark(tenant_id, key):
    """A job whose effect another process can see: a Redis key carrying the tenant."""
    jobs.redis_connection().set(f"yinghuo:test:t{tenant_id}:{key}", "done")


def test_yinghuo_worker_runs_queued_jobs(app, make_tenant, redis_app, monkeypatch):
    from click.testing import CliRunner
    from yinghuo.cli import cli
    from yinghuo.extensions import db
    tid = make_tenant("alpha")
    with app.app_context(), tenant_scope(tid):
        jobs.enqueue("tests.kernel.test_jobs.mark", tenant_id=tid, key="k1")
        db.session.commit()
    settings = app.extensions["yinghuo"].settings
    for name, value in {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", ""),
                        "YINGHUO_INSTANCE": str(settings.instance_path), "SECRET_KEY": settings.secret_key,
                        "YINGHUO_DATA_KEY": "k1:" + "A" * 43 + "=", "REDIS_URL": REDIS_URL, "YINGHUO_PASSWORD_PROFILE": "CHEAPEST",
                        "YINGHUO_EXTRA_PLUGINS": "yinghuo.testing.sample_plugin"}.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["worker", "--burst"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert redis_app.get(f"yinghuo:test:t{tid}:k1") == b"done"
    jobs._WORKER_APP.clear()


def test_worker_without_redis_is_a_usage_error(app, monkeypatch):
    from click.testing import CliRunner
    from yinghuo.cli import cli
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", ""))
    monkeypatch.setenv("YINGHUO_INSTANCE", str(app.extensions["yinghuo"].settings.instance_path))
    result = CliRunner().invoke(cli, ["worker", "--burst"])
    assert result.exit_code == 2 and "REDIS_URL" in result.output


def test_tick_queues_the_job_for_enabled_tenants_and_schedules_the_next(app, make_tenant, redis_app):
    on = make_tenant("on", plugins=["sample"])
    make_tenant("off")
    jobs._WORKER_APP["app"] = app
    with app.app_context():
        [job_id] = [j for j, (plugin, _) in jobs.periodic_jobs(app.extensions["yinghuo"].host).items()
                    if plugin == "sample"]
        assert jobs.tick(job_id) == 1
        q = jobs.queue()
        queued = [q.fetch_job(i) for i in q.job_ids]
        assert [(j.kwargs["tenant_id"], j.meta["tenant_id"]) for j in queued] == [(on, on)]
        assert queued[0].retries_left == len(jobs.RETRY_INTERVALS)
        assert [i for i in q.scheduled_job_registry.get_job_ids() if i.startswith(job_id)]
    jobs._WORKER_APP.clear()
