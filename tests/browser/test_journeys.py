"""Each role's main journey in headless Chromium on a 390 px phone (the volunteer's is in
test_pages_in_chromium): the leader signs up a walk-in, checks people in and finishes the
activity; the admin imports members, approves the hours and issues a certificate."""
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import Workbook

from yinghuo.testing import csp_violations, sign_in, wait_for

pytestmark = pytest.mark.browser


def _sees(browser, text, where="main"):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    wait_for(browser).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, where), text))


def _fits(browser):
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390, browser.current_url


def _running_activity(client, login, now, **fields):
    leader = login("county", "lead@county.test")
    a = client.post("/t/county/api/v1/activities", headers=leader, json={
        "title": "入户助老", "category": "文化服务", "capacity": 5, "address": "西河村",
        "starts_at": (now - timedelta(minutes=20)).isoformat(), "ends_at": (now + timedelta(hours=1)).isoformat(),
        **fields}).get_json()[0]
    client.post(f"/t/county/api/v1/activities/{a['id']}/publish", json={}, headers=leader)
    return a


def test_leader_signs_up_a_walk_in_checks_in_for_others_and_finishes(
        app, client, make_tenant, make_member, login, live_server, browser, time_machine):
    from selenium.webdriver.common.by import By
    make_tenant("county", admin="admin@county.test")
    make_member("county", "lead@county.test", roles=["leader", "volunteer"], name="张队长")
    make_member("county", "vol@county.test", name="刘志愿")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    a = _running_activity(client, login, now)
    client.post(f"/t/county/api/v1/activities/{a['id']}/signups", json={}, headers=login("county", "vol@county.test"))
    onsite = f"{live_server}/t/county/activities/{a['id']}/onsite"

    sign_in(browser, live_server, "county", "lead@county.test")
    browser.get(onsite)
    _fits(browser)
    browser.find_element(By.CSS_SELECTOR, "#add-walk-in").find_element(By.XPATH, "..").click()   # open <details>
    browser.find_element(By.CSS_SELECTOR, "#add-walk-in input[name=name]").send_keys("王奶奶")
    browser.find_element(By.CSS_SELECTOR, "#add-walk-in button").click()
    _sees(browser, "王奶奶 已报名并签到")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "tbody tr") if "刘志愿" in r.text)
    row.find_element(By.TAG_NAME, "button").click()                      # proxy check-in
    _sees(browser, "刘志愿: 已签到")
    time_machine.move_to(now + timedelta(hours=2))
    sign_in(browser, live_server, "county", "lead@county.test")            # idle sessions end
    browser.get(onsite)
    browser.find_element(By.CSS_SELECTOR, "#complete input[name=confirm]").click()
    browser.find_element(By.CSS_SELECTOR, "#complete button").click()
    _sees(browser, "已保存")
    browser.get(onsite)
    assert browser.find_elements(By.ID, "qr-stopped")
    pending = client.get(f"/t/county/api/v1/hours?status=pending&activity_id={a['id']}",
                         headers=login("county", "admin@county.test")).get_json()
    assert len(pending) == 2 and all(r["evidence"] == "proxy" for r in pending)


def test_admin_imports_members_approves_hours_and_issues_a_certificate(
        app, client, make_tenant, make_member, login, live_server, browser, tmp_path, time_machine):
    import time
    from selenium.webdriver.common.by import By
    make_tenant("county", admin="admin@county.test")
    make_member("county", "lead@county.test", roles=["leader", "volunteer"], name="张队长")
    book = Workbook()
    book.active.append(("姓名", "手机号", "身份证号", "所属组织"))
    book.active.append(("赵大爷", "", "", ""))
    book.active.append(("钱大妈", "139", "", ""))
    sheet = tmp_path / "名单.xlsx"
    book.save(sheet)

    sign_in(browser, live_server, "county", "admin@county.test")
    browser.get(f"{live_server}/t/county/admin/members")
    browser.find_element(By.LINK_TEXT, "导入成员").click()
    browser.find_element(By.CSS_SELECTOR, "#upload input[type=file]").send_keys(str(sheet))
    browser.find_element(By.CSS_SELECTOR, "#upload button").click()
    _sees(browser, "导入 1 条无误的记录")
    assert "应为 11 位大陆手机号" in browser.find_element(By.ID, "problems").text
    _fits(browser)
    browser.find_element(By.CSS_SELECTOR, "#confirm button").click()
    _sees(browser, "已导入 1 名成员")

    now = datetime.now(timezone.utc).replace(microsecond=0)
    a = _running_activity(client, login, now)
    leader = login("county", "lead@county.test")
    grandpa = next(m["id"] for m in client.get("/t/county/api/v1/members", headers=login(
        "county", "admin@county.test")).get_json() if m["name"] == "赵大爷")
    client.post(f"/t/county/api/v1/activities/{a['id']}/signups", json={"member_id": grandpa}, headers=leader)
    client.post(f"/t/county/api/v1/activities/{a['id']}/checkins", json={"member_id": grandpa}, headers=leader)
    time_machine.move_to(now + timedelta(hours=2))
    client.post(f"/t/county/api/v1/activities/{a['id']}/complete", json={}, headers=leader)

    sign_in(browser, live_server, "county", "admin@county.test")           # idle sessions end
    browser.get(f"{live_server}/t/county/admin/hours?activity_id={a['id']}")
    browser.find_element(By.ID, "tick-all").click()  # ticks every record by yinghuo.js, under the CSP
    assert all(box.is_selected() for box in browser.find_elements(By.CSS_SELECTOR, "input[type=checkbox][name=record_id]"))
    assert csp_violations(browser) == []
    browser.find_element(By.ID, "approve-selected").click()
    _sees(browser, "已保存：1 条记录")
    browser.get(f"{live_server}/t/county/admin/certificates?find=赵大爷")
    browser.find_element(By.CSS_SELECTOR, "#found button").click()
    _sees(browser, "正在为 赵大爷 制作证明")
    browser.get(f"{live_server}/t/county/admin/certificates")
    _fits(browser)
    browser.find_element(By.CSS_SELECTOR, "#certificates a.download").click()
    for _ in range(50):
        pdfs = list((tmp_path / "downloads").glob("*.pdf"))
        if pdfs and pdfs[0].read_bytes().endswith((b"%%EOF", b"%%EOF\n")):
            break
        time.sleep(0.2)
    assert pdfs and pdfs[0].read_bytes().startswith(b"%PDF")
