"""Report life cycle: draft -> submitted -> returned with comments -> resubmitted -> accepted
by an archive-group reviewer; periods checked; one weekly summary per squad and week."""
from datetime import timedelta

import pytest
from yinghuo.testing import Clock

BASE = "/t/uni/api/v1/teams"


@pytest.fixture
def squad(make_tenant, make_member, login, client):
    make_tenant("uni", kind="university", plugins=["teams"], admin="admin@uni.test",
                settings={"unit_types": ["school", "group"]})
    admin = login("uni", "admin@uni.test")
    archive = client.post("/t/uni/api/v1/units", json={"name": "档案组", "type": "group"}, headers=admin).get_json()
    leader = make_member("uni", "lead@uni.test", name="队长")
    make_member("uni", "arch@uni.test", name="档案员", unit_id=archive["id"])
    make_member("uni", "other@uni.test", name="旁人")
    squad_id = client.post(f"{BASE}/squads", json={"name": "第一小队"}, headers=admin).get_json()["id"]
    client.post(f"{BASE}/squads/{squad_id}/members", json={"member_id": leader, "leader": True}, headers=admin)
    return {"id": squad_id, "leader": login("uni", "lead@uni.test"), "reviewer": login("uni", "arch@uni.test"),
            "other": login("uni", "other@uni.test")}


def _draft(client, squad, **body):
    body = {"kind": "weekly", "period_start": Clock().monday().isoformat(), "title": "本周工作小结",
            "sections": {"本周工作": "入户走访 12 户"}, **body}
    return client.post(f"{BASE}/squads/{squad['id']}/reports", json=body, headers=squad["leader"])


def _act(client, report_id, action, headers, comment=""):
    return client.post(f"{BASE}/reports/{report_id}/{action}", json={"comment": comment}, headers=headers)


def test_full_life_cycle_with_history(client, squad):
    r = _draft(client, squad)
    assert r.status_code == 201 and r.get_json()["status"] == "draft"
    rid = r.get_json()["id"]
    assert _act(client, rid, "submit", squad["leader"]).get_json()["status"] == "submitted"
    assert _act(client, rid, "return", squad["reviewer"]).status_code == 422  # comments required
    assert _act(client, rid, "return", squad["reviewer"], "请补充走访照片").get_json()["status"] == "returned"
    edited = client.patch(f"{BASE}/reports/{rid}", json={"sections": {"本周工作": "入户走访 12 户，附照片"}},
                          headers=squad["leader"])
    assert edited.status_code == 200
    assert _act(client, rid, "resubmit", squad["leader"]).get_json()["status"] == "resubmitted"
    done = _act(client, rid, "accept", squad["reviewer"]).get_json()
    assert done["status"] == "accepted"
    assert [(h["action"], h["comment"]) for h in done["history"]] == [
        ("submit", ""), ("return", "请补充走访照片"), ("resubmit", ""), ("accept", "")]


def test_bad_transitions_are_409(client, squad):
    rid = _draft(client, squad).get_json()["id"]
    assert _act(client, rid, "accept", squad["reviewer"]).status_code == 409
    assert _act(client, rid, "resubmit", squad["leader"]).status_code == 409
    _act(client, rid, "submit", squad["leader"])
    assert client.patch(f"{BASE}/reports/{rid}", json={"title": "x"}, headers=squad["leader"]).status_code == 409


def test_only_the_archive_group_reviews_and_only_the_squad_submits(client, squad):
    rid = _draft(client, squad).get_json()["id"]
    assert _act(client, rid, "submit", squad["other"]).status_code == 403
    _act(client, rid, "submit", squad["leader"])
    assert _act(client, rid, "accept", squad["leader"]).status_code == 403
    assert _act(client, rid, "accept", squad["other"]).status_code == 403


def test_periods_are_checked_and_unique_per_squad(client, squad, clock):
    tuesday = str(clock.monday() + timedelta(days=1))
    r = _draft(client, squad, period_start=tuesday)
    assert r.status_code == 422 and "period_start" in r.get_json()["error"]["fields"]
    r = _draft(client, squad, kind="monthly", period_start=str(clock.month_start() + timedelta(days=1)))
    assert r.status_code == 422
    assert _draft(client, squad).status_code == 201
    r = _draft(client, squad)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "duplicate_report"
    assert _draft(client, squad, kind="case", period_start=tuesday, title="案例").status_code == 201


def test_reviewer_queue(client, squad):
    rid = _draft(client, squad).get_json()["id"]
    _act(client, rid, "submit", squad["leader"])
    queue = client.get(f"{BASE}/reports?status=submitted", headers=squad["reviewer"]).get_json()
    assert [r["id"] for r in queue] == [rid]


def test_a_returned_report_tells_its_leader_with_the_comment_and_shows_it_on_top(app, client, squad):
    """A return was silent (the comment sat at the bottom of the history): now the author
    and the leader get an inbox message with the comment and a link, and the report page
    opens with the comment."""
    rid = _draft(client, squad).get_json()["id"]
    _act(client, rid, "submit", squad["leader"])
    _act(client, rid, "return", squad["reviewer"], "请补充走访照片")
    inbox = client.get("/t/uni/api/v1/me/notifications", headers=squad["leader"]).get_json()
    notice = inbox["items"][0]
    assert notice["title"] == "报告被退回" and "请补充走访照片" in notice["body"] and "本周工作小结" in notice["body"]
    assert notice["link"].endswith(f"/teams/reports/{rid}")
    assert client.get("/t/uni/api/v1/me/notifications", headers=squad["other"]).get_json()["items"] == []
    page = app.test_client()
    page.post("/t/uni/login", data={"login": "lead@uni.test", "password": "Passw0rd!x"})
    html = page.get(f"/t/uni/teams/reports/{rid}").get_data(as_text=True)
    top = html.index('id="return-comment"')
    assert "请补充走访照片" in html[top:top + 400] and top < html.index("<textarea")
