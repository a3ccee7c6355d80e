"""Finding a member by part of their name: the admin list, the API's ?q= and the find box
read the same clause (people.services.name_contains); on PostgreSQL through the grams the
members table's trigger keeps, on SQLite through the names themselves."""
import pytest
from sqlalchemy import select, text

from yinghuo.db.context import tenant_scope
from yinghuo.extensions import db
from yinghuo.people.models import MemberNameGram
from yinghuo.tenancy.services import get_tenant

NAMES = ["王秀英", "王伟", "李秀兰", "欧阳娜娜", "Zhang Wei"]


@pytest.fixture
def people(client, make_tenant, make_member, login):
    make_tenant("alpha", admin="admin@alpha.test")
    make_tenant("beta", admin="admin@beta.test")
    ids = {name: make_member("alpha", f"p{i}@alpha.test", name=name) for i, name in enumerate(NAMES)}
    make_member("beta", "b@beta.test", name="王秀芬")
    return {"ids": ids, "alpha": login("alpha", "admin@alpha.test"), "beta": login("beta", "admin@beta.test")}


def _api(client, people, q, tenant="alpha"):
    r = client.get(f"/t/{tenant}/api/v1/members", query_string={"q": q}, headers=people[tenant])
    return sorted(m["name"] for m in r.get_json()), r.headers["X-Total-Count"]


@pytest.mark.parametrize("q, found", [
    ("秀", ["李秀兰", "王秀英"]), ("王", ["王伟", "王秀英"]), ("王秀英", ["王秀英"]), ("秀英", ["王秀英"]),
    ("阳娜娜", ["欧阳娜娜"]), ("英王", []), ("秀芬", []), ("Zhang W", ["Zhang Wei"]), ("%", []),
])
def test_a_search_finds_the_names_containing_the_text_and_only_in_the_tenant(client, people, q, found):
    assert _api(client, people, q) == (found, str(len(found)))


def test_the_pages_find_by_part_of_a_name(app, people):
    pages = app.test_client()
    pages.post("/t/alpha/login", data={"login": "admin@alpha.test", "password": "Passw0rd!x"})
    listed = pages.get("/t/alpha/admin/members", query_string={"q": "秀"}).get_data(as_text=True)
    assert "王秀英" in listed and "李秀兰" in listed and "王伟" not in listed
    found = pages.get("/t/alpha/hours/new", query_string={"find": "阳娜"}).get_data(as_text=True)
    assert "欧阳娜娜" in found and "王秀英" not in found


def test_a_renamed_member_is_found_by_the_new_name_only(app, client, people):
    pages = app.test_client()
    pages.post("/t/alpha/login", data={"login": "p0@alpha.test", "password": "Passw0rd!x"})
    r = pages.post("/t/alpha/me/account", data={"name": "王晓梅", "phone": ""}, follow_redirects=True)
    assert r.status_code == 200
    assert _api(client, people, "秀英")[0] == [] and _api(client, people, "晓梅")[0] == ["王晓梅"]


def test_grams_are_kept_by_the_database_and_stay_in_their_tenant(app, people):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the grams are PostgreSQL's (a trigger keeps them); SQLite's search reads the names")
    with app.app_context():
        alpha, beta = get_tenant("alpha").id, get_tenant("beta").id
        with tenant_scope(alpha):
            grams = set(db.session.scalars(select(MemberNameGram.gram).where(
                MemberNameGram.member_id == people["ids"]["王秀英"])))
            assert grams == {"王", "秀", "英", "王秀", "秀英"}
            # RLS alone: even asked for another tenant's rows by hand, the grams of beta stay hidden
            rows = db.session.execute(text("SELECT count(*) FROM member_name_grams WHERE tenant_id = :t"),
                                      {"t": beta}).scalar()
            assert rows == 0
            db.session.rollback()


def test_the_grams_migration_makes_what_the_trigger_keeps(app, people):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the grams are PostgreSQL's")
    from alembic import command
    from yinghuo import migrate

    def grams():   # as the database's owner: every tenant's rows
        with db.engine.connect() as conn:
            return sorted(conn.execute(text("SELECT tenant_id, member_id, gram FROM member_name_grams")).all())
    with app.app_context():
        kept = grams()
        assert len(kept) > 20
        command.downgrade(migrate.alembic_config(), "8e2f6c1a9d47")
        migrate.upgrade()
        assert grams() == kept
