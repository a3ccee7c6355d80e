"""Monthly reports: points earned, deducted and spent per village, household and person;
goods redeemed; stock on hand. Read from the ledger itself, not the cached balances."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from yinghuo.api import Invalid, all_units, db, local_today, member_names, member_units, tenant_zone

from ..households.models import Household
from ..ledger.models import PointsAccount, PointsEntry
from ..orders.models import Order, OrderLine
from ..orders.services import OPEN
from ..shops.models import Good, Shop

#: the per-person sheet's headers
HEADERS = ["姓名", "村", "获得积分", "扣减积分", "兑换积分", "本月净增"]


def this_month() -> str:
    return local_today().strftime("%Y-%m")


def months(count: int = 12) -> list[str]:
    today = local_today().replace(day=1)
    out = []
    for _ in range(count):
        out.append(today.strftime("%Y-%m"))
        today = (today - timedelta(days=1)).replace(day=1)
    return out


def bounds(month: str) -> tuple[datetime, datetime]:
    """[start, end) of a month ("2026-11") in the tenant's time."""
    if not re.fullmatch(r"(19|20|21)\d\d-\d{2}", month or "") or not 1 <= int(month[5:]) <= 12:
        raise Invalid("Give the month as YYYY-MM", fields={"month": ["YYYY-MM"]})
    year, number = int(month[:4]), int(month[5:])
    zone = tenant_zone()
    start = datetime.combine(date(year, number, 1), datetime.min.time(), zone)
    following = date(year + number // 12, number % 12 + 1, 1)
    return start, datetime.combine(following, datetime.min.time(), zone)


def totals(month: str) -> dict[int, dict]:
    """Per account: points earned (from the issuing account), deducted (back to it) and
    spent (to the redemption account, less refunds) in the month."""
    start, end = bounds(month)
    system = dict(db.session.execute(select(PointsAccount.key, PointsAccount.id).where(
        PointsAccount.key.in_(("issuing", "redemption")))).all())
    issuing, redemption = system.get("issuing"), system.get("redemption")
    out: dict[int, dict] = defaultdict(lambda: {"earned": 0, "deducted": 0, "spent": 0})
    rows = db.session.execute(select(PointsEntry.debit_account_id, PointsEntry.credit_account_id, PointsEntry.amount)
                              .where(PointsEntry.created_at >= start, PointsEntry.created_at < end))
    for debit, credit, amount in rows:
        if debit == issuing:
            out[credit]["earned"] += amount
        elif credit == issuing:
            out[debit]["deducted"] += amount
        elif credit == redemption:
            out[debit]["spent"] += amount
        elif debit == redemption:
            out[credit]["spent"] -= amount
    return out


def report(month: str) -> dict:
    """The month: people (by points earned, the ranking honours draw on), households, villages,
    goods redeemed, and stock on hand now."""
    sums = totals(month)
    accounts = {a.id: a for a in db.session.scalars(select(PointsAccount).where(
        PointsAccount.id.in_(list(sums) or [0])))}
    names = member_names({a.member_id for a in accounts.values() if a.member_id})
    units_of = member_units(names)
    houses = {h.id: h for h in db.session.scalars(select(Household).where(Household.id.in_(
        {a.household_id for a in accounts.values() if a.household_id} or {0})))}
    unit_names = {u.id: u.name for u in all_units()}
    people, households, villages = [], [], defaultdict(lambda: {"earned": 0, "deducted": 0, "spent": 0})
    for account_id, t in sums.items():
        acc = accounts.get(account_id)
        if acc is None or (acc.member_id is None and acc.household_id is None):
            continue
        if acc.member_id:
            unit_id = units_of.get(acc.member_id)
            people.append({"member_id": acc.member_id, "name": names.get(acc.member_id, ""), "unit_id": unit_id,
                           "village": unit_names.get(unit_id, ""), **t})
        else:
            house = houses.get(acc.household_id)
            unit_id = house.unit_id if house else None
            households.append({"household_id": acc.household_id, "name": house.name if house else "",
                               "unit_id": unit_id, "village": unit_names.get(unit_id, ""), **t})
        for k in ("earned", "deducted", "spent"):
            villages[unit_id][k] += t[k]
    rank = lambda rows: sorted(rows, key=lambda r: (-r["earned"], r["name"]))  # noqa: E731
    return {"month": month, "people": rank(people), "households": rank(households),
            "villages": sorted(({"unit_id": u, "village": unit_names.get(u, "—"), **t} for u, t in villages.items()),
                               key=lambda r: -r["earned"]),
            "goods": redeemed(month), "stock": stock()}


def redeemed(month: str) -> list[dict]:
    start, end = bounds(month)
    rows = db.session.execute(
        select(Shop.name, Good.name, func.sum(OrderLine.quantity), func.sum(OrderLine.quantity * OrderLine.price))
        .join(Order, Order.id == OrderLine.order_id).join(Good, Good.id == OrderLine.good_id)
        .join(Shop, Shop.id == Good.shop_id)
        .where(Order.status.in_(OPEN), Order.created_at >= start, Order.created_at < end)
        .group_by(Shop.name, Good.name).order_by(Shop.name, Good.name))
    return [{"shop": s, "good": g, "quantity": int(q), "points": int(p)} for s, g, q, p in rows]


def stock() -> list[dict]:
    rows = db.session.execute(select(Shop.name, Good.name, Good.stock).join(Shop, Shop.id == Good.shop_id)
                              .where(Good.active.is_(True)).order_by(Shop.name, Good.name))
    return [{"shop": s, "good": g, "stock": n} for s, g, n in rows]


def people_rows(month: str) -> list[list]:
    return [[p["name"], p["village"], p["earned"], p["deducted"], p["spent"], p["earned"] - p["deducted"] - p["spent"]]
            for p in report(month)["people"]]
