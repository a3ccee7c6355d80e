"""Bad input is a 4xx naming the field, never a 500 and never a half-written record (issue 16:
the findings of the probe, each reproduced here against the API and the pages)."""
import io
import json
import re

import pytest
from sqlalchemy import func, select

BASE = "/t/alpha/api/v1"
HUGE = 10**20  # beyond PostgreSQL's bigint


@pytest.fixture
def alpha(make_tenant, make_member, login):
    make_tenant("alpha", admin="admin@alpha.test")
    make_member("alpha", "v@alpha.test", name="志愿者")
    return {"admin": login("alpha", "admin@alpha.test"), "vol": login("alpha", "v@alpha.test")}


def _fields(r) -> dict:
    return r.get_json()["error"]["fields"]


def test_ids_beyond_bigint_in_paths_are_not_found(client, alpha):
    for path in (f"{BASE}/members/{HUGE}", f"{BASE}/activities/{HUGE}", f"{BASE}/activities/{HUGE}/signups"):
        r = client.get(path, headers=alpha["admin"])
        assert r.status_code == 404, (path, r.status_code)


def test_numbers_beyond_bigint_in_queries_and_bodies_name_the_field(client, alpha):
    r = client.get(f"{BASE}/members?page={HUGE}", headers=alpha["admin"])
    assert r.status_code == 422 and "page" in _fields(r)
    r = client.post(f"{BASE}/units", json={"name": "镇", "type": "town", "parent_id": HUGE}, headers=alpha["admin"])
    assert r.status_code == 422 and "parent_id" in _fields(r)
    r = client.put(f"{BASE}/members/1/roles", json={"roles": [{"role": "unit_admin", "unit_id": HUGE}]},
                   headers=alpha["admin"])
    assert r.status_code == 422 and "roles.0.unit_id" in _fields(r)


@pytest.mark.parametrize("text", ["张\x00三", "张\x07三", "\x1b[31m张三"])
def test_nul_and_control_characters_are_refused_where_they_come_in(client, alpha, text):
    r = client.post(f"{BASE}/members", json={"name": text, "password": "Volunt33r!", "phone": "13812341234",
                                             "consent": True})
    assert r.status_code == 422 and "name" in _fields(r)
    broken = client.post(f"{BASE}/members", json={"name": "张\ud800三"})  # half a character, as JSON allows
    assert broken.status_code == 422 and "name" in _fields(broken)
    r = client.post(f"{BASE}/auth/token", json={"login": text, "password": "x"})
    assert r.status_code == 422 and "login" in _fields(r)
    r = client.get(f"{BASE}/members", query_string={"q": text}, headers=alpha["admin"])
    assert r.status_code == 422 and "q" in _fields(r)
    page = client.post("/t/alpha/register", data={"name": text, "phone": "13812341234", "password": "Volunt33r!",
                                                  "consent": "on"})
    assert page.status_code == 422 and "含有不允许的控制字符" in page.get_data(as_text=True)


def test_a_name_with_a_control_character_no_longer_breaks_the_tenants_exports(app, client, alpha, raw_sql):
    """Stored before the check (or by a path that skips it): the export writes the name without it."""
    from openpyxl import load_workbook
    raw_sql("UPDATE members SET name = :n WHERE name = '志愿者'", n="志愿\x0b者=1+1")
    r = client.post(f"{BASE}/exports", json={"kind": "members"}, headers=alpha["admin"])
    assert r.status_code in (201, 202), r.get_json()
    job = client.get(f"{BASE}/exports/{r.get_json()['id']}", headers=alpha["admin"]).get_json()
    assert job["status"] == "done", job
    data = client.get(f"{BASE}/exports/{job['id']}/file", headers=alpha["admin"]).data
    cells = [c.value for row in load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2) for c in row]
    assert "志愿者=1+1" in cells  # the control character dropped, and text, never a formula


