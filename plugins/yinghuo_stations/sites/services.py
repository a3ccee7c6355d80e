"""Sites: the centre, institutes and stations (kernel org units) with their profiles and
the teams attached at each level."""
from __future__ import annotations

import re

from sqlalchemy import select
from yinghuo.api import Forbidden, Invalid, audit, db, get_unit, units_of_type, utcnow

from ..reach import covers
from ..settings import settings
from .models import PLATFORMS, SiteProfile

PHONE = re.compile(r"^[0-9+\-() ]{7,20}$")


def tree() -> list[dict]:
    """Every site in tree order with its profile and the teams attached directly under it."""
    from yinghuo.api import all_units
    units = all_units()
    team = settings()["team_unit_type"]
    profiles = {p.unit_id: p for p in db.session.scalars(select(SiteProfile))}
    teams: dict[int, list] = {}
    for u in units:
        if u.type == team and u.parent_id is not None:
            teams.setdefault(u.parent_id, []).append(u)
    return [{"unit": u, "profile": profiles.get(u.id), "teams": teams.get(u.id, []),
             "station": u.type == settings()["station_unit_type"]}
            for u in sorted(units, key=lambda u: u.path) if u.type != team]


def site(unit_id: int) -> dict:
    unit = get_unit(unit_id)
    if unit.type == settings()["team_unit_type"]:
        from yinghuo.api import NotFound
        raise NotFound("no such site")
    teams = units_of_type(settings()["team_unit_type"])
    above = [int(i) for i in unit.path.strip("/").split("/")][:-1]
    return {"unit": unit, "profile": profile_of(unit_id), "teams": [u for u in teams if u.parent_id == unit_id],
            "teams_above": [u for u in teams if u.parent_id in above],
            "station": unit.type == settings()["station_unit_type"]}


def profile_of(unit_id: int) -> SiteProfile | None:
    return db.session.scalar(select(SiteProfile).where(SiteProfile.unit_id == unit_id))


def save_profile(unit_id: int, data: dict, *, by) -> SiteProfile:
    """A site's profile, written by the dispatchers whose reach holds it."""
    site(unit_id)
    if not covers(by, unit_id):
        raise Forbidden("Only the people of this site or the levels above it may change its profile")
    clean = {k: (data.get(k) or "").strip() for k in ("address", "opening_hours", "contact_name", "contact_phone")}
    platforms = [p for p in (data.get("platforms") or []) if p]
    errors = {}
    if clean["contact_phone"] and not PHONE.match(clean["contact_phone"]):
        errors["contact_phone"] = ["a phone number of 7 to 20 digits"]
    unknown = [p for p in platforms if p not in PLATFORMS]
    if unknown:
        errors["platforms"] = ["not one of the five platforms"]
    for key, limit in (("address", 300), ("opening_hours", 200), ("contact_name", 100)):
        if len(clean[key]) > limit:
            errors[key] = ["too long"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    row = profile_of(unit_id)
    before = None
    if row is None:
        row = SiteProfile(unit_id=unit_id)
        db.session.add(row)
    else:
        before = {"address": row.address, "opening_hours": row.opening_hours, "platforms": row.platforms}
    for key, value in clean.items():
        setattr(row, key, value)
    row.platforms = [p for p in PLATFORMS if p in platforms]
    row.updated_by, row.updated_at = by.id, utcnow()
    db.session.flush()
    audit("stations.site.profile", "unit", unit_id, before=before,
          after={"address": row.address, "opening_hours": row.opening_hours, "platforms": row.platforms})
    return row
