"""Village supermarkets, their goods and the stock ledger.

Every change of stock is a StockMove (receive, redeem, return, adjust, write off) written in
the same transaction as one conditional UPDATE of the good's cached stock, which never goes
below zero; the nightly check compares each cached stock with the sum of its moves."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from yinghuo.api import Conflict, Invalid, NotFound, audit, bump, db, find_one, get_unit, insert_row, photo_type

from .models import LIMIT_BY, Good, Shop, StockMove

#: the moves a person enters by hand, and their sign
MANUAL_MOVES = {"receive": 1, "adjust": 0, "writeoff": -1}


def get_shop(shop_id: int) -> Shop:
    found = find_one(Shop, id=shop_id) if shop_id else None
    if found is None:
        raise NotFound("no such supermarket")
    return found


def shops(*, active_only: bool = False) -> list[Shop]:
    stmt = select(Shop).order_by(Shop.name, Shop.id)
    return list(db.session.scalars(stmt.where(Shop.active.is_(True)) if active_only else stmt))


def create_shop(data: dict) -> Shop:
    errors = {k: ["required"] for k in ("unit_id", "name") if not data.get(k)}
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    get_unit(data["unit_id"])
    if db.session.scalar(select(Shop.id).where(Shop.unit_id == data["unit_id"])) is not None:
        raise Conflict("This village already has a supermarket", code="exists", fields={"unit_id": ["has one"]})
    shop = Shop(unit_id=data["unit_id"], name=data["name"].strip()[:100], address=(data.get("address") or "")[:200],
                opening_hours=(data.get("opening_hours") or "")[:100])
    db.session.add(shop)
    db.session.flush()
    audit("points.shop.create", "points_shop", shop.id, after={"name": shop.name})
    return shop


def get_good(good_id: int) -> Good:
    found = find_one(Good, id=good_id) if good_id else None
    if found is None:
        raise NotFound("no such goods")
    return found


def goods(shop_id: int, *, active_only: bool = True) -> list[Good]:
    stmt = select(Good).where(Good.shop_id == shop_id)
    if active_only:
        stmt = stmt.where(Good.active.is_(True))
    return list(db.session.scalars(stmt.order_by(Good.price, Good.name, Good.id)))


def save_good(shop_id: int, data: dict, *, good: Good | None = None, photo: bytes | None = None) -> Good:
    """Add goods to a shop's shelf, or change their name, price, limit or photo (stock moves
    only by the stock ledger)."""
    get_shop(shop_id)
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = ["required"]
    if not isinstance(data.get("price"), int) or data["price"] <= 0:
        errors["price"] = ["a whole number above zero"]
    limit = data.get("limit_per_month")
    if limit is not None and (not isinstance(limit, int) or limit <= 0):
        errors["limit_per_month"] = ["a whole number above zero, or empty"]
    if data.get("limit_by", "person") not in LIMIT_BY:
        errors["limit_by"] = [f"one of {', '.join(LIMIT_BY)}"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    if good is None:
        good = Good(shop_id=shop_id, stock=0)
        db.session.add(good)
    good.name, good.price = data["name"].strip()[:100], data["price"]
    good.limit_per_month, good.limit_by = limit, data.get("limit_by", "person")
    if "active" in data:
        good.active = bool(data["active"])
    if photo:
        good.photo_type, good.photo = photo_type(photo), photo
    db.session.flush()
    audit("points.good.save", "points_good", good.id, after={"name": good.name, "price": good.price})
    return good


def move(good: Good, change: int, *, kind: str, source: str, source_id, note: str = "", by=None, at=None,
         new_source: bool = False) -> tuple[StockMove, bool]:
    """Stock in (> 0) or out (< 0) of a good, with its move; once per source. Refused (409)
    where it would leave less than nothing. ``new_source``: the caller holds the ledger lock
    and its source is new (an order's lines), so neither the lookup nor the guard is needed."""
    if not new_source:
        earlier = db.session.scalar(select(StockMove).where(StockMove.source == source,
                                                            StockMove.source_id == str(source_id)))
        if earlier is not None:
            return earlier, False
    if not bump(Good, good.id, "stock", change, min_value=0):
        db.session.expire(good, ["stock"])
        raise Conflict("Only %(stock)s of %(name)s left", code="out_of_stock",
                       params={"stock": good.stock, "name": good.name}, fields={"quantity": ["more than in stock"]})
    values = {"good_id": good.id, "change": change, "kind": kind, "source": source, "source_id": str(source_id)[:100],
              "note": (note or "")[:300], "created_by": by.id if by is not None else None,
              **({"created_at": at} if at else {})}
    if new_source:
        row = insert_row(StockMove, **values)
    else:
        try:
            with db.session.begin_nested():
                row = StockMove(**values)
                db.session.add(row)
        except IntegrityError:  # the same key at once from elsewhere: that one counts
            raise Conflict("This stock change was entered twice at once; look at the stock before retrying",
                           code="duplicate")
    db.session.expire(good, ["stock"])
    return row, True


def enter_move(good_id: int, *, kind: str, quantity: int, note: str, key: str, by) -> tuple[StockMove, bool]:
    """A shopkeeper's move: goods received, a count corrected (signed), goods written off."""
    good = get_good(good_id)
    errors = {}
    if kind not in MANUAL_MOVES:
        errors["kind"] = [f"one of {', '.join(MANUAL_MOVES)}"]
    if not isinstance(quantity, int) or quantity == 0 or (kind != "adjust" and quantity < 0):
        errors["quantity"] = ["a whole number, not zero"]
    if kind in ("adjust", "writeoff") and not (note or "").strip():
        errors["note"] = ["required"]
    if not (key or "").strip():
        errors["idempotency_key"] = ["required"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    change = quantity if kind == "adjust" else MANUAL_MOVES[kind] * quantity
    row, new = move(good, change, kind=kind, source="stock", source_id=key.strip()[:80], note=note, by=by)
    if new:
        audit("points.stock." + kind, "points_good", good.id, after={"change": change}, reason=(note or "")[:200])
    return row, new


def moves_of(good_id: int, limit: int = 50) -> list[StockMove]:
    return list(db.session.scalars(select(StockMove).where(StockMove.good_id == good_id)
                                   .order_by(StockMove.id.desc()).limit(limit)))


def check_stock() -> list[dict]:
    """Goods whose cached stock differs from the sum of their moves."""
    sums = dict(db.session.execute(select(StockMove.good_id, func.sum(StockMove.change))
                                   .group_by(StockMove.good_id)).all())
    return [{"good_id": g.id, "good": g.name, "cached": g.stock, "ledger": int(sums.get(g.id) or 0)}
            for g in db.session.scalars(select(Good).order_by(Good.id)) if g.stock != int(sums.get(g.id) or 0)]
