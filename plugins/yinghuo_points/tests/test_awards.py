"""Published items and awards under public notice: an award credits only after its notice
period, not at all when an objection is upheld; a dismissed objection lets it credit; who
may award is the item's; evidence is required where the item says."""
import base64
from .conftest import BASE, adjust, balance, post, set_points

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def items(client, village):
    toilet = post(client, "/items", village["admin"], name="打扫村公厕", points=5, category="环境卫生")
    duty = post(client, "/items", village["admin"], name="卡点值守", points=10, category="平安建设", evidence="photo")
    rules = post(client, "/items", village["admin"], name="违反村规民约", points=-8, category="村规民约",
                 awarded_by="admin", evidence="note")
    return {"toilet": toilet["id"], "duty": duty["id"], "rules": rules["id"]}


def test_an_award_credits_only_after_its_notice_period(client, village, clock, time_machine, run_periodic_jobs):
    it = items(client, village)
    award = post(client, "/awards", village["clerk"], item_id=it["toilet"], member_id=village["ids"]["granny"],
                 note="十一月打扫四次")
    assert award["status"] == "notice" and award["unit_id"] == village["units"]["nanhu"]
    board = client.get(f"{BASE}/notice/{village['units']['nanhu']}").get_json()
    assert [(r["item"], r["who"], r["points"]) for r in board] == [("打扫村公厕", "王**", 5)]
    assert client.get(f"{BASE}/notice/{village['units']['beitang']}").get_json() == []
    time_machine.move_to(clock.at(days=2, hours=23), tick=True)
    run_periodic_jobs("points")
    assert balance(client, village) == 0                                      # still on notice
    time_machine.move_to(clock.at(hours=2), tick=True)
    run_periodic_jobs("points")
    run_periodic_jobs("points")                                               # twice: credits once
    assert balance(client, village) == 5
    board = client.get(f"{BASE}/notice/{village['units']['nanhu']}").get_json()
    assert board[0]["status"] == "credited"
    assert client.get(f"{BASE}/check", headers=village["admin"]).get_json()["ok"] is True


def test_an_upheld_objection_means_the_award_never_credits(client, village, clock, time_machine, run_periodic_jobs):
    it = items(client, village)
    award = post(client, "/awards", village["clerk"], item_id=it["toilet"], member_id=village["ids"]["granny"])
    objection = post(client, f"/awards/{award['id']}/objections", {}, name="李大爷", reason="那天打扫的是我")
    assert client.get(f"{BASE}/notice/{village['units']['nanhu']}").get_json()[0]["status"] == "held"
    time_machine.move_to(clock.at(days=5), tick=True)
    run_periodic_jobs("points")
    assert balance(client, village) == 0                                      # held: not credited
    assert [o["id"] for o in client.get(f"{BASE}/objections", headers=village["admin"]).get_json()] == [
        objection["id"]]
    r = client.post(f"{BASE}/objections/{objection['id']}/decision", headers=village["clerk"],
                    json={"uphold": True, "note": "核实属实"})
    assert r.status_code == 403                                               # the admin decides
    post(client, f"/objections/{objection['id']}/decision", village["admin"], status=200, uphold=True,
         note="核实属实，另行登记")
    run_periodic_jobs("points")
    assert balance(client, village) == 0
    assert client.get(f"{BASE}/notice/{village['units']['nanhu']}").get_json()[0]["status"] == "cancelled"
    post(client, f"/awards/{award['id']}/objections", {}, status=409, name="张三", reason="再提")


def test_a_dismissed_objection_lets_the_award_credit(client, village, clock, time_machine, run_periodic_jobs):
    it = items(client, village)
    award = post(client, "/awards", village["clerk"], item_id=it["toilet"], member_id=village["ids"]["granny"])
    first = post(client, f"/awards/{award['id']}/objections", {}, name="甲", reason="不属实")
    second = post(client, f"/awards/{award['id']}/objections", {}, name="乙", reason="不属实")
    time_machine.move_to(clock.at(days=4), tick=True)
    post(client, f"/objections/{first['id']}/decision", village["admin"], status=200, uphold=False, note="已核实")
    assert balance(client, village) == 0                                      # the other still holds it
    post(client, f"/objections/{second['id']}/decision", village["admin"], status=200, uphold=False, note="已核实")
    assert balance(client, village) == 5                                      # its notice was over: at once


