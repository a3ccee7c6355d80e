"""Real headless Chromium (Debian's package) logs in and creates a tenant in the console."""
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
