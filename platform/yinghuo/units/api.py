"""Tenant API for the org tree."""
from __future__ import annotations

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..extensions import db
from .. import gate
from ..tenant_api import blp
from . import services


class UnitSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    type = fields.String(required=True, validate=validate.Length(1, 40), metadata={
        "description": "one of the tenant's unit types, listed by GET /vocabulary (unit_types)"})
    parent_id = fields.Integer(load_default=None, allow_none=True)
    path = fields.String(dump_only=True)
    depth = fields.Integer(dump_only=True)


@blp.route("/units")
class Units(MethodView):
    @gate.member
    @blp.response(200, UnitSchema(many=True))
    def get(self):
        """The whole org tree in tree order."""
        return [services.unit_view(u) for u in services.tree()]

    @gate.permission("units.manage")
    @blp.arguments(UnitSchema)
    @blp.response(201, UnitSchema)
    def post(self, data):
        """Add a unit (unit admins only inside their own subtree)."""
        services.check_may_add_under(g.member, data.get("parent_id"))
        unit = services.create_unit(g.tenant, **data)
        db.session.commit()
        return services.unit_view(unit)


@blp.route("/units/<int:unit_id>")
@gate.member
@blp.response(200, UnitSchema(many=True))
def unit_subtree(unit_id):
    """A unit and its whole subtree."""
    return [services.unit_view(u) for u in services.subtree(services.get_unit(unit_id))]

