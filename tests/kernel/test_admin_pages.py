"""Admin tasks on pages: add a member, import members from a sheet (report, then confirm),
export with progress and download."""
import io

from openpyxl import Workbook, load_workbook

from yinghuo.people.idnumbers import with_check_digit


def _admin(app, make_tenant):
    make_tenant("county", admin="admin@county.test")
    page = app.test_client()
    page.post("/t/county/login", data={"login": "admin@county.test", "password": "Passw0rd!x"})
    return page


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(("姓名", "手机号", "身份证号", "所属组织"))
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_an_admin_adds_a_member_on_a_page_and_a_refusal_keeps_the_fields(app, make_tenant):
    page = _admin(app, make_tenant)
    assert 'id="add-member"' in page.get("/t/county/admin/members").get_data(as_text=True)
    bad = page.post("/t/county/admin/members/new", data={"name": "王大妈", "phone": "139", "roles": ["volunteer"]})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'value="王大妈"' in html and "11 位" in html
    good = page.post("/t/county/admin/members/new", data={"name": "王大妈", "phone": "", "roles": ["volunteer"]},
                     follow_redirects=True)
    assert "已添加 王大妈" in good.get_data(as_text=True)


def test_an_admin_imports_members_from_a_sheet_row_by_row(app, make_tenant):
    page = _admin(app, make_tenant)
    good_id = with_check_digit("11010519491231002")
    sheet = _xlsx([("张三", "13800000001", good_id, ""), ("李四", "138", "", ""), ("王五", "", "", "不存在的村")])
    checked = page.post("/t/county/admin/members/import", data={"file": (io.BytesIO(sheet), "名单.xlsx")},
                        content_type="multipart/form-data", follow_redirects=True)
    html = checked.get_data(as_text=True)
    assert "名单.xlsx" in html and "导入 1 条无误的记录" in html
    problems = html.split('id="problems"')[1]
    assert '行号">3<' in problems and "手机号: 应为 11 位大陆手机号" in problems
    assert '行号">4<' in problems and "组织: 没有这个组织" in problems and '行号">2<' not in problems
    confirm_url = checked.request.path
    done = page.post(confirm_url, follow_redirects=True).get_data(as_text=True)
    assert "已导入 1 名成员" in done and 'id="applied"' in done
    assert "张三" in page.get("/t/county/admin/members?q=张三").get_data(as_text=True)
    again = page.post(confirm_url, follow_redirects=True).get_data(as_text=True)
    assert "flash error" in again   # confirming twice is refused, in Chinese


def test_an_admin_exports_with_progress_and_downloads_a_chinese_sheet(app, make_tenant):
    page = _admin(app, make_tenant)
    listing = page.get("/t/county/admin/exports").get_data(as_text=True)
    assert "成员名单" in listing and "还没有导出记录" in listing
    started = page.post("/t/county/admin/exports", data={"kind": "members"}, follow_redirects=True)
    html = started.get_data(as_text=True)
    assert "导出完成" in html and 'class="download"' in html
    link = html.split('class="download" href="')[1].split('"')[0]
    sheet = load_workbook(io.BytesIO(page.get(link).data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "姓名" and rows[1][5] == "管理员"
    refused = page.post("/t/county/admin/exports", data={"kind": "nothing"}, follow_redirects=True)
    assert "请选择要导出的内容" in refused.get_data(as_text=True)


def test_the_member_list_pages_by_fifty_and_roles_change_on_their_own_page(app, make_tenant, make_member):
    import re
    page = _admin(app, make_tenant)
    made = [make_member("county", f"v{i:02d}@county.test", name=f"村民{i:02d}") for i in range(60)]
    first = page.get("/t/county/admin/members").get_data(as_text=True)
    assert first.count('class="button secondary small"') == 50 and "下一页" in first   # 50 rows and a next page
    following = re.search(r'href="([^"]*after=\d+)"', first).group(1).replace("&amp;", "&")
    second = page.get(following).get_data(as_text=True)
    assert "村民59" in second and "村民00" not in second and "下一页" not in second and "第一页" in second
    roles = page.get(f"/t/county/admin/members/{made[0]}/roles").get_data(as_text=True)
    assert "村民00 的角色" in roles and 'name="roles"' in roles
    saved = page.post(f"/t/county/admin/members/{made[0]}/roles", data={"roles": ["volunteer", "leader"]},
                      follow_redirects=True).get_data(as_text=True)
    assert "角色已保存" in saved or "已保存" in saved
    after = page.get(f"/t/county/admin/members/{made[0]}/roles").get_data(as_text=True)
    assert 'value="leader" checked' in after and 'value="tenant_admin" checked' not in after
    assert 'value="leader" checked' not in roles
