"""Results on pages: the public results (per category, awards, certificates) and the
organisers' ranking as it stands, with publishing."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from yinghuo.api import db, form_errors, gate, posted

from ..blueprints import pages as bp
from ..contests.services import get_competition, stage_now
from . import services


@bp.route("/<int:competition_id>/results")
@gate.public
def results(competition_id):
    competition = services.published(competition_id)
    by_category: dict[str, list] = {}
    for result, entry in services.results(competition.id):
        by_category.setdefault(result.category, []).append((result, entry))
    return render_template("competitions/results.html", c=competition, by_category=by_category)


@bp.route("/manage/<int:competition_id>/results", methods=["GET", "POST"])
@gate.permission("competitions.manage")
@form_errors
def manage_results(competition_id):
    """The ranking as it stands; publish it in the results stage once the anomalies are decided."""
    from ..voting.anomalies import undecided
    competition = get_competition(competition_id)
    if posted():
        services.publish(competition.id, by=g.member)
        db.session.commit()
        flash(_("The results are published."), "ok")
        return redirect(url_for(".results", competition_id=competition.id))
    return render_template("competitions/manage_results.html", c=competition, ranking=services.ranking(competition),
                           stage=stage_now(competition), waiting=len(undecided(competition)))
