"""Which levels a person acts on: every feature asks here. Tenant admins reach the whole
tree; a unit admin the subtrees of their admin roles; anyone else with a stations
permission the subtree of their own unit (a station's clerk: their station)."""
from __future__ import annotations

from yinghuo.api import activities_between, admin_roots, all_units, get_unit, in_subtree, unit_ids_under


def roots_of(member) -> list[int] | None:
    """The units whose subtrees ``member`` reaches; None for the whole tenant."""
    roots = admin_roots(member)
    if roots is None:
        return None
    return roots or ([member.unit_id] if member is not None and member.unit_id else [])


def covers(member, unit_id: int | None) -> bool:
    """Whether ``unit_id`` lies in ``member``'s reach."""
    if member is None or unit_id is None:
        return False
    roots = roots_of(member)
    return roots is None or any(unit_id == r or in_subtree(unit_id, r) for r in roots)


def at_top(member) -> bool:
    """Whether ``member`` reaches a root of the tree: the centre's own people."""
    roots = roots_of(member)
    return roots is None or any(get_unit(r).parent_id is None for r in roots)


def stations_by_unit(units, kind: str) -> dict[int, int]:
    """Each unit's station (itself or its nearest unit of type ``kind`` above), from the
    paths of ``units`` alone."""
    types = {u.id: u.type for u in units}
    out = {}
    for u in units:
        for ancestor in reversed([int(i) for i in u.path.strip("/").split("/")]):
            if types.get(ancestor) == kind:
                out[u.id] = ancestor
                break
    return out


def stations_with_activities(member, start, end) -> tuple[list, dict, dict]:
    """The stations in ``member``'s reach (tree order), every unit by id (for parents), and
    the activities each station (or a unit under it) held in [start, end): what the ledger
    report and the ranking count."""
    from .settings import settings
    kind = settings()["station_unit_type"]
    units = all_units()
    roots = roots_of(member)
    visible = None if roots is None else unit_ids_under(roots)
    stations = [u for u in units if u.type == kind and (visible is None or u.id in visible)]
    by_unit = stations_by_unit(units, kind)
    held: dict[int, list] = {s.id: [] for s in stations}
    for activity in activities_between([u for u, s in by_unit.items() if s in held], start, end) if held else []:
        held[by_unit[activity.unit_id]].append(activity)
    return stations, {u.id: u for u in units}, held
