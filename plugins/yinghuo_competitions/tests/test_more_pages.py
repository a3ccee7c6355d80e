"""The organisers' pages beyond set-up: changing the dates, judges, the anomaly report, the
ranking and publishing; honours: starting a selection, nominating, deciding."""
from .conftest import BASE, accepted_entries, competition, set_stage
from .test_pages import csrf, page_for


def test_an_organiser_changes_dates_assigns_a_judge_decides_anomalies_and_publishes_on_pages(
        app, client, hub, clock, make_member, in_tenant, no_limits):
    c = competition(client, hub, clock, submission=-1, review=+1, eligibility="children")
    entry = accepted_entries(client, hub, c, ["乡村儿童周末课堂"])[0]
    admin = page_for(app, "hub", "admin@hub.test")
    url = f"/t/hub/competitions/manage/{c['id']}"
    html = admin.get(url).get_data(as_text=True)
    assert "修改设置和日期" in html and "每类入围数" in html
    r = admin.post(url, data={"csrf_token": csrf(html), "do": "save", "name": "全省大赛（改）",
                              "categories": ["education"], "stage_submission": clock.local(days=-3),
                              "stage_review": clock.local(days=-2), "stage_voting": clock.local(days=-1),
                              "stage_judging": clock.local(days=+3), "vote_weight": "20", "eligibility": "children",
                              "trim": "1", "finalists_per_category": "3", "award_first": "1", "award_second": "1",
                              "award_third": "1"}, follow_redirects=True)
    assert r.status_code == 200 and "已保存" in r.get_data(as_text=True)
    got = client.get(f"{BASE}/{c['id']}").get_json()
    assert got["name"] == "全省大赛（改）" and got["stage"] == "voting" and got["trim"] and got["vote_weight"] == 20
    assert got["awards"] == {"first": 1, "second": 1, "third": 1} and got["finalists_per_category"] == 3

    judge = make_member("hub", "judge@hub.test", name="李教授")
    page = admin.get(f"{url}/judges?q=李教授").get_data(as_text=True)
    assert "设为评委" in page
    r = admin.post(f"{url}/judges", data={"csrf_token": csrf(page), "do": "assign", "member_id": judge,
                                          "categories": ["education"]}, follow_redirects=True)
    assert "李教授" in r.get_data(as_text=True)
    assert [j["member_id"] for j in client.get(f"{BASE}/{c['id']}/judges", headers=hub["admin"]).get_json()] == [judge]

    from yinghuo_competitions.voting import services
    for n in range(40):
        with in_tenant("hub"):
            services.vote(entry, voter=f"phone:x{n}", ip="203.0.113.9")
    page = admin.get(f"{url}/anomalies").get_data(as_text=True)
    assert "地址过少" in page and "203.0.113.9" in page
    r = admin.post(f"{url}/anomalies", data={"csrf_token": csrf(page), "entry_id": entry, "decision": "voided",
                                             "note": "同一地址集中投票", "ips": ["203.0.113.9"]}, follow_redirects=True)
    assert "作废 40 票" in r.get_data(as_text=True)
    set_stage(client, hub, clock, {**c, "name": "全省大赛（改）"}, "results", vote_weight=20)
    page = admin.get(f"{url}/results").get_data(as_text=True)
    assert "发布结果" in page
    r = admin.post(f"{url}/results", data={"csrf_token": csrf(page)}, follow_redirects=True)
    assert r.status_code == 200 and "一等奖" in r.get_data(as_text=True)


def test_honours_are_started_nominated_and_decided_on_pages(app, client, make_tenant, make_member, clock):
    make_tenant("jfx", kind="county", plugins=["competitions"], admin="admin@jfx.test")
    nominee = make_member("jfx", "p0@jfx.test", name="王大姐")
    make_member("jfx", "p1@jfx.test", name="李大哥")
    admin = page_for(app, "jfx", "admin@jfx.test")
    page = admin.get("/t/jfx/competitions/honours").get_data(as_text=True)
    assert "月度志愿之星" in page
    bad = admin.post("/t/jfx/competitions/honours", data={"csrf_token": csrf(page), "do": "star", "month": "11-2026"})
    assert bad.status_code == 422
    r = admin.post("/t/jfx/competitions/honours", data={"csrf_token": csrf(page), "do": "four", "year": "2031"},
                   follow_redirects=True)
    assert r.status_code == 200 and "2031 年度“四个最美”评选" in r.get_data(as_text=True)
    best = int(r.request.path.split("/")[-2])
    member = page_for(app, "jfx", "p1@jfx.test")
    form = member.get(f"/t/jfx/competitions/{best}/nominate?q=王大姐").get_data(as_text=True)
    assert "王大姐" in form
    r = member.post(f"/t/jfx/competitions/{best}/nominate", data={
        "csrf_token": csrf(form), "category": "admired_volunteer", "nominee_id": nominee, "reason": "照顾孤寡老人"},
        follow_redirects=True)
    assert "您的推荐已提交给主办方" in r.get_data(as_text=True)
    queue = admin.get(f"/t/jfx/competitions/manage/{best}").get_data(as_text=True)
    assert "王大姐" in queue                                                            # to review, like an entry
