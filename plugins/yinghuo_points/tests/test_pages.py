"""The points pages: each task a person does, in Chinese, through the page forms."""
import io
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from .conftest import BASE, adjust, balance, post


def page_for(app, email):
    page = app.test_client()
    r = page.post("/t/village/login", data={"login": email, "password": "Passw0rd!x"})
    assert r.status_code in (302, 303), r.get_data(as_text=True)[:300]
    return page


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def form_post(page, url, data, **kw):
    token = csrf(page.get(url).get_data(as_text=True))
    return page.post(url, data={"csrf_token": token, **data}, **kw)


def test_a_clerk_awards_at_the_counter_and_the_award_goes_on_the_notice_board(app, client, village):
    toilet = post(client, "/items", village["admin"], name="打扫村公厕", points=5, category="环境卫生")
    clerk = page_for(app, "clerk@village.test")
    found = clerk.get("/t/village/points/counter?find=13912345678").get_data(as_text=True)
    assert "王奶奶" in found and "139****5678" in found
    person_url = f"/t/village/points/counter/people/{village['ids']['granny']}"
    html = clerk.get(person_url).get_data(as_text=True)
    assert "打扫村公厕" in html and "奖励积分" in html
    r = clerk.post("/t/village/points/awards", data={"csrf_token": csrf(html), "member_id": village["ids"]["granny"],
                                                     "item_id": toilet["id"], "note": "打扫四次",
                                                     "idempotency_key": "p-1"}, follow_redirects=True)
    assert r.status_code == 200 and "公示" in r.get_data(as_text=True)
    board = client.get(f"/t/village/points/notice/{village['units']['nanhu']}").get_data(as_text=True)
    assert "王**" in board and "打扫村公厕" in board and "王奶奶" not in board


def test_a_villager_objects_on_the_notice_page_and_the_admin_upholds_on_the_objections_page(app, client, village):
    toilet = post(client, "/items", village["admin"], name="打扫村公厕", points=5)
    award = post(client, "/awards", village["clerk"], item_id=toilet["id"], member_id=village["ids"]["granny"])
    url = f"/t/village/points/notice/{village['units']['nanhu']}"
    anyone = app.test_client()
    html = anyone.get(f"{url}?object={award['id']}").get_data(as_text=True)
    r = anyone.post(url, data={"csrf_token": csrf(html), "award_id": award["id"], "name": "", "reason": "不属实"})
    assert r.status_code == 422 and "请" in r.get_data(as_text=True)                 # the name is required
    r = anyone.post(url, data={"csrf_token": csrf(html), "award_id": award["id"], "name": "李大爷",
                               "reason": "那天是我打扫的"}, follow_redirects=True)
    assert r.status_code == 200 and "暂缓" in r.get_data(as_text=True)
    admin = page_for(app, "admin@village.test")
    html = admin.get("/t/village/points/objections").get_data(as_text=True)
    assert "那天是我打扫的" in html
    objection_id = re.search(r'name="objection_id" value="(\d+)"', html).group(1)
    r = admin.post("/t/village/points/objections", data={"csrf_token": csrf(html), "objection_id": objection_id,
                                                         "note": "核实属实", "do": "uphold"}, follow_redirects=True)
    assert r.status_code == 200 and "没有待处理的异议" in r.get_data(as_text=True)
    assert client.get(f"{BASE}/notice/{village['units']['nanhu']}").get_json()[0]["status"] == "cancelled"


def test_a_villager_redeems_on_the_shelf_page_and_the_clerk_hands_over_by_code(app, client, village, shop):
    adjust(client, village, 100)
    granny = page_for(app, "granny@village.test")
    html = granny.get(f"/t/village/points/shops/{shop['id']}").get_data(as_text=True)
    assert "大米 5 斤" in html and "兑换" in html
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    r = granny.post("/t/village/points/orders", data={"csrf_token": csrf(html), "good_id": shop["rice"],
                                                      "quantity": 2, "idempotency_key": key})
    assert r.status_code in (302, 303)
    order_html = granny.get(r.headers["Location"]).get_data(as_text=True)
    code = re.search(r'id="pickup-code">(\d{4}) (\d{4})<', order_html)
    assert code and "data:image/svg+xml" in order_html and balance(client, village) == 40
    clerk = page_for(app, "clerk@village.test")
    looked = clerk.get(f"/t/village/points/counter?code={code.group(1)}{code.group(2)}").get_data(as_text=True)
    assert "王奶奶" in looked and "大米 5 斤 × 2" in looked
    r = clerk.post("/t/village/points/counter", data={"csrf_token": csrf(looked), "code": code.group(1) + code.group(2)},
                   follow_redirects=True)
    assert r.status_code == 200 and "已交付" in r.get_data(as_text=True)
    assert "已领取" in granny.get(f"/t/village/points/orders/{mine_first(client, village)}").get_data(as_text=True)


def mine_first(client, village) -> int:
    return client.get(f"{BASE}/orders/mine", headers=village["granny"]).get_json()[0]["id"]


def test_the_shopkeeper_enters_goods_and_stock_on_the_manage_page(app, client, village, shop):
    admin = page_for(app, "admin@village.test")
    url = f"/t/village/points/manage/shops/{shop['id']}"
    r = form_post(admin, url, {"do": "good", "name": "食用油", "price": "40", "limit_per_month": "1",
                               "limit_by": "household", "active": "true"}, follow_redirects=True)
    assert r.status_code == 200 and "食用油" in r.get_data(as_text=True)
    r = form_post(admin, url, {"do": "good", "name": "", "price": "0"})
    assert r.status_code == 422
    clerk = page_for(app, "clerk@village.test")
    html = clerk.get(f"{url}?good={shop['rice']}").get_data(as_text=True)
    assert 'id="good-form"' not in html                                          # stock only, for a clerk
    r = clerk.post(url, data={"csrf_token": csrf(html), "do": "move", "good_id": shop["rice"], "kind": "receive",
                              "quantity": "7", "note": "", "idempotency_key": "m-1"}, follow_redirects=True)
    assert r.status_code == 200
    assert {g["name"]: g["stock"] for g in client.get(f"{BASE}/shops/{shop['id']}/goods").get_json()}["大米 5 斤"] == 12


