"""The plugin's pages answer for the people they are for, and their forms work end to end
(the browser test covers the report life cycle in Chromium)."""
import io
import re
from datetime import timedelta

import pytest

from .conftest import report


def _session(client, email):
    r = client.post("/t/uni/login", data={"login": email, "password": "Passw0rd!x"})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return client


@pytest.fixture
def admin_pages(app, project):
    return _session(app.test_client(), "admin@uni.test")


def test_every_page_answers_in_chinese_and_english(app, project, admin_pages):
    for path in ("/", "/review", "/villages", "/applications", "/evaluations", "/excellent", "/dashboard", "/media",
                 "/apply"):
        zh = admin_pages.get(f"/t/uni/teams{path}")
        assert zh.status_code == 200, path
        assert 'name="viewport"' in zh.get_data(as_text=True)
    assert "项目看板" in admin_pages.get("/t/uni/teams/dashboard").get_data(as_text=True)
    assert "Project dashboard" in admin_pages.get("/t/uni/teams/dashboard?lang=en").get_data(as_text=True)
    volunteer = _session(app.test_client(), "mate_a@uni.test")
    assert volunteer.get("/t/uni/teams/").status_code == 200
    for path in ("/review", "/applications", "/excellent"):
        assert volunteer.get(f"/t/uni/teams{path}").status_code == 403, path
    assert app.test_client().get("/t/uni/teams/").status_code == 302   # sign in first


def test_nav_shows_the_plugin_to_its_tenant(project, admin_pages):
    home = admin_pages.get("/t/uni/").get_data(as_text=True)
    assert "/t/uni/teams/review" in home and "/t/uni/teams/dashboard" in home


def test_village_export_from_the_page(app, client, project, admin_pages, clock):
    project["post"](f"/squads/{project['squads']['a']}/pairings", {
        "secretary_id": project["secretary"], "village_id": project["villages"]["乌兰村"],
        "starts_on": str(clock.monday(-8) - timedelta(days=4))})
    report(client, project, "a", "weekly", str(clock.monday(-8)), "甲队第41周")
    village = project["villages"]["乌兰村"]
    page = admin_pages.get(f"/t/uni/teams/villages/{village}").get_data(as_text=True)
    assert "甲队第41周" in page and "巴特尔" in page
    started = admin_pages.post(f"/t/uni/teams/villages/{village}/export")
    assert started.status_code == 302
    done = admin_pages.get(started.headers["Location"]).get_data(as_text=True)
    links = re.findall(r'href="([^"]+\.(?:pdf|zip))"', done)
    assert len(links) == 2
    assert admin_pages.get(links[0]).data.startswith(b"%PDF")
    assert admin_pages.get(links[1]).data.startswith(b"PK")


