"""Households on pages: the list with a new household's form, one household's members."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from yinghuo.api import db, find_members, form_errors, gate, load_form, member_names, posted, units_of_type

from ..blueprints import pages as bp
from . import services
from .api import HouseholdIn


@bp.route("/households", methods=["GET", "POST"])
@gate.permission("points.view")
@form_errors
def households():
    if posted():
        gate.demand("points.manage")
        data = load_form(HouseholdIn())
        household = services.create(data, by=g.member)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".household", household_id=household.id))
    unit_id = request.args.get("unit_id", type=int)
    rows = services.households(unit_id)
    heads = member_names({r["household"].head_member_id for r in rows if r["household"].head_member_id})
    return render_template("points/households.html", rows=rows, heads=heads, villages=units_of_type("village"),
                           unit_id=unit_id, found=find_members(request.args.get("find", "")))


@bp.route("/households/<int:household_id>", methods=["GET", "POST"])
@gate.permission("points.view")
@form_errors
def household(household_id):
    found = services.get_household(household_id)
    if posted():
        gate.demand("points.manage")
        member_id = request.form.get("member_id", type=int)
        action = request.form.get("do")
        if action == "remove":
            services.remove_member(found, member_id)
        elif action == "head":
            services.set_head(found, member_id)
        else:
            services.add_member(found, member_id)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".household", household_id=household_id))
    ids = services.member_ids(found.id)
    return render_template("points/household.html", h=found, names=member_names(ids), ids=ids,
                           account=services.household_account(found.id),
                           found=find_members(request.args.get("find", "")))
