"""Real headless Chromium (Debian's package) drives the pages: the operator console, and a
volunteer's way from sign-up to certificate."""
import pytest

from yinghuo.testing import sign_in, wait_for

pytestmark = pytest.mark.browser


def _operator_signs_in(browser, live_server):
    """The operator fixture's account signs in to the console; the tenants list opens."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    wait = wait_for(browser)
    browser.get(f"{live_server}/login")
    browser.find_element(By.NAME, "login").send_keys("op@yinghuo.test")
    browser.find_element(By.NAME, "password").send_keys("Operat0r!x")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "租户"))
    return wait


def test_operator_logs_in_and_creates_a_tenant(app, operator, live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    wait = _operator_signs_in(browser, live_server)
    browser.find_element(By.LINK_TEXT, "创建租户").click()
    wait.until(EC.url_contains("/console/tenants/new"))
    browser.find_element(By.NAME, "slug").send_keys("browser-made")
    browser.find_element(By.NAME, "name").send_keys("浏览器创建的县")
    browser.find_element(By.CSS_SELECTOR, "input[name=plugins][value=sample]").click()
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash.ok"), "browser-made"))
    assert "浏览器创建的县" in browser.find_element(By.TAG_NAME, "main").text
    browser.save_screenshot(str(app.instance_path) + "/console.png")
    from yinghuo.tenancy.services import get_tenant
    with app.app_context():
        tenant = get_tenant("browser-made")
        assert tenant.name == "浏览器创建的县" and tenant.enabled_plugins == ["sample"]


def test_form_without_csrf_token_is_refused(app, live_server):
    import urllib.error
    import urllib.request
    request = urllib.request.Request(f"{live_server}/login", data=b"login=a&password=b", method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request)
    assert err.value.code == 400
    assert "表单已过期或不是从本站提交的" in err.value.read().decode()  # in Chinese, not Flask-WTF's English


def _click(browser, selector):
    from selenium.webdriver.common.by import By
    browser.find_element(By.CSS_SELECTOR, selector).click()


def _flash(browser, text):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    wait_for(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main"), text))


def test_volunteer_signs_up_scans_in_gets_hours_approved_and_downloads_certificate(
        app, client, make_tenant, make_member, login, live_server, browser, tmp_path, time_machine):
    import time
    from datetime import datetime, timedelta, timezone
    from selenium.webdriver.common.by import By
    make_tenant("county", admin="admin@county.test")
    make_member("county", "vol@county.test", name="刘志愿")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    admin = login("county", "admin@county.test")
    activity = client.post("/t/county/api/v1/activities", json={
        "title": "社区义诊", "category": "文化服务", "capacity": 5, "address": "东关村卫生室",
        "starts_at": (now - timedelta(minutes=30)).isoformat(), "ends_at": (now + timedelta(hours=1)).isoformat()},
        headers=admin).get_json()[0]
    client.post(f"/t/county/api/v1/activities/{activity['id']}/publish", json={}, headers=admin)
    detail = f"{live_server}/t/county/activities/{activity['id']}"

    sign_in(browser, live_server, "county", "vol@county.test")           # the volunteer signs up
    browser.get(detail)
    _click(browser, "main form button")
    _flash(browser, "报名成功")

    sign_in(browser, live_server, "county", "admin@county.test")         # the leader shows the QR
    browser.get(f"{detail}/onsite")
    assert browser.find_element(By.CSS_SELECTOR, "figure.qr img").get_attribute("src").startswith("data:image/svg")
    scan_url = browser.find_element(By.ID, "scan-link").get_attribute("href")

    sign_in(browser, live_server, "county", "vol@county.test")           # the volunteer scans it
    browser.get(scan_url)
    _click(browser, "#scan button")
    _flash(browser, "已签到")

    time_machine.move_to(now + timedelta(hours=1, minutes=30))            # the activity is over
    sign_in(browser, live_server, "county", "admin@county.test")         # complete, approve
    browser.get(f"{detail}/onsite")
    _click(browser, "#complete input[name=confirm]")
    _click(browser, "#complete button")
    _flash(browser, "已保存")
    browser.get(f"{detail}/onsite")
    assert browser.find_elements(By.ID, "qr-stopped") and not browser.find_elements(By.CSS_SELECTOR, "figure.qr")
    browser.get(f"{live_server}/t/county/admin/hours")
    assert "刘志愿" in browser.find_element(By.TAG_NAME, "main").text
    _click(browser, "button[name=approve_one]")
    _flash(browser, "已保存")

    sign_in(browser, live_server, "county", "vol@county.test")           # hours, then the certificate
    browser.get(f"{live_server}/t/county/me/hours")
    assert "★" in browser.page_source or "☆" in browser.page_source
    browser.get(f"{live_server}/t/county/me/certificates")
    _click(browser, "main form button[type=submit]")
    _flash(browser, "证明")
    browser.get(f"{live_server}/t/county/me/certificates")
    browser.find_element(By.CSS_SELECTOR, "a.download").click()
    for _ in range(50):  # the file appears first, its bytes a moment later
        pdfs = list((tmp_path / "downloads").glob("*.pdf"))
        if pdfs and pdfs[0].read_bytes().endswith((b"%%EOF", b"%%EOF\n")):
            break
        time.sleep(0.2)
    assert pdfs and pdfs[0].read_bytes().startswith(b"%PDF")
    browser.save_screenshot(str(tmp_path / "certificates.png"))


def test_form_pages_fit_a_phone(make_tenant, live_server, browser):
    """Forms are as wide as the phone, not as wide as their fields: at 390 px the page does
    not scroll sideways (a 20-character field in a Chinese font is wider than the screen)."""
    make_tenant("county", admin="admin@county.test")
    sign_in(browser, live_server, "county", "admin@county.test")
    for path in ("/t/county/activities/new", "/t/county/admin/units", "/t/county/admin/members", "/t/county/register"):
        browser.get(f"{live_server}{path}")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390, path


def test_the_operator_status_page_fits_a_phone(app, operator, live_server, browser):
    """The system status page (the doctor's checks, the periodic runs) at 390 px, in Chinese."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    wait = _operator_signs_in(browser, live_server)
    browser.find_element(By.LINK_TEXT, "系统状态").click()
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "系统状态"))
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "数据库" in text and "定时任务" in text and "PDF 中文字体" in text
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    browser.save_screenshot(str(app.instance_path) + "/status.png")


