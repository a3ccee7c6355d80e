"""Schemas of the squads API."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


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


class WorkingGroupSchema(Schema):
    name = fields.String()
    members = fields.Integer()
