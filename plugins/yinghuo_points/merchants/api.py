"""The merchant alliance in the API: offers, taking one, the merchant's check of a code."""
from __future__ import annotations

from flask import g, request
from marshmallow import Schema, fields, validate
from yinghuo.api import db, gate

from ..blueprints import api as blp
from . import services


class MerchantIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 100))
    address = fields.String(load_default="", validate=validate.Length(max=200))
    offer = fields.String(required=True, validate=validate.Length(1, 200))
    points_price = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 1_000_000))
    min_stars = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 5))
    pin = fields.String(load_default="", load_only=True, validate=validate.Length(max=8),
                        metadata={"description": "4-8 digits the merchant types to check codes"})
    active = fields.Boolean(load_default=True)


class MerchantOut(Schema):
    id = fields.Integer()
    name = fields.String()
    address = fields.String()
    offer = fields.String()
    points_price = fields.Integer(allow_none=True)
    min_stars = fields.Integer(allow_none=True)
    active = fields.Boolean()


class TakeIn(Schema):
    idempotency_key = fields.String(load_default="", validate=validate.Length(max=80))


class VoucherOut(Schema):
    id = fields.Integer()
    merchant_id = fields.Integer()
    code = fields.String()
    status = fields.String()
    created_at = fields.DateTime()
    used_at = fields.DateTime(allow_none=True)


class ValidateIn(Schema):
    pin = fields.String(required=True, validate=validate.Length(1, 8))
    code = fields.String(required=True, validate=validate.Length(1, 20))


@blp.route("/merchants")
@gate.public
@blp.response(200, MerchantOut(many=True))
def list_merchants():
    return services.merchants()


@blp.route("/merchants", methods=["POST"])
@gate.permission("points.manage")
@blp.arguments(MerchantIn)
@blp.response(201, MerchantOut)
def create_merchant(data):
    merchant = services.save_merchant(data)
    db.session.commit()
    return merchant


@blp.route("/merchants/<int:merchant_id>", methods=["PUT"])
@gate.permission("points.manage")
@blp.arguments(MerchantIn)
@blp.response(200, MerchantOut)
def change_merchant(data, merchant_id):
    merchant = services.save_merchant(data, merchant=services.get_merchant(merchant_id))
    db.session.commit()
    return merchant


@blp.route("/merchants/<int:merchant_id>/vouchers", methods=["POST"])
@gate.member
@blp.arguments(TakeIn)
@blp.response(201, VoucherOut)
def take(data, merchant_id):
    """Take the offer: the points (if it costs any) are paid, a code is given to show."""
    key = request.headers.get("Idempotency-Key") or data["idempotency_key"]
    voucher, _ = services.take(merchant_id, member=g.member, key=key)
    db.session.commit()
    return voucher


@blp.route("/vouchers/mine")
@gate.member
@blp.response(200, VoucherOut(many=True))
def my_vouchers():
    return services.vouchers_of(g.member.id)


@blp.route("/merchants/<int:merchant_id>/validate", methods=["POST"])
@gate.public
@blp.arguments(ValidateIn)
@blp.response(200, VoucherOut)
def validate_code(data, merchant_id):
    """The merchant's check with the PIN: the code is this merchant's and unused; now used."""
    voucher = services.validate(merchant_id, pin=data["pin"], code=data["code"])
    db.session.commit()
    return voucher