def test_the_pages_issue_18_changed_fit_a_phone_in_chinese(app, make_tenant, make_member, login, client, clock,
                                                          live_server, browser, tmp_path):
    """The approval queue with a flagged record, member list, org tree, audit log with its
    paging; a volunteer sent to the audit log gets the Chinese refusal page; all at 390 px."""
    make_tenant("county", admin="admin@county.test")
    vol = make_member("county", "v@county.test", name="王秀英")
    leader = make_member("county", "lead@county.test", roles=["leader", "volunteer"], name="队长")
    assert leader
    client.post("/t/county/api/v1/hours", json={"member_id": vol, "minutes": 90, "served_on": clock.day(-3),
                                                "content": "入户走访", "note": "村委见证"},
                headers=login("county", "lead@county.test"))
    admin = login("county", "admin@county.test")
    town = client.post("/t/county/api/v1/units", json={"name": "新时代文明实践所城关镇分所", "type": "town"},
                       headers=admin).get_json()["id"]
    client.post("/t/county/api/v1/units", json={"name": "东关村新时代文明实践站", "type": "village", "parent_id": town},
                headers=admin)
    sign_in(browser, live_server, "county", "admin@county.test")
    for path, words in (("/t/county/admin/hours", "手工录入"), ("/t/county/admin/members?q=秀英", "王秀英"),
                        ("/t/county/admin/units", "下级组织 1 个"), (f"/t/county/admin/units?under={town}", "全部组织"),
                        ("/t/county/admin/audit", f"时间: {clock.today().year}")):
        browser.get(f"{live_server}{path}")
        assert words in browser.page_source, path
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390, path
        shot = path.strip("/").replace("/", "_").replace("?", "_").replace("=", "_")
        browser.save_screenshot(str(tmp_path / f"{shot}.png"))
    browser.delete_all_cookies()
    sign_in(browser, live_server, "county", "v@county.test")
    browser.get(f"{live_server}/t/county/admin/audit")
    assert "403 · 您没有进行此操作的权限" in browser.page_source
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
