"""On site and after: QR check-in/out, geofence, proxies, corrections, closing out, hour
records, approval firing hours_approved once, star levels, rankings, anomalies."""
from yinghuo.testing import as_operator
import threading
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine

from yinghuo.activities import checkins
from yinghuo.hours.services import period_bounds, star_level
from yinghuo.testing import sample_plugin
from yinghuo.testing.clock import CHINA

from .conftest import iso

BASE = "/t/county/api/v1"


@pytest.fixture
def running(client, county, make_activity, now):
    """An activity that started 10 minutes ago, 2 hours long, with the volunteer signed up."""
    def make(**fields):
        a = make_activity(starts_at=iso(now - timedelta(minutes=10)), ends_at=iso(now + timedelta(hours=2)),
                          **fields)
        assert client.post(f"{BASE}/activities/{a['id']}/signups", json={}, headers=county["vol"]).status_code == 201
        return a
    return make


def _qr(client, county, activity_id, kind="in"):
    return client.get(f"{BASE}/activities/{activity_id}/qr?kind={kind}", headers=county["leader"]).get_json()["token"]


def _check(client, headers, activity_id, direction="checkins", **body):
    return client.post(f"{BASE}/activities/{activity_id}/{direction}", json=body, headers=headers)


def test_scanning_the_qr_checks_in_and_out(client, county, running):
    a = running()
    r = _check(client, county["vol"], a["id"], token=_qr(client, county, a["id"]))
    assert r.status_code == 200 and r.get_json()["in_method"] == "qr"
    again = _check(client, county["vol"], a["id"], token=_qr(client, county, a["id"]))
    assert again.get_json()["checked_in_at"] == r.get_json()["checked_in_at"]  # twice: no change
    out = _check(client, county["vol"], a["id"], "checkouts", token=_qr(client, county, a["id"], "out"))
    assert out.get_json()["out_method"] == "qr"


def test_checkin_response_is_what_the_schema_gives(client, county, running):
    """Check-in and check-out answers are written as JSON directly; the attendance list goes
    through AttendanceSchema: the same person's entry reads the same in both."""
    a = running()
    for direction, kind in (("checkins", "in"), ("checkouts", "out")):
        mine = _check(client, county["vol"], a["id"], direction, token=_qr(client, county, a["id"], kind)).get_json()
        listed = client.get(f"{BASE}/activities/{a['id']}/attendance", headers=county["leader"]).get_json()
        assert [mine] == [r for r in listed if r["member_id"] == mine["member_id"]]
    assert mine["checked_in_at"] and mine["checked_out_at"] and mine["member_name"]


def test_forged_token_is_refused(client, county, running):
    a = running()
    token = _qr(client, county, a["id"])
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    r = _check(client, county["vol"], a["id"], token=forged)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "qr_invalid"


def test_expired_token_is_refused(client, county, running, monkeypatch):
    a = running()
    token = _qr(client, county, a["id"])
    monkeypatch.setattr(checkins, "QR_TTL_SECONDS", -1)
    r = _check(client, county["vol"], a["id"], token=token)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "qr_expired"


def test_token_of_another_activity_or_direction_is_refused(client, county, running):
    a, b = running(), running()
    assert _check(client, county["vol"], a["id"], token=_qr(client, county, b["id"])).status_code == 422
    assert _check(client, county["vol"], a["id"], token=_qr(client, county, a["id"], "out")).status_code == 422


def test_geofence(client, county, running):
    a = running(latitude=40.8, longitude=111.7, geofence_m=200)
    token = _qr(client, county, a["id"])
    assert _check(client, county["vol"], a["id"], token=token).status_code == 422  # location needed
    far = _check(client, county["vol"], a["id"], token=token, latitude=40.81, longitude=111.7)
    assert far.status_code == 409 and far.get_json()["error"]["code"] == "too_far"
    near = _check(client, county["vol"], a["id"], token=token, latitude=40.8005, longitude=111.7)
    assert near.status_code == 200