def test_forms_for_villages_media_recruitment_and_evaluation(app, client, project, admin_pages, clock):
    r = admin_pages.post("/t/uni/teams/villages", data={"name": "新胜村", "township": "白音察干镇", "county": "后旗"})
    assert r.status_code == 302
    assert "新胜村" in admin_pages.get("/t/uni/teams/villages").get_data(as_text=True)
    bad = admin_pages.post("/t/uni/teams/villages", data={"name": "无镇村", "township": "", "county": "后旗"},
                           follow_redirects=True)
    assert "township" in bad.get_data(as_text=True)

    r = admin_pages.post("/t/uni/teams/media", data={"kind": "article", "title": "把论文写在草原上",
                                                     "outlet": "内蒙古日报", "published_on": clock.day(-30)})
    assert r.status_code == 302 and "把论文写在草原上" in admin_pages.get("/t/uni/teams/media").get_data(as_text=True)

    client.post("/t/uni/api/v1/teams/applications", json={
        "name": "张晓雨", "phone": "15871000001", "school": "北疆大学", "major": "农学", "year": "大二",
        "statement": "想去村里。"})
    [app_id] = re.findall(r"/applications/(\d+)/shortlist", admin_pages.get("/t/uni/teams/applications").get_data(as_text=True))
    assert admin_pages.post(f"/t/uni/teams/applications/{app_id}/shortlist").status_code == 302
    assert admin_pages.post("/t/uni/teams/slots", data={"starts_at": clock.local(days=7, hour=14), "place": "302",
                                                         "capacity": "2"}).status_code == 302
    page = admin_pages.get("/t/uni/teams/applications").get_data(as_text=True)
    [slot_id] = re.findall(r'<option value="(\d+)"', page)[:1]
    admin_pages.post(f"/t/uni/teams/applications/{app_id}/schedule", data={"slot_id": slot_id})
    listed = client.get("/t/uni/api/v1/teams/applications", headers=project["admin"]).get_json()
    assert listed[0]["status"] == "interview"

    mate = project["people"]["mate_a"]
    quarter = clock.quarter()
    form = {"member_id": str(mate), "quarter": quarter, "score:出勤与纪律": "90", "score:工作成效": "80",
            "score:团队协作": "70", "score:宣传与创新": "60"}
    assert admin_pages.post("/t/uni/teams/evaluations", data=form).status_code == 302
    results = client.get(f"/t/uni/api/v1/teams/evaluations?quarter={quarter}", headers=project["admin"]).get_json()
    assert results["results"][0]["score"] == 90 * .3 + 80 * .4 + 70 * .15 + 60 * .15
    missing = admin_pages.post("/t/uni/teams/evaluations", data={**form, "score:工作成效": ""}, follow_redirects=True)
    assert "工作成效" in missing.get_data(as_text=True)


def test_upload_on_the_report_page_refuses_a_disguised_file_and_keeps_the_text(app, client, project, clock):
    """The file goes with the editor's form: a refused file leaves what was typed saved."""
    leader = _session(app.test_client(), "lead_a@uni.test")
    r = leader.post("/t/uni/teams/reports", data={"kind": "weekly", "period_start": str(clock.monday())})
    assert r.status_code == 302
    page = r.headers["Location"]
    section = _first_section(leader.get(page).get_data(as_text=True))
    refused = leader.post(page, data={"do": "upload", section: "走访了三户孤寡老人",
                                      "file": (io.BytesIO(b"MZ\x90\x00evil"), "photo.jpg")},
                          content_type="multipart/form-data", follow_redirects=True)
    html = refused.get_data(as_text=True)
    assert "flash error" in html and "走访了三户孤寡老人" in html
    files = leader.get(page).get_data(as_text=True).split("<h2>")[1]
    assert files.startswith("附件") and "photo.jpg" not in files and "暂无附件" in files


def _first_section(html: str) -> str:
    import re
    return re.search(r'name="(section:[^"]+)"', html).group(1)


def test_submit_and_upload_save_unsaved_text_first(app, client, project, clock):
    """Tapping 提交 without 保存草稿 submitted the old text, and an upload reloaded the page
    without what was typed: both now save the form's text first."""
    leader = _session(app.test_client(), "lead_a@uni.test")
    page = leader.post("/t/uni/teams/reports", data={"kind": "weekly", "period_start": str(clock.monday())}
                       ).headers["Location"]
    section = _first_section(leader.get(page).get_data(as_text=True))
    photo = io.BytesIO(b"\xff\xd8\xff\xe0" + b"\0" * 64)
    uploaded = leader.post(page, data={"do": "upload", section: "第一稿", "file": (photo, "photo.jpg")},
                           content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "第一稿" in uploaded and "photo.jpg" in uploaded
    leader.post(page, data={"do": "submit", section: "定稿：走访五户"}, content_type="multipart/form-data")
    report_id = int(page.rstrip("/").rsplit("/", 1)[1])
    report = client.get(f"/t/uni/api/v1/teams/reports/{report_id}", headers=project["admin"]).get_json()
    assert report["status"] == "submitted" and "定稿：走访五户" in report["sections"].values()
