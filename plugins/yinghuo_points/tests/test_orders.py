"""Redemption: points and stock reserved together, a pickup code the clerk hands over by,
expiry giving both back, monthly limits, idempotency keys, and a burst of concurrent
orders that never drives a balance or a stock below zero."""
import threading

import pytest

from .conftest import BASE, adjust, balance, goods, post


def order(client, headers, shop, good="rice", quantity=1, status=201, key=None, **extra):
    return post(client, "/orders", headers, status=status, key=key, shop_id=shop["id"],
                lines=[{"good_id": shop[good], "quantity": quantity}], **extra)


def test_an_order_reserves_points_and_stock_and_is_handed_over_by_code(client, village, shop):
    adjust(client, village, 100)
    placed = order(client, village["granny"], shop, quantity=2)
    assert placed["status"] == "reserved" and placed["points"] == 60 and len(placed["code"]) == 8
    assert balance(client, village) == 40 and goods(client, shop["id"])["大米 5 斤"] == 3
    r = client.post(f"{BASE}/orders/handover", json={"code": placed["code"]}, headers=village["granny"])
    assert r.status_code == 403                                               # the clerk hands over
    r = client.post(f"{BASE}/orders/handover", json={"code": "1234 5678"}, headers=village["clerk"])
    assert r.status_code == 404 and "code" in r.get_json()["error"]["fields"]
    code = f"{placed['code'][:4]} {placed['code'][4:]}"                      # as printed, with its space
    handed = client.post(f"{BASE}/orders/handover", json={"code": code}, headers=village["clerk"])
    assert handed.status_code == 200 and handed.get_json()["status"] == "picked_up"
    again = client.post(f"{BASE}/orders/handover", json={"code": placed["code"]}, headers=village["clerk"])
    assert again.status_code == 409
    assert client.get(f"{BASE}/check", headers=village["admin"]).get_json()["ok"] is True


def test_a_replayed_order_changes_nothing_and_answers_the_first_order(client, village, shop):
    adjust(client, village, 100)
    first = order(client, village["granny"], shop, key="o-1")
    again = order(client, village["granny"], shop, key="o-1")
    assert again == first
    assert balance(client, village) == 70 and goods(client, shop["id"])["大米 5 斤"] == 4


def test_not_enough_points_or_stock_writes_nothing(client, village, shop):
    adjust(client, village, 50)
    r = client.post(f"{BASE}/orders", headers={**village["granny"], "Idempotency-Key": "a"},
                    json={"shop_id": shop["id"], "lines": [{"good_id": shop["rice"], "quantity": 2}]})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "insufficient_points"
    assert balance(client, village) == 50 and goods(client, shop["id"])["大米 5 斤"] == 5
    adjust(client, village, 500)
    r = client.post(f"{BASE}/orders", headers={**village["granny"], "Idempotency-Key": "b"},
                    json={"shop_id": shop["id"], "lines": [{"good_id": shop["rice"], "quantity": 6}]})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "out_of_stock"
    assert balance(client, village) == 550 and goods(client, shop["id"])["大米 5 斤"] == 5
    r = client.post(f"{BASE}/orders", headers={**village["granny"], "Idempotency-Key": "c"},
                    json={"shop_id": shop["id"], "lines": []})
    assert r.status_code == 422 and "lines" in r.get_json()["error"]["fields"]
    assert client.get(f"{BASE}/orders/mine", headers=village["granny"]).get_json() == []


def test_an_order_not_picked_up_expires_and_gives_back_points_and_stock(client, village, shop, clock, time_machine,
                                                                        run_periodic_jobs):
    adjust(client, village, 100)
    placed = order(client, village["granny"], shop, quantity=3)
    time_machine.move_to(clock.at(hours=47), tick=True)
    run_periodic_jobs("points")
    assert balance(client, village) == 10
    time_machine.move_to(clock.at(hours=2), tick=True)
    run_periodic_jobs("points")
    run_periodic_jobs("points")
    assert balance(client, village) == 100 and goods(client, shop["id"])["大米 5 斤"] == 5
    mine = client.get(f"{BASE}/orders/{placed['id']}", headers=village["granny"]).get_json()
    assert mine["status"] == "expired"
    assert client.post(f"{BASE}/orders/handover", json={"code": placed["code"]},
                       headers=village["clerk"]).status_code == 409
    assert client.get(f"{BASE}/check", headers=village["admin"]).get_json()["ok"] is True


