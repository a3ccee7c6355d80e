"""Finding an activity: search by title, a day, "joined" marks; the menu's unread badge."""
import re
from datetime import timedelta

from yinghuo.testing import CHINA

from .conftest import iso

BASE = "/t/county/api/v1"


def _vol(app):
    page = app.test_client()
    page.post("/t/county/login", data={"login": "vol@county.test", "password": "Passw0rd!x"})
    return page


def test_the_list_searches_by_title_and_day_and_marks_what_i_joined(app, client, county, make_activity, now):
    joined = make_activity(title="敬老院陪伴", starts_at=iso(now + timedelta(days=2)),
                           ends_at=iso(now + timedelta(days=2, hours=2)))
    make_activity(title="科普讲座", starts_at=iso(now + timedelta(days=5)), ends_at=iso(now + timedelta(days=5, hours=2)))
    client.post(f"{BASE}/activities/{joined['id']}/signups", json={}, headers=county["vol"])
    page = _vol(app)
    listing = page.get("/t/county/activities").get_data(as_text=True)
    assert re.search(r"敬老院陪伴 <span class=\"badge ok\">已报名</span>", listing) and "科普讲座" in listing
    assert "科普讲座 <span" not in listing
    found = page.get("/t/county/activities?q=科普").get_data(as_text=True)
    assert "科普讲座" in found and "敬老院陪伴" not in found
    day = (now + timedelta(days=2)).astimezone(CHINA).date()   # the date field is China's date
    on_day = page.get(f"/t/county/activities?day={day}").get_data(as_text=True)
    assert "敬老院陪伴" in on_day and "科普讲座" not in on_day
    assert page.get("/t/county/activities?day=not-a-date").status_code == 200


def test_the_menu_shows_unread_messages(app, client, county, make_activity):
    a = make_activity()
    page = _vol(app)
    assert 'class="badge"' not in page.get("/t/county/").get_data(as_text=True)
    client.post(f"{BASE}/activities/{a['id']}/signups", json={}, headers=county["vol"])   # "signed up" notice
    home = page.get("/t/county/").get_data(as_text=True)
    assert re.search(r'消息 <span class="badge" aria-label="1 未读">1</span>', home)
    inbox = page.get("/t/county/me/notifications").get_data(as_text=True)
    assert f'href="/t/county/activities/{a["id"]}"' in inbox   # the message leads to its activity
    page.post("/t/county/me/notifications")   # mark all read
    assert 'class="badge"' not in page.get("/t/county/").get_data(as_text=True)
