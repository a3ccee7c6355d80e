"""Letterbox rounds on a page: the boxes (overdue first), record a round, add a box."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from yinghuo.api import allowed, db, form_errors, gate, get_unit, posted

from ..blueprints import pages as bp
from ..demands import services as demands
from . import services


@bp.route("/letterboxes", methods=["GET", "POST"])
@gate.permission("stations.intake")
@form_errors
def letterboxes():
    if posted() and request.form.get("box_id"):
        box = services.get_box(request.form.get("box_id", type=int))
        services.record_round(box, slips=request.form.get("slips", type=int), by=g.member,
                              note=request.form.get("note", ""))
        db.session.commit()
        flash(_("Round recorded: %(name)s.", name=box.name), "ok")
        return redirect(url_for(".letterboxes"))
    if posted():
        gate.demand("stations.dispatch")
        services.add_box(request.form.get("name", ""), request.form.get("unit_id", type=int),
                         request.form.get("location", ""))
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".letterboxes"))
    rows = sorted(services.boxes(), key=lambda r: (not r["overdue"], r["box"].name))
    return render_template("stations/letterboxes.html", rows=rows, stations=demands.stations(),
                           unit_name=lambda i: get_unit(i).name, may_add=allowed(g.member, "stations.dispatch"))
