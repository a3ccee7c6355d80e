"""Wall 2: PostgreSQL row-level security, enabled and forced on every tenant table.

Each transaction starts with ``SET LOCAL ROLE <app role>`` (never superuser, never
BYPASSRLS, even when DATABASE_URL names a superuser) and ``SET LOCAL
app.tenant_ids = '<id>[,<id>…]'``. Each tenant table has two policies:

- ``tenant_isolation`` (every role): ``tenant_id`` equals ``yinghuo_current_tenant()``, the
  one tenant in the setting; NULL when there is none or more than one, so no rows (fail closed).
- ``tenants_together`` (only ``<app role>_together``, which the transaction switches to while
  the scope holds several tenants: a hub's children, an account's memberships):
  ``tenant_id`` is one of ``yinghuo_current_tenants()``.

One tenant is an equality, not ``= ANY (array)``, for the planner: PostgreSQL merges it with
the statement's own ``tenant_id = :tenant`` (one equivalence class, a one-time check that the
two agree) and estimates the tenant's rows from that alone. As a second, independent filter
over an array of unknown length it was taken to keep one row in a hundred of the tenant's: with
a thousand tenants the activity list of a city's tenant was planned for one row and sorted
its 50 000 (bench/scale.py --full).
"""
from __future__ import annotations

from sqlalchemy import event

from . import plans
from .context import current_scope
from .driver import can_open_transaction, run_simple

#: Each body is one expression with no FROM, so PostgreSQL inlines it into the policy: a SQL
#: function it cannot inline (``... FROM yinghuo_current_tenants() AS t``, migration 0022) is
#: parsed and planned afresh in every statement that reads a tenant table (about 45 µs a table,
#: 7 % of the activity list; migration 0023).
FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION yinghuo_current_tenants() RETURNS bigint[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_to_array(nullif(current_setting('app.tenant_ids', true), ''), ',')::bigint[],
                  ARRAY[]::bigint[])
$$;
CREATE OR REPLACE FUNCTION yinghuo_current_tenant() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN cardinality(yinghuo_current_tenants()) = 1 THEN (yinghuo_current_tenants())[1] END
$$;
CREATE OR REPLACE FUNCTION yinghuo_is_operator() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('app.operator', true), '') = 'on'
$$;
"""

#: Roles are the cluster's, not the database's: two databases migrating at once (the test
#: suite's workers on a new machine) both see no role and both create it, and the second
#: fails on pg_authid's unique index. The block swallows exactly that race.
_ROLE_BLOCK = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
    BEGIN
      CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS{member_of};
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  IF NOT pg_has_role(CURRENT_USER, '{role}', 'MEMBER') THEN
    BEGIN
      GRANT {role} TO CURRENT_USER;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
END $$;
"""


def together_role(role: str) -> str:
    """The role a transaction takes while its scope holds several tenants: the app role's
    privileges (it is a member of it) and the ``tenants_together`` policy besides."""
    return f"{role}_together"


def role_sql(role: str) -> str:
    """The app role and its together role, granted to the connecting user (idempotent)."""
    return (_ROLE_BLOCK.format(role=role, member_of="")
            + f"GRANT USAGE ON SCHEMA public TO {role};\n"
            + f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};\n"
            + _ROLE_BLOCK.format(role=together_role(role), member_of=f" IN ROLE {role}"))


def create_app_role(op, role: str = "yinghuo_app") -> None:
    """Migration helper: the roles the app switches to, and the policy functions."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(role_sql(role))
    op.execute(FUNCTIONS_SQL)


#: The tenant policy's test. The function sits in a scalar sub-select so that PostgreSQL
#: evaluates it once per statement (an InitPlan) and plans around an unknown value: called
#: directly, it let the planner read the setting while planning each statement with its
#: values, those plans looked cheaper than the statement's reusable (generic) plan, and
#: PostgreSQL planned the activity list afresh on every request.
TENANT_TEST = "tenant_id = (SELECT yinghuo_current_tenant())"
#: The test of the policy for several tenants at once (the together role's only).
TOGETHER_TEST = "tenant_id = ANY ((SELECT yinghuo_current_tenants())::bigint[])"


def enable_tenant_rls(op, table: str, role: str = "yinghuo_app") -> None:
    """Migration helper: grant the app role, enable and force RLS, one fail-closed policy."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {role}")
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    create_tenant_policy(op, table)


def create_tenant_policy(op, table: str, role: str = "yinghuo_app") -> None:
    """The table's two policies: one tenant (every role), several (the together role)."""
    op.execute(f"CREATE POLICY tenant_isolation ON {table} USING ({TENANT_TEST}) WITH CHECK ({TENANT_TEST})")
    op.execute(f"CREATE POLICY tenants_together ON {table} TO {together_role(role)} "
               f"USING ({TOGETHER_TEST}) WITH CHECK ({TOGETHER_TEST})")


