"""API of the teams plugin: /t/<slug>/api/v1/teams/…"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import request
from flask.views import MethodView
from yinghuo.api import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from yinghuo.api import (LocalDateTime, activity_summaries, create_activity, current_member, db, gate, local_today,
                         member_names)

from . import archive, attachments, dashboard, downloads, deadlines, evaluation, recruitment, reports, services
from .models import Report, Secretary, Squad



class SquadSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 100))
    leader_id = fields.Integer(dump_only=True, allow_none=True)
    members = fields.List(fields.Dict(), dump_only=True)
    pairings = fields.List(fields.Dict(), dump_only=True)


class SquadMemberSchema(Schema):
    member_id = fields.Integer(required=True)
    leader = fields.Boolean(load_default=False)


class SecretarySchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 100))
    post = fields.String(load_default="")
    contact = fields.String(load_default="")
    term_start = fields.Date(load_default=None, allow_none=True)
    term_end = fields.Date(load_default=None, allow_none=True)


class PairingSchema(Schema):
    secretary_id = fields.Integer(required=True)
    village_id = fields.Integer(required=True, metadata={"description": "an org unit of the tenant"})
    starts_on = fields.Date(required=True)


class ReportSchema(Schema):
    id = fields.Integer(dump_only=True)
    squad_id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(("weekly", "monthly", "case")))
    period_start = fields.Date(required=True)
    title = fields.String(required=True, validate=validate.Length(1, 200))
    sections = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
    status = fields.String(dump_only=True)
    author_id = fields.Integer(dump_only=True)
    attachments = fields.List(fields.Dict(), dump_only=True)
    history = fields.List(fields.Dict(), dump_only=True)


class ReportEditSchema(Schema):
    title = fields.String(validate=validate.Length(1, 200))
    sections = fields.Dict(keys=fields.String(), values=fields.String())


class ReportActionSchema(Schema):
    comment = fields.String(load_default="", validate=validate.Length(max=2000))


class ReportQuery(Schema):
    status = fields.String(load_default=None)
    squad_id = fields.Integer(load_default=None)


class OverdueQuery(Schema):
    kind = fields.String(load_default="weekly", validate=validate.OneOf(("weekly", "monthly")))


class OverdueSchema(Schema):
    squad_id = fields.Integer()
    squad = fields.String()
    period_start = fields.Date()
    deadline = fields.DateTime()


class FileSchema(Schema):
    file = Upload(required=True)


class VillageSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 100))
    township = fields.String(required=True, validate=validate.Length(1, 100))
    county = fields.String(required=True, validate=validate.Length(1, 100))
    squad = fields.String(dump_only=True, allow_none=True)


class ArchiveExportSchema(Schema):
    id = fields.Integer()
    village_id = fields.Integer()
    status = fields.String()
    progress = fields.Integer()
    reports = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    pdf_url = fields.Method("_pdf")
    zip_url = fields.Method("_zip")

    def _pdf(self, e):
        return f"exports/{e.id}/pdf" if e.status == "done" else None

    def _zip(self, e):
        return f"exports/{e.id}/zip" if e.status == "done" else None


class ApplicationSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True)
    phone = fields.String(required=True)
    school = fields.String(required=True)
    major = fields.String(required=True)
    year = fields.String(required=True)
    skills = fields.String(load_default="")
    statement = fields.String(required=True)
    status = fields.String(dump_only=True)
    slot_id = fields.Integer(dump_only=True, allow_none=True)
    interview_score = fields.Integer(dump_only=True, allow_none=True)
    interview_notes = fields.String(dump_only=True)
    note = fields.String(dump_only=True)
    member_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class ApplicationReceipt(Schema):
    id = fields.Integer()
    status = fields.String()


class ApplicationQuery(Schema):
    status = fields.String(load_default=None)


class ApplicationActionSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=1000))
    slot_id = fields.Integer(load_default=None)
    score = fields.Integer(load_default=None)
    squad_id = fields.Integer(load_default=None)
    unit_id = fields.Integer(load_default=None)


class SlotSchema(Schema):
    id = fields.Integer(dump_only=True)
    starts_at = LocalDateTime(required=True)
    place = fields.String(required=True, validate=validate.Length(1, 200))
    capacity = fields.Integer(load_default=6, validate=validate.Range(1, 200))
    booked = fields.Integer(dump_only=True)
    interviewers = fields.String(load_default="", validate=validate.Length(max=200))


class MediaSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(services.MEDIA_KINDS))
    title = fields.String(required=True, validate=validate.Length(1, 200))
    outlet = fields.String(required=True, validate=validate.Length(1, 200))
    link = fields.String(load_default="", validate=validate.Length(max=500))
    published_on = fields.Date(required=True)
    squad_id = fields.Integer(load_default=None, allow_none=True)


class TrainingQuery(Schema):
    kind = fields.String(load_default="training", validate=validate.OneOf(("training", "practice")))


class TrainingSchema(Schema):
    kind = fields.String(load_default="training", validate=validate.OneOf(("training", "practice")))
    title = fields.String(required=True, validate=validate.Length(1, 200))
    description = fields.String(load_default="")
    address = fields.String(load_default="", validate=validate.Length(max=300))
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    capacity = fields.Integer(load_default=50, validate=validate.Range(1, 100000))


class EvaluationSchema(Schema):
    member_id = fields.Integer(required=True)
    quarter = fields.String(required=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=1000))


class EvaluationOut(Schema):
    member_id = fields.Integer()
    quarter = fields.String()
    scorer_id = fields.Integer()
    scorer_role = fields.String()
    scores = fields.Dict()
    total = fields.Float()


class QuarterQuery(Schema):
    quarter = fields.String(load_default=None)


class YearQuery(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(2000, 2100))


class SelectionSchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    member_ids = fields.List(fields.Integer(), load_default=None)


class HonourSchema(Schema):
    id = fields.Integer()
    year = fields.Integer()
    member_id = fields.Integer()
    rank = fields.Integer()
    score = fields.Float()
    hours = fields.Float()
    serial = fields.String()
    code = fields.String()
    revoked = fields.Function(lambda h: h.revoked_at is not None)
    ready = fields.Function(lambda h: h.pdf is not None)


class HonourRevokeSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 500))


def base_url() -> str:
    return request.host_url.rstrip("/")


def report_out(report) -> dict:
    return {"id": report.id, "squad_id": report.squad_id, "kind": report.kind, "period_start": report.period_start,
            "title": report.title, "sections": report.sections, "status": report.status,
            "author_id": report.author_id,
            "attachments": [attachment_out(a) for a in attachments.of(report.id)],
            "history": [{"action": h.action, "actor_id": h.actor_id, "comment": h.comment, "at": h.at.isoformat()}
                        for h in reports.history(report)]}


def attachment_out(a) -> dict:
    return {"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size}


def squad_out(squad: Squad) -> dict:
    ids = services.members_of(squad)
    names = member_names(ids)
    return {"id": squad.id, "name": squad.name, "leader_id": squad.leader_id,
            "members": [{"id": i, "name": names.get(i)} for i in ids],
            "pairings": [{"secretary_id": p.secretary_id, "village_id": p.village_id,
                          "starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat() if p.ends_on else None}
                         for p in services.pairings(squad)]}


"""A fresh blueprint per app (the host mounts it under /t/<slug>/api/v1/teams/)."""
blp = Blueprint("teams_api", __name__, description="University teams: squads, secretaries, pairings")


@blp.route("/squads")
class Squads(MethodView):
    @gate.member
    @blp.response(200, SquadSchema(many=True))
    def get(self):
        """Squads with their members and pairing history."""
        return [squad_out(s) for s in db.session.scalars(select(Squad).order_by(Squad.name))]

    @gate.permission("teams.manage")
    @blp.arguments(SquadSchema)
    @blp.response(201, SquadSchema)
    def post(self, data):
        """Create a squad."""
        squad = services.create_squad(data["name"])
        db.session.commit()
        return squad_out(squad)


@blp.route("/squads/<int:squad_id>/members", methods=["POST"])
@gate.permission("teams.manage")
@blp.arguments(SquadMemberSchema)
@blp.response(201, SquadSchema)
def squad_member(data, squad_id):
    """Add a student (refused with the reason when the squad is full)."""
    squad = services.add_member(services.get_squad(squad_id), data["member_id"], leader=data["leader"])
    db.session.commit()
    return squad_out(squad)


@blp.route("/squads/<int:squad_id>/pairings", methods=["POST"])
@gate.permission("teams.manage")
@blp.arguments(PairingSchema)
@blp.response(201, SquadSchema)
def squad_pairing(data, squad_id):
    """Pair the squad with a secretary and a village; the previous pairing is closed."""
    squad = services.get_squad(squad_id)
    services.pair(squad, **data)
    db.session.commit()
    return squad_out(squad)


@blp.route("/secretaries")
class Secretaries(MethodView):
    @gate.member
    @blp.response(200, SecretarySchema(many=True))
    def get(self):
        """Village first secretaries."""
        return db.session.scalars(select(Secretary).order_by(Secretary.name)).all()

    @gate.permission("teams.manage")
    @blp.arguments(SecretarySchema)
    @blp.response(201, SecretarySchema)
    def post(self, data):
        """Add a first secretary."""
        secretary = services.create_secretary(data)
        db.session.commit()
        return secretary


@blp.route("/squads/<int:squad_id>/reports", methods=["POST"])
@gate.member
@blp.arguments(ReportSchema)
@blp.response(201, ReportSchema)
def report_create(data, squad_id):
    """Start a report as a draft (members of the squad)."""
    report = reports.create(services.get_squad(squad_id).id, current_member(), **data)
    db.session.commit()
    return report_out(report)


@blp.route("/reports")
@gate.member
@blp.arguments(ReportQuery, location="query")
@blp.response(200, ReportSchema(many=True))
def report_list(args):
    """Reports, newest period first; ``status=submitted`` is the reviewers' queue."""
    stmt = select(Report).order_by(Report.period_start.desc(), Report.id)
    if args["status"]:
        stmt = stmt.where(Report.status == args["status"])
    if args["squad_id"]:
        stmt = stmt.where(Report.squad_id == args["squad_id"])
    return [report_out(r) for r in db.session.scalars(stmt.limit(200))]


