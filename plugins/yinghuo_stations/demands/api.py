"""The demands API under /t/<slug>/api/v1/stations/: thin routes over ``services``."""
from __future__ import annotations

from flask import g
from yinghuo.api import current_member, db, gate, json_response

from ..blueprints import api as blp
from . import services
from .schemas import (
    ActionSchema, BoardQuery, BoardRowSchema, DemandInSchema, DemandSchema, EventSchema, LookupSchema,
    MyRatingSchema, PublicDemandSchema, RateSchema,
)


@blp.route("/demands", methods=["POST"])
@gate.public
@blp.arguments(DemandInSchema)
@blp.response(201, DemandSchema)
def submit_demand(data):
    """A resident asks for help at a station (no account needed); a clerk entering a paper
    slip or a phone call for someone gives the channel and the slip's serial."""
    member = current_member()
    proxy = data.get("channel", "online") != "online"
    if proxy:
        gate.demand("stations.intake")
    demand = services.submit(data, member=None if proxy else member, entered_by=member if proxy else None)
    body = {name: getattr(demand, name) for name in _DEMAND_FIELDS}   # DemandSchema's shape (a test holds it)
    db.session.commit()
    return json_response(body, 201)


#: what DemandSchema gives of a demand, for the submission's fast path
_DEMAND_FIELDS = tuple(DemandSchema().fields)


@blp.route("/demands")
@gate.permission("stations.dispatch")
@blp.arguments(BoardQuery, location="query")
@blp.response(200, BoardRowSchema(many=True))
def demand_board(args):
    """The dispatch board: demands at levels in my subtree, newest first; total in X-Total-Count."""
    rows, total = services.board(g.member, **args)
    # the hot path: the rows straight to JSON, in BoardRowSchema's shape (a test holds them alike)
    return json_response([row._asdict() for row in rows], headers={"X-Total-Count": str(total)})


@blp.route("/demands/<int:demand_id>")
@gate.member
@blp.response(200, DemandSchema)
def demand_detail(demand_id):
    """One demand (its dispatchers and its team)."""
    demand = services.get_demand(demand_id)
    services.check_can_see(g.member, demand)
    return demand


@blp.route("/demands/<int:demand_id>/<any(dispatch, accept, decline, start, finish, escalate, cancel, rate):action>",
           methods=["POST"])
@gate.member
@blp.arguments(ActionSchema)
@blp.response(200, DemandSchema)
def demand_action(data, demand_id, action):
    """One step of the loop: dispatch (with team_unit_id), accept, decline (note), start,
    finish (note: what was done), escalate (note), cancel (note), rate (clerks: a rating
    taken by phone). A step the demand's state does not allow is 409."""
    demand = services.transition(services.get_demand(demand_id), action, g.member, note=data["note"],
                                 team_unit_id=data["team_unit_id"], rating=data["rating"], by_phone=True)
    db.session.commit()
    return demand


@blp.route("/demands/<int:demand_id>/timeline")
@gate.member
@blp.response(200, EventSchema(many=True))
def demand_timeline(demand_id):
    """Every step, oldest first (its dispatchers and its team)."""
    demand = services.get_demand(demand_id)
    services.check_can_see(g.member, demand)
    return services.timeline(demand)


@blp.route("/inbox")
@gate.permission("stations.serve")
@blp.response(200, DemandSchema(many=True))
def team_inbox():
    """Open demands dispatched to my team."""
    return services.team_inbox(g.member)


@blp.route("/demands/mine")
@gate.member
@blp.response(200, PublicDemandSchema(many=True))
def my_demands():
    """The demands I asked for myself (signed in), newest first, as I may see them."""
    return [services.public_view(d) for d in services.mine(g.member)]


@blp.route("/demands/<int:demand_id>/my-rating", methods=["POST"])
@gate.member
@blp.arguments(MyRatingSchema)
@blp.response(200, PublicDemandSchema)
def rate_mine(data, demand_id):
    """I rate a demand of my own once it is done (1-5 and a comment)."""
    demand = services.rate_own(demand_id, g.member, rating=data["rating"], note=data["comment"])
    db.session.commit()
    return services.public_view(demand)


@blp.route("/lookup", methods=["POST"])
@gate.public
@blp.arguments(LookupSchema)
@blp.response(200, PublicDemandSchema)
def lookup(data):
    """Where a demand stands, by its receipt number and the last four digits of the phone."""
    return services.public_view(services.look_up(data["receipt"], data["phone_tail"]))


@blp.route("/lookup/rate", methods=["POST"])
@gate.public
@blp.arguments(RateSchema)
@blp.response(200, PublicDemandSchema)
def rate(data):
    """The resident rates a finished demand (1-5 and a comment)."""
    demand = services.look_up(data["receipt"], data["phone_tail"])
    services.transition(demand, "rate", None, note=data["comment"], rating=data["rating"])
    db.session.commit()
    return services.public_view(demand)
