"""Tenant API for Excel in and out: member imports (check, then confirm) and exports."""
from __future__ import annotations

import io

from flask import g, request, send_file
from marshmallow import Schema, fields, validate

from ..errors import Invalid
from ..extensions import db
from .. import gate
from ..tenant_api import blp
from . import services

MAX_UPLOAD = 10 * 1024 * 1024


class RowErrorSchema(Schema):
    row = fields.Integer()
    field = fields.String()
    reason = fields.String()
    late = fields.Boolean()


class ImportSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    status = fields.String()
    total_rows = fields.Integer()
    good_rows = fields.Integer()
    bad_rows = fields.Method("_bad")
    errors = fields.List(fields.Nested(RowErrorSchema))
    applied_count = fields.Integer(allow_none=True)

    def _bad(self, batch):
        return len({e["row"] for e in batch.errors if not e.get("late")})


class ExportRequestSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(tuple(services.EXPORTS)))
    reveal = fields.Boolean(load_default=False, metadata={"description": "full ID numbers and phones (members)"})
    reason = fields.String(load_default=None, validate=validate.Length(max=500))
    status = fields.String(load_default=None, metadata={"description": "hours: only records in this state"})


class ExportSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    progress = fields.Integer()
    rows = fields.Integer(allow_none=True)
    file_path = fields.Method("_file")

    def _file(self, job):
        return f"/t/{g.tenant.slug}/api/v1/exports/{job.id}/file" if job.status == "done" else None


@blp.route("/members/imports", methods=["POST"])
@gate.permission("sheets.import")
@blp.response(201, ImportSchema)
def import_members():
    """Upload an .xlsx of members (姓名, 手机号, 身份证号, 所属组织) as form field ``file``.

    Every row is checked and every bad row reported with its reason; nothing is written
    until the import is confirmed."""
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Attach the .xlsx file as 'file'", fields={"file": ["required"]})
    data = upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise Invalid("The file is larger than 10 MB", fields={"file": ["too large"]})
    batch = services.start_import(upload.filename or "members.xlsx", data, by=g.member)
    db.session.commit()
    return batch


@blp.route("/members/imports/<int:batch_id>")
@gate.permission("sheets.import")
@blp.response(200, ImportSchema)
def import_status(batch_id):
    """An import's check report."""
    return services.get_batch(batch_id)


@blp.route("/members/imports/<int:batch_id>/confirm", methods=["POST"])
@gate.permission("sheets.import")
@blp.response(200, ImportSchema)
def import_confirm(batch_id):
    """Write the good rows; rows that turned bad meanwhile are reported (``late``)."""
    batch = services.confirm_import(g.tenant, services.get_batch(batch_id))
    db.session.commit()
    return batch


@blp.route("/exports", methods=["POST"])
@gate.permission("sheets.export")
@blp.arguments(ExportRequestSchema)
@blp.response(202, ExportSchema)
def start_export(data):
    """Start an .xlsx export (Chinese headers). Small ones are done at once; large ones run as a
    job: poll ``GET exports/<id>`` for progress."""
    if data["reveal"]:
        gate.demand("ids.reveal")
    job = services.start_export(data["kind"], by=g.member, reveal=data["reveal"], reason=data["reason"],
                                filters={"status": data["status"]} if data["status"] else {})
    db.session.commit()
    return job


@blp.route("/exports/<int:export_id>")
@gate.permission("sheets.export")
@blp.response(200, ExportSchema)
def export_status(export_id):
    """Progress of an export (its maker's, or any for a tenant admin)."""
    return services.get_export(export_id, by=g.member)


@blp.route("/exports/<int:export_id>/file")
@gate.permission("sheets.export")
@blp.response(200, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
def export_file(export_id):
    """The finished .xlsx, for its maker or a tenant admin (each download is audited)."""
    job = services.download(export_id, by=g.member)
    db.session.commit()
    return send_file(io.BytesIO(job.content), download_name=f"{job.kind}-{job.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
