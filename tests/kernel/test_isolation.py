"""The first law: two tenants never see each other's rows, through any endpoint."""
import pytest
from sqlalchemy import select, text

from yinghuo.db import scoping
from yinghuo.db.context import ScopeError, tenant_scope
from yinghuo.extensions import db
from yinghuo.people.models import Member
from yinghuo.units.models import Unit


@pytest.fixture
def two_tenants(make_tenant, make_member, login, client):
    make_tenant("alpha", admin="admin@alpha.test")
    make_tenant("beta", admin="admin@beta.test")
    a = login("alpha", "admin@alpha.test")
    b = login("beta", "admin@beta.test")
    ua = client.post("/t/alpha/api/v1/units", json={"name": "Alpha town", "type": "town"}, headers=a).get_json()
    ub = client.post("/t/beta/api/v1/units", json={"name": "Beta town", "type": "town"}, headers=b).get_json()
    mb = make_member("beta", "vol@beta.test", name="Beta Volunteer")
    return {"a": a, "b": b, "unit_a": ua["id"], "unit_b": ub["id"], "member_b": mb}


def _guessing_requests(t):
    return [
        ("get", f"/t/alpha/api/v1/units/{t['unit_b']}", None),
        ("get", f"/t/alpha/api/v1/members/{t['member_b']}", None),
        ("put", f"/t/alpha/api/v1/members/{t['member_b']}/roles", {"roles": [{"role": "leader"}]}),
        ("post", f"/t/alpha/api/v1/members/{t['member_b']}/reveal", {"reason": "curious"}),
        ("post", "/t/alpha/api/v1/units", {"name": "x", "type": "town", "parent_id": t["unit_b"]}),
    ]


def test_lists_show_only_own_rows(client, two_tenants):
    units = client.get("/t/alpha/api/v1/units", headers=two_tenants["a"]).get_json()
    members = client.get("/t/alpha/api/v1/members", headers=two_tenants["a"]).get_json()
    assert [u["name"] for u in units] == ["Alpha town"]
    assert "Beta Volunteer" not in [m["name"] for m in members]


def test_guessed_ids_of_another_tenant_are_not_found(client, two_tenants):
    for method, url, body in _guessing_requests(two_tenants):
        r = getattr(client, method)(url, json=body, headers=two_tenants["a"])
        assert r.status_code in (404, 422), (url, r.status_code)
        assert "Beta" not in r.get_data(as_text=True)


def test_token_of_one_tenant_is_refused_by_another(client, two_tenants):
    r = client.get("/t/beta/api/v1/units", headers=two_tenants["a"])
    assert r.status_code == 401


def test_orm_query_without_tenant_raises(app, two_tenants):
    with app.app_context():
        with pytest.raises(ScopeError):
            db.session.scalars(select(Unit)).all()


def test_orm_scope_filters_each_query(app, two_tenants):
    with app.app_context():
        with tenant_scope(_tenant_id(app, "alpha")):
            assert [u.name for u in db.session.scalars(select(Unit))] == ["Alpha town"]
            assert db.session.scalars(select(Member).where(Member.id == two_tenants["member_b"])).all() == []


def _tenant_id(app, slug):
    from yinghuo.tenancy.services import get_tenant
    return get_tenant(slug).id


@pytest.fixture
def orm_scoping_off():
    scoping.ENABLED["orm"] = False
    yield
    scoping.ENABLED["orm"] = True


def test_rls_alone_holds_when_orm_scoping_is_off(app, client, two_tenants, orm_scoping_off):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("row-level security is PostgreSQL's; the SQLite run has the ORM wall only")
    units = client.get("/t/alpha/api/v1/units", headers=two_tenants["a"]).get_json()
    assert [u["name"] for u in units] == ["Alpha town"]
    for method, url, body in _guessing_requests(two_tenants):
        r = getattr(client, method)(url, json=body, headers=two_tenants["a"])
        assert r.status_code in (404, 422), (url, r.status_code)
    with app.app_context():
        with tenant_scope(_tenant_id(app, "alpha")):
            assert db.session.scalars(select(Member).where(Member.name == "Beta Volunteer")).all() == []
        with tenant_scope(None):  # no tenant: RLS shows nothing at all
            assert db.session.scalars(select(Unit)).all() == []


