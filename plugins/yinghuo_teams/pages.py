"""Pages of the teams plugin (mobile-first): the squad's "this week", a report with its files
and actions, the reviewers' queue, village archives with export, recruitment, evaluation,
the annual selection and the project dashboard. Mounted under /t/<slug>/teams/."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from yinghuo.api import (Forbidden, Invalid, activity_summaries, allowed, current_member, db, form_errors,
                         gate, local_today, member_names, parse_local)

from . import archive, attachments, dashboard, downloads, deadlines, evaluation, recruitment, reports, services
from .models import Report, Squad

#: labels of the kinds of report on pages (translated); documents use reports.KIND_NAMES
KINDS = {"weekly": "Weekly summary", "monthly": "Monthly brief", "case": "Case study"}


def _reviewer() -> None:
    if not reports.is_reviewer(current_member()):
        raise Forbidden("Only reviewers of the archive group see this page")


def _date(value: str | None, field: str) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise Invalid("a date like 2026-11-23 is needed", fields={field: ["not a date"]}) from None


def _int(value: str | None, field: str, *, required: bool = True) -> int | None:
    if not (value or "").strip():
        if required:
            raise Invalid(f"{field} is required", fields={field: ["required"]})
        return None
    try:
        return int(value)
    except ValueError:
        raise Invalid(f"{field} must be a number", fields={field: ["not a number"]}) from None


bp = Blueprint("teams_pages", __name__, template_folder="templates")

# --- squads: this week and reports -------------------------------------------------


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


@bp.route("/reports", methods=["POST"])
@gate.member
@form_errors
def report_new():
    me = current_member()
    squad = services.squad_of(me)
    if squad is None:
        raise Forbidden("You are not in a squad")
    kind = request.form.get("kind", "weekly")
    period = _date(request.form.get("period_start"), "period_start")
    sections = {name: "" for name in services.settings()["report_sections"].get(kind, [])}
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
    template = services.settings()["report_sections"].get(report.kind, [])
    sections = {name: (report.sections or {}).get(name, "") for name in template}
    sections.update({k: v for k, v in (report.sections or {}).items() if k not in sections})
    history = reports.history(report)
    names = member_names({h.actor_id for h in history} | {report.author_id})
    return render_template("teams/report.html", report=report, squad=squad, sections=sections,
                           files=attachments.of(report.id), history=history, names=names,
                           kinds=KINDS, mine=services.is_in_squad(me, report.squad_id),
                           reviewer=reports.is_reviewer(me),
                           conf=services.settings())


@bp.route("/reports/<int:report_id>", methods=["POST"])
@gate.member
@form_errors
def report_save(report_id):
    report = reports.get_report(report_id)
    keys = [k[len("section:"):] for k in request.form if k.startswith("section:")]
    reports.edit(report, current_member(), title=(request.form.get("title") or report.title).strip(),
                 sections={k: request.form.get(f"section:{k}", "") for k in keys})
    db.session.commit()
    flash(_("Saved."), "ok")
    return redirect(url_for(".report_page", report_id=report.id))


@bp.route("/reports/<int:report_id>/files", methods=["POST"])
@gate.member
@form_errors
def report_upload(report_id):
    report = reports.get_report(report_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid("Choose a file", fields={"file": ["required"]})
    attachments.add(report, current_member(), upload.filename, upload.read())
    db.session.commit()
    flash(_("File attached."), "ok")
    return redirect(url_for(".report_page", report_id=report.id))


@bp.route("/files/<int:attachment_id>")
@gate.member
def attachment(attachment_id):
    return downloads.send(attachments.download(attachment_id))


@bp.route("/files/<int:attachment_id>/remove", methods=["POST"])
@gate.member
@form_errors
def attachment_remove(attachment_id):
    row = attachments.get(attachment_id)
    report = reports.get_report(row.report_id)
    attachments.remove(row, report, current_member())
    db.session.commit()
    return redirect(url_for(".report_page", report_id=report.id))


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

# --- villages and archives -----------------------------------------------------------


@bp.route("/villages", methods=["GET", "POST"])
@gate.member
@form_errors
def villages():
    if request.method == "POST":
        gate.demand("teams.admin")
        archive.create_village(name=request.form.get("name", ""), township=request.form.get("township", ""),
                               county=request.form.get("county", ""))
        db.session.commit()
        flash(_("Village added."), "ok")
        return redirect(url_for(".villages"))
    return render_template("teams/villages.html", villages=archive.villages(),
                           admin=allowed(current_member(), "teams.admin"))


@bp.route("/villages/<int:village_id>")
@gate.member
def village_page(village_id):
    export = None
    if request.args.get("export"):
        export = archive.get_export(_int(request.args["export"], "export"))
    return render_template("teams/village.html", archive=archive.contents(village_id), export=export,
                           manager=allowed(current_member(), "teams.manage"))


@bp.route("/villages/<int:village_id>/export", methods=["POST"])
@gate.permission("teams.manage")
@form_errors
def village_export(village_id):
    export = archive.start_export(village_id, by=current_member())
    db.session.commit()
    return redirect(url_for(".village_page", village_id=village_id, export=export.id))


@bp.route("/exports/<int:export_id>.<any(pdf, zip):kind>")
@gate.permission("teams.manage")
def export_file(export_id, kind):
    return downloads.send(archive.download(export_id, kind))

# --- recruitment -----------------------------------------------------------------------


@bp.route("/apply", methods=["GET", "POST"])
@gate.public
@form_errors
def apply():
    if request.method == "POST":
        row = recruitment.apply(request.form.to_dict())
        db.session.commit()
        return render_template("teams/applied.html", application=row)
    return render_template("teams/apply.html")


@bp.route("/applications")
@gate.permission("teams.admin")
def applications():
    status = request.args.get("status") or None
    squads = db.session.scalars(select(Squad).order_by(Squad.name)).all()
    return render_template("teams/applications.html", rows=recruitment.listing(status), status=status,
                           slots=recruitment.slots(), squads=squads,
                           statuses=["applied", "shortlisted", "interview", "passed", "accepted", "rejected",
                                     "failed"])


@bp.route("/applications/<int:application_id>/<action>", methods=["POST"])
@gate.permission("teams.admin")
@form_errors
def application_action(application_id, action):
    form = request.form
    recruitment.act(recruitment.get(application_id), action, note=form.get("note", ""),
                    slot_id=_int(form.get("slot_id"), "slot_id", required=False),
                    score=_int(form.get("score"), "score", required=False),
                    squad_id=_int(form.get("squad_id"), "squad_id", required=False))
    db.session.commit()
    flash(_("Done."), "ok")
    return redirect(url_for(".applications", status=request.args.get("status")))


@bp.route("/slots", methods=["POST"])
@gate.permission("teams.admin")
@form_errors
def slot_new():
    try:
        starts = parse_local(request.form.get("starts_at", ""))
    except ValueError:
        raise Invalid("a date and time is needed", fields={"starts_at": ["not a date and time"]}) from None
    recruitment.add_slot(starts_at=starts, place=request.form.get("place", ""),
                         capacity=_int(request.form.get("capacity"), "capacity"),
                         interviewers=request.form.get("interviewers", ""))
    db.session.commit()
    return redirect(url_for(".applications"))

# --- evaluation and honours ------------------------------------------------------------


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
    if request.method == "POST":
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
    if request.method == "POST":
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

# --- dashboard and media ------------------------------------------------------------------


@bp.route("/dashboard")
@gate.member
def dashboard_page():
    conf = services.settings()
    return render_template("teams/dashboard.html", counts=dashboard.counts(), rates=dashboard.on_time(),
                           media=services.media(limit=10),
                           training_category=conf["training_category"],
                           trainings=activity_summaries(category=conf["training_category"], limit=5),
                           practice=activity_summaries(category=conf["practice_category"], limit=5))


@bp.route("/media", methods=["GET", "POST"])
@gate.member
@form_errors
def media():
    if request.method == "POST":
        gate.demand("teams.manage")
        services.add_media({"kind": request.form.get("kind"), "title": request.form.get("title"),
                            "outlet": request.form.get("outlet"), "link": request.form.get("link"),
                            "published_on": _date(request.form.get("published_on"), "published_on"),
                            "squad_id": _int(request.form.get("squad_id"), "squad_id", required=False)},
                           by=current_member())
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".media"))
    return render_template("teams/media.html", works=services.media(),
                           squads=db.session.scalars(select(Squad).order_by(Squad.name)).all(),
                           manager=allowed(current_member(), "teams.manage"), today=local_today(),
                           week_ago=local_today() - timedelta(days=7))
