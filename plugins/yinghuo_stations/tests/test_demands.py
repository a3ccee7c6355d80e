"""The demand loop: submit -> dispatch -> accept or decline -> serve -> done -> rated;
escalation by hand and by timeout; illegal steps 409; concurrent dispatch resolved once;
lookup by receipt and phone; each level sees its own subtree."""
import threading

import pytest

from .conftest import BASE, act, ask


def test_the_whole_loop_with_a_decline_and_an_escalation(client, county):
    d = ask(client, county)
    assert d["status"] == "new" and d["level_unit_id"] == county["units"]["s1"] and d["receipt"]
    refused = act(client, d["id"], "dispatch", county["admin"], status=422, team_unit_id=county["units"]["east_team"])
    assert "team_unit_id" in refused["error"]["fields"]                       # not a team of the station
    act(client, d["id"], "escalate", county["s1"], status=422)                 # a reason is required
    up = act(client, d["id"], "escalate", county["s1"], note="本站没有保洁队伍")
    assert up["level_unit_id"] == county["units"]["east"] and up["status"] == "new"
    sent = act(client, d["id"], "dispatch", county["east"], team_unit_id=county["units"]["east_team"])
    assert sent["status"] == "dispatched" and sent["due_at"]
    back = act(client, d["id"], "decline", county["lead"], note="本周人手不足")
    assert back["status"] == "new" and back["team_unit_id"] is None
    act(client, d["id"], "dispatch", county["east"], team_unit_id=county["units"]["east_team"])
    act(client, d["id"], "accept", county["lead"])
    act(client, d["id"], "start", county["lead"])
    act(client, d["id"], "finish", county["lead"], status=422)                 # say what was done
    done = act(client, d["id"], "finish", county["lead"], note="上门打扫两小时")
    assert done["status"] == "done" and done["record"] == "上门打扫两小时"
    rated = client.post(f"{BASE}/lookup/rate", json={"receipt": d["receipt"], "phone_tail": "5678", "rating": 5,
                                                    "comment": "很满意"}).get_json()
    assert rated["status"] == "rated" and rated["rating"] == 5
    steps = client.get(f"{BASE}/demands/{d['id']}/timeline", headers=county["admin"]).get_json()
    assert [s["action"] for s in steps] == ["submit", "escalate", "dispatch", "decline", "dispatch", "accept",
                                             "start", "finish", "rate"]


def test_illegal_steps_are_409_with_a_chinese_message_on_the_page(app, client, county):
    d = ask(client, county)
    assert act(client, d["id"], "accept", county["admin"], status=409)["error"]["code"] == "bad_transition"
    act(client, d["id"], "finish", county["admin"], status=409, note="x")
    page = app.test_client()
    page.post("/t/county/login", data={"login": "admin@county.test", "password": "Passw0rd!x"})
    r = page.post(f"/t/county/stations/demands/{d['id']}", data={"action": "accept"})
    html = r.get_data(as_text=True)
    assert r.status_code == 409, html[-800:]
    assert "这个需求等待派单，现在不能接单" in html


def test_two_dispatchers_at_once_one_wins(app, client, county):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("real concurrency needs PostgreSQL")
    d = ask(client, county, station="s1")
    act(client, d["id"], "escalate", county["s1"], note="上报")
    barrier, codes = threading.Barrier(2), []

    def dispatch(headers, team):
        c = app.test_client()
        barrier.wait()
        codes.append(c.post(f"{BASE}/demands/{d['id']}/dispatch", json={"team_unit_id": team},
                            headers=headers).status_code)
    threads = [threading.Thread(target=dispatch, args=(h, county["units"]["east_team"]))
               for h in (county["east"], county["admin"])]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(codes) == [200, 409]
    steps = client.get(f"{BASE}/demands/{d['id']}/timeline", headers=county["admin"]).get_json()
    assert [s["action"] for s in steps].count("dispatch") == 1


