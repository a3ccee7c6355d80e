"""Letterbox rounds: each round recorded; a box not emptied within the interval is overdue."""
from .conftest import BASE


def test_a_box_not_emptied_within_the_interval_is_overdue(client, county, time_machine, clock):
    boxes = {}
    for name, station in (("东关村意见箱", "s1"), ("西河村意见箱", "s3")):
        r = client.post(f"{BASE}/letterboxes", json={"name": name, "unit_id": county["units"][station],
                                                     "location": "村委会门口"}, headers=county["admin"])
        assert r.status_code == 201, r.get_json()
        boxes[name] = r.get_json()["id"]
    assert client.post(f"{BASE}/letterboxes", json={"name": "东关村意见箱", "unit_id": county["units"]["s1"]},
                       headers=county["admin"]).status_code == 422
    time_machine.move_to(clock.at(days=+6), tick=True)
    done = client.post(f"{BASE}/letterboxes/{boxes['东关村意见箱']}/rounds", json={"slips": 3},
                       headers=county["s1"])
    assert done.status_code == 201 and done.get_json()["slips"] == 3
    time_machine.move_to(clock.at(days=+2), tick=True)                       # 8 days after they were put up
    listed = {b["name"]: b for b in client.get(f"{BASE}/letterboxes", headers=county["s1"]).get_json()}
    assert listed["东关村意见箱"]["overdue"] is False and listed["西河村意见箱"]["overdue"] is True
    assert client.post(f"{BASE}/letterboxes/{boxes['西河村意见箱']}/rounds", json={"slips": -1},
                       headers=county["s1"]).status_code == 422


def test_rounds_are_recorded_on_a_page(app, client, county):
    r = client.post(f"{BASE}/letterboxes", json={"name": "南湾村意见箱", "unit_id": county["units"]["s2"]},
                    headers=county["admin"])
    box = r.get_json()["id"]
    clerk = app.test_client()
    clerk.post("/t/county/login", data={"login": "s1@county.test", "password": "Passw0rd!x"})
    page = clerk.post("/t/county/stations/letterboxes", data={"box_id": box, "slips": "2"}, follow_redirects=True)
    assert "已记录开箱：南湾村意见箱" in page.get_data(as_text=True)
    leader = app.test_client()
    leader.post("/t/county/login", data={"login": "lead@county.test", "password": "Passw0rd!x"})
    assert leader.post("/t/county/stations/letterboxes", data={"name": "新箱", "unit_id": county["units"]["s1"]}
                       ).status_code == 403                                  # team leaders empty boxes, not add them
