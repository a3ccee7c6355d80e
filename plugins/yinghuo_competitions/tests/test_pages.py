"""The competitions pages: an organiser sets a competition up and publishes it, an entrant
enters and submits a project, a reviewer accepts it, and the public page lists it."""
import re

from .conftest import BASE


def page_for(app, slug, email):
    page = app.test_client()
    r = page.post(f"/t/{slug}/login", data={"login": email, "password": "Passw0rd!x"})
    assert r.status_code in (302, 303)
    return page


def csrf(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_set_up_enter_submit_review_and_publish_on_the_pages(app, client, hub, clock):
    admin = page_for(app, "hub", "admin@hub.test")
    html = admin.get("/t/hub/competitions/manage").get_data(as_text=True)
    assert "新建大赛" in html and "项目申报开始时间" in html
    r = admin.post("/t/hub/competitions/manage", data={
        "csrf_token": csrf(html), "name": "全省青年志愿服务项目大赛", "categories": ["education", "health"],
        "stage_submission": clock.local(days=-1), "stage_review": clock.local(days=-2), "vote_weight": "30",
        "eligibility": "children"})
    assert r.status_code == 422 and "每个阶段须晚于上一阶段开始" in r.get_data(as_text=True)
    r = admin.post("/t/hub/competitions/manage", data={
        "csrf_token": csrf(html), "name": "全省青年志愿服务项目大赛", "categories": ["education", "health"],
        "stage_submission": clock.local(days=-1), "stage_review": clock.local(days=10), "vote_weight": "30",
        "eligibility": "children"}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "未发布" in page
    manage_url = r.request.path
    admin.post(manage_url, data={"csrf_token": csrf(page)})
    competition_id = int(manage_url.rsplit("/", 1)[1])
    public = client.get(f"/t/hub/competitions/{competition_id}").get_data(as_text=True)
    assert "项目申报" in public and "助学支教" in public

    lead = page_for(app, "hub", "lead@county.test")
    form = lead.get(f"/t/hub/competitions/{competition_id}/enter").get_data(as_text=True)
    assert "需求分析" in form and "申报单位" in form and f'value="{hub["tenants"]["county"]}"' in form
    assert f'value="{hub["tenants"]["uni"]}"' not in form                   # not a member there
    r = lead.post(f"/t/hub/competitions/{competition_id}/enter", data={
        "csrf_token": csrf(form), "title": "乡村儿童周末课堂", "team_name": "县青年志愿者协会", "category": "education",
        "summary": "每周末开课", "section_need": "留守儿童多", "from_tenant_id": hub["tenants"]["county"],
        "do": "submit"}, follow_redirects=True)
    assert r.status_code == 200 and "已提交" in r.get_data(as_text=True) and "第 1 版" in r.get_data(as_text=True)
    entry_url = r.request.path

    reviewer = page_for(app, "hub", "reviewer@hub.test")
    queue = reviewer.get(manage_url).get_data(as_text=True)
    assert "乡村儿童周末课堂" in queue
    review = reviewer.get(entry_url).get_data(as_text=True)
    r = reviewer.post(entry_url, data={"csrf_token": csrf(review), "do": "reject", "note": ""})
    assert r.status_code == 422
    r = reviewer.post(entry_url, data={"csrf_token": csrf(review), "do": "accept", "note": ""}, follow_redirects=True)
    assert "已通过" in r.get_data(as_text=True)
    public = client.get(f"/t/hub/competitions/{competition_id}?category=education").get_data(as_text=True)
    assert "乡村儿童周末课堂" in public
    mine = lead.get("/t/hub/competitions/mine").get_data(as_text=True)
    assert "乡村儿童周末课堂" in mine and "已通过" in mine
    assert client.get(f"{BASE}/{competition_id}/entries").get_json()[0]["title"] == "乡村儿童周末课堂"
