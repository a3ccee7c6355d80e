"""The merchant alliance on pages: the offers and taking one, the admin's list of merchants,
and the merchant's own page that checks a code with the PIN (no account needed)."""
from __future__ import annotations

import secrets

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from yinghuo.api import current_member, db, form_errors, gate, load_form, posted

from ..blueprints import pages as bp
from . import services
from .api import MerchantIn


@bp.route("/merchants/take", methods=["POST"])
@gate.member
@form_errors
def take_offer():
    """A volunteer takes an offer and gets a code to show the merchant."""
    voucher, _new = services.take(request.form.get("merchant_id", type=int), member=g.member,
                                  key=request.form.get("idempotency_key", ""))
    db.session.commit()
    flash(_("Show this code at %(name)s: %(code)s", name=services.get_merchant(voucher.merchant_id).name,
            code=voucher.code), "ok")
    return redirect(url_for(".merchants"))


@bp.route("/merchants")
@gate.public
def merchants():
    """Caring merchants' offers, and the codes a signed-in volunteer has taken."""
    person = current_member()
    return render_template("points/merchants.html", merchants=services.merchants(), key=secrets.token_hex(8),
                           stars=services.stars(person.id) if person is not None else None,
                           vouchers=services.vouchers_of(person.id) if person is not None else [],
                           names={m.id: m.name for m in services.merchants(active_only=False)})


@bp.route("/manage/merchants", methods=["GET", "POST"])
@gate.permission("points.manage")
@form_errors
def manage_merchants():
    if posted():
        merchant_id = request.form.get("merchant_id", type=int)
        services.save_merchant(load_form(MerchantIn()), merchant=services.get_merchant(merchant_id)
                               if merchant_id else None)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".manage_merchants"))
    chosen = request.args.get("merchant", type=int)
    return render_template("points/manage_merchants.html", merchants=services.merchants(active_only=False),
                           chosen=services.get_merchant(chosen) if chosen else None)


@bp.route("/merchants/<int:merchant_id>/check", methods=["GET", "POST"])
@gate.public
@form_errors
def check_code(merchant_id):
    """The merchant's page: type the PIN and the volunteer's code; a good code is marked used."""
    merchant = services.get_merchant(merchant_id)
    if posted():
        voucher = services.validate(merchant.id, pin=request.form.get("pin", ""), code=request.form.get("code", ""))
        db.session.commit()
        flash(_("Valid: code %(code)s is now used. Give the offer.", code=voucher.code), "ok")
        return redirect(url_for(".check_code", merchant_id=merchant_id))
    return render_template("points/check_code.html", merchant=merchant)
