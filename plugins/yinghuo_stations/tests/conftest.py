"""A county with the stations plugin: a centre, two institutes, three stations, a team
under the centre and one under an institute; a dispatcher at each level, a team leader and
a clerk."""
import pytest

BASE = "/t/county/api/v1/stations"
TYPES = ["county", "town", "village", "team"]


@pytest.fixture
def county(make_tenant, make_member, login, client):
    make_tenant("county", plugins=["stations"], admin="admin@county.test",
                settings={"unit_types": TYPES, "stations": {"hotline": "0471-1234567"}})
    admin = login("county", "admin@county.test")

    def unit(name, type, parent=None):
        r = client.post("/t/county/api/v1/units", json={"name": name, "type": type, "parent_id": parent},
                        headers=admin)
        assert r.status_code == 201, r.get_json()
        return r.get_json()["id"]

    u = {"centre": unit("县文明实践中心", "county")}
    u["east"] = unit("东镇实践所", "town", u["centre"])
    u["west"] = unit("西镇实践所", "town", u["centre"])
    u["s1"] = unit("东关村实践站", "village", u["east"])
    u["s2"] = unit("南湾村实践站", "village", u["east"])
    u["s3"] = unit("西河村实践站", "village", u["west"])
    u["corps"] = unit("县志愿服务总队", "team", u["centre"])
    u["east_team"] = unit("东镇志愿服务分队", "team", u["east"])
    make_member("county", "east@county.test", name="东镇所长", roles=["unit_admin"], unit_id=u["east"])
    make_member("county", "s1@county.test", name="东关站长", roles=["clerk"], unit_id=u["s1"])
    make_member("county", "lead@county.test", name="分队长", roles=["leader", "volunteer"], unit_id=u["east_team"])
    make_member("county", "corps@county.test", name="总队长", roles=["leader", "volunteer"], unit_id=u["corps"])
    return {"units": u, "admin": admin, "east": login("county", "east@county.test"),
            "s1": login("county", "s1@county.test"), "lead": login("county", "lead@county.test"),
            "corps": login("county", "corps@county.test")}


def ask(client, county, station="s1", **fields):
    body = {"station_id": county["units"][station], "category": "生活照料", "need": "老人独居，需要上门打扫",
            "place": "东关村3组", "contact_name": "王奶奶", "contact_phone": "13912345678", **fields}
    r = client.post(f"{BASE}/demands", json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def act(client, demand_id, action, headers, status=200, **body):
    r = client.post(f"{BASE}/demands/{demand_id}/{action}", json=body, headers=headers)
    assert r.status_code == status, (action, r.get_json())
    return r.get_json()
