"""Judging: judges see and score only their categories' accepted entries, never one they
declared a conflict for; each criterion within its range; a submitted sheet is locked;
trimming, normalisation and weights give the README's worked example."""
import pytest

from .conftest import BASE, accepted_entries, competition, set_stage

#: the README's worked example: four judges' totals for four education projects
TOTALS = {"A": (92, 86, 84, 90), "B": (58, 72, 50, 64), "C": (80, 78, 76, 70), "D": (95, 74, 70, 82)}
VOTES = (40, 100, 10, 60)


def five(total):
    """A total out of 100 as five equal criterion scores out of 20 (weights 20 each)."""
    return {k: total / 5 for k in ("need", "goals", "implementation", "results", "distinctiveness")}


@pytest.fixture
def judged(client, hub, clock, make_member, login):
    c = competition(client, hub, clock, submission=-1, review=+1, eligibility="children")
    entries = accepted_entries(client, hub, c, ["乡村儿童周末课堂", "银发手机课堂", "河道清洁行动", "普法进村"])
    other = accepted_entries(client, hub, c, ["社区急救培训"], category="health")
    judges = {}
    for name in TOTALS:
        member = make_member("hub", f"judge{name.lower()}@hub.test", name=f"评委{name}")
        r = client.post(f"{BASE}/{c['id']}/judges", headers=hub["admin"],
                        json={"member_id": member, "categories": ["education"]})
        assert r.status_code == 201, r.get_json()
        judges[name] = {"id": member, "h": login("hub", f"judge{name.lower()}@hub.test")}
    return {"c": c, "entries": entries, "other": other, "judges": judges}


def sheet(client, j, c, entry, scores, *, submit=True, round="review"):
    return client.put(f"{BASE}/{c['id']}/judging/{entry}/sheet", headers=j["h"],
                      json={"scores": scores, "submit": submit, "round": round})


def test_a_judge_scores_only_their_categories_within_each_range_and_a_sheet_locks(client, hub, clock, judged):
    c, a = judged["c"], judged["judges"]["A"]
    set_stage(client, hub, clock, c, "judging")
    listed = [e["id"] for e in client.get(f"{BASE}/{c['id']}/judging", headers=a["h"]).get_json()]
    assert listed == judged["entries"]                                   # not the health entry
    assert client.get(f"{BASE}/{c['id']}/judging/{judged['other'][0]}/sheet", headers=a["h"]).status_code == 404
    e1 = judged["entries"][0]
    bad = sheet(client, a, c, e1, {**five(90), "need": 21})
    assert bad.status_code == 422 and "scores.need" in bad.get_json()["error"]["fields"]
    assert sheet(client, a, c, e1, {"need": 15}).status_code == 422                     # a submission needs every criterion
    draft = sheet(client, a, c, e1, {"need": 15}, submit=False)
    assert draft.status_code == 200 and draft.get_json()["total"] == 15 and not draft.get_json()["submitted"]
    done = sheet(client, a, c, e1, five(92))
    assert done.status_code == 200 and done.get_json()["total"] == 92 and done.get_json()["submitted"]
    again = sheet(client, a, c, e1, five(50))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "locked"
    assert client.get(f"{BASE}/{c['id']}/judging", headers=hub["lead"]).status_code == 403   # not a judge


def test_a_judge_with_a_declared_conflict_never_sees_nor_scores_that_entry(client, hub, clock, judged):
    c, b = judged["c"], judged["judges"]["B"]
    set_stage(client, hub, clock, c, "judging")
    e2 = judged["entries"][1]
    sheet(client, b, c, e2, {"need": 10}, submit=False)
    r = client.post(f"{BASE}/{c['id']}/judging/{e2}/conflict", headers=b["h"], json={"reason": "指导过该团队"})
    assert r.status_code == 201
    assert e2 not in [e["id"] for e in client.get(f"{BASE}/{c['id']}/judging", headers=b["h"]).get_json()]
    assert client.get(f"{BASE}/{c['id']}/judging/{e2}/sheet", headers=b["h"]).status_code == 404
    assert sheet(client, b, c, e2, five(70)).status_code == 404
    assert client.get(f"{BASE}/entries/{e2}/files", headers=b["h"]).status_code == 404     # nor its files
    assert e2 not in {s["entry_id"] for s in client.get(f"{BASE}/{c['id']}/scores", headers=hub["admin"]).get_json()}
    # an organiser records a conflict after a sheet was submitted: the sheet leaves the score
    d = judged["judges"]["D"]
    e3 = judged["entries"][2]
    sheet(client, d, c, e3, five(70))
    assert client.get(f"{BASE}/{c['id']}/scores", headers=hub["admin"]).get_json() == [{"entry_id": e3, "score": 70.0}]
    assert client.post(f"{BASE}/{c['id']}/judging/{e3}/conflict", headers=d["h"],
                       json={"reason": "同村"}).status_code == 409                   # the judge cannot, once submitted
    r = client.post(f"{BASE}/{c['id']}/conflicts", headers=hub["admin"],
                    json={"member_id": d["id"], "entry_id": e3, "reason": "同村"})
    assert r.status_code == 201
    assert client.get(f"{BASE}/{c['id']}/scores", headers=hub["admin"]).get_json() == []


