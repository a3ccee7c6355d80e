"""Redemption on pages: an order from the shelf, the order's pickup code (digits and QR,
printable), and the counter where a clerk finds a villager by phone or ID number, awards
points or orders for them, and hands over goods by code."""
from __future__ import annotations

import secrets

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from yinghuo.api import (db, find_members, form_errors, gate, get_member, get_unit, masked_member, posted,
                         qr_data_uri)

from ..blueprints import pages as bp
from ..households.services import holder_account, household_of
from ..items.services import items as item_list
from ..shops.services import get_good, get_shop, goods, shops
from . import services


@bp.route("/orders", methods=["POST"])
@gate.member
@form_errors
def place_order():
    """An order of one good from the shelf (for oneself, or for ``member_id`` at the counter)."""
    good = get_good(request.form.get("good_id", type=int))
    member_id = request.form.get("member_id", type=int) or g.member.id
    order, _new = services.place(good.shop_id, member_id, [{"good_id": good.id, "quantity": request.form.get(
        "quantity", type=int) or 0}], by=g.member, key=request.form.get("idempotency_key", ""))
    db.session.commit()
    return redirect(url_for(".order", order_id=order.id))


@bp.route("/orders/<int:order_id>", methods=["GET", "POST"])
@gate.member
@form_errors
def order(order_id):
    """The order: its pickup code large, its QR for the clerk's phone, cancel while reserved."""
    found = services.visible_order(order_id, g.member)
    if posted():
        services.cancel(found.id, by=g.member)
        db.session.commit()
        flash(_("Cancelled: the points and the goods are back."), "ok")
        return redirect(url_for(".order", order_id=order_id))
    link = url_for(".counter", code=found.code, _external=True)
    lines = [(get_good(line.good_id), line) for line in services.lines_of(found.id)]
    return render_template("points/order.html", o=found, lines=lines, shop=get_shop(found.shop_id),
                           qr=qr_data_uri(link), person=get_member(found.member_id))


@bp.route("/counter", methods=["GET", "POST"])
@gate.permission("points.award")
@form_errors
def counter():
    """The supermarket counter: hand over by pickup code; find a villager by phone, ID number or name."""
    code = request.values.get("code", "")
    if posted():
        handed = services.hand_over(code, by=g.member)
        db.session.commit()
        flash(_("Handed over: order %(code)s.", code=handed.code), "ok")
        return redirect(url_for(".counter"))
    pending = services.by_code(code) if code else None
    lines = [(get_good(line.good_id), line) for line in services.lines_of(pending.id)] if pending else []
    find = request.args.get("find", "")
    return render_template("points/counter.html", code=code, pending=pending, lines=lines, find=find,
                           found=[masked_member(m) for m in find_members(find)],
                           person=get_member(pending.member_id) if pending else None)


@bp.route("/counter/people/<int:member_id>")
@gate.permission("points.award")
def counter_person(member_id):
    """One villager at the counter: balance, award an item, order goods for them, their open orders."""
    person = get_member(member_id)
    account = holder_account(person.id)
    unit_id = person.unit_id
    nearest = sorted(shops(active_only=True), key=lambda s: s.unit_id != unit_id)
    return render_template("points/counter_person.html", person=person, masked=masked_member(person),
                           balance=account.balance,
                           household=household_of(person.id), items=item_list(unit_id),
                           village=get_unit(unit_id) if unit_id else None, shops=nearest,
                           goods_of=goods, orders=[o for o in services.orders_of(person.id) if o.status == "reserved"],
                           key=secrets.token_hex(8))
