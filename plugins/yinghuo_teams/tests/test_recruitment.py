"""Recruitment: a public form, screening, interview slots that never overbook, results, and
acceptance that creates the membership and places the person in a squad - all or nothing."""
import pytest

from .conftest import BASE

FORM = {"name": "张晓雨", "phone": "15871000001", "school": "北疆大学", "major": "农学", "year": "大二",
        "skills": "摄影", "statement": "希望用所学回报家乡。"}


def _apply(client, **fields):
    return client.post(f"{BASE}/applications", json={**FORM, **fields})


def _act(client, project, app_id, action, **body):
    return client.post(f"{BASE}/applications/{app_id}/{action}", json=body, headers=project["admin"])


def test_public_form_needs_no_account_and_checks_each_field(client, project):
    r = _apply(client)
    assert r.status_code == 201 and r.get_json()["status"] == "applied"
    again = _apply(client, name="又一次")
    assert again.status_code == 409 and again.get_json()["error"]["fields"] == {"phone": ["already applied"]}
    bad = _apply(client, phone="12345", statement="", school="")
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"phone", "statement", "school"}
    listed = client.get(f"{BASE}/applications", headers=project["admin"]).get_json()
    assert [a["name"] for a in listed] == ["张晓雨"]
    assert client.get(f"{BASE}/applications", headers=project["mate_a"]).status_code == 403
    assert client.get(f"{BASE}/applications").status_code == 401


def test_screen_interview_accept_creates_member_in_squad(client, project, clock):
    first = _apply(client).get_json()["id"]
    second = _apply(client, name="王子涵", phone="15871000002").get_json()["id"]
    slot = project["post"]("/interview-slots", {"starts_at": clock.iso(days=7, hour=14), "place": "302", "capacity": 1})
    assert _act(client, project, first, "schedule", slot_id=slot["id"]).status_code == 409  # not shortlisted yet
    assert _act(client, project, first, "shortlist").get_json()["status"] == "shortlisted"
    assert _act(client, project, second, "shortlist").status_code == 200
    assert _act(client, project, first, "schedule", slot_id=slot["id"]).get_json()["status"] == "interview"
    full = _act(client, project, second, "schedule", slot_id=slot["id"])
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "slot_full"
    slots = client.get(f"{BASE}/interview-slots", headers=project["admin"]).get_json()
    assert slots[0]["booked"] == 1
    assert _act(client, project, first, "pass", score=120).status_code == 422
    passed = _act(client, project, first, "pass", score=86, note="表达清楚").get_json()
    assert (passed["status"], passed["interview_score"]) == ("passed", 86)

    squad_b = project["squads"]["b"]
    accepted = _act(client, project, first, "accept", squad_id=squad_b)
    assert accepted.status_code == 200, accepted.get_json()
    member_id = accepted.get_json()["member_id"]
    squads = client.get(f"{BASE}/squads", headers=project["admin"]).get_json()
    members_b = [m["id"] for s in squads if s["id"] == squad_b for m in s["members"]]
    assert member_id in members_b
    member = client.get(f"/t/uni/api/v1/members/{member_id}", headers=project["admin"]).get_json()
    assert member["name"] == "张晓雨"
    assert _act(client, project, first, "accept", squad_id=squad_b).status_code == 409  # once


