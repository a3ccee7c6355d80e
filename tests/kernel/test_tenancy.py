"""Tenants: resolution by path and host, suspension, operator API, hub roll-ups."""
from yinghuo.tenancy.context import forget_hosts


def test_unknown_tenant_is_404(client):
    r = client.get("/t/nowhere/api/v1/units")
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "not_found"


def test_suspended_tenant_is_403_with_message_and_data_kept(client, operator, make_tenant, login):
    make_tenant("alpha", admin="admin@alpha.test")
    headers = login("alpha", "admin@alpha.test")
    client.post("/t/alpha/api/v1/units", json={"name": "Town", "type": "town"}, headers=headers)
    r = client.patch("/api/v1/tenants/alpha", json={"status": "suspended", "reason": "欠费暂停"}, headers=operator)
    assert r.status_code == 200 and r.get_json()["status"] == "suspended"
    r = client.get("/t/alpha/api/v1/units", headers=headers)
    assert r.status_code == 403 and r.get_json()["error"]["message"] == "欠费暂停"
    client.patch("/api/v1/tenants/alpha", json={"status": "active"}, headers=operator)
    assert [u["name"] for u in client.get("/t/alpha/api/v1/units", headers=headers).get_json()] == ["Town"]


def test_mapped_host_serves_its_tenant(client, operator):
    r = client.post("/api/v1/tenants", json={"slug": "hq", "name": "和清县", "kind": "county",
                                             "hosts": ["volunteer.heqing.example"],
                                             "branding": {"display_name": "和清志愿"}}, headers=operator)
    assert r.status_code == 201, r.get_json()
    forget_hosts()
    page = client.get("/", headers={"Host": "volunteer.heqing.example"})
    assert page.status_code == 200 and "和清志愿" in page.get_data(as_text=True)


def test_operator_creates_tenant_with_plugins_and_admin_in_one_step(client, operator, login):
    r = client.post("/api/v1/tenants", json={
        "slug": "uni", "name": "北疆大学", "kind": "university", "plugins": ["sample"],
        "admin_email": "head@uni.test", "admin_password": "Str0ngpass!"}, headers=operator)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["plugins"] == ["sample"]
    me = client.get("/t/uni/api/v1/me", headers=login("uni", "head@uni.test", "Str0ngpass!")).get_json()
    assert "tenant_admin" in me["member"]["roles"]


def test_bad_tenant_body_is_422_with_fields(client, operator):
    r = client.post("/api/v1/tenants", json={"slug": "Bad Slug", "name": "", "kind": "village"}, headers=operator)
    assert r.status_code == 422
    fields = r.get_json()["error"]["fields"]
    assert {"slug", "name", "kind"} <= set(fields)


def test_duplicate_slug_is_409(client, operator, make_tenant):
    make_tenant("alpha")
    r = client.post("/api/v1/tenants", json={"slug": "alpha", "name": "A", "kind": "county"}, headers=operator)
    assert r.status_code == 409 and r.get_json()["error"]["fields"]["slug"]


def test_unknown_plugin_is_refused(client, operator):
    r = client.post("/api/v1/tenants", json={"slug": "x1", "name": "X", "kind": "county",
                                             "plugins": ["nonexistent"]}, headers=operator)
    assert r.status_code == 422 and "plugins" in r.get_json()["error"]["fields"]


def test_bad_settings_name_the_key(client, operator):
    r = client.post("/api/v1/tenants", json={"slug": "x2", "name": "X", "kind": "county",
                                             "settings": {"session_idle_minutes": 1}}, headers=operator)
    assert r.status_code == 422
    assert "session_idle_minutes" in r.get_json()["error"]["fields"]["settings"]


def test_operator_api_needs_an_operator(client, make_tenant, login):
    make_tenant("alpha", admin="admin@alpha.test")
    assert client.get("/api/v1/tenants").status_code == 401
    tenant_token = login("alpha", "admin@alpha.test")
    assert client.get("/api/v1/tenants", headers=tenant_token).status_code == 401


def test_hook_rollup_stats_hub_sees_counts_of_children_never_rows(client, operator, make_tenant, make_member, login):
    make_tenant("hub", kind="hub", admin="admin@hub.test")
    make_tenant("kid1", parent="hub", plugins=["sample"])
    make_tenant("kid2", parent="hub")
    make_tenant("stranger")
    for i in range(3):
        make_member("kid1", f"v{i}@kid1.test")
    make_member("kid2", "v@kid2.test")
    make_member("stranger", "v@stranger.test")
    rows = client.get("/t/hub/api/v1/rollup", headers=login("hub", "admin@hub.test")).get_json()
    stats = {r["slug"]: r["stats"] for r in rows}
    assert set(stats) == {"kid1", "kid2"}
    assert stats["kid1"]["members"] == 3 and stats["kid2"]["members"] == 1
    assert stats["kid1"]["activities"] == 0 and stats["kid1"]["hours"] == 0
    assert stats["kid1"]["sample_things"] == 7 and "sample_things" not in stats["kid2"]
    hub_members = client.get("/t/hub/api/v1/members", headers=login("hub", "admin@hub.test")).get_json()
    assert all(not m["name"].startswith("v") for m in hub_members)


