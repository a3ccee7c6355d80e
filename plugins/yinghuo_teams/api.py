"""API of the teams plugin: /t/<slug>/api/v1/teams/…"""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from yinghuo.api import db, member_names, require_member, require_role

from . import services
from .models import Secretary, Squad

MANAGERS = ("tenant_admin", "unit_admin", "leader")


class SquadSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 100))
    leader_id = fields.Integer(dump_only=True, allow_none=True)
    members = fields.List(fields.Dict(), dump_only=True)
    pairings = fields.List(fields.Dict(), dump_only=True)


class SquadMemberSchema(Schema):
    member_id = fields.Integer(required=True)
    leader = fields.Boolean(load_default=False)


class SecretarySchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 100))
    post = fields.String(load_default="")
    contact = fields.String(load_default="")
    term_start = fields.Date(load_default=None, allow_none=True)
    term_end = fields.Date(load_default=None, allow_none=True)


class PairingSchema(Schema):
    secretary_id = fields.Integer(required=True)
    village_id = fields.Integer(required=True, metadata={"description": "an org unit of the tenant"})
    starts_on = fields.Date(required=True)


def squad_out(squad: Squad) -> dict:
    ids = services.members_of(squad)
    names = member_names(ids)
    return {"id": squad.id, "name": squad.name, "leader_id": squad.leader_id,
            "members": [{"id": i, "name": names.get(i)} for i in ids],
            "pairings": [{"secretary_id": p.secretary_id, "village_id": p.village_id,
                          "starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat() if p.ends_on else None}
                         for p in services.pairings(squad)]}


def make_blueprint() -> Blueprint:
    """A fresh blueprint per app (the host mounts it under /t/<slug>/api/v1/teams/)."""
    blp = Blueprint("teams_api", __name__, description="University teams: squads, secretaries, pairings")

    @blp.route("/squads")
    class Squads(MethodView):
        @blp.response(200, SquadSchema(many=True))
        @require_member
        def get(self):
            """Squads with their members and pairing history."""
            return [squad_out(s) for s in db.session.scalars(select(Squad).order_by(Squad.name))]

        @blp.arguments(SquadSchema)
        @blp.response(201, SquadSchema)
        @require_role(*MANAGERS)
        def post(self, data):
            """Create a squad."""
            squad = services.create_squad(data["name"])
            db.session.commit()
            return squad_out(squad)

    @blp.route("/squads/<int:squad_id>/members", methods=["POST"])
    @blp.arguments(SquadMemberSchema)
    @blp.response(201, SquadSchema)
    @require_role(*MANAGERS)
    def squad_member(data, squad_id):
        """Add a student (refused with the reason when the squad is full)."""
        squad = services.add_member(services.get_squad(squad_id), data["member_id"], leader=data["leader"])
        db.session.commit()
        return squad_out(squad)

    @blp.route("/squads/<int:squad_id>/pairings", methods=["POST"])
    @blp.arguments(PairingSchema)
    @blp.response(201, SquadSchema)
    @require_role(*MANAGERS)
    def squad_pairing(data, squad_id):
        """Pair the squad with a secretary and a village; the previous pairing is closed."""
        squad = services.get_squad(squad_id)
        services.pair(squad, **data)
        db.session.commit()
        return squad_out(squad)

    @blp.route("/secretaries")
    class Secretaries(MethodView):
        @blp.response(200, SecretarySchema(many=True))
        @require_member
        def get(self):
            """Village first secretaries."""
            return db.session.scalars(select(Secretary).order_by(Secretary.name)).all()

        @blp.arguments(SecretarySchema)
        @blp.response(201, SecretarySchema)
        @require_role(*MANAGERS)
        def post(self, data):
            """Add a first secretary."""
            secretary = services.create_secretary(data)
            db.session.commit()
            return secretary

    return blp