def test_rls_refuses_writing_a_row_into_another_tenant(app, two_tenants, orm_scoping_off):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("row-level security is PostgreSQL's")
    from sqlalchemy.exc import ProgrammingError
    with app.app_context():
        with tenant_scope(_tenant_id(app, "alpha")):
            db.session.add(Unit(tenant_id=_tenant_id(app, "beta"), name="smuggled", type="town", path="/x/"))
            with pytest.raises(ProgrammingError, match="row-level security"):
                db.session.flush()
            db.session.rollback()


def test_app_role_is_neither_superuser_nor_bypassrls(app, two_tenants):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL roles")
    from sqlalchemy import text
    with app.app_context():
        with tenant_scope(_tenant_id(app, "alpha")):
            row = db.session.execute(text(
                "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")).one()
    assert row == ("yinghuo_app", False, False)


def test_app_role_cannot_change_audit_rows_nor_delete_them_before_six_months(app, two_tenants, raw_sql):
    """The database's own floor: the app's role deletes only its tenant's audit rows older than
    183 days (the retention job), never a younger one nor another tenant's, and updates none."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL grants")
    from sqlalchemy import text
    from sqlalchemy.exc import ProgrammingError
    with app.app_context():
        alpha, beta = _tenant_id(app, "alpha"), _tenant_id(app, "beta")
    for tid, days in ((alpha, 200), (beta, 200), (alpha, 170)):
        raw_sql("INSERT INTO audit_log (at, tenant_id, actor, action, target_type) "
                "VALUES (now() - make_interval(days => :d), :t, 'x', 'old.entry', 'test')", d=days, t=tid)
    count = "SELECT count(*) FROM audit_log WHERE tenant_id = :t"
    before = {t: raw_sql.scalar(count, t=t) for t in (alpha, beta)}
    with app.app_context():
        with tenant_scope(alpha):
            with pytest.raises(ProgrammingError, match="permission denied"):
                db.session.execute(text("UPDATE audit_log SET actor = 'x'"))
            db.session.rollback()
            gone = db.session.execute(text("DELETE FROM audit_log")).rowcount
            db.session.commit()
    assert gone == 1   # alpha's 200-day-old row; not its 170-day-old one, not its recent ones, not beta's
    assert raw_sql.scalar(count, t=alpha) == before[alpha] - 1 and raw_sql.scalar(count, t=beta) == before[beta]


def test_activity_list_rows_are_scoped_to_the_tenant(client, two_tenants, clock):
    """The list reads plain rows; the tenant scope must still apply (the only wall on SQLite)."""
    for headers, title in ((two_tenants["a"], "甲县活动"), (two_tenants["b"], "乙县活动")):
        slug = "alpha" if headers is two_tenants["a"] else "beta"
        r = client.post(f"/t/{slug}/api/v1/activities", json={
            "title": title, "category": "文化服务", "capacity": 5, "visibility": "public",
            "starts_at": clock.iso(days=30, hour=8), "ends_at": clock.iso(days=30, hour=9)}, headers=headers)
        client.post(f"/t/{slug}/api/v1/activities/{r.get_json()[0]['id']}/publish", json={}, headers=headers)
    listed = client.get("/t/alpha/api/v1/activities", headers=two_tenants["a"])
    assert [a["title"] for a in listed.get_json()] == ["甲县活动"] and listed.headers["X-Total-Count"] == "1"
    assert [a["title"] for a in client.get("/t/alpha/api/v1/activities").get_json()] == ["甲县活动"]


def test_core_reads_follow_the_scope_when_the_transaction_began_without_it(client, two_tenants, clock):
    """The identity and the activity list are Core statements. When the tenant is not cached
    the request's transaction begins (reading the tenants table) before the tenant's scope
    exists; the row-level security settings must follow the scope before those reads."""
    from yinghuo.tenancy.context import forget_tenants
    client.post("/t/alpha/api/v1/activities", headers=two_tenants["a"], json={
        "title": "Alpha event", "category": "文化服务", "capacity": 5, "starts_at": clock.iso(days=30, hour=8),
        "ends_at": clock.iso(days=30, hour=9)})
    for _ in range(2):
        forget_tenants()
        me = client.get("/t/alpha/api/v1/me", headers=two_tenants["a"])
        assert me.status_code == 200 and me.get_json()["member"] is not None, me.get_json()
        forget_tenants()
        listed = client.get("/t/alpha/api/v1/activities", headers=two_tenants["a"])
        assert listed.status_code == 200 and [a["title"] for a in listed.get_json()] == ["Alpha event"]


def test_core_row_helpers_state_the_tenant(app, two_tenants):
    """db.rows reads and writes by column values: another tenant's row is never found or
    changed, even by its id, and without exactly one tenant in scope they refuse."""
    from yinghuo.db import rows
    from yinghuo.people.models import Member
    with app.app_context():
        with tenant_scope(_tenant_id(app, "alpha")):
            assert rows.find_one(Unit, id=two_tenants["unit_b"]) is None
            assert rows.find_one(Unit, id=two_tenants["unit_a"]).name == "Alpha town"
            assert rows.find_one(Member, id=two_tenants["member_b"]) is None
            both = [two_tenants["unit_a"], two_tenants["unit_b"]]
            assert [u.id for u in rows.find_all(Unit, id=both)] == [two_tenants["unit_a"]]
            assert [u.name for u in rows.find_all(Unit, id=both, type="town")] == ["Alpha town"]
            assert rows.find_or_add(Unit, {"type": "village"}, name="Alpha town").id == two_tenants["unit_a"]
            made = rows.find_or_add(Unit, {"type": "village", "path": "/n/", "depth": 0}, name="Beta town")
            assert made.id != two_tenants["unit_b"] and made.tenant_id == _tenant_id(app, "alpha")
            assert rows.bump(Unit, two_tenants["unit_b"], "depth", 1) is False
            db.session.rollback()
        with tenant_scope(_tenant_id(app, "beta")):
            assert rows.find_one(Unit, id=two_tenants["unit_b"]).depth == 0
        with pytest.raises(ScopeError):
            rows.find_one(Unit, id=two_tenants["unit_a"])
        db.session.rollback()


def test_a_failed_core_insert_rolls_back_to_its_savepoint_only(app, two_tenants):
    """insert_row inside begin_nested(): a unique violation is SQLAlchemy's IntegrityError,
    undoes the savepoint only, and the transaction goes on (the idempotency-key pattern)."""
    from sqlalchemy.exc import IntegrityError
    from yinghuo.db import rows
    with app.app_context():
        with tenant_scope(_tenant_id(app, "alpha")):
            first = rows.insert_row(Unit, name="Alpha village", type="village", parent_id=two_tenants["unit_a"],
                                    path="/x/", depth=1)
            db.session.expunge(first)  # the clash is the database's to find, not the identity map's
            with pytest.raises(IntegrityError):
                with db.session.begin_nested():
                    rows.insert_row(Unit, id=first.id, name="Clash", type="village", path="/y/", depth=1)
            assert rows.find_one(Unit, id=first.id).name == "Alpha village"      # still usable, still there
            db.session.rollback()


def _run_and_roll_back(dbapi, sql, params, times):
    for _ in range(times):
        with dbapi.cursor() as cur:
            cur.execute(sql, params)
            rows = cur.fetchall()
        dbapi.rollback()
    return rows


def test_rolled_back_transactions_keep_prepared_statements(app, two_tenants):
    """Read-only requests end in a rollback; their statements must stay prepared, or
    PostgreSQL plans the identity and list queries afresh on every request."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("prepared statements are PostgreSQL's")
    with app.app_context():
        pooled = db.engine.raw_connection()
        try:
            dbapi = pooled.dbapi_connection
            _run_and_roll_back(dbapi, "SELECT slug FROM tenants WHERE id > %s", (0,), 6)
            with dbapi.cursor() as cur:
                cur.execute("SELECT statement FROM pg_prepared_statements")
                assert any("FROM tenants WHERE id >" in s for (s,) in cur.fetchall())
            dbapi.rollback()
            with pytest.raises(Exception):  # a failed transaction still rolls back psycopg's own way
                dbapi.cursor().execute("SELECT no_such_column FROM tenants")
            dbapi.rollback()
            assert _run_and_roll_back(dbapi, "SELECT 1", None, 1) == [(1,)]
        finally:
            pooled.close()


