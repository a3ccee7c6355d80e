"""Station ledgers and the monthly compliance report in the API."""
from __future__ import annotations

import io

from flask import g, request, send_file
from marshmallow import Schema, fields, validate
from yinghuo.api import MAX_PHOTO, Invalid, db, gate, sheet_file

from ..blueprints import api as blp
from ..periods import last_month, this_month
from . import services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class EntryIn(Schema):
    record = fields.String(load_default="", validate=validate.Length(max=4000))
    evaluation_score = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 5))
    evaluation = fields.String(load_default="", validate=validate.Length(max=2000))
    feedback = fields.String(load_default="", validate=validate.Length(max=2000))


class EntryOut(Schema):
    activity_id = fields.Integer()
    station_id = fields.Integer()
    record = fields.String()
    evaluation_score = fields.Integer(allow_none=True)
    evaluation = fields.String()
    feedback = fields.String()
    updated_at = fields.DateTime()


class LineOut(Schema):
    activity_id = fields.Integer(attribute="activity.id")
    title = fields.String(attribute="activity.title")
    starts_at = fields.DateTime(attribute="activity.starts_at")
    entry = fields.Nested(EntryOut, allow_none=True)
    missing = fields.List(fields.String())


class ReportOut(Schema):
    station_id = fields.Integer(attribute="station.id")
    station = fields.String(attribute="station.name")
    held = fields.Integer()
    complete = fields.Integer()
    incomplete = fields.Integer()
    under_minimum = fields.Boolean()


class MonthArgs(Schema):
    month = fields.String(load_default=None, validate=validate.Regexp(r"^\d{4}-\d{2}$"))


@blp.route("/ledger/report")
@gate.permission("stations.ledger")
@blp.arguments(MonthArgs, location="query")
@blp.response(200, ReportOut(many=True))
def ledger_report(args):
    """The month's compliance report over the viewer's subtree (``?month=2026-11``; by default the last month)."""
    return services.report(args["month"] or last_month(), by=g.member)


@blp.route("/ledger/report.xlsx")
@gate.permission("stations.ledger")
@blp.arguments(MonthArgs, location="query")
@blp.response(200, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
def ledger_report_file(args):
    """The report as .xlsx with Chinese headers."""
    month = args["month"] or last_month()
    data = sheet_file("台账达标", services.HEADERS, services.report_rows(month, by=g.member))
    return send_file(io.BytesIO(data), download_name=f"ledger-{month}.xlsx", mimetype=XLSX, as_attachment=True)


@blp.route("/ledger/stations/<int:unit_id>")
@gate.permission("stations.ledger")
@blp.arguments(MonthArgs, location="query")
@blp.response(200, LineOut(many=True))
def station_ledger(args, unit_id):
    """A station's activities of the month with their ledger entries and what each lacks."""
    return services.station_month(unit_id, args["month"] or this_month(), by=g.member)


@blp.route("/ledger/activities/<int:activity_id>", methods=["PUT"])
@gate.permission("stations.ledger")
@blp.arguments(EntryIn)
@blp.response(200, EntryOut)
def put_entry(data, activity_id):
    entry = services.save_entry(activity_id, data, by=g.member)
    db.session.commit()
    return entry


@blp.route("/ledger/activities/<int:activity_id>/photos", methods=["POST"])
@gate.permission("stations.ledger")
@blp.response(201, EntryOut)
def add_photo(activity_id):
    """A JPEG or PNG photo of the activity as form field ``photo`` (at most 9, 5 MB each)."""
    upload = request.files.get("photo")
    if upload is None:
        raise Invalid("Attach the photo as 'photo'", fields={"photo": ["required"]})
    services.add_photo(activity_id, upload.read(MAX_PHOTO + 1), by=g.member)
    db.session.commit()
    return services.get_entry(activity_id)
