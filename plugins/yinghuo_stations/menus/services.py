"""The project library and service menus (逐级推单): squads propose projects, their branch
gathers them, the centre approves them into the library; each station picks what it
offers; a resident's order from a station's menu becomes a demand already sent to the
project's team, through the level that holds both, within the project's monthly capacity."""
from __future__ import annotations

from sqlalchemy import delete, select
from yinghuo.api import (
    Conflict, Forbidden, Invalid, NotFound, allowed, audit, bump, change_if, db, find_or_add, get_unit, local_today,
)

from ..reach import at_top, covers
from ..settings import settings
from .models import MenuItem, Project, ProjectMonth

#: step -> (states it may start from, state it leads to)
STEPS = {
    "gather": ({"proposed"}, "gathered"),
    "approve": ({"gathered"}, "approved"),
    "return": ({"proposed", "gathered"}, "returned"),
    "retire": ({"approved"}, "retired"),
}
STATE_WORDS = {"proposed": "proposed by its squad", "gathered": "gathered by its branch",
               "approved": "in the library", "returned": "returned", "retired": "retired"}
STEP_WORDS = {"gather": "gathered", "approve": "approved", "return": "returned", "retire": "retired"}


def get_project(project_id: int) -> Project:
    row = db.session.scalar(select(Project).where(Project.id == project_id))
    if row is None:
        raise NotFound("no such project")
    return row


def propose(data: dict, *, by) -> Project:
    """A squad (or any level) proposes a project its team will serve."""
    name = (data.get("name") or "").strip()
    errors = {}
    if not name:
        errors["name"] = ["required"]
    elif db.session.scalar(select(Project.id).where(Project.name == name)) is not None:
        errors["name"] = ["already used"]
    if (data.get("category") or "") not in settings()["categories"]:
        errors["category"] = ["choose one of the categories"]
    team = data.get("team_unit_id")
    if not team or get_unit(int(team)).type != settings()["team_unit_type"]:
        errors["team_unit_id"] = ["choose a team"]
    capacity = data.get("capacity_per_month")
    if capacity in (None, "") or not 1 <= int(capacity) <= 1000:
        errors["capacity_per_month"] = ["1 to 1000"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    if not covers(by, int(team)):
        raise Forbidden("Propose projects for your own team only")
    row = Project(name=name[:100], category=data["category"], description=(data.get("description") or "").strip()[:1000],
                  team_unit_id=int(team), capacity_per_month=int(capacity), status="proposed", proposed_by=by.id)
    db.session.add(row)
    db.session.flush()
    audit("stations.project.propose", "project", row.id, after={"name": row.name, "team_unit_id": row.team_unit_id})
    return row


def _check_may(project: Project, step: str, by) -> None:
    if not allowed(by, "stations.dispatch") or not covers(by, project.team_unit_id):
        raise Forbidden("Only the levels above the project's team may do this")
    if step == "gather" and by.unit_id == project.team_unit_id:
        raise Forbidden("A squad's own proposal is gathered by its branch")
    if (step in ("approve", "retire") or (step == "return" and project.status == "gathered")) and not at_top(by):
        raise Forbidden("Only the centre approves projects into the library")


def step(project: Project, action: str, *, by, note: str = "") -> Project:
    """Gather, approve, return (with the reason) or retire a project, conditional on its state."""
    if action not in STEPS:
        raise NotFound("no such step")
    sources, target = STEPS[action]
    if project.status not in sources:
        raise Conflict("This project is %(status)s: it cannot be %(action)s now", code="bad_transition",
                       params={"status": STATE_WORDS[project.status], "action": STEP_WORDS[action]})
    _check_may(project, action, by)
    if action == "return" and not note.strip():
        raise Invalid("Give the reason", fields={"note": ["required"]})
    before = project.status
    if not change_if(project, status=before, values={"status": target, "note": note.strip()[:500]}):
        raise Conflict("Someone else acted on this project first", code="bad_transition")
    audit(f"stations.project.{action}", "project", project.id, before={"status": before},
          after={"status": target}, reason=note or None)
    return project


def library(*, status: str | None = None) -> list[Project]:
    stmt = select(Project).order_by(Project.category, Project.name)
    if status:
        stmt = stmt.where(Project.status == status)
    return list(db.session.scalars(stmt))


def menu_of(station_id: int) -> list[Project]:
    """The approved projects a station offers."""
    return list(db.session.scalars(select(Project).join(MenuItem, (MenuItem.project_id == Project.id)
                                                        & (MenuItem.tenant_id == Project.tenant_id))
                                   .where(MenuItem.station_id == station_id, Project.status == "approved")
                                   .order_by(Project.category, Project.name)))


def set_menu(station_id: int, project_ids: list[int], *, by) -> list[Project]:
    """What a station offers: approved projects of the library, chosen by its own levels."""
    if get_unit(station_id).type != settings()["station_unit_type"]:
        raise NotFound("no such station")
    if not covers(by, station_id):
        raise Forbidden("Only the station and the levels above it choose its menu")
    wanted = set(int(i) for i in project_ids)
    approved = set(db.session.scalars(select(Project.id).where(Project.id.in_(wanted), Project.status == "approved")))
    if wanted - approved:
        raise Invalid("Choose projects from the library", fields={"project_ids": ["not in the library"]})
    db.session.execute(delete(MenuItem).where(MenuItem.station_id == station_id))
    db.session.add_all(MenuItem(station_id=station_id, project_id=i) for i in sorted(wanted))
    db.session.flush()
    audit("stations.menu.set", "unit", station_id, after={"projects": sorted(wanted)})
    return menu_of(station_id)


def common_level(station_id: int, team_unit_id: int) -> int:
    """The lowest unit whose subtree holds both the station and the team: the level that
    handles the order (and gets it back if the team declines)."""
    station, team = get_unit(station_id).path.strip("/").split("/"), get_unit(team_unit_id).path.strip("/").split("/")
    shared = [a for a, b in zip(station, team) if a == b]
    if not shared:
        raise Invalid("The project's team is not in this station's tree", fields={"project_id": ["unreachable"]})
    return int(shared[-1])


def take_place(project: Project) -> None:
    """One of the project's places this month, atomically; 409 when the month is full."""
    month = local_today().strftime("%Y-%m")
    row = find_or_add(ProjectMonth, {"capacity": project.capacity_per_month}, project_id=project.id, month=month)
    if not bump(ProjectMonth, row.id, "orders", 1, below="capacity"):
        raise Conflict("%(name)s is fully booked this month; ask for help with the general form instead",
                       code="full", params={"name": project.name})


def order(station_id: int, project_id: int, data: dict, *, member=None):
    """A resident orders a project from a station's menu: a demand already sent to its team."""
    from ..demands import services as demands
    project = get_project(project_id)
    if project.id not in {p.id for p in menu_of(station_id)}:
        raise NotFound("This station does not offer this service")
    level = common_level(station_id, project.team_unit_id)
    demand = demands.submit({**data, "station_id": station_id, "category": project.category, "channel":
                             data.get("channel") or "online"}, member=member)
    take_place(project)
    demands.send_to_team(demand, team_unit_id=project.team_unit_id, level_unit_id=level, project_id=project.id)
    return demand
