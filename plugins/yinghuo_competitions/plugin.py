"""The competitions plugin's hook implementations: its front door."""
from __future__ import annotations

from pathlib import Path

from yinghuo.api import NavItem, Permission, PluginBlueprint, PluginManifest, allowed, hookimpl

from .settings import CompetitionsSettings

HERE = Path(__file__).parent


@hookimpl
def yinghuo_manifest():
    return PluginManifest(name="competitions", title_zh="志愿服务项目大赛", title_en="Competitions",
                          settings_schema=CompetitionsSettings, migrations=str(HERE / "migrations" / "versions"),
                          translations=str(HERE / "translations"), level="both",
                          description="Project competitions and honour selections: entries, review, public "
                                      "voting, judging, results.")


#: the plugin's permissions: the only place its roles are named
PERMISSIONS = [
    Permission("competitions.manage", "Set up and publish competitions", ("tenant_admin",)),
    Permission("competitions.review", "Review entries: accept, reject, ask for changes",
               ("tenant_admin", "unit_admin")),
]


@hookimpl
def yinghuo_permissions():
    return PERMISSIONS


@hookimpl
def yinghuo_models():
    from .contests.models import Competition
    from .entries.models import Entry, EntryFile, EntryVersion
    from .judging.models import Conflict, Judge, Sheet
    from .results.models import Result
    from .voting.models import AnomalyReview, PhoneCode, Vote, VoterDay
    return [Competition, Entry, EntryVersion, EntryFile, Vote, VoterDay, PhoneCode, AnomalyReview, Judge, Conflict,
            Sheet, Result]


@hookimpl
def yinghuo_blueprints():
    from .blueprints import load_routes
    api, pages = load_routes()
    return [PluginBlueprint("api", api), PluginBlueprint("page", pages)]


@hookimpl
def yinghuo_nav_items(tenant, member, area):
    if area == "portal":
        items = [NavItem("Competitions", "competitions_pages.index", order=8),
                 NavItem("Honours", "competitions_pages.honours", order=10)]
        if member is not None:
            items.append(NavItem("My entries", "competitions_pages.mine", order=9))
            from .judging.services import judging_for
            if judging_for(member):
                items.append(NavItem("My judging", "competitions_pages.judging", order=9))
        return items
    return [NavItem("Manage competitions", "competitions_pages.manage", order=21)] if allowed(
        member, "competitions.review") else []


@hookimpl
def yinghuo_verify_code(tenant, code):
    from .results.services import verify
    return verify(code)


@hookimpl
def yinghuo_demo_data(tenant):
    from .demo import seed
    return seed(tenant)
