"""Redemption orders in the API: place, look at, cancel, hand over by code."""
from __future__ import annotations

from flask import g, request
from marshmallow import Schema, fields, validate
from yinghuo.api import LocalDateTime, db, gate

from ..blueprints import api as blp
from . import services


class RedemptionLineIn(Schema):
    good_id = fields.Integer(required=True)
    quantity = fields.Integer(load_default=1, validate=validate.Range(1, services.MAX_QUANTITY))


class RedemptionIn(Schema):
    shop_id = fields.Integer(required=True)
    member_id = fields.Integer(load_default=None, allow_none=True,
                               metadata={"description": "for someone else (a clerk at the counter)"})
    lines = fields.List(fields.Nested(RedemptionLineIn), required=True, validate=validate.Length(1, services.MAX_LINES))
    idempotency_key = fields.String(load_default="", validate=validate.Length(max=80))


class RedemptionLineOut(Schema):
    good_id = fields.Integer()
    quantity = fields.Integer()
    price = fields.Integer()


class RedemptionOut(Schema):
    id = fields.Integer()
    shop_id = fields.Integer()
    member_id = fields.Integer()
    code = fields.String()
    points = fields.Integer()
    status = fields.String()
    expires_at = LocalDateTime()
    lines = fields.Method("_lines")

    def _lines(self, order):
        return RedemptionLineOut(many=True).dump(services.lines_of(order.id))


class PickupCodeIn(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 20))


@blp.route("/orders", methods=["POST"])
@gate.member
@blp.arguments(RedemptionIn)
@blp.response(201, RedemptionOut)
def place(data):
    """Reserve goods and their points in one transaction; the same Idempotency-Key again
    answers the first order."""
    key = request.headers.get("Idempotency-Key") or data["idempotency_key"]
    order, _ = services.place(data["shop_id"], data["member_id"] or g.member.id, data["lines"], by=g.member, key=key)
    db.session.commit()
    return order


@blp.route("/orders/mine")
@gate.member
@blp.response(200, RedemptionOut(many=True))
def my_orders():
    return services.orders_of(g.member.id)


@blp.route("/orders/<int:order_id>")
@gate.member
@blp.response(200, RedemptionOut)
def show_order(order_id):
    return services.visible_order(order_id, g.member)


@blp.route("/orders/<int:order_id>/cancel", methods=["POST"])
@gate.member
@blp.response(200, RedemptionOut)
def cancel(order_id):
    order = services.cancel(order_id, by=g.member)
    db.session.commit()
    return order


@blp.route("/orders/handover", methods=["POST"])
@gate.permission("points.award")
@blp.arguments(PickupCodeIn)
@blp.response(200, RedemptionOut)
def hand_over(data):
    """The clerk hands the goods over to the person showing this pickup code."""
    order = services.hand_over(data["code"], by=g.member)
    db.session.commit()
    return order


@blp.route("/orders/open")
@gate.permission("points.award")
@blp.response(200, RedemptionOut(many=True))
def open_orders():
    return services.open_orders(request.args.get("shop_id", type=int))
