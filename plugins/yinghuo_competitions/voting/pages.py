"""Voting on pages: a vote from the competition page (signed in, or with a phone confirmed by
a texted code), the proof of work after a burst; the organisers' anomaly report and votes."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from yinghuo.api import current_member, db, form_errors, gate, posted, proofwork

from ..blueprints import pages as bp
from ..contests.services import get_competition
from . import anomalies, services
from .api import device

PASSES = "competitions_voter_pass"
PROOF = "competitions_proof"


def phone_pass() -> str | None:
    return session.get(PASSES)


@bp.route("/<int:competition_id>/phone", methods=["GET", "POST"])
@gate.public
@form_errors
def phone(competition_id):
    """Vote without an account: a code texted to the phone, typed here."""
    found = get_competition(competition_id, public=True)
    sent_to = request.form.get("phone", "")
    if posted():
        if request.form.get("code"):
            session[PASSES] = services.check_code(found.id, sent_to, request.form["code"])
            db.session.commit()
            flash(_("Your phone is confirmed: you can vote now."), "ok")
            return redirect(url_for(".competition", competition_id=found.id))
        services.send_code(found.id, sent_to)
        db.session.commit()
        flash(_("A code is on its way to your phone."), "ok")
        return render_template("competitions/phone.html", c=found, phone=sent_to, sent=True)
    return render_template("competitions/phone.html", c=found, phone="", sent=False)


@bp.route("/entries/<int:entry_id>/vote", methods=["POST"])
@gate.public
@form_errors
def vote(entry_id):
    member = current_member()
    if member is None and services.voter_from_pass(phone_pass()) is None:
        from ..entries.services import get_entry
        return redirect(url_for(".phone", competition_id=get_entry(entry_id).competition_id))
    try:
        cast = services.vote(entry_id, voter=services.voter_of(member, phone_pass()), ip=request.remote_addr or "",
                             device=device(), proof=request.form.get("proof") or None)
    except proofwork.ProofRequired:
        from ..entries.services import get_entry
        session[PROOF] = True
        flash(_("Many votes are coming from your network: your browser will pass a short security check "
                "with each vote. Please vote again."), "error")
        return redirect(url_for(".competition", competition_id=get_entry(entry_id).competition_id)
                        + f"#entry-{entry_id}")
    db.session.commit()
    flash(_("Thank you: your vote is counted."), "ok")
    return redirect(url_for(".competition", competition_id=cast.competition_id) + f"#entry-{entry_id}")


@bp.route("/challenge")
@gate.public
def challenge():
    from yinghuo.api import json_response
    return json_response(proofwork.issue("vote"))


@bp.route("/manage/<int:competition_id>/anomalies", methods=["GET", "POST"])
@gate.permission("competitions.manage")
@form_errors
def anomaly_report(competition_id):
    """The anomaly report: decide on each flagged entry (keep, or void the suspicious votes);
    void single votes with a reason."""
    found = get_competition(competition_id)
    if posted():
        if request.form.get("vote_id"):
            services.void(request.form.get("vote_id", type=int) or 0, reason=request.form.get("reason", ""), by=g.member)
        else:
            anomalies.decide(found, request.form.get("entry_id", type=int) or 0,
                             decision=request.form.get("decision", ""), note=request.form.get("note", ""), by=g.member,
                             ips=request.form.getlist("ips"), subnets=request.form.getlist("subnets"))
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".anomaly_report", competition_id=competition_id))
    from ..entries.services import entries
    return render_template("competitions/anomalies.html", c=found, rows=anomalies.report(found),
                           votes=services.recent(found.id, 50), min_votes=anomalies.MIN_VOTES,
                           titles={e.id: e.title for e in entries(found.id, status="accepted")})

