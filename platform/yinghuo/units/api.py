"""Tenant API for the org tree."""
from __future__ import annotations

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..errors import Forbidden
from ..extensions import db
from ..people.identity import require_member, require_role
from ..tenant_api import blp
from . import services


class UnitSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    type = fields.String(required=True, validate=validate.Length(1, 40))
    parent_id = fields.Integer(load_default=None, allow_none=True)
    path = fields.String(dump_only=True)
    depth = fields.Integer(dump_only=True)


@blp.route("/units")
class Units(MethodView):
    @blp.response(200, UnitSchema(many=True))
    @require_member
    def get(self):
        """The whole org tree in tree order."""
        return [services.unit_view(u) for u in services.tree()]

    @blp.arguments(UnitSchema)
    @blp.response(201, UnitSchema)
    @require_role("tenant_admin", "unit_admin")
    def post(self, data):
        """Add a unit (unit admins only inside their own subtree)."""
        _check_unit_admin(data.get("parent_id"))
        unit = services.create_unit(g.tenant, **data)
        db.session.commit()
        return services.unit_view(unit)


@blp.route("/units/<int:unit_id>")
@blp.response(200, UnitSchema(many=True))
@require_member
def unit_subtree(unit_id):
    """A unit and its whole subtree."""
    return [services.unit_view(u) for u in services.subtree(services.get_unit(unit_id))]


def _check_unit_admin(parent_id):
    member = g.member
    if "tenant_admin" in member.role_names:
        return
    roots = [r.unit_id for r in member.roles if r.role == "unit_admin"]
    if not any(parent_id == root or services.in_subtree(parent_id, root) for root in roots):
        raise Forbidden("Unit admins can only add units inside their own subtree")