def test_a_malformed_totp_secret_is_a_422(client, alpha):
    for secret in ("0", "not-base32!!", "AAAA", "A" * 100):
        r = client.post(f"{BASE}/me/totp/confirm", json={"secret": secret, "code": "000000"}, headers=alpha["vol"])
        assert r.status_code == 422 and "secret" in _fields(r), secret


def test_duplicate_roles_are_one_role(client, alpha):
    me = client.get(f"{BASE}/me", headers=alpha["vol"]).get_json()["member"]["id"]
    r = client.put(f"{BASE}/members/{me}/roles", json={"roles": [{"role": "leader"}, {"role": "leader"},
                                                                 {"role": "volunteer"}]}, headers=alpha["admin"])
    assert r.status_code == 200 and sorted(r.get_json()["roles"]) == ["leader", "volunteer"]


def test_unit_zero_in_roles_is_an_unknown_unit(client, alpha):
    me = client.get(f"{BASE}/me", headers=alpha["vol"]).get_json()["member"]["id"]
    r = client.put(f"{BASE}/members/{me}/roles", json={"roles": [{"role": "leader", "unit_id": 0}]},
                   headers=alpha["admin"])
    assert r.status_code == 422 and "roles" in _fields(r)


@pytest.mark.parametrize("period", ["0000-01", "0001-Q1", "9999-12", "2201-Q4"])
def test_a_period_outside_the_years_people_live_in_is_422(client, alpha, clock, period):
    r = client.get(f"{BASE}/hours/ranking", query_string={"period": period}, headers=alpha["vol"])
    assert r.status_code == 422 and "period" in _fields(r)
    assert client.get(f"{BASE}/hours/ranking", query_string={"period": f"{clock.at().year}-Q1"},
                      headers=alpha["vol"]).status_code == 200


def test_datetimes_that_overflow_are_422(client, alpha):
    for when in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "1800-01-01T00:00:00+08:00"):
        r = client.post(f"{BASE}/activities", json={"title": "t", "category": "文化服务", "capacity": 5,
                                                    "starts_at": when, "ends_at": when}, headers=alpha["admin"])
        assert r.status_code == 422, (when, r.status_code)


