"""Public voting in the API: vote, the tally, void a vote, rebuild the tally."""
from __future__ import annotations

from flask import g, request
from marshmallow import Schema, fields, validate
from yinghuo.api import db, gate

from ..blueprints import api as blp
from ..contests.services import get_competition
from ..entries.services import entries
from . import services


class VoteOut(Schema):
    id = fields.Integer()
    entry_id = fields.Integer()
    votes = fields.Integer(metadata={"description": "the entry's votes after this one"})


class VoidIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 500))


def device() -> str:
    return (request.headers.get("X-Device-Id") or request.cookies.get("yh_device") or "")[:64]


@blp.route("/entries/<int:entry_id>/votes", methods=["POST"])
@gate.member
@blp.response(201, VoteOut)
def cast_vote(entry_id):
    """One vote for an accepted entry while voting runs, within the daily limits."""
    cast = services.vote(entry_id, voter=f"member:{g.member.id}", ip=request.remote_addr or "", device=device())
    db.session.commit()
    return {"id": cast.id, "entry_id": cast.entry_id,
            "votes": services.counted(cast.competition_id, [cast.entry_id])[cast.entry_id]}


@blp.route("/<int:competition_id>/tally")
@gate.public
def tally(competition_id):
    """Votes per accepted entry: {entry id: votes}."""
    from yinghuo.api import json_response
    get_competition(competition_id, public=True)
    ids = [e.id for e in entries(competition_id, status="accepted")]
    return json_response({str(k): v for k, v in services.counted(competition_id, ids).items()})


@blp.route("/<int:competition_id>/tally/rebuild", methods=["POST"])
@gate.permission("competitions.manage")
def rebuild_tally(competition_id):
    """Count the votes again from the database (after Redis restarted, or to check)."""
    from yinghuo.api import json_response
    counts = services.rebuild(competition_id)
    db.session.commit()
    return json_response({str(k): v for k, v in counts.items()})


@blp.route("/votes/<int:vote_id>/void", methods=["POST"])
@gate.permission("competitions.manage")
@blp.arguments(VoidIn)
@blp.response(200, VoteOut)
def void_vote(data, vote_id):
    cast = services.void(vote_id, reason=data["reason"], by=g.member)
    db.session.commit()
    return {"id": cast.id, "entry_id": cast.entry_id,
            "votes": services.counted(cast.competition_id, [cast.entry_id])[cast.entry_id]}
