"""Schemas of the evaluation API."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class EvaluationSchema(Schema):
    member_id = fields.Integer(required=True)
    quarter = fields.String(required=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=1000))


class EvaluationOut(Schema):
    member_id = fields.Integer()
    quarter = fields.String()
    scorer_id = fields.Integer()
    scorer_role = fields.String()
    scores = fields.Dict()
    total = fields.Float()


class QuarterQuery(Schema):
    quarter = fields.String(load_default=None)


class YearQuery(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(2000, 2100))


class SelectionSchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    member_ids = fields.List(fields.Integer(), load_default=None)


class HonourSchema(Schema):
    id = fields.Integer()
    year = fields.Integer()
    member_id = fields.Integer()
    rank = fields.Integer()
    score = fields.Float()
    hours = fields.Float()
    serial = fields.String()
    code = fields.String()
    revoked = fields.Function(lambda h: h.revoked_at is not None)
    ready = fields.Function(lambda h: h.pdf is not None)


class HonourRevokeSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 500))


class QuarterResult(Schema):
    member_id = fields.Integer()
    name = fields.String()
    leader = fields.Float(allow_none=True, metadata={"description": "the squad leader's mean score"})
    head = fields.Float(allow_none=True, metadata={"description": "the group heads' mean score"})
    score = fields.Float(metadata={"description": "combined by the tenant's scorer weights"})


class EvaluationsOut(Schema):
    quarter = fields.String()
    criteria = fields.List(fields.Dict(), metadata={"description": "the tenant's criteria with their weights"})
    results = fields.List(fields.Nested(QuarterResult))


class RankingRow(Schema):
    member_id = fields.Integer()
    name = fields.String()
    quarters = fields.Integer()
    evaluation = fields.Float()
    hours = fields.Float()
    score = fields.Float()
    rank = fields.Integer()
    proposed = fields.Boolean()
