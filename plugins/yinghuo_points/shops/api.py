"""Supermarkets, goods and the stock ledger in the API."""
from __future__ import annotations

from flask import Response, g, request
from marshmallow import Schema, fields, validate
from yinghuo.api import NotFound, db, gate

from ..blueprints import api as blp
from . import services
from .models import LIMIT_BY


class ShopIn(Schema):
    unit_id = fields.Integer(required=True, metadata={"description": "the village or site (a kernel unit)"})
    name = fields.String(required=True, validate=validate.Length(1, 100))
    address = fields.String(load_default="", validate=validate.Length(max=200))
    opening_hours = fields.String(load_default="", validate=validate.Length(max=100))


class ShopOut(Schema):
    id = fields.Integer()
    unit_id = fields.Integer()
    name = fields.String()
    address = fields.String()
    opening_hours = fields.String()
    active = fields.Boolean()


class GoodIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 100))
    price = fields.Integer(required=True, validate=validate.Range(1, 1_000_000))
    limit_per_month = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 1000))
    limit_by = fields.String(load_default="person", validate=validate.OneOf(LIMIT_BY))
    active = fields.Boolean(load_default=True)


class GoodOut(Schema):
    id = fields.Integer()
    shop_id = fields.Integer()
    name = fields.String()
    price = fields.Integer()
    stock = fields.Integer()
    limit_per_month = fields.Integer(allow_none=True)
    limit_by = fields.String()
    has_photo = fields.Function(lambda g_: g_.photo_type is not None)
    active = fields.Boolean()


class MoveIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(tuple(services.MANUAL_MOVES)))
    quantity = fields.Integer(required=True, validate=validate.Range(-100_000, 100_000),
                              metadata={"description": "received or written off (> 0); adjust: signed"})
    note = fields.String(load_default="", validate=validate.Length(max=300))
    idempotency_key = fields.String(load_default="", validate=validate.Length(max=80))


class MoveOut(Schema):
    id = fields.Integer()
    good_id = fields.Integer()
    change = fields.Integer()
    kind = fields.String()
    note = fields.String()
    created_at = fields.DateTime()


@blp.route("/shops")
@gate.public
@blp.response(200, ShopOut(many=True))
def list_shops():
    return services.shops(active_only=True)


@blp.route("/shops", methods=["POST"])
@gate.permission("points.manage")
@blp.arguments(ShopIn)
@blp.response(201, ShopOut)
def create_shop(data):
    shop = services.create_shop(data)
    db.session.commit()
    return shop


@blp.route("/shops/<int:shop_id>/goods")
@gate.public
@blp.response(200, GoodOut(many=True))
def list_goods(shop_id):
    services.get_shop(shop_id)
    return services.goods(shop_id)


@blp.route("/shops/<int:shop_id>/goods", methods=["POST"])
@gate.permission("points.manage")
@blp.arguments(GoodIn)
@blp.response(201, GoodOut)
def add_good(data, shop_id):
    good = services.save_good(shop_id, data)
    db.session.commit()
    return good


@blp.route("/goods/<int:good_id>", methods=["PUT"])
@gate.permission("points.manage")
@blp.arguments(GoodIn)
@blp.response(200, GoodOut)
def change_good(data, good_id):
    good = services.get_good(good_id)
    good = services.save_good(good.shop_id, data, good=good)
    db.session.commit()
    return good


@blp.route("/goods/<int:good_id>/photo")
@gate.public
@blp.response(200, content_type="image/jpeg", description="the photo (JPEG or PNG)")
def good_photo(good_id):
    good = services.get_good(good_id)
    if not good.photo_type:
        raise NotFound("no photo")
    return Response(good.photo, mimetype=good.photo_type, headers={"Cache-Control": "public, max-age=600"})


@blp.route("/goods/<int:good_id>/moves", methods=["POST"])
@gate.permission("points.award")
@blp.arguments(MoveIn)
@blp.response(201, MoveOut)
def enter_move(data, good_id):
    """Goods received, a count corrected, goods written off: one stock move, once per key."""
    key = request.headers.get("Idempotency-Key") or data["idempotency_key"]
    row, _ = services.enter_move(good_id, kind=data["kind"], quantity=data["quantity"], note=data["note"], key=key,
                                 by=g.member)
    db.session.commit()
    return row


@blp.route("/goods/<int:good_id>/moves")
@gate.permission("points.view")
@blp.response(200, MoveOut(many=True))
def list_moves(good_id):
    services.get_good(good_id)
    return services.moves_of(good_id)