@blp.route("/reports/<int:report_id>", methods=["PATCH"])
@gate.member
@blp.arguments(ReportEditSchema)
@blp.response(200, ReportSchema)
def report_edit(data, report_id):
    """Edit a draft or a returned report."""
    report = reports.edit(reports.get_report(report_id), current_member(), **data)
    db.session.commit()
    return report_out(report)


@blp.route("/reports/<int:report_id>/<any(submit, return, resubmit, accept):action>", methods=["POST"])
@gate.member
@blp.arguments(ReportActionSchema)
@blp.response(200, ReportSchema)
def report_action(data, report_id, action):
    """submit / resubmit (the squad), return with comments / accept (archive-group reviewers)."""
    report = reports.transition(reports.get_report(report_id), action, current_member(), comment=data["comment"])
    db.session.commit()
    return report_out(report)


@blp.route("/overdue")
@gate.member
@blp.arguments(OverdueQuery, location="query")
@blp.response(200, OverdueSchema(many=True))
def overdue_list(args):
    """Squads that missed the last passed deadline (tenant time zone)."""
    return deadlines.overdue(args["kind"], datetime.now(timezone.utc))


@blp.route("/reports/<int:report_id>")
@gate.member
@blp.response(200, ReportSchema)
def report_read(report_id):
    """One report with its files and history."""
    return report_out(reports.get_report(report_id))


