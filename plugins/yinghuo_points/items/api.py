"""Items, awards under public notice and objections in the API."""
from __future__ import annotations

import base64
import binascii

from flask import g, request
from marshmallow import Schema, fields, validate
from yinghuo.api import Invalid, LocalDateTime, current_member, db, gate

from ..blueprints import api as blp
from . import services
from .models import AWARDERS, EVIDENCE


class ItemIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 100))
    category = fields.String(load_default="", validate=validate.Length(max=40))
    points = fields.Integer(required=True, validate=validate.Range(-10_000, 10_000))
    awarded_by = fields.String(load_default="clerk", validate=validate.OneOf(AWARDERS))
    evidence = fields.String(load_default="none", validate=validate.OneOf(EVIDENCE))
    unit_id = fields.Integer(load_default=None, allow_none=True, metadata={"description": "a village's own item"})


class ItemOut(Schema):
    id = fields.Integer()
    name = fields.String()
    category = fields.String()
    points = fields.Integer()
    awarded_by = fields.String()
    evidence = fields.String()
    unit_id = fields.Integer(allow_none=True)
    active = fields.Boolean()


class AwardIn(Schema):
    item_id = fields.Integer(required=True)
    member_id = fields.Integer(load_default=None, allow_none=True)
    household_id = fields.Integer(load_default=None, allow_none=True)
    unit_id = fields.Integer(load_default=None, allow_none=True,
                             metadata={"description": "the village whose notice page shows it (default: the person's)"})
    note = fields.String(load_default="", validate=validate.Length(max=500))
    photo = fields.String(load_default=None, allow_none=True, metadata={"description": "base64 JPEG or PNG"})
    idempotency_key = fields.String(load_default="", validate=validate.Length(max=80))


class AwardOut(Schema):
    id = fields.Integer()
    item_id = fields.Integer()
    unit_id = fields.Integer()
    member_id = fields.Integer(allow_none=True)
    household_id = fields.Integer(allow_none=True)
    points = fields.Integer()
    note = fields.String()
    status = fields.String()
    notice_until = LocalDateTime()
    outcome = fields.String()
    entry_id = fields.Integer(allow_none=True)


class NoticeOut(Schema):
    id = fields.Integer()
    item = fields.String()
    points = fields.Integer()
    who = fields.String(metadata={"description": "the person's name masked, or the household's name"})
    note = fields.String()
    status = fields.String()
    notice_until = LocalDateTime()


class ObjectionIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 40))
    reason = fields.String(required=True, validate=validate.Length(1, 500))


class ObjectionOut(Schema):
    id = fields.Integer()
    award_id = fields.Integer()
    name = fields.String()
    reason = fields.String()
    status = fields.String()
    decision = fields.String()


class DecisionIn(Schema):
    uphold = fields.Boolean(required=True)
    note = fields.String(required=True, validate=validate.Length(1, 500))


class WithdrawIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 500))


@blp.route("/items")
@gate.public
@blp.response(200, ItemOut(many=True))
def list_items():
    """The published list (``?unit_id=`` adds a village's own items)."""
    return services.items(request.args.get("unit_id", type=int))


@blp.route("/items", methods=["POST"])
@gate.permission("points.manage")
@blp.arguments(ItemIn)
@blp.response(201, ItemOut)
def create_item(data):
    item = services.create_item(data)
    db.session.commit()
    return item


@blp.route("/items/<int:item_id>/retire", methods=["POST"])
@gate.permission("points.manage")
@blp.response(200, ItemOut)
def retire_item(item_id):
    item = services.retire_item(item_id)
    db.session.commit()
    return item


@blp.route("/awards", methods=["POST"])
@gate.permission("points.award")
@blp.arguments(AwardIn)
@blp.response(201, AwardOut)
def award(data):
    """Award an item; it goes on the village's notice page and credits when the notice is over."""
    photo = None
    if data.get("photo"):
        try:
            photo = base64.b64decode(data["photo"], validate=True)
        except (binascii.Error, ValueError):
            raise Invalid("The photo must be base64", fields={"photo": ["not base64"]})
    key = request.headers.get("Idempotency-Key") or data.pop("idempotency_key")
    row, _ = services.award(data, by=g.member, key=key, photo=photo)
    db.session.commit()
    return row


@blp.route("/notice/<int:unit_id>")
@gate.public
@blp.response(200, NoticeOut(many=True))
def notice(unit_id):
    """A village's notice board: awards under notice or held, and those decided lately."""
    return services.notice_rows(unit_id)


@blp.route("/awards/<int:award_id>/objections", methods=["POST"])
@gate.public
@blp.arguments(ObjectionIn)
@blp.response(201, ObjectionOut)
def object_to(data, award_id):
    """Anyone may object to an award under notice, with a reason: it is held for the admin."""
    from yinghuo.api import rate_limit
    rate_limit("public_form")
    objection = services.object_to(award_id, name=data["name"], reason=data["reason"], member=current_member())
    db.session.commit()
    return objection


@blp.route("/awards/<int:award_id>/withdraw", methods=["POST"])
@gate.permission("points.adjust")
@blp.arguments(WithdrawIn)
@blp.response(200, AwardOut)
def withdraw(data, award_id):
    row = services.withdraw(award_id, reason=data["reason"], by=g.member)
    db.session.commit()
    return row


@blp.route("/objections")
@gate.permission("points.adjust")
@blp.response(200, ObjectionOut(many=True))
def list_objections():
    return services.open_objections()


@blp.route("/objections/<int:objection_id>/decision", methods=["POST"])
@gate.permission("points.adjust")
@blp.arguments(DecisionIn)
@blp.response(200, ObjectionOut)
def decide(data, objection_id):
    """Uphold (the award is cancelled) or dismiss (it credits when its notice is over)."""
    objection = services.decide(objection_id, uphold=data["uphold"], note=data["note"], by=g.member)
    db.session.commit()
    return objection
