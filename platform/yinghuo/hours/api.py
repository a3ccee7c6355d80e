"""Tenant API for service hours: the approval queue, manual entries, my hours, rankings."""
from __future__ import annotations

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ..errors import Unauthorized
from ..extensions import db
from .. import gate
from ..tenant_api import blp
from . import services
from .rounding import hours
from .models import EVIDENCE, STATUSES, HourRecord

APPROVERS = ("tenant_admin", "unit_admin")
ENTERERS = ("tenant_admin", "unit_admin", "leader")


class HourRecordSchema(Schema):
    id = fields.Integer(dump_only=True)
    member_id = fields.Integer(required=True)
    activity_id = fields.Integer(dump_only=True, allow_none=True)
    served_on = fields.Date(required=True)
    minutes = fields.Integer(required=True)
    hours = fields.Method("_hours", dump_only=True)
    content = fields.String(required=True, validate=validate.Length(1, 300))
    place = fields.String(load_default="", validate=validate.Length(max=300))
    evidence = fields.String(dump_only=True)
    flag = fields.String(dump_only=True, allow_none=True,
                         metadata={"description": "manual (entered by hand) or over (above the time checked in)"})
    note = fields.String(load_default="")
    status = fields.String(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    supersedes_id = fields.Integer(dump_only=True, allow_none=True)

    def _hours(self, record):
        return hours(record.minutes)


class HourQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    evidence = fields.String(load_default=None, validate=validate.OneOf(EVIDENCE))
    member_id = fields.Integer(load_default=None)
    activity_id = fields.Integer(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class ReasonRequired(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 500))


class CorrectSchema(ReasonRequired):
    minutes = fields.Integer(required=True)


class TotalsSchema(Schema):
    approved_hours = fields.Float()
    pending_hours = fields.Float()
    stars = fields.Integer()
    next_star_at = fields.Integer(allow_none=True)
    to_next_star = fields.Float(allow_none=True, metadata={"description": "hours still to serve for the next star"})
    star_progress = fields.Integer(metadata={"description": "per cent of the way from this star to the next"})


class RankingQuery(Schema):
    period = fields.String(required=True, metadata={"description": "YYYY-MM or YYYY-Qn"})
    unit_id = fields.Integer(load_default=None)


class RankSchema(Schema):
    rank = fields.Integer()
    member_id = fields.Integer()
    name = fields.String()
    hours = fields.Float()


#: how far the record list counts its total
RECORDS_COUNTED = 10_000


@blp.route("/hours")
class Hours(MethodView):
    @gate.permission("hours.approve")
    @blp.arguments(HourQuery, location="query")
    @blp.response(200, HourRecordSchema(many=True))
    def get(self, args):
        """Hour records, oldest first (with ``status=pending``, the approval queue); total in
        ``X-Total-Count``, counted up to 10 000 (past that, 10 000 and
        ``X-Total-Count-Estimated: true``: a city's records are millions)."""
        from ..people.services import count_up_to
        stmt = select(HourRecord)
        limit = services.reach(g.member)
        if limit is not None:
            stmt = stmt.where(limit)
        for key in ("status", "evidence", "member_id", "activity_id"):
            if args[key] is not None:
                stmt = stmt.where(getattr(HourRecord, key) == args[key])
        rows = db.session.scalars(stmt.order_by(HourRecord.id).limit(args["per_page"])
                                  .offset((args["page"] - 1) * args["per_page"])).all()
        if args["page"] == 1 and len(rows) < args["per_page"]:
            return rows, 200, {"X-Total-Count": str(len(rows))}   # all of them are here: no count
        total = count_up_to(stmt, RECORDS_COUNTED)
        if total > RECORDS_COUNTED:
            return rows, 200, {"X-Total-Count": str(RECORDS_COUNTED), "X-Total-Count-Estimated": "true"}
        return rows, 200, {"X-Total-Count": str(total)}

    @gate.permission("hours.enter")
    @blp.arguments(HourRecordSchema)
    @blp.response(201, HourRecordSchema)
    def post(self, data):
        """Enter offline service by hand (a note is required; it shows as manual evidence)."""
        record = services.enter_manually(by=g.member, **data)
        db.session.commit()
        return record


def _decision(name: str, schema, doc: str):
    @blp.route(f"/hours/<int:record_id>/{name}", methods=["POST"], endpoint=f"hours_{name}")
    @gate.permission("hours.enter" if name == "correct" else "hours.approve")
    @blp.arguments(schema)
    @blp.response(200 if name != "correct" else 201, HourRecordSchema)
    def view(data, record_id):
        record = (services.get_correctable(record_id, g.member) if name == "correct"
                  else services.get_record(record_id, viewer=g.member))
        if name == "approve":
            services.approve(g.tenant, record, by=g.member)
        elif name == "correct":
            record = services.correct(record, by=g.member, **data)
        else:
            getattr(services, name)(record, by=g.member, **data)
        db.session.commit()
        return record
    view.__doc__ = doc
    return view


class Empty(Schema):
    pass


for _name, _schema, _doc in (
        ("approve", Empty, "Approve a pending record (again: no change, no second event)."),
        ("reject", ReasonRequired, "Reject a pending record with a reason."),
        ("void", ReasonRequired, "Void a record with a reason (records are never deleted)."),
        ("correct", CorrectSchema, "Replace the minutes: the old record is voided, the new one points at it.")):
    _decision(_name, _schema, _doc)


@blp.route("/hours/anomalies")
@gate.permission("hours.approve")
@blp.response(200, HourRecordSchema(many=True))
def hours_anomalies():
    """Hours for a second look, largest first: entered by hand, or above the time the
    person was checked in at the activity."""
    return services.anomalies(g.member)


@blp.route("/hours/ranking")
@gate.member
@blp.arguments(RankingQuery, location="query")
@blp.response(200, RankSchema(many=True))
def hours_ranking(args):
    """Approved hours by person for a month or quarter, optionally within a unit."""
    return services.ranking(args["period"], args["unit_id"])


@blp.route("/me/hours")
@gate.member
@blp.response(200, TotalsSchema)
def my_hours():
    """My approved and pending hours in this tenant and my star level."""
    if g.member is None:
        raise Unauthorized("Please sign in")
    return services.totals(g.tenant, g.member.id)