def test_only_confirmed_signups_check_in(client, county, make_activity, now):
    a = make_activity(starts_at=iso(now - timedelta(minutes=5)), ends_at=iso(now + timedelta(hours=1)))
    r = _check(client, county["vol"], a["id"], token=_qr(client, county, a["id"]))
    assert r.status_code == 403


def test_leader_checks_in_on_behalf_and_volunteer_cannot(client, county, running, people):
    a = running()
    [grandpa] = people(1, prefix="李大爷")
    client.post(f"{BASE}/activities/{a['id']}/signups", json={"member_id": grandpa}, headers=county["leader"])
    r = _check(client, county["leader"], a["id"], member_id=grandpa)
    assert r.status_code == 200 and r.get_json()["in_method"] == "proxy"
    assert _check(client, county["vol"], a["id"], member_id=grandpa).status_code == 403


def test_correction_needs_a_reason_and_is_audited(app, client, county, running, now):
    a = running()
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    url = f"{BASE}/activities/{a['id']}/attendance/{me}"
    body = {"checked_in_at": iso(now - timedelta(minutes=10)), "checked_out_at": iso(now + timedelta(hours=1))}
    assert client.put(url, json=body, headers=county["leader"]).status_code == 422
    r = client.put(url, json={**body, "reason": "手机没电，现场签到表为证"}, headers=county["leader"])
    assert r.status_code == 200 and r.get_json()["in_method"] == "correction"
    from sqlalchemy import select
    from yinghuo.audit import AuditEntry
    from yinghuo.db.context import unscoped
    from yinghuo.extensions import db
    with app.app_context(), unscoped("test reads audit", operator=True):
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "attendance.correct")).one()
    assert entry.reason == "手机没电，现场签到表为证" and entry.actor == "lead@county.test"


def test_completing_closes_out_and_creates_pending_hours_capped_by_duration(client, county, running, now):
    a = running()
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    # a correction says they came an hour before the start: only the activity's span counts
    client.put(f"{BASE}/activities/{a['id']}/attendance/{me}", json={
        "checked_in_at": iso(now - timedelta(hours=1)), "checked_out_at": None, "reason": "早到帮忙布置"},
        headers=county["leader"])
    with time_machine.travel(now + timedelta(hours=3)):   # the leader completes it after its end
        client.post(f"{BASE}/activities/{a['id']}/complete", json={}, headers=county["leader"])
    attendance = client.get(f"{BASE}/activities/{a['id']}/attendance", headers=county["leader"]).get_json()
    assert attendance[0]["out_method"] == "close"
    records = client.get(f"{BASE}/hours?status=pending", headers=county["admin"]).get_json()
    assert [(r["member_id"], r["minutes"], r["evidence"]) for r in records] == [(me, 130, "correction")]
    # completing does not run twice, and re-recording creates no duplicates
    assert client.post(f"{BASE}/activities/{a['id']}/complete", json={}, headers=county["leader"]).status_code == 409


def test_completing_early_checks_out_now_not_at_the_scheduled_end(client, county, running, now, time_machine):
    """Completed 30 minutes into a two-hour activity: those still in are checked out now, so
    nobody is credited with the 1.8 hours that had not happened."""
    a = running()
    _check(client, county["vol"], a["id"], token=_qr(client, county, a["id"]))
    time_machine.move_to(now + timedelta(minutes=30))
    client.post(f"{BASE}/activities/{a['id']}/complete", json={}, headers=county["leader"])
    [record] = client.get(f"{BASE}/hours?status=pending&activity_id={a['id']}", headers=county["admin"]).get_json()
    assert 29 <= record["minutes"] <= 31


def _completed_record(client, county, running):
    a = running()
    _check(client, county["vol"], a["id"], token=_qr(client, county, a["id"]))
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(hours=3)):   # completed after its end
        client.post(f"{BASE}/activities/{a['id']}/complete", json={}, headers=county["leader"])
    [record] = client.get(f"{BASE}/hours?status=pending&activity_id={a['id']}", headers=county["admin"]).get_json()
    return record