def grant_global(op, table: str, privileges: str = "SELECT, INSERT, UPDATE, DELETE",
                 role: str = "yinghuo_app") -> None:
    """Migration helper: grants on a platform-wide (not tenant-owned) table."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"GRANT {privileges} ON {table} TO {role}")


_APPLIED = "yinghuo_rls_scope"
_INSTALLED = {"done": False}


def install(session_cls) -> None:
    """Start every PostgreSQL transaction as the app role with the scope's tenants.

    Installed once per process; the role and the on/off switch come from the current
    app's kernel state. The setting follows the scope inside a transaction too: a request
    that read the (global) tenants table before entering the tenant's scope gets the new
    setting on its next statement.
    """
    if _INSTALLED["done"]:
        return
    _INSTALLED["done"] = True
    event.listen(session_cls, "after_begin", _begin)
    event.listen(session_cls, "do_orm_execute", _follow)
    event.listen(session_cls, "before_flush", lambda session, ctx, objs: _sync(session))


def _kernel():
    from flask import current_app, has_app_context
    return current_app.extensions["yinghuo"] if has_app_context() else None


def _begin(session, transaction, connection):
    kernel = _kernel()
    if _rls_on(kernel, connection):
        connection.info.pop(_APPLIED, None)
        prefix = ""
        if session.info.pop(plans.AT_BEGIN, False):   # asked for before the transaction began
            prefix = "SET LOCAL plan_cache_mode = force_custom_plan; "
            session.info[plans.SET_FOR] = transaction
        _apply(session, connection, prefix, begin=True)


def _rls_on(kernel, connection) -> bool:
    return kernel is not None and kernel.rls_state["on"] and connection.dialect.name == "postgresql"


def _follow(orm_state):
    _sync(orm_state.session)


def aligned_connection(session):
    """The session's connection for a Core statement, its settings those of the scope (the
    ORM's statements get this through ``do_orm_execute``; a transaction begun before the
    tenant was known has none). One connection lookup per transaction, and per savepoint:
    inside ``begin_nested()`` the lookup is what emits the SAVEPOINT, so that a failed Core
    statement rolls back to it as an ORM one would."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    cached = session.info.get("yh_connection")
    if cached is not None and transaction is not None and cached[0] is transaction:
        connection = cached[1]
    else:  # begins the transaction if none is open: after_begin applies the settings
        connection = session.connection()
        session.info["yh_connection"] = (session.get_transaction(), connection)
    if not _is_applied(session) and _rls_on(_kernel(), connection):  # the scope changed since
        _apply(session, connection)
    return connection


def _is_applied(session) -> bool:
    scope = current_scope()
    return session.info.get(_APPLIED) == (scope.tenant_ids, scope.operator)


def _sync(session):
    """Bring the transaction's setting in line with the scope before a statement or flush."""
    if _is_applied(session) and session.in_transaction():
        return  # already set in this transaction: skip the (costly) connection lookup
    kernel = _kernel()
    if kernel is None or not kernel.rls_state["on"]:
        return  # before asking for a connection, which would begin a transaction
    connection = session.connection()
    if _rls_on(kernel, connection):
        _apply(session, connection)


def _lost(connection, dbapi, sql: str, exc: Exception) -> None:
    """These statements go to the driver directly, past SQLAlchemy's own handling: when the
    connection is gone (the server restarted, a proxy cut it), do what SQLAlchemy does for its
    statements - drop this connection and the pool's others of the same age - and say so as
    SQLAlchemy would, so the request answers 503 once and the next one connects afresh."""
    if not (getattr(dbapi, "broken", False) or getattr(dbapi, "closed", False)):
        return
    from sqlalchemy.exc import OperationalError
    connection.invalidate(exc)
    connection.engine.dispose(close=False)  # the pool's other connections are as old: new ones next time
    raise OperationalError(sql, None, exc, connection_invalidated=True) from exc


def _apply(session, connection, prefix: str = "", begin: bool = False) -> None:
    """SET the role and the scope's tenants (one round trip, together with ``prefix``, and
    with the BEGIN when ``begin`` and the driver lets it) unless
    already set, and note on the session which scope its transaction is set for. Several
    tenants take the together role: the app role's policy admits one."""
    scope = current_scope()
    key = (scope.tenant_ids, scope.operator)
    if connection.info.get(_APPLIED) != key:
        ids = ",".join(str(int(t)) for t in scope.tenant_ids)
        role = _kernel().settings.app_role
        if len(scope.tenant_ids) > 1:
            role = together_role(role)
        sql = (f"{prefix}SET LOCAL ROLE {role}; SET LOCAL app.tenant_ids = '{ids}'; "
               f"SET LOCAL app.operator = '{'on' if scope.operator else 'off'}'")
        dbapi = connection.connection.dbapi_connection
        try:
            if begin and can_open_transaction(dbapi):
                run_simple(dbapi, f"BEGIN; {sql}")  # the transaction's first round trip opens and sets it up
            else:  # psycopg's cursor: it opens the transaction first if none is
                with dbapi.cursor() as cursor:
                    cursor.execute(sql)
        except Exception as exc:
            _lost(connection, dbapi, sql, exc)
            raise
        connection.info[_APPLIED] = key
    session.info[_APPLIED] = key
