"""The project library, a station's menu and a resident's order, on pages."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from yinghuo.api import allowed, current_member, db, form_errors, gate, get_unit, posted, units_of_type

from ..blueprints import pages as bp
from ..reach import covers
from ..settings import settings
from ..sites import services as sites
from . import services
from .models import STATUSES


@bp.route("/projects", methods=["GET", "POST"])
@gate.signed_in
@form_errors
def projects():
    """The library with the projects waiting at each level; squads propose here, branches
    gather, the centre approves or returns."""
    if posted() and request.form.get("project_id"):
        gate.demand("stations.dispatch")
        row = services.get_project(request.form.get("project_id", type=int))
        services.step(row, request.form.get("do", ""), by=g.member, note=request.form.get("note", ""))
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".projects", status=request.args.get("status", "")))
    if posted():
        gate.demand("stations.propose")
        services.propose(request.form.to_dict(), by=g.member)
        db.session.commit()
        flash(_("Proposed: the branch gathers it, then the centre approves it."), "ok")
        return redirect(url_for(".projects", status="proposed"))
    status = request.args.get("status") or None
    member = current_member()
    teams = [t for t in units_of_type(settings()["team_unit_type"]) if covers(member, t.id)]
    return render_template("stations/projects.html", rows=services.library(status=status if status in STATUSES
                                                                           else None),
                           status=status, statuses=STATUSES, teams=teams, conf=settings(),
                           names={t.id: t.name for t in units_of_type(settings()["team_unit_type"])},
                           may_propose=allowed(member, "stations.propose") and teams,
                           may_step=allowed(member, "stations.dispatch"))


@bp.route("/sites/<int:unit_id>/menu", methods=["GET", "POST"])
@gate.permission("stations.dispatch")
@form_errors
def station_menu(unit_id):
    """A station's own levels choose which library projects it offers."""
    site = sites.site(unit_id)
    if posted():
        services.set_menu(unit_id, request.form.getlist("project_ids", type=int), by=g.member)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".site", unit_id=unit_id))
    chosen = {p.id for p in services.menu_of(unit_id)}
    return render_template("stations/station_menu.html", s=site, rows=services.library(status="approved"),
                           chosen=chosen)


@bp.route("/sites/<int:unit_id>/order/<int:project_id>", methods=["GET", "POST"])
@gate.public
@form_errors
def order(unit_id, project_id):
    """A resident orders one service of the station's menu; the receipt follows."""
    project = services.get_project(project_id)
    station = get_unit(unit_id)
    if posted():
        demand = services.order(unit_id, project_id, request.form.to_dict(), member=current_member())
        db.session.commit()
        return render_template("stations/receipt.html", demand=demand, conf=settings())
    return render_template("stations/order.html", project=project, station=station)
