"""Headless Chromium at 390 px: a villager without an account confirms a phone by the texted
code and votes, and sees the count move; a judge fills a score sheet on a phone."""
import logging
import re

import pytest
from yinghuo.testing import sign_in, wait_for

from .conftest import BASE, accepted_entries, competition, set_stage

pytestmark = pytest.mark.browser


def _sees(browser, text):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    wait_for(browser).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), text))


def _fits(browser):
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390, browser.current_url


def test_a_voter_confirms_a_phone_by_code_votes_and_sees_the_count(client, hub, clock, live_server, browser, caplog):
    from selenium.webdriver.common.by import By
    c = competition(client, hub, clock, submission=-1, review=+1, eligibility="children")
    entry = accepted_entries(client, hub, c, ["乡村儿童周末课堂"])[0]
    set_stage(client, hub, clock, c, "voting")
    caplog.set_level(logging.WARNING, logger="yinghuo.texts")
    browser.get(f"{live_server}/t/hub/competitions/{c['id']}")
    _fits(browser)
    card = browser.find_element(By.ID, f"entry-{entry}")
    assert card.find_element(By.CLASS_NAME, "vote-count").text == "0"
    card.find_element(By.LINK_TEXT, "用手机号投票").click()
    _sees(browser, "无需注册")
    _fits(browser)
    browser.find_element(By.NAME, "phone").send_keys("13912345678")
    browser.find_element(By.CSS_SELECTOR, "main form button").click()
    _sees(browser, "验证码已发送")
    code = re.search(r"(\d{6})", [r.getMessage() for r in caplog.records if r.name == "yinghuo.texts"][-1]).group(1)
    browser.find_element(By.NAME, "code").send_keys(code)
    browser.find_element(By.CSS_SELECTOR, "main form button").click()
    _sees(browser, "手机号已确认")
    browser.find_element(By.CSS_SELECTOR, f"#entry-{entry} form button").click()
    _sees(browser, "您的一票已计入")
    assert browser.find_element(By.CSS_SELECTOR, f"#entry-{entry} .vote-count").text == "1"
    browser.find_element(By.CSS_SELECTOR, f"#entry-{entry} form button").click()
    _sees(browser, "您今天已为这个项目投过票")
    assert browser.find_element(By.CSS_SELECTOR, f"#entry-{entry} .vote-count").text == "1"
    _fits(browser)
    assert client.get(f"{BASE}/{c['id']}/tally").get_json() == {str(entry): 1}


def test_a_judge_fills_a_score_sheet_on_a_phone(client, hub, clock, make_member, live_server, browser):
    from selenium.webdriver.common.by import By
    c = competition(client, hub, clock, submission=-1, review=+1, eligibility="children")
    entry = accepted_entries(client, hub, c, ["银发手机课堂"])[0]
    judge = make_member("hub", "judge@hub.test", name="李教授")
    assert client.post(f"{BASE}/{c['id']}/judges", headers=hub["admin"],
                       json={"member_id": judge, "categories": ["education"]}).status_code == 201
    set_stage(client, hub, clock, c, "judging")
    sign_in(browser, live_server, "hub", "judge@hub.test")
    browser.get(f"{live_server}/t/hub/competitions/judging")
    _sees(browser, "已提交 0 / 1")
    _fits(browser)
    browser.find_element(By.CSS_SELECTOR, "main .list a").click()
    browser.find_element(By.ID, f"judge-entry-{entry}").click()
    _sees(browser, "申报利益冲突")
    _fits(browser)
    browser.find_element(By.NAME, "score_need").send_keys("25")                       # above the top: refused
    for key, score in (("goals", "16"), ("implementation", "17.5"), ("results", "15"), ("distinctiveness", "19")):
        browser.find_element(By.NAME, f"score_{key}").send_keys(score)
    browser.execute_script("document.querySelector('input[name=score_need]').removeAttribute('max')")
    browser.find_element(By.CSS_SELECTOR, "#sheet button[value=submit]").click()
    _sees(browser, "0 至 20")
    need = browser.find_element(By.NAME, "score_need")
    need.clear()
    need.send_keys("18")
    browser.find_element(By.CSS_SELECTOR, "#sheet button[value=submit]").click()
    _sees(browser, "已提交：评分表已锁定")
    _fits(browser)
    browser.find_element(By.ID, f"judge-entry-{entry}").click()
    assert browser.find_element(By.ID, "sheet-total").text == "85.50"
    assert browser.find_element(By.NAME, "score_need").get_attribute("disabled")
    assert client.get(f"{BASE}/{c['id']}/scores", headers=hub["admin"]).get_json() == [{"entry_id": entry,
                                                                                      "score": 85.5}]
