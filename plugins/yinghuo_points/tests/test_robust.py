"""Bad input to every points route answers a 4xx naming the problem, never a 500, and writes
nothing."""
from .conftest import BASE

JUNK = [None, [], "x", {"shop_id": "a"}, {"lines": "x"}, {"lines": [{"good_id": None}]}, {"amount": 1e30},
        {"member_id": -1, "amount": "ten", "reason": 5}, {"item_id": 0, "photo": 3}, {"points": "x", "name": ""},
        {"kind": "steal", "quantity": 2 ** 40}, {"pin": None, "code": {"a": 1}}, {"uphold": "maybe", "note": []},
        {"unit_id": "x", "name": "a" * 5000}, {"price": -1, "limit_per_month": 0, "limit_by": "village"}]


def _routes(app):
    for rule in app.url_map.iter_rules():
        if "/points/" in rule.rule and "/api/v1/" in rule.rule and ({"POST", "PUT", "DELETE"} & rule.methods):
            yield rule


def test_junk_to_every_points_route_is_a_4xx_and_writes_nothing(app, client, village, shop):
    before = client.get(f"{BASE}/check", headers=village["admin"]).get_json()
    tried = 0
    for rule in _routes(app):
        path = rule.rule.replace("<tenant>", "village")
        for arg in rule.arguments - {"tenant"}:
            path = path.replace(f"<int:{arg}>", str(shop["rice"])).replace(f"<{arg}>", "1")
        for method in {"POST", "PUT", "DELETE"} & rule.methods:
            for body in JUNK:
                r = client.open(path, method=method, json=body, headers={**village["admin"], "Idempotency-Key": ""})
                tried += 1
                assert r.status_code < 500, (method, path, body, r.get_data(as_text=True)[:300])
    assert tried > 200
    after = client.get(f"{BASE}/check", headers=village["admin"]).get_json()
    assert after["ok"] is True and after["entries"] == before["entries"]


FORM_JUNK = [{}, {"do": "x"}, {"member_id": "abc", "item_id": "-1", "quantity": "9" * 30, "good_id": "x"},
             {"do": "move", "good_id": "1", "kind": "steal", "quantity": "1e9"}, {"do": "good", "price": "free"},
             {"objection_id": "x", "do": "uphold"}, {"award_id": "0", "name": "", "reason": ""},
             {"merchant_id": "x", "pin": "x" * 100}, {"code": "<script>", "find": "%%"}, {"unit_id": "x", "name": ""}]


def test_junk_to_every_points_page_form_is_answered_on_a_page_never_a_500(app, client, village, shop):
    import re
    from .test_pages import page_for
    admin = page_for(app, "admin@village.test")
    token = re.search(r'name="csrf_token" value="([^"]+)"', admin.get("/t/village/points/ledger").get_data(
        as_text=True)).group(1)
    tried = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/t/<tenant>/points/") or "POST" not in rule.methods:
            continue
        path = rule.rule.replace("<tenant>", "village")
        for arg in rule.arguments - {"tenant"}:
            path = path.replace(f"<int:{arg}>", str(shop["id"]))
        for form in FORM_JUNK:
            r = admin.post(path, data={"csrf_token": token, **form})
            tried += 1
            assert r.status_code < 500, (path, form, r.get_data(as_text=True)[:300])
    assert tried >= 100
    assert client.get(f"{BASE}/check", headers=village["admin"]).get_json()["ok"] is True
