"""Households in the API."""
from __future__ import annotations

from marshmallow import Schema, fields, validate
from yinghuo.api import db, gate

from ..blueprints import api as blp
from . import services


class HouseholdIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 60))
    unit_id = fields.Integer(required=True, metadata={"description": "the village"})
    head_member_id = fields.Integer(required=True)
    member_ids = fields.List(fields.Integer(), load_default=list)


class HouseholdOut(Schema):
    id = fields.Integer()
    name = fields.String()
    unit_id = fields.Integer()
    head_member_id = fields.Integer()
    member_ids = fields.List(fields.Integer())
    balance = fields.Integer()


class HouseholdMemberIn(Schema):
    member_id = fields.Integer(required=True)


def household_view(household) -> dict:
    return {"id": household.id, "name": household.name, "unit_id": household.unit_id,
            "head_member_id": household.head_member_id, "member_ids": services.member_ids(household.id),
            "balance": services.household_account(household.id).balance}


@blp.route("/households")
@gate.permission("points.view")
@blp.response(200, HouseholdOut(many=True))
def list_households():
    return [household_view(row["household"]) for row in services.households()]


@blp.route("/households", methods=["POST"])
@gate.permission("points.manage")
@blp.arguments(HouseholdIn)
@blp.response(201, HouseholdOut)
def create_household(data):
    from flask import g
    household = services.create(data, by=g.member)
    db.session.commit()
    return household_view(household)


@blp.route("/households/<int:household_id>")
@gate.permission("points.view")
@blp.response(200, HouseholdOut)
def show_household(household_id):
    return household_view(services.get_household(household_id))


@blp.route("/households/<int:household_id>/members", methods=["POST"])
@gate.permission("points.manage")
@blp.arguments(HouseholdMemberIn)
@blp.response(200, HouseholdOut)
def add_household_member(data, household_id):
    household = services.get_household(household_id)
    services.add_member(household, data["member_id"])
    db.session.commit()
    return household_view(household)


@blp.route("/households/<int:household_id>/members/<int:member_id>", methods=["DELETE"])
@gate.permission("points.manage")
@blp.response(200, HouseholdOut)
def remove_household_member(household_id, member_id):
    household = services.get_household(household_id)
    services.remove_member(household, member_id)
    db.session.commit()
    return household_view(household)


@blp.route("/households/<int:household_id>/head", methods=["POST"])
@gate.permission("points.manage")
@blp.arguments(HouseholdMemberIn)
@blp.response(200, HouseholdOut)
def set_household_head(data, household_id):
    household = services.get_household(household_id)
    services.set_head(household, data["member_id"])
    db.session.commit()
    return household_view(household)
