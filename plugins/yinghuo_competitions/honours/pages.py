"""Honour selections on pages: the list, a nomination form, and the organisers' page to
start the monthly star or the four best and to decide who is honoured."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from yinghuo.api import (Invalid, allowed, current_member, db, find_members, form_errors, gate, local_today,
                         posted)

from ..blueprints import pages as bp
from ..contests.services import get_competition, stage_now
from . import services


@bp.route("/honours", methods=["GET", "POST"])
@gate.public
@form_errors
def honours():
    """Honour selections; the organisers start the monthly star or the four best here."""
    member = current_member()
    if posted():
        gate.demand("competitions.manage")
        if request.form.get("do") == "star":
            month = request.form.get("month", "")
            if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
                raise Invalid("Please correct the fields marked below", fields={"month": ["YYYY-MM"]})
            found = services.monthly_star(month, count=request.form.get("count", type=int) or 10, by=g.member,
                                          vote_days=request.form.get("vote_days", type=int) or 0)
        else:
            found = services.four_best(request.form.get("year", type=int) or local_today().year, by=g.member)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".decide", competition_id=found.id))
    today = local_today()
    last_month = (today.replace(day=1).toordinal() - 1)
    from datetime import date
    previous = date.fromordinal(last_month)
    return render_template("competitions/honours.html", rows=services.selections(), stage_of=stage_now,
                           may_manage=member is not None and allowed(member, "competitions.manage"),
                           month=previous.strftime("%Y-%m"), year=today.year)


@bp.route("/<int:competition_id>/nominate", methods=["GET", "POST"])
@gate.member
@form_errors
def nominate(competition_id):
    found = get_competition(competition_id, public=True)
    if posted():
        services.nominate(found.id, {"category": request.form.get("category"),
                                     "nominee_id": request.form.get("nominee_id", type=int),
                                     "title": request.form.get("title", ""), "reason": request.form.get("reason", "")},
                          by=g.member)
        db.session.commit()
        flash(_("Thank you: your nomination goes to the organisers."), "ok")
        return redirect(url_for(".competition", competition_id=found.id))
    query = request.args.get("q", "")
    return render_template("competitions/nominate.html", c=found, q=query, found=find_members(query) if query else [],
                           persons=services.PERSON_CATEGORIES, open=stage_now(found) == "submission")


@bp.route("/manage/<int:competition_id>/honours", methods=["GET", "POST"])
@gate.permission("competitions.manage")
@form_errors
def decide(competition_id):
    """The organisers' decision: tick who is honoured."""
    from ..entries.services import entries
    from ..voting.services import counted
    found = get_competition(competition_id)
    if posted():
        services.choose(found.id, [int(i) for i in request.form.getlist("entry_ids") if i.isdigit()], by=g.member)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".decide", competition_id=found.id))
    rows = entries(found.id, status="accepted")
    return render_template("competitions/decide.html", c=found, entries=rows, stage=stage_now(found),
                           votes=counted(found.id, [e.id for e in rows]) if found.stages.get("voting") else {})
