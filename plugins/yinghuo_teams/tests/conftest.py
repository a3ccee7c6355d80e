"""A university tenant with the teams plugin: an admin, a reviewer of the archive group,
squads with leaders and members, villages and first secretaries."""
import pytest

BASE = "/t/uni/api/v1/teams"
TYPES = ["school", "group", "squad", "county", "township", "village"]


@pytest.fixture
def project(make_tenant, make_member, login, client):
    make_tenant("uni", kind="university", plugins=["teams"], admin="admin@uni.test",
                settings={"unit_types": TYPES})
    admin = login("uni", "admin@uni.test")

    def post(path, body, headers=admin, status=201):
        r = client.post(f"{BASE}{path}", json=body, headers=headers)
        assert r.status_code == status, r.get_json()
        return r.get_json()

    archive = client.post("/t/uni/api/v1/units", json={"name": "档案组", "type": "group"}, headers=admin).get_json()
    people = {}
    for key, name in (("lead_a", "甲队长"), ("mate_a", "甲队员"), ("lead_b", "乙队长"), ("mate_b", "乙队员")):
        people[key] = make_member("uni", f"{key}@uni.test", name=name)
    make_member("uni", "arch@uni.test", name="档案员", unit_id=archive["id"])
    squads = {}
    for tag in ("a", "b"):
        squads[tag] = post("/squads", {"name": f"{tag.upper()} 小队"})["id"]
        post(f"/squads/{squads[tag]}/members", {"member_id": people[f"lead_{tag}"], "leader": True})
        post(f"/squads/{squads[tag]}/members", {"member_id": people[f"mate_{tag}"]})
    villages = {name: post("/villages", {"name": name, "township": "乌兰花镇", "county": "四子王旗"})["id"]
                for name in ("乌兰村", "红旗村")}
    secretary = post("/secretaries", {"name": "巴特尔", "post": "驻村第一书记"})["id"]
    return {"admin": admin, "people": people, "squads": squads, "villages": villages, "secretary": secretary,
            "post": post, "reviewer": login("uni", "arch@uni.test"),
            "lead_a": login("uni", "lead_a@uni.test"), "mate_a": login("uni", "mate_a@uni.test"),
            "lead_b": login("uni", "lead_b@uni.test")}


def report(client, project, squad, kind, period, title, *, accept=True, headers=None, sections=None):
    """A report by the squad's leader, submitted and (by default) accepted."""
    headers = headers or project[f"lead_{squad}"]
    r = client.post(f"{BASE}/squads/{project['squads'][squad]}/reports", headers=headers,
                    json={"kind": kind, "period_start": period, "title": title,
                          "sections": sections or {"本周工作": f"{title} 的正文"}})
    assert r.status_code == 201, r.get_json()
    rid = r.get_json()["id"]
    assert client.post(f"{BASE}/reports/{rid}/submit", json={}, headers=headers).status_code == 200
    if accept:
        assert client.post(f"{BASE}/reports/{rid}/accept", json={}, headers=project["reviewer"]).status_code == 200
    return rid
