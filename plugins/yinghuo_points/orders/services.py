"""Redemption: a person (or a clerk at the counter for them) orders goods of one shop.

Points and stock are reserved in one transaction, which holds the tenant's ledger lock from
its first statement, so orders of a tenant are written one after another: the monthly
limits read the month's orders without a race, and two orders for the last item cannot
both get it. The pickup code is shown (digits and QR) and printed; the clerk hands over by
code; an order not picked up in ``pickup_hours`` expires and gives back points and stock."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from yinghuo.api import (Conflict, Invalid, NotFound, audit, change_if, db, find_one, gate, get_member, insert_row,
                         local_today, tenant_zone, utcnow)

from ..codes import new_code
from ..households.services import holder_account, household_of, member_ids
from ..ledger.models import PointsAccount
from ..ledger.services import account, find, lock_chain, post
from ..settings import settings
from ..shops.services import get_good, get_shop, move
from .models import Order, OrderLine

MAX_LINES, MAX_QUANTITY = 20, 99
OPEN = ("reserved", "picked_up")


def get_order(order_id: int) -> Order:
    found = find_one(Order, id=order_id) if order_id else None
    if found is None:
        raise NotFound("no such order")
    return found


def by_code(code: str) -> Order:
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    found = db.session.scalar(select(Order).where(Order.code == code)) if len(code) == 8 else None
    if found is None:
        raise NotFound("No order has this pickup code", fields={"code": ["unknown"]})
    return found


def lines_of(order_id: int) -> list[OrderLine]:
    return list(db.session.scalars(select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.id)))


def _checked_lines(shop_id: int, lines) -> list[tuple]:
    """(good, quantity) per line, by good id (the order rows are locked in), or Invalid."""
    wanted: dict[int, int] = {}
    for line in lines or []:
        good_id, quantity = line.get("good_id"), line.get("quantity", 1)
        if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            raise Invalid("Please correct the fields marked below", fields={"quantity": [f"1 to {MAX_QUANTITY}"]})
        wanted[good_id] = wanted.get(good_id, 0) + quantity
    if not wanted or len(wanted) > MAX_LINES:
        raise Invalid("Choose the goods to redeem", fields={"lines": [f"1 to {MAX_LINES} goods"]})
    out = []
    for good_id in sorted(wanted):
        good = get_good(good_id)
        if good.shop_id != shop_id or not good.active:
            raise Invalid("These goods are not on this supermarket's shelf", fields={"good_id": ["not on sale here"]})
        out.append((good, wanted[good_id]))
    return out


def month_start() -> datetime:
    return datetime.combine(local_today().replace(day=1), datetime.min.time(), tenant_zone())


def taken_this_month(good_id: int, member_id: int, limit_by: str = "person") -> int:
    """How many of these goods the person (or their household) ordered this month, in
    orders not expired or cancelled."""
    holders = [member_id]
    if limit_by == "household":
        household = household_of(member_id)
        holders = member_ids(household.id) if household is not None else holders
    return int(db.session.scalar(
        select(func.coalesce(func.sum(OrderLine.quantity), 0)).join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.good_id == good_id, Order.member_id.in_(holders), Order.status.in_(OPEN),
               Order.created_at >= month_start())) or 0)




def place(shop_id: int, member_id: int, lines, *, by, key: str, at=None) -> tuple[Order, bool]:
    """Reserve the goods and their points for ``member_id``. The same key from the same
    person again answers the first order and changes nothing. (``at``: the demo's history.)

    The ledger's lock is taken as late as it can be, so that orders queue on it only for
    their ledger entry: the order row first (its key unique: of two at once the second
    waits for the first and answers it), then the stock (each good's row, by good id), then
    the points. Goods with a monthly limit take the lock before the limit is counted."""
    if not (key or "").strip():
        raise Invalid("Please correct the fields marked below", fields={"idempotency_key": ["required"]})
    key = key.strip()[:80]
    earlier = _by_key(by.id, key)
    if earlier is not None:
        return earlier, False
    if member_id != by.id:
        gate.demand("points.award", by)  # a clerk at the counter, for someone else
    person = get_member(member_id)
    shop = get_shop(shop_id)
    if not shop.active:
        raise Conflict("This supermarket is closed", code="closed")
    chosen = _checked_lines(shop.id, lines)
    if any(good.limit_per_month for good, _ in chosen):
        lock_chain()
        _check_limits(chosen, person.id)
    payer, redemption = holder_account(person.id, with_account="redemption")
    values = dict(shop_id=shop.id, member_id=person.id, account_id=payer.id, placed_by=by.id, idempotency_key=key,
                  code=new_code(Order), points=sum(g.price * q for g, q in chosen), status="reserved",
                  expires_at=(at or utcnow()) + timedelta(hours=settings()["pickup_hours"]), entry_id=None,
                  refund_entry_id=None, handed_by=None, closed_at=None, **({"created_at": at} if at else {}))
    if db.session.connection().dialect.name != "postgresql":
        order = insert_row(Order, **values)  # one writer at a time: no race to guard (nor a savepoint to trust)
    else:
        try:
            with db.session.begin_nested():
                order = insert_row(Order, **values)
        except IntegrityError:  # the same key at once: the first one's order is the answer
            earlier = _by_key(by.id, key)
            if earlier is None:
                raise Conflict("Please try again", code="retry")
            return earlier, False
    for good, quantity in chosen:
        insert_row(OrderLine, order_id=order.id, good_id=good.id, quantity=quantity, price=good.price)
        move(good, -quantity, kind="redeem", source="order", source_id=f"{order.id}:{good.id}", by=by, at=at,
             new_source=True)
    audit("points.order.place", "points_order", order.id, after={"points": order.points, "member_id": person.id})
    entry, _ = post(payer, redemption, order.points, kind="redeem", source="order", source_id=order.id,
                    note=shop.name, by=by, at=at)
    order.entry_id = entry.id  # last: from the ledger's lock to the commit, as little as can be
    return order, True


def _by_key(placed_by: int, key: str) -> Order | None:
    return find_one(Order, placed_by=placed_by, idempotency_key=key)


def _check_limits(chosen, member_id: int) -> None:
    for good, quantity in chosen:
        if good.limit_per_month and taken_this_month(good.id, member_id, good.limit_by) + quantity > \
                good.limit_per_month:
            raise Conflict("%(name)s: at most %(limit)s a month", code="monthly_limit", fields={"quantity": [
                "over the monthly limit"]}, params={"name": good.name, "limit": good.limit_per_month})


def hand_over(code: str, *, by) -> Order:
    """The clerk gives the goods to the person showing the code."""
    order = by_code(code)
    if order.status != "reserved" or not change_if(order, status="reserved", values={
            "status": "picked_up", "handed_by": by.id, "closed_at": utcnow()}):
        raise Conflict("This order has been picked up, cancelled or has expired", code="not_reserved")
    audit("points.order.hand_over", "points_order", order.id)
    return order


def _give_back(order: Order, status: str, *, by=None) -> bool:
    """Points and stock back to where they came from; False where the order was closed
    meanwhile. Locks in the order every write takes them: the order, its goods, the ledger."""
    if not change_if(order, status="reserved", values={"status": status, "closed_at": utcnow()}):
        return False
    for line in sorted(lines_of(order.id), key=lambda line: line.good_id):
        move(get_good(line.good_id), line.quantity, kind="return", source="return",
             source_id=f"{order.id}:{line.good_id}", note=status, by=by)
    original = find("order", order.id)
    refund, _ = post(account("redemption"), find_one(PointsAccount, id=order.account_id), order.points,
                     kind="refund", source="refund", source_id=order.id, reverses_id=original.id, note=status, by=by)
    order.refund_entry_id = refund.id
    audit("points.order." + ("expire" if status == "expired" else "cancel"), "points_order", order.id)
    return True


def cancel(order_id: int, *, by) -> Order:
    """The person (or a clerk) calls an order off before pickup."""
    order = get_order(order_id)
    if order.member_id != by.id and order.placed_by != by.id:
        gate.demand("points.award", by)
    if not _give_back(order, "cancelled", by=by):
        raise Conflict("This order has been picked up, cancelled or has expired", code="not_reserved")
    return order


def expire_due(tenant_id: int | None = None, now: str | None = None) -> dict:
    """Periodic job: orders past their pickup time give back their points and stock."""
    due = list(db.session.scalars(select(Order).where(Order.status == "reserved", Order.expires_at <= utcnow())
                                  .order_by(Order.id).limit(500)))
    expired = sum(1 for order in due if _give_back(order, "expired"))
    db.session.commit()
    return {"expired": expired}


def orders_of(member_id: int, limit: int = 30) -> list[Order]:
    return list(db.session.scalars(select(Order).where(Order.member_id == member_id)
                                   .order_by(Order.id.desc()).limit(limit)))


def open_orders(shop_id: int | None = None, limit: int = 100) -> list[Order]:
    stmt = select(Order).where(Order.status == "reserved")
    if shop_id:
        stmt = stmt.where(Order.shop_id == shop_id)
    return list(db.session.scalars(stmt.order_by(Order.id.desc()).limit(limit)))


def visible_order(order_id: int, member) -> Order:
    """An order as its person (or whoever placed it) sees it; others need the counter's permission."""
    order = get_order(order_id)
    if member.id not in (order.member_id, order.placed_by):
        gate.demand("points.award", member)
    return order
