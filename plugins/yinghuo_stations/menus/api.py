"""The project library, station menus and orders in the API."""
from __future__ import annotations

from flask import g, request
from marshmallow import Schema, fields, validate
from yinghuo.api import current_member, db, gate

from ..blueprints import api as blp
from ..demands.schemas import DemandSchema
from . import services
from .models import STATUSES


class ProjectIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 100))
    category = fields.String(required=True)
    description = fields.String(load_default="", validate=validate.Length(max=1000))
    team_unit_id = fields.Integer(required=True)
    capacity_per_month = fields.Integer(required=True, validate=validate.Range(1, 1000))


class ProjectOut(Schema):
    id = fields.Integer()
    name = fields.String()
    category = fields.String()
    description = fields.String()
    team_unit_id = fields.Integer()
    capacity_per_month = fields.Integer()
    status = fields.String()
    note = fields.String()


class StepIn(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=500))


class MenuIn(Schema):
    project_ids = fields.List(fields.Integer(), required=True)


class OrderIn(Schema):
    need = fields.String(required=True, validate=validate.Length(1, 2000))
    place = fields.String(load_default="", validate=validate.Length(max=300))
    preferred_time = fields.String(load_default="", validate=validate.Length(max=100))
    contact_name = fields.String(required=True, validate=validate.Length(1, 100))
    contact_phone = fields.String(required=True, validate=validate.Length(1, 20))


@blp.route("/projects")
@gate.signed_in
@blp.response(200, ProjectOut(many=True))
def list_projects():
    """The library; ``?status=proposed`` and so on for the projects waiting at each level."""
    status = request.args.get("status")
    return services.library(status=status if status in STATUSES else None)


@blp.route("/projects", methods=["POST"])
@gate.permission("stations.propose")
@blp.arguments(ProjectIn)
@blp.response(201, ProjectOut)
def propose_project(data):
    row = services.propose(data, by=g.member)
    db.session.commit()
    return row


@blp.route("/projects/<int:project_id>/<any(gather, approve, return, retire):action>", methods=["POST"])
@gate.permission("stations.dispatch")
@blp.arguments(StepIn)
@blp.response(200, ProjectOut)
def project_step(data, project_id, action):
    """gather (the branch), approve or retire (the centre), return with a reason."""
    row = services.step(services.get_project(project_id), action, by=g.member, **data)
    db.session.commit()
    return row


@blp.route("/sites/<int:unit_id>/menu")
@gate.public
@blp.response(200, ProjectOut(many=True))
def get_menu(unit_id):
    """What a station offers."""
    return services.menu_of(unit_id)


@blp.route("/sites/<int:unit_id>/menu", methods=["PUT"])
@gate.permission("stations.dispatch")
@blp.arguments(MenuIn)
@blp.response(200, ProjectOut(many=True))
def put_menu(data, unit_id):
    rows = services.set_menu(unit_id, data["project_ids"], by=g.member)
    db.session.commit()
    return rows


@blp.route("/sites/<int:unit_id>/menu/<int:project_id>/orders", methods=["POST"])
@gate.public
@blp.arguments(OrderIn)
@blp.response(201, DemandSchema)
def order(data, unit_id, project_id):
    """A resident orders a service from the station's menu: a demand sent to its team at once."""
    demand = services.order(unit_id, project_id, data, member=current_member())
    db.session.commit()
    return demand