def test_prepared_statements_follow_the_tenant_setting(app, two_tenants):
    """A statement prepared while one tenant was set returns only the other's rows when the
    other is set: row-level security is applied at execution, not frozen into the plan."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("row-level security is PostgreSQL's")
    with app.app_context():
        alpha, beta = _tenant_id(app, "alpha"), _tenant_id(app, "beta")
        db.session.remove()
        pooled = db.engine.raw_connection()
        try:
            dbapi = pooled.dbapi_connection
            role = app.extensions["yinghuo"].settings.app_role

            def names(tenant_id):
                with dbapi.cursor() as cur:
                    cur.execute(f"SET LOCAL ROLE {role}; SET LOCAL app.tenant_ids = '{tenant_id}'")
                    cur.execute("SELECT name FROM units WHERE id > %s", (0,))  # no tenant criterion: RLS alone
                    found = [n for (n,) in cur.fetchall()]
                dbapi.rollback()
                return found
            for _ in range(8):
                assert names(alpha) == ["Alpha town"]
            with dbapi.cursor() as cur:
                cur.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                            ("%FROM units WHERE id >%",))
                assert cur.fetchone()[0] == 1  # prepared while alpha was set
            dbapi.rollback()
            assert names(beta) == ["Beta town"]
        finally:
            pooled.close()


def test_activity_list_keeps_one_plan_under_row_level_security(app, two_tenants):
    """The tenant policy must not make PostgreSQL plan the activity list afresh on every
    request: once prepared, the statement runs on its reusable (generic) plan. With the
    policy function called directly, the plans made for each execution's values looked
    cheaper and PostgreSQL never used the generic one."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("row-level security and prepared statements are PostgreSQL's")
    from yinghuo.activities.services import _list_statement
    from yinghuo.db.rows import _plan
    with app.app_context():
        alpha = _tenant_id(app, "alpha")
        db.session.remove()
        # a connection of its own, not a pooled one: that one carries the prepared statements and
        # plan history of every earlier test that used it
        dbapi = _own_connection(app)
        try:
            role = app.extensions["yinghuo"].settings.app_role
            # earlier tests in this database (the page audit's demo data) leave deleted rows behind:
            # rewritten compactly first, each table is as small as its rows and the new rows do not land
            # after the dead ones (a table of 150 rows over the pages of thousands plans otherwise)
            dbapi.autocommit = True
            with dbapi.cursor() as cur:
                cur.execute("VACUUM FULL")   # rewrites every table compactly
            dbapi.autocommit = False
            with dbapi.cursor() as cur:  # a county's worth of activities, with statistics
                cur.execute("INSERT INTO activities (tenant_id, id, title, description, category, address, "
                            "starts_at, ends_at, capacity, confirmed_count, requirements, skills, visibility, "
                            "status, created_at) SELECT %s, nextval('yinghuo_id_seq'), 'a' || n, '', '文化服务', '', "
                            "now() + n * interval '1 day', now() + n * interval '1 day' + interval '2 hours', 30, 0, "
                            "'', '[]', 'tenant', 'published', now() FROM generate_series(1, 150) AS n", (alpha,))
                cur.execute("ANALYZE")   # every table: the statement joins more than activities
            dbapi.commit()
            sql, _, fixed, _ = _plan(_list_statement("member", ()), db.engine.dialect)
            for _ in range(16):  # psycopg prepares at the 6th; PostgreSQL plans the first 5 runs afresh
                with dbapi.cursor() as cur:
                    cur.execute(f"SET LOCAL ROLE {role}; SET LOCAL app.tenant_ids = '{alpha}'")
                    cur.execute(sql, {**fixed, "tenant": alpha, "limit": 20, "offset": 0, "reach": 1000})
                dbapi.rollback()
            with dbapi.cursor() as cur:
                cur.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                            "WHERE statement LIKE %s", ("%count(*) OVER ()%FROM activities%",))
                generic, custom = cur.fetchone()
            dbapi.rollback()
            assert custom == 5 and generic == 6, (generic, custom)
        finally:
            dbapi.close()