def test_nothing_accepted_in_time_goes_up_a_level_and_overdue_is_told_once(client, county, time_machine,
                                                                          run_periodic_jobs, clock):
    d = ask(client, county)
    act(client, d["id"], "escalate", county["s1"], note="上报")
    act(client, d["id"], "dispatch", county["east"], team_unit_id=county["units"]["east_team"])
    other = ask(client, county, station="s2", contact_phone="13900001111")
    run_periodic_jobs("stations")
    assert client.get(f"{BASE}/demands/{d['id']}", headers=county["admin"]).get_json()["status"] == "dispatched"
    time_machine.move_to(clock.at(hours=+25), tick=True)                      # past the 24 h limits
    for _ in range(2):
        run_periodic_jobs("stations")
    moved = client.get(f"{BASE}/demands/{d['id']}", headers=county["admin"]).get_json()
    assert moved["status"] == "new" and moved["level_unit_id"] == county["units"]["centre"]
    assert moved["team_unit_id"] is None
    overdue = client.get(f"{BASE}/demands?overdue=true", headers=county["east"]).get_json()
    assert [o["id"] for o in overdue] == [other["id"]]                         # the east institute's subtree
    told = client.get("/t/county/api/v1/me/notifications", headers=county["east"]).get_json()["items"]
    assert len([n for n in told if n["title"] == "需求已超时"]) == 1


def test_lookup_needs_the_phone_suffix_and_shows_no_staff(client, county):
    d = ask(client, county)
    wrong = client.post(f"{BASE}/lookup", json={"receipt": d["receipt"], "phone_tail": "0000"})
    assert wrong.status_code == 404
    seen = client.post(f"{BASE}/lookup", json={"receipt": d["receipt"], "phone_tail": "5678"}).get_json()
    assert seen["status"] == "new" and "contact_phone" not in seen and seen["steps"][0]["action"] == "submit"


def test_each_level_sees_its_own_subtree(app, client, county):
    east = ask(client, county, station="s1")
    west = ask(client, county, station="s3", contact_phone="13900002222")
    assert {d["id"] for d in client.get(f"{BASE}/demands", headers=county["admin"]).get_json()} == {east["id"],
                                                                                                 west["id"]}
    assert [d["id"] for d in client.get(f"{BASE}/demands", headers=county["east"]).get_json()] == [east["id"]]
    assert [d["id"] for d in client.get(f"{BASE}/demands", headers=county["s1"]).get_json()] == [east["id"]]
    assert client.get(f"{BASE}/demands/{west['id']}", headers=county["s1"]).status_code == 404
    page = app.test_client()
    page.post("/t/county/login", data={"login": "s1@county.test", "password": "Passw0rd!x"})
    hidden = page.get(f"/t/county/stations/demands/{west['id']}")
    assert hidden.status_code == 404 and "没有这个需求" in hidden.get_data(as_text=True)   # in Chinese, not English
    act(client, west["id"], "escalate", county["east"], status=403, note="不是我们的")


def test_a_paper_slip_entered_by_a_clerk_keeps_channel_serial_and_photo(app, client, county):
    page = app.test_client()
    page.post("/t/county/login", data={"login": "s1@county.test", "password": "Passw0rd!x"})
    form = page.get(f"/t/county/stations/intake?station={county['units']['s1']}&serial=SLIP-0042").get_data(
        as_text=True)
    assert 'value="SLIP-0042"' in form and '<option value="letterbox" selected' in form
    import io
    r = page.post("/t/county/stations/intake", content_type="multipart/form-data", data={
        "station_id": county["units"]["s1"], "channel": "letterbox", "slip_serial": "SLIP-0042",
        "category": "维修帮扶", "need": "屋顶漏雨", "contact_name": "李大爷", "contact_phone": "13700001234",
        "photo": (io.BytesIO(b"\xff\xd8\xff\xe0" + b"\0" * 64), "slip.jpg")})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="receipt"' in html and "0471-1234567" in html
    [d] = client.get(f"{BASE}/demands", headers=county["s1"]).get_json()
    assert d["channel"] == "letterbox" and d["slip_serial"] == "SLIP-0042"
    steps = client.get(f"{BASE}/demands/{d['id']}/timeline", headers=county["s1"]).get_json()
    assert steps[0]["note"] == "letterbox"
    shown = page.get(f"/t/county/stations/demands/{d['id']}").get_data(as_text=True)
    assert 'id="slip-photo"' in shown
    photo = page.get(f"/t/county/stations/demands/{d['id']}/slip")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg" and photo.data.startswith(b"\xff\xd8")
    outsider = app.test_client()
    outsider.post("/t/county/login", data={"login": "corps@county.test", "password": "Passw0rd!x"})
    assert outsider.get(f"/t/county/stations/demands/{d['id']}/slip").status_code == 404