@pytest.mark.time_machine(datetime(2026, 12, 2, 7, 30, tzinfo=CHINA))   # 23:30 on 1 December in UTC
def test_hours_from_an_early_morning_activity_are_served_on_chinas_date(client, county, running):
    """An activity that began at 07:20 in China began on the previous day in UTC; its hours
    are served on the Chinese date."""
    assert _completed_record(client, county, running)["served_on"] == "2026-12-02"


@pytest.fixture
def with_sample_plugin(app):
    from yinghuo.extensions import db
    from yinghuo.tenancy import services
    with as_operator(app):
        services.enable_plugin(services.get_tenant("county"), "sample")
        db.session.commit()
    sample_plugin.CALLS.clear()


def test_approving_twice_fires_hours_approved_once(client, county, running, with_sample_plugin):
    record = _completed_record(client, county, running)
    for _ in range(2):
        r = client.post(f"{BASE}/hours/{record['id']}/approve", json={}, headers=county["admin"])
        assert r.status_code == 200 and r.get_json()["status"] == "approved"
    assert [c for c in sample_plugin.CALLS if c[0] == "hours_approved"] == [("hours_approved", "county", record["id"])]


def test_hook_hours_approved_fires_once_under_concurrent_approvals(app, client, county, running, with_sample_plugin):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("real concurrency needs PostgreSQL")
    record = _completed_record(client, county, running)
    barrier = threading.Barrier(8)

    def go():
        c = app.test_client()
        barrier.wait()
        c.post(f"{BASE}/hours/{record['id']}/approve", json={}, headers=county["admin"])

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len([c for c in sample_plugin.CALLS if c[0] == "hours_approved"]) == 1


def test_hook_hours_recorded_fires_for_each_record_made(client, county, running, with_sample_plugin):
    """From attendance, by hand and as a correction: once each, with the record's id."""
    record = _completed_record(client, county, running)
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    by_hand = client.post(f"{BASE}/hours", json={"member_id": me, "minutes": 60, "served_on": record["served_on"],
                                                 "content": "入户走访", "note": "村委见证"}, headers=county["leader"])
    corrected = client.post(f"{BASE}/hours/{record['id']}/correct", json={"minutes": 90, "reason": "提前离场"},
                            headers=county["leader"])
    made = [c[2:] for c in sample_plugin.CALLS if c[0] == "hours_recorded"]
    assert made == [(record["id"], record["evidence"]), (by_hand.get_json()["id"], "manual"),
                    (corrected.get_json()["id"], "correction")]


def test_reject_needs_a_reason_and_rejected_cannot_be_approved(client, county, running):
    record = _completed_record(client, county, running)
    url = f"{BASE}/hours/{record['id']}"
    assert client.post(f"{url}/reject", json={}, headers=county["admin"]).status_code == 422
    assert client.post(f"{url}/reject", json={"reason": "未到场"}, headers=county["admin"]).status_code == 200
    assert client.post(f"{url}/approve", json={}, headers=county["admin"]).status_code == 409


def test_correction_keeps_history(client, county, running):
    record = _completed_record(client, county, running)
    r = client.post(f"{BASE}/hours/{record['id']}/correct", json={"minutes": 90, "reason": "提前离场"},
                    headers=county["leader"])
    assert r.status_code == 201 and r.get_json()["supersedes_id"] == record["id"]
    old = client.get(f"{BASE}/hours?status=voided", headers=county["admin"]).get_json()
    assert [(o["id"], o["reason"]) for o in old] == [(record["id"], "corrected: 提前离场")]


