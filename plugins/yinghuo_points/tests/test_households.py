"""Households: one head, a person in one household at most; with household earning the
household earns and spends together."""
from .conftest import BASE, adjust, balance, hours, post, set_points


def test_a_person_belongs_to_one_household_and_the_head_stays(client, village):
    wang = post(client, "/households", village["admin"], name="王家", unit_id=village["units"]["nanhu"],
                head_member_id=village["ids"]["granny"], member_ids=[village["ids"]["grandson"]])
    assert wang["member_ids"] == sorted([village["ids"]["granny"], village["ids"]["grandson"]])
    r = client.post(f"{BASE}/households", headers=village["admin"], json={
        "name": "别家", "unit_id": village["units"]["nanhu"], "head_member_id": village["ids"]["grandson"]})
    assert r.status_code == 409 and "head_member_id" in r.get_json()["error"]["fields"]
    r = client.delete(f"{BASE}/households/{wang['id']}/members/{village['ids']['granny']}", headers=village["admin"])
    assert r.status_code == 409
    post(client, f"/households/{wang['id']}/head", village["admin"], status=200, member_id=village["ids"]["grandson"])
    r = client.delete(f"{BASE}/households/{wang['id']}/members/{village['ids']['granny']}", headers=village["admin"])
    assert r.status_code == 200 and r.get_json()["member_ids"] == [village["ids"]["grandson"]]
    assert client.post(f"{BASE}/households", headers=village["clerk"], json={
        "name": "李家", "unit_id": village["units"]["beitang"], "head_member_id": village["ids"]["uncle"]}
    ).status_code == 403


def test_with_household_earning_members_earn_into_and_spend_from_one_account(client, village, operator, clock,
                                                                              shop):
    set_points(client, operator, household_earning=True)
    post(client, "/households", village["admin"], name="王家", unit_id=village["units"]["nanhu"],
         head_member_id=village["ids"]["granny"], member_ids=[village["ids"]["grandson"]])
    record = hours(client, village, who="grandson", minutes=180, clock=clock)
    client.post(f"/t/village/api/v1/hours/{record}/approve", json={}, headers=village["admin"])
    adjust(client, village, 10, who="granny")
    assert balance(client, village, "granny") == balance(client, village, "grandson") == 40
    post(client, "/orders", village["granny"], shop_id=shop["id"], lines=[{"good_id": shop["rice"], "quantity": 1}])
    assert balance(client, village, "grandson") == 10
    client.post(f"/t/village/api/v1/hours/{record}/void", json={"reason": "登记错误"}, headers=village["admin"])
    assert balance(client, village, "granny") == -20                         # a void may go below zero
    assert client.get(f"{BASE}/check", headers=village["admin"]).get_json()["ok"] is True
