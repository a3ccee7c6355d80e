"""The recruitment pages (/t/<slug>/teams/…)."""
from __future__ import annotations


from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from yinghuo.api import (Invalid, db, form_errors,
                         gate, parse_local)

from ..blueprints import pages as bp
from ..forms import form_int as _int
from ..models import Squad
from ..recruitment import services as recruitment


@bp.route("/apply", methods=["GET", "POST"])
@gate.public
@form_errors
def apply():
    if request.method == "POST":
        row = recruitment.apply(request.form.to_dict())
        db.session.commit()
        return render_template("teams/applied.html", application=row)
    return render_template("teams/apply.html")


@bp.route("/applications")
@gate.permission("teams.admin")
def applications():
    status = request.args.get("status") or None
    squads = db.session.scalars(select(Squad).order_by(Squad.name)).all()
    return render_template("teams/applications.html", rows=recruitment.listing(status), status=status,
                           slots=recruitment.slots(), squads=squads,
                           statuses=["applied", "shortlisted", "interview", "passed", "accepted", "rejected",
                                     "failed"])


@bp.route("/applications/<int:application_id>/<action>", methods=["POST"])
@gate.permission("teams.admin")
@form_errors
def application_action(application_id, action):
    form = request.form
    recruitment.act(recruitment.get(application_id), action, note=form.get("note", ""),
                    slot_id=_int(form.get("slot_id"), "slot_id", required=False),
                    score=_int(form.get("score"), "score", required=False),
                    squad_id=_int(form.get("squad_id"), "squad_id", required=False))
    db.session.commit()
    flash(_("Done."), "ok")
    return redirect(url_for(".applications", status=request.args.get("status")))


@bp.route("/slots", methods=["POST"])
@gate.permission("teams.admin")
@form_errors
def slot_new():
    try:
        starts = parse_local(request.form.get("starts_at", ""))
    except ValueError:
        raise Invalid("a date and time is needed", fields={"starts_at": ["not a date and time"]}) from None
    recruitment.add_slot(starts_at=starts, place=request.form.get("place", ""),
                         capacity=_int(request.form.get("capacity"), "capacity"),
                         interviewers=request.form.get("interviewers", ""))
    db.session.commit()
    return redirect(url_for(".applications"))
