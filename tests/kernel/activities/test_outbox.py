"""A job asked for by a committed change is never lost (issue 16: with Redis down, asking for a
certificate answered 500 and left it pending with no job, forever). The call is written to the
outbox with the change; the sweep queues it again once Redis is back; a run that finished is
never run again."""
import pytest
from sqlalchemy import func, select

from yinghuo import jobs
from yinghuo.testing import sample_plugin

BASE = "/t/county/api/v1"


def _outbox(app) -> int:
    from yinghuo.db.context import tenant_scope
    from yinghuo.extensions import db
    with app.app_context(), tenant_scope(None, operator=True):
        return db.session.scalar(select(func.count()).select_from(jobs.OutboxJob))


@pytest.fixture
def approved_hours(client, county, clock):
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    r = client.post(f"{BASE}/hours", json={"member_id": me, "minutes": 120, "served_on": clock.day(),
                                           "content": "敬老院陪伴", "note": "村委会记录"}, headers=county["leader"])
    client.post(f"{BASE}/hours/{r.get_json()['id']}/approve", json={}, headers=county["admin"])
    return me


def test_a_certificate_asked_for_while_redis_is_down_is_made_once_it_is_back(
        app, client, county, approved_hours, redis_outage, clock):
    r = client.post(f"{BASE}/me/certificates", json={"period_start": clock.day(-30), "period_end": clock.day()},
                    headers=county["vol"])
    assert r.status_code == 202, r.get_json()
    cert = r.get_json()
    assert client.get(f"{BASE}/me/certificates/{cert['id']}", headers=county["vol"]).get_json()["status"] == "pending"
    assert _outbox(app) == 1
    assert redis_outage() == 1
    assert client.get(f"{BASE}/me/certificates/{cert['id']}", headers=county["vol"]).get_json()["status"] == "ready"
    assert _outbox(app) == 0
    assert redis_outage() == 0  # nothing left to push


def test_an_export_and_a_message_asked_for_while_redis_is_down_are_delivered_once_it_is_back(
        app, client, county, make_activity, people, redis_outage, monkeypatch):
    from yinghuo.sheets import services as sheets
    from yinghuo.testing import as_operator
    from yinghuo.tenancy import services as tenancy
    from yinghuo.extensions import db
    with as_operator(app):
        tenancy.enable_plugin(tenancy.get_tenant("county"), "sample")  # its SMS channel delivers by a job
        db.session.commit()
    sample_plugin.SMS_SENT.clear()
    monkeypatch.setattr(sheets, "INLINE_ROWS", 0)  # every export is a job
    export = client.post(f"{BASE}/exports", json={"kind": "members"}, headers=county["admin"])
    assert export.status_code == 202 and export.get_json()["status"] == "queued"
    [grandma] = people(1)
    from yinghuo.db.context import tenant_scope
    from yinghuo.people.models import Member
    with app.app_context():
        tid = tenancy.get_tenant("county").id
        with tenant_scope(tid):
            db.session.get(Member, (tid, grandma)).phone = "13900001111"
            db.session.commit()
    a = make_activity(title="义剪")
    signed = client.post(f"{BASE}/activities/{a['id']}/signups", json={"member_id": grandma}, headers=county["leader"])
    assert signed.status_code == 201, signed.get_json()
    assert sample_plugin.SMS_SENT == [] and _outbox(app) >= 2
    redis_outage()
    done = client.get(f"{BASE}/exports/{export.get_json()['id']}", headers=county["admin"]).get_json()
    assert done["status"] == "done"
    assert [phone for phone, _ in sample_plugin.SMS_SENT] == ["13900001111"]
    assert _outbox(app) == 0


def test_a_run_after_the_call_committed_does_nothing(app, make_tenant, redis):
    """RQ may run a call again (its worker killed after the commit, before RQ noted it): the
    outbox row went with the call's own commit, so the second run finds it gone."""
    from yinghuo.db.context import tenant_scope
    from yinghuo.extensions import db
    sample_plugin.CALLS.clear()
    tid = make_tenant("alpha")
    with app.app_context(), tenant_scope(tid):
        jobs.enqueue("tests.kernel.test_jobs.record", tenant_id=tid, note="once")
        db.session.commit()
        [call] = [jobs._call(row) for row in db.session.scalars(select(jobs.OutboxJob))]
    for _ in range(2):
        with app.app_context():
            jobs._run(call["func"], call["tenant_id"], call["kwargs"], outbox_id=call["outbox_id"])
    assert [c for c in sample_plugin.CALLS if c[0] == "job"] == [("job", tid, "once", tid)]


def fails(tenant_id):
    raise RuntimeError("the mail server said no")


def test_a_failing_inline_job_leaves_the_request_answered_and_its_call_for_the_sweep(app, client, make_tenant):
    """Without Redis, jobs run in the request after its commit: one that fails is logged and
    kept, not turned into a 500 for a change that is already saved."""
    from yinghuo.db.context import tenant_scope
    from yinghuo.extensions import db
    tid = make_tenant("alpha")
    with app.app_context(), tenant_scope(tid):
        jobs.enqueue("tests.kernel.activities.test_outbox.fails", tenant_id=tid)
        db.session.commit()
        assert jobs.run_inline() == 1
    assert _outbox(app) == 1
    with app.app_context():
        assert jobs.sweep_outbox(stale_seconds=0) == 1  # run again here: it fails again, and stays
    assert _outbox(app) == 1