def test_manual_hours_need_a_note_and_show_as_anomalies(client, county, clock):
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    body = {"member_id": me, "minutes": 240, "served_on": clock.day(), "content": "入户帮扶"}
    r = client.post(f"{BASE}/hours", json=body, headers=county["leader"])
    assert r.status_code == 422 and "note" in r.get_json()["error"]["fields"]
    r = client.post(f"{BASE}/hours", json={**body, "note": "为五保户王大爷代购药品，村支书见证"}, headers=county["leader"])
    assert r.status_code == 201 and r.get_json()["evidence"] == "manual"
    anomalies = client.get(f"{BASE}/hours/anomalies", headers=county["admin"]).get_json()
    assert [a["id"] for a in anomalies] == [r.get_json()["id"]]
    assert client.post(f"{BASE}/hours", json={**body, "note": "x"}, headers=county["vol"]).status_code == 403


@pytest.mark.time_machine(datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("UTC")))   # 07:30 on 2 Dec in China
def test_today_is_chinas_date_while_the_servers_is_still_yesterday(client, county):
    """A server kept in UTC reads 1 December until 08:00 in China; hours served that morning
    are today's, not the future's, and tomorrow's still are."""
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    body = {"member_id": me, "minutes": 60, "content": "早市代购", "note": "村委会记录"}
    assert client.post(f"{BASE}/hours", json={**body, "served_on": "2026-12-02"}, headers=county["leader"]).status_code == 201
    late = client.post(f"{BASE}/hours", json={**body, "served_on": "2026-12-03"}, headers=county["leader"])
    assert late.status_code == 422 and "served_on" in late.get_json()["error"]["fields"]


def test_star_levels_follow_thresholds():
    assert [star_level(h) for h in (0, 99.9, 100, 299, 300, 600, 1000, 1499, 1500, 5000)] == \
        [0, 0, 1, 1, 2, 3, 4, 4, 5, 5]
    assert star_level(20, [10, 20, 30, 40, 50]) == 2


def test_my_hours_and_star_with_tenant_thresholds(app, client, county, operator, clock):
    current = client.get("/api/v1/tenants/county", headers=operator).get_json()["settings"]
    client.patch("/api/v1/tenants/county", json={"settings": {**current, "star_thresholds": [1, 2, 3, 4, 5]}},
                 headers=operator)
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    for minutes in (90, 60):
        r = client.post(f"{BASE}/hours", json={"member_id": me, "minutes": minutes, "served_on": clock.day(),
                                               "content": "宣讲", "note": "村委会记录"}, headers=county["leader"])
        client.post(f"{BASE}/hours/{r.get_json()['id']}/approve", json={}, headers=county["admin"])
    client.post(f"{BASE}/hours", json={"member_id": me, "minutes": 30, "served_on": clock.day(),
                                       "content": "宣讲", "note": "待审"}, headers=county["leader"])
    totals = client.get(f"{BASE}/me/hours", headers=county["vol"]).get_json()
    assert totals == {"approved_hours": 2.5, "pending_hours": 0.5, "stars": 2, "next_star_at": 3,
                      "to_next_star": 0.5, "star_progress": 50}


def test_bad_star_thresholds_are_refused(client, operator, county):
    current = client.get("/api/v1/tenants/county", headers=operator).get_json()["settings"]
    r = client.patch("/api/v1/tenants/county", json={"settings": {**current, "star_thresholds": [5, 4, 3, 2, 1]}},
                     headers=operator)
    assert r.status_code == 422


