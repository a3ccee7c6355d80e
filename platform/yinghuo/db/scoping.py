"""Wall 1: every ORM statement on a tenant-owned model is filtered by the scope.

Done once here, for every query, with ``do_orm_execute`` + ``with_loader_criteria``;
``before_flush`` fills ``tenant_id`` on new rows and refuses rows of another tenant.
No tenant in scope -> :class:`ScopeError` (fail closed).
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session, with_loader_criteria
from sqlalchemy.sql.util import find_tables

from .base import Base, TenantModel
from .context import ScopeError, current_scope

#: Flipped off only by the isolation test that proves RLS alone holds.
ENABLED = {"orm": True}


def install(session_cls=Session) -> None:
    if event.contains(session_cls, "do_orm_execute", _scope_statement):
        return
    event.listen(session_cls, "do_orm_execute", _scope_statement)
    event.listen(session_cls, "before_flush", _check_new_rows)


def _touches_tenant_model(state) -> bool:
    """Does the statement read or write a tenant-owned table (also via select_from/joins)?"""
    if any(issubclass(m.class_, TenantModel) for m in state.all_mappers):
        return True
    tables = find_tables(state.statement, check_columns=True, include_aliases=True, include_joins=True)
    owned = {m.local_table for m in Base.registry.mappers if issubclass(m.class_, TenantModel)}
    return any(getattr(t, "element", t) in owned for t in tables)


def _scope_statement(state) -> None:
    if not ENABLED["orm"] or state.is_column_load or state.is_relationship_load:
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    ids = current_scope().tenant_ids
    if not ids:
        if _touches_tenant_model(state):
            raise ScopeError("a tenant-owned table was queried with no tenant in scope")
        return
    # With a scope the criteria go on every statement: cheaper than inspecting it, and
    # harmless where no tenant-owned entity appears.
    state.statement = state.statement.options(
        with_loader_criteria(TenantModel, _criteria(ids), include_aliases=True))


def _criteria(ids: tuple[int, ...]):
    if len(ids) == 1:
        tid = ids[0]
        return lambda cls: cls.tenant_id == tid
    return lambda cls: cls.tenant_id.in_(ids)


def _check_new_rows(session, flush_context, instances) -> None:
    if not ENABLED["orm"]:
        return
    scope = current_scope()
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, TenantModel):
            continue
        if obj.tenant_id is None:
            if scope.tenant_id is None:
                raise ScopeError(f"cannot write {type(obj).__name__} with no tenant in scope")
            obj.tenant_id = scope.tenant_id
        elif obj.tenant_id not in scope.tenant_ids:
            raise ScopeError(f"{type(obj).__name__} belongs to tenant {obj.tenant_id}, not to the scope")
