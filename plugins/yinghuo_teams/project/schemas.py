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


class TrainingOut(Schema):
    """A training session or field trip, with its sign-ups and attendance."""
    id = fields.Integer()
    title = fields.String()
    category = fields.String()
    status = fields.String()
    address = fields.String(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    signed_up = fields.Integer()
    attended = fields.Integer()


class TrainingCreated(Schema):
    id = fields.Integer()
    category = fields.String()
    status = fields.String()


class _OnTime(Schema):
    on_time = fields.Integer(metadata={"description": "weekly summaries submitted by the deadline"})
    due = fields.Integer(metadata={"description": "weekly summaries owed"})
    rate = fields.Integer(allow_none=True, metadata={"description": "per cent on time; null when none was due"})


class SquadOnTime(_OnTime):
    squad_id = fields.Integer()
    squad = fields.String()


class WeekOnTime(_OnTime):
    period_start = fields.Date()


class DashboardSchema(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "reports by kind, media, squads, students, trainings, villages"})
    squads = fields.List(fields.Nested(SquadOnTime))
    weeks = fields.List(fields.Nested(WeekOnTime))
