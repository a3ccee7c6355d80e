"""The points plugin's dashboard figures and a hub's counts."""
from __future__ import annotations

from sqlalchemy import func, select
from yinghuo.api import Stat, Widget, allowed, db


def widgets(member) -> list:
    from .items.models import Award, Objection
    from .orders.models import Order
    if not allowed(member, "points.award"):
        return []
    count = lambda stmt: db.session.scalar(stmt) or 0  # noqa: E731
    found = [Widget("Orders waiting for pickup", count(select(func.count()).select_from(Order)
                                                       .where(Order.status == "reserved"))),
             Widget("Awards on public notice", count(select(func.count()).select_from(Award)
                                                     .where(Award.status.in_(("notice", "held")))))]
    if allowed(member, "points.adjust"):
        found.append(Widget("Objections to decide", count(select(func.count()).select_from(Objection)
                                                          .where(Objection.status == "open"))))
    return found


def rollup() -> list:
    from .ledger.models import PointsEntry
    from .orders.models import Order
    from .shops.models import Shop
    count = lambda model: db.session.scalar(select(func.count()).select_from(model)) or 0  # noqa: E731
    return [Stat("points_entries", count(PointsEntry)), Stat("points_orders", count(Order)),
            Stat("points_shops", count(Shop))]
