"""Activity pages through the test client: who may open what, and what they show."""
from datetime import timedelta



def _page_login(client, email, password="Passw0rd!x"):
    client.post("/t/county/login", data={"login": email, "password": password})


def test_list_and_detail_in_chinese_and_sign_up_by_form(client, county, make_activity):
    a = make_activity(title="垃圾分类宣传")
    _page_login(client, "vol@county.test")
    assert "垃圾分类宣传" in client.get("/t/county/activities").get_data(as_text=True)
    page = client.post(f"/t/county/activities/{a['id']}/signup", follow_redirects=True).get_data(as_text=True)
    assert "报名成功" in page and "取消报名" in page
    assert "垃圾分类宣传" in client.get("/t/county/me/activities").get_data(as_text=True)


def test_pages_for_members_send_others_to_sign_in(client, county):
    r = client.get("/t/county/me/hours")
    assert r.status_code == 302 and "/t/county/login" in r.headers["Location"]


def test_onsite_page_is_for_leaders_and_shows_a_qr_link(client, county, make_activity):
    a = make_activity()
    _page_login(client, "vol@county.test")
    assert client.get(f"/t/county/activities/{a['id']}/onsite").status_code == 403
    _page_login(client, "lead@county.test")
    page = client.get(f"/t/county/activities/{a['id']}/onsite").get_data(as_text=True)
    assert 'id="scan-link"' in page and "/scan?" in page and "data:image/svg+xml" in page


def test_approval_queue_and_dashboard(client, county, clock):
    me = client.get("/t/county/api/v1/me", headers=county["vol"]).get_json()["member"]["id"]
    client.post("/t/county/api/v1/hours", json={"member_id": me, "minutes": 180, "served_on": clock.day(),
                                                "content": "防汛值守", "note": "乡政府记录"}, headers=county["leader"])
    _page_login(client, "vol@county.test")
    assert client.get("/t/county/admin/hours").status_code == 403
    _page_login(client, "admin@county.test")
    queue = client.get("/t/county/admin/hours").get_data(as_text=True)
    assert "防汛值守" in queue and "anomaly" in queue  # manual entries stand out
    record = client.get("/t/county/api/v1/hours", headers=county["admin"]).get_json()[0]
    client.post("/t/county/admin/hours", data={"record_id": record["id"], "decision": "approve"})
    board = client.get("/t/county/admin/dashboard").get_data(as_text=True)
    assert "本月已审核时长" in board and ">3<" in board


def test_my_hours_page_shows_stars(client, county):
    _page_login(client, "vol@county.test")
    page = client.get("/t/county/me/hours").get_data(as_text=True)
    assert "☆☆☆☆☆" in page and "再服务 100 小时得下一颗星（100 小时）" in page and "<progress" in page


def test_scanning_a_forged_qr_tells_why_in_chinese(client, county, make_activity, now):
    """The person scanning reads the refusal in their language, field and reason included."""
    from datetime import timedelta
    from .conftest import iso
    a = make_activity(starts_at=iso(now - timedelta(minutes=10)), ends_at=iso(now + timedelta(hours=2)))
    _page_login(client, "vol@county.test")
    client.post(f"/t/county/activities/{a['id']}/signup")
    page = client.post(f"/t/county/activities/{a['id']}/scan?kind=in", data={"token": "forged"},
                       follow_redirects=True).get_data(as_text=True)
    assert "二维码无效 (签到二维码: 无效)" in page


def test_a_refusal_with_values_reads_in_chinese(client, county, make_activity):
    """Refusals that carry values (a status, a distance) are translated, values included;
    the API still answers the English text."""
    a = make_activity()
    client.post(f"/t/county/api/v1/activities/{a['id']}/cancel", json={"reason": "暴雨"}, headers=county["leader"])
    api = client.post(f"/t/county/api/v1/activities/{a['id']}/signups", json={}, headers=county["vol"])
    assert api.get_json()["error"]["message"] == "this activity is cancelled, not open for sign-up"
    _page_login(client, "vol@county.test")
    page = client.post(f"/t/county/activities/{a['id']}/signup", follow_redirects=True).get_data(as_text=True)
    assert "活动已取消，不能报名" in page


def test_a_refused_transition_names_status_and_action_in_chinese(client, county, make_activity, now):
    a = make_activity(starts_at=(now - timedelta(hours=2)).isoformat(), ends_at=(now - timedelta(hours=1)).isoformat())
    assert client.post(f"/t/county/api/v1/activities/{a['id']}/complete", json={},
                       headers=county["leader"]).status_code == 200
    _page_login(client, "lead@county.test")
    page = client.post(f"/t/county/activities/{a['id']}/publish", follow_redirects=True).get_data(as_text=True)
    assert "状态为“已结束”的活动不能执行“发布”" in page


def test_a_leader_creates_a_series_and_changes_an_activity_on_pages(client, county, clock):
    """The new-activity page makes a weekly series; the change page edits the sign-up window,
    the check-in radius, the unit and the places, and empties a field left blank; a bad value
    comes back on the form with the reason beside it."""
    _page_login(client, "lead@county.test")
    r = client.post("/t/county/activities/new", data={
        "title": "每周义诊", "category": "文化服务", "starts_at": clock.local(days=+2, hour=9),
        "ends_at": clock.local(days=+2, hour=11), "capacity": "8", "repeat_count": "3", "repeat_every": "7",
        "signup_closes_at": clock.local(days=+1, hour=20), "publish": "on"}, follow_redirects=True)
    assert "已创建 3 个活动" in r.get_data(as_text=True)
    listed = client.get("/t/county/api/v1/activities?q=每周义诊", headers=county["leader"]).get_json()
    series = sorted(listed["items"] if isinstance(listed, dict) else listed, key=lambda a: a["starts_at"])
    assert len(series) == 3 and all(a["status"] == "published" for a in series)
    first = series[0]
    page = client.get(f"/t/county/activities/{first['id']}/edit").get_data(as_text=True)
    assert f'value="{clock.local(days=+2, hour=9)}"' in page and f'value="{clock.local(days=+1, hour=20)}"' in page
    bad = client.post(f"/t/county/activities/{first['id']}/edit", data={"title": "每周义诊", "geofence_m": "5",
                                                                         "capacity": "8"})
    assert bad.status_code == 422 and 'value="5"' in bad.get_data(as_text=True)
    client.post(f"/t/county/activities/{first['id']}/edit", data={
        "title": "每周义诊（改）", "capacity": "12", "geofence_m": "300", "latitude": "40.8", "longitude": "111.7",
        "signup_closes_at": "", "requirements": "自带水杯"})
    changed = client.get(f"/t/county/api/v1/activities/{first['id']}", headers=county["leader"]).get_json()
    assert changed["title"] == "每周义诊（改）" and changed["capacity"] == 12 and changed["geofence_m"] == 300
    assert changed["signup_closes_at"] is None and changed["requirements"] == "自带水杯"
