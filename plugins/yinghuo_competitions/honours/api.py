"""Honour selections in the API: the monthly star, the four best, nominations, the decision."""
from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate
from yinghuo.api import db, gate

from ..blueprints import api as blp
from ..contests.api import CompetitionOut
from ..entries.api import CompetitionEntryOut
from . import services


class MonthlyStarIn(Schema):
    month = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$"),
                          metadata={"description": "YYYY-MM"})
    count = fields.Integer(load_default=10, validate=validate.Range(1, 100))
    vote_days = fields.Integer(load_default=0, validate=validate.Range(0, 60))


class FourBestIn(Schema):
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    days_open = fields.Integer(load_default=30, validate=validate.Range(1, 365))
    vote_days = fields.Integer(load_default=7, validate=validate.Range(0, 60))


class NominationIn(Schema):
    category = fields.String(required=True, validate=validate.Length(1, 40))
    nominee_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 2 ** 62),
                                metadata={"description": "the member nominated (person categories)"})
    title = fields.String(load_default="", validate=validate.Length(max=200),
                          metadata={"description": "the team or project nominated (other categories)"})
    reason = fields.String(required=True, validate=validate.Length(1, 5000))


class ChoiceIn(Schema):
    entry_ids = fields.List(fields.Integer(validate=validate.Range(1, 2 ** 62)), required=True,
                            validate=validate.Length(max=1000))


@blp.route("/honours")
@gate.public
@blp.response(200, CompetitionOut(many=True))
def list_selections():
    return [c for c in services.selections() if c.published]


@blp.route("/honours/monthly-star", methods=["POST"])
@gate.permission("competitions.manage")
@blp.arguments(MonthlyStarIn)
@blp.response(201, CompetitionOut)
def monthly_star(data):
    """The month's volunteer star, nominations pre-filled from the hours ranking."""
    found = services.monthly_star(data["month"], count=data["count"], by=g.member, vote_days=data["vote_days"])
    db.session.commit()
    return found


@blp.route("/honours/four-best", methods=["POST"])
@gate.permission("competitions.manage")
@blp.arguments(FourBestIn)
@blp.response(201, CompetitionOut)
def four_best(data):
    """The year's four best: nominations open in the four categories."""
    found = services.four_best(data["year"], by=g.member, days_open=data["days_open"], vote_days=data["vote_days"])
    db.session.commit()
    return found


@blp.route("/<int:competition_id>/nominations", methods=["POST"])
@gate.member
@blp.arguments(NominationIn)
@blp.response(201, CompetitionEntryOut)
def nominate(data, competition_id):
    entry = services.nominate(competition_id, data, by=g.member)
    db.session.commit()
    return entry


@blp.route("/<int:competition_id>/honoured", methods=["PUT"])
@gate.permission("competitions.manage")
@blp.arguments(ChoiceIn)
@blp.response(200, CompetitionEntryOut(many=True))
def choose(data, competition_id):
    """Who is honoured: the accepted nominations named (the certificates come with the results)."""
    chosen = services.choose(competition_id, data["entry_ids"], by=g.member)
    db.session.commit()
    return chosen
