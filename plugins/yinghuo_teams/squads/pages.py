"""The squads pages (/t/<slug>/teams/…)."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import render_template
from sqlalchemy import select
from yinghuo.api import current_member, db, gate, local_today

from ..blueprints import pages as bp
from ..reports import deadlines
from ..reports import services as reports
from ..reports.models import Report
from ..reports.pages import KINDS
from . import services


@bp.route("/")
@gate.member
def this_week():
    me = current_member()
    squad = services.squad_of(me)
    now = datetime.now(timezone.utc)
    due, recent = [], []
    if squad is not None:
        due = deadlines.due_now(squad.id, now)
        recent = db.session.scalars(select(Report).where(Report.squad_id == squad.id)
                                    .order_by(Report.period_start.desc(), Report.id.desc()).limit(12)).all()
    return render_template("teams/this_week.html", squad=squad, due=due, recent=recent,
                           kinds=KINDS, today=local_today(),
                           reviewer=reports.is_reviewer(me))