def test_health_reports_database_and_redis(client):
    body = client.get("/healthz").get_json()
    assert body["database"] == "ok" and body["redis"] == "not configured"


def test_openapi_covers_kernel_and_plugin_endpoints(client):
    spec = client.get("/api/openapi.json").get_json()
    paths = set(spec["paths"])
    assert {"/api/v1/tenants", "/t/{tenant}/api/v1/auth/token", "/t/{tenant}/api/v1/me",
            "/t/{tenant}/api/v1/members", "/t/{tenant}/api/v1/units",
            "/t/{tenant}/api/v1/sample/hello"} <= paths


def test_hub_rollup_counts_activities_and_approved_hours(client, make_tenant, make_member, login, clock):
    make_tenant("hub", kind="hub", admin="admin@hub.test")
    make_tenant("kid", parent="hub", admin="admin@kid.test")
    kid = login("kid", "admin@kid.test")
    me = client.get("/t/kid/api/v1/me", headers=kid).get_json()["member"]["id"]
    for minutes in (120, 60):
        r = client.post("/t/kid/api/v1/hours", json={"member_id": me, "minutes": minutes, "content": "值守",
                                                     "served_on": clock.day(), "note": "记录"}, headers=kid)
        client.post(f"/t/kid/api/v1/hours/{r.get_json()['id']}/approve", json={}, headers=kid)
    client.post("/t/kid/api/v1/activities", json={"title": "x", "category": "文化服务", "capacity": 3,
                                                  "starts_at": clock.iso(days=30, hour=8), "ends_at": clock.iso(days=30, hour=9)},
                headers=kid)
    [row] = client.get("/t/hub/api/v1/rollup", headers=login("hub", "admin@hub.test")).get_json()
    assert row["stats"]["activities"] == 1 and row["stats"]["hours"] == 3


def test_the_operator_edits_settings_and_branding_on_a_page(app, client, make_tenant, operator):
    """Name, header name, registration, categories, star thresholds and the certificate's
    issuer from one console page; a bad value comes back with the reason; plugin settings stay."""
    from yinghuo.tenancy.services import get_tenant
    make_tenant("county", plugins=["sample"])
    page = app.test_client()
    page.post("/login", data={"login": "op@yinghuo.test", "password": "Operat0r!x"})
    assert 'id="settings"' in page.get("/console/tenants/county").get_data(as_text=True)
    form = {"name": "和清县", "display_name": "和清县志愿服务", "slogan": "萤火相伴", "self_registration": "on",
            "listed": "on", "session_idle_minutes": "45", "activity_categories": "助老\n义诊\n",
            "unit_types": "town\nvillage", "star_thresholds": "10, 20, 30, 40, 50", "export_retention_days": "7",
            "issuer_organisation": "和清县新时代文明实践中心", "privacy_notice_version": "2"}
    bad = page.post("/console/tenants/county/settings", data={**form, "star_thresholds": "50, 40, 30, 20, 10"})
    assert bad.status_code == 422 and 'value="50, 40, 30, 20, 10"' in bad.get_data(as_text=True)
    assert page.post("/console/tenants/county/settings", data=form).status_code == 302
    with app.app_context():
        tenant = get_tenant("county")
        assert tenant.name == "和清县" and tenant.display_name == "和清县志愿服务"
        assert tenant.setting("activity_categories") == ["助老", "义诊"] and tenant.setting("session_idle_minutes") == 45
        assert tenant.setting("star_thresholds") == [10, 20, 30, 40, 50] and tenant.setting("self_registration")
        assert tenant.setting("require_totp_for_admins") is False
        assert tenant.setting("certificate_issuer")["organisation"] == "和清县新时代文明实践中心"
        assert "sample" in (tenant.settings or {}) or tenant.enabled_plugins == ["sample"]
    assert "和清县志愿服务" in app.test_client().get("/t/county/").get_data(as_text=True)
    unlisted = page.post("/console/tenants/county/settings", data={k: v for k, v in form.items() if k != "listed"})
    assert unlisted.status_code == 302
    assert 'href="/t/county/"' not in app.test_client().get("/").get_data(as_text=True)


def test_a_hubs_dashboard_shows_its_child_tenants_counts(app, make_tenant, make_member):
    make_tenant("city", kind="hub", admin="admin@city.test")
    make_tenant("east", parent="city")
    make_tenant("west", parent="city")
    make_member("east", "v1@east.test")
    page = app.test_client()
    page.post("/t/city/login", data={"login": "admin@city.test", "password": "Passw0rd!x"})
    board = page.get("/t/city/admin/dashboard").get_data(as_text=True)
    table = board.split('id="children"')[1].split("</table>")[0]
    assert "下级单位" in board and "Tenant east" in table and "Tenant west" in table
    east = table.split("Tenant east")[1].split("</tr>")[0]
    assert 'data-label="成员">1<' in east