def test_sheets_only_in_their_stage_and_the_roadshow_only_for_finalists(client, hub, clock, judged):
    c, a = judged["c"], judged["judges"]["A"]
    e1 = judged["entries"][0]
    assert sheet(client, a, c, e1, five(80)).status_code == 409                       # still in review
    set_stage(client, hub, clock, c, "judging", finalists_per_category=1)
    for name, totals in TOTALS.items():
        for entry, total in zip(judged["entries"], totals):
            assert sheet(client, judged["judges"][name], c, entry, five(total)).status_code == 200
    chosen = client.post(f"{BASE}/{c['id']}/finalists", headers=hub["admin"])
    assert chosen.status_code == 200
    set_stage(client, hub, clock, c, "roadshow")
    finalists = [e["id"] for e in client.get(f"{BASE}/{c['id']}/judging?round=roadshow", headers=a["h"]).get_json()]
    assert finalists == [e["id"] for e in chosen.get_json()] and len(finalists) == 1
    assert sheet(client, a, c, judged["entries"][3] if finalists[0] != judged["entries"][3] else judged["entries"][2],
                 five(90), round="roadshow").status_code == 404
    assert sheet(client, a, c, finalists[0], five(90), round="roadshow").status_code == 200
    assert sheet(client, a, c, finalists[0], five(90)).status_code == 409            # the review round has closed


@pytest.mark.parametrize("trim, normalise, expected, order", [
    (False, False, {0: 81.25, 1: 77.5, 2: 70.0, 3: 76.5}, [0, 1, 3, 2]),
    (True, False, {0: 86.0, 1: 76.0, 2: 73.0, 3: 76.0}, [0, 1, 3, 2]),
    (False, True, {0: 86.75, 1: 78.13, 2: 65.29, 3: 75.08}, [0, 1, 3, 2]),
    (True, True, {0: 90.2, 1: 75.73, 2: 62.39, 3: 79.62}, [0, 3, 1, 2]),
])
def test_the_worked_example_of_the_readme(client, hub, clock, judged, no_limits, make_member, login, operator,
                                          trim, normalise, expected, order):
    c, ids = judged["c"], judged["entries"]
    set_stage(client, hub, clock, c, "judging", trim=trim, normalise=normalise, vote_weight=0)
    for name, totals in TOTALS.items():
        for entry, total in zip(ids, totals):
            sheet(client, judged["judges"][name], c, entry, five(total))
    scores = {s["entry_id"]: s["score"] for s in client.get(f"{BASE}/{c['id']}/scores",
                                                            headers=hub["admin"]).get_json()}
    assert scores == {ids[i]: v for i, v in expected.items()}
    ranked = [r["entry_id"] for r in client.get(f"{BASE}/{c['id']}/ranking", headers=hub["admin"]).get_json()
              if r["category"] == "education"]
    if (trim, normalise) != (True, False):
        assert ranked == [ids[i] for i in order]
    else:   # a tie at 76.0: the judges' scores are equal too, so more votes rank first - none yet: entered first
        assert ranked == [ids[0], ids[1], ids[3], ids[2]]


def test_the_worked_example_with_public_votes_at_30_percent(client, hub, clock, judged, no_limits, make_member,
                                                            login, operator):
    c, ids = judged["c"], judged["entries"]
    assert client.patch("/api/v1/tenants/hub", headers=operator, json={"settings": {"competitions": {
        "votes_per_day": 1000, "votes_per_entry_per_day": 100}}}).status_code == 200
    set_stage(client, hub, clock, c, "voting")
    make_member("hub", "fan@hub.test", name="热心群众")
    fan = login("hub", "fan@hub.test")
    for entry, votes in zip(ids, VOTES):
        for _ in range(votes):
            assert client.post(f"{BASE}/entries/{entry}/votes", headers=fan).status_code == 201
    set_stage(client, hub, clock, c, "judging", trim=True, normalise=True, vote_weight=30)
    for name, totals in TOTALS.items():
        for entry, total in zip(ids, totals):
            sheet(client, judged["judges"][name], c, entry, five(total))
    rows = [r for r in client.get(f"{BASE}/{c['id']}/ranking", headers=hub["admin"]).get_json()
            if r["category"] == "education"]
    assert [(r["entry_id"], r["vote_score"], r["final"]) for r in rows] == [
        (ids[1], 100.0, 83.01), (ids[0], 40.0, 75.14), (ids[3], 60.0, 73.73), (ids[2], 10.0, 46.67)]