def test_the_merchant_checks_a_code_with_the_pin_on_a_page_without_an_account(app, client, village):
    m = post(client, "/merchants", village["admin"], name="星光影院", offer="凭码免费观影一次", pin="2468")
    granny = page_for(app, "granny@village.test")
    html = granny.get("/t/village/points/merchants").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    r = granny.post("/t/village/points/merchants/take", data={"csrf_token": csrf(html), "merchant_id": m["id"],
                                                              "idempotency_key": key}, follow_redirects=True)
    code = re.search(r"(\d{8})", r.get_data(as_text=True).split("星光影院", 1)[1]).group(1)
    merchant = app.test_client()
    url = f"/t/village/points/merchants/{m['id']}/check"
    r = form_post(merchant, url, {"pin": "0000", "code": code})
    assert r.status_code == 403 and "密码错误" in r.get_data(as_text=True)
    r = form_post(merchant, url, {"pin": "2468", "code": code}, follow_redirects=True)
    assert r.status_code == 200 and "有效" in r.get_data(as_text=True)
    r = form_post(merchant, url, {"pin": "2468", "code": code})
    assert r.status_code == 409


def test_items_households_and_the_report_on_their_pages(app, client, village, shop):
    admin = page_for(app, "admin@village.test")
    r = form_post(admin, "/t/village/points/items", {"do": "create", "name": "照顾留守儿童", "points": "8",
                                                     "category": "邻里互助", "awarded_by": "clerk",
                                                     "evidence": "note"}, follow_redirects=True)
    assert r.status_code == 200 and "照顾留守儿童" in r.get_data(as_text=True)
    r = admin.get("/t/village/points/households?find=王奶奶")
    html = r.get_data(as_text=True)
    r = admin.post("/t/village/points/households", data={"csrf_token": csrf(html), "name": "王家",
                                                         "unit_id": village["units"]["nanhu"],
                                                         "head_member_id": village["ids"]["granny"]},
                   follow_redirects=True)
    assert r.status_code == 200 and "王家" in r.get_data(as_text=True) and "户主" in r.get_data(as_text=True)
    adjust(client, village, 100)
    post(client, "/orders", village["granny"], shop_id=shop["id"], lines=[{"good_id": shop["rice"], "quantity": 1}])
    html = admin.get("/t/village/points/reports").get_data(as_text=True)
    assert "南湖村" in html and "大米 5 斤" in html
    sheet = load_workbook(io.BytesIO(admin.get("/t/village/points/reports.xlsx").data)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("姓名", "村", "获得积分") and ("王奶奶", "南湖村", 100, 0, 30, 70) in rows
    home = admin.get("/t/village/points/").get_data(as_text=True)
    assert "超市收银台" in home and "异议" in home


@pytest.mark.parametrize("which", ["items", "notice"])
def test_the_posters_are_pdfs_with_the_chinese_text(app, client, village, tmp_path, which):
    assert shutil.which("pdftotext") and shutil.which("pdftoppm"), "install poppler-utils"
    toilet = post(client, "/items", village["admin"], name="打扫村公厕", points=5, category="环境卫生")
    post(client, "/awards", village["clerk"], item_id=toilet["id"], member_id=village["ids"]["granny"], note="四次")
    clerk = page_for(app, "clerk@village.test")
    nanhu = village["units"]["nanhu"]
    url = f"/t/village/points/items/poster.pdf?unit_id={nanhu}" if which == "items" else \
        f"/t/village/points/notice/{nanhu}/poster.pdf"
    r = clerk.get(url)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    path = tmp_path / "poster.pdf"
    path.write_bytes(r.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "打扫村公厕" in text and "+5" in text
    if which == "notice":
        assert "王奶奶" in text and "积分公示" in text                          # full names on the village board
        assert app.test_client().get(url).status_code in (302, 401, 403)         # not for strangers
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True)
    assert list(tmp_path.glob("p*.png"))


def test_the_admin_withdraws_an_award_on_notice_from_the_notice_page(app, client, village):
    toilet = post(client, "/items", village["admin"], name="打扫村公厕", points=5)
    award = post(client, "/awards", village["clerk"], item_id=toilet["id"], member_id=village["ids"]["granny"])
    url = f"/t/village/points/notice/{village['units']['nanhu']}"
    clerk = page_for(app, "clerk@village.test")
    assert "撤回" not in clerk.get(url).get_data(as_text=True)
    admin = page_for(app, "admin@village.test")
    html = admin.get(url).get_data(as_text=True)
    r = admin.post(f"/t/village/points/awards/{award['id']}/withdraw", data={"csrf_token": csrf(html), "reason": ""})
    assert r.status_code in (302, 303)                                         # refused, back with the reason
    assert client.get(f"{BASE}/notice/{village['units']['nanhu']}").get_json()[0]["status"] == "notice"
    r = admin.post(f"/t/village/points/awards/{award['id']}/withdraw", data={"csrf_token": csrf(html),
                                                                              "reason": "登记错了人"},
                   follow_redirects=True)
    assert r.status_code == 200 and "已取消" in r.get_data(as_text=True)
    assert client.get(f"{BASE}/notice/{village['units']['nanhu']}").get_json()[0]["status"] == "cancelled"
