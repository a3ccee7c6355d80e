"""Letterboxes and their rounds in the API."""
from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate
from yinghuo.api import db, gate

from ..blueprints import api as blp
from . import services


class LetterboxIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 100))
    unit_id = fields.Integer(required=True)
    location = fields.String(load_default="", validate=validate.Length(max=200))


class LetterboxOut(Schema):
    id = fields.Integer(attribute="box.id")
    name = fields.String(attribute="box.name")
    unit_id = fields.Integer(attribute="box.unit_id")
    location = fields.String(attribute="box.location")
    last_collected_at = fields.DateTime(attribute="last", allow_none=True)
    overdue = fields.Boolean()


class RoundIn(Schema):
    slips = fields.Integer(required=True, validate=validate.Range(0, 1000))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class RoundOut(Schema):
    id = fields.Integer()
    letterbox_id = fields.Integer()
    collected_at = fields.DateTime()
    collected_by = fields.Integer(allow_none=True)
    slips = fields.Integer()
    note = fields.String()


@blp.route("/letterboxes")
@gate.permission("stations.intake")
@blp.response(200, LetterboxOut(many=True))
def list_letterboxes():
    """Every letterbox with its last round; ``overdue`` when not emptied within the interval."""
    return services.boxes()


@blp.route("/letterboxes", methods=["POST"])
@gate.permission("stations.dispatch")
@blp.arguments(LetterboxIn)
@blp.response(201, LetterboxOut)
def add_letterbox(data):
    box = services.add_box(**data)
    db.session.commit()
    return {"box": box, "last": None, "overdue": False}


@blp.route("/letterboxes/<int:box_id>/rounds", methods=["POST"])
@gate.permission("stations.intake")
@blp.arguments(RoundIn)
@blp.response(201, RoundOut)
def add_round(data, box_id):
    """A round emptied this box now, with this many slips."""
    row = services.record_round(services.get_box(box_id), by=g.member, **data)
    db.session.commit()
    return row
