"""Headless Chromium at 390 px: a clerk awards points at the counter, the villager redeems
on the shelf and picks the goods up by the code the clerk types in."""
import re

import pytest
from yinghuo.testing import sign_in, wait_for

from .conftest import BASE, balance, post, set_points

pytestmark = pytest.mark.browser


def _sees(browser, text):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    wait_for(browser).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), text))


def _fits(browser):
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390, browser.current_url


def test_a_clerk_awards_at_the_counter_and_the_villager_redeems_and_picks_up_by_code(
        village, shop, client, operator, live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    base = live_server
    set_points(client, operator, notice_days=0)
    post(client, "/items", village["admin"], name="照顾留守儿童", points=40, category="邻里互助", evidence="note")

    sign_in(browser, base, "village", "clerk@village.test")                  # the clerk at the counter
    browser.get(f"{base}/t/village/points/counter")
    _fits(browser)
    browser.find_element(By.CSS_SELECTOR, "#find-form input[name=find]").send_keys("13912345678")
    browser.find_element(By.CSS_SELECTOR, "#find-form button").click()
    browser.find_element(By.CSS_SELECTOR, "#people a").click()
    _sees(browser, "奖励积分")
    _fits(browser)
    Select(browser.find_element(By.NAME, "item_id")).select_by_visible_text("照顾留守儿童 (+40) · 需写明情况")
    browser.find_element(By.CSS_SELECTOR, "#award-form input[name=note]").send_keys("暑假每天照看邻居家孩子")
    browser.find_element(By.ID, "award").click()
    _sees(browser, "已保存")
    assert browser.find_element(By.ID, "balance").text == "40"

    sign_in(browser, base, "village", "granny@village.test")                 # the villager redeems
    browser.get(f"{base}/t/village/points/mine")
    assert browser.find_element(By.ID, "balance").text == "40"
    browser.get(f"{base}/t/village/points/shops")
    browser.find_element(By.CSS_SELECTOR, "#shops a").click()
    _fits(browser)
    rice = browser.find_element(By.ID, f"good-{shop['rice']}")
    rice.find_element(By.TAG_NAME, "button").click()
    _sees(browser, "取货码")
    _fits(browser)
    code = browser.find_element(By.ID, "pickup-code").text
    assert re.fullmatch(r"\d{4} \d{4}", code)
    assert browser.find_element(By.CSS_SELECTOR, ".qr img").get_attribute("src").startswith("data:image/svg+xml")
    order_url = browser.current_url
    assert balance(client, village) == 10

    sign_in(browser, base, "village", "clerk@village.test")                  # picked up by the code
    browser.get(f"{base}/t/village/points/counter")
    browser.find_element(By.CSS_SELECTOR, "#code-form input[name=code]").send_keys(code)
    browser.find_element(By.CSS_SELECTOR, "#code-form button").click()
    _sees(browser, "大米 5 斤 × 1")
    browser.find_element(By.ID, "hand-over").click()
    _sees(browser, "已交付")

    sign_in(browser, base, "village", "granny@village.test")
    browser.get(order_url)
    _sees(browser, "已领取")
    assert client.get(f"{BASE}/check", headers=village["admin"]).get_json()["ok"] is True
