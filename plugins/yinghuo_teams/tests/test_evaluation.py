"""Quarterly evaluation with the tenant's criteria and weights, from the squad leader and the
group heads; the annual selection from those scores plus hours; certificates of honour that
/verify/<code> says are genuine, then revoked."""
import shutil
import subprocess
from datetime import datetime

import pytest
from yinghuo.testing import CHINA

from .conftest import BASE

FULL = {"出勤与纪律": 90, "工作成效": 90, "团队协作": 90, "宣传与创新": 90}


#: the calendar (weeks, periods, deadlines) is this module's subject: its dates are read
#: under a frozen clock, a Wednesday in the week of 2026-11-23
pytestmark = pytest.mark.time_machine(datetime(2026, 11, 25, 10, tzinfo=CHINA))


def _score(client, headers, member_id, scores, quarter="2026-Q3"):
    return client.post(f"{BASE}/evaluations", json={"member_id": member_id, "quarter": quarter, "scores": scores},
                       headers=headers)


def test_scores_are_checked_and_weighted(client, project):
    mate_a, lead_a = project["people"]["mate_a"], project["lead_a"]
    # a squad leader scores the members of their squad (as "leader"); a plain member scores nobody
    scored = _score(client, lead_a, mate_a, FULL)
    assert scored.status_code == 201 and scored.get_json()["scorer_role"] == "leader"
    assert _score(client, project["mate_a"], project["people"]["lead_a"], FULL).status_code == 403
    assert _score(client, lead_a, project["people"]["mate_b"], FULL).status_code == 403
    r = _score(client, project["admin"], mate_a, {**FULL, "工作成效": 101})
    assert r.status_code == 422 and "工作成效" in r.get_json()["error"]["fields"]["scores"]
    r = _score(client, project["admin"], mate_a, {**FULL, "颜值": 80})
    assert r.status_code == 422 and "颜值" in r.get_json()["error"]["fields"]["scores"]
    assert _score(client, project["admin"], mate_a, FULL, quarter="2026-5").status_code == 422

    r = _score(client, project["admin"], mate_a, {"出勤与纪律": 100, "工作成效": 50, "团队协作": 80, "宣传与创新": 60})
    assert r.status_code == 201
    assert r.get_json()["total"] == pytest.approx(100 * .3 + 50 * .4 + 80 * .15 + 60 * .15)
    again = _score(client, project["admin"], mate_a, FULL)  # replaces the admin's earlier scores
    assert again.get_json()["total"] == 90
    results = client.get(f"{BASE}/evaluations?quarter=2026-Q3", headers=project["admin"]).get_json()["results"]
    assert [(r["member_id"], r["head"], r["leader"], r["score"]) for r in results] == [(mate_a, 90, 90, 90)]


def test_leader_and_heads_combine_by_weight(client, project):
    mate_a, mate_b = project["people"]["mate_a"], project["people"]["mate_b"]
    assert _score(client, project["lead_a"], mate_b, FULL).status_code == 403   # not their squad
    assert _score(client, project["lead_a"], project["people"]["lead_a"], FULL).status_code == 403  # themselves
    assert _score(client, project["lead_a"], mate_a, {k: 80 for k in FULL}).status_code == 201
    assert _score(client, project["admin"], mate_a, {k: 100 for k in FULL}).status_code == 201
    [row] = client.get(f"{BASE}/evaluations?quarter=2026-Q3", headers=project["admin"]).get_json()["results"]
    assert (row["leader"], row["head"], row["score"]) == (80, 100, 90)   # 50/50 by default


def test_annual_selection_uses_hours_and_issues_verifiable_honours(client, project, tmp_path):
    admin = project["admin"]
    mate_a, mate_b = project["people"]["mate_a"], project["people"]["mate_b"]
    _score(client, admin, mate_a, {k: 90 for k in FULL})
    _score(client, admin, mate_b, {k: 80 for k in FULL})
    # B served 100 hours in 2026: with hours weighing 30%, B overtakes A (63 vs 86)
    for day in range(1, 6):
        rec = client.post("/t/uni/api/v1/hours", json={"member_id": mate_b, "served_on": f"2026-08-0{day}",
                                                       "minutes": 1200, "content": "暑期驻村实践", "note": "驻村"},
                          headers=admin)
        assert rec.status_code == 201, rec.get_json()
        assert client.post(f"/t/uni/api/v1/hours/{rec.get_json()['id']}/approve", json={},
                           headers=admin).status_code == 200
    # hours of another year do not count
    old = client.post("/t/uni/api/v1/hours", json={"member_id": mate_a, "served_on": "2025-08-01", "minutes": 1200,
                                                   "content": "往年", "note": "往年"}, headers=admin).get_json()
    client.post(f"/t/uni/api/v1/hours/{old['id']}/approve", json={}, headers=admin)
    ranking = client.get(f"{BASE}/excellent?year=2026", headers=admin).get_json()
    assert [(r["member_id"], r["score"]) for r in ranking] == [(mate_b, 86.0), (mate_a, 63.0)]
    assert [r["proposed"] for r in ranking] == [True, True]   # five are proposed by default

    outsider = client.post(f"{BASE}/excellent", json={"year": 2026, "member_ids": [project["people"]["lead_b"]]},
                           headers=admin)
    assert outsider.status_code == 422
    made = client.post(f"{BASE}/excellent", json={"year": 2026, "member_ids": [mate_b]}, headers=admin)
    assert made.status_code == 201, made.get_json()
    [honour] = made.get_json()
    assert (honour["rank"], honour["member_id"]) == (1, mate_b)
    again = client.post(f"{BASE}/excellent", json={"year": 2026, "member_ids": [mate_b]}, headers=admin)
    assert again.get_json() == []   # nobody twice

    pdf = client.get(f"{BASE}/honours/{honour['id']}/pdf", headers=admin)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"{BASE}/honours/{honour['id']}/pdf", headers=project["mate_a"]).status_code == 403
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed")
    (tmp_path / "h.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(tmp_path / "h.pdf"), "-"], capture_output=True, text=True).stdout
    assert "荣誉证书" in text and "乙队员" in text and "2026 年度优秀志愿者" in text

    verified = client.get(f"/verify/{honour['code']}?format=json").get_json()
    assert verified["genuine"] is True and verified["kind"] == "honour" and verified["name"] != "乙队员"
    assert client.post(f"{BASE}/honours/{honour['id']}/revoke", json={"reason": "材料不实"},
                       headers=admin).status_code == 200
    assert client.get(f"/verify/{honour['code']}?format=json").get_json()["genuine"] is False
    page = client.get(f"/verify/{honour['code']}").get_data(as_text=True)
    assert "2026 年度优秀志愿者" in page


def test_criteria_are_tenant_settings(client, project, operator):
    bad = client.patch("/api/v1/tenants/uni", headers=operator, json={"settings": {
        "unit_types": ["school", "group"], "teams": {"evaluation_criteria": [{"name": "表现", "weight": 60}]}}})
    assert bad.status_code == 422   # weights must sum to 100
    ok = client.patch("/api/v1/tenants/uni", headers=operator, json={"settings": {
        "unit_types": ["school", "group"], "teams": {"evaluation_criteria": [{"name": "表现", "weight": 60},
                                                                            {"name": "成效", "weight": 40}]}}})
    assert ok.status_code == 200, ok.get_json()
    got = client.get(f"{BASE}/evaluations", headers=project["admin"]).get_json()
    assert [c["name"] for c in got["criteria"]] == ["表现", "成效"]
    r = _score(client, project["admin"], project["people"]["mate_a"], {"表现": 100, "成效": 50})
    assert r.get_json()["total"] == 80
