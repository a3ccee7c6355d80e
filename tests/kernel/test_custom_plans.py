"""Pages behind a permission (the admins' tools, reading across a tenant) have PostgreSQL plan
their statements with their values (``yinghuo.db.plans``), set with the transaction's
opening statements rather than in a round trip of their own; a volunteer's pages keep the
reusable plans that make the hot paths cheap."""
import pytest
from flask import request_finished
from sqlalchemy import event, text

from yinghuo.extensions import db


@pytest.fixture
def seen(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("plans are PostgreSQL's")
    found = {"modes": [], "statements": []}

    def mode(sender, response, **extra):   # still in the request's transaction
        found["modes"].append(db.session.execute(text("SHOW plan_cache_mode")).scalar())

    def statement(conn, cursor, sql, *rest):
        found["statements"].append(sql)
    request_finished.connect(mode, app)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", statement)
    yield found
    event.remove(engine, "before_cursor_execute", statement)
    request_finished.disconnect(mode, app)


def test_admin_pages_plan_with_their_values_volunteer_pages_do_not(app, make_tenant, make_member, seen):
    make_tenant("alpha", admin="admin@alpha.test")
    make_member("alpha", "v@alpha.test")
    admin, volunteer = app.test_client(), app.test_client()
    admin.post("/t/alpha/login", data={"login": "admin@alpha.test", "password": "Passw0rd!x"})
    volunteer.post("/t/alpha/login", data={"login": "v@alpha.test", "password": "Passw0rd!x"})
    seen["modes"].clear()
    seen["statements"].clear()
    for path in ("/t/alpha/admin/members", "/t/alpha/admin/hours", "/t/alpha/admin/audit"):
        assert admin.get(path).status_code == 200, path
    assert seen["modes"] == ["force_custom_plan"] * 3
    assert not any("plan_cache_mode" in s for s in seen["statements"] if "SHOW" not in s), seen["statements"]
    seen["modes"].clear()
    for path in ("/t/alpha/me/hours", "/t/alpha/activities"):
        assert volunteer.get(path).status_code == 200, path
    assert seen["modes"] == ["auto", "auto"]
