"""The points plugin's hook implementations: its front door."""
from __future__ import annotations

from pathlib import Path

from yinghuo.api import NavItem, PeriodicJob, Permission, PluginBlueprint, PluginManifest, allowed, hookimpl

from .settings import PointsSettings

HERE = Path(__file__).parent


@hookimpl
def yinghuo_manifest():
    return PluginManifest(name="points", title_zh="积分超市", title_en="Points supermarkets",
                          settings_schema=PointsSettings, migrations=str(HERE / "migrations" / "versions"),
                          translations=str(HERE / "translations"),
                          description="Good deeds become points in a tamper-evident ledger, spent at the village "
                                      "supermarket.")


#: the plugin's permissions: the only place its roles are named
PERMISSIONS = [
    Permission("points.view", "See people's points and the ledger", ("tenant_admin", "unit_admin", "clerk")),
    Permission("points.adjust", "Adjust a person's points with a reason; check the ledger", ("tenant_admin",)),
]


@hookimpl
def yinghuo_permissions():
    return PERMISSIONS


@hookimpl
def yinghuo_models():
    from .ledger import models
    return [models.PointsAccount, models.PointsEntry, models.PointsChain]


@hookimpl
def yinghuo_blueprints():
    from .blueprints import load_routes
    api, pages = load_routes()
    return [PluginBlueprint("api", api), PluginBlueprint("page", pages)]


@hookimpl
def yinghuo_periodic_jobs():
    return [PeriodicJob("yinghuo_points.ledger.services.nightly", interval_seconds=24 * 3600,
                        name="Check the points ledger's chain and balances; record its head")]


@hookimpl
def yinghuo_hours_approved(tenant, record):
    from .ledger.services import credit_hours
    credit_hours(record)


@hookimpl
def yinghuo_hours_voided(tenant, record):
    from .ledger.services import reverse_hours
    reverse_hours(record)


@hookimpl
def yinghuo_nav_items(tenant, member, area):
    if area == "portal":
        return [NavItem("My points", "points_pages.mine", order=6)] if member is not None else []
    return [NavItem("Points ledger", "points_pages.ledger", order=20)] if allowed(member, "points.view") else []
