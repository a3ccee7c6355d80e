"""The project library (squads propose, branches gather, the centre approves), a station's
menu and a resident's order: a demand sent to the project's team through the level holding
both, within the project's monthly capacity."""
import threading

import pytest

from .conftest import BASE, act

ORDER = {"need": "想学用智能手机挂号", "place": "东关村2组", "contact_name": "赵大爷", "contact_phone": "13700001234"}


def library_project(client, county, team="east_team", by="lead", capacity=5, name="手机课堂"):
    u = county["units"]
    made = client.post(f"{BASE}/projects", headers=county[by], json={
        "name": name, "category": "文化活动", "description": "教老人用手机", "team_unit_id": u[team],
        "capacity_per_month": capacity})
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def step(client, project_id, action, headers, status=200, **body):
    r = client.post(f"{BASE}/projects/{project_id}/{action}", json=body, headers=headers)
    assert r.status_code == status, (action, r.get_json())
    return r.get_json()


def approved(client, county, **kw):
    p = library_project(client, county, **kw)
    step(client, p["id"], "gather", county["east"])
    step(client, p["id"], "approve", county["admin"])
    return p


def test_propose_gather_approve_level_by_level(client, county):
    u = county["units"]
    p = library_project(client, county)
    assert p["status"] == "proposed"
    assert client.post(f"{BASE}/projects", headers=county["lead"], json={        # not their team
        "name": "别队项目", "category": "文化活动", "team_unit_id": u["corps"],
        "capacity_per_month": 3}).status_code == 403
    step(client, p["id"], "approve", county["admin"], status=409)              # not gathered yet
    step(client, p["id"], "gather", county["s1"], status=403)                  # a station is not above the team
    step(client, p["id"], "gather", county["east"])
    step(client, p["id"], "approve", county["east"], status=403)               # only the centre approves
    assert step(client, p["id"], "approve", county["admin"])["status"] == "approved"
    other = library_project(client, county, name="上门理发")
    step(client, other["id"], "return", county["east"], status=422)            # the reason is required
    assert step(client, other["id"], "return", county["east"], note="与现有项目重复")["note"] == "与现有项目重复"
    names = [x["name"] for x in client.get(f"{BASE}/projects?status=approved", headers=county["lead"]).get_json()]
    assert names == ["手机课堂"]


def test_a_station_menu_and_an_order_that_goes_straight_to_the_team(client, county):
    u = county["units"]
    p = approved(client, county)
    pending = library_project(client, county, name="未审项目")
    r = client.put(f"{BASE}/sites/{u['s1']}/menu", json={"project_ids": [p["id"], pending["id"]]}, headers=county["s1"])
    assert r.status_code == 422 and "project_ids" in r.get_json()["error"]["fields"]
    assert client.put(f"{BASE}/sites/{u['s3']}/menu", json={"project_ids": [p["id"]]},
                      headers=county["s1"]).status_code == 403                  # another station's menu
    assert client.put(f"{BASE}/sites/{u['s1']}/menu", json={"project_ids": [p["id"]]},
                      headers=county["s1"]).status_code == 200
    assert [m["name"] for m in client.get(f"{BASE}/sites/{u['s1']}/menu").get_json()] == ["手机课堂"]
    assert client.post(f"{BASE}/sites/{u['s2']}/menu/{p['id']}/orders", json=ORDER).status_code == 404
    d = client.post(f"{BASE}/sites/{u['s1']}/menu/{p['id']}/orders", json=ORDER)
    assert d.status_code == 201, d.get_json()
    d = d.get_json()
    assert (d["status"], d["team_unit_id"], d["level_unit_id"], d["category"], d["project_id"]) == \
        ("dispatched", u["east_team"], u["east"], "文化活动", p["id"])
    inbox = client.get(f"{BASE}/inbox", headers=county["lead"]).get_json()
    assert [x["id"] for x in inbox] == [d["id"]]
    back = act(client, d["id"], "decline", county["lead"], note="本周老师不在")      # back to the institute
    assert (back["status"], back["level_unit_id"]) == ("new", u["east"])
    steps = client.get(f"{BASE}/demands/{d['id']}/timeline", headers=county["east"]).get_json()
    assert [s["action"] for s in steps] == ["submit", "order", "decline"]
    bad = client.post(f"{BASE}/sites/{u['s1']}/menu/{p['id']}/orders", json={**ORDER, "contact_phone": "123"})
    assert bad.status_code == 422 and "contact_phone" in bad.get_json()["error"]["fields"]


def test_a_project_takes_no_more_orders_than_its_monthly_capacity(app, client, county):
    u = county["units"]
    p = approved(client, county, capacity=2)
    client.put(f"{BASE}/sites/{u['s1']}/menu", json={"project_ids": [p["id"]]}, headers=county["s1"])
    url = f"{BASE}/sites/{u['s1']}/menu/{p['id']}/orders"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        barrier, codes = threading.Barrier(3), []

        def order(i):
            c = app.test_client()
            barrier.wait()
            codes.append(c.post(url, json={**ORDER, "contact_phone": f"1370000{i:04d}"},
                                environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code)
        threads = [threading.Thread(target=order, args=(i,)) for i in range(3)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        assert sorted(codes) == [201, 201, 409]
    else:
        codes = [client.post(url, json={**ORDER, "contact_phone": f"1370000{i:04d}"}).status_code for i in range(3)]
        assert codes == [201, 201, 409]
    full = client.post(url, json=ORDER)
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "full"
    board = client.get(f"{BASE}/demands", headers=county["admin"])
    assert board.headers["X-Total-Count"] == "2"                                # a refused order leaves no demand


@pytest.mark.parametrize("lang, words", [("zh", "项目库"), ("en", "Project library")])
def test_library_pages(app, county, lang, words):
    u = county["units"]
    page = app.test_client()
    page.post("/t/county/login", data={"login": "lead@county.test", "password": "Passw0rd!x"})
    page.get(f"/t/county/stations/projects?lang={lang}")
    r = page.post("/t/county/stations/projects", data={"name": "", "category": "文化活动",
                                                       "team_unit_id": u["east_team"], "capacity_per_month": "3"})
    assert r.status_code == 422
    r = page.post("/t/county/stations/projects", data={"name": "读报小组", "category": "文化活动",
                                                       "team_unit_id": u["east_team"], "capacity_per_month": "3"})
    assert r.status_code == 302
    html = page.get("/t/county/stations/projects").get_data(as_text=True)
    assert words in html and "读报小组" in html