def test_a_repeat_request_is_flagged_not_refused(client, county):
    first = ask(client, county)
    again = ask(client, county, need="还是打扫的事")
    assert again["duplicate_of"] == first["id"] and again["status"] == "new"
    other = ask(client, county, category="医疗健康")
    assert other["duplicate_of"] is None


def test_a_resident_asks_on_a_page_and_gets_a_receipt(app, county):
    visitor = app.test_client()
    form = visitor.get("/t/county/stations/ask").get_data(as_text=True)
    assert "东关村实践站" in form and "生活照料" in form
    bad = visitor.post("/t/county/stations/ask", data={"station_id": county["units"]["s1"], "category": "生活照料",
                                                        "need": "打扫", "contact_name": "王奶奶", "contact_phone": "139"})
    assert bad.status_code == 422 and 'value="王奶奶"' in bad.get_data(as_text=True)
    ok = visitor.post("/t/county/stations/ask", data={"station_id": county["units"]["s1"], "category": "生活照料",
                                                       "need": "打扫", "contact_name": "王奶奶",
                                                       "contact_phone": "13912345678"})
    assert 'class="big-number"' in ok.get_data(as_text=True)


def test_the_board_lists_what_its_schema_says_without_the_residents_phone(client, county):
    """The board's fast path (rows straight to JSON) gives what BoardRowSchema would."""
    from yinghuo_stations.demands.schemas import BoardRowSchema
    d = ask(client, county)
    [row] = client.get(f"{BASE}/demands", headers=county["admin"]).get_json()
    detail = client.get(f"{BASE}/demands/{d['id']}", headers=county["admin"]).get_json()
    assert set(row) == set(BoardRowSchema().fields) and "contact_phone" not in row
    assert row == {k: detail[k] for k in row}


def test_a_submission_answers_what_its_schema_says(client, county):
    """The submission's fast path (the demand straight to JSON) gives what DemandSchema would."""
    d = ask(client, county)
    detail = client.get(f"{BASE}/demands/{d['id']}", headers=county["admin"]).get_json()
    assert d == detail


def test_a_signed_in_resident_sees_and_rates_their_own_requests(app, client, county, make_member, login):
    make_member("county", "granny@county.test", name="王奶奶", roles=["volunteer"])
    make_member("county", "other@county.test", name="李四", roles=["volunteer"])
    me, other = login("county", "granny@county.test"), login("county", "other@county.test")
    body = {"station_id": county["units"]["s1"], "category": "生活照料", "need": "需要代买药品",
            "contact_name": "王奶奶", "contact_phone": "13912340000"}
    d = client.post(f"{BASE}/demands", json=body, headers=me).get_json()
    ask(client, county)                                                        # someone else's, not signed in
    assert [x["receipt"] for x in client.get(f"{BASE}/demands/mine", headers=me).get_json()] == [d["receipt"]]
    assert client.get(f"{BASE}/demands/mine", headers=other).get_json() == []
    act(client, d["id"], "escalate", county["s1"], note="上报")
    act(client, d["id"], "dispatch", county["east"], team_unit_id=county["units"]["east_team"])
    act(client, d["id"], "accept", county["lead"])
    act(client, d["id"], "finish", county["lead"], note="已送药上门")
    assert client.post(f"{BASE}/demands/{d['id']}/my-rating", json={"rating": 5},
                       headers=other).status_code == 404                       # not theirs
    page = app.test_client()
    page.post("/t/county/login", data={"login": "granny@county.test", "password": "Passw0rd!x"})
    html = page.get("/t/county/stations/mine").get_data(as_text=True)
    assert "我的求助" in html and "已送药上门" in html
    assert page.post("/t/county/stations/mine", data={"demand_id": d["id"], "rating": "4"}).status_code == 302
    [mine] = client.get(f"{BASE}/demands/mine", headers=me).get_json()
    assert (mine["status"], mine["rating"]) == ("rated", 4)
