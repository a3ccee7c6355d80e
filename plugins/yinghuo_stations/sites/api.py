"""Sites and their profiles in the API: public to read, written by their own levels."""
from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate
from yinghuo.api import db, gate

from ..blueprints import api as blp
from . import services
from .models import PLATFORMS


class ProfileIn(Schema):
    address = fields.String(load_default="", validate=validate.Length(max=300))
    opening_hours = fields.String(load_default="", validate=validate.Length(max=200))
    contact_name = fields.String(load_default="", validate=validate.Length(max=100))
    contact_phone = fields.String(load_default="", validate=validate.Length(max=20))
    platforms = fields.List(fields.String(validate=validate.OneOf(PLATFORMS)), load_default=list)


class ProfileOut(Schema):
    address = fields.String()
    opening_hours = fields.String()
    contact_name = fields.String()
    contact_phone = fields.String()
    platforms = fields.List(fields.String())
    updated_at = fields.DateTime()


class TeamOut(Schema):
    id = fields.Integer()
    name = fields.String()


class SiteOut(Schema):
    id = fields.Integer(attribute="unit.id")
    name = fields.String(attribute="unit.name")
    type = fields.String(attribute="unit.type")
    parent_id = fields.Integer(attribute="unit.parent_id", allow_none=True)
    depth = fields.Integer(attribute="unit.depth")
    station = fields.Boolean()
    profile = fields.Nested(ProfileOut, allow_none=True)
    teams = fields.List(fields.Nested(TeamOut))


@blp.route("/sites")
@gate.public
@blp.response(200, SiteOut(many=True))
def list_sites():
    """The centre, institutes and stations in tree order, with profiles and attached teams."""
    return services.tree()


@blp.route("/sites/<int:unit_id>")
@gate.public
@blp.response(200, SiteOut)
def get_site(unit_id):
    return services.site(unit_id)


@blp.route("/sites/<int:unit_id>/profile", methods=["PUT"])
@gate.permission("stations.dispatch")
@blp.arguments(ProfileIn)
@blp.response(200, SiteOut)
def put_profile(data, unit_id):
    """Set a site's address, opening hours, contact and platforms (its own level or above)."""
    services.save_profile(unit_id, data, by=g.member)
    db.session.commit()
    return services.site(unit_id)
