"""Judging on pages: a judge's competitions, the entries to score, the sheet (on a phone);
the organisers' judges, conflicts, scores and finalists."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from yinghuo.api import Invalid, db, find_members, form_errors, gate, get_member, member_names, posted

from ..blueprints import pages as bp
from ..contests.services import get_competition, stage_now
from . import services
from .models import ROUNDS


def _round() -> str:
    value = request.values.get("round", "review")
    return value if value in ROUNDS else "review"


@bp.route("/judging")
@gate.member
def judging():
    """The competitions the member judges, with what is left to score."""
    rows = []
    for judge in services.judging_for(g.member):
        competition = get_competition(judge.competition_id)
        for round in ROUNDS:
            todo = services.to_score(competition.id, g.member, round)
            if round == "roadshow" and not todo:
                continue
            sheets = services.my_sheets(competition.id, g.member.id, round)
            rows.append({"c": competition, "round": round, "entries": len(todo),
                         "done": sum(1 for e in todo if e.id in sheets and sheets[e.id].submitted_at),
                         "open": stage_now(competition) in services.ROUND_STAGES[round]})
    return render_template("competitions/judging.html", rows=rows)


@bp.route("/<int:competition_id>/judging")
@gate.member
def judge_entries(competition_id):
    competition = get_competition(competition_id)
    round = _round()
    todo = services.to_score(competition.id, g.member, round)
    return render_template("competitions/judge_entries.html", c=competition, round=round, entries=todo,
                           sheets=services.my_sheets(competition.id, g.member.id, round),
                           open=stage_now(competition) in services.ROUND_STAGES[round])


@bp.route("/<int:competition_id>/judging/<int:entry_id>", methods=["GET", "POST"])
@gate.member
@form_errors
def sheet(competition_id, entry_id):
    """One entry's score sheet: each criterion within its range; keep or submit (locked)."""
    competition = get_competition(competition_id)
    round = _round()
    if posted():
        if request.form.get("do") == "conflict":
            services.declare_conflict(competition.id, entry_id, g.member, reason=request.form.get("reason", ""))
            db.session.commit()
            flash(_("Conflict declared: this entry is no longer shown to you."), "ok")
            return redirect(url_for(".judge_entries", competition_id=competition.id, round=round))
        scores = {c["key"]: request.form.get(f"score_{c['key']}", "") for c in competition.criteria}
        services.save_sheet(competition.id, entry_id, g.member, round=round, scores=scores,
                            comment=request.form.get("comment", ""), submit=request.form.get("do") == "submit")
        db.session.commit()
        flash(_("Submitted: the sheet is locked.") if request.form.get("do") == "submit" else _("Saved."), "ok")
        return redirect(url_for(".judge_entries", competition_id=competition.id, round=round))
    entry, snapshot = services.entry_for_judge(competition.id, entry_id, g.member, round)
    from ..entries.services import files
    return render_template("competitions/sheet.html", c=competition, e=entry, snapshot=snapshot, round=round,
                           files=files(entry.id),
                           s=services.my_sheets(competition.id, g.member.id, round).get(entry_id),
                           open=stage_now(competition) in services.ROUND_STAGES[round])


@bp.route("/manage/<int:competition_id>/judges", methods=["GET", "POST"])
@gate.permission("competitions.manage")
@form_errors
def judges(competition_id):
    """Judges and their categories, conflicts recorded for them, progress and scores; the finalists."""
    competition = get_competition(competition_id)
    if posted():
        action = request.form.get("do")
        if action == "assign":
            services.assign(competition.id, request.form.get("member_id", type=int) or 0,
                            request.form.getlist("categories"))
        elif action == "remove":
            services.unassign(competition.id, request.form.get("member_id", type=int) or 0)
        elif action == "conflict":
            services.declare_conflict(competition.id, request.form.get("entry_id", type=int) or 0,
                                      get_member(request.form.get("member_id", type=int) or 0),
                                      reason=request.form.get("reason", ""), by=g.member)
        elif action == "finalists":
            services.choose_finalists(competition)
        else:
            raise Invalid("Please correct the fields marked below", fields={"do": ["unknown action"]})
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".judges", competition_id=competition.id))
    query = request.args.get("q", "")
    from ..entries.services import entries
    accepted = entries(competition.id, status="accepted")
    review = services.judges_scores(competition, "review")
    return render_template("competitions/judges.html", c=competition, progress=services.progress(competition.id),
                           found=find_members(query) if query else [], q=query, entries=accepted, review=review,
                           roadshow=services.judges_scores(competition, "roadshow"), stage=stage_now(competition),
                           names=member_names([j.member_id for j in services.judges(competition.id)]))
