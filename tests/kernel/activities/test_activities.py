"""Activities: create, series, life cycle, visibility, filters, bad input."""
from yinghuo.testing import as_operator
from datetime import timedelta

from .conftest import iso


def test_leader_creates_draft_then_publishes(client, county, make_activity):
    draft = make_activity(publish=False)
    assert draft["status"] == "draft"
    # a volunteer does not see drafts
    assert client.get(f"/t/county/api/v1/activities/{draft['id']}", headers=county["vol"]).status_code == 404
    r = client.post(f"/t/county/api/v1/activities/{draft['id']}/publish", json={}, headers=county["leader"])
    assert r.get_json()["status"] == "published"
    assert client.get(f"/t/county/api/v1/activities/{draft['id']}", headers=county["vol"]).status_code == 200


def test_volunteer_cannot_create(client, county, now):
    r = client.post("/t/county/api/v1/activities", json={
        "title": "x", "category": "文化服务", "capacity": 5,
        "starts_at": iso(now + timedelta(days=1)), "ends_at": iso(now + timedelta(days=1, hours=1))},
        headers=county["vol"])
    assert r.status_code == 403


def test_bad_activity_names_each_field(client, county, now):
    r = client.post("/t/county/api/v1/activities", json={
        "title": "", "category": "打牌", "capacity": 0,
        "starts_at": iso(now + timedelta(days=1)), "ends_at": iso(now)}, headers=county["leader"])
    assert r.status_code == 422
    assert {"title", "capacity"} <= set(r.get_json()["error"]["fields"])
    r = client.post("/t/county/api/v1/activities", json={
        "title": "ok", "category": "打牌", "capacity": 3,
        "starts_at": iso(now + timedelta(days=1)), "ends_at": iso(now)}, headers=county["leader"])
    assert r.status_code == 422 and {"category", "ends_at"} <= set(r.get_json()["error"]["fields"])


def test_times_without_zone_are_china_time(client, county, clock):
    eight = clock.at(days=30, hour=8)
    r = client.post("/t/county/api/v1/activities", json={
        "title": "晨练", "category": "健身体育", "capacity": 3,
        "starts_at": clock.local(days=30, hour=8), "ends_at": clock.local(days=30, hour=9)}, headers=county["leader"])
    assert r.status_code == 201
    assert r.get_json()[0]["starts_at"].startswith(f"{eight.date()}T00:00:00")   # 08:00 in China is 00:00 UTC


def test_weekly_series(client, county, make_activity, now):
    r = client.post("/t/county/api/v1/activities", json={
        "title": "每周培训", "category": "教育服务", "capacity": 30, "repeat": {"every_days": 7, "count": 4},
        "starts_at": iso(now + timedelta(days=1)), "ends_at": iso(now + timedelta(days=1, hours=2))},
        headers=county["leader"])
    series = r.get_json()
    assert r.status_code == 201 and len(series) == 4
    assert len({a["series_id"] for a in series}) == 1
    assert series[3]["starts_at"] != series[0]["starts_at"]


def test_life_cycle_refuses_bad_transitions(client, county, make_activity, now):
    a = make_activity(starts_at=iso(now - timedelta(hours=1)), ends_at=iso(now + timedelta(hours=1)))
    url = f"/t/county/api/v1/activities/{a['id']}"
    assert client.post(f"{url}/publish", json={}, headers=county["leader"]).status_code == 409
    assert client.post(f"{url}/cancel", json={}, headers=county["leader"]).status_code == 422  # reason needed
    assert client.post(f"{url}/complete", json={}, headers=county["leader"]).get_json()["status"] == "completed"
    assert client.post(f"{url}/cancel", json={"reason": "x"}, headers=county["leader"]).status_code == 409
    assert client.patch(url, json={"capacity": 3}, headers=county["leader"]).status_code == 409


