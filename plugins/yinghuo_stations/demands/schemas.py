"""Marshmallow schemas of demands for the API (and the pages' forms)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from .models import CHANNELS, STATUSES


class DemandInSchema(Schema):
    station_id = fields.Integer(required=True)
    category = fields.String(required=True)
    need = fields.String(required=True, validate=validate.Length(1, 2000))
    place = fields.String(load_default="", validate=validate.Length(max=300))
    preferred_time = fields.String(load_default="", validate=validate.Length(max=100))
    contact_name = fields.String(required=True, validate=validate.Length(1, 100))
    contact_phone = fields.String(required=True, validate=validate.Length(max=20))
    channel = fields.String(load_default="online", validate=validate.OneOf(CHANNELS),
                            metadata={"description": "clerks: how it came (letterbox, door_to_door, phone, walk_in)"})
    slip_serial = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))


class EventSchema(Schema):
    action = fields.String()
    from_status = fields.String()
    to_status = fields.String()
    actor_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    note = fields.String()
    at = fields.DateTime()


class DemandSchema(Schema):
    id = fields.Integer()
    receipt = fields.String()
    category = fields.String()
    need = fields.String()
    place = fields.String()
    preferred_time = fields.String()
    contact_name = fields.String()
    contact_phone = fields.String()
    channel = fields.String()
    slip_serial = fields.String(allow_none=True)
    station_id = fields.Integer()
    level_unit_id = fields.Integer()
    team_unit_id = fields.Integer(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    due_at = fields.DateTime(allow_none=True)
    record = fields.String()
    rating = fields.Integer(allow_none=True)
    rating_comment = fields.String()
    rated_by_phone = fields.Boolean()
    duplicate_of = fields.Integer(allow_none=True)
    project_id = fields.Integer(allow_none=True)
    finished_on_time = fields.Boolean(allow_none=True)
    created_at = fields.DateTime()


class BoardRowSchema(DemandSchema):
    """A demand as the dispatch board lists it: no resident's name or phone (those are on
    the demand itself, for those who may see it)."""

    class Meta:
        exclude = ("contact_name", "contact_phone", "record", "rating_comment", "rated_by_phone", "finished_on_time")


class StepSchema(Schema):
    action = fields.String()
    status = fields.String()
    at = fields.DateTime()
    note = fields.String()


class MyRatingSchema(Schema):
    rating = fields.Integer(required=True, validate=validate.Range(1, 5))
    comment = fields.String(load_default="", validate=validate.Length(max=500))


class PublicDemandSchema(Schema):
    """What the resident sees by receipt and phone: no staff names, the phone masked."""
    receipt = fields.String()
    category = fields.String()
    need = fields.String()
    status = fields.String()
    record = fields.String()
    rating = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    steps = fields.List(fields.Nested(StepSchema))


class ActionSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    team_unit_id = fields.Integer(load_default=None, allow_none=True, metadata={"description": "dispatch: the team"})
    rating = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 5),
                            metadata={"description": "rate (clerks, a rating taken by phone): 1-5"})


class LookupSchema(Schema):
    receipt = fields.String(required=True, validate=validate.Length(1, 20))
    phone_tail = fields.String(required=True, validate=validate.Regexp(r"^\d{4}$"),
                               metadata={"description": "the last four digits of the contact phone"})


class RateSchema(LookupSchema):
    rating = fields.Integer(required=True, validate=validate.Range(1, 5))
    comment = fields.String(load_default="", validate=validate.Length(max=500))


class BoardQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    level_unit_id = fields.Integer(load_default=None)
    overdue = fields.Boolean(load_default=False)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 100))
