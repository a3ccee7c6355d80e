"""Teams plugin: squads with size limits, one squad per student, pairings with history,
and nothing of it where the plugin is off."""
import pytest

BASE = "/t/uni/api/v1/teams"


@pytest.fixture
def uni(make_tenant, make_member, login, client):
    make_tenant("uni", kind="university", plugins=["teams"], admin="admin@uni.test",
                settings={"unit_types": ["school", "village"]})
    students = [make_member("uni", f"s{i}@uni.test", name=f"学生{i}") for i in range(6)]
    admin = login("uni", "admin@uni.test")
    village = client.post("/t/uni/api/v1/units", json={"name": "乌兰村", "type": "village"}, headers=admin).get_json()
    other_village = client.post("/t/uni/api/v1/units", json={"name": "红旗村", "type": "village"},
                                headers=admin).get_json()
    return {"admin": admin, "students": students, "village": village["id"], "other_village": other_village["id"]}


def _squad(client, uni, name="第一小队"):
    r = client.post(f"{BASE}/squads", json={"name": name}, headers=uni["admin"])
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def _add(client, uni, squad, member, leader=False):
    return client.post(f"{BASE}/squads/{squad}/members", json={"member_id": member, "leader": leader},
                       headers=uni["admin"])


def test_a_squad_of_five_is_refused_when_the_limit_is_four(client, uni):
    squad = _squad(client, uni)
    for i, student in enumerate(uni["students"][:4]):
        assert _add(client, uni, squad, student, leader=i == 0).status_code == 201
    r = _add(client, uni, squad, uni["students"][4])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "squad_full"
    assert "at most 4" in r.get_json()["error"]["message"]
    body = client.get(f"{BASE}/squads", headers=uni["admin"]).get_json()[0]
    assert len(body["members"]) == 4 and body["leader_id"] == uni["students"][0]


def test_the_limit_is_a_tenant_setting(client, uni, operator):
    current = client.get("/api/v1/tenants/uni", headers=operator).get_json()["settings"]
    r = client.patch("/api/v1/tenants/uni", json={"settings": {**current, "teams": {"squad_max": 5}}},
                     headers=operator)
    assert r.status_code == 200, r.get_json()
    squad = _squad(client, uni)
    assert all(_add(client, uni, squad, s).status_code == 201 for s in uni["students"][:5])


def test_bad_limits_are_refused(client, uni, operator):
    current = client.get("/api/v1/tenants/uni", headers=operator).get_json()["settings"]
    r = client.patch("/api/v1/tenants/uni", json={"settings": {**current, "teams": {"squad_min": 5, "squad_max": 4}}},
                     headers=operator)
    assert r.status_code == 422 and "teams" in r.get_json()["error"]["fields"]["settings"]


def test_a_student_is_in_one_squad_at_a_time(client, uni):
    first, second = _squad(client, uni, "一队"), _squad(client, uni, "二队")
    _add(client, uni, first, uni["students"][0])
    r = _add(client, uni, second, uni["students"][0])
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "in_another_squad"


def test_pairings_change_and_keep_history(client, uni, clock):
    spring, autumn, before = clock.day(-270), clock.day(-90), clock.day(-330)
    squad = _squad(client, uni)
    sec = [client.post(f"{BASE}/secretaries", json={"name": name, "post": "驻村第一书记"},
                       headers=uni["admin"]).get_json()["id"] for name in ("王书记", "李书记")]
    client.post(f"{BASE}/squads/{squad}/pairings", json={"secretary_id": sec[0], "village_id": uni["village"],
                                                         "starts_on": spring}, headers=uni["admin"])
    r = client.post(f"{BASE}/squads/{squad}/pairings", json={"secretary_id": sec[1], "village_id": uni["other_village"],
                                                             "starts_on": autumn}, headers=uni["admin"])
    assert r.status_code == 201
    assert r.get_json()["pairings"] == [
        {"secretary_id": sec[0], "village_id": uni["village"], "starts_on": spring, "ends_on": autumn},
        {"secretary_id": sec[1], "village_id": uni["other_village"], "starts_on": autumn, "ends_on": None}]
    early = client.post(f"{BASE}/squads/{squad}/pairings", json={"secretary_id": sec[0], "village_id": uni["village"],
                                                                 "starts_on": before}, headers=uni["admin"])
    assert early.status_code == 422


