"""The squads routes of the plugin API (/t/<slug>/api/v1/teams/…)."""
from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select
from yinghuo.api import current_member, db, gate, mask_phone, member_names

from ..blueprints import api as blp
from . import services
from .models import Secretary, Squad
from .schemas import PairingSchema, SecretarySchema, SquadMemberSchema, SquadSchema, WorkingGroupSchema


def squad_out(squad: Squad) -> dict:
    ids = services.members_of(squad)
    names = member_names(ids)
    return {"id": squad.id, "name": squad.name, "leader_id": squad.leader_id,
            "members": [{"id": i, "name": names.get(i)} for i in ids],
            "pairings": [{"secretary_id": p.secretary_id, "village_id": p.village_id,
                          "starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat() if p.ends_on else None}
                         for p in services.pairings(squad)]}


@blp.route("/squads")
class Squads(MethodView):
    @gate.member
    @blp.response(200, SquadSchema(many=True))
    def get(self):
        """Squads with their members and pairing history."""
        return [squad_out(s) for s in db.session.scalars(select(Squad).order_by(Squad.name))]

    @gate.permission("teams.manage")
    @blp.arguments(SquadSchema)
    @blp.response(201, SquadSchema)
    def post(self, data):
        """Create a squad."""
        squad = services.create_squad(data["name"])
        db.session.commit()
        return squad_out(squad)


@blp.route("/squads/<int:squad_id>/members", methods=["POST"])
@gate.permission("teams.manage")
@blp.arguments(SquadMemberSchema)
@blp.response(201, SquadSchema)
def squad_member(data, squad_id):
    """Add a student (refused with the reason when the squad is full)."""
    squad = services.add_member(services.get_squad(squad_id), data["member_id"], leader=data["leader"])
    db.session.commit()
    return squad_out(squad)


@blp.route("/squads/<int:squad_id>/pairings", methods=["POST"])
@gate.permission("teams.manage")
@blp.arguments(PairingSchema)
@blp.response(201, SquadSchema)
def squad_pairing(data, squad_id):
    """Pair the squad with a secretary and a village; the previous pairing is closed."""
    squad = services.get_squad(squad_id)
    services.pair(squad, **data)
    db.session.commit()
    return squad_out(squad)


@blp.route("/secretaries")
class Secretaries(MethodView):
    @gate.member
    @blp.response(200, SecretarySchema(many=True))
    def get(self):
        """Village first secretaries; a contact number in full for those who run squads and for
        the leader of a squad paired with that secretary now, masked for everyone else."""
        full = services.contacts_shown_to(current_member())
        return [s if full is None or s.id in full else
                {**{name: getattr(s, name) for name in SecretarySchema().fields}, "contact": mask_phone(s.contact)}
                for s in db.session.scalars(select(Secretary).order_by(Secretary.name))]

    @gate.permission("teams.manage")
    @blp.arguments(SecretarySchema)
    @blp.response(201, SecretarySchema)
    def post(self, data):
        """Add a first secretary."""
        secretary = services.create_secretary(data)
        db.session.commit()
        return secretary


@blp.route("/groups")
@gate.member
@blp.response(200, WorkingGroupSchema(many=True))
def working_groups():
    """The project's working groups (tenant setting) with their member counts."""
    return services.working_groups()
