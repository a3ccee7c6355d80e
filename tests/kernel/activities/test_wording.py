"""What volunteers read: one rounding rule for hours everywhere, my activities split into
coming up and past (with attendance and hours), an attended activity no longer says
"signed up", and the public pages carry the platform's name, not the operator console's."""
import re

from yinghuo.hours.rounding import hours, hours_text

BASE = "/t/county/api/v1"


def test_one_rounding_rule_halves_up_to_one_decimal():
    assert [hours(m) for m in (0, 3, 106, 108, 117, 168, 274, 120)] == [0, 0.1, 1.8, 1.8, 2.0, 2.8, 4.6, 2.0]
    assert hours_text(120) == "2" and hours_text(274) == "4.6"


def _page(app, email):
    page = app.test_client()
    page.post("/t/county/login", data={"login": email, "password": "Passw0rd!x"})
    return page


def test_hours_read_the_same_on_the_page_in_the_api_and_on_the_certificate(app, client, county, clock):
    """106 + 168 minutes: 1.8 and 2.8 h, 4.6 h in all (274 min), on every surface."""
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    for minutes in (106, 168):
        r = client.post(f"{BASE}/hours", json={"member_id": me, "minutes": minutes, "served_on": clock.day(-2),
                                               "content": "助老", "note": "记录"}, headers=county["leader"])
        assert client.post(f"{BASE}/hours/{r.get_json()['id']}/approve", json={},
                           headers=county["admin"]).status_code == 200
    records = client.get(f"{BASE}/hours?member_id={me}", headers=county["admin"]).get_json()
    assert sorted(r["hours"] for r in records) == [1.8, 2.8]
    assert client.get(f"{BASE}/me/hours", headers=county["vol"]).get_json()["approved_hours"] == 4.6
    page = _page(app, "vol@county.test").get("/t/county/me/hours").get_data(as_text=True)
    cells = re.findall(r'data-label="服务时长（小时）">([^<]*)<', page)
    assert sorted(cells) == ["1.8", "2.8"] and '<div class="n">4.6</div>' in page
    assert "服务内容" in page and ">操作<" not in page   # the column says what it holds
    cert = client.post(f"{BASE}/me/certificates", json={"period_start": clock.day(-30), "period_end": clock.day()},
                       headers=county["vol"]).get_json()
    assert client.get(f"{BASE}/me/certificates/{cert['id']}", headers=county["vol"]).get_json()["hours"] == 4.6


def test_my_activities_split_coming_up_and_past_with_attendance(app, client, county, make_activity, clock,
                                                                time_machine):
    soon = make_activity(title="周六义诊", starts_at=clock.iso(days=+2, hour=9), ends_at=clock.iso(days=+2, hour=11))
    done = make_activity(title="上周助老", starts_at=clock.iso(hours=+1), ends_at=clock.iso(hours=+3))
    for a in (soon, done):
        assert client.post(f"{BASE}/activities/{a['id']}/signups", json={}, headers=county["vol"]).status_code == 201
    came, left = clock.iso(hours=+1), clock.iso(hours=+3)
    time_machine.move_to(clock.at(hours=+4), tick=True)
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    r = client.put(f"{BASE}/activities/{done['id']}/attendance/{me}", headers=county["leader"],
                   json={"checked_in_at": came, "checked_out_at": left,
                         "reason": "纸质签到表补录"})
    assert r.status_code == 200, r.get_json()
    client.post(f"{BASE}/activities/{done['id']}/complete", json={}, headers=county["leader"])
    html = _page(app, "vol@county.test").get("/t/county/me/activities").get_data(as_text=True)
    upcoming, past = html.split('id="upcoming"')[1].split('id="past"')
    assert "周六义诊" in upcoming and "上周助老" not in upcoming and "你已报名" in upcoming
    assert "上周助老" in past and "已参加" in past and "2 小时" in past
    detail = _page(app, "vol@county.test").get(f"/t/county/activities/{done['id']}").get_data(as_text=True)
    state = re.search(r'id="my-state">([^<]*)<', detail).group(1)
    assert state.startswith("你参加了这次活动") and "2 小时" in state and "报名成功" not in detail
    assert "取消报名" not in detail


def test_the_front_door_lists_tenants_and_the_verify_page_is_not_the_console(app, client, make_tenant):
    make_tenant("county")
    make_tenant("uni", kind="university")
    visitor = app.test_client()
    door = visitor.get("/")
    html = door.get_data(as_text=True)
    assert door.status_code == 200 and 'href="/t/county/"' in html and 'href="/t/uni/"' in html
    assert "运营后台" not in html and "选择你所在的志愿服务平台" in html
    assert 'href="/t/uni/"' in visitor.get("/?q=uni").get_data(as_text=True)   # names are "Tenant <slug>"
    assert 'href="/t/county/"' not in visitor.get("/?q=uni").get_data(as_text=True)
    assert visitor.get("/verify/nope").status_code == 404 and "运营后台" not in visitor.get("/verify/nope").get_data(
        as_text=True)
    from yinghuo.extensions import db
    from yinghuo.people.auth import hash_password
    from yinghuo.people.models import Account
    with app.app_context():
        db.session.add(Account(email="op@yinghuo.test", password_hash=hash_password("Operat0r!x"), is_operator=True))
        db.session.commit()
    visitor.post("/login", data={"login": "op@yinghuo.test", "password": "Operat0r!x"})
    assert visitor.get("/").headers["Location"].endswith("/console/tenants")   # operators go to the console