def test_village_must_be_a_unit_of_this_tenant(client, uni, make_tenant, login, clock):
    make_tenant("other", admin="admin@other.test")
    foreign = client.post("/t/other/api/v1/units", json={"name": "外村", "type": "village"},
                          headers=login("other", "admin@other.test")).get_json()["id"]
    squad = _squad(client, uni)
    sec = client.post(f"{BASE}/secretaries", json={"name": "王书记"}, headers=uni["admin"]).get_json()["id"]
    r = client.post(f"{BASE}/squads/{squad}/pairings", json={"secretary_id": sec, "village_id": foreign,
                                                             "starts_on": clock.day(-30)}, headers=uni["admin"])
    assert r.status_code == 404


def test_a_tenant_without_the_plugin_has_none_of_its_routes(client, make_tenant, login, clock):
    make_tenant("plain", admin="admin@plain.test")
    admin = login("plain", "admin@plain.test")
    for path in ("/squads", "/secretaries", "/villages", "/applications", "/evaluations", "/dashboard", "/media",
                 "/trainings", "/excellent", "/honours"):
        assert client.get(f"/t/plain/api/v1/teams{path}", headers=admin).status_code == 404, path
    assert client.post("/t/plain/api/v1/teams/squads", json={"name": "x"}, headers=admin).status_code == 404
    assert client.post("/t/plain/api/v1/teams/applications", json={"name": "x"}).status_code == 404
    for page in ("/", "/apply", "/review", "/villages", "/dashboard"):
        assert client.get(f"/t/plain/teams{page}").status_code == 404, page
    # nor its activity categories
    r = client.post("/t/plain/api/v1/activities", headers=admin, json={
        "title": "培训", "category": "培训", "starts_at": clock.iso(days=7, hour=9), "ends_at": clock.iso(days=7, hour=11),
        "capacity": 10})
    assert r.status_code == 422 and "category" in r.get_json()["error"]["fields"]


def test_volunteers_cannot_create_squads(client, uni, login):
    r = client.post(f"{BASE}/squads", json={"name": "x"}, headers=login("uni", "s0@uni.test"))
    assert r.status_code == 403


def test_working_groups_are_units_when_the_plugin_is_enabled(client, make_tenant, login):
    make_tenant("wg", kind="university", plugins=["teams"], admin="admin@wg.test",
                settings={"unit_types": ["school", "group", "squad"], "teams": {"working_groups": ["联络组", "宣传组"]}})
    admin = login("wg", "admin@wg.test")
    groups = client.get("/t/wg/api/v1/teams/groups", headers=admin).get_json()
    assert groups == [{"name": "联络组", "members": 0}, {"name": "宣传组", "members": 0}]
    units = {u["name"]: u["type"] for u in client.get("/t/wg/api/v1/units", headers=admin).get_json()}
    assert units == {"联络组": "group", "宣传组": "group"}


def test_a_hub_sees_counts_of_its_schools_and_members_see_their_week(client, make_tenant, make_member, login):
    make_tenant("city", kind="hub", admin="admin@city.test")
    make_tenant("school", kind="university", parent="city", plugins=["teams"], admin="admin@school.test",
                settings={"unit_types": ["school", "group", "squad", "county", "township", "village"]})
    admin = login("school", "admin@school.test")
    lead = make_member("school", "lead@school.test", name="队长")
    squad = client.post("/t/school/api/v1/teams/squads", json={"name": "一队"}, headers=admin).get_json()["id"]
    client.post(f"/t/school/api/v1/teams/squads/{squad}/members", json={"member_id": lead, "leader": True},
                headers=admin)
    client.post("/t/school/api/v1/teams/villages", json={"name": "村", "township": "镇", "county": "县"}, headers=admin)
    [row] = client.get("/t/city/api/v1/rollup", headers=login("city", "admin@city.test")).get_json()
    assert row["slug"] == "school"
    assert {k: v for k, v in row["stats"].items() if k.startswith("teams_")} == {
        "teams_weekly": 0, "teams_monthly": 0, "teams_cases": 0, "teams_media": 0, "teams_villages": 0,
        "teams_squads": 1}

    r = client.post("/t/school/login", data={"login": "lead@school.test", "password": "Passw0rd!x"})
    assert r.status_code == 302
    home = client.get("/t/school/").get_data(as_text=True)
    assert "本周小结" in home and "未开始" in home and "一队" in home
