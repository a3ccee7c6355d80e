"""Public voting in the API: vote, the tally, void a vote, rebuild the tally."""
from __future__ import annotations

from flask import g, request
from marshmallow import Schema, fields, validate
from yinghuo.api import current_member, db, gate, json_response, proofwork

from ..blueprints import api as blp
from ..contests.services import get_competition
from ..entries.services import entries
from . import anomalies, services


class VoteOut(Schema):
    id = fields.Integer()
    entry_id = fields.Integer()
    votes = fields.Integer(metadata={"description": "the entry's votes after this one"})


class VoidIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 500))


def device() -> str:
    return (request.headers.get("X-Device-Id") or request.cookies.get("yh_device") or "")[:64]


class PhoneIn(Schema):
    phone = fields.String(required=True, validate=validate.Length(1, 20))


class PassIn(PhoneIn):
    code = fields.String(required=True, validate=validate.Length(1, 10))


class PassOut(Schema):
    pass_ = fields.String(data_key="pass", metadata={"description": "send it as X-Voter-Pass when voting"})
    expires_in = fields.Integer()


class SentOut(Schema):
    sent = fields.Boolean()


class ChallengeOut(Schema):
    challenge = fields.String()
    difficulty = fields.Integer(metadata={"description": "leading zero bits of sha256(challenge:nonce)"})


class AnomalyOut(Schema):
    entry_id = fields.Integer()
    title = fields.String()
    votes = fields.Integer()
    ips = fields.Integer()
    subnets = fields.Integer()
    busiest_window = fields.Integer()
    single_entry_votes = fields.Integer()
    night_votes = fields.Integer()
    signals = fields.List(fields.String())
    flagged = fields.Boolean()
    decision = fields.Function(lambda r: r["decision"].decision if r.get("decision") else None)
    top_ips = fields.List(fields.List(fields.Raw()))
    top_subnets = fields.List(fields.List(fields.Raw()))


class AnomalyDecisionIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("kept", "voided")))
    note = fields.String(required=True, validate=validate.Length(1, 500))
    ips = fields.List(fields.String(validate=validate.Length(max=45)), load_default=list,
                      validate=validate.Length(max=100))
    subnets = fields.List(fields.String(validate=validate.Length(max=45)), load_default=list,
                          validate=validate.Length(max=100))


class AnomalyDecisionOut(Schema):
    entry_id = fields.Integer()
    decision = fields.String()
    note = fields.String()
    voided_votes = fields.Integer()


@blp.route("/<int:competition_id>/voter-code", methods=["POST"])
@gate.public
@blp.arguments(PhoneIn)
@blp.response(202, SentOut)
def voter_code(data, competition_id):
    """Text a voting code to a phone (a voter without an account); the answer says nothing
    of whether the phone is known here."""
    services.send_code(competition_id, data["phone"])
    db.session.commit()
    return {"sent": True}


@blp.route("/<int:competition_id>/voter-pass", methods=["POST"])
@gate.public
@blp.arguments(PassIn)
@blp.response(200, PassOut)
def voter_pass(data, competition_id):
    """A phone voter's pass for the texted code: send it as the X-Voter-Pass header."""
    token = services.check_code(competition_id, data["phone"], data["code"])
    db.session.commit()
    return {"pass_": token, "expires_in": services.PASS_HOURS * 3600}


@blp.route("/challenge")
@gate.public
@blp.response(200, ChallengeOut)
def challenge():
    """A proof-of-work challenge: after a burst of votes from one network each vote needs one
    solved (X-Proof: "<challenge>:<nonce>")."""
    return proofwork.issue("vote")


@blp.route("/entries/<int:entry_id>/votes", methods=["POST"])
@gate.public
@blp.response(201, VoteOut)
def cast_vote(entry_id):
    """One vote for an accepted entry while voting runs, within the daily limits: signed in,
    or with a phone voter's pass (X-Voter-Pass); X-Proof after a burst (428 asks for it)."""
    voter = services.voter_of(current_member(), request.headers.get("X-Voter-Pass"))
    cast = services.vote(entry_id, voter=voter, ip=request.remote_addr or "", device=device(),
                         proof=request.headers.get("X-Proof"))
    db.session.commit()
    return {"id": cast.id, "entry_id": cast.entry_id,
            "votes": services.counted(cast.competition_id, [cast.entry_id])[cast.entry_id]}


TALLY = {"type": "object", "additionalProperties": {"type": "integer"},
         "description": "votes per accepted entry, by the entry's id"}


@blp.route("/<int:competition_id>/tally")
@gate.public
@blp.response(200, TALLY)
def tally(competition_id):
    """Votes per accepted entry: {entry id: votes}."""
    get_competition(competition_id, public=True)
    ids = [e.id for e in entries(competition_id, status="accepted")]
    return json_response({str(k): v for k, v in services.counted(competition_id, ids).items()})


@blp.route("/<int:competition_id>/tally/rebuild", methods=["POST"])
@gate.permission("competitions.manage")
@blp.response(200, TALLY)
def rebuild_tally(competition_id):
    """Count the votes again from the database (after Redis restarted, or to check)."""
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


@blp.route("/<int:competition_id>/anomalies")
@gate.permission("competitions.manage")
@blp.response(200, AnomalyOut(many=True))
def anomaly_report(competition_id):
    """Entries whose votes look bought (bursts, few addresses or networks, new voters, night)."""
    return anomalies.report(get_competition(competition_id))


@blp.route("/<int:competition_id>/anomalies/<int:entry_id>", methods=["POST"])
@gate.permission("competitions.manage")
@blp.arguments(AnomalyDecisionIn)
@blp.response(200, AnomalyDecisionOut)
def decide_anomaly(data, competition_id, entry_id):
    """Keep a flagged entry's votes, or void those from the given addresses or networks (all,
    when none is given) with the reason."""
    review = anomalies.decide(get_competition(competition_id), entry_id, decision=data["decision"], note=data["note"],
                              by=g.member, ips=data["ips"], subnets=data["subnets"])
    db.session.commit()
    return review
