"""Headless Chromium at 390 px: a resident's request from the form (and one from a scanned
paper slip) walks to a rating."""
import re

import pytest
from yinghuo.testing import sign_in, wait_for

pytestmark = pytest.mark.browser


def _sees(browser, text):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    wait_for(browser).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), text))


def _fits(browser):
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390, browser.current_url


def _serve(browser, base, path, *, escalate_note, done_note):
    """The station passes it up, the institute dispatches, the team takes it and serves."""
    _step(browser, base, path, "escalate", note=escalate_note)
    sign_in(browser, base, "county", "east@county.test")
    _step(browser, base, path, "dispatch", team="东镇志愿服务分队")
    sign_in(browser, base, "county", "lead@county.test")
    _step(browser, base, path, "accept")
    _step(browser, base, path, "finish", note=done_note)


def _step(browser, base, demand_path, action, note=None, team=None):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    browser.get(f"{base}{demand_path}")
    if team is not None:
        Select(browser.find_element(By.NAME, "team_unit_id")).select_by_visible_text(team)
    if note is not None:
        form = browser.find_element(By.ID, f"do-{action}").find_element(By.XPATH, "..")
        form.find_element(By.NAME, "note").send_keys(note)
    browser.find_element(By.ID, f"do-{action}").click()
    _sees(browser, "已保存")


def test_a_request_from_the_form_and_one_from_a_slip_reach_a_rating(county, live_server, browser, client):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    base = live_server
    browser.delete_all_cookies()                                          # the resident, not signed in
    browser.get(f"{base}/t/county/stations/ask")
    _fits(browser)
    Select(browser.find_element(By.NAME, "station_id")).select_by_visible_text("东关村实践站")
    browser.find_element(By.CSS_SELECTOR, "input[name=category][value='生活照料']").click()
    browser.find_element(By.NAME, "need").send_keys("老人独居，需要每周上门打扫")
    browser.find_element(By.NAME, "contact_name").send_keys("王奶奶")
    browser.find_element(By.NAME, "contact_phone").send_keys("13912345678")
    browser.find_element(By.CSS_SELECTOR, "#ask button").click()
    _sees(browser, "回执")
    receipt = browser.find_element(By.CSS_SELECTOR, ".big-number").text

    sign_in(browser, base, "county", "s1@county.test")                             # the station passes it up
    browser.get(f"{base}/t/county/stations/board")
    browser.find_element(By.CSS_SELECTOR, "#demands a").click()
    demand_path = browser.current_url.split(base)[1]
    _serve(browser, base, demand_path, escalate_note="本站没有保洁队伍", done_note="上门打扫两小时")
    browser.get(f"{base}/t/county/stations/inbox")
    _fits(browser)

    browser.delete_all_cookies()                                          # the resident rates it
    browser.get(f"{base}/t/county/stations/track")
    browser.find_element(By.NAME, "receipt").send_keys(receipt)
    browser.find_element(By.NAME, "phone_tail").send_keys("5678")
    browser.find_element(By.CSS_SELECTOR, "#lookup button").click()
    _sees(browser, "已完成")
    browser.find_element(By.CSS_SELECTOR, "#rate input[name=rating][value='5']").click()
    browser.find_element(By.CSS_SELECTOR, "#rate button").click()
    _sees(browser, "感谢您的评价")
    assert "已评价" in browser.find_element(By.ID, "demand-state").text

    sign_in(browser, base, "county", "s1@county.test")                             # a slip from the letterbox
    browser.get(f"{base}/t/county/stations/intake?station={county['units']['s1']}&serial=SLIP-7&channel=letterbox")
    browser.find_element(By.CSS_SELECTOR, "input[name=category][value='维修帮扶']").click()
    browser.find_element(By.NAME, "need").send_keys("屋顶漏雨")
    browser.find_element(By.NAME, "contact_name").send_keys("李大爷")
    browser.find_element(By.NAME, "contact_phone").send_keys("13700001234")
    browser.find_element(By.CSS_SELECTOR, "#intake button").click()
    _sees(browser, "回执")
    slip_receipt = browser.find_element(By.CSS_SELECTOR, ".big-number").text
    [slip] = [d for d in client.get("/t/county/api/v1/stations/demands", headers=county["admin"]).get_json()
              if d["receipt"] == slip_receipt]
    assert slip["channel"] == "letterbox" and slip["slip_serial"] == "SLIP-7"
    slip_path = f"/t/county/stations/demands/{slip['id']}"
    _serve(browser, base, slip_path, escalate_note="需要施工队", done_note="已修补屋顶")
    sign_in(browser, base, "county", "s1@county.test")                    # a rating taken by phone
    browser.get(f"{base}{slip_path}")
    browser.find_element(By.CSS_SELECTOR, "#rate-by-phone input[name=rating][value='4']").click()
    browser.find_element(By.CSS_SELECTOR, "#rate-by-phone button").click()
    _sees(browser, "已保存")
    rated = client.get(f"/t/county/api/v1/stations/demands/{slip['id']}", headers=county["admin"]).get_json()
    assert rated["status"] == "rated" and rated["rating"] == 4 and rated["rated_by_phone"] is True
    assert re.search(r"\d", receipt)
