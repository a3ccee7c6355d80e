"""Mapped objects from plain rows: for the hottest reads (every API request's identity) the
ORM's query machinery costs more than the database. A Core statement fetches the rows and
:func:`attach` makes them ordinary persistent objects of the session - in its identity map,
clean, lazy-loading like any other - without a second query."""
from __future__ import annotations

import collections
import functools

from sqlalchemy import JSON, bindparam, insert, inspect, select, update
from sqlalchemy.orm.attributes import instance_state, set_committed_value

import psycopg
from psycopg.types.json import Json
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .context import ScopeError, current_scope
from .rls import aligned_connection


def columns_of(model) -> list[tuple[str, object]]:
    """(attribute key, table column) of every mapped column, in table order."""
    from sqlalchemy.orm import configure_mappers
    configure_mappers()
    mapper = inspect(model)
    return [(mapper.get_property_by_column(c).key, c) for c in model.__table__.columns]


def attach(model, values: dict, **relationships):
    """The session's object for this row: the one already in the identity map, or a new
    persistent one built from ``values`` (attribute key -> value, every column).

    Done as the ORM's own loading does it (the instance's dict filled, its identity key
    set, the state put in the session's identity map), so the object is clean, lazy-loads
    its relationships and flushes its changes like any other loaded object."""
    session = db.session()
    mapper = model.__mapper__
    key = (mapper._identity_class, tuple(values[k] for k in _pk_keys(model)), None)
    identity_map = session.identity_map
    found = identity_map.get(key)
    if found is not None:
        return found
    obj = mapper.class_manager.new_instance()
    obj.__dict__.update(values)  # columns, as the ORM's own loading fills them
    state = instance_state(obj)
    state.key, state.identity_token, state.session_id = key, None, session.hash_key
    identity_map.add(state)
    for name, value in relationships.items():
        set_committed_value(obj, name, value)
    return obj


_PK_KEYS: dict = {}


def _pk_keys(model) -> tuple[str, ...]:
    keys = _PK_KEYS.get(model)
    if keys is None:
        mapper = model.__mapper__
        keys = _PK_KEYS[model] = tuple(mapper.get_property_by_column(c).key for c in mapper.primary_key)
    return keys


def scope_tenant() -> int:
    """The one tenant in scope, for a Core statement that states its tenant criterion
    itself; none or several -> :class:`ScopeError` (fail closed)."""
    ids = current_scope().tenant_ids
    if len(ids) != 1:
        raise ScopeError("this read needs exactly one tenant in scope")
    return ids[0]


def connection():
    """The session's connection for a Core statement, with row-level security's settings
    brought in line with the current scope first (the ORM does this on its own statements;
    a transaction begun before the tenant was known still has none)."""
    return aligned_connection(db.session())


def find_one(model, **where):
    """The tenant row with these column values, as a session object, or None: one Core
    read with the tenant criterion explicit (row-level security applies too)."""
    rows = fetch(_find_statement(model, tuple(sorted(where))), {**where, "yh_tenant": scope_tenant()})
    return attach(model, rows[0]._asdict()) if rows else None


def find_all(model, **where) -> list:
    """The tenant rows with these column values, as session objects, in one Core read; a
    list or tuple value matches any of its items (``find_all(Account, key=["a", "b"])``)."""
    shape = tuple(sorted((k, len(v) if isinstance(v, (list, tuple)) else None) for k, v in where.items()))
    params = {"yh_tenant": scope_tenant()}
    for key, value in where.items():
        if isinstance(value, (list, tuple)):
            params.update({f"{key}_{i}": item for i, item in enumerate(value)})
        else:
            params[key] = value
    return [attach(model, row._asdict()) for row in fetch(_find_all_statement(model, shape), params)]


@functools.lru_cache(maxsize=128)
def _find_all_statement(model, shape: tuple):
    t = model.__table__
    where = [t.c.tenant_id == bindparam("yh_tenant")]
    for key, count in shape:
        where.append(t.c[key] == bindparam(key) if count is None else
                     t.c[key].in_([bindparam(f"{key}_{i}") for i in range(count)]))
    return select(*t.columns).where(*where)


@functools.lru_cache(maxsize=128)
def _find_statement(model, keys: tuple[str, ...]):
    t = model.__table__
    return select(*t.columns).where(t.c.tenant_id == bindparam("yh_tenant"), *[t.c[k] == bindparam(k) for k in keys])


def find_or_add(model, defaults: dict | None = None, **where):
    """The tenant row with these column values, made (with ``defaults`` too) when there is
    none: under a savepoint, so that of two requests making it at once the second reads the
    first's (a unique key over ``where`` decides)."""
    from sqlalchemy.exc import IntegrityError
    found = find_one(model, **where)
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            found = model(**where, **(defaults or {}))
            db.session.add(found)
    except IntegrityError:
        found = find_one(model, **where)
    return found


def insert_row(model, **values):
    """A new row of the tenant in scope written by one Core INSERT … RETURNING its id, as a
    session object (column defaults apply as in the ORM). SQLite takes the ORM's way: its ids come
    from a counter the mapper fills in."""
    values.setdefault("tenant_id", scope_tenant())
    if connection().dialect.name != "postgresql":
        obj = model(**values)
        db.session.add(obj)
        db.session.flush()
        return obj
    _fill_defaults(model.__table__, values)
    [row] = fetch(_insert_statement(model, tuple(sorted(values))), values)
    return attach(model, {**values, **row._asdict()} if row is not None else values)


