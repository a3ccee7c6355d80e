"""A provincial hub running a competition, two child tenants (a county and a university), an
entrant who belongs to the hub and to one child, the hub's admin and a reviewer."""
import pytest

BASE = "/t/hub/api/v1/competitions"


@pytest.fixture
def hub(make_tenant, make_member, login, client, operator):
    make_tenant("hub", kind="hub", plugins=["competitions"], admin="admin@hub.test")
    make_tenant("county", parent="hub", admin="admin@county.test")
    make_tenant("uni", parent="hub", admin="admin@uni.test")
    make_member("hub", "reviewer@hub.test", name="评审秘书", roles=["unit_admin"])
    team = make_member("county", "lead@county.test", name="县队长", roles=["leader"])
    make_member("county", "secret@county.test", name="县里另一人", roles=["volunteer"])
    joined = make_member("hub", "lead@county.test", name="县队长")         # the same person, in the hub too
    return {"admin": login("hub", "admin@hub.test"), "reviewer": login("hub", "reviewer@hub.test"),
            "lead": login("hub", "lead@county.test"), "lead_member": joined, "county_member": team,
            "tenants": _ids(client, operator, "county", "uni")}


def _ids(client, operator, *slugs):
    return {s: client.get(f"/api/v1/tenants/{s}", headers=operator).get_json()["id"] for s in slugs}


def competition(client, hub, clock, *, submission=-1, review=+10, eligibility="children", status=201, **extra):
    body = {"name": "全省青年志愿服务项目大赛", "stages": {"submission": clock.iso(days=submission),
                                                   "review": clock.iso(days=review),
                                                   "voting": clock.iso(days=review + 5)},
            "eligibility": eligibility, **extra}
    r = client.post(f"{BASE}/", json=body, headers=hub["admin"])
    assert r.status_code == status, r.get_json()
    found = r.get_json()
    if status == 201:
        assert client.post(f"{BASE}/{found['id']}/publish", headers=hub["admin"]).status_code == 200
    return found


def entry_body(hub, **extra):
    return {"title": "乡村儿童周末课堂", "team_name": "县青年志愿者协会", "category": "education",
            "summary": "每周末为留守儿童开设课堂", "sections": {"need": "全县留守儿童 3000 余名", "goals": "覆盖 20 个村"},
            "from_tenant_id": hub["tenants"]["county"], **extra}


ORDER = ("submission", "review", "voting", "judging", "roadshow", "results")


def set_stage(client, hub, clock, c, stage, began=1, **extra):
    """Move the competition's dates so that ``stage`` began ``began`` hours ago and ends a
    day from now (the other stages as long, before and after it)."""
    now, span = ORDER.index(stage), began + 24
    stages = {s: clock.iso(hours=(n - now) * span - began) for n, s in enumerate(ORDER)}
    body = {"name": c["name"], "eligibility": c.get("eligibility", "children"), "stages": stages,
            "vote_weight": c.get("vote_weight", 30), **extra}
    r = client.put(f"{BASE}/{c['id']}", headers=hub["admin"], json=body)
    assert r.status_code == 200 and r.get_json()["stage"] == stage, r.get_json()
    return r.get_json()


@pytest.fixture
def no_limits(app):
    """Generous address limits: the tests cast many votes from one test client (the counts
    are reset after each test by the kernel's fixtures)."""
    app.config["YINGHUO_RATE_LIMITS"] = {"vote": "100000/minute", "vote_burst": "100000/minute",
                                         "vote_device": "100000/minute", "phone_code": "1000/minute"}
    yield
    app.config.pop("YINGHUO_RATE_LIMITS", None)


def accepted_entries(client, hub, c, titles, category="education"):
    ids = []
    for title in titles:
        e = client.post(f"{BASE}/{c['id']}/entries", json=entry_body(hub, title=title, category=category),
                        headers=hub["lead"]).get_json()
        assert client.post(f"{BASE}/entries/{e['id']}/submit", headers=hub["lead"]).status_code == 200
        assert client.post(f"{BASE}/entries/{e['id']}/decision", json={"decision": "accept"},
                           headers=hub["reviewer"]).status_code == 200
        ids.append(e["id"])
    return ids
