"""Heavy figures served from their last result (issue 18): the dashboard and a child's roll-up
figures are computed by the periodic job and shown with their time; a page that finds none
computes and keeps them; they move when the job runs again, not on every request."""
import re


def _page(app, slug, email):
    page = app.test_client()
    page.post(f"/t/{slug}/login", data={"login": email, "password": "Passw0rd!x"})
    return page


def _members_card(html: str) -> int:
    return int(re.search(r'<div class="n">(\d+)</div>', html).group(1))


def test_the_dashboard_is_kept_and_computed_again_by_the_job(app, make_tenant, make_member, run_periodic_jobs):
    make_tenant("county", admin="admin@county.test")
    admin = _page(app, "county", "admin@county.test")
    first = admin.get("/t/county/admin/dashboard").get_data(as_text=True)
    assert "数据截至" in first and _members_card(first) == 1           # none kept yet: computed now
    make_member("county", "late@county.test")
    assert _members_card(admin.get("/t/county/admin/dashboard").get_data(as_text=True)) == 1   # the kept result
    ran = run_periodic_jobs("core")
    assert any(job for job, tenants in ran.items() if tenants)
    assert _members_card(admin.get("/t/county/admin/dashboard").get_data(as_text=True)) == 2


def test_a_hub_reads_each_childs_kept_figures(app, client, make_tenant, make_member, login, run_periodic_jobs):
    make_tenant("hub", kind="hub", admin="admin@hub.test")
    make_tenant("kid", parent="hub")
    make_member("kid", "a@kid.test")
    hub = login("hub", "admin@hub.test")

    def members() -> int:
        r = client.get("/t/hub/api/v1/rollup", headers=hub)
        assert r.headers["X-Figures-As-Of"].startswith("20")   # when they were computed
        return r.get_json()[0]["stats"]["members"]
    assert members() == 1                       # nothing kept yet: counted now
    run_periodic_jobs("core")
    make_member("kid", "b@kid.test")
    assert members() == 1                       # the kept figures, until the job runs again
    run_periodic_jobs("core")
    assert members() == 2


def test_a_long_member_list_counts_exactly_up_to_a_cap_then_from_the_kept_figures(
        app, client, make_tenant, make_member, login, run_periodic_jobs, monkeypatch):
    from yinghuo.people import api
    monkeypatch.setattr(api, "EXACT_UP_TO", 3)
    make_tenant("county", admin="admin@county.test")
    for i in range(2):
        make_member("county", f"v{i}@county.test")
    admin = login("county", "admin@county.test")
    exact = client.get("/t/county/api/v1/members?per_page=2", headers=admin)
    assert exact.headers["X-Total-Count"] == "3" and "X-Total-Count-Estimated" not in exact.headers
    for i in range(2, 6):
        make_member("county", f"v{i}@county.test")
    run_periodic_jobs("core")                     # the kept figures: 7 members
    make_member("county", "late@county.test")     # an eighth, after them
    from sqlalchemy import event

    from yinghuo.extensions import db
    seen = []
    with app.app_context():
        engine = db.engine
    note = lambda conn, cursor, statement, *rest: seen.append(statement)   # noqa: E731
    event.listen(engine, "before_cursor_execute", note)
    try:
        long = client.get("/t/county/api/v1/members?per_page=2", headers=admin)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert long.headers["X-Total-Count"] == "7" and long.headers["X-Total-Count-Estimated"] == "true"
    assert len(long.get_json()) == 2
    assert not any("count(*)" in s for s in seen), seen   # the kept figures said big: nothing counted