def test_acceptance_into_a_full_squad_writes_nothing(client, project, clock):
    squad_a = project["squads"]["a"]
    # squad A has 2 of its 4 places taken: two acceptances fill it, the third is refused
    slot = project["post"]("/interview-slots", {"starts_at": clock.iso(days=7, hour=14), "place": "302", "capacity": 9})
    ids = []
    for n in range(3):
        app_id = _apply(client, name=f"候选{n}", phone=f"1587100020{n}").get_json()["id"]
        _act(client, project, app_id, "shortlist")
        _act(client, project, app_id, "schedule", slot_id=slot["id"])
        _act(client, project, app_id, "pass", score=80)
        ids.append(app_id)
    assert _act(client, project, ids[0], "accept", squad_id=squad_a).status_code == 200
    assert _act(client, project, ids[1], "accept", squad_id=squad_a).status_code == 200
    before = client.get("/t/uni/api/v1/members", headers=project["admin"]).get_json()
    refused = _act(client, project, ids[2], "accept", squad_id=squad_a)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "squad_full"
    after = client.get("/t/uni/api/v1/members", headers=project["admin"]).get_json()
    assert len(after) == len(before)
    row = [a for a in client.get(f"{BASE}/applications", headers=project["admin"]).get_json() if a["id"] == ids[2]]
    assert row[0]["status"] == "passed" and row[0]["member_id"] is None


def test_reject_needs_a_reason(client, project):
    app_id = _apply(client).get_json()["id"]
    assert _act(client, project, app_id, "reject").status_code == 422
    assert _act(client, project, app_id, "reject", note="时间冲突").get_json()["status"] == "rejected"
    assert _act(client, project, app_id, "shortlist").status_code == 409


def test_public_application_page(client, project):
    page = client.get("/t/uni/teams/apply")
    assert page.status_code == 200 and 'name="statement"' in page.get_data(as_text=True)
    done = client.post("/t/uni/teams/apply", data=FORM)
    assert done.status_code == 200 and "15871000001" not in done.get_data(as_text=True)
    assert client.get(f"{BASE}/applications", headers=project["admin"]).get_json()[0]["name"] == "张晓雨"
    dup = client.post("/t/uni/teams/apply", data=FORM)
    # the form again at once, with the message and every field as typed
    assert dup.status_code == 409 and 'class="flash error"' in dup.get_data(as_text=True)
    assert f'value="{FORM["school"]}"' in dup.get_data(as_text=True) and FORM["statement"] in dup.get_data(as_text=True)


@pytest.fixture
def tight_form_limit(app):
    app.config["YINGHUO_RATE_LIMITS"] = {"public_form": "2/minute"}
    yield
    app.config.pop("YINGHUO_RATE_LIMITS")


def test_one_address_may_submit_only_so_many_applications(client, project, tight_form_limit):
    assert _apply(client).status_code == 201
    assert _apply(client, name="王子涵", phone="15871000002").status_code == 201
    third = _apply(client, name="李想", phone="15871000003")
    assert third.status_code == 429
    assert third.get_json()["error"]["code"] == "too_many_requests"
    page = client.post("/t/uni/teams/apply", data={**FORM, "phone": "15871000004"}, follow_redirects=True)
    assert "此处提交次数过多" in page.get_data(as_text=True)  # back to the form, told in Chinese
    listed = client.get(f"{BASE}/applications", headers=project["admin"]).get_json()
    assert sorted(a["name"] for a in listed) == sorted(["张晓雨", "王子涵"])  # nothing else written
    other = client.post(f"{BASE}/applications", json={**FORM, "phone": "15871000005"},
                        environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 201  # another address has its own count


def test_an_applicant_looks_up_the_application_by_number_and_mobile(client, project):
    done = client.post("/t/uni/teams/apply", data=FORM).get_data(as_text=True)
    number = client.get(f"{BASE}/applications", headers=project["admin"]).get_json()[0]["id"]
    assert str(number) in done and "查询我的报名进度" in done
    found = client.post("/t/uni/teams/apply/status", data={"number": number, "phone": FORM["phone"]})
    assert found.status_code == 200 and "已报名" in found.get_data(as_text=True) and FORM["name"] in found.get_data(
        as_text=True)
    wrong = client.post("/t/uni/teams/apply/status", data={"number": number, "phone": "15800000000"})
    assert wrong.status_code == 404 and "没有找到这个编号和手机号的报名" in wrong.get_data(as_text=True)
    assert FORM["name"] not in wrong.get_data(as_text=True) and 'value="15800000000"' in wrong.get_data(as_text=True)
