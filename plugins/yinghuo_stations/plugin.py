"""The stations plugin's hook implementations: its front door."""
from __future__ import annotations

from pathlib import Path

from yinghuo.api import NavItem, PeriodicJob, Permission, PluginBlueprint, PluginManifest, Stat, allowed, hookimpl

from .settings import StationsSettings

HERE = Path(__file__).parent


@hookimpl
def yinghuo_manifest():
    return PluginManifest(name="stations", title_zh="新时代文明实践站", title_en="Township stations",
                          settings_schema=StationsSettings, migrations=str(HERE / "migrations" / "versions"),
                          translations=str(HERE / "translations"),
                          description="Residents' demands online and on paper, dispatched to teams and rated.")


#: the plugin's permissions: the only place its routes' roles are named
PERMISSIONS = [
    Permission("stations.dispatch", "Dispatch, pass up and cancel residents' demands at one's levels",
               ("tenant_admin", "unit_admin", "clerk")),
    Permission("stations.serve", "Accept, decline and finish demands sent to one's team", ("leader",)),
    Permission("stations.intake", "Enter demands for residents (paper slips, calls, visits) and ratings by phone",
               ("tenant_admin", "unit_admin", "clerk", "leader")),
    Permission("stations.propose", "Propose projects for the library that one's team will serve",
               ("tenant_admin", "unit_admin", "leader")),
    Permission("stations.ledger", "Keep station ledgers; see the compliance report and the ranking of one's levels",
               ("tenant_admin", "unit_admin", "clerk")),
]


@hookimpl
def yinghuo_permissions():
    return PERMISSIONS


@hookimpl
def yinghuo_models():
    from .demands import models as demands
    from .ledgers import models as ledgers
    from .letterboxes import models as letterboxes
    from .menus import models as menus
    from .rankings import models as rankings
    from .sites import models as sites
    return [demands.Demand, demands.DemandEvent, letterboxes.Letterbox, letterboxes.LetterboxRound,
            sites.SiteProfile, menus.Project, menus.MenuItem, menus.ProjectMonth, ledgers.LedgerEntry,
            ledgers.LedgerPhoto, rankings.StationSurvey]


@hookimpl
def yinghuo_blueprints():
    from .blueprints import load_routes
    api, pages = load_routes()
    return [PluginBlueprint("api", api), PluginBlueprint("page", pages)]


@hookimpl
def yinghuo_periodic_jobs():
    return [PeriodicJob("yinghuo_stations.demands.services.escalate_overdue", interval_seconds=900,
                        name="Pass demands nobody accepted up a level; tell dispatchers of overdue ones")]


@hookimpl
def yinghuo_nav_items(tenant, member, area):
    if area == "portal":
        items = [NavItem("Ask for help", "stations_pages.ask", order=2),
                 NavItem("Track a request", "stations_pages.track", order=3),
                 NavItem("Stations", "stations_pages.sites", order=4)]
        if member is not None:
            items.append(NavItem("My requests", "stations_pages.mine", order=5))
        return items
    items = []
    if allowed(member, "stations.dispatch"):
        items.append(NavItem("Dispatch board", "stations_pages.board", order=1))
    if allowed(member, "stations.serve"):
        items.append(NavItem("Team demands", "stations_pages.inbox", order=2))
    if allowed(member, "stations.intake"):
        items.append(NavItem("Enter a demand", "stations_pages.intake", order=3))
        items.append(NavItem("Paper slips", "stations_pages.slips", order=4))
        items.append(NavItem("Letterboxes", "stations_pages.letterboxes", order=5))
    if allowed(member, "stations.propose") or allowed(member, "stations.dispatch"):
        items.append(NavItem("Project library", "stations_pages.projects", order=6))
    if allowed(member, "stations.ledger"):
        items.append(NavItem("Station ledgers", "stations_pages.ledger", order=7))
        items.append(NavItem("Station ranking", "stations_pages.ranking", order=8))
    if allowed(member, "stations.dispatch"):
        items.append(NavItem("Stations", "stations_pages.sites", order=9))
    return items


@hookimpl
def yinghuo_rollup_stats(tenant):
    from sqlalchemy import func, select
    from yinghuo.api import db

    from .demands.models import Demand
    return [Stat("demands", db.session.scalar(select(func.count()).select_from(Demand)))]


@hookimpl
def yinghuo_demo_data(tenant):
    from .demo import seed
    return seed(tenant)
