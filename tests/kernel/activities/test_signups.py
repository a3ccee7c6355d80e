"""Sign-ups: capacity never exceeded (also concurrently), waitlist in order, promotion,
deadlines and windows refused with a reason, leaders signing up people without phones."""
import threading
from datetime import timedelta

import pytest

from .conftest import iso


def _signup(client, activity_id, headers, member_id=None):
    return client.post(f"/t/county/api/v1/activities/{activity_id}/signups",
                       json={} if member_id is None else {"member_id": member_id}, headers=headers)


def _roster(client, activity_id, headers):
    return client.get(f"/t/county/api/v1/activities/{activity_id}/signups", headers=headers).get_json()


def test_volunteer_signs_up_and_cancels(client, county, make_activity):
    a = make_activity()
    r = _signup(client, a["id"], county["vol"])
    assert r.status_code == 201 and r.get_json()["status"] == "confirmed"
    r = client.delete(f"/t/county/api/v1/activities/{a['id']}/signups/me", headers=county["vol"])
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    assert _signup(client, a["id"], county["vol"]).status_code == 201  # may sign up again


def test_signup_response_is_what_the_schema_gives(client, county, make_activity):
    """The sign-up answer is written as JSON directly; the roster goes through SignupSchema:
    the same person's entry reads the same in both."""
    a = make_activity()
    mine = _signup(client, a["id"], county["vol"]).get_json()
    roster = client.get(f"/t/county/api/v1/activities/{a['id']}/signups", headers=county["leader"]).get_json()
    assert [mine] == [r for r in roster if r["id"] == mine["id"]]
    assert mine["member_name"] and mine["waitlist_position"] is None


def test_duplicate_signup_is_409(client, county, make_activity):
    a = make_activity()
    _signup(client, a["id"], county["vol"])
    r = _signup(client, a["id"], county["vol"])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "duplicate_signup"


@pytest.mark.parametrize("field,days,code", [
    ("signup_opens_at", +30, "window_closed"),     # opens in a month
    ("signup_closes_at", -30, "window_closed"),    # closed a month ago
])
def test_signup_outside_the_window_is_409(client, county, make_activity, clock, field, days, code):
    a = make_activity(**{field: clock.iso(days=days, hour=0)})
    r = _signup(client, a["id"], county["vol"])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == code


def test_signup_to_cancelled_activity_is_409(client, county, make_activity):
    a = make_activity()
    client.post(f"/t/county/api/v1/activities/{a['id']}/cancel", json={"reason": "暴雨"}, headers=county["leader"])
    r = _signup(client, a["id"], county["vol"])
    assert r.status_code == 409 and "cancelled" in r.get_json()["error"]["message"]


def test_cancel_after_deadline_is_refused_with_reason(client, county, make_activity, now, time_machine):
    a = make_activity(cancel_deadline=iso(now + timedelta(hours=1)))
    _signup(client, a["id"], county["vol"])
    time_machine.move_to(now + timedelta(hours=1, seconds=1))   # the clock passes the deadline
    r = client.delete(f"/t/county/api/v1/activities/{a['id']}/signups/me", headers=county["vol"])
    assert r.status_code == 409 and "cancelling closed" in r.get_json()["error"]["message"]


def test_full_activity_waitlists_and_cancellation_promotes_the_first(client, county, make_activity, people):
    a = make_activity(capacity=2)
    ids = people(4)
    statuses = [_signup(client, a["id"], county["leader"], i).get_json() for i in ids]
    assert [s["status"] for s in statuses] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [s["waitlist_position"] for s in statuses[2:]] == [1, 2]


def test_cancellation_promotes_the_first_of_the_waitlist(client, county, make_activity, people):
    ids = people(2)
    b = make_activity(capacity=1)
    _signup(client, b["id"], county["vol"])
    waiting = [_signup(client, b["id"], county["leader"], i).get_json() for i in ids[:2]]
    client.delete(f"/t/county/api/v1/activities/{b['id']}/signups/me", headers=county["vol"])
    roster = {r["member_id"]: r["status"] for r in _roster(client, b["id"], county["leader"])}
    assert roster == {ids[0]: "confirmed", ids[1]: "waitlisted"}
    assert waiting[0]["waitlist_position"] == 1


