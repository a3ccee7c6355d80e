"""A county tenant with the points plugin: two villages, its admin, a village clerk and
three villagers (granny and her grandson in one village, uncle in the other)."""
import itertools

import pytest

BASE = "/t/village/api/v1/points"
_keys = itertools.count(1)


@pytest.fixture
def village(make_tenant, make_member, login, client):
    make_tenant("village", plugins=["points"], admin="admin@village.test",
                settings={"unit_types": ["county", "village"], "points": {"points_per_hour": 10}})
    admin = login("village", "admin@village.test")

    def unit(name, type, parent=None):
        r = client.post("/t/village/api/v1/units", json={"name": name, "type": type, "parent_id": parent},
                        headers=admin)
        assert r.status_code == 201, r.get_json()
        return r.get_json()["id"]

    units = {"county": unit("嘉丰县", "county")}
    units["nanhu"] = unit("南湖村", "village", units["county"])
    units["beitang"] = unit("北塘村", "village", units["county"])
    ids = {"granny": make_member("village", "granny@village.test", name="王奶奶", roles=["volunteer"],
                                 unit_id=units["nanhu"], phone="13912345678"),
           "grandson": make_member("village", "grandson@village.test", name="王小明", roles=["volunteer"],
                                   unit_id=units["nanhu"]),
           "uncle": make_member("village", "uncle@village.test", name="李大爷", roles=["volunteer"],
                                unit_id=units["beitang"])}
    make_member("village", "clerk@village.test", name="村文书", roles=["clerk"], unit_id=units["nanhu"])
    return {"ids": ids, "units": units, "admin": admin, "clerk": login("village", "clerk@village.test"),
            "granny": login("village", "granny@village.test"), "uncle": login("village", "uncle@village.test"),
            "grandson": login("village", "grandson@village.test")}


def set_points(client, operator, **points):
    r = client.patch("/api/v1/tenants/village", headers=operator, json={"settings": {
        "unit_types": ["county", "village"], "points": {"points_per_hour": 10, **points}}})
    assert r.status_code == 200, r.get_json()


def hours(client, village, who="granny", minutes=90, clock=None):
    r = client.post("/t/village/api/v1/hours", headers=village["admin"], json={
        "member_id": village["ids"][who], "minutes": minutes, "served_on": clock.day(-1),
        "content": "打扫村公厕", "note": "村委会证明"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def adjust(client, village, amount, key=None, who="granny", status=201):
    r = client.post(f"{BASE}/adjustments", headers={**village["admin"], "Idempotency-Key": key or f"k{next(_keys)}"},
                    json={"member_id": village["ids"][who], "amount": amount, "reason": "村规民约加分"})
    assert r.status_code == status, r.get_json()
    return r.get_json()


def balance(client, village, who="granny") -> int:
    return client.get(f"{BASE}/members/{village['ids'][who]}", headers=village["admin"]).get_json()["balance"]


def post(client, path, headers, status=201, key=None, **body):
    r = client.post(f"{BASE}{path}", json=body, headers={**headers, "Idempotency-Key": key or f"k{next(_keys)}"})
    assert r.status_code == status, (path, r.get_json())
    return r.get_json()


@pytest.fixture
def shop(client, village):
    """南湖村's supermarket with rice (stock 5) and soap (stock 20, at most 2 a month)."""
    s = post(client, "/shops", village["admin"], unit_id=village["units"]["nanhu"], name="南湖村积分超市",
             address="村委会一楼", opening_hours="每周六 9:00-12:00")
    rice = post(client, f"/shops/{s['id']}/goods", village["admin"], name="大米 5 斤", price=30)
    soap = post(client, f"/shops/{s['id']}/goods", village["admin"], name="肥皂", price=5, limit_per_month=2)
    post(client, f"/goods/{rice['id']}/moves", village["admin"], kind="receive", quantity=5, note="镇里配送")
    post(client, f"/goods/{soap['id']}/moves", village["admin"], kind="receive", quantity=20)
    return {"id": s["id"], "rice": rice["id"], "soap": soap["id"]}


def goods(client, shop_id) -> dict:
    return {g["name"]: g["stock"] for g in client.get(f"{BASE}/shops/{shop_id}/goods").get_json()}
