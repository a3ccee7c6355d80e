"""Org tree rules: create units under a parent, subtree queries by path prefix."""
from __future__ import annotations

from sqlalchemy import bindparam, false, or_, select

from .. import audit
from ..db.context import current_tenant_id
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from .models import Unit


def get_unit(unit_id: int) -> Unit:
    """A unit of the current tenant: from the session when already loaded, else one Core read."""
    from ..db.rows import find_one
    unit = db.session.identity_map.get((Unit.__mapper__._identity_class, (current_tenant_id(), unit_id), None))
    if unit is None:
        unit = find_one(Unit, id=unit_id)
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


def children(parent_id: int | None) -> list[Unit]:
    """The units directly under ``parent_id`` (the top-level units for None), by name."""
    where = Unit.parent_id.is_(None) if parent_id is None else Unit.parent_id == parent_id
    return list(db.session.scalars(select(Unit).where(where).order_by(Unit.name, Unit.id)))


def ancestors(unit: Unit) -> list[Unit]:
    """The units above ``unit``, top first (its path holds their ids)."""
    ids = [int(part) for part in unit.path.strip("/").split("/")[:-1] if part]
    found = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids if i in found]


def below(counts: dict[int, int]) -> tuple[dict[int, int], dict[int, int]]:
    """From each unit's own member ``counts``: the members of each unit and all units under it,
    and each unit's number of direct sub-units (one read of the tenant's unit paths)."""
    totals: dict[int, int] = {}
    subunits: dict[int, int] = {}
    for unit_id, parent_id, path in db.session.execute(select(Unit.id, Unit.parent_id, Unit.path)):
        own = counts.get(unit_id, 0)
        for part in path.strip("/").split("/"):
            if part:
                totals[int(part)] = totals.get(int(part), 0) + own
        if parent_id is not None:
            subunits[parent_id] = subunits.get(parent_id, 0) + 1
    return totals, subunits


def in_subtree(unit_id: int | None, root_id: int) -> bool:
    if unit_id is None:
        return False
    unit = db.session.get(Unit, (current_tenant_id(), unit_id))
    return unit is not None and f"/{root_id}/" in unit.path


def admin_roots(member) -> list[int] | None:
    """The units whose subtrees ``member`` administers; None when they act on the whole
    tenant (the ``tenant.all_units`` permission)."""
    from ..gate import allowed
    if allowed(member, "tenant.all_units"):
        return None
    return [r.unit_id for r in member.roles if r.role == "unit_admin" and r.unit_id]


def units_under(roots: list[int]):
    """A statement selecting the ids of every unit in the subtrees of ``roots``."""
    paths = list(db.session.scalars(select(Unit.path).where(Unit.id.in_(roots)))) if roots else []
    if not paths:
        return select(Unit.id).where(false())
    return select(Unit.id).where(or_(*[Unit.path.startswith(p, autoescape=True) for p in paths]))


def _ids_under_statement():
    """Built once: the ids of the units under one root, the pattern being the root's own
    path column (never a bound parameter: a prepared statement's generic plan for
    ``path LIKE $1 || '%'`` inside a subquery rescans the paths once per unit)."""
    unit, root = Unit.__table__, Unit.__table__.alias("root_unit")
    return (select(unit.c.id).select_from(unit.join(root, (root.c.tenant_id == unit.c.tenant_id)
                                                    & unit.c.path.startswith(root.c.path, autoescape=False)))
            .where(unit.c.tenant_id == bindparam("yh_tenant"), root.c.id == bindparam("root")))


_IDS_UNDER = _ids_under_statement()


def unit_ids_under(roots: list[int]) -> set[int]:
    """The ids of every unit in the subtrees of ``roots`` (one prebuilt statement a root)."""
    from ..db.rows import fetch
    tenant_id = current_tenant_id()
    found: set[int] = set()
    for root in sorted(set(roots or ())):
        found.update(r.id for r in fetch(_IDS_UNDER, {"yh_tenant": tenant_id, "root": root}))
    return found


def check_may_add_under(member, parent_id: int | None) -> None:
    """Unit admins add units only inside their own subtrees."""
    roots = admin_roots(member)
    if roots is not None and not any(parent_id == root or in_subtree(parent_id, root) for root in roots):
        raise Forbidden("Unit admins can only add units inside their own subtree")


def unit_view(unit: Unit) -> dict:
    return {"id": unit.id, "name": unit.name, "type": unit.type, "parent_id": unit.parent_id,
            "path": unit.path, "depth": unit.depth}
