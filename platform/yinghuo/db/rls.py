"""Wall 2: PostgreSQL row-level security, enabled and forced on every tenant table.

Each transaction starts with ``SET LOCAL ROLE <app role>`` (never superuser, never
BYPASSRLS, even when DATABASE_URL names a superuser) and ``SET LOCAL
app.tenant_ids = '<id>[,<id>…]'``. Policies compare ``tenant_id`` with
``yinghuo_current_tenants()``, which turns an unset or empty setting into an empty
array, so no tenant means no rows (fail closed).
"""
from __future__ import annotations

from sqlalchemy import event

from .context import current_scope

try:  # psycopg's libpq states, for opening a transaction and setting it up in one round trip
    from psycopg import pq as _pq
    _IDLE, _COMMAND_OK = _pq.TransactionStatus.IDLE, _pq.ExecStatus.COMMAND_OK
except ImportError:  # pragma: no cover - psycopg is a dependency
    _IDLE = _COMMAND_OK = None

FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION yinghuo_current_tenants() RETURNS bigint[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_to_array(nullif(current_setting('app.tenant_ids', true), ''), ',')::bigint[],
                  ARRAY[]::bigint[])
$$;
CREATE OR REPLACE FUNCTION yinghuo_is_operator() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('app.operator', true), '') = 'on'
$$;
"""

ROLE_SQL = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
    CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
END $$;
GRANT {role} TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
"""


def create_app_role(op, role: str = "yinghuo_app") -> None:
    """Migration helper: the role the app switches to, and the policy functions."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(ROLE_SQL.format(role=role))
    op.execute(FUNCTIONS_SQL)


def enable_tenant_rls(op, table: str, role: str = "yinghuo_app") -> None:
    """Migration helper: grant the app role, enable and force RLS, one fail-closed policy."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {role}")
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} "
        f"USING (tenant_id = ANY (yinghuo_current_tenants())) "
        f"WITH CHECK (tenant_id = ANY (yinghuo_current_tenants()))")


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
    if connection.dialect.name != "postgresql" or kernel is None or not kernel.rls_state["on"]:
        return
    connection.info.pop(_APPLIED, None)
    _apply(connection, f"SET LOCAL ROLE {kernel.settings.app_role}; ")
    session.info[_APPLIED] = connection.info[_APPLIED]


def _follow(orm_state):
    _sync(orm_state.session)


def aligned_connection(session):
    """The session's connection for a Core statement, its settings those of the scope (the
    ORM's statements get this through ``do_orm_execute``; a transaction begun before the
    tenant was known has none). One connection lookup per transaction."""
    transaction = session.get_transaction()
    cached = session.info.get("yh_connection")
    if cached is not None and transaction is not None and cached[0] is transaction:
        connection = cached[1]
    else:  # begins the transaction if none is open: after_begin applies the settings
        connection = session.connection()
        session.info["yh_connection"] = (session.get_transaction(), connection)
    if not _is_applied(session):  # the scope changed since
        kernel = _kernel()
        if kernel is not None and kernel.rls_state["on"] and connection.dialect.name == "postgresql":
            _apply(connection)
            session.info[_APPLIED] = connection.info[_APPLIED]
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
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _apply(connection)
        session.info[_APPLIED] = connection.info[_APPLIED]


def _apply(connection, prefix: str = "") -> None:
    """SET the scope's tenants (one round trip, together with ``prefix``) unless already set."""
    scope = current_scope()
    key = (scope.tenant_ids, scope.operator)
    if connection.info.get(_APPLIED) == key:
        return
    ids = ",".join(str(int(t)) for t in scope.tenant_ids)
    sql = (f"{prefix}SET LOCAL app.tenant_ids = '{ids}'; "
           f"SET LOCAL app.operator = '{'on' if scope.operator else 'off'}'")
    dbapi = connection.connection.dbapi_connection
    if prefix and _can_open_with(dbapi):
        # the transaction's first round trip opens it and sets it up together (psycopg
        # would otherwise send BEGIN on its own first; it sees the open transaction)
        result = dbapi.pgconn.exec_(f"BEGIN; {sql}".encode())
        if result.status != _COMMAND_OK:
            raise RuntimeError(f"could not set up the transaction: {result.error_message.decode(errors='replace')}")
    else:  # straight to the driver: one round trip, nothing for SQLAlchemy to compile or track
        cursor = dbapi.cursor()
        try:
            cursor.execute(sql)
        finally:
            cursor.close()
    connection.info[_APPLIED] = key


def _can_open_with(dbapi) -> bool:
    """A psycopg connection with no transaction open and none of the options that would
    make psycopg's own BEGIN say more than BEGIN."""
    pgconn = getattr(dbapi, "pgconn", None)
    return (pgconn is not None and pgconn.transaction_status == _IDLE and not dbapi.autocommit
            and dbapi.isolation_level is None and dbapi.read_only is None and dbapi.deferrable is None)
