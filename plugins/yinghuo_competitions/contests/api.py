"""Competitions in the API."""
from __future__ import annotations

from marshmallow import Schema, fields, validate
from yinghuo.api import LocalDateTime, db, gate

from ..blueprints import api as blp
from . import services
from .models import STAGES


class CriterionSchema(Schema):
    key = fields.String(required=True, validate=validate.Length(1, 40))
    label = fields.String(load_default="", validate=validate.Length(max=100))
    max = fields.Integer(required=True, validate=validate.Range(1, 1000))
    weight = fields.Integer(required=True, validate=validate.Range(0, 100))


class StagesSchema(Schema):
    submission = LocalDateTime(required=True)
    review = LocalDateTime(required=True, metadata={"description": "the deadline: entries freeze"})
    voting = LocalDateTime(allow_none=True)
    judging = LocalDateTime(allow_none=True)
    roadshow = LocalDateTime(allow_none=True)
    results = LocalDateTime(allow_none=True)


class CompetitionIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    categories = fields.List(fields.String(validate=validate.Length(1, 40)), load_default=list)
    criteria = fields.List(fields.Nested(CriterionSchema), load_default=list)
    stages = fields.Nested(StagesSchema, required=True)
    vote_weight = fields.Integer(load_default=30, validate=validate.Range(0, 100))
    eligibility = fields.String(load_default="members", validate=validate.OneOf(services.ELIGIBILITY))
    trim = fields.Boolean(load_default=False, metadata={"description": "drop each entry's highest and lowest total"})
    normalise = fields.Boolean(load_default=False, metadata={"description": "z-scores per judge"})
    finalists_per_category = fields.Integer(load_default=10, validate=validate.Range(1, 1000))
    awards = fields.Dict(keys=fields.String(validate=validate.OneOf(("first", "second", "third"))),
                         values=fields.Integer(validate=validate.Range(0, 100)), load_default=dict,
                         metadata={"description": "how many first, second and third awards per category"})


class CompetitionOut(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    categories = fields.List(fields.String())
    criteria = fields.List(fields.Dict())
    stages = fields.Dict()
    stage = fields.Function(lambda c: services.stage_now(c))
    vote_weight = fields.Integer()
    eligibility = fields.String()
    published = fields.Boolean()
    kind = fields.String()
    trim = fields.Boolean()
    normalise = fields.Boolean()
    finalists_per_category = fields.Integer()
    awards = fields.Dict()
    results_published_at = fields.DateTime(allow_none=True)


@blp.route("/")
@gate.public
@blp.response(200, CompetitionOut(many=True))
def list_competitions():
    return services.competitions()


@blp.route("/", methods=["POST"])
@gate.permission("competitions.manage")
@blp.arguments(CompetitionIn)
@blp.response(201, CompetitionOut)
def create_competition(data):
    competition = services.save(data)
    db.session.commit()
    return competition


@blp.route("/<int:competition_id>")
@gate.public
@blp.response(200, CompetitionOut)
def show_competition(competition_id):
    return services.get_competition(competition_id, public=True)


@blp.route("/<int:competition_id>", methods=["PUT"])
@gate.permission("competitions.manage")
@blp.arguments(CompetitionIn)
@blp.response(200, CompetitionOut)
def change_competition(data, competition_id):
    competition = services.save(data, competition=services.get_competition(competition_id))
    db.session.commit()
    return competition


@blp.route("/<int:competition_id>/publish", methods=["POST"])
@gate.permission("competitions.manage")
@blp.response(200, CompetitionOut)
def publish_competition(competition_id):
    competition = services.publish(services.get_competition(competition_id))
    db.session.commit()
    return competition


__all__ = ["STAGES"]
