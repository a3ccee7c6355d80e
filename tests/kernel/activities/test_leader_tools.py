"""A leader's tools around an activity: the day-before reminder (a job, sent once), the
printable sign-in sheet (PDF with the roster and blank signature column), and a message to
the roster."""
import shutil
import subprocess
from datetime import timedelta

from .conftest import iso

BASE = "/t/county/api/v1"


def _inbox(client, headers):
    return client.get(f"{BASE}/me/notifications", headers=headers).get_json()["items"]


def test_the_day_before_reminder_goes_out_once_to_those_with_a_place(client, county, make_activity, now,
                                                                     run_periodic_jobs):
    tomorrow = make_activity(title="明天的义诊", address="东关村卫生室", starts_at=iso(now + timedelta(hours=20)),
                             ends_at=iso(now + timedelta(hours=22)))
    later = make_activity(title="下周的讲座", starts_at=iso(now + timedelta(days=6)),
                          ends_at=iso(now + timedelta(days=6, hours=2)))
    for a in (tomorrow, later):
        assert client.post(f"{BASE}/activities/{a['id']}/signups", json={}, headers=county["vol"]).status_code == 201
    before = len(_inbox(client, county["vol"]))
    for _ in range(2):   # the hourly job runs again: nobody hears twice
        ran = run_periodic_jobs("core")
        assert any(ran.values())
    reminders = [n for n in _inbox(client, county["vol"]) if n["title"].startswith("明天")]
    assert len(_inbox(client, county["vol"])) == before + 1 and len(reminders) == 1
    assert reminders[0]["title"] == "明天：明天的义诊" and "东关村卫生室" in reminders[0]["body"]
    assert reminders[0]["link"].endswith(f"/activities/{tomorrow['id']}")


def test_the_sign_in_sheet_is_a_pdf_with_the_roster_in_chinese(app, client, county, make_activity, people, tmp_path):
    a = make_activity(title="入户走访", address="西河村")
    [grandma] = people(1, prefix="王奶奶")
    client.post(f"{BASE}/activities/{a['id']}/signups", json={"member_id": grandma}, headers=county["leader"])
    client.post(f"{BASE}/activities/{a['id']}/signups", json={}, headers=county["vol"])
    leader = app.test_client()
    leader.post("/t/county/login", data={"login": "lead@county.test", "password": "Passw0rd!x"})
    assert 'id="sheet"' in leader.get(f"/t/county/activities/{a['id']}/onsite").get_data(as_text=True)
    pdf = leader.get(f"/t/county/activities/{a['id']}/sign-in-sheet.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf.data)
    assert shutil.which("pdftotext"), "install poppler-utils"
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("入户走访 · 签到表", "西河村", "王奶奶0", "志愿者甲", "签名", "签退时间"):
        assert expected in text, expected
    volunteer = app.test_client()
    volunteer.post("/t/county/login", data={"login": "vol@county.test", "password": "Passw0rd!x"})
    assert volunteer.get(f"/t/county/activities/{a['id']}/sign-in-sheet.pdf").status_code == 403


def test_a_leader_messages_the_roster(app, client, county, make_activity):
    a = make_activity(title="周末助老", capacity=1)
    client.post(f"{BASE}/activities/{a['id']}/signups", json={}, headers=county["vol"])
    leader = app.test_client()
    leader.post("/t/county/login", data={"login": "lead@county.test", "password": "Passw0rd!x"})
    empty = leader.post(f"/t/county/activities/{a['id']}/message", data={"text": " "}, follow_redirects=True)
    assert "请填写消息内容" in empty.get_data(as_text=True)
    sent = leader.post(f"/t/county/activities/{a['id']}/message", data={"text": "集合地点改到村委会门口，100% 准时"},
                       follow_redirects=True)
    assert "已发给 1 人" in sent.get_data(as_text=True)
    [message] = [n for n in _inbox(client, county["vol"]) if n["title"].startswith("关于")]
    assert message["title"] == "关于“周末助老”" and message["body"] == "集合地点改到村委会门口，100% 准时"
