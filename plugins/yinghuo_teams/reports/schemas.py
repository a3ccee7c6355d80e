"""Schemas of the reports API."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate


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
