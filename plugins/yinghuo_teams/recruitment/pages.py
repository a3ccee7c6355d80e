"""The recruitment pages (/t/<slug>/teams/…)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from yinghuo.api import db, form_errors, gate, load_form, mask_phone, posted

from ..blueprints import pages as bp
from ..recruitment import services as recruitment
from ..squads.models import Squad
from .schemas import ApplicationActionSchema, SlotSchema

ACTION, SLOT = ApplicationActionSchema(), SlotSchema()


@bp.route("/apply", methods=["GET", "POST"])
@gate.public
@form_errors
def apply():
    if posted():
        row = recruitment.apply(request.form.to_dict())
        db.session.commit()
        return render_template("teams/applied.html", application=row)
    return render_template("teams/apply.html")


@bp.route("/apply/status", methods=["GET", "POST"])
@gate.public
@form_errors
def application_status():
    """An applicant looks up where their application stands: its number and their mobile."""
    if posted():
        found = recruitment.look_up(request.form.get("number", type=int), request.form.get("phone", ""))
        slot = next((s for s in recruitment.slots() if s.id == found.slot_id), None) if found.slot_id else None
        return render_template("teams/application_status.html", found=found, slot=slot)
    return render_template("teams/application_status.html", found=None, slot=None)


@bp.route("/applications")
@gate.permission("teams.admin")
def applications():
    status = request.args.get("status") or None
    squads = db.session.scalars(select(Squad).order_by(Squad.name)).all()
    return render_template("teams/applications.html", rows=recruitment.listing(status), status=status,
                           mask_phone=mask_phone,
                           slots=recruitment.slots(), squads=squads,
                           statuses=["applied", "shortlisted", "interview", "passed", "accepted", "rejected",
                                     "failed"])


@bp.route("/applications/<int:application_id>/contact", methods=["POST"])
@gate.permission("teams.admin")
@form_errors
def application_contact(application_id):
    """The full mobile number of one applicant, for a recruiter who says why (audited)."""
    row = recruitment.get(application_id)
    phone = recruitment.contact(row, request.form.get("reason", ""))
    db.session.commit()
    flash(_("%(name)s's mobile number: %(phone)s", name=row.name, phone=phone), "ok")
    return redirect(url_for(".applications", status=request.args.get("status")))


@bp.route("/applications/<int:application_id>/<action>", methods=["POST"])
@gate.permission("teams.admin")
@form_errors
def application_action(application_id, action):
    recruitment.act(recruitment.get(application_id), action, **load_form(ACTION))
    db.session.commit()
    flash(_("Done."), "ok")
    return redirect(url_for(".applications", status=request.args.get("status")))


@bp.route("/slots", methods=["POST"])
@gate.permission("teams.admin")
@form_errors
def slot_new():
    recruitment.add_slot(**load_form(SLOT))
    db.session.commit()
    return redirect(url_for(".applications"))
