"""A person's own account: details, password change, and a reset by a one-time link (made
by an admin for someone without email, or mailed where the platform sends mail)."""
import re


def _signed_in(app, slug, email, password="Passw0rd!x"):
    page = app.test_client()
    page.post(f"/t/{slug}/login", data={"login": email, "password": password})
    return page


def _can_sign_in(app, slug, email, password) -> bool:
    r = app.test_client().post(f"/t/{slug}/login", data={"login": email, "password": password})
    return r.status_code == 302


def test_a_volunteer_changes_details_and_password(app, make_tenant, make_member):
    make_tenant("county")
    make_member("county", "vol@county.test", name="刘志愿")
    page = _signed_in(app, "county", "vol@county.test")
    assert "我的账号" in page.get("/t/county/").get_data(as_text=True)
    bad = page.post("/t/county/me/account", data={"do": "profile", "name": "刘志愿", "phone": "139"})
    assert bad.status_code == 422 and 'value="139"' in bad.get_data(as_text=True)
    page.post("/t/county/me/account", data={"do": "profile", "name": "刘志远", "phone": "13912345678"})
    assert 'value="刘志远"' in page.get("/t/county/me/account").get_data(as_text=True)
    wrong = page.post("/t/county/me/account", data={"do": "password", "current_password": "nope",
                                                    "new_password": "Fresh2026!x", "repeat_password": "Fresh2026!x"})
    assert wrong.status_code == 403 and "当前密码不正确" in wrong.get_data(as_text=True)
    differ = page.post("/t/county/me/account", data={"do": "password", "current_password": "Passw0rd!x",
                                                     "new_password": "Fresh2026!x", "repeat_password": "Fresh2026!y"})
    assert "两次输入的新密码不一致" in differ.get_data(as_text=True) and "Fresh2026" not in differ.get_data(as_text=True)
    page.post("/t/county/me/account", data={"do": "password", "current_password": "Passw0rd!x",
                                            "new_password": "Fresh2026!x", "repeat_password": "Fresh2026!x"})
    assert _can_sign_in(app, "county", "vol@county.test", "Fresh2026!x")
    assert not _can_sign_in(app, "county", "vol@county.test", "Passw0rd!x")


def test_an_admin_makes_a_reset_link_that_works_once(app, make_tenant, make_member):
    make_tenant("county", admin="admin@county.test")
    vol = make_member("county", "vol@county.test", name="刘志愿")
    admin = _signed_in(app, "county", "admin@county.test")
    assert "重设密码链接" in admin.get("/t/county/admin/members").get_data(as_text=True)
    shown = admin.post(f"/t/county/admin/members/{vol}/reset-link").get_data(as_text=True)
    link = re.search(r'id="reset-link" value="([^"]+)"', shown).group(1)
    path = "/" + link.split("/", 3)[3]
    visitor = app.test_client()
    assert "设置新密码" in visitor.get(path).get_data(as_text=True)
    visitor.post(path, data={"new_password": "Reset2026!x", "repeat_password": "Reset2026!x"})
    assert _can_sign_in(app, "county", "vol@county.test", "Reset2026!x")
    used = visitor.get(path)
    assert used.status_code == 422 or "已经用过" in used.get_data(as_text=True)
    assert "已经用过" in visitor.post(path, data={"new_password": "Again2026!x", "repeat_password": "Again2026!x"},
                                   follow_redirects=True).get_data(as_text=True)
    assert not _can_sign_in(app, "county", "vol@county.test", "Again2026!x")
    forged = visitor.get("/t/county/reset/not-a-token")
    assert "无效" in forged.get_data(as_text=True)


def test_forgot_password_never_tells_whether_an_account_exists(app, make_tenant, make_member):
    make_tenant("county")
    make_member("county", "vol@county.test")
    visitor = app.test_client()
    page = visitor.get("/t/county/reset").get_data(as_text=True)
    assert "管理员或队长可以在成员页面为你生成重设链接" in page
    assert 'id="forgot"' in visitor.get("/t/county/login").get_data(as_text=True)
