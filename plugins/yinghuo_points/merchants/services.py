"""The merchant alliance: offers priced in points or open to volunteers of a star level;
a volunteer takes a code, the merchant checks it on a page opened with the merchant's PIN."""
from __future__ import annotations


from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from yinghuo.api import (Conflict, Forbidden, Invalid, NotFound, approved_minutes, audit, change_if, db, find_one,
                         rate_limit, utcnow)

from ..codes import new_code
from ..households.services import holder_account
from ..ledger.services import account, lock_chain, post
from .models import Merchant, Voucher

#: lifetime service hours for each star (志愿者星级: 100, 300, 600, 1000, 1500 hours)
STAR_HOURS = (100, 300, 600, 1000, 1500)


def stars(member_id: int) -> int:
    """The volunteer's star level (0-5) by lifetime approved service hours."""
    hours = approved_minutes([member_id])[member_id] / 60
    return sum(1 for need in STAR_HOURS if hours >= need)


def get_merchant(merchant_id: int) -> Merchant:
    found = find_one(Merchant, id=merchant_id) if merchant_id else None
    if found is None:
        raise NotFound("no such merchant")
    return found


def merchants(*, active_only: bool = True) -> list[Merchant]:
    stmt = select(Merchant).order_by(Merchant.name, Merchant.id)
    return list(db.session.scalars(stmt.where(Merchant.active.is_(True)) if active_only else stmt))


def save_merchant(data: dict, *, merchant: Merchant | None = None) -> Merchant:
    errors = {k: ["required"] for k in ("name", "offer") if not (data.get(k) or "").strip()}
    pin = data.get("pin") or ""
    if (merchant is None or pin) and not (pin.isdigit() and 4 <= len(pin) <= 8):
        errors["pin"] = ["4 to 8 digits"]
    price, level = data.get("points_price"), data.get("min_stars")
    if price is not None and (not isinstance(price, int) or price <= 0):
        errors["points_price"] = ["a whole number above zero, or empty"]
    if level is not None and (not isinstance(level, int) or not 1 <= level <= 5):
        errors["min_stars"] = ["1 to 5, or empty"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    if merchant is None:
        merchant = Merchant()
        db.session.add(merchant)
    merchant.name, merchant.offer = data["name"].strip()[:100], data["offer"].strip()[:200]
    merchant.address = (data.get("address") or "").strip()[:200]
    merchant.points_price, merchant.min_stars = price, level
    if "active" in data:
        merchant.active = bool(data["active"])
    if pin:
        merchant.pin_hash = generate_password_hash(pin)
    db.session.flush()
    audit("points.merchant.save", "points_merchant", merchant.id, after={"name": merchant.name,
                                                                          "offer": merchant.offer})
    return merchant


def take(merchant_id: int, *, member, key: str) -> tuple[Voucher, bool]:
    """A volunteer takes the offer: the star level checked, the points (if any) paid, a code."""
    if not (key or "").strip():
        raise Invalid("Please correct the fields marked below", fields={"idempotency_key": ["required"]})
    key = key.strip()[:80]
    lock_chain()
    earlier = db.session.scalar(select(Voucher).where(Voucher.member_id == member.id, Voucher.idempotency_key == key))
    if earlier is not None:
        return earlier, False
    merchant = get_merchant(merchant_id)
    if not merchant.active:
        raise Conflict("This offer has ended", code="ended")
    if merchant.min_stars and stars(member.id) < merchant.min_stars:
        raise Forbidden("This offer is for volunteers of %(stars)s stars and above", params={
            "stars": merchant.min_stars})
    voucher = Voucher(merchant_id=merchant.id, member_id=member.id, idempotency_key=key, code=new_code(Voucher))
    db.session.add(voucher)
    db.session.flush()
    if merchant.points_price:
        entry, _ = post(holder_account(member.id), account("redemption"), merchant.points_price, kind="redeem",
                        source="voucher", source_id=voucher.id, note=merchant.name, by=member)
        voucher.entry_id = entry.id
    audit("points.voucher.take", "points_voucher", voucher.id, after={"merchant": merchant.name})
    return voucher, True




def validate(merchant_id: int, *, pin: str, code: str) -> Voucher:
    """The merchant's check: right PIN, a code of this merchant not used before; marks it used."""
    rate_limit("pin_attempt")
    merchant = get_merchant(merchant_id)
    if not merchant.pin_hash or not check_password_hash(merchant.pin_hash, pin or ""):
        raise Forbidden("Wrong PIN", fields={"pin": ["wrong"]})
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    voucher = db.session.scalar(select(Voucher).where(Voucher.code == code, Voucher.merchant_id == merchant.id))
    if voucher is None:
        raise NotFound("This code is not one of this merchant's", fields={"code": ["unknown"]})
    if not change_if(voucher, status="issued", values={"status": "used", "used_at": utcnow()}):
        raise Conflict("This code has been used already", code="used")
    audit("points.voucher.use", "points_voucher", voucher.id)
    return voucher


def vouchers_of(member_id: int) -> list[Voucher]:
    return list(db.session.scalars(select(Voucher).where(Voucher.member_id == member_id)
                                   .order_by(Voucher.id.desc()).limit(30)))