def test_list_filters_and_paginates(client, county, make_activity, now):
    for i in range(5):
        make_activity(title=f"文化活动{i}", starts_at=iso(now + timedelta(days=i + 1)),
                      ends_at=iso(now + timedelta(days=i + 1, hours=1)))
    make_activity(title="科普讲座", category="科技科普")
    r = client.get("/t/county/api/v1/activities?category=文化服务&per_page=2&page=2", headers=county["vol"])
    assert r.headers["X-Total-Count"] == "5"
    assert [a["title"] for a in r.get_json()] == ["文化活动2", "文化活动3"]
    assert client.get("/t/county/api/v1/activities?per_page=500", headers=county["vol"]).status_code == 422


def test_the_list_counts_its_total_only_so_far_past_the_page(client, county, make_activity, now, monkeypatch):
    """The total is counted up to LIST_COUNTED past the page's start (here 3): beyond, the
    header says where counting stopped and that there may be more; the pages themselves are
    whole. (A city's two years of activities were counted on every page.)"""
    from yinghuo.activities import services
    monkeypatch.setattr(services, "LIST_COUNTED", 3)
    for i in range(6):
        make_activity(title=f"巡河{i}", starts_at=iso(now + timedelta(days=i + 1)),
                      ends_at=iso(now + timedelta(days=i + 1, hours=1)))

    def page(n):
        r = client.get(f"/t/county/api/v1/activities?per_page=2&page={n}", headers=county["vol"])
        return [a["title"] for a in r.get_json()], r.headers["X-Total-Count"], r.headers.get("X-Total-Count-Estimated")
    assert page(1) == (["巡河0", "巡河1"], "3", "true")
    assert page(2) == (["巡河2", "巡河3"], "5", "true")
    assert page(3) == (["巡河4", "巡河5"], "6", None)
    assert page(4) == ([], "3", "true")   # past the end: the count from the start, as far as it goes


def test_public_activities_without_a_token(client, county, make_activity):
    make_activity(title="公开活动", visibility="public")
    make_activity(title="内部活动", visibility="tenant")
    titles = [a["title"] for a in client.get("/t/county/api/v1/activities").get_json()]
    assert titles == ["公开活动"]


def test_unit_visibility_reaches_the_units_subtree(client, county, make_activity, make_member, login):
    town = client.post("/t/county/api/v1/units", json={"name": "城关镇", "type": "town"},
                       headers=county["admin"]).get_json()
    other = client.post("/t/county/api/v1/units", json={"name": "河口镇", "type": "town"},
                        headers=county["admin"]).get_json()
    village = client.post("/t/county/api/v1/units", json={"name": "东关村", "type": "village",
                                                          "parent_id": town["id"]}, headers=county["admin"]).get_json()
    make_member("county", "in@county.test", unit_id=village["id"])
    make_member("county", "out@county.test", unit_id=other["id"])
    a = make_activity(title="镇内活动", visibility="unit", unit_id=town["id"])
    inside = client.get("/t/county/api/v1/activities", headers=login("county", "in@county.test")).get_json()
    outside = client.get(f"/t/county/api/v1/activities/{a['id']}", headers=login("county", "out@county.test"))
    assert [x["title"] for x in inside] == ["镇内活动"] and outside.status_code == 404


def test_hook_activity_published_and_completed_reach_plugins(client, county, make_activity, app, now):
    from yinghuo.testing import sample_plugin
    from yinghuo.tenancy import services
    from yinghuo.extensions import db
    with as_operator(app):
        services.enable_plugin(services.get_tenant("county"), "sample")
        db.session.commit()
    sample_plugin.CALLS.clear()
    a = make_activity(starts_at=iso(now - timedelta(hours=1)), ends_at=iso(now + timedelta(hours=1)))
    client.post(f"/t/county/api/v1/activities/{a['id']}/complete", json={}, headers=county["leader"])
    assert [c[0] for c in sample_plugin.CALLS] == ["activity_published", "activity_completed"]


def test_list_output_matches_the_schema(client, county, make_activity):
    """The list's fast JSON path gives exactly what ActivitySchema gives for one activity."""
    a = make_activity(title="对照")
    listed = client.get("/t/county/api/v1/activities", headers=county["vol"]).get_json()[0]
    one = client.get(f"/t/county/api/v1/activities/{a['id']}", headers=county["vol"]).get_json()
    assert listed == one