def test_who_may_award_and_what_evidence_the_item_says(app, client, village):
    it = items(client, village)
    granny = village["ids"]["granny"]
    r = client.post(f"{BASE}/awards", headers={**village["clerk"], "Idempotency-Key": "x1"},
                    json={"item_id": it["rules"], "member_id": granny, "note": "乱倒垃圾"})
    assert r.status_code == 403                                               # a deduction item is the admin's
    r = client.post(f"{BASE}/awards", headers={**village["clerk"], "Idempotency-Key": "x2"},
                    json={"item_id": it["duty"], "member_id": granny, "note": "夜班"})
    assert r.status_code == 422 and "photo" in r.get_json()["error"]["fields"]
    r = client.post(f"{BASE}/awards", headers={**village["clerk"], "Idempotency-Key": "x3"},
                    json={"item_id": it["duty"], "member_id": granny, "note": "夜班", "photo": "%%%"})
    assert r.status_code == 422 and "photo" in r.get_json()["error"]["fields"]
    with_photo = post(client, "/awards", village["clerk"], item_id=it["duty"], member_id=granny, note="夜班",
                      photo=base64.b64encode(PNG).decode())
    assert client.get(f"/t/village/points/awards/{with_photo['id']}/photo").status_code in (302, 401, 403)
    from .test_pages import page_for
    seen = page_for(app, "clerk@village.test").get(f"/t/village/points/awards/{with_photo['id']}/photo")
    assert seen.status_code == 200 and seen.mimetype == "image/png" and seen.data == PNG
    r = client.post(f"{BASE}/awards", headers={**village["granny"], "Idempotency-Key": "x4"},
                    json={"item_id": it["toilet"], "member_id": granny})
    assert r.status_code == 403                                               # not herself
    r = client.post(f"{BASE}/awards", headers={**village["clerk"], "Idempotency-Key": "x5"},
                    json={"item_id": it["toilet"]})
    assert r.status_code == 422 and "member_id" in r.get_json()["error"]["fields"]


def test_a_deduction_is_refused_below_zero_unless_allowed(client, village, operator):
    set_points(client, operator, notice_days=0)
    it = items(client, village)
    adjust(client, village, 5)
    r = client.post(f"{BASE}/awards", headers={**village["admin"], "Idempotency-Key": "d1"},
                    json={"item_id": it["rules"], "member_id": village["ids"]["granny"], "note": "乱倒垃圾"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "insufficient_points"
    assert balance(client, village) == 5
    set_points(client, operator, notice_days=0, allow_negative=True)
    award = post(client, "/awards", village["admin"], item_id=it["rules"], member_id=village["ids"]["granny"],
                 note="乱倒垃圾")
    assert award["status"] == "credited" and balance(client, village) == -3


def test_the_same_award_request_twice_awards_once(client, village, operator):
    set_points(client, operator, notice_days=0)
    it = items(client, village)
    first = post(client, "/awards", village["clerk"], key="same", item_id=it["toilet"],
                 member_id=village["ids"]["granny"])
    again = post(client, "/awards", village["clerk"], key="same", item_id=it["toilet"],
                 member_id=village["ids"]["granny"])
    assert again == first and balance(client, village) == 5


def test_a_retired_item_cannot_be_awarded_and_leaves_the_list(client, village):
    it = items(client, village)
    post(client, f"/items/{it['toilet']}/retire", village["admin"], status=200)
    assert "打扫村公厕" not in [i["name"] for i in client.get(f"{BASE}/items").get_json()]
    r = client.post(f"{BASE}/awards", headers={**village["clerk"], "Idempotency-Key": "r1"},
                    json={"item_id": it["toilet"], "member_id": village["ids"]["granny"]})
    assert r.status_code == 422 and "item_id" in r.get_json()["error"]["fields"]
