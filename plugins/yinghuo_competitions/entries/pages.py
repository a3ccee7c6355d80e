"""Entries on pages: enter a project, change and submit it until the deadline, my entries;
the organisers' review of an entry."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from yinghuo.api import account_tenant_ids, allowed, child_tenants, db, form_errors, gate, posted

from ..blueprints import pages as bp
from ..contests.services import deadline, get_competition, stage_now
from . import services


def _entry_form(competition) -> dict:
    data = {key: request.form.get(key, "") for key in ("title", "team_name", "category", "summary", "video_link")}
    data["sections"] = {c["key"]: request.form.get(f"section_{c['key']}", "") for c in competition.criteria}
    if competition.eligibility == "children":
        data["from_tenant_id"] = request.form.get("from_tenant_id", type=int)
    return data


def _origins(competition) -> list[dict]:
    if competition.eligibility != "children":
        return []
    kids = child_tenants()
    mine = account_tenant_ids(g.member.account_id, among=[t["id"] for t in kids])
    return [t for t in kids if t["id"] in mine]


@bp.route("/<int:competition_id>/enter", methods=["GET", "POST"])
@gate.member
@form_errors
def enter(competition_id):
    found = get_competition(competition_id, public=True)
    if posted():
        entry = services.create(found.id, _entry_form(found), by=g.member)
        if request.form.get("do") == "submit":
            services.submit(entry, by=g.member)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".entry", entry_id=entry.id))
    return render_template("competitions/entry_form.html", c=found, e=None, origins=_origins(found),
                           open=stage_now(found) == "submission", deadline=deadline(found))


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
@gate.member
@form_errors
def entry(entry_id):
    """The entrant's entry: change it and submit again until the deadline; the organisers
    decide on it here."""
    found = services.own_entry(entry_id, g.member)
    competition = get_competition(found.competition_id)
    if posted():
        action = request.form.get("do")
        if action == "file":
            upload = request.files.get("file")
            services.add_file(found, upload.filename if upload else "", upload.read(services.MAX_FILE + 1)
                              if upload else b"", by=g.member)
        elif action in services.DECISIONS:
            gate.demand("competitions.review")
            services.decide(found, action, note=request.form.get("note", ""), by=g.member)
        else:
            services.update(found, _entry_form(competition), by=g.member)
            if action == "submit":
                services.submit(found, by=g.member)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".entry", entry_id=entry_id))
    return render_template("competitions/entry_form.html", c=competition, e=found, origins=_origins(competition)
                           if found.entrant_id == g.member.id else [], open=stage_now(competition) == "submission",
                           deadline=deadline(competition), versions=services.versions(found.id),
                           files=services.files(found.id),
                           may_review=allowed(g.member, "competitions.review"))


@bp.route("/mine")
@gate.member
def mine():
    return render_template("competitions/mine.html", entries=services.mine(g.member))