@blp.route("/reports/<int:report_id>/attachments", methods=["POST"])
@gate.member
@blp.arguments(FileSchema, location="files")
@blp.response(201, ReportSchema)
def attachment_add(files, report_id):
    """Attach a photo or document (type checked by content; size limit is a tenant setting)."""
    report = reports.get_report(report_id)
    upload = files["file"]
    attachments.add(report, current_member(), upload.filename, upload.read())
    db.session.commit()
    return report_out(report)


@blp.route("/attachments/<int:attachment_id>", methods=["GET", "DELETE"])
@gate.member
def attachment_file(attachment_id):
    """Download a file, or remove it from a draft or returned report."""
    row = attachments.get(attachment_id)
    if request.method == "DELETE":
        attachments.remove(row, reports.get_report(row.report_id), current_member())
        db.session.commit()
        return "", 204
    return downloads.send(attachments.download(attachment_id))


@blp.route("/villages")
class Villages(MethodView):
    @gate.member
    @blp.response(200, VillageSchema(many=True))
    def get(self):
        """Villages with their township, county and current squad."""
        return archive.villages()

    @gate.permission("teams.admin")
    @blp.arguments(VillageSchema)
    @blp.response(201, VillageSchema)
    def post(self, data):
        """Add a village (and its township and county) to the org tree."""
        village = archive.create_village(**data)
        db.session.commit()
        return archive.village_view(village)


