"""Voters by phone (a code through the kernel's text channel), limits per device, the proof
of work after a burst from one network; honour selections: the monthly star from the hours
ranking, the four best, nominations, the decision and its certificate."""
import logging
import re

import pytest

from .conftest import BASE, accepted_entries, competition, set_stage


@pytest.fixture
def voting(client, hub, clock, operator):
    c = competition(client, hub, clock, submission=-1, review=+1, eligibility="children")
    ids = accepted_entries(client, hub, c, ["乡村儿童周末课堂", "银发手机课堂"])
    set_stage(client, hub, clock, c, "voting")
    return {"c": c, "ids": ids}


def code_from_log(caplog):
    texts = [r.getMessage() for r in caplog.records if r.name == "yinghuo.texts"]
    assert texts, "no text was written to the log"
    return re.search(r"(\d{6})", texts[-1]).group(1)


def test_a_voter_without_an_account_votes_with_a_code_texted_to_the_phone(client, hub, voting, caplog):
    c, (a, b) = voting["c"], voting["ids"]
    caplog.set_level(logging.WARNING, logger="yinghuo.texts")
    assert client.post(f"{BASE}/{c['id']}/voter-code", json={"phone": "12345"}).status_code == 422
    r = client.post(f"{BASE}/{c['id']}/voter-code", json={"phone": "13912345678"})
    assert r.status_code == 202 and r.get_json() == {"sent": True}
    code = code_from_log(caplog)
    assert "139****5678" in caplog.text and "13912345678" not in caplog.text
    wrong = client.post(f"{BASE}/{c['id']}/voter-pass", json={"phone": "13912345678", "code": "000000"
                                                                if code != "000000" else "111111"})
    assert wrong.status_code == 422 and "code" in wrong.get_json()["error"]["fields"]
    ok = client.post(f"{BASE}/{c['id']}/voter-pass", json={"phone": "13912345678", "code": code})
    assert ok.status_code == 200
    pass_ = {"X-Voter-Pass": ok.get_json()["pass"]}
    assert client.post(f"{BASE}/{c['id']}/voter-pass", json={"phone": "13912345678", "code": code}).status_code == 422
    assert client.post(f"{BASE}/entries/{a}/votes", headers=pass_).status_code == 201
    again = client.post(f"{BASE}/entries/{a}/votes", headers=pass_)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "vote_limit"
    assert client.post(f"{BASE}/entries/{b}/votes", headers=pass_).status_code == 201
    assert client.post(f"{BASE}/entries/{a}/votes", headers={"X-Voter-Pass": "forged"}).status_code == 401
    assert client.get(f"{BASE}/{c['id']}/tally").get_json() == {str(a): 1, str(b): 1}


def test_five_wrong_codes_spend_it_and_a_members_phone_gets_it_in_the_inbox(client, hub, voting, make_member, login):
    c = voting["c"]
    make_member("hub", "villager@hub.test", name="村民老王", phone="13700001111")
    client.post(f"{BASE}/{c['id']}/voter-code", json={"phone": "13700001111"})
    inbox = client.get("/t/hub/api/v1/me/notifications", headers=login("hub", "villager@hub.test")).get_json()
    text = str(inbox)
    code = re.search(r"(\d{6})", text).group(1)
    for _ in range(5):
        client.post(f"{BASE}/{c['id']}/voter-pass", json={"phone": "13700001111", "code": "99999" + "9"})
    assert client.post(f"{BASE}/{c['id']}/voter-pass", json={"phone": "13700001111",
                                                              "code": code}).status_code == 422 or code == "999999"


def test_codes_per_phone_and_votes_per_device_are_limited(app, client, hub, voting, make_member, login):
    c, (a, _) = voting["c"], voting["ids"]
    for n in range(3):
        assert client.post(f"{BASE}/{c['id']}/voter-code", json={"phone": "13600000000"}).status_code == 202
    assert client.post(f"{BASE}/{c['id']}/voter-code", json={"phone": "13600000000"}).status_code == 429
    app.config["YINGHUO_RATE_LIMITS"] = {"vote_device": "2/minute"}
    try:
        codes = []
        for n in range(3):
            make_member("hub", f"v{n}@hub.test")
            codes.append(client.post(f"{BASE}/entries/{a}/votes", headers={**login("hub", f"v{n}@hub.test"),
                                                                           "X-Device-Id": "phone-1"}).status_code)
    finally:
        app.config.pop("YINGHUO_RATE_LIMITS")
    assert codes == [201, 201, 429]


