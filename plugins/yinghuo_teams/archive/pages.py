"""The archive pages (/t/<slug>/teams/…)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from yinghuo.api import allowed, current_member, db, form_errors, gate, load_form, posted

from .. import downloads
from ..archive import services as archive
from ..blueprints import pages as bp
from .schemas import NewVillageSchema

VILLAGE = NewVillageSchema()


@bp.route("/villages", methods=["GET", "POST"])
@gate.member
@form_errors
def villages():
    if posted():
        gate.demand("teams.admin")
        archive.create_village(**load_form(VILLAGE))
        db.session.commit()
        flash(_("Village added."), "ok")
        return redirect(url_for(".villages"))
    return render_template("teams/villages.html", villages=archive.villages(),
                           admin=allowed(current_member(), "teams.admin"))


@bp.route("/villages/<int:village_id>")
@gate.member
def village_page(village_id):
    export = None
    if request.args.get("export"):
        export = archive.get_export(request.args.get("export", type=int) or 0)
    return render_template("teams/village.html", archive=archive.contents(village_id), export=export,
                           manager=allowed(current_member(), "teams.manage"))


@bp.route("/villages/<int:village_id>/export", methods=["POST"])
@gate.permission("teams.manage")
@form_errors
def village_export(village_id):
    export = archive.start_export(village_id, by=current_member())
    db.session.commit()
    return redirect(url_for(".village_page", village_id=village_id, export=export.id))


@bp.route("/exports/<int:export_id>.<any(pdf, zip):kind>")
@gate.permission("teams.manage")
def export_file(export_id, kind):
    return downloads.send(archive.download(export_id, kind))