def _own_connection(app):
    """A connection of the kernel's driver outside the pool (no earlier test's plans or settings)."""
    from yinghuo.db.driver import Connection
    return Connection.connect(db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False))


def _alpha_and_own_connection(app):
    """Tenant alpha's id, the app role and a connection of its own (PostgreSQL only)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("row-level security is PostgreSQL's")
    with app.app_context():
        alpha = _tenant_id(app, "alpha")
        role = app.extensions["yinghuo"].settings.app_role
        db.session.remove()
        return alpha, role, _own_connection(app)


def _estimate(cur, sql: str, *params) -> int:
    cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
    return cur.fetchone()[0][0]["Plan"]["Plan Rows"]


def test_the_tenant_policy_leaves_the_tenant_size_to_the_statement(app, two_tenants):
    """Issue 18, at the goal's 992 tenants: the policy's ``tenant_id = ANY (array)`` was a second,
    independent filter beside the statement's own tenant criterion, taken to keep one row in a
    hundred; a city's activity list was planned for one row and sorted 50 000. The policy's one
    tenant is an equality PostgreSQL merges with the statement's: as the app role, the rows
    expected of a tenant are those expected without row-level security at all."""
    alpha, role, dbapi = _alpha_and_own_connection(app)
    with app.app_context():
        try:
            with dbapi.cursor() as cur:   # 400 more tenants of one unit each, 300 units in alpha; rolled back
                cur.execute("CREATE TEMP TABLE more ON COMMIT DROP AS SELECT nextval('yinghuo_id_seq') AS id, g "
                            "FROM generate_series(1, 400) g")
                cur.execute("INSERT INTO tenants SELECT (jsonb_populate_record(NULL::tenants, to_jsonb(t) || "
                            "jsonb_build_object('id', m.id, 'slug', 'many-' || m.g, 'name', 'many ' || m.g))).* "
                            "FROM tenants t, more m WHERE t.id = %s", (alpha,))
                cur.execute("INSERT INTO units SELECT (jsonb_populate_record(NULL::units, to_jsonb(u) || "
                            "jsonb_build_object('tenant_id', m.id, 'id', nextval('yinghuo_id_seq'), 'parent_id', NULL))).* "
                            "FROM units u, more m WHERE u.tenant_id = %s", (alpha,))
                cur.execute("INSERT INTO units SELECT (jsonb_populate_record(NULL::units, to_jsonb(u) || "
                            "jsonb_build_object('id', nextval('yinghuo_id_seq'), 'parent_id', NULL))).* "
                            "FROM units u, generate_series(1, 299) WHERE u.tenant_id = %s", (alpha,))
                cur.execute("ANALYZE units")
                sql = "SELECT * FROM units WHERE tenant_id = %s"
                unguarded = _estimate(cur, sql, alpha)   # the owner (a superuser here): no policy applies
                cur.execute(f"SET LOCAL ROLE {role}; SET LOCAL app.tenant_ids = '{alpha}'")
                guarded = _estimate(cur, sql, alpha)
                cur.execute("SELECT count(*) FROM units")
                seen = cur.fetchone()[0]
            assert seen == 300 and unguarded >= 250, (seen, unguarded)
            assert guarded == unguarded, (guarded, unguarded)
        finally:
            dbapi.rollback()
            dbapi.close()


def test_the_tenant_policy_reads_its_setting_without_a_function_call(app, two_tenants):
    """The policy's function is one expression PostgreSQL inlines: a SQL function it cannot
    inline (0022's body read its array in a FROM clause) is set up and planned afresh in every
    statement, once for each tenant table the statement reads (7 % of the activity list)."""
    alpha, role, dbapi = _alpha_and_own_connection(app)
    with app.app_context():
        try:
            with dbapi.cursor() as cur:
                cur.execute(f"SET LOCAL ROLE {role}; SET LOCAL app.tenant_ids = '{alpha}'")
                cur.execute("EXPLAIN (VERBOSE, COSTS OFF) SELECT name FROM units WHERE tenant_id = %s", (alpha,))
                plan = "\n".join(line for (line,) in cur.fetchall())
        finally:
            dbapi.rollback()
            dbapi.close()
    assert "current_setting('app.tenant_ids'" in plan, plan   # the policy's test is in the plan
    assert "yinghuo_current_tenant" not in plan, plan          # as an expression, not a call


def test_several_tenants_are_read_together_only_by_the_together_role(app, two_tenants):
    """The app role's policy admits one tenant: a setting of several (a hub's children, an
    account's memberships) shows it nothing, fail closed; the role the kernel takes for such a
    scope sees each of them, and the kernel's scope of several tenants reads them all."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("row-level security is PostgreSQL's")
    from yinghuo.db.context import unscoped
    from yinghuo.db.rls import together_role
    with app.app_context():
        alpha, beta = _tenant_id(app, "alpha"), _tenant_id(app, "beta")
        role = app.extensions["yinghuo"].settings.app_role
        db.session.remove()
        dbapi = _own_connection(app)
        try:
            def names(as_role, tenants):
                with dbapi.cursor() as cur:
                    cur.execute(f"SET LOCAL ROLE {as_role}; SET LOCAL app.tenant_ids = '{tenants}'")
                    cur.execute("SELECT name FROM units ORDER BY name")
                    found = [n for (n,) in cur.fetchall()]
                dbapi.rollback()
                return found
            assert names(role, f"{alpha},{beta}") == []
            assert names(role, f"{alpha}") == ["Alpha town"]
            assert names(together_role(role), f"{alpha},{beta}") == ["Alpha town", "Beta town"]
            assert names(together_role(role), f"{beta}") == ["Beta town"]
        finally:
            dbapi.close()
        with unscoped("a test reads two tenants together", [alpha, beta]):
            assert sorted(db.session.scalars(select(Unit.name).where(Unit.tenant_id.in_([alpha, beta])))) == \
                ["Alpha town", "Beta town"]
            current = db.session.execute(text("SELECT current_user")).scalar()
        db.session.rollback()
        assert current == together_role(role)
        with tenant_scope(alpha):
            assert db.session.execute(text("SELECT current_user")).scalar() == role
        db.session.rollback()


def _as_app_role(app, sql: str, tenant: int | None = None, **params):
    """Run ``sql`` as the app role in a transaction scoped to ``tenant`` (or to none)."""
    from sqlalchemy import text
    with app.app_context():
        with tenant_scope(tenant):
            try:
                result = db.session.execute(text(sql), params)
                return result.rowcount if result.returns_rows is False else result.all()
            finally:
                db.session.rollback()


def test_tokens_audit_rows_hosts_plugins_and_codes_keep_to_their_tenant(app, two_tenants):
    """Issue 16: with no tenant in scope the app role read every tenant's tokens and one UPDATE
    revoked them all; audit rows could be written for another tenant; host names, plugins and
    verification codes had no policy at all."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("row-level security is PostgreSQL's")
    from sqlalchemy.exc import ProgrammingError
    with app.app_context():
        alpha, beta = _tenant_id(app, "alpha"), _tenant_id(app, "beta")
    assert _as_app_role(app, "SELECT count(*) FROM api_tokens")[0][0] == 0
    assert _as_app_role(app, "UPDATE api_tokens SET revoked_at = now()") == 0
    assert _as_app_role(app, "SELECT count(*) FROM api_tokens", alpha)[0][0] == 1  # its own admin's
    assert _as_app_role(app, "UPDATE api_tokens SET revoked_at = now()", alpha) == 1
    with pytest.raises(ProgrammingError, match="row-level security"):
        _as_app_role(app, "INSERT INTO audit_log (at, actor, action, target_type, target_id, tenant_id) "
                          "VALUES (now(), 'x', 'forged', 'tenant', '1', :beta)", alpha, beta=beta)
    for sql in ("INSERT INTO tenant_hosts (tenant_id, host) VALUES (:beta, 'evil.example')",
                "INSERT INTO tenant_plugins (tenant_id, plugin, enabled) VALUES (:beta, 'teams', true)",
                "INSERT INTO verification_codes (code, tenant_id, kind, created_at) "
                "VALUES ('FORGED', :beta, 'certificate', now())"):
        with pytest.raises(ProgrammingError, match="row-level security"):
            _as_app_role(app, sql, alpha, beta=beta)
    assert _as_app_role(app, "UPDATE tenant_plugins SET enabled = false", alpha) == 0


def test_an_operators_token_is_found_by_its_own_hash_only(app, client, operator):
    """The operator API still works (its token is read by the hash the request carries), and
    without the hash, no scope sees an operator's token."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("row-level security is PostgreSQL's")
    assert client.get("/api/v1/tenants", headers=operator).status_code == 200
    assert _as_app_role(app, "SELECT count(*) FROM api_tokens WHERE tenant_id IS NULL")[0][0] == 0