@pytest.mark.time_machine(datetime(2026, 11, 20, 10, tzinfo=CHINA))   # the periods named are the subject
def test_ranking_by_month_and_quarter_within_a_unit(client, county, make_member, login):
    town = client.post(f"{BASE}/units", json={"name": "城关镇", "type": "town"}, headers=county["admin"]).get_json()
    inside = make_member("county", "a@county.test", name="甲", unit_id=town["id"])
    outside = make_member("county", "b@county.test", name="乙")
    for member, minutes, day in ((inside, 120, "2026-10-05"), (inside, 60, "2026-11-02"), (outside, 600, "2026-11-03")):
        r = client.post(f"{BASE}/hours", json={"member_id": member, "minutes": minutes, "served_on": day,
                                               "content": "服务", "note": "记录"}, headers=county["leader"])
        client.post(f"{BASE}/hours/{r.get_json()['id']}/approve", json={}, headers=county["admin"])
    month = client.get(f"{BASE}/hours/ranking?period=2026-11", headers=county["vol"]).get_json()
    assert [(r["name"], r["hours"]) for r in month] == [("乙", 10.0), ("甲", 1.0)]
    quarter = client.get(f"{BASE}/hours/ranking?period=2026-Q4&unit_id={town['id']}", headers=county["vol"]).get_json()
    assert [(r["name"], r["hours"]) for r in quarter] == [("甲", 3.0)]
    assert client.get(f"{BASE}/hours/ranking?period=2026-13", headers=county["vol"]).status_code == 422


def test_period_bounds():
    assert period_bounds("2026-12") == (date(2026, 12, 1), date(2027, 1, 1))
    assert period_bounds("2026-Q4") == (date(2026, 10, 1), date(2027, 1, 1))


def test_totals_are_per_tenant(app, client, county, make_tenant, login, operator, clock):
    make_tenant("second", admin="admin@second.test")
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    r = client.post(f"{BASE}/hours", json={"member_id": me, "minutes": 120, "served_on": clock.day(),
                                           "content": "服务", "note": "记录"}, headers=county["leader"])
    client.post(f"{BASE}/hours/{r.get_json()['id']}/approve", json={}, headers=county["admin"])
    # the same person joins the second tenant with the same login
    there = login("second", "vol@county.test")
    joined = client.post("/t/second/api/v1/me/membership", json={"name": "志愿者甲", "consent": True}, headers=there)
    assert joined.status_code == 201, joined.get_json()
    second = client.get("/t/second/api/v1/me/hours", headers=there).get_json()
    assert second["approved_hours"] == 0
    assert client.get(f"{BASE}/me/hours", headers=county["vol"]).get_json()["approved_hours"] == 2


def test_unit_admins_approve_only_within_their_subtree(client, county, make_member, login, clock):
    town = client.post(f"{BASE}/units", json={"name": "城关镇", "type": "town"}, headers=county["admin"]).get_json()
    other = client.post(f"{BASE}/units", json={"name": "河口镇", "type": "town"}, headers=county["admin"]).get_json()
    inside = make_member("county", "in@county.test", name="镇内", unit_id=town["id"])
    outside = make_member("county", "out@county.test", name="镇外", unit_id=other["id"])
    ua = make_member("county", "ua@county.test", name="镇管理员")
    client.put(f"{BASE}/members/{ua}/roles", json={"roles": [{"role": "unit_admin", "unit_id": town["id"]}]},
               headers=county["admin"])
    ids = {}
    for who, member in (("in", inside), ("out", outside)):
        r = client.post(f"{BASE}/hours", json={"member_id": member, "minutes": 60, "served_on": clock.day(),
                                               "content": "服务", "note": "记录"}, headers=county["leader"])
        ids[who] = r.get_json()["id"]
    unit_admin = login("county", "ua@county.test")
    queue = client.get(f"{BASE}/hours?status=pending", headers=unit_admin).get_json()
    assert [r["id"] for r in queue] == [ids["in"]]
    assert client.post(f"{BASE}/hours/{ids['out']}/approve", json={}, headers=unit_admin).status_code == 404
    assert client.post(f"{BASE}/hours/{ids['in']}/approve", json={}, headers=unit_admin).status_code == 200
    assert [r["id"] for r in client.get(f"{BASE}/hours/anomalies", headers=unit_admin).get_json()] == [ids["in"]]


def _leader_pages(app):
    page = app.test_client()
    page.post("/t/county/login", data={"login": "lead@county.test", "password": "Passw0rd!x"})
    return page


