"""A village tenant with the points plugin: its admin, a clerk and two villagers."""
import pytest

BASE = "/t/village/api/v1/points"


@pytest.fixture
def village(make_tenant, make_member, login):
    make_tenant("village", plugins=["points"], admin="admin@village.test", settings={"points": {"points_per_hour": 10}})
    ids = {"granny": make_member("village", "granny@village.test", name="王奶奶", roles=["volunteer"]),
           "uncle": make_member("village", "uncle@village.test", name="李大爷", roles=["volunteer"])}
    make_member("village", "clerk@village.test", name="村文书", roles=["clerk"])
    return {"ids": ids, "admin": login("village", "admin@village.test"), "clerk": login("village", "clerk@village.test"),
            "granny": login("village", "granny@village.test")}


def hours(client, village, who="granny", minutes=90, clock=None):
    r = client.post("/t/village/api/v1/hours", headers=village["admin"], json={
        "member_id": village["ids"][who], "minutes": minutes, "served_on": clock.day(-1),
        "content": "打扫村公厕", "note": "村委会证明"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def adjust(client, village, amount, key, who="granny", status=201):
    r = client.post(f"{BASE}/adjustments", headers={**village["admin"], "Idempotency-Key": key},
                    json={"member_id": village["ids"][who], "amount": amount, "reason": "村规民约加分"})
    assert r.status_code == status, r.get_json()
    return r.get_json()


def balance(client, village, who="granny") -> int:
    return client.get(f"{BASE}/members/{village['ids'][who]}", headers=village["admin"]).get_json()["balance"]