def insert_values(table, **values) -> None:
    """One INSERT of these column values into ``table``, nothing read back (for rows the
    writer need not be allowed to read, such as the audit log's)."""
    _fill_defaults(table, values)
    fetch(_values_statement(table, tuple(sorted(values))), values)


def _fill_defaults(table, values: dict) -> None:
    for key, default in _python_defaults(table):
        if key not in values:  # as the ORM would: created_at = utcnow() …
            values[key] = default.arg(None) if default.is_callable else default.arg


@functools.lru_cache(maxsize=32)
def _values_statement(table, keys: tuple[str, ...]):
    return insert(table).inline().values({k: bindparam(k) for k in keys})


@functools.lru_cache(maxsize=64)
def _python_defaults(table) -> tuple:
    return tuple((c.key, c.default) for c in table.columns
                 if c.default is not None and (c.default.is_callable or c.default.is_scalar))


@functools.lru_cache(maxsize=128)
def _insert_statement(model, keys: tuple[str, ...]):
    """The INSERT, returning only what the database fills in (the id from the sequence):
    the rest of the row is what was written."""
    t = model.__table__
    stmt = insert(t).values({k: bindparam(k) for k in keys})
    generated = [c for c in t.columns if c.key not in keys]
    return stmt.returning(*generated) if generated else stmt


def bump(model, key: int, column: str, by: int, *, below: str | None = None, min_value: int | None = None) -> bool:
    """``column += by`` on one tenant row in one conditional UPDATE - only while ``column <
    below`` (another column, e.g. a capacity) and only if the result stays ``>= min_value``
    when these are given: atomic in the database. True if the row changed."""
    stmt = _bump_statement(model, column, by, below, min_value)
    return len(fetch(stmt, {"yh_tenant": scope_tenant(), "yh_id": key})) == 1


@functools.lru_cache(maxsize=32)
def _bump_statement(model, column: str, by: int, below: str | None, min_value: int | None):
    t = model.__table__
    where = [t.c.tenant_id == bindparam("yh_tenant"), t.c.id == bindparam("yh_id")]
    if below is not None:
        where.append(t.c[column] < t.c[below])
    if min_value is not None:
        where.append(t.c[column] >= min_value - by)
    return update(t).where(*where).values({column: t.c[column] + by})


def fetch(stmt, params: dict) -> list:
    """Run a prebuilt Core SELECT (or UPDATE) and return its rows (named tuples).

    On PostgreSQL the statement is compiled once and run on the session's own driver
    connection - same transaction, same row-level security settings - skipping the
    per-call work of SQLAlchemy's execution layer, which costs more than the query on the
    hottest paths. Values go to psycopg as they are (psycopg returns zone-aware
    timestamps and decoded JSON itself). Elsewhere, and for statements with expanding
    IN-lists, SQLAlchemy runs it."""
    conn = connection()
    plan = _plan(stmt, conn.dialect) if conn.dialect.name == "postgresql" else None
    if plan is None:
        result = conn.execute(stmt, params)
        return result.all() if result.returns_rows else [None] * max(result.rowcount, 0)
    sql, row_type, fixed, json_keys = plan
    if fixed:
        params = {**fixed, **params}
    for key in json_keys:  # JSON columns: psycopg is told, as SQLAlchemy's JSON type would
        if params.get(key) is not None:
            params = {**params, key: Json(params[key])}
    cursor = _cursor(conn.connection)
    try:
        cursor.execute(sql, params)
    except psycopg.IntegrityError as exc:  # as SQLAlchemy's own execution would raise it
        raise IntegrityError(sql, params, exc) from exc
    if row_type is None:
        return [None] * max(cursor.rowcount, 0)  # one entry per changed row
    return [row_type._make(r) for r in cursor.fetchall()]


def _cursor(pooled):
    """One driver cursor per pooled connection, reused statement after statement."""
    dbapi = pooled.dbapi_connection
    kept = pooled.info.get("yh_cursor")
    if kept is None or kept[0] is not dbapi or kept[1].closed:
        kept = pooled.info["yh_cursor"] = (dbapi, dbapi.cursor())
    return kept[1]


_PLANS: dict = {}


def _plan(stmt, dialect):
    key = id(stmt)
    plan = _PLANS.get(key)
    if plan is None:
        compiled = stmt.compile(dialect=dialect)
        if any(b.expanding for b in compiled.binds.values()):
            plan = _PLANS[key] = (stmt, False)
        else:
            columns = stmt.selected_columns if stmt.is_select else \
                (stmt.exported_columns if getattr(stmt, "_returning", ()) else [])
            keys = [c.key for c in columns]
            row_type = collections.namedtuple("Row", keys, rename=True) if keys else None
            # values fixed in the statement itself (``count + 1``), by their compiled names
            fixed = {compiled.bind_names[b]: b.value for b in compiled.binds.values()
                     if not b.required and b.callable is None}
            json_keys = tuple(compiled.bind_names[b] for b in compiled.binds.values() if isinstance(b.type, JSON))
            plan = _PLANS[key] = (stmt, (compiled.string, row_type, fixed, json_keys))
    return plan[1] or None
