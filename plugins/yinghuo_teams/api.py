"""API of the teams plugin: /t/<slug>/api/v1/teams/…"""
from __future__ import annotations

from datetime import datetime, timezone

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from yinghuo.api import current_member, db, member_names, require_member, require_role

from . import deadlines, reports, services
from .models import Report, Secretary, Squad

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


class ReportSchema(Schema):
    id = fields.Integer(dump_only=True)
    squad_id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(("weekly", "monthly", "case")))
    period_start = fields.Date(required=True)
    title = fields.String(required=True, validate=validate.Length(1, 200))
    sections = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
    status = fields.String(dump_only=True)
    author_id = fields.Integer(dump_only=True)
    history = fields.List(fields.Dict(), dump_only=True)


class ReportEditSchema(Schema):
    title = fields.String(validate=validate.Length(1, 200))
    sections = fields.Dict(keys=fields.String(), values=fields.String())


class ReportActionSchema(Schema):
    comment = fields.String(load_default="", validate=validate.Length(max=2000))


class ReportQuery(Schema):
    status = fields.String(load_default=None)
    squad_id = fields.Integer(load_default=None)


class OverdueQuery(Schema):
    kind = fields.String(load_default="weekly", validate=validate.OneOf(("weekly", "monthly")))


class OverdueSchema(Schema):
    squad_id = fields.Integer()
    squad = fields.String()
    period_start = fields.Date()
    deadline = fields.DateTime()


def report_out(report) -> dict:
    return {"id": report.id, "squad_id": report.squad_id, "kind": report.kind, "period_start": report.period_start,
            "title": report.title, "sections": report.sections, "status": report.status,
            "author_id": report.author_id,
            "history": [{"action": h.action, "actor_id": h.actor_id, "comment": h.comment, "at": h.at.isoformat()}
                        for h in reports.history(report)]}


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

    @blp.route("/squads/<int:squad_id>/reports", methods=["POST"])
    @blp.arguments(ReportSchema)
    @blp.response(201, ReportSchema)
    @require_member
    def report_create(data, squad_id):
        """Start a report as a draft (members of the squad)."""
        report = reports.create(services.get_squad(squad_id).id, current_member(), **data)
        db.session.commit()
        return report_out(report)

    @blp.route("/reports")
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, ReportSchema(many=True))
    @require_member
    def report_list(args):
        """Reports, newest period first; ``status=submitted`` is the reviewers' queue."""
        stmt = select(Report).order_by(Report.period_start.desc(), Report.id)
        if args["status"]:
            stmt = stmt.where(Report.status == args["status"])
        if args["squad_id"]:
            stmt = stmt.where(Report.squad_id == args["squad_id"])
        return [report_out(r) for r in db.session.scalars(stmt.limit(200))]

    @blp.route("/reports/<int:report_id>", methods=["PATCH"])
    @blp.arguments(ReportEditSchema)
    @blp.response(200, ReportSchema)
    @require_member
    def report_edit(data, report_id):
        """Edit a draft or a returned report."""
        report = reports.edit(reports.get_report(report_id), current_member(), **data)
        db.session.commit()
        return report_out(report)

    @blp.route("/reports/<int:report_id>/<any(submit, return, resubmit, accept):action>", methods=["POST"])
    @blp.arguments(ReportActionSchema)
    @blp.response(200, ReportSchema)
    @require_member
    def report_action(data, report_id, action):
        """submit / resubmit (the squad), return with comments / accept (archive-group reviewers)."""
        report = reports.transition(reports.get_report(report_id), action, current_member(), comment=data["comment"])
        db.session.commit()
        return report_out(report)

    @blp.route("/overdue")
    @blp.arguments(OverdueQuery, location="query")
    @blp.response(200, OverdueSchema(many=True))
    @require_member
    def overdue_list(args):
        """Squads that missed the last passed deadline (tenant time zone)."""
        return deadlines.overdue(args["kind"], datetime.now(timezone.utc))

    return blp
