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
    Permission("points.award", "Award listed items, serve the supermarket counter, enter stock",
               ("tenant_admin", "unit_admin", "clerk")),
    Permission("points.manage", "Keep the item list, households, supermarkets, goods and merchants",
               ("tenant_admin", "unit_admin")),
    Permission("points.adjust", "Adjust points with a reason, decide objections, check the ledger", ("tenant_admin",)),
]


@hookimpl
def yinghuo_permissions():
    return PERMISSIONS


@hookimpl
def yinghuo_models():
    from .households.models import Household, HouseholdMember
    from .items.models import Award, Item, Objection
    from .ledger.models import PointsAccount, PointsChain, PointsEntry
    from .merchants.models import Merchant, Voucher
    from .orders.models import Order, OrderLine
    from .shops.models import Good, Shop, StockMove
    return [PointsAccount, PointsEntry, PointsChain, Household, HouseholdMember, Item, Award, Objection, Shop, Good,
            StockMove, Order, OrderLine, Merchant, Voucher]


@hookimpl
def yinghuo_blueprints():
    from .blueprints import load_routes
    api, pages = load_routes()
    return [PluginBlueprint("api", api), PluginBlueprint("page", pages)]


@hookimpl
def yinghuo_periodic_jobs():
    return [PeriodicJob("yinghuo_points.ledger.services.nightly", interval_seconds=24 * 3600,
                        name="Check the points ledger's chain, balances and stock; record its head"),
            PeriodicJob("yinghuo_points.items.services.credit_due", interval_seconds=15 * 60,
                        name="Credit awards whose public notice is over"),
            PeriodicJob("yinghuo_points.orders.services.expire_due", interval_seconds=10 * 60,
                        name="Expire orders not picked up; give back points and stock")]


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
        items = [NavItem("Points supermarkets", "points_pages.shops", order=7)]
        return ([NavItem("My points", "points_pages.mine", order=6)] + items) if member is not None else items
    items = []
    if allowed(member, "points.award"):
        items.append(NavItem("Supermarket counter", "points_pages.counter", order=19))
    if allowed(member, "points.view"):
        from .items.services import open_objections
        waiting = len(open_objections()) if allowed(member, "points.adjust") else 0
        items.append(NavItem("Points", "points_pages.home", order=20, badge=waiting))
    return items


@hookimpl
def yinghuo_dashboard_widgets(tenant, member):
    """For those who serve the counter: orders waiting for pickup, awards on notice, and for
    the admin the objections to decide."""
    from .widgets import widgets
    return widgets(member)


@hookimpl
def yinghuo_rollup_stats(tenant):
    """What a hub sees of the points work of its child tenants: counts, never rows."""
    from .widgets import rollup
    return rollup()


@hookimpl
def yinghuo_demo_data(tenant):
    from .demo import seed
    return seed(tenant)