@blp.route("/villages/<int:village_id>/archive")
@gate.member
def village_archive(village_id):
    """Everything accepted for the village in time order, with who served there."""
    data = archive.contents(village_id)
    for r in data["reports"]:
        r["files"] = [attachment_out(f) for f in r["files"]]
        r["period_start"] = r["period_start"].isoformat()
        r["accepted_at"] = r["accepted_at"].isoformat() if r["accepted_at"] else None
    for p in data["served"]:
        p["starts_on"] = p["starts_on"].isoformat()
        p["ends_on"] = p["ends_on"].isoformat() if p["ends_on"] else None
    return data


@blp.route("/villages/<int:village_id>/exports", methods=["POST"])
@gate.permission("teams.manage")
@blp.response(202, ArchiveExportSchema)
def archive_export(village_id):
    """Start the export (PDF and .zip) as a job; poll exports/<id> for progress."""
    export = archive.start_export(village_id, by=current_member())
    db.session.commit()
    return archive.get_export(export.id)


@blp.route("/exports/<int:export_id>")
@gate.permission("teams.manage")
@blp.response(200, ArchiveExportSchema)
def archive_export_status(export_id):
    """Progress of an archive export."""
    return archive.get_export(export_id)


@blp.route("/exports/<int:export_id>/<any(pdf, zip):kind>")
@gate.permission("teams.manage")
def archive_export_file(export_id, kind):
    """The archive as one PDF, or the .zip of its documents."""
    return downloads.send(archive.download(export_id, kind))


@blp.route("/applications")
class Applications(MethodView):
    @gate.permission("teams.admin")
    @blp.arguments(ApplicationQuery, location="query")
    @blp.response(200, ApplicationSchema(many=True))
    def get(self, args):
        """The screening list (filter by status)."""
        return recruitment.listing(args["status"])

    @gate.public
    @blp.arguments(ApplicationSchema)
    @blp.response(201, ApplicationReceipt)
    def post(self, data):
        """Public: apply to join the project (no account needed; one per mobile number)."""
        row = recruitment.apply(data)
        db.session.commit()
        return row


@blp.route("/applications/<int:application_id>/<any(shortlist, reject, schedule, pass, fail, accept):action>",
           methods=["POST"])
@gate.permission("teams.admin")
@blp.arguments(ApplicationActionSchema)
@blp.response(200, ApplicationSchema)
def application_action(data, application_id, action):
    """Screen, schedule an interview, record its result, accept (membership + squad)."""
    row = recruitment.act(recruitment.get(application_id), action, **data)
    db.session.commit()
    return row


@blp.route("/interview-slots")
class Slots(MethodView):
    @gate.permission("teams.admin")
    @blp.response(200, SlotSchema(many=True))
    def get(self):
        """Interview slots with their bookings."""
        return recruitment.slots()

    @gate.permission("teams.admin")
    @blp.arguments(SlotSchema)
    @blp.response(201, SlotSchema)
    def post(self, data):
        """Add an interview slot."""
        slot = recruitment.add_slot(**data)
        db.session.commit()
        return slot


@blp.route("/media")
class Media(MethodView):
    @gate.member
    @blp.response(200, MediaSchema(many=True))
    def get(self):
        """Films, articles and reports, newest first."""
        return services.media()

    @gate.permission("teams.manage")
    @blp.arguments(MediaSchema)
    @blp.response(201, MediaSchema)
    def post(self, data):
        """Record a published work (outlet, link, date)."""
        work = services.add_media(data, by=current_member())
        db.session.commit()
        return work


