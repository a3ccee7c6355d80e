"""The ledger in the API: one's own points, a person's, adjustments, the check."""
from __future__ import annotations

from flask import g, request
from marshmallow import Schema, fields, validate
from yinghuo.api import db, gate, get_member

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
    household_id = fields.Integer(allow_none=True, metadata={"description": "whose account it is, with household "
                                                                           "earning"})
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
    stock = fields.List(fields.Dict(), metadata={"description": "goods whose stock differs from their moves"})
    head = fields.String()


def points_view(member_id: int) -> dict:
    """A person's points: their account's (or, with household earning, their household's)."""
    from ..households.services import holder_account
    acc = holder_account(member_id)
    return {"member_id": member_id, "balance": acc.balance, "household_id": acc.household_id,
            "entries": [entry_view(e, acc.id) for e in services.entries_of(acc.id)]}


def entry_view(entry, account_id: int) -> dict:
    return {**{k: getattr(entry, k) for k in ("id", "seq", "kind", "amount", "note", "created_at")},
            "change": services.signed(entry, account_id)}


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
    """A person's balance and latest entries (404 for anyone not a member here)."""
    return points_view(get_member(member_id).id)


@blp.route("/adjustments", methods=["POST"])
@gate.permission("points.adjust")
@blp.arguments(PointsAdjustIn)
@blp.response(201, PointsEntryOut)
def adjust(data):
    """Add (amount > 0) or deduct points with the reason; idempotent by key."""
    key = request.headers.get("Idempotency-Key") or data["idempotency_key"]
    entry, _ = services.adjust(data["member_id"], data["amount"], reason=data["reason"], key=key, by=g.member)
    db.session.commit()
    return entry_view(entry, entry.credit_account_id if data["amount"] > 0 else entry.debit_account_id)


@blp.route("/check")
@gate.permission("points.adjust")
@blp.response(200, PointsCheckOut)
def check():
    """The ledger checked now: the first entry that does not follow its chain, and any
    cached balance that differs from the ledger."""
    return services.check()
