"""Supermarkets on pages: the shelves a villager orders from, and the shopkeeper's goods,
photos and stock moves."""
from __future__ import annotations

import secrets

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from yinghuo.api import MAX_PHOTO, NotFound, current_member, db, form_errors, gate, load_form, posted, units_of_type

from ..blueprints import pages as bp
from . import services
from .api import GoodIn, ShopIn


@bp.route("/shops")
@gate.public
def shops():
    return render_template("points/shops.html", shops=services.shops(active_only=True))


@bp.route("/shops/<int:shop_id>")
@gate.public
def shop(shop_id):
    """A supermarket's shelf: goods with price, stock and limit; an order form for a member."""
    from ..households.services import holder_account
    found, person = services.get_shop(shop_id), current_member()
    return render_template("points/shop.html", shop=found, goods=services.goods(found.id), key=secrets.token_hex(8),
                           balance=holder_account(person.id).balance if person is not None else None)


@bp.route("/goods/<int:good_id>/photo")
@gate.public
def good_photo(good_id):
    good = services.get_good(good_id)
    if not good.photo_type:
        raise NotFound("no photo")
    return Response(good.photo, mimetype=good.photo_type, headers={"Cache-Control": "public, max-age=600"})


@bp.route("/manage/shops", methods=["GET", "POST"])
@gate.permission("points.award")
@form_errors
def manage_shops():
    if posted():
        gate.demand("points.manage")
        found = services.create_shop(load_form(ShopIn()))
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".manage_shop", shop_id=found.id))
    return render_template("points/manage_shops.html", shops=services.shops(), villages=units_of_type("village"))


@bp.route("/manage/shops/<int:shop_id>", methods=["GET", "POST"])
@gate.permission("points.award")
@form_errors
def manage_shop(shop_id):
    """The shopkeeper's page: add or change goods (manager), enter stock received, counted or written off."""
    found = services.get_shop(shop_id)
    if posted():
        action = request.form.get("do")
        if action == "move":
            services.enter_move(request.form.get("good_id", type=int), kind=request.form.get("kind", ""),
                                quantity=request.form.get("quantity", type=int) or 0,
                                note=request.form.get("note", ""), key=request.form.get("idempotency_key", ""),
                                by=g.member)
        else:
            gate.demand("points.manage")
            upload = request.files.get("photo")
            photo = upload.read(MAX_PHOTO + 1) if upload and upload.filename else None
            good_id = request.form.get("good_id", type=int)
            services.save_good(found.id, load_form(GoodIn()), good=services.get_good(good_id) if good_id else None,
                               photo=photo)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".manage_shop", shop_id=shop_id, good=request.form.get("good_id") or None))
    goods = services.goods(found.id, active_only=False)
    chosen = request.args.get("good", type=int)
    return render_template("points/manage_shop.html", shop=found, goods=goods, key=secrets.token_hex(8),
                           chosen=next((x for x in goods if x.id == chosen), None),
                           moves=services.moves_of(chosen) if chosen else [])
