"""Schemas of the project API."""
from __future__ import annotations

from marshmallow import Schema, fields, validate
from yinghuo.api import LocalDateTime

from . import services as media_works


class MediaSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(media_works.MEDIA_KINDS))
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
