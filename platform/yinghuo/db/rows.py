"""Mapped objects from plain rows: for the hottest reads (every API request's identity) the
ORM's query machinery costs more than the database. A Core statement fetches the rows and
:func:`attach` makes them ordinary persistent objects of the session - in its identity map,
clean, lazy-loading like any other - without a second query."""
from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from .context import ScopeError, current_scope


def columns_of(model) -> list[tuple[str, object]]:
    """(attribute key, table column) of every mapped column, in table order."""
    from sqlalchemy.orm import configure_mappers
    configure_mappers()
    mapper = inspect(model)
    return [(mapper.get_property_by_column(c).key, c) for c in model.__table__.columns]


def attach(model, values: dict, **relationships):
    """The session's object for this row: the one already in the identity map, or a new
    persistent one built from ``values`` (attribute key -> value, every column)."""
    mapper = model.__mapper__
    key = (model, tuple(values[k] for k in _pk_keys(model)), None)
    found = db.session.identity_map.get(key)
    if found is not None:
        return found
    obj = mapper.class_manager.new_instance()
    obj.__dict__.update(values)  # columns, as the ORM's own loading fills them
    for name, value in relationships.items():
        set_committed_value(obj, name, value)
    make_transient_to_detached(obj)  # committed state and identity key, no SQL
    db.session.add(obj)
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
    from .rls import sync
    session = db.session()
    sync(session)
    return session.connection()