def test_finishing_is_not_offered_before_the_start_and_asks_for_confirmation(app, client, county, make_activity,
                                                                             running):
    """结束活动 before the start is refused (API 409, no button on the page); on a running
    activity the button comes with a box to tick, and without it nothing is finished."""
    later = make_activity()
    refused = client.post(f"{BASE}/activities/{later['id']}/complete", json={}, headers=county["leader"])
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_started"
    leader = _leader_pages(app)
    page = leader.get(f"/t/county/activities/{later['id']}/onsite").get_data(as_text=True)
    assert 'id="complete-later"' in page and 'id="complete"' not in page
    a = running()
    page = leader.get(f"/t/county/activities/{a['id']}/onsite").get_data(as_text=True)
    assert 'id="complete"' in page and 'name="confirm" required' in page
    unconfirmed = leader.post(f"/t/county/activities/{a['id']}/complete", follow_redirects=True)
    assert "请勾选确认活动已结束" in unconfirmed.get_data(as_text=True)
    assert client.get(f"{BASE}/activities/{a['id']}", headers=county["leader"]).get_json()["status"] == "published"
    leader.post(f"/t/county/activities/{a['id']}/complete", data={"confirm": "on"})
    assert client.get(f"{BASE}/activities/{a['id']}", headers=county["leader"]).get_json()["status"] == "completed"


def test_the_onsite_code_stops_once_the_activity_is_completed(app, client, county, running):
    a = running()
    leader = _leader_pages(app)
    live = leader.get(f"/t/county/activities/{a['id']}/onsite").get_data(as_text=True)
    assert 'http-equiv="refresh"' in live and 'figure class="qr"' in live
    client.post(f"{BASE}/activities/{a['id']}/complete", json={}, headers=county["leader"])
    over = leader.get(f"/t/county/activities/{a['id']}/onsite").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in over and 'figure class="qr"' not in over and "签到码已停止" in over


def test_hours_above_the_time_checked_in_are_flagged_for_a_second_look(app, client, county, running, now,
                                                                       time_machine):
    """A correction that credits more than the person was there is flagged in the anomaly
    list and on the approval page; hours that match the attendance are not; the flag follows
    the attendance when a leader corrects it (either way)."""
    a = running()
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    _check(client, county["vol"], a["id"], token=_qr(client, county, a["id"]))
    time_machine.move_to(now + timedelta(minutes=40))
    client.post(f"{BASE}/activities/{a['id']}/complete", json={}, headers=county["leader"])
    [record] = client.get(f"{BASE}/hours?status=pending&activity_id={a['id']}", headers=county["admin"]).get_json()
    assert record["flag"] is None

    def flagged():
        return [(r["id"], r["flag"]) for r in client.get(f"{BASE}/hours/anomalies", headers=county["admin"]).get_json()]
    assert flagged() == []
    corrected = client.post(f"{BASE}/hours/{record['id']}/correct", json={"minutes": 118, "reason": "按两小时计"},
                            headers=county["leader"])   # 2 h for 40 min
    assert corrected.status_code == 201 and corrected.get_json()["flag"] == "over"
    new = corrected.get_json()["id"]
    assert flagged() == [(new, "over")]
    admin = app.test_client()
    admin.post("/t/county/login", data={"login": "admin@county.test", "password": "Passw0rd!x"})
    page = admin.get("/t/county/admin/hours?flagged=1").get_data(as_text=True)
    assert "超过签到时长" in page and page.count('type="checkbox" name="record_id"') == 1
    # the leader corrects the attendance to the two hours the person really served: no longer flagged
    attendance = f"{BASE}/activities/{a['id']}/attendance/{me}"
    r = client.put(attendance, json={"checked_in_at": iso(now - timedelta(minutes=80)),
                                     "checked_out_at": iso(now + timedelta(minutes=40)), "reason": "纸质签到表为证"},
                   headers=county["leader"])
    assert r.status_code == 200, r.get_json()
    assert flagged() == []
    page = admin.get("/t/county/admin/hours?flagged=1").get_data(as_text=True)
    assert page.count('type="checkbox" name="record_id"') == 0
    # and back to forty minutes: flagged again
    client.put(attendance, json={"checked_in_at": iso(now), "checked_out_at": iso(now + timedelta(minutes=40)),
                                 "reason": "以签到为准"}, headers=county["leader"])
    assert flagged() == [(new, "over")]
    # once approved it is no longer for a second look
    client.post(f"{BASE}/hours/{new}/approve", json={}, headers=county["admin"])
    assert flagged() == []