@blp.route("/trainings")
class Trainings(MethodView):
    @gate.member
    @blp.arguments(TrainingQuery, location="query")
    def get(self, args):
        """Training sessions (or field trips) with sign-ups and attendance, from the kernel."""
        conf = services.settings()
        category = conf["training_category" if args["kind"] == "training" else "practice_category"]
        return [{**a, "starts_at": a["starts_at"].isoformat(), "ends_at": a["ends_at"].isoformat()}
                for a in activity_summaries(category=category)]

    @gate.permission("teams.manage")
    @blp.arguments(TrainingSchema)
    def post(self, data):
        """Create a training session or field trip as a kernel activity (a draft to publish)."""
        conf = services.settings()
        kind = data.pop("kind")
        data["category"] = conf["training_category" if kind == "training" else "practice_category"]
        activity = create_activity({**data, "visibility": "tenant"}, creator=current_member())
        db.session.commit()
        return {"id": activity.id, "category": activity.category, "status": activity.status}, 201


@blp.route("/evaluations")
class Evaluations(MethodView):
    @gate.permission("teams.manage")
    @blp.arguments(QuarterQuery, location="query")
    def get(self, args):
        """The criteria and, per volunteer, the leader's, the heads' and the combined score."""
        quarter = args["quarter"] or evaluation.current_quarter()
        return {"quarter": quarter, "criteria": evaluation.criteria(),
                "results": evaluation.quarter_results(quarter)}

    @gate.member
    @blp.arguments(EvaluationSchema)
    @blp.response(201, EvaluationOut)
    def post(self, data):
        """Score a volunteer for a quarter: their squad leader, or a group head (unit or tenant
        admin); replaces your earlier scores of them for that quarter."""
        row = evaluation.score(data["member_id"], data["quarter"], current_member(), data["scores"],
                               data["comment"])
        db.session.commit()
        return row


@blp.route("/excellent")
class Excellent(MethodView):
    @gate.permission("teams.admin")
    @blp.arguments(YearQuery, location="query")
    def get(self, args):
        """The year's ranking from evaluations and hours; the first ones are proposed."""
        return evaluation.annual_ranking(args["year"] or local_today().year)

    @gate.permission("teams.honours")
    @blp.arguments(SelectionSchema)
    @blp.response(201, HonourSchema(many=True))
    def post(self, data):
        """Confirm the excellent volunteers; their certificates of honour are made by a job."""
        made = evaluation.select_excellent(data["year"], data["member_ids"], by=current_member(),
                                           base_url=base_url())
        db.session.commit()
        return made


@blp.route("/honours")
@gate.member
@blp.arguments(YearQuery, location="query")
@blp.response(200, HonourSchema(many=True))
def honour_list(args):
    """Excellent volunteers by year."""
    return evaluation.honours(args["year"])


@blp.route("/honours/<int:honour_id>/pdf")
@gate.member
def honour_pdf(honour_id):
    """The certificate of honour (the person, or an admin)."""
    return downloads.send(evaluation.honour_download(honour_id, current_member()))


@blp.route("/honours/<int:honour_id>/revoke", methods=["POST"])
@gate.permission("teams.honours")
@blp.arguments(HonourRevokeSchema)
@blp.response(200, HonourSchema)
def honour_revoke(data, honour_id):
    """Revoke a title; its verify page then says so."""
    honour = evaluation.revoke(evaluation.get_honour(honour_id), data["reason"])
    db.session.commit()
    return honour


@blp.route("/groups")
@gate.member
def working_groups():
    """The project's working groups (tenant setting) with their member counts."""
    return services.working_groups()


@blp.route("/dashboard")
@gate.member
def dashboard_figures():
    """Counts and on-time submission rates per squad and per week."""
    figures = dashboard.on_time()
    for w in figures["weeks"]:
        w["period_start"] = w["period_start"].isoformat()
    return {"counts": dashboard.counts(), **figures}