def test_a_cancelled_order_gives_back_and_only_its_people_may_see_it(client, village, shop):
    adjust(client, village, 100)
    placed = order(client, village["granny"], shop)
    assert client.get(f"{BASE}/orders/{placed['id']}", headers=village["uncle"]).status_code == 403
    assert client.post(f"{BASE}/orders/{placed['id']}/cancel", headers=village["uncle"]).status_code == 403
    r = client.post(f"{BASE}/orders/{placed['id']}/cancel", headers=village["granny"])
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    assert balance(client, village) == 100 and goods(client, shop["id"])["大米 5 斤"] == 5
    assert client.post(f"{BASE}/orders/{placed['id']}/cancel", headers=village["granny"]).status_code == 409


def test_the_monthly_limit_counts_a_person_or_a_household(client, village, shop):
    adjust(client, village, 100)
    adjust(client, village, 100, who="grandson")
    order(client, village["granny"], shop, good="soap", quantity=2)
    r = client.post(f"{BASE}/orders", headers={**village["granny"], "Idempotency-Key": "s3"},
                    json={"shop_id": shop["id"], "lines": [{"good_id": shop["soap"], "quantity": 1}]})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "monthly_limit"
    order(client, village["grandson"], shop, good="soap")                    # his own limit
    r = client.put(f"{BASE}/goods/{shop['soap']}", headers=village["admin"],
                   json={"name": "肥皂", "price": 5, "limit_per_month": 2, "limit_by": "household"})
    assert r.status_code == 200, r.get_json()
    post(client, "/households", village["admin"], name="王家", unit_id=village["units"]["nanhu"],
         head_member_id=village["ids"]["granny"], member_ids=[village["ids"]["grandson"]])
    order(client, village["grandson"], shop, good="soap", status=409)        # the household has had 3


def test_a_clerk_orders_at_the_counter_for_a_villager_but_a_villager_not_for_another(client, village, shop):
    adjust(client, village, 100)
    placed = order(client, village["clerk"], shop, member_id=village["ids"]["granny"])
    assert placed["member_id"] == village["ids"]["granny"] and balance(client, village) == 70
    order(client, village["uncle"], shop, member_id=village["ids"]["granny"], status=403)
    assert [o["id"] for o in client.get(f"{BASE}/orders/mine", headers=village["granny"]).get_json()] == [
        placed["id"]]


def test_orders_in_another_tenant_are_not_found(client, village, shop, make_tenant, login):
    adjust(client, village, 100)
    placed = order(client, village["granny"], shop)
    make_tenant("other", plugins=["points"], admin="admin@other.test")
    other = login("other", "admin@other.test")
    assert client.get(f"/t/other/api/v1/points/orders/{placed['id']}", headers=other).status_code == 404
    r = client.post("/t/other/api/v1/points/orders/handover", json={"code": placed["code"]}, headers=other)
    assert r.status_code == 404
    assert client.get(f"/t/other/api/v1/points/shops/{shop['id']}/goods").status_code == 404


def test_200_concurrent_orders_never_overdraw_a_balance_or_a_stock(app, client, village, shop):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("real concurrency needs PostgreSQL")
    adjust(client, village, 100)                                              # 3 of rice at 30, of 5 in stock
    adjust(client, village, 1000, who="uncle")                                # uncle could pay for all 5
    barrier, codes, lock = threading.Barrier(40), [], threading.Lock()

    def burst(who, key):
        c = app.test_client()
        barrier.wait()
        r = c.post(f"{BASE}/orders", headers={**village[who], "Idempotency-Key": key},
                   json={"shop_id": shop["id"], "lines": [{"good_id": shop["rice"], "quantity": 1}]})
        with lock:
            codes.append((who, key, r.status_code, r.get_json().get("id")))

    jobs = [("granny" if i % 2 else "uncle", f"b-{i}" if i % 10 else "same") for i in range(200)]
    for start in range(0, 200, 40):
        threads = [threading.Thread(target=burst, args=job) for job in jobs[start:start + 40]]
        [t.start() for t in threads]
        [t.join() for t in threads]
    made = {i for _, _, status, i in codes if status == 201}
    assert len(made) == 5 and {s for _, _, s, _ in codes} <= {201, 409}      # five of rice, no more
    assert goods(client, shop["id"])["大米 5 斤"] == 0
    granny, uncle = balance(client, village), balance(client, village, "uncle")
    assert granny >= 10 and uncle >= 0 and (100 - granny) + (1000 - uncle) == 5 * 30
    report = client.get(f"{BASE}/check", headers=village["admin"]).get_json()
    assert report["ok"] is True, report
