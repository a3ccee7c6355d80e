"""Supermarkets, goods and the stock ledger: every move recorded once per key, stock never
below zero, a changed stock found by the check."""
from .conftest import BASE, goods, post


def test_stock_moves_once_per_key_and_never_below_zero(client, village, shop):
    post(client, f"/goods/{shop['rice']}/moves", village["clerk"], key="r-1", kind="receive", quantity=10)
    post(client, f"/goods/{shop['rice']}/moves", village["clerk"], key="r-1", kind="receive", quantity=10)
    assert goods(client, shop["id"])["大米 5 斤"] == 15
    r = client.post(f"{BASE}/goods/{shop['rice']}/moves", headers={**village["clerk"], "Idempotency-Key": "w"},
                    json={"kind": "writeoff", "quantity": 16, "note": "受潮"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "out_of_stock"
    r = client.post(f"{BASE}/goods/{shop['rice']}/moves", headers={**village["clerk"], "Idempotency-Key": "w2"},
                    json={"kind": "writeoff", "quantity": 2})
    assert r.status_code == 422 and "note" in r.get_json()["error"]["fields"]
    post(client, f"/goods/{shop['rice']}/moves", village["clerk"], kind="writeoff", quantity=2, note="受潮")
    post(client, f"/goods/{shop['rice']}/moves", village["clerk"], kind="adjust", quantity=-1, note="盘点少一袋")
    assert goods(client, shop["id"])["大米 5 斤"] == 12
    moves = client.get(f"{BASE}/goods/{shop['rice']}/moves", headers=village["clerk"]).get_json()
    assert [(m["kind"], m["change"]) for m in moves] == [("adjust", -1), ("writeoff", -2), ("receive", 10),
                                                         ("receive", 5)]
    assert client.post(f"{BASE}/goods/{shop['rice']}/moves", headers={**village["granny"], "Idempotency-Key": "g"},
                       json={"kind": "receive", "quantity": 1}).status_code == 403


def test_the_check_finds_a_changed_stock_and_names_the_goods(client, village, shop, raw_sql):
    assert client.get(f"{BASE}/check", headers=village["admin"]).get_json()["ok"] is True
    raw_sql(f"UPDATE points_goods SET stock = stock + 50 WHERE id = {shop['rice']}")
    report = client.get(f"{BASE}/check", headers=village["admin"]).get_json()
    assert report["ok"] is False and report["broken"] is None
    assert report["stock"] == [{"good_id": shop["rice"], "good": "大米 5 斤", "cached": 55, "ledger": 5}]


def test_bad_goods_and_a_second_shop_in_a_village_are_refused(client, village, shop):
    r = client.post(f"{BASE}/shops/{shop['id']}/goods", headers=village["admin"], json={"name": "", "price": 0})
    assert r.status_code == 422 and {"name", "price"} <= set(r.get_json()["error"]["fields"])
    r = client.post(f"{BASE}/shops", headers=village["admin"], json={"unit_id": village["units"]["nanhu"],
                                                                     "name": "又一个"})
    assert r.status_code == 409 and "unit_id" in r.get_json()["error"]["fields"]
    assert client.post(f"{BASE}/shops", headers=village["clerk"], json={
        "unit_id": village["units"]["beitang"], "name": "北塘"}).status_code == 403
    assert [s["name"] for s in client.get(f"{BASE}/shops").get_json()] == ["南湖村积分超市"]
