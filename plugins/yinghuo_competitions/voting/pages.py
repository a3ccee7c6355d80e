"""Voting on pages: a signed-in member's vote from the competition page."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from yinghuo.api import db, form_errors, gate

from ..blueprints import pages as bp
from . import services
from .api import device


@bp.route("/entries/<int:entry_id>/vote", methods=["POST"])
@gate.member
@form_errors
def vote(entry_id):
    cast = services.vote(entry_id, voter=f"member:{g.member.id}", ip=request.remote_addr or "", device=device())
    db.session.commit()
    flash(_("Thank you: your vote is counted."), "ok")
    return redirect(url_for(".competition", competition_id=cast.competition_id) + f"#entry-{entry_id}")