def test_raising_capacity_promotes_in_order(client, county, make_activity, people):
    a = make_activity(capacity=1)
    ids = people(3)
    for i in ids:
        _signup(client, a["id"], county["leader"], i)
    r = client.patch(f"/t/county/api/v1/activities/{a['id']}", json={"capacity": 2}, headers=county["leader"])
    assert r.status_code == 200 and r.get_json()["confirmed_count"] == 2
    roster = {x["member_id"]: x["status"] for x in _roster(client, a["id"], county["leader"])}
    assert roster == {ids[0]: "confirmed", ids[1]: "confirmed", ids[2]: "waitlisted"}
    r = client.patch(f"/t/county/api/v1/activities/{a['id']}", json={"capacity": 1}, headers=county["leader"])
    assert r.status_code == 409 and "capacity" in r.get_json()["error"]["fields"]


def test_leader_signs_up_a_person_without_phone(client, county, make_activity, people):
    a = make_activity()
    [grandma] = people(1, prefix="王奶奶")
    r = _signup(client, a["id"], county["leader"], grandma)
    assert r.status_code == 201 and r.get_json()["signed_up_by"] is not None
    assert r.get_json()["member_name"] == "王奶奶0"


def test_volunteer_cannot_sign_up_someone_else(client, county, make_activity, people):
    a = make_activity()
    [other] = people(1)
    assert _signup(client, a["id"], county["vol"], other).status_code == 403


def test_fifty_concurrent_signups_for_ten_places(app, county, make_activity, people):
    """50 people at once for 10 places: exactly 10 confirmed and a waitlist of 40 in order."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("real concurrency needs PostgreSQL")
    a = make_activity(capacity=10)
    ids = people(50)
    barrier = threading.Barrier(50)
    results = {}

    def go(member_id):
        c = app.test_client()
        barrier.wait()
        results[member_id] = _signup(c, a["id"], county["leader"], member_id)

    threads = [threading.Thread(target=go, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status_code == 201 for r in results.values()), [r.get_json() for r in results.values()][:3]
    bodies = [r.get_json() for r in results.values()]
    assert sum(b["status"] == "confirmed" for b in bodies) == 10
    waitlisted = [b for b in bodies if b["status"] == "waitlisted"]
    assert len(waitlisted) == 40
    roster = _roster(app.test_client(), a["id"], county["leader"])
    positions = [r["waitlist_position"] for r in roster if r["status"] == "waitlisted"]
    assert positions == list(range(1, 41))
    from yinghuo.activities.models import Activity
    from yinghuo.db.context import tenant_scope
    from yinghuo.extensions import db
    from yinghuo.tenancy.services import get_tenant
    with app.app_context(), tenant_scope(get_tenant("county").id):
        assert db.session.get(Activity, (get_tenant("county").id, a["id"])).confirmed_count == 10


def test_concurrent_cancellations_free_the_place_once(app, county, make_activity, people):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("real concurrency needs PostgreSQL")
    a = make_activity(capacity=1)
    ids = people(2)
    c = app.test_client()
    _signup(c, a["id"], county["vol"])
    for i in ids:
        _signup(c, a["id"], county["leader"], i)
    barrier = threading.Barrier(6)
    codes = []

    def go():
        client = app.test_client()
        barrier.wait()
        codes.append(client.delete(f"/t/county/api/v1/activities/{a['id']}/signups/me",
                                   headers=county["vol"]).status_code)

    threads = [threading.Thread(target=go) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] + [404] * 5
    roster = {r["member_id"]: r["status"] for r in _roster(c, a["id"], county["leader"])}
    assert roster == {ids[0]: "confirmed", ids[1]: "waitlisted"}
    detail = c.get(f"/t/county/api/v1/activities/{a['id']}", headers=county["leader"]).get_json()
    assert detail["confirmed_count"] == 1
