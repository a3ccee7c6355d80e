"""The reports routes of the plugin API (/t/<slug>/api/v1/teams/…)."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import request
from sqlalchemy import select
from yinghuo.api import current_member, db, gate

from .. import downloads
from ..blueprints import api as blp
from ..reports import attachments, deadlines
from ..reports import services as reports
from ..squads import services
from .models import Report
from .schemas import (
    FileSchema,
    OverdueQuery,
    OverdueSchema,
    ReportActionSchema,
    ReportEditSchema,
    ReportQuery,
    ReportSchema,
)


def report_out(report) -> dict:
    return {"id": report.id, "squad_id": report.squad_id, "kind": report.kind, "period_start": report.period_start,
            "title": report.title, "sections": report.sections, "status": report.status,
            "author_id": report.author_id,
            "attachments": [attachment_out(a) for a in attachments.of(report.id)],
            "history": [{"action": h.action, "actor_id": h.actor_id, "comment": h.comment, "at": h.at.isoformat()}
                        for h in reports.history(report)]}


def attachment_out(a) -> dict:
    return {"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size}


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
@blp.response(200, content_type="application/octet-stream", description="the file (GET)")
@blp.alt_response(204, description="removed (DELETE)")
def attachment_file(attachment_id):
    """Download a file, or remove it from a draft or returned report."""
    row = attachments.get(attachment_id)
    if request.method == "DELETE":
        attachments.remove(row, reports.get_report(row.report_id), current_member())
        db.session.commit()
        return "", 204
    return downloads.send(attachments.download(attachment_id))
