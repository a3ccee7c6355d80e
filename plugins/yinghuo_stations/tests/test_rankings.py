"""Residents' station survey (once per phone a quarter) and the quarterly ranking from
activities held, demands served on time, ratings and survey scores, weighed by the tenant's
settings; each level ranks its own subtree; chart and .xlsx."""
import io

from openpyxl import load_workbook

from .conftest import BASE, TYPES, act, ask
from .test_ledgers import held


def quarter_of(moment) -> str:
    return f"{moment.year}Q{(moment.month - 1) // 3 + 1}"


def survey(client, station_id, score, phone, status=201):
    r = client.post(f"{BASE}/sites/{station_id}/surveys", json={"score": score, "contact_phone": phone,
                                                                 "comment": "服务热情"})
    assert r.status_code == status, r.get_json()
    return r.get_json()


def test_a_phone_answers_a_station_survey_once_a_quarter(client, county):
    s1 = county["units"]["s1"]
    survey(client, s1, 5, "13911112222")
    again = survey(client, s1, 1, "13911112222", status=409)
    assert again["error"]["code"] == "already_answered"
    survey(client, county["units"]["s2"], 4, "13911112222")                   # another station is fine
    assert "score" in survey(client, s1, 7, "13911114444", status=422)["error"]["fields"]
    assert "contact_phone" in survey(client, s1, 3, "123", status=422)["error"]["fields"]
    assert survey(client, county["units"]["east"], 5, "13911113333", status=404)   # an institute is not a station


def test_the_ranking_applies_the_weights_in_settings(client, county, clock, operator, time_machine):
    u = county["units"]
    now = clock.at(hour=10)
    mid = now.replace(month=(now.month - 1) // 3 * 3 + 2, day=15)           # the middle of this quarter
    time_machine.move_to(mid, tick=True)
    quarter = quarter_of(mid)
    # s1: two activities and a demand served on time, rated 5; s2: a survey of 5 only; s3: nothing
    held(client, county, "s1", "电影下乡", clock.at(days=1, hour=9))
    held(client, county, "s1", "健康讲座", clock.at(days=1, hour=14))
    d = ask(client, county)
    act(client, d["id"], "escalate", county["s1"], note="上报")
    act(client, d["id"], "dispatch", county["east"], team_unit_id=u["east_team"])
    act(client, d["id"], "accept", county["lead"])
    assert act(client, d["id"], "finish", county["lead"], note="打扫完毕")["finished_on_time"] is True
    client.post(f"{BASE}/lookup/rate", json={"receipt": d["receipt"], "phone_tail": "5678", "rating": 5})
    survey(client, u["s2"], 5, "13911112222")
    assert client.get(f"{BASE}/ranking?quarter=0000Q1", headers=county["admin"]).status_code == 422
    rows = client.get(f"{BASE}/ranking?quarter={quarter}", headers=county["admin"]).get_json()
    by = {r["station"]: r for r in rows}
    # default weights 30/30/20/20; s1: activities 2/6, on time 1, rating 1, survey 0
    assert by["东关村实践站"]["score"] == round(100 * (30 * 2 / 6 + 30 * 1 + 20 * 1 + 0) / 100, 1)
    assert by["南湾村实践站"]["score"] == 20.0 and by["西河村实践站"]["score"] == 0.0
    assert [r["station"] for r in rows] == ["东关村实践站", "南湾村实践站", "西河村实践站"]
    assert [r["top_third"] for r in rows] == [True, False, False]
    # a tenant that weighs only the survey puts s2 first
    r = client.patch("/api/v1/tenants/county", headers=operator, json={"settings": {
        "unit_types": TYPES, "stations": {"ranking_weights": {"activities": 0, "on_time": 0, "rating": 0,
                                                              "survey": 100}}}})
    assert r.status_code == 200, r.get_json()
    rows = client.get(f"{BASE}/ranking?quarter={quarter}", headers=county["admin"]).get_json()
    assert [(r["station"], r["score"]) for r in rows][:2] == [("南湾村实践站", 100.0), ("东关村实践站", 0.0)]
    # a station's clerk sees only their station; the file has Chinese headers
    west = client.get(f"{BASE}/ranking?quarter={quarter}", headers=county["s1"]).get_json()
    assert [r["station"] for r in west] == ["东关村实践站"]
    sheet = load_workbook(io.BytesIO(client.get(f"{BASE}/ranking.xlsx?quarter={quarter}",
                                                headers=county["admin"]).data)).active
    values = list(sheet.values)
    assert values[0][:3] == ("名次", "站点", "所属实践所") and values[1][1] == "南湾村实践站" and values[1][8] == "是"


def test_the_ranking_page_draws_a_chart(app, county, clock):
    page = app.test_client()
    page.post("/t/county/login", data={"login": "admin@county.test", "password": "Passw0rd!x"})
    html = page.get(f"/t/county/stations/ranking?quarter={quarter_of(clock.at())}").get_data(as_text=True)
    assert 'id="ranking-chart"' in html and "站点排名" in html and "东关村实践站" in html
    assert page.get("/t/county/stations/ranking?quarter=2026Q5").status_code == 422
    form = app.test_client().get(f"/t/county/stations/sites/{county['units']['s1']}/survey").get_data(as_text=True)
    assert "您对东关村实践站满意吗" in form
