"""Real headless Chromium (Debian's package) drives the pages: the operator console, and a
volunteer's way from sign-up to certificate."""
import shutil
import threading

import pytest
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(app, database_url, tmp_path):
    """The same database served over HTTP by a second app with CSRF protection on."""
    from yinghuo.app import create_app
    from yinghuo.testing.pytest_plugin import make_env
    live = create_app({"ENV": make_env(database_url, tmp_path), "WTF_CSRF_ENABLED": True,
                       "YINGHUO_EXTRA_PLUGINS": ["yinghuo.testing.sample_plugin"]})
    server = make_server("127.0.0.1", 0, live, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def browser(tmp_path):
    """Debian's Chromium, headless, phone-sized, downloads into tmp_path/downloads."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    assert shutil.which("chromium") and shutil.which("chromedriver"), "install Debian's chromium and chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=390,844"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.implicitly_wait(5)
    (tmp_path / "downloads").mkdir()
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow",
                                                         "downloadPath": str(tmp_path / "downloads")})
    yield driver
    driver.quit()


def test_operator_logs_in_and_creates_a_tenant(app, operator, live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
    wait = WebDriverWait(browser, 10)
    browser.get(f"{live_server}/login")
    browser.find_element(By.NAME, "login").send_keys("op@yinghuo.test")
    browser.find_element(By.NAME, "password").send_keys("Operat0r!x")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "租户"))
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


def _sign_in(browser, base, slug, email, password="Passw0rd!x"):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
    browser.delete_all_cookies()
    browser.get(f"{base}/t/{slug}/login")
    browser.find_element(By.NAME, "login").send_keys(email)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    WebDriverWait(browser, 10).until(EC.url_changes(f"{base}/t/{slug}/login"))


def _click(browser, selector):
    from selenium.webdriver.common.by import By
    browser.find_element(By.CSS_SELECTOR, selector).click()


def _flash(browser, text):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main"), text))


def test_volunteer_signs_up_scans_in_gets_hours_approved_and_downloads_certificate(
        app, client, make_tenant, make_member, login, live_server, browser, tmp_path):
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

    _sign_in(browser, live_server, "county", "vol@county.test")           # the volunteer signs up
    browser.get(detail)
    _click(browser, "main form button")
    _flash(browser, "报名成功")

    _sign_in(browser, live_server, "county", "admin@county.test")         # the leader shows the QR
    browser.get(f"{detail}/onsite")
    assert browser.find_element(By.CSS_SELECTOR, "figure.qr img").get_attribute("src").startswith("data:image/svg")
    scan_url = browser.find_element(By.ID, "scan-link").get_attribute("href")

    _sign_in(browser, live_server, "county", "vol@county.test")           # the volunteer scans it
    browser.get(scan_url)
    _click(browser, "#scan button")
    _flash(browser, "已签到")

    _sign_in(browser, live_server, "county", "admin@county.test")         # complete, approve
    browser.get(f"{detail}/onsite")
    _click(browser, "main > form button")
    _flash(browser, "已保存")
    browser.get(f"{live_server}/t/county/admin/hours")
    assert "刘志愿" in browser.find_element(By.TAG_NAME, "main").text
    _click(browser, "button[name=decision][value=approve]")
    _flash(browser, "已保存")

    _sign_in(browser, live_server, "county", "vol@county.test")           # hours, then the certificate
    browser.get(f"{live_server}/t/county/me/hours")
    assert "★" in browser.page_source or "☆" in browser.page_source
    browser.get(f"{live_server}/t/county/me/certificates")
    _click(browser, "main form button[type=submit]")
    _flash(browser, "证明")
    browser.get(f"{live_server}/t/county/me/certificates")
    browser.find_element(By.CSS_SELECTOR, "a.download").click()
    for _ in range(50):
        pdfs = list((tmp_path / "downloads").glob("*.pdf"))
        if pdfs:
            break
        time.sleep(0.2)
    assert pdfs and pdfs[0].read_bytes().startswith(b"%PDF")
    browser.save_screenshot(str(tmp_path / "certificates.png"))
