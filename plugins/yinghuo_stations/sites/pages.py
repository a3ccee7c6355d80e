"""Sites on pages: the directory residents find their station in, a site's page, and its
profile form for the people of that level."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from yinghuo.api import allowed, current_member, db, form_errors, gate, posted

from ..blueprints import pages as bp
from ..reach import covers
from . import services
from .models import PLATFORMS


@bp.route("/sites")
@gate.public
def sites():
    return render_template("stations/sites.html", rows=services.tree())


@bp.route("/sites/<int:unit_id>", methods=["GET", "POST"])
@gate.public
@form_errors
def site(unit_id):
    """A site's profile; its own level (and the levels above) edit it here."""
    found = services.site(unit_id)
    member = current_member()
    may_edit = member is not None and covers(member, unit_id) and allowed(member, "stations.dispatch")
    if posted():
        gate.demand("stations.dispatch")
        services.save_profile(unit_id, {**request.form.to_dict(), "platforms": request.form.getlist("platforms")},
                              by=g.member)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".site", unit_id=unit_id))
    return render_template("stations/site.html", s=found, p=found["profile"], platforms=PLATFORMS,
                           may_edit=may_edit, menu=_menu(unit_id) if found["station"] else [])


def _menu(unit_id: int) -> list:
    from ..menus.services import menu_of
    return menu_of(unit_id)
