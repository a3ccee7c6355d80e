"""Station ledgers: the month's activities of a station with record, photos, evaluation and
feedback; the compliance report flags a station under the minimum and one with incomplete
records; each level sees its own subtree; the .xlsx has Chinese headers."""
import io

import pytest
from openpyxl import load_workbook

from .conftest import BASE

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def held(client, county, station, title, when):
    made = client.post("/t/county/api/v1/activities", headers=county["admin"], json={
        "title": title, "category": "文化服务", "unit_id": county["units"][station], "starts_at": when.isoformat(),
        "ends_at": when.replace(hour=when.hour + 2).isoformat(), "capacity": 20})
    assert made.status_code == 201, made.get_json()
    activity = made.get_json()[0]                                             # a series of one
    assert client.post(f"/t/county/api/v1/activities/{activity['id']}/publish", json={},
                       headers=county["admin"]).status_code == 200
    return activity


def complete(client, county, activity_id, who="s1"):
    r = client.put(f"{BASE}/ledger/activities/{activity_id}", headers=county[who], json={
        "record": "放映电影《萤火》，村民 40 人", "evaluation_score": 4, "evaluation": "组织有序",
        "feedback": "希望每月放一次"})
    assert r.status_code == 200, r.get_json()
    r = client.post(f"{BASE}/ledger/activities/{activity_id}/photos", headers=county[who],
                    data={"photo": (io.BytesIO(PNG), "a.png")}, content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()


@pytest.fixture
def month_of_activities(client, county, clock):
    """s1: two activities, one without its ledger; s2: one complete activity; s3: none."""
    day = clock.at(days=3, hour=9)
    a1 = held(client, county, "s1", "电影下乡", day)
    a2 = held(client, county, "s1", "健康讲座", day.replace(hour=14))
    a3 = held(client, county, "s2", "书法课", day)
    complete(client, county, a1["id"])
    complete(client, county, a3["id"], who="east")
    return {"month": day.strftime("%Y-%m"), "a1": a1, "a2": a2, "a3": a3}


def test_the_compliance_report_flags_a_station_with_one_activity_and_one_with_gaps(client, county,
                                                                                 month_of_activities):
    month = month_of_activities["month"]
    rows = {r["station"]: r for r in client.get(f"{BASE}/ledger/report?month={month}", headers=county["admin"])
            .get_json()}
    assert (rows["东关村实践站"]["held"], rows["东关村实践站"]["complete"], rows["东关村实践站"]["under_minimum"]) == \
        (2, 1, False)
    assert rows["东关村实践站"]["incomplete"] == 1
    assert (rows["南湾村实践站"]["held"], rows["南湾村实践站"]["under_minimum"], rows["南湾村实践站"]["incomplete"]) == \
        (1, True, 0)
    assert rows["西河村实践站"]["held"] == 0 and rows["西河村实践站"]["under_minimum"]
    # each level its own subtree: the east institute sees its two stations, a station clerk only theirs
    east = [r["station"] for r in client.get(f"{BASE}/ledger/report?month={month}", headers=county["east"]).get_json()]
    assert sorted(east) == ["东关村实践站", "南湾村实践站"]
    mine = [r["station"] for r in client.get(f"{BASE}/ledger/report?month={month}", headers=county["s1"]).get_json()]
    assert mine == ["东关村实践站"]
    lines = client.get(f"{BASE}/ledger/stations/{county['units']['s1']}?month={month}", headers=county["s1"]).get_json()
    assert {line["title"]: line["missing"] for line in lines} == {
        "电影下乡": [], "健康讲座": ["record", "photos", "evaluation", "feedback"]}
    assert client.get(f"{BASE}/ledger/stations/{county['units']['s3']}?month={month}",
                      headers=county["s1"]).status_code == 404
    assert client.put(f"{BASE}/ledger/activities/{month_of_activities['a3']['id']}", json={"record": "x"},
                      headers=county["s1"]).status_code == 403
    assert client.get(f"{BASE}/ledger/report?month=2026-13", headers=county["admin"]).status_code == 422


def test_the_report_as_xlsx_with_chinese_headers(client, county, month_of_activities):
    month = month_of_activities["month"]
    r = client.get(f"{BASE}/ledger/report.xlsx?month={month}", headers=county["admin"])
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.data)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("站点", "所属实践所", "月份", "开展活动数")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["南湾村实践站"][6] == "否" and "活动少于2次" in by_name["南湾村实践站"][7]
    assert by_name["东关村实践站"][7] == "1次活动台账不全"


def test_bad_photos_and_scores_are_refused_by_field(client, county, month_of_activities):
    a2 = month_of_activities["a2"]["id"]
    r = client.post(f"{BASE}/ledger/activities/{a2}/photos", headers=county["s1"],
                    data={"photo": (io.BytesIO(b"GIF89a...."), "a.gif")}, content_type="multipart/form-data")
    assert r.status_code == 422 and "photo" in r.get_json()["error"]["fields"]
    r = client.put(f"{BASE}/ledger/activities/{a2}", json={"evaluation_score": 9}, headers=county["s1"])
    assert r.status_code == 422 and "evaluation_score" in r.get_json()["error"]["fields"]


def test_the_ledger_pages_in_chinese(app, county, month_of_activities):
    month = month_of_activities["month"]
    page = app.test_client()
    page.post("/t/county/login", data={"login": "s1@county.test", "password": "Passw0rd!x"})
    html = page.get(f"/t/county/stations/ledger?month={month}").get_data(as_text=True)
    assert "东关村实践站" in html and "台账不全" in html and "南湾村实践站" not in html
    a2 = month_of_activities["a2"]["id"]
    html = page.get(f"/t/county/stations/ledger/activities/{a2}").get_data(as_text=True)
    assert "还缺" in html and "群众反馈" in html
    r = page.post(f"/t/county/stations/ledger/activities/{a2}", data={
        "record": "讲座", "evaluation_score": "5", "feedback": "很好",
        "photos": (io.BytesIO(PNG), "p.png")}, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[-500:]
    lines = page.get(f"/t/county/stations/ledger/stations/{month_of_activities['a2']['unit_id']}?month={month}")
    assert "还缺" not in lines.get_data(as_text=True)
    assert page.get(f"/t/county/stations/ledger.xlsx?month={month}").status_code == 200
