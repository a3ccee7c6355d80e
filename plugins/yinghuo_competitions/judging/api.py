"""Judging in the API: judges and their categories, a judge's entries and sheets, conflicts
of interest, the scores and the finalists."""
from __future__ import annotations

from flask import g, request
from marshmallow import Schema, fields, validate
from yinghuo.api import db, gate, get_member

from ..blueprints import api as blp
from ..contests.services import get_competition
from . import services
from .models import ROUNDS, Sheet


class JudgeIn(Schema):
    member_id = fields.Integer(required=True, validate=validate.Range(1, 2 ** 62))
    categories = fields.List(fields.String(validate=validate.Length(1, 40)), required=True,
                             validate=validate.Length(1, 50))


class JudgeOut(Schema):
    member_id = fields.Integer()
    name = fields.Function(lambda j: get_member(j.member_id).name)
    categories = fields.List(fields.String())


class SheetIn(Schema):
    round = fields.String(load_default="review", validate=validate.OneOf(ROUNDS))
    scores = fields.Dict(keys=fields.String(validate=validate.Length(1, 40)), values=fields.Raw(), required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=2000))
    submit = fields.Boolean(load_default=False, metadata={"description": "true: the sheet is locked"})


class SheetOut(Schema):
    entry_id = fields.Integer()
    round = fields.String()
    scores = fields.Dict()
    total = fields.Float()
    comment = fields.String()
    submitted = fields.Function(lambda s: s.submitted_at is not None)


class JudgedEntryOut(Schema):
    id = fields.Integer()
    title = fields.String()
    team_name = fields.String()
    category = fields.String()
    finalist = fields.Boolean()


class ConflictIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 500))


class OrganiserConflictIn(ConflictIn):
    member_id = fields.Integer(required=True, validate=validate.Range(1, 2 ** 62))
    entry_id = fields.Integer(required=True, validate=validate.Range(1, 2 ** 62))


class ConflictOut(Schema):
    entry_id = fields.Integer()
    member_id = fields.Integer()
    reason = fields.String()


class ScoreOut(Schema):
    entry_id = fields.Integer()
    score = fields.Float()


def _round() -> str:
    value = request.args.get("round", "review")
    return value if value in ROUNDS else "review"


@blp.route("/<int:competition_id>/judges")
@gate.permission("competitions.manage")
@blp.response(200, JudgeOut(many=True))
def list_judges(competition_id):
    return services.judges(get_competition(competition_id).id)


@blp.route("/<int:competition_id>/judges", methods=["POST"])
@gate.permission("competitions.manage")
@blp.arguments(JudgeIn)
@blp.response(201, JudgeOut)
def assign_judge(data, competition_id):
    """Make a member a judge of some of the competition's categories (or change them)."""
    judge = services.assign(competition_id, data["member_id"], data["categories"])
    db.session.commit()
    return judge


@blp.route("/<int:competition_id>/judges/<int:member_id>", methods=["DELETE"])
@gate.permission("competitions.manage")
@blp.response(204)
def remove_judge(competition_id, member_id):
    services.unassign(competition_id, member_id)
    db.session.commit()


@blp.route("/<int:competition_id>/conflicts", methods=["POST"])
@gate.permission("competitions.manage")
@blp.arguments(OrganiserConflictIn)
@blp.response(201, ConflictOut)
def organiser_conflict(data, competition_id):
    """Record a judge's conflict of interest (the judge's sheets for the entry are removed)."""
    found = services.declare_conflict(competition_id, data["entry_id"], get_member(data["member_id"]),
                                      reason=data["reason"], by=g.member)
    db.session.commit()
    return found


@blp.route("/<int:competition_id>/judging")
@gate.member
@blp.response(200, JudgedEntryOut(many=True))
def my_entries_to_score(competition_id):
    """The entries the signed-in judge scores in the round (``?round=review|roadshow``)."""
    return services.to_score(competition_id, g.member, _round())


@blp.route("/<int:competition_id>/judging/<int:entry_id>/sheet")
@gate.member
@blp.response(200, SheetOut)
def my_sheet(competition_id, entry_id):
    services.entry_for_judge(competition_id, entry_id, g.member, _round())
    found = services.my_sheets(competition_id, g.member.id, _round()).get(entry_id)
    return found or Sheet(entry_id=entry_id, round=_round(), scores={}, total=0.0, comment="")


@blp.route("/<int:competition_id>/judging/<int:entry_id>/sheet", methods=["PUT"])
@gate.member
@blp.arguments(SheetIn)
@blp.response(200, SheetOut)
def save_sheet(data, competition_id, entry_id):
    """Keep the judge's scores, or submit them (``submit``: every criterion, then locked)."""
    sheet = services.save_sheet(competition_id, entry_id, g.member, round=data["round"], scores=data["scores"],
                                comment=data["comment"], submit=data["submit"])
    db.session.commit()
    return sheet


@blp.route("/<int:competition_id>/judging/<int:entry_id>/conflict", methods=["POST"])
@gate.member
@blp.arguments(ConflictIn)
@blp.response(201, ConflictOut)
def declare_conflict(data, competition_id, entry_id):
    """The judge declares a conflict of interest: the entry leaves their list for good."""
    found = services.declare_conflict(competition_id, entry_id, g.member, reason=data["reason"])
    db.session.commit()
    return found


@blp.route("/<int:competition_id>/scores")
@gate.permission("competitions.manage")
@blp.response(200, ScoreOut(many=True))
def scores(competition_id):
    """Judges' score per entry in the round, by the competition's rules (trimming, normalisation)."""
    found = services.judges_scores(get_competition(competition_id), _round())
    return [{"entry_id": k, "score": v} for k, v in sorted(found.items())]


@blp.route("/<int:competition_id>/finalists", methods=["POST"])
@gate.permission("competitions.manage")
@blp.response(200, JudgedEntryOut(many=True))
def finalists(competition_id):
    """Choose the finalists: the top of each category after the review round."""
    chosen = services.choose_finalists(get_competition(competition_id))
    db.session.commit()
    return chosen
