"""The project pages (/t/<slug>/teams/…)."""
from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from yinghuo.api import activity_summaries, allowed, current_member, db, form_errors, gate, load_form, local_today, posted

from ..blueprints import pages as bp
from ..settings import settings
from ..squads.models import Squad
from . import dashboard
from . import services as media_works
from .schemas import MediaSchema

MEDIA = MediaSchema()


@bp.route("/dashboard")
@gate.member
def dashboard_page():
    conf = settings()
    return render_template("teams/dashboard.html", counts=dashboard.counts(), rates=dashboard.on_time(),
                           media=media_works.media(limit=10),
                           training_category=conf["training_category"],
                           trainings=activity_summaries(category=conf["training_category"], limit=5),
                           practice=activity_summaries(category=conf["practice_category"], limit=5))


@bp.route("/media", methods=["GET", "POST"])
@gate.member
@form_errors
def media():
    if posted():
        gate.demand("teams.manage")
        media_works.add_media(load_form(MEDIA), by=current_member())
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".media"))
    return render_template("teams/media.html", works=media_works.media(),
                           squads=db.session.scalars(select(Squad).order_by(Squad.name)).all(),
                           manager=allowed(current_member(), "teams.manage"), today=local_today(),
                           week_ago=local_today() - timedelta(days=7))
