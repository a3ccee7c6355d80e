"""Headless Chromium: a squad leader drafts this week's summary on a phone-sized screen,
attaches a photo and submits it; a reviewer of the archive group accepts it from the queue."""
from datetime import datetime, timezone

import pytest
from yinghuo.testing import sign_in, wait_for

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_leader_drafts_and_submits_reviewer_accepts(app, client, project, live_server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    wait = wait_for(browser)

    sign_in(browser, live_server, "uni", "lead_a@uni.test")
    browser.get(f"{live_server}/t/uni/teams/")
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "本周任务"))
    browser.find_element(By.ID, "start-weekly").click()
    wait.until(EC.presence_of_element_located((By.ID, "save")))
    first = browser.find_element(By.CSS_SELECTOR, "textarea[name='section:本周工作']")
    first.send_keys("走访脱贫户 12 户，整理入户台账。")
    browser.find_element(By.ID, "save").click()
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash.ok"), "已保存"))
    photo = tmp_path / "走访.png"
    photo.write_bytes(PNG)
    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(photo))
    browser.find_element(By.XPATH, "//button[text()='上传']").click()
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash.ok"), "附件已上传"))
    assert "走访.png" in browser.find_element(By.TAG_NAME, "main").text
    browser.find_element(By.ID, "submit-report").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "report-status"), "已提交"))
    report_url = browser.current_url
    assert not browser.find_elements(By.ID, "save")  # no more editing once submitted
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert browser.execute_script("return window.innerWidth") == 390
    wide = browser.execute_script("""return [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className + ':' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)""")
    assert width <= 390, f"the page is {width}px wide on a 390px phone: {wide}"

    sign_in(browser, live_server, "uni", "arch@uni.test")
    browser.get(f"{live_server}/t/uni/teams/review")
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "待审报告"))
    browser.find_element(By.CSS_SELECTOR, f"a[href$='{report_url.split('/t/uni')[1]}']").click()
    assert "走访脱贫户 12 户" in browser.find_element(By.TAG_NAME, "main").text
    browser.find_element(By.ID, "accept-report").click()
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash.ok"), "已验收"))
    assert "没有待审的报告" in browser.find_element(By.TAG_NAME, "main").text
    browser.save_screenshot(str(tmp_path / "review.png"))

    report_id = int(report_url.rstrip("/").split("/")[-1])
    got = client.get(f"/t/uni/api/v1/teams/reports/{report_id}", headers=project["admin"]).get_json()
    assert got["status"] == "accepted"
    assert [h["action"] for h in got["history"]] == ["submit", "accept"]
    assert [a["filename"] for a in got["attachments"]] == ["走访.png"]
    assert got["sections"]["本周工作"] == "走访脱贫户 12 户，整理入户台账。"
    assert got["period_start"] == _monday_in_china()


def _monday_in_china() -> str:
    from datetime import timedelta
    from zoneinfo import ZoneInfo
    today = datetime.now(timezone.utc).astimezone(ZoneInfo("Asia/Shanghai")).date()
    return (today - timedelta(days=today.weekday())).isoformat()


def test_report_edit_submit_return_resubmit_on_a_phone(app, client, project, live_server, browser):
    """The teams journey: the leader types and taps 提交 straight away (the typed text is what
    is submitted); the reviewer returns it with a comment; the leader finds the notice in the
    inbox, the comment on top of the report, changes the text and submits again."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    wait = wait_for(browser)

    sign_in(browser, live_server, "uni", "lead_a@uni.test")
    browser.get(f"{live_server}/t/uni/teams/")
    browser.find_element(By.ID, "start-weekly").click()
    wait.until(EC.presence_of_element_located((By.ID, "submit-report")))
    browser.find_element(By.CSS_SELECTOR, "textarea[name='section:本周工作']").send_keys("入户走访 8 户。")
    browser.find_element(By.ID, "submit-report").click()                  # no 保存草稿 first
    wait.until(EC.text_to_be_present_in_element((By.ID, "report-status"), "已提交"))
    assert "入户走访 8 户。" in browser.find_element(By.TAG_NAME, "main").text
    report_path = browser.current_url.split(live_server)[1]

    sign_in(browser, live_server, "uni", "arch@uni.test")
    browser.get(f"{live_server}{report_path}")
    browser.find_element(By.NAME, "comment").send_keys("请补充走访照片和户主姓名")
    browser.find_element(By.ID, "return-report").click()
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash.ok"), "退回"))

    sign_in(browser, live_server, "uni", "lead_a@uni.test")
    browser.get(f"{live_server}/t/uni/")
    assert browser.find_elements(By.CSS_SELECTOR, "header .badge")            # the unread badge
    browser.get(f"{live_server}/t/uni/me/notifications")
    assert "报告被退回" in browser.find_element(By.TAG_NAME, "main").text
    browser.find_element(By.CSS_SELECTOR, f"main a[href$='{report_path}']").click()
    wait.until(EC.presence_of_element_located((By.ID, "return-comment")))
    assert "请补充走访照片和户主姓名" in browser.find_element(By.ID, "return-comment").text
    box = browser.find_element(By.CSS_SELECTOR, "textarea[name='section:本周工作']")
    box.send_keys("户主：王、李、张。")
    browser.find_element(By.ID, "submit-report").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "report-status"), "已重新提交"))
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 390

    report_id = int(report_path.rstrip("/").split("/")[-1])
    got = client.get(f"/t/uni/api/v1/teams/reports/{report_id}", headers=project["admin"]).get_json()
    assert got["status"] == "resubmitted" and "户主：王、李、张。" in got["sections"]["本周工作"]
    assert [h["action"] for h in got["history"]] == ["submit", "return", "resubmit"]
