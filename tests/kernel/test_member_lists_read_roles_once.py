"""A list of members reads their roles in one statement, whatever the number of members
(people.load_roles): the admin list, the members API and the members sheet. Their roles are
the right ones. (Selectin loading asked ``(tenant_id, member_id) IN (…)``, which PostgreSQL
under row-level security answered by reading all of a tenant's roles; loading one member's
roles at a time would be a statement a row.)"""
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from yinghuo.extensions import db


@contextmanager
def counted(app):
    seen = []
    with app.app_context():
        engine = db.engine

    def note(conn, cursor, statement, *args):
        seen.append(statement)
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.fixture
def county(app, make_tenant, make_member, login):
    make_tenant("county", admin="admin@county.test")
    pages = app.test_client()
    pages.post("/t/county/login", data={"login": "admin@county.test", "password": "Passw0rd!x"})
    return {"pages": pages, "token": login("county", "admin@county.test"), "n": 0}


def _add(make_member, county, how_many):
    for _ in range(how_many):
        county["n"] += 1
        roles = ["leader", "volunteer"] if county["n"] % 3 == 0 else ["volunteer"]
        make_member("county", f"m{county['n']}@county.test", roles=roles, name=f"成员{county['n']:02d}")


def _statements(app, county, read):
    with counted(app) as seen:
        r = read(county)
        assert r.status_code == 200
    return len(seen), r


READS = {
    "admin page": lambda c: c["pages"].get("/t/county/admin/members"),
    "api": lambda c: c["pages"].get("/t/county/api/v1/members?per_page=50", headers=c["token"]),
}


@pytest.mark.parametrize("read", READS)
def test_more_members_do_not_mean_more_statements(app, make_member, county, read):
    _add(make_member, county, 3)
    few, _ = _statements(app, county, READS[read])
    _add(make_member, county, 12)
    many, r = _statements(app, county, READS[read])
    assert many == few, (few, many)
    if read == "api":
        by_name = {m["name"]: m["roles"] for m in r.get_json()}
        assert by_name["成员03"] == ["leader", "volunteer"] and by_name["成员04"] == ["volunteer"]
    else:
        import re
        page = r.get_data(as_text=True)
        row = page[page.index("成员03"):page.index("成员04")]
        assert "队长" in row or "leader" in row
        # the row's links (built once for the page, the member's id put in) lead to that member
        roles = re.search(r'href="([^"]+/roles)"', row).group(1)
        assert "成员03" in county["pages"].get(roles).get_data(as_text=True)
        reset = re.search(r'action="([^"]+/reset-link)"', row)
        assert reset is not None and county["pages"].post(reset.group(1), data={"csrf_token": ""}).status_code in (200, 302)


def test_the_members_sheet_carries_each_members_roles_across_its_chunks(app, make_member, county, monkeypatch):
    """The sheet reads members a chunk at a time (here 4) and each chunk's roles together."""
    import io

    from openpyxl import load_workbook

    from yinghuo.sheets import services as sheets
    monkeypatch.setattr(sheets, "CHUNK", 4)
    _add(make_member, county, 9)
    with counted(app) as seen:   # a sheet this small is made right after the request, without Redis
        job = county["pages"].post("/t/county/api/v1/exports", json={"kind": "members"}, headers=county["token"])
    assert job.status_code == 202, job.get_json()
    done = county["pages"].get(f"/t/county/api/v1/exports/{job.get_json()['id']}", headers=county["token"])
    assert done.get_json()["status"] == "done" and done.get_json()["rows"] == 10
    # 10 members in chunks of 4: three reads of roles (plus the exporting admin's own, at sign-in)
    assert sum("FROM member_roles" in s for s in seen) <= 4, [s for s in seen if "FROM member_roles" in s]
    f = county["pages"].get(job.get_json()["file_path"], headers=county["token"])
    rows = {r[1]: r[5] for r in load_workbook(io.BytesIO(f.data)).worksheets[0].iter_rows(values_only=True)}
    assert rows["成员03"] == rows["成员09"] == "队长、志愿者" and rows["成员08"] == "志愿者"
    assert rows["admin"] == "管理员"
