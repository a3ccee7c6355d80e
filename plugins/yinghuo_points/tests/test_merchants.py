"""The merchant alliance: an offer taken for points or by star level, its code checked by
the merchant with a PIN, once."""
from .conftest import BASE, adjust, balance, post


def cinema(client, village, **extra):
    return post(client, "/merchants", village["admin"], name="星光影院", address="县城人民路 8 号",
                offer="凭码免费观影一次", pin="2468", **{"points_price": 20, **extra})


def test_an_offer_costs_its_points_and_its_code_is_checked_once_with_the_pin(client, village):
    m = cinema(client, village)
    adjust(client, village, 30)
    voucher = post(client, f"/merchants/{m['id']}/vouchers", village["granny"], key="v1")
    assert post(client, f"/merchants/{m['id']}/vouchers", village["granny"], key="v1") == voucher
    assert balance(client, village) == 10
    post(client, f"/merchants/{m['id']}/vouchers", village["granny"], status=409)          # 10 < 20
    r = client.post(f"{BASE}/merchants/{m['id']}/validate", json={"pin": "1111", "code": voucher["code"]})
    assert r.status_code == 403 and "pin" in r.get_json()["error"]["fields"]
    r = client.post(f"{BASE}/merchants/{m['id']}/validate", json={"pin": "2468", "code": voucher["code"]})
    assert r.status_code == 200 and r.get_json()["status"] == "used"
    r = client.post(f"{BASE}/merchants/{m['id']}/validate", json={"pin": "2468", "code": voucher["code"]})
    assert r.status_code == 409


def test_a_star_level_offer_is_for_volunteers_with_the_hours(client, village, clock):
    m = cinema(client, village, points_price=None, min_stars=1)
    r = client.post(f"{BASE}/merchants/{m['id']}/vouchers", headers={**village["granny"], "Idempotency-Key": "s"})
    assert r.status_code == 403
    for day in range(10):                                                     # 100 hours: one star
        r = client.post("/t/village/api/v1/hours", headers=village["admin"], json={
            "member_id": village["ids"]["granny"], "minutes": 10 * 60, "served_on": clock.day(-30 - day),
            "content": "长期结对帮扶", "note": "村委会证明"})
        assert r.status_code == 201, r.get_json()
        client.post(f"/t/village/api/v1/hours/{r.get_json()['id']}/approve", json={}, headers=village["admin"])
    post(client, f"/merchants/{m['id']}/vouchers", village["granny"])


def test_another_merchants_code_and_bad_pins_are_refused(client, village, app):
    m = cinema(client, village)
    other = post(client, "/merchants", village["admin"], name="公交公司", offer="免费乘车", pin="1357")
    adjust(client, village, 30)
    voucher = post(client, f"/merchants/{m['id']}/vouchers", village["granny"])
    r = client.post(f"{BASE}/merchants/{other['id']}/validate", json={"pin": "1357", "code": voucher["code"]})
    assert r.status_code == 404
    r = client.post(f"{BASE}/merchants", headers=village["admin"], json={"name": "x", "offer": "y", "pin": "12"})
    assert r.status_code == 422 and "pin" in r.get_json()["error"]["fields"]
    app.config["YINGHUO_RATE_LIMITS"] = {"pin_attempt": "2/minute"}
    try:
        codes = [client.post(f"{BASE}/merchants/{m['id']}/validate", json={"pin": "0000", "code": "1"}).status_code
                 for _ in range(3)]
    finally:
        app.config.pop("YINGHUO_RATE_LIMITS")
    assert codes == [403, 403, 429]
