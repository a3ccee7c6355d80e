"""Site profiles: anyone reads them; the site's own level and those above write them."""
from .conftest import BASE


def test_a_station_profile_is_public_and_written_by_its_own_levels(client, county):
    u = county["units"]
    body = {"address": "东关村村委会一楼", "opening_hours": "周一至周五 8:30-17:30", "contact_name": "李站长",
            "contact_phone": "13800001111", "platforms": ["culture", "theory"]}
    r = client.put(f"{BASE}/sites/{u['s1']}/profile", json=body, headers=county["s1"])
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["profile"]["platforms"] == ["theory", "culture"]          # in the five platforms' order
    sites = {s["name"]: s for s in client.get(f"{BASE}/sites").get_json()}       # public
    assert sites["东关村实践站"]["profile"]["opening_hours"] == "周一至周五 8:30-17:30"
    assert sites["东镇实践所"]["teams"] == [{"id": u["east_team"], "name": "东镇志愿服务分队"}]
    assert "东镇志愿服务分队" not in sites                                            # teams are not sites
    assert client.put(f"{BASE}/sites/{u['s2']}/profile", json=body, headers=county["s1"]).status_code == 403
    assert client.put(f"{BASE}/sites/{u['s2']}/profile", json=body, headers=county["east"]).status_code == 200
    bad = client.put(f"{BASE}/sites/{u['s1']}/profile", json={**body, "platforms": ["sports"]}, headers=county["s1"])
    assert bad.status_code == 422 and "platforms" in bad.get_json()["error"]["fields"]
    assert client.put(f"{BASE}/sites/{u['s1']}/profile", json=body, headers=county["lead"]).status_code == 403


def test_the_profile_page_shows_and_edits_in_chinese(app, county):
    u = county["units"]
    page = app.test_client()
    html = page.get(f"/t/county/stations/sites/{u['s1']}").get_data(as_text=True)
    assert "开放时间" in html and "edit-profile" not in html                           # a visitor reads only
    page.post("/t/county/login", data={"login": "s1@county.test", "password": "Passw0rd!x"})
    r = page.post(f"/t/county/stations/sites/{u['s1']}", data={"address": "村委会", "contact_phone": "abc",
                                                              "platforms": ["fitness"]})
    assert r.status_code == 422 and "7 到 20 位电话号码" in r.get_data(as_text=True)
    r = page.post(f"/t/county/stations/sites/{u['s1']}", data={"address": "村委会", "platforms": ["fitness"]})
    assert r.status_code == 302
    html = page.get(f"/t/county/stations/sites/{u['s1']}").get_data(as_text=True)
    assert "健身体育服务平台" in html and "村委会" in html