def test_the_flag_migration_flags_what_the_app_flags(app, client, county, running, now, time_machine):
    """Migration 0016 computes in SQL (PostgreSQL or SQLite) the flags the app keeps: run back
    over a record entered by hand, one above the time checked in, one that matches and one
    approved, it gives each the flag it had."""
    from alembic import command
    from sqlalchemy import text
    from yinghuo import migrate
    from yinghuo.extensions import db
    a, b = running(), running(title="另一场")
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    for activity in (a, b):
        _check(client, county["vol"], activity["id"], token=_qr(client, county, activity["id"]))
    time_machine.move_to(now + timedelta(minutes=40))
    for activity in (a, b):
        client.post(f"{BASE}/activities/{activity['id']}/complete", json={}, headers=county["leader"])
    [matching] = client.get(f"{BASE}/hours?status=pending&activity_id={a['id']}", headers=county["admin"]).get_json()
    over = client.post(f"{BASE}/hours/{matching['id']}/correct", json={"minutes": 118, "reason": "按两小时计"},
                       headers=county["leader"]).get_json()
    [fits] = client.get(f"{BASE}/hours?status=pending&activity_id={b['id']}", headers=county["admin"]).get_json()
    by_hand = client.post(f"{BASE}/hours", json={"member_id": me, "minutes": 90, "served_on": now.date().isoformat(),
                                                 "content": "入户走访", "note": "村委见证"}, headers=county["leader"])
    client.post(f"{BASE}/hours/{by_hand.get_json()['id']}/approve", json={}, headers=county["admin"])

    def flags():   # as the database's owner: every row
        with db.engine.connect() as conn:
            return dict(conn.execute(text("SELECT id, flag FROM hour_records")).all())
    with app.app_context():
        kept = flags()
        assert {kept[over["id"]], kept[fits["id"]], kept[by_hand.get_json()["id"]]} == {"over", None, "manual"}
        command.downgrade(migrate.alembic_config(), "9c4e2a7f5d18")
        migrate.upgrade()
        assert flags() == kept


def test_the_approval_page_filters_by_activity_and_approves_the_ticked(app, client, county, running, now,
                                                                      time_machine):
    first, second = running(title="上午助老"), running(title="下午义诊")
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    for a in (first, second):
        client.put(f"{BASE}/activities/{a['id']}/attendance/{me}", headers=county["leader"],
                   json={"checked_in_at": iso(now - timedelta(minutes=10)), "reason": "纸质签到表"})
    time_machine.move_to(now + timedelta(hours=3))
    for a in (first, second):
        assert client.post(f"{BASE}/activities/{a['id']}/complete", json={}, headers=county["leader"]).status_code == 200
    admin = app.test_client()
    admin.post("/t/county/login", data={"login": "admin@county.test", "password": "Passw0rd!x"})
    only_first = admin.get(f"/t/county/admin/hours?activity_id={first['id']}").get_data(as_text=True)
    assert "上午助老" in only_first and only_first.count('type="checkbox" name="record_id"') == 1
    ids = [r["id"] for r in client.get(f"{BASE}/hours?status=pending", headers=county["admin"]).get_json()]
    assert len(ids) == 2
    nothing = admin.post("/t/county/admin/hours", data={}, follow_redirects=True).get_data(as_text=True)
    assert "请勾选要通过的记录" in nothing
    done = admin.post("/t/county/admin/hours", data={"record_id": ids}, follow_redirects=True).get_data(as_text=True)
    assert "已保存：2 条记录" in done
    assert client.get(f"{BASE}/hours?status=pending", headers=county["admin"]).get_json() == []


