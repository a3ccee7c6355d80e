"""The gate as people meet it: each test is a hole that one gate closed (before it, each
of these let someone through)."""
import io

import pytest
from openpyxl import load_workbook

from yinghuo.people.idnumbers import with_check_digit
from yinghuo.testing.clock import Clock

BASE = "/t/alpha/api/v1"


def _pages(app, slug, email, password="Passw0rd!x"):
    pages = app.test_client()
    assert pages.post(f"/t/{slug}/login", data={"login": email, "password": password}).status_code == 302
    return pages


def test_an_admin_without_the_second_factor_is_refused_on_admin_pages_and_plugin_routes(app, client, make_tenant,
                                                                                      login):
    make_tenant("uni", kind="university", plugins=["teams"], admin="admin@uni.test",
                settings={"require_totp_for_admins": True, "unit_types": ["school", "group"]})
    pages = _pages(app, "uni", "admin@uni.test")
    for path in ("/t/uni/admin/hours", "/t/uni/admin/dashboard", "/t/uni/teams/applications",
                 "/t/uni/teams/excellent", "/t/uni/admin/members"):
        page = pages.get(path)
        assert page.status_code == 403, path
        assert "/t/uni/me/security" in page.get_data(as_text=True), path   # where to turn it on
    assert pages.get("/t/uni/me/security").status_code == 200              # which stays open
    admin = login("uni", "admin@uni.test")
    made = client.post("/t/uni/api/v1/teams/villages", headers=admin,
                       json={"name": "乌兰村", "township": "乌兰花镇", "county": "四子王旗"})
    assert made.status_code == 403 and made.get_json()["error"]["code"] == "totp_enrollment_required"
    assert client.get("/t/uni/api/v1/teams/villages", headers=admin).get_json() == []   # nothing written


@pytest.fixture
def alpha(client, make_tenant, make_member, login):
    """A county with two towns, a unit admin of the first, a leader and a volunteer in each."""
    make_tenant("alpha", admin="admin@alpha.test")
    admin = login("alpha", "admin@alpha.test")
    towns = [client.post(f"{BASE}/units", json={"name": name, "type": "town"}, headers=admin).get_json()["id"]
             for name in ("甲镇", "乙镇")]
    ua = make_member("alpha", "ua@alpha.test", name="甲镇管理员", unit_id=towns[0])
    assert client.put(f"{BASE}/members/{ua}/roles", json={"roles": [{"role": "unit_admin", "unit_id": towns[0]}]},
                      headers=admin).status_code == 200
    make_member("alpha", "lead@alpha.test", roles=["leader", "volunteer"], name="队长")
    people = [make_member("alpha", f"v{i}@alpha.test", name=name, unit_id=town, id_number=number)
              for i, (name, town, number) in enumerate((("甲镇村民", towns[0], with_check_digit("11010119900307123")),
                                                        ("乙镇村民", towns[1], with_check_digit("11010119850505123"))))]
    return {"admin": admin, "unit_admin": login("alpha", "ua@alpha.test"), "leader": login("alpha", "lead@alpha.test"),
            "towns": towns, "people": people}


def _export(client, headers, **body):
    r = client.post(f"{BASE}/exports", json={"kind": "members", **body}, headers=headers)
    assert r.status_code == 202, r.get_json()
    data = client.get(f"{BASE}/exports/{r.get_json()['id']}/file", headers=headers).data
    return [row[1] for row in load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True)]


def test_a_unit_admin_exports_only_their_subtree_and_never_full_numbers(client, alpha):
    assert _export(client, alpha["unit_admin"]) == ["甲镇管理员", "甲镇村民"]
    refused = client.post(f"{BASE}/exports", json={"kind": "members", "reveal": True, "reason": "随便看看"},
                          headers=alpha["unit_admin"])
    assert refused.status_code == 403
    assert len(_export(client, alpha["admin"], reveal=True, reason="报送民政局")) == 5   # the tenant admin: all