def test_after_a_burst_from_one_network_each_vote_needs_a_proof_of_work(app, client, hub, voting, make_member, login):
    from yinghuo.api import proofwork
    c, (a, _) = voting["c"], voting["ids"]
    app.config["YINGHUO_RATE_LIMITS"] = {"vote_burst": "2/minute"}
    app.config["YINGHUO_PROOF_DIFFICULTY"] = 8
    try:
        voters = []
        for n in range(5):
            make_member("hub", f"b{n}@hub.test")
            voters.append(login("hub", f"b{n}@hub.test"))
        assert [client.post(f"{BASE}/entries/{a}/votes", headers=v).status_code for v in voters[:2]] == [201, 201]
        asked = client.post(f"{BASE}/entries/{a}/votes", headers=voters[2])
        assert asked.status_code == 428 and asked.get_json()["error"]["code"] == "proof_required"
        challenge = client.get(f"{BASE}/challenge").get_json()
        assert challenge["difficulty"] == 8
        proof = proofwork.solve(challenge["challenge"], 8)
        assert client.post(f"{BASE}/entries/{a}/votes", headers={**voters[2], "X-Proof": proof}).status_code == 201
        reused = client.post(f"{BASE}/entries/{a}/votes", headers={**voters[3], "X-Proof": proof})
        assert reused.status_code == 428                                                  # a challenge counts once
        wrong = challenge["challenge"] + ":x"
        assert client.post(f"{BASE}/entries/{a}/votes", headers={**voters[3], "X-Proof": wrong}).status_code == 428
    finally:
        app.config.pop("YINGHUO_RATE_LIMITS")
        app.config.pop("YINGHUO_PROOF_DIFFICULTY")
    assert client.get(f"{BASE}/{c['id']}/tally").get_json()[str(a)] == 3


@pytest.fixture
def county(make_tenant, make_member, login):
    make_tenant("jfx", kind="county", plugins=["competitions"], admin="admin@jfx.test")
    people = [make_member("jfx", f"p{n}@jfx.test", name=f"志愿者{n}") for n in range(4)]
    return {"admin": login("jfx", "admin@jfx.test"), "people": people,
            "member": login("jfx", "p0@jfx.test")}


def test_the_monthly_star_is_prefilled_from_the_hours_ranking_and_decided(client, county, clock):
    served = clock.today(-35).replace(day=15)
    month = served.strftime("%Y-%m")
    for member_id, minutes in ((county["people"][0], 300), (county["people"][1], 720), (county["people"][2], 60)):
        r = client.post("/t/jfx/api/v1/hours", headers=county["admin"], json={
            "member_id": member_id, "minutes": minutes, "served_on": served.isoformat(), "content": "入户走访",
            "note": "村委会证明"})
        assert r.status_code == 201, r.get_json()
        assert client.post(f"/t/jfx/api/v1/hours/{r.get_json()['id']}/approve", json={},
                           headers=county["admin"]).status_code == 200
    base = "/t/jfx/api/v1/competitions"
    r = client.post(f"{base}/honours/monthly-star", headers=county["admin"], json={"month": month, "count": 2})
    assert r.status_code == 201, r.get_json()
    star = r.get_json()
    assert star["kind"] == "honour" and star["categories"] == ["star"]
    nominated = client.get(f"{base}/{star['id']}/entries").get_json()
    assert [e["title"] for e in nominated] == ["志愿者1", "志愿者0"]                    # by hours, top two
    assert client.put(f"{base}/{star['id']}/honoured", headers=county["admin"],
                      json={"entry_ids": [nominated[0]["id"]]}).status_code == 200
    set_honour_stage(client, county, star, "results", base)
    published = client.post(f"{base}/{star['id']}/results", headers=county["admin"])
    assert published.status_code == 201, published.get_json()
    awarded = [r for r in published.get_json() if r["award"]]
    assert [(r["title"], r["award"]) for r in awarded] == [("志愿者1", "honour")]
    assert client.get(awarded[0]["verify_path"] + "?format=json").get_json()["genuine"]


def set_honour_stage(client, county, c, stage, base):
    from .conftest import ORDER
    from yinghuo.testing import Clock
    clock, now = Clock(), ORDER.index(stage)
    stages = {s: clock.iso(hours=(n - now) * 25 - 1) for n, s in enumerate(ORDER) if s in c["stages"] or s == stage}
    stages.setdefault("submission", clock.iso(hours=-200))
    stages.setdefault("review", clock.iso(hours=-100))
    r = client.put(f"{base}/{c['id']}", headers=county["admin"], json={
        "name": c["name"], "categories": c["categories"], "stages": stages, "vote_weight": 0})
    assert r.status_code == 200 and r.get_json()["stage"] == stage, r.get_json()


def test_the_four_best_takes_nominations_by_members(client, county):
    base = "/t/jfx/api/v1/competitions"
    r = client.post(f"{base}/honours/four-best", headers=county["admin"], json={"year": 2030})
    assert r.status_code == 201
    best = r.get_json()
    assert best["categories"] == ["best_team", "admired_volunteer", "brightest_firefly", "best_project"]
    person = client.post(f"{base}/{best['id']}/nominations", headers=county["member"],
                         json={"category": "admired_volunteer", "nominee_id": county["people"][3],
                               "reason": "十年如一日照顾孤寡老人"})
    assert person.status_code == 201 and person.get_json()["title"] == "志愿者3"
    assert person.get_json()["status"] == "submitted"
    twice = client.post(f"{base}/{best['id']}/nominations", headers=county["member"],
                        json={"category": "admired_volunteer", "nominee_id": county["people"][3], "reason": "再推荐"})
    assert twice.status_code == 409
    team = client.post(f"{base}/{best['id']}/nominations", headers=county["member"],
                       json={"category": "best_team", "reason": "服务全县"})
    assert team.status_code == 422 and "title" in team.get_json()["error"]["fields"]
    assert client.post(f"{base}/{best['id']}/nominations", headers=county["member"],
                       json={"category": "best_team", "title": "蓝天救援队", "reason": "服务全县"}).status_code == 201
    page = client.get("/t/jfx/competitions/honours")
    assert page.status_code == 200 and "2030 年度“四个最美”评选" in page.get_data(as_text=True)
