"""Schemas of the recruitment API."""
from __future__ import annotations

from marshmallow import Schema, fields, validate
from yinghuo.api import LocalDateTime


class ApplicationSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(max=100))
    phone = fields.String(required=True, validate=validate.Length(max=20),
                          metadata={"description": "masked in lists (138****1234); POST …/contact for the full number"})
    school = fields.String(required=True, validate=validate.Length(max=100))
    major = fields.String(required=True, validate=validate.Length(max=100))
    year = fields.String(required=True, validate=validate.Length(max=20))
    skills = fields.String(load_default="", validate=validate.Length(max=1000))
    statement = fields.String(required=True, validate=validate.Length(max=3000))
    status = fields.String(dump_only=True)
    slot_id = fields.Integer(dump_only=True, allow_none=True)
    interview_score = fields.Integer(dump_only=True, allow_none=True)
    interview_notes = fields.String(dump_only=True)
    note = fields.String(dump_only=True)
    member_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


class ContactReason(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 500))


class ContactOut(Schema):
    phone = fields.String()


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
