"""Notifications: inbox messages for sign-ups, waitlist, promotion, cancellation and hours;
read state; English on request; email over SMTP; a plugin's SMS channel."""
from yinghuo.testing import as_operator
import socketserver
import threading

import pytest

from yinghuo.testing import sample_plugin

BASE = "/t/county/api/v1"


def _inbox(client, headers, lang=""):
    return client.get(f"{BASE}/me/notifications{lang}", headers=headers).get_json()


def test_signup_and_cancel_arrive_in_the_inbox_in_chinese(client, county, make_activity):
    a = make_activity(title="敬老院陪伴")
    client.post(f"{BASE}/activities/{a['id']}/signups", json={}, headers=county["vol"])
    client.delete(f"{BASE}/activities/{a['id']}/signups/me", headers=county["vol"])
    inbox = _inbox(client, county["vol"])
    assert inbox["unread"] == 2
    assert [i["title"] for i in inbox["items"]] == ["已取消报名", "报名成功"]
    assert "敬老院陪伴" in inbox["items"][1]["body"]


def test_waitlist_and_promotion_messages(client, county, make_activity, make_member, login):
    a = make_activity(capacity=1)
    make_member("county", "second@county.test")
    second = login("county", "second@county.test")
    client.post(f"{BASE}/activities/{a['id']}/signups", json={}, headers=county["vol"])
    client.post(f"{BASE}/activities/{a['id']}/signups", json={}, headers=second)
    assert "候补第 1 位" in _inbox(client, second)["items"][0]["body"]
    client.delete(f"{BASE}/activities/{a['id']}/signups/me", headers=county["vol"])
    assert _inbox(client, second)["items"][0]["title"] == "候补转正"


def test_cancelled_activity_tells_everyone_signed_up(client, county, make_activity):
    a = make_activity(title="露天电影")
    client.post(f"{BASE}/activities/{a['id']}/signups", json={}, headers=county["vol"])
    client.post(f"{BASE}/activities/{a['id']}/cancel", json={"reason": "暴雨预警"}, headers=county["leader"])
    top = _inbox(client, county["vol"])["items"][0]
    assert top["title"] == "活动已取消" and "暴雨预警" in top["body"]


def test_hours_decisions_are_notified(client, county, clock):
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    ids = []
    for _ in range(2):
        r = client.post(f"{BASE}/hours", json={"member_id": me, "minutes": 90, "served_on": clock.day(),
                                               "content": "政策宣讲", "note": "村委会记录"}, headers=county["leader"])
        ids.append(r.get_json()["id"])
    client.post(f"{BASE}/hours/{ids[0]}/approve", json={}, headers=county["admin"])
    client.post(f"{BASE}/hours/{ids[1]}/reject", json={"reason": "重复登记"}, headers=county["admin"])
    titles = [i["title"] for i in _inbox(client, county["vol"])["items"]]
    assert titles == ["服务时长未通过", "服务时长已审核通过"]


def test_read_one_and_all_and_only_your_own(client, county, make_activity):
    a = make_activity()
    client.post(f"{BASE}/activities/{a['id']}/signups", json={}, headers=county["vol"])
    client.delete(f"{BASE}/activities/{a['id']}/signups/me", headers=county["vol"])
    items = _inbox(client, county["vol"])["items"]
    assert client.post(f"{BASE}/me/notifications/{items[0]['id']}/read", headers=county["leader"]).status_code == 404
    client.post(f"{BASE}/me/notifications/{items[0]['id']}/read", headers=county["vol"])
    assert _inbox(client, county["vol"])["unread"] == 1
    assert client.post(f"{BASE}/me/notifications/read-all", headers=county["vol"]).get_json() == {"marked": 1}


def test_english_on_request(client, county, make_activity):
    a = make_activity()
    client.post(f"{BASE}/activities/{a['id']}/signups", json={}, headers=county["vol"])
    assert _inbox(client, county["vol"], "?lang=en")["items"][0]["title"] == "Signed up"


class _SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP to accept one message and keep it."""

    def handle(self):
        self.wfile.write(b"220 sink\r\n")
        while line := self.rfile.readline():
            cmd = line.strip().upper()
            if cmd == b"DATA":
                self.wfile.write(b"354 go\r\n")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.server.messages.append(data)
                self.wfile.write(b"250 ok\r\n")
            elif cmd == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            elif cmd.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 sink\r\n")
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp(app):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpSink)
    server.messages = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config["YINGHUO_SMTP_URL"] = f"smtp://127.0.0.1:{server.server_address[1]}"
    yield server.messages
    app.config["YINGHUO_SMTP_URL"] = None
    server.shutdown()


def test_email_is_sent_after_commit_when_smtp_is_configured(client, county, make_activity, smtp):
    a = make_activity(title="义诊")
    client.post(f"{BASE}/activities/{a['id']}/signups", json={}, headers=county["vol"])
    assert len(smtp) == 1
    import email
    message = email.message_from_bytes(smtp[0])
    assert message["To"] == "vol@county.test"
    assert "报名成功" in str(email.header.make_header(email.header.decode_header(message["Subject"])))


def _grandma_with_phone(app, people):
    from yinghuo.db.context import tenant_scope
    from yinghuo.extensions import db
    from yinghuo.people.models import Member
    from yinghuo.tenancy.services import get_tenant
    [grandma] = people(1, prefix="张奶奶")
    with app.app_context():
        tid = get_tenant("county").id
        with tenant_scope(tid):
            db.session.get(Member, (tid, grandma)).phone = "13900001111"
            db.session.commit()
    return grandma


def test_hook_notification_channels_deliver_only_where_enabled(app, client, county, make_activity, people):
    from yinghuo.extensions import db
    from yinghuo.tenancy import services
    sample_plugin.SMS_SENT.clear()
    grandma = _grandma_with_phone(app, people)
    first = make_activity(title="健康讲座")
    client.post(f"{BASE}/activities/{first['id']}/signups", json={"member_id": grandma}, headers=county["leader"])
    assert sample_plugin.SMS_SENT == []  # plugin not enabled here: its channel is not used
    with as_operator(app):
        services.enable_plugin(services.get_tenant("county"), "sample")
        db.session.commit()
    second = make_activity(title="义剪")
    client.post(f"{BASE}/activities/{second['id']}/signups", json={"member_id": grandma}, headers=county["leader"])
    [(phone, text)] = sample_plugin.SMS_SENT
    assert phone == "13900001111" and text.startswith("报名成功：您已报名「义剪」")
