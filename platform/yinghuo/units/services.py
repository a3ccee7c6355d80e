"""Org tree rules: create units under a parent, subtree queries by path prefix."""
from __future__ import annotations

from sqlalchemy import select

from .. import audit
from ..db.context import current_tenant_id
from ..errors import Invalid, NotFound
from ..extensions import db
from .models import Unit


def get_unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, (current_tenant_id(), unit_id))
    if unit is None:
        raise NotFound("no such unit")
    return unit


def create_unit(tenant, *, name: str, type: str, parent_id: int | None = None) -> Unit:
    """Add a unit; its type must be one of the tenant's unit types."""
    types = tenant.setting("unit_types") or []
    fields = {}
    if not (name or "").strip():
        fields["name"] = ["required"]
    if types and type not in types:
        fields["type"] = [f"one of {', '.join(types)}"]
    parent = None
    if parent_id is not None:
        parent = db.session.get(Unit, (tenant.id, parent_id))
        if parent is None:
            fields["parent_id"] = ["no such unit in this tenant"]
    if fields:
        raise Invalid("Unit is invalid", fields=fields)
    unit = Unit(tenant_id=tenant.id, name=name.strip(), type=type, parent_id=parent_id,
                path="", depth=parent.depth + 1 if parent else 0)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    db.session.flush()
    audit.record("unit.create", "unit", unit.id, after={"name": unit.name, "type": type, "parent_id": parent_id})
    return unit


def subtree(unit: Unit) -> list[Unit]:
    """The unit and everything under it, in tree order: one indexed prefix query."""
    return list(db.session.scalars(
        select(Unit).where(Unit.path.startswith(unit.path, autoescape=True)).order_by(Unit.path)))


def tree() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.path)))


def in_subtree(unit_id: int | None, root_id: int) -> bool:
    if unit_id is None:
        return False
    unit = db.session.get(Unit, (current_tenant_id(), unit_id))
    return unit is not None and f"/{root_id}/" in unit.path


def unit_view(unit: Unit) -> dict:
    return {"id": unit.id, "name": unit.name, "type": unit.type, "parent_id": unit.parent_id,
            "path": unit.path, "depth": unit.depth}
