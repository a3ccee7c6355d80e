"""Pages: Chinese by default with an English switch, phone-sized, admin and console."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest


def _login_page(client, url, email, password="Passw0rd!x"):
    return client.post(url, data={"login": email, "password": password}, follow_redirects=True)


def test_login_page_is_chinese_by_default_and_english_on_switch(client, make_tenant):
    make_tenant("alpha")
    zh = client.get("/t/alpha/login").get_data(as_text=True)
    assert "登录" in zh and 'lang="zh-CN"' in zh
    en = client.get("/t/alpha/login?lang=en").get_data(as_text=True)
    assert "Sign in" in en and "登录" not in en


def test_every_page_declares_a_phone_viewport(client, make_tenant):
    make_tenant("alpha")
    for url in ("/t/alpha/", "/t/alpha/login", "/t/alpha/register", "/login"):
        assert 'name="viewport" content="width=device-width' in client.get(url).get_data(as_text=True), url


def test_tenant_home_shows_branding(client, operator):
    client.post("/api/v1/tenants", json={"slug": "hq", "name": "和清县", "kind": "county",
                                         "branding": {"display_name": "和清志愿", "slogan": "文明实践 志愿同行"}},
                headers=operator)
    page = client.get("/t/hq/").get_data(as_text=True)
    assert "和清志愿" in page and "文明实践 志愿同行" in page


def test_register_page_creates_member_who_then_signs_in(client, make_tenant):
    make_tenant("alpha")
    r = client.post("/t/alpha/register", data={"name": "王芳", "phone": "13912345678", "password": "Volunt33r!",
                                                "consent": "on"}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "感谢注册" in page and 'name="login"' in page  # the sign-in page, the same for any login
    home = _login_page(client, "/t/alpha/login", "13912345678", "Volunt33r!")
    assert "王芳" in client.get("/t/alpha/").get_data(as_text=True), home


def test_register_page_shows_the_reason_of_a_refusal(client, make_tenant):
    make_tenant("alpha")
    r = client.post("/t/alpha/register", data={"name": "王芳", "phone": "139", "password": "Volunt33r!"},
                    follow_redirects=True)
    flash = re.search(r'class="flash error"[^>]*>([^<]*)<', r.get_data(as_text=True)).group(1)
    # in Chinese, field names and reasons included
    assert flash == "请更正下面标出的内容 (手机号: 应为 11 位大陆手机号; 隐私政策: 须同意隐私政策)"
    en = client.post("/t/alpha/register?lang=en", data={"name": "王芳", "phone": "139", "password": "Volunt33r!"},
                     follow_redirects=True).get_data(as_text=True)
    assert "Please correct the fields marked below (Phone: must be an 11-digit mainland mobile number; Privacy notice:" in en


def test_a_refused_registration_keeps_what_was_typed_and_marks_the_field(client, make_tenant):
    """One wrong check digit used to wipe every field; now the page comes back at once (422)
    with the name, phone, ID number and consent as typed, the reason beside the ID field,
    and never the password."""
    from yinghuo.people.idnumbers import with_check_digit
    make_tenant("alpha")
    good = with_check_digit("11010519491231002")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    r = client.post("/t/alpha/register", data={"name": "王芳", "phone": "13912345678", "id_number": wrong,
                                                "password": "Volunt33r!", "consent": "on"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'name="name" required maxlength="100" value="王芳"' in page and 'value="13912345678"' in page
    assert f'value="{wrong}" aria-invalid="true"' in page and "校验位" in page
    assert 'name="consent" checked' in page and "Volunt33r!" not in page
    fixed = client.post("/t/alpha/register", data={"name": "王芳", "phone": "13912345678", "id_number": good,
                                                    "password": "Volunt33r!", "consent": "on"}, follow_redirects=True)
    assert "感谢注册" in fixed.get_data(as_text=True)


def test_admin_pages_list_members_masked_and_add_units(client, make_tenant, make_member):
    from yinghuo.people.idnumbers import with_check_digit
    make_tenant("alpha", admin="admin@alpha.test")
    number = with_check_digit("11010519491231002")
    make_member("alpha", "v@alpha.test", name="赵敏", phone="13800001111", id_number=number)
    _login_page(client, "/t/alpha/login", "admin@alpha.test")
    members = client.get("/t/alpha/admin/members").get_data(as_text=True)
    assert "赵敏" in members and "138****1111" in members and number not in members
    assert "1101**********" in members
    r = client.post("/t/alpha/admin/units", data={"name": "城关镇", "type": "town"}, follow_redirects=True)
    assert "城关镇" in r.get_data(as_text=True)
    audit = client.get("/t/alpha/admin/audit").get_data(as_text=True)
    assert "添加组织" in audit and "unit.create" not in audit and "城关镇" in audit


def test_the_audit_log_pages_back_fifty_at_a_time(client, make_tenant, monkeypatch):
    """50 entries a page, newest first; 更早的记录 leads to the next 50 and the last page has no link."""
    import re
    make_tenant("alpha", admin="admin@alpha.test")
    _login_page(client, "/t/alpha/login", "admin@alpha.test")
    for i in range(60):
        client.post("/t/alpha/admin/units", data={"name": f"组织{i:02d}", "type": "town"})
    first = client.get("/t/alpha/admin/audit").get_data(as_text=True)
    assert first.count('data-label="时间"') == 50 and "组织59" in first and "组织09" not in first
    older = re.search(r'href="([^"]+before=\d+)" id="older"', first).group(1).replace("&amp;", "&")
    second = client.get(older).get_data(as_text=True)
    assert "组织09" in second and "组织59" not in second and 'id="older"' not in second
    shown = set(re.findall(r"组织\d\d", first)) | set(re.findall(r"组织\d\d", second))
    assert shown == {f"组织{i:02d}" for i in range(60)}


def test_the_org_tree_counts_a_big_tenants_members_from_the_kept_figures(client, make_tenant, make_member, login,
                                                                         monkeypatch):
    """Up to the exact-count limit the tree counts members now; past it (here the limit is
    lowered to 1) it shows the figures the snapshot job keeps, with their time: a member
    added after them shows once they are computed again."""
    import re
    from yinghuo.people import api
    make_tenant("alpha", admin="admin@alpha.test")
    town = client.post("/t/alpha/api/v1/units", json={"name": "城关镇", "type": "town"},
                       headers=login("alpha", "admin@alpha.test")).get_json()["id"]
    make_member("alpha", "a@alpha.test", unit_id=town)
    _login_page(client, "/t/alpha/login", "admin@alpha.test")

    def count():
        page = client.get("/t/alpha/admin/units").get_data(as_text=True)
        return int(re.search(r"城关镇</a> <span class=\"muted\">[^·]+· (\d+)", page).group(1)), "人数截至" in page
    assert count() == (1, False)
    monkeypatch.setattr(api, "EXACT_UP_TO", 1)
    assert count() == (1, True)                        # computed now (there were none) and kept
    make_member("alpha", "b@alpha.test", unit_id=town)
    assert count() == (1, True)                        # the kept figures, not a count
    monkeypatch.setattr(api, "EXACT_UP_TO", 10_000)
    assert count() == (2, False)


def test_the_org_tree_opens_one_level_at_a_time_and_adds_under_the_unit_shown(client, make_tenant, make_member,
                                                                               login):
    """The top level lists the towns with the members of everything under them and their
    number of villages; a town's page lists its villages under a trail back to the top, and
    a unit added there goes under it. A unit of another tenant, or none, is the 404 page."""
    import re
    make_tenant("alpha", admin="admin@alpha.test")
    make_tenant("beta", admin="admin@beta.test")
    api = login("alpha", "admin@alpha.test")
    town = client.post("/t/alpha/api/v1/units", json={"name": "城关镇", "type": "town"}, headers=api).get_json()["id"]
    village = client.post("/t/alpha/api/v1/units", json={"name": "东村", "type": "village", "parent_id": town},
                          headers=api).get_json()["id"]
    other = client.post("/t/beta/api/v1/units", json={"name": "外镇", "type": "town"},
                        headers=login("beta", "admin@beta.test")).get_json()["id"]
    make_member("alpha", "t@alpha.test", unit_id=town)
    make_member("alpha", "v1@alpha.test", unit_id=village)
    make_member("alpha", "v2@alpha.test", unit_id=village)
    _login_page(client, "/t/alpha/login", "admin@alpha.test")
    top = client.get("/t/alpha/admin/units").get_data(as_text=True)
    assert re.search(r"城关镇</a> <span class=\"muted\">[^·]+· 3 人 · 下级组织 1 个", top), top
    assert "东村" not in top and "全部组织" in top
    town_page = client.get(f"/t/alpha/admin/units?under={town}").get_data(as_text=True)
    assert re.search(r"东村</a> <span class=\"muted\">[^·]+· 2 人</span>", town_page)
    assert "全部组织</a>" in town_page and "<strong>城关镇</strong>" in town_page and "在「城关镇」下添加组织" in town_page
    village_page = client.get(f"/t/alpha/admin/units?under={village}").get_data(as_text=True)
    assert "城关镇</a> › <strong>东村</strong>" in village_page and "其下暂无组织" in village_page
    added = client.post("/t/alpha/admin/units", data={"name": "一组", "type": "village", "parent_id": village},
                        follow_redirects=True).get_data(as_text=True)
    assert "组织已添加" in added and "一组</a>" in added and "<strong>东村</strong>" in added
    units = {u["name"]: u for u in client.get("/t/alpha/api/v1/units", headers=api).get_json()}
    assert units["一组"]["parent_id"] == village
    for under in (other, 999_999_999):
        missing = client.get(f"/t/alpha/admin/units?under={under}")
        assert missing.status_code == 404 and "外镇" not in missing.get_data(as_text=True)
        assert "404 · 没有这个组织" in missing.get_data(as_text=True) and "Tenant alpha" in missing.get_data(as_text=True)


def test_volunteer_cannot_open_admin_pages(client, make_tenant, make_member):
    make_tenant("alpha")
    make_member("alpha", "v@alpha.test")
    _login_page(client, "/t/alpha/login", "v@alpha.test")
    assert client.get("/t/alpha/admin/members").status_code == 403


def test_operator_console_creates_tenant_and_toggles_plugins(client, operator):
    _login_page(client, "/login", "op@yinghuo.test", "Operat0r!x")
    r = client.post("/console/tenants/new", data={"slug": "newt", "name": "新租户", "kind": "county",
                                                  "plugins": "sample"}, follow_redirects=True)
    assert "newt" in r.get_data(as_text=True)
    client.post("/console/tenants/newt", data={"action": "plugins"})
    assert client.get("/t/newt/api/v1/sample/hello").status_code == 404
    client.post("/console/tenants/newt", data={"action": "suspend", "reason": "测试"})
    assert client.get("/t/newt/").status_code == 403


def test_idle_session_expires(app, client, make_tenant, make_member):
    make_tenant("alpha", settings={"session_idle_minutes": 5})
    make_member("alpha", "v@alpha.test", name="钱七")
    _login_page(client, "/t/alpha/login", "v@alpha.test")
    assert "钱七" in client.get("/t/alpha/").get_data(as_text=True)
    with client.session_transaction() as s:
        s["seen"] -= 6 * 60
    assert "钱七" not in client.get("/t/alpha/").get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(client, make_tenant, make_member):
    make_tenant("alpha")
    make_member("alpha", "v@alpha.test")
    r = client.post("/t/alpha/login", data={"login": "v@alpha.test", "password": "Passw0rd!x"})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and re.search("SameSite=Lax", cookie)


def _enrol_on_page(client, url):
    """Open the two-step page, read the key it shows, confirm with a code from it."""
    import pyotp
    page = client.get(url).get_data(as_text=True)
    assert "两步验证" in page and 'src="data:image/svg+xml' in page
    key = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    assert client.get(url).get_data(as_text=True).count(key[:4] + " " + key[4:8]) == 1  # same key until confirmed
    wrong = client.post(url, data={"code": "000000"}, follow_redirects=True).get_data(as_text=True)
    assert "验证码不正确" in wrong
    done = client.post(url, data={"code": pyotp.TOTP(key).now()}, follow_redirects=True).get_data(as_text=True)
    assert "两步验证已开启" in done
    return key


def test_admin_required_to_use_two_step_turns_it_on_from_the_page(client, make_tenant):
    """A tenant requiring TOTP for admins sends an admin without it to the page that turns it
    on; after that the admin pages open and sign-in asks for the code."""
    import pyotp
    make_tenant("alpha", admin="admin@alpha.test", settings={"require_totp_for_admins": True})
    _login_page(client, "/t/alpha/login", "admin@alpha.test")
    refused = client.get("/t/alpha/admin/members")
    assert refused.status_code == 403 and "/t/alpha/me/security" in refused.get_data(as_text=True)
    key = _enrol_on_page(client, "/t/alpha/me/security")
    assert client.get("/t/alpha/admin/members").status_code == 200
    client.post("/logout")
    again = _login_page(client, "/t/alpha/login", "admin@alpha.test")
    assert again.status_code == 401 and 'name="otp"' in again.get_data(as_text=True)
    ok = client.post("/t/alpha/login", data={"login": "admin@alpha.test", "password": "Passw0rd!x",
                                             "otp": pyotp.TOTP(key).now()})
    assert ok.status_code == 302


def test_operator_turns_on_two_step_in_the_console(app, client, operator):
    from sqlalchemy import select

    from yinghuo.extensions import db
    from yinghuo.people.models import Account
    _login_page(client, "/login", "op@yinghuo.test", "Operat0r!x")  # the operator fixture's account
    _enrol_on_page(client, "/console/security")
    with app.app_context():
        assert db.session.scalar(select(Account.totp_secret).where(Account.email == "op@yinghuo.test"))
    assert "开启两步验证" in client.get("/console/audit").get_data(as_text=True)


def test_errors_before_routing_are_chinese_pages_with_the_tenants_header(client, make_tenant):
    """A button pressed twice from an old tab (405) or a gone page (404) inside a tenant: the
    error page is in Chinese, under the tenant's own header, with a way back to its home."""
    make_tenant("alpha")
    gone = client.post("/t/alpha/me/hours")                         # a page that takes no POST
    page = gone.get_data(as_text=True)
    assert gone.status_code == 405 and "此页面已不能进行这项操作" in page
    assert "Tenant alpha" in page and "运营后台" not in page and 'href="/t/alpha/"' in page
    missing = client.get("/t/alpha/no-such-page").get_data(as_text=True)
    assert "页面不存在" in missing and "Tenant alpha" in missing
    api = client.post("/t/alpha/api/v1/me")                          # the API still answers JSON
    assert api.status_code == 405 and api.get_json()["error"]["code"] == "method_not_allowed"


@pytest.mark.time_machine(datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("UTC")))   # 07:30 on 2 December in China
def test_the_audit_log_shows_china_time(app, make_tenant):
    make_tenant("alpha", admin="admin@alpha.test")
    written = datetime.now(ZoneInfo("UTC"))                          # the frozen moment: not the same day in China
    pages = app.test_client()
    pages.post("/t/alpha/login", data={"login": "admin@alpha.test", "password": "Passw0rd!x"})
    page = pages.get("/t/alpha/admin/audit").get_data(as_text=True)
    assert written.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M") in page
    assert written.strftime("%Y-%m-%d %H:%M") not in page


def test_a_server_error_page_speaks_chinese_with_the_tenants_header(app, make_tenant, monkeypatch):
    """A 500 said "Something went wrong on our side" in English under the tenant's header."""
    from yinghuo.portal import views
    make_tenant("alpha")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(views.services, "list_activities", broken)
    page = app.test_client().get("/t/alpha/activities")
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and "服务器出了点问题" in html and "Tenant alpha" in html
