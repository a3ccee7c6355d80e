"""Training and field practice as kernel activities in the plugin's categories; media works;
the dashboard's counts and on-time rates per squad and per week."""
from datetime import datetime, timedelta, timezone

import pytest
from yinghuo.testing import CHINA

from .conftest import BASE, report


def test_training_sessions_are_kernel_activities(client, project, clock):
    admin = project["admin"]
    r = client.post(f"{BASE}/trainings", headers=admin, json={
        "kind": "training", "title": "入户访谈方法", "starts_at": clock.iso(days=7, hour=9),
        "ends_at": clock.iso(days=7, hour=11), "capacity": 30})
    assert r.status_code == 201, r.get_json()
    activity_id = r.get_json()["id"]
    assert r.get_json()["category"] == "培训"
    # the kernel sees it as its own activity: publish, sign up, count
    assert client.post(f"/t/uni/api/v1/activities/{activity_id}/publish", json={}, headers=admin).status_code == 200
    assert client.post(f"/t/uni/api/v1/activities/{activity_id}/signups", json={},
                       headers=project["mate_a"]).status_code == 201
    rows = client.get(f"{BASE}/trainings", headers=project["mate_a"]).get_json()
    assert [(a["title"], a["signed_up"], a["attended"]) for a in rows] == [("入户访谈方法", 1, 0)]
    assert client.get(f"{BASE}/trainings?kind=practice", headers=admin).get_json() == []
    # and the kernel's own API accepts the plugin's categories for this tenant
    made = client.post("/t/uni/api/v1/activities", headers=admin, json={
        "title": "赴乌兰村调研", "category": "实地实践", "starts_at": clock.iso(days=11, hour=9),
        "ends_at": clock.iso(days=11, hour=17), "capacity": 10})
    assert made.status_code == 201, made.get_json()
    bad = client.post(f"{BASE}/trainings", headers=admin, json={
        "title": "x", "starts_at": clock.iso(days=7, hour=11), "ends_at": clock.iso(days=7, hour=9)})
    assert bad.status_code == 422 and "ends_at" in bad.get_json()["error"]["fields"]


def test_media_works(client, project, clock):
    admin = project["admin"]
    ok = client.post(f"{BASE}/media", headers=admin, json={
        "kind": "film", "title": "《萤火》", "outlet": "学习强国", "link": "https://example.org/v",
        "published_on": clock.day(-30), "squad_id": project["squads"]["a"]})
    assert ok.status_code == 201, ok.get_json()
    bad = client.post(f"{BASE}/media", headers=admin, json={
        "kind": "film", "title": "x", "outlet": "y", "link": "javascript:alert(1)", "published_on": clock.day(+1)})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"link", "published_on"}
    assert client.post(f"{BASE}/media", headers=project["mate_a"], json={
        "kind": "film", "title": "x", "outlet": "y", "published_on": clock.day(-30)}).status_code == 403
    assert [m["title"] for m in client.get(f"{BASE}/media", headers=project["mate_a"]).get_json()] == ["《萤火》"]


@pytest.mark.time_machine(datetime(2026, 11, 16, 9, tzinfo=CHINA))   # weeks 45 and 46 of 2026 are the subject
def test_dashboard_counts_and_on_time_rates(client, project, in_tenant):
    post = project["post"]
    post(f"/squads/{project['squads']['a']}/pairings", {"secretary_id": project["secretary"],
                                                        "village_id": project["villages"]["乌兰村"],
                                                        "starts_on": "2026-10-01"})
    a1 = report(client, project, "a", "weekly", "2026-11-02", "甲45")
    a2 = report(client, project, "a", "weekly", "2026-11-09", "甲46", accept=False)
    b1 = report(client, project, "b", "weekly", "2026-11-02", "乙45")
    report(client, project, "a", "monthly", "2026-10-01", "甲十月")
    report(client, project, "a", "case", "2026-10-10", "甲案例")
    # dates: squads formed 2026-10-20; A on time both weeks; B late in week 45 and missing week 46
    from sqlalchemy import update
    from yinghuo.api import db

    from yinghuo_teams.project import dashboard
    from yinghuo_teams.reports.models import Report
    from yinghuo_teams.squads.models import Squad
    china = timezone(timedelta(hours=8))
    with in_tenant("uni"):
        db.session.execute(update(Squad).values(created_at=datetime(2026, 10, 20, tzinfo=timezone.utc)))
        for rid, at in ((a1, datetime(2026, 11, 8, 21, 59, tzinfo=china)), (a2, datetime(2026, 11, 15, 12, tzinfo=china)),
                        (b1, datetime(2026, 11, 8, 22, 1, tzinfo=china))):
            db.session.execute(update(Report).where(Report.id == rid).values(submitted_at=at))
        db.session.flush()
        rates = dashboard.on_time(weeks=2, now=datetime(2026, 11, 16, 9, tzinfo=china))
    assert [(w["period_start"].isoformat(), w["on_time"], w["due"]) for w in rates["weeks"]] == [
        ("2026-11-02", 1, 2), ("2026-11-09", 1, 2)]
    assert {s["squad"]: (s["on_time"], s["due"], s["rate"]) for s in rates["squads"]} == {
        "A 小队": (2, 2, 100), "B 小队": (0, 2, 0)}

    got = client.get(f"{BASE}/dashboard", headers=project["mate_a"]).get_json()
    assert {k: got["counts"][k] for k in ("weekly", "monthly", "case", "villages", "squads", "students")} == {
        "weekly": 3, "monthly": 1, "case": 1, "villages": 1, "squads": 2, "students": 4}
    page = client.get("/t/uni/teams/dashboard")
    assert page.status_code == 302   # members only


def test_a_time_without_a_zone_is_china_time_in_the_plugin_as_in_the_kernel(client, project, clock):
    """One rule: 09:00 written without a zone is 09:00 in China (01:00 UTC), whichever API takes it."""
    admin, nine = project["admin"], clock.local(days=7, hour=9)
    made = client.post(f"{BASE}/trainings", headers=admin, json={
        "kind": "training", "title": "入户访谈方法", "starts_at": nine, "ends_at": clock.local(days=7, hour=11),
        "capacity": 30}).get_json()
    [training] = [t for t in client.get(f"{BASE}/trainings", headers=admin).get_json() if t["id"] == made["id"]]
    activity = client.post("/t/uni/api/v1/activities", headers=admin, json={
        "title": "赴乌兰村调研", "category": "实地实践", "starts_at": nine, "ends_at": clock.local(days=7, hour=17),
        "capacity": 10}).get_json()[0]
    slot = project["post"]("/interview-slots", {"starts_at": nine, "place": "302", "capacity": 1})
    moments = {datetime.fromisoformat(x["starts_at"]).astimezone(timezone.utc) for x in (training, activity, slot)}
    assert moments == {clock.at(days=7, hour=9).astimezone(timezone.utc)}