def test_json_nested_a_thousand_deep_is_a_400_not_a_500(client, alpha):
    for body in ("[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000, '{"name": NaN}'):
        r = client.post(f"{BASE}/activities", data=body, content_type="application/json", headers=alpha["admin"])
        assert r.status_code == 400, r.status_code
        assert r.get_json()["error"]["code"] == "bad_request"


def test_sizes_are_bounded(client, alpha):
    r = client.post(f"{BASE}/members", json={"name": "张三", "password": "Aa1" * 3_500_000, "phone": "13812341234",
                                             "consent": True})
    assert r.status_code == 413
    r = client.post(f"{BASE}/members", json={"name": "张三", "password": "Aa1" * 100, "phone": "13812341234",
                                             "consent": True})
    assert r.status_code == 422 and "password" in _fields(r)
    r = client.post(f"{BASE}/activities", json={"title": "t", "category": "文化服务", "capacity": 5,
                                                "description": "长" * 30_000}, headers=alpha["admin"])
    assert r.status_code == 422 and "description" in _fields(r)


def _count(app, model) -> int:
    from yinghuo.db.context import unscoped
    from yinghuo.extensions import db
    with app.app_context(), unscoped("test counts", operator=True):
        from yinghuo.tenancy.models import Tenant
        ids = db.session.scalars(select(Tenant.id)).all()
    with app.app_context(), unscoped("test counts", ids):
        return db.session.scalar(select(func.count()).select_from(model))


#: how a page names each field and its reason here, in Chinese
REASONS = {"name": "姓名: 太长", "unit_id": "所属组织: "}


def _sign_in_page(client, email="admin@alpha.test"):
    client.post("/t/alpha/login", data={"login": email, "password": "Passw0rd!x"})


@pytest.mark.parametrize("form,field", [
    ({"name": "长" * 101}, "name"),
    ({"name": "王五", "unit_id": "1 OR 1=1"}, "unit_id"),
    ({"name": "王五", "unit_id": str(HUGE)}, "unit_id"),
])
def test_the_add_member_page_checks_what_the_api_checks(app, client, alpha, form, field):
    from yinghuo.people.models import Member
    _sign_in_page(client)
    before = _count(app, Member)
    r = client.post("/t/alpha/admin/members/new", data=form)
    assert r.status_code == 422, r.status_code
    flash = re.search(r'class="flash error"[^>]*>([^<]*)<', r.get_data(as_text=True)).group(1)
    assert "有误" in flash and REASONS[field] in flash, flash
    assert _count(app, Member) == before


@pytest.mark.parametrize("form,field", [
    ({"title": "长" * 201}, "title"),
    ({"capacity": "1" + "0" * 30}, "capacity"),
    ({"unit_id": "1 OR 1=1"}, "unit_id"),
    ({"visibility": "public' --"}, "visibility"),
])
def test_the_activity_page_checks_what_the_api_checks(app, client, alpha, clock, form, field):
    from yinghuo.activities.models import Activity
    _sign_in_page(client)
    good = {"title": "敬老院陪伴", "category": "文化服务", "capacity": "10", "visibility": "tenant",
            "starts_at": clock.local(days=3, hour=9), "ends_at": clock.local(days=3, hour=11)}
    before = _count(app, Activity)
    r = client.post("/t/alpha/activities/new", data={**good, **form})
    assert r.status_code == 422, (form, r.status_code)
    assert _count(app, Activity) == before


def test_an_error_inside_a_failed_transaction_still_gets_a_chinese_page(app, client, alpha, monkeypatch):
    """The error page itself used to fail (the aborted transaction) and end in Werkzeug's raw 500."""
    from sqlalchemy import text

    from yinghuo import views
    from yinghuo.extensions import db

    def broken():
        db.session.execute(text("SELECT * FROM no_such_table"))
    monkeypatch.setattr(views.people, "find_members", lambda *a, **k: broken())
    _sign_in_page(client)
    monkeypatch.setattr("yinghuo.views.units.children", lambda *a: broken())
    r = client.get("/t/alpha/admin/units")
    assert r.status_code in (500, 503)  # SQLite calls a missing table an OperationalError
    page = r.get_data(as_text=True)
    assert "Tenant alpha" in page and ("服务器出了点问题" in page or "服务暂时不可用" in page), page


def test_the_openapi_document_describes_the_errors_and_the_token(client):
    spec = client.get("/api/openapi.json").get_json()
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"] and "error" in error["properties"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    members = spec["paths"]["/t/{tenant}/api/v1/members"]
    assert members["post"]["security"] == [] and members["get"]["security"] == [{"bearer": []}]
    ids = spec["paths"]["/t/{tenant}/api/v1/members/{member_id}"]["parameters"]
    assert [p["schema"]["maximum"] for p in ids if p["name"] == "member_id"] == [2**63 - 1]
    body = client.get(f"{BASE}/members/1").get_json()  # an error, in the documented shape
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    json.dumps(spec)


def test_the_words_that_differ_by_tenant_are_listed_and_the_document_points_to_them(client, make_tenant):
    make_tenant("alpha", settings={"unit_types": ["county", "town", "village"],
                                   "activity_categories": ["理论宣讲", "助老"]})
    words = client.get(f"{BASE}/vocabulary").get_json()
    assert words["unit_types"] == ["county", "town", "village"]
    assert words["activity_categories"][:2] == ["理论宣讲", "助老"] and words["plugins"] == []
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert "/vocabulary" in schemas["Unit"]["properties"]["type"]["description"]
    assert "/vocabulary" in schemas["Activity"]["properties"]["category"]["description"]
