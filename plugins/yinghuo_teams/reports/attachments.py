"""Report attachments: photos and documents, size and type checked by their content (a
renamed program is not a photo), stored with the report."""
from __future__ import annotations

from sqlalchemy import select
from yinghuo.api import Conflict, Forbidden, NotFound, audit, checked_upload, db

from ..downloads import Download
from ..settings import settings
from ..squads.services import is_in_squad
from .models import Attachment, Report

MIME = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
PER_REPORT = 20


def add(report: Report, member, filename: str, data: bytes) -> Attachment:
    """Attach a file to a draft or returned report of the member's squad."""
    if not is_in_squad(member, report.squad_id):
        raise Forbidden("Only members of the squad attach files to its reports")
    if report.status not in ("draft", "returned"):
        raise Conflict(f"files cannot be added to a {report.status} report", code="bad_transition")
    conf = settings()
    name, found = checked_upload(filename, data, kinds=conf["attachment_types"], max_mb=conf["attachment_max_mb"])
    count = db.session.scalar(select(db.func.count()).select_from(Attachment)
                              .where(Attachment.report_id == report.id))
    if count >= PER_REPORT:
        raise Conflict(f"A report has at most {PER_REPORT} files", code="too_many_files")
    row = Attachment(report_id=report.id, filename=name, content_type=MIME[found], size=len(data), content=data,
                     uploaded_by=member.id)
    db.session.add(row)
    db.session.flush()
    audit("teams.attachment.add", "report", report.id, after={"file": name, "size": len(data)})
    return row


def of(report_id: int) -> list[Attachment]:
    return of_reports([report_id]).get(report_id, [])


def of_reports(report_ids) -> dict[int, list[Attachment]]:
    """The files of many reports in one query, by report."""
    found: dict[int, list[Attachment]] = {}
    for row in db.session.scalars(select(Attachment).where(Attachment.report_id.in_(list(report_ids) or [-1]))
                                  .order_by(Attachment.id)):
        found.setdefault(row.report_id, []).append(row)
    return found


def download(attachment_id: int) -> Download:
    row = get(attachment_id)
    return Download(row.content, row.content_type, row.filename)


def get(attachment_id: int) -> Attachment:
    row = db.session.scalar(select(Attachment).where(Attachment.id == attachment_id))
    if row is None:
        raise NotFound("no such file")
    return row


def remove(row: Attachment, report: Report, member) -> None:
    if not is_in_squad(member, report.squad_id):
        raise Forbidden("Only members of the squad remove its files")
    if report.status not in ("draft", "returned"):
        raise Conflict(f"files cannot be removed from a {report.status} report", code="bad_transition")
    audit("teams.attachment.remove", "report", report.id, before={"file": row.filename, "size": row.size})
    db.session.delete(row)
    db.session.flush()
