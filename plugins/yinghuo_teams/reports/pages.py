"""The reports pages (/t/<slug>/teams/…)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from yinghuo.api import Forbidden, Invalid, current_member, db, form_errors, gate, load_form, member_names

from .. import downloads
from ..blueprints import pages as bp
from ..settings import settings
from ..squads import services
from ..squads.models import Squad
from . import attachments
from . import services as reports
from .schemas import ReportSchema

#: labels of the kinds of report on pages (translated); documents use reports.KIND_NAMES
KINDS = {"weekly": "Weekly summary", "monthly": "Monthly brief", "case": "Case study"}


def _reviewer() -> None:
    if not reports.is_reviewer(current_member()):
        raise Forbidden("Only reviewers of the archive group see this page")


#: a new report from the page: kind and period through the API's schema (the title has a default)
NEW_REPORT = ReportSchema(only=("kind", "period_start"))


@bp.route("/reports", methods=["POST"])
@gate.member
@form_errors
def report_new():
    me = current_member()
    squad = services.squad_of(me)
    if squad is None:
        raise Forbidden("You are not in a squad")
    form = load_form(NEW_REPORT)
    kind, period = form["kind"], form["period_start"]
    sections = {name: "" for name in settings()["report_sections"].get(kind, [])}
    title = (request.form.get("title") or "").strip() or \
        f"{squad.name} {reports.KIND_NAMES.get(kind, kind)} {period.isoformat()}"
    report = reports.create(squad.id, me, kind=kind, period_start=period, title=title, sections=sections)
    db.session.commit()
    return redirect(url_for(".report_page", report_id=report.id))


@bp.route("/reports/<int:report_id>")
@gate.member
def report_page(report_id):
    me = current_member()
    report = reports.get_report(report_id)
    squad = services.get_squad(report.squad_id)
    template = settings()["report_sections"].get(report.kind, [])
    sections = {name: (report.sections or {}).get(name, "") for name in template}
    sections.update({k: v for k, v in (report.sections or {}).items() if k not in sections})
    history = reports.history(report)
    names = member_names({h.actor_id for h in history} | {report.author_id})
    return render_template("teams/report.html", report=report, squad=squad, sections=sections,
                           files=attachments.of(report.id), history=history, names=names,
                           kinds=KINDS, mine=services.is_in_squad(me, report.squad_id),
                           reviewer=reports.is_reviewer(me),
                           conf=settings())


@bp.route("/reports/<int:report_id>", methods=["POST"])
@gate.member
@form_errors
def report_save(report_id):
    """The editor's one form: what is typed is saved first (and committed), then the button
    pressed acts: upload the chosen file, remove one, or submit. A refused upload or
    submission leaves the text saved."""
    me = current_member()
    report = reports.get_report(report_id)
    keys = [k[len("section:"):] for k in request.form if k.startswith("section:")]
    reports.edit(report, me, title=(request.form.get("title") or report.title).strip(),
                 sections={k: request.form.get(f"section:{k}", "") for k in keys})
    db.session.commit()
    do = request.form.get("do", "save")
    upload = request.files.get("file")
    if request.form.get("remove"):
        row = attachments.get(request.form.get("remove", type=int) or 0)
        attachments.remove(row, report, me)
        db.session.commit()
        flash(_("Saved; the file is removed."), "ok")
    elif upload is not None and upload.filename:
        attachments.add(report, me, upload.filename, upload.read())
        db.session.commit()
        flash(_("Saved; the file is attached."), "ok")
    elif do == "upload":
        raise Invalid("Choose a file", fields={"file": ["required"]})
    if do in ("submit", "resubmit"):
        reports.transition(report, do, me)
        db.session.commit()
        flash(_("Submitted.") if do == "submit" else _("Submitted again."), "ok")
    elif not request.form.get("remove") and not (upload is not None and upload.filename):
        flash(_("Saved."), "ok")
    return redirect(url_for(".report_page", report_id=report.id))


@bp.route("/files/<int:attachment_id>")
@gate.member
def attachment(attachment_id):
    return downloads.send(attachments.download(attachment_id))


@bp.route("/reports/<int:report_id>/<any(submit, resubmit, accept, return):action>", methods=["POST"])
@gate.member
@form_errors
def report_action(report_id, action):
    report = reports.get_report(report_id)
    reports.transition(report, action, current_member(), comment=request.form.get("comment", ""))
    db.session.commit()
    flash({"submit": _("Submitted."), "resubmit": _("Submitted again."), "accept": _("Accepted."),
           "return": _("Returned with your comments.")}[action], "ok")
    if action in ("accept", "return"):
        return redirect(url_for(".review_queue"))
    return redirect(url_for(".report_page", report_id=report.id))


@bp.route("/review")
@gate.member
def review_queue():
    _reviewer()
    rows = reports.waiting()
    squads = {s.id: s.name for s in db.session.scalars(select(Squad))}
    return render_template("teams/review.html", rows=rows, squads=squads, kinds=KINDS)