def test_a_leader_signs_up_walk_ins_on_site_found_or_added(app, client, county, make_activity, now, people,
                                                          time_machine):
    """From the on-site page: search a member by name, sign them up and check them in; add
    someone without a phone on the spot; a full activity says so; after completion both
    have hours."""
    [grandma] = people(1, prefix="王奶奶")
    a = make_activity(starts_at=iso(now - timedelta(minutes=10)), ends_at=iso(now + timedelta(hours=2)), capacity=2,
                      signup_closes_at=iso(now - timedelta(hours=1)))
    leader = _leader_pages(app)
    onsite = f"/t/county/activities/{a['id']}/onsite"
    found = leader.get(f"{onsite}?find=王奶奶").get_data(as_text=True)
    assert f'name="member_id" value="{grandma}"' in found and "报名并签到" in found
    done = leader.post(onsite, data={"walk_in": "1", "member_id": grandma}, follow_redirects=True)
    assert "王奶奶0 已报名并签到" in done.get_data(as_text=True)
    added = leader.post(onsite, data={"walk_in": "1", "name": "李大爷", "phone": ""}, follow_redirects=True)
    assert "李大爷 已报名并签到" in added.get_data(as_text=True)
    full = leader.post(onsite, data={"walk_in": "1", "name": "赵婶", "phone": ""}, follow_redirects=True)
    assert "活动已满：要加人请先增加名额" in full.get_data(as_text=True)
    nameless = leader.post(onsite, data={"walk_in": "1", "name": " "}, follow_redirects=True)
    assert "请填写姓名" in nameless.get_data(as_text=True)
    roster = client.get(f"{BASE}/activities/{a['id']}/attendance", headers=county["leader"]).get_json()
    assert sorted(r["member_name"] for r in roster) == ["李大爷", "王奶奶0"]
    assert all(r["in_method"] == "proxy" for r in roster)
    members = client.get(f"{BASE}/members?q=赵婶", headers=county["admin"]).get_json()
    assert members == [] or all(m["name"] != "赵婶" for m in members)   # the refused walk-in wrote nothing
    time_machine.move_to(now + timedelta(hours=3))
    client.post(f"{BASE}/activities/{a['id']}/complete", json={}, headers=county["leader"])
    records = client.get(f"{BASE}/hours?status=pending&activity_id={a['id']}", headers=county["admin"]).get_json()
    assert len(records) == 2


def test_a_leader_enters_hours_by_hand_on_a_page_with_a_note(app, client, county, clock):
    leader = _leader_pages(app)
    found = leader.get("/t/county/hours/new?find=志愿者").get_data(as_text=True)
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    assert f'name="member_id" value="{me}"' in found   # one match: straight to the form
    form = {"member_id": me, "served_on": clock.day(-1), "hours": "2.5", "content": "入户走访", "place": "西河村"}
    no_note = leader.post("/t/county/hours/new", data=form)
    assert no_note.status_code == 422 and 'value="2.5"' in no_note.get_data(as_text=True)
    future = leader.post("/t/county/hours/new", data={**form, "note": "纸质签到表第 3 页", "served_on": clock.day(+1)})
    assert future.status_code == 422
    done = leader.post("/t/county/hours/new", data={**form, "note": "纸质签到表第 3 页"}, follow_redirects=True)
    assert "已为 志愿者甲 录入 2.5 小时，等待审核" in done.get_data(as_text=True)
    [record] = client.get(f"{BASE}/hours?member_id={me}", headers=county["admin"]).get_json()
    assert record["minutes"] == 150 and record["evidence"] == "manual" and record["status"] == "pending"
    volunteer = app.test_client()
    volunteer.post("/t/county/login", data={"login": "vol@county.test", "password": "Passw0rd!x"})
    assert volunteer.get("/t/county/hours/new").status_code == 403