def _pending_record(client, alpha, member_id):
    r = client.post(f"{BASE}/hours", json={"member_id": member_id, "minutes": 60, "served_on": Clock().day(-1),
                                           "content": "入户", "note": "村委会记录"}, headers=alpha["leader"])
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def test_hour_corrections_need_an_approver_once_decided_and_stay_within_reach(client, alpha):
    own, other = alpha["people"]
    pending = _pending_record(client, alpha, own)
    assert client.post(f"{BASE}/hours/{pending}/correct", json={"minutes": 30, "reason": "提前离场"},
                       headers=alpha["leader"]).status_code == 201           # a leader corrects what is pending
    approved = _pending_record(client, alpha, own)
    assert client.post(f"{BASE}/hours/{approved}/approve", json={}, headers=alpha["admin"]).status_code == 200
    refused = client.post(f"{BASE}/hours/{approved}/correct", json={"minutes": 600, "reason": "多算点"},
                          headers=alpha["leader"])
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "decided"
    elsewhere = _pending_record(client, alpha, other)                   # 乙镇: outside the unit admin's town
    assert client.post(f"{BASE}/hours/{elsewhere}/correct", json={"minutes": 30, "reason": "x"},
                       headers=alpha["unit_admin"]).status_code == 404
    assert client.post(f"{BASE}/hours/{approved}/correct", json={"minutes": 45, "reason": "核对签到表"},
                       headers=alpha["unit_admin"]).status_code == 201   # within reach, decided: an approver may


def test_the_register_page_refuses_when_self_registration_is_off(app, client, make_tenant, login):
    make_tenant("alpha", admin="admin@alpha.test", settings={"self_registration": False})
    page = app.test_client().post("/t/alpha/register", data={
        "name": "张三", "email": "zhang@alpha.test", "password": "Passw0rd!x", "consent": "on"})
    assert page.status_code in (302, 403)
    assert "本单位不开放自行注册" in app.test_client().post("/t/alpha/register", follow_redirects=True, data={
        "name": "张三", "email": "zhang@alpha.test", "password": "Passw0rd!x", "consent": "on"}).get_data(as_text=True)
    members = client.get(f"{BASE}/members", headers=login("alpha", "admin@alpha.test")).get_json()
    assert [m["name"] for m in members] == ["admin"]


def test_a_unit_admin_adds_units_only_in_their_subtree_on_the_page_too(app, client, alpha):
    pages = _pages(app, "alpha", "ua@alpha.test")
    pages.post("/t/alpha/admin/units", data={"name": "乙村", "type": "town", "parent_id": alpha["towns"][1]})
    pages.post("/t/alpha/admin/units", data={"name": "甲村", "type": "town", "parent_id": alpha["towns"][0]})
    names = [u["name"] for u in client.get(f"{BASE}/units", headers=alpha["admin"]).get_json()]
    assert "甲村" in names and "乙村" not in names


def test_a_station_clerk_runs_activities_and_enters_hours_a_resident_only_takes_part(client, make_tenant, make_member,
                                                                                     login, clock):
    make_tenant("alpha", admin="admin@alpha.test")
    make_member("alpha", "clerk@alpha.test", roles=["clerk"], name="站点文书")
    villager = make_member("alpha", "res@alpha.test", roles=["resident"], name="王大爷")
    clerk, resident = login("alpha", "clerk@alpha.test"), login("alpha", "res@alpha.test")
    made = client.post(f"{BASE}/activities", headers=clerk, json={
        "title": "理发义诊", "category": "文化服务", "capacity": 20,
        "starts_at": clock.iso(days=2, hour=9), "ends_at": clock.iso(days=2, hour=11)})
    assert made.status_code == 201, made.get_json()
    activity = made.get_json()[0]["id"]
    assert client.post(f"{BASE}/activities/{activity}/publish", json={}, headers=clerk).status_code == 200
    signed = client.post(f"{BASE}/activities/{activity}/signups", json={"member_id": villager}, headers=clerk)
    assert signed.status_code == 201                                   # for a resident without a phone
    entered = client.post(f"{BASE}/hours", headers=clerk, json={
        "member_id": villager, "minutes": 60, "served_on": clock.day(), "content": "代购", "note": "纸质登记"})
    assert entered.status_code == 201
    assert client.post(f"{BASE}/hours", headers=resident, json={
        "member_id": villager, "minutes": 600, "served_on": clock.day(), "content": "x", "note": "x"}).status_code == 403
    assert client.post(f"{BASE}/activities", headers=resident, json={
        "title": "x", "category": "文化服务", "capacity": 1, "starts_at": clock.iso(days=2, hour=9),
        "ends_at": clock.iso(days=2, hour=10)}).status_code == 403
