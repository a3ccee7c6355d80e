"""The ledger on pages: my points; the admin's check of the ledger and adjustments."""
from __future__ import annotations

import secrets

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from yinghuo.api import allowed, db, find_members, form_errors, gate, get_member, posted

from ..blueprints import pages as bp
from . import services
from .api import points_view


@bp.route("/")
@gate.permission("points.view")
def home():
    """The points work of a tenant, one card per task the signed-in person may do."""
    from ..items.services import open_objections
    waiting = len(open_objections()) if allowed(g.member, "points.adjust") else 0
    return render_template("points/home.html", waiting=waiting)


@bp.route("/mine")
@gate.member
def mine():
    """My points (or my household's), my orders waiting for pickup, my merchant codes."""
    from ..households.services import household_of
    from ..orders.services import orders_of
    return render_template("points/mine.html", view=points_view(g.member.id), household=household_of(g.member.id),
                           orders=orders_of(g.member.id, limit=10))


@bp.route("/ledger", methods=["GET", "POST"])
@gate.permission("points.view")
@form_errors
def ledger():
    """The ledger's check (the first broken entry, balances that differ), a person's points,
    and an admin's adjustment with its reason."""
    if posted():
        gate.demand("points.adjust")
        member_id = request.form.get("member_id", type=int)
        services.adjust(member_id, request.form.get("amount", type=int) or 0, reason=request.form.get("reason", ""),
                        key=request.form.get("idempotency_key", ""), by=g.member)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".ledger", member_id=member_id))
    member_id = request.args.get("member_id", type=int)
    person = get_member(member_id) if member_id else None
    find = request.args.get("find", "")
    may_adjust = allowed(g.member, "points.adjust")
    return render_template("points/ledger.html", report=services.check() if may_adjust else None, person=person,
                           view=points_view(person.id) if person else None, may_adjust=may_adjust,
                           key=secrets.token_hex(8), find=find, found=find_members(find) if find else [])
