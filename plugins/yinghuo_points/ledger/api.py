"""The ledger in the API: one's own points, a person's, adjustments, the check."""
from __future__ import annotations

from flask import g, request
from marshmallow import Schema, fields, validate
from yinghuo.api import db, gate

from ..blueprints import api as blp
from . import services


class PointsEntryOut(Schema):
    id = fields.Integer()
    seq = fields.Integer()
    kind = fields.String()
    amount = fields.Integer()
    change = fields.Integer(metadata={"description": "how it moved this person's balance"})
    note = fields.String()
    created_at = fields.DateTime()


class MemberPointsOut(Schema):
    member_id = fields.Integer()
    balance = fields.Integer()
    entries = fields.List(fields.Nested(PointsEntryOut))


class PointsAdjustIn(Schema):
    member_id = fields.Integer(required=True)
    amount = fields.Integer(required=True, validate=validate.Range(-100_000, 100_000))
    reason = fields.String(required=True, validate=validate.Length(1, 500))
    idempotency_key = fields.String(load_default="", validate=validate.Length(max=80),
                                    metadata={"description": "or the Idempotency-Key header: the same key twice "
                                                             "posts once and answers the first entry"})


class PointsCheckOut(Schema):
    ok = fields.Boolean()
    entries = fields.Integer()
    broken = fields.Dict(allow_none=True)
    balances = fields.List(fields.Dict())
    head = fields.String()


def points_view(member_id: int) -> dict:
    rows = services.entries_of(member_id)
    return {"member_id": member_id, "balance": services.balance_of(member_id),
            "entries": [{**{k: getattr(e, k) for k in ("id", "seq", "kind", "amount", "note", "created_at")},
                         "change": services.signed(e, member_id)} for e in rows]}


@blp.route("/me")
@gate.member
@blp.response(200, MemberPointsOut)
def my_points():
    """My balance and my latest entries."""
    return points_view(g.member.id)


@blp.route("/members/<int:member_id>")
@gate.permission("points.view")
@blp.response(200, MemberPointsOut)
def member_points(member_id):
    return points_view(member_id)


@blp.route("/adjustments", methods=["POST"])
@gate.permission("points.adjust")
@blp.arguments(PointsAdjustIn)
@blp.response(201, PointsEntryOut)
def adjust(data):
    """Add (amount > 0) or deduct points with the reason; idempotent by key."""
    key = request.headers.get("Idempotency-Key") or data["idempotency_key"]
    entry, _ = services.adjust(data["member_id"], data["amount"], reason=data["reason"], key=key, by=g.member)
    db.session.commit()
    return {**{k: getattr(entry, k) for k in ("id", "seq", "kind", "amount", "note", "created_at")},
            "change": services.signed(entry, data["member_id"])}


@blp.route("/check")
@gate.permission("points.adjust")
@blp.response(200, PointsCheckOut)
def check():
    """The ledger checked now: the first entry that does not follow its chain, and any
    cached balance that differs from the ledger."""
    return services.check()
