"""Competitions on pages: the public list and a competition's page with its accepted entries;
the organisers' list, a new competition's form, publishing."""
from __future__ import annotations

from datetime import datetime

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from yinghuo.api import Invalid, allowed, current_member, db, form_errors, gate, parse_local, posted, tenant_zone

from ..blueprints import pages as bp
from . import services
from .api import CompetitionIn
from .models import AWARDS, CATEGORIES, STAGES


@bp.route("/")
@gate.public
def index():
    rows = services.competitions()
    return render_template("competitions/index.html", rows=rows, stage_of=services.stage_now)


@bp.route("/<int:competition_id>")
@gate.public
def competition(competition_id):
    """A competition's rules, stages and the accepted entries (by category, searchable)."""
    from ..entries.services import entries
    found = services.get_competition(competition_id, public=True)
    category = request.args.get("category") or None
    from ..voting.services import counted
    stages = [(key, datetime.fromisoformat(found.stages[key])) for key in STAGES if found.stages.get(key)]
    shown = entries(found.id, status="accepted", category=category, text=request.args.get("q", ""))
    stage = services.stage_now(found)
    votes = counted(found.id, [e.id for e in shown]) if stage in ("voting", "judging", "roadshow", "results") else {}
    from flask import session
    from ..voting.pages import PROOF, phone_pass
    from ..voting.services import voter_from_pass
    return render_template("competitions/competition.html", c=found, stage=stage, stages=stages,
                           entries=shown, votes=votes, category=category, member=current_member(),
                           phone_voter=voter_from_pass(phone_pass()) is not None, proof=session.get(PROOF))


def _form_data() -> dict:
    stages = {}
    for stage in STAGES:
        value = request.form.get(f"stage_{stage}", "")
        if value:
            stages[stage] = parse_local(value).isoformat()
    raw = {"name": request.form.get("name", ""), "description": request.form.get("description", ""),
           "categories": request.form.getlist("categories"), "stages": stages,
           "vote_weight": request.form.get("vote_weight") or 30,
           "eligibility": request.form.get("eligibility") or "members",
           "trim": request.form.get("trim") == "1", "normalise": request.form.get("normalise") == "1",
           "finalists_per_category": request.form.get("finalists_per_category") or 10,
           "awards": {a: request.form.get(f"award_{a}") or 0 for a in AWARDS}}
    try:
        return CompetitionIn().load(raw)
    except ValidationError as exc:
        raise Invalid("Some fields are invalid", fields=exc.messages) from None


@bp.route("/manage", methods=["GET", "POST"])
@gate.permission("competitions.review")
@form_errors
def manage():
    """The organisers' competitions; a new one's form."""
    if posted():
        gate.demand("competitions.manage")
        found = services.save(_form_data())
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".manage_competition", competition_id=found.id))
    return render_template("competitions/manage.html", rows=services.competitions(published_only=False),
                           categories=CATEGORIES, stages=STAGES, stage_of=services.stage_now, defaults=AWARDS,
                           may_manage=allowed(g.member, "competitions.manage"))


@bp.route("/manage/<int:competition_id>", methods=["GET", "POST"])
@gate.permission("competitions.review")
@form_errors
def manage_competition(competition_id):
    """One competition for its organisers: publish it; its entries by state, to review."""
    from ..entries.services import counts, entries
    found = services.get_competition(competition_id)
    if posted():
        gate.demand("competitions.manage")
        if request.form.get("do") == "save":
            services.save(_form_data(), competition=found)
            flash(_("Saved."), "ok")
        else:
            services.publish(found)
            flash(_("Published."), "ok")
        db.session.commit()
        return redirect(url_for(".manage_competition", competition_id=competition_id))
    status = request.args.get("status") or "submitted"
    zone = tenant_zone()
    stage_values = {k: datetime.fromisoformat(v).astimezone(zone).strftime("%Y-%m-%dT%H:%M")
                    for k, v in (found.stages or {}).items()}
    return render_template("competitions/manage_competition.html", c=found, stage=services.stage_now(found),
                           counts=counts(found.id), status=status, entries=entries(found.id, status=status),
                           stages=STAGES, stage_values=stage_values, categories=CATEGORIES, defaults=AWARDS)
