"""The evaluation pages (/t/<slug>/teams/…)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from yinghuo.api import Invalid, current_member, db, form_errors, gate, local_today, member_names, posted

from .. import downloads
from ..blueprints import pages as bp
from ..squads import services
from . import services as evaluation


def _int(value: str | None, field: str, *, required: bool = True) -> int | None:
    """A number from the form: the scores are one field per criterion, named by the tenant."""
    if not (value or "").strip():
        if required:
            raise Invalid(f"{field} is required", fields={field: ["required"]})
        return None
    try:
        return int(value)
    except ValueError:
        raise Invalid(f"{field} must be a number", fields={field: ["not a number"]}) from None


@bp.route("/evaluations", methods=["GET", "POST"])
@gate.member
@form_errors
def evaluations():
    me = current_member()
    if not services.leads_a_squad(me):
        gate.demand("teams.manage")
    quarter = request.values.get("quarter") or evaluation.current_quarter()
    evaluation.check_quarter(quarter)
    crit = evaluation.criteria()
    if posted():
        member_id = _int(request.form.get("member_id"), "member_id")
        scores = {c["name"]: _int(request.form.get(f"score:{c['name']}"), c["name"]) for c in crit}
        evaluation.score(member_id, quarter, me, scores, request.form.get("comment", ""))
        db.session.commit()
        flash(_("Scores saved."), "ok")
        return redirect(url_for(".evaluations", quarter=quarter))
    people = sorted(member_names(evaluation.scorable(me)).items(), key=lambda kv: kv[1])
    return render_template("teams/evaluations.html", quarter=quarter, criteria=crit, people=people,
                           mine=evaluation.scores_by(me, quarter),
                           results=evaluation.quarter_results(quarter))


@bp.route("/excellent", methods=["GET", "POST"])
@gate.permission("teams.admin")
@form_errors
def excellent():
    year = _int(request.values.get("year"), "year", required=False) or local_today().year
    if posted():
        chosen = [int(v) for v in request.form.getlist("member_id")]
        made = evaluation.select_excellent(year, chosen, by=current_member(), base_url=request.host_url)
        db.session.commit()
        flash(_("%(n)s certificates of honour are being made.", n=len(made)), "ok")
        return redirect(url_for(".excellent", year=year))
    honours = evaluation.honours(year)
    return render_template("teams/excellent.html", year=year, ranking=evaluation.annual_ranking(year),
                           honours=honours, names=member_names({h.member_id for h in honours}))


@bp.route("/honours/<int:honour_id>.pdf")
@gate.member
def honour_pdf(honour_id):
    return downloads.send(evaluation.honour_download(honour_id, current_member()))
