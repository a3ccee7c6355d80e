"""Pages of the demand loop: the resident's form and tracking page, the clerk's entry for
paper slips and calls, the dispatch board, a demand with its timeline, the team inbox."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from yinghuo.api import Invalid, current_member, db, form_errors, gate, member_names, posted

from ..blueprints import pages as bp
from ..settings import settings
from . import services
from .models import CHANNELS, STATUSES

MAX_PHOTO = 5 * 1024 * 1024


def _form() -> dict:
    return {k: request.form.get(k, "") for k in ("station_id", "category", "need", "place", "preferred_time",
                                                 "contact_name", "contact_phone", "channel", "slip_serial")}


@bp.route("/ask", methods=["GET", "POST"])
@gate.public
@form_errors
def ask():
    """A resident asks for help: large print, large buttons, plain words; a receipt number."""
    if posted():
        demand = services.submit({**_form(), "channel": "online"}, member=current_member())
        db.session.commit()
        return render_template("stations/receipt.html", demand=demand, conf=settings())
    return render_template("stations/ask.html", stations=services.stations(), conf=settings(),
                           station=request.args.get("station", type=int))


@bp.route("/intake", methods=["GET", "POST"])
@gate.permission("stations.intake")
@form_errors
def intake():
    """A clerk or firefly volunteer enters a demand for a resident: from a paper slip (its QR
    opens this page with the station and the slip's serial filled in), a call or a visit;
    a photo of the slip is kept. The receipt prints for the resident."""
    if posted():
        photo = request.files.get("photo")
        data = photo.read(MAX_PHOTO + 1) if photo is not None and photo.filename else None
        if data is not None and len(data) > MAX_PHOTO:
            raise Invalid("The photo is larger than 5 MB", fields={"photo": ["too large"]})
        form = _form()
        if form["channel"] == "online":
            raise Invalid("Say how the demand came", fields={"channel": ["required"]})
        demand = services.submit(form, entered_by=current_member(), slip_photo=data)
        db.session.commit()
        return render_template("stations/receipt.html", demand=demand, conf=settings(), printable=True)
    return render_template("stations/intake.html", stations=services.stations(), conf=settings(),
                           channels=[c for c in CHANNELS if c != "online"],
                           station=request.args.get("station", type=int), serial=request.args.get("serial", ""),
                           channel=request.args.get("channel", "letterbox" if request.args.get("serial") else ""))


@bp.route("/track", methods=["GET", "POST"])
@gate.public
@form_errors
def track():
    """Anyone with the receipt number and the last four digits of the phone sees where the
    demand stands, and rates it once it is done; clerks answer calls from the same page."""
    if posted() and request.form.get("rating"):
        demand = services.look_up(request.form.get("receipt", ""), request.form.get("phone_tail", ""))
        services.transition(demand, "rate", None, note=request.form.get("comment", ""),
                            rating=request.form.get("rating", type=int))
        db.session.commit()
        flash(_("Thank you for rating the service."), "ok")
        return render_template("stations/track.html", view=services.public_view(demand), form=request.form)
    if posted():
        demand = services.look_up(request.form.get("receipt", ""), request.form.get("phone_tail", ""))
        return render_template("stations/track.html", view=services.public_view(demand), form=request.form)
    return render_template("stations/track.html", view=None, form={})


@bp.route("/mine", methods=["GET", "POST"])
@gate.member
@form_errors
def mine():
    """A signed-in resident's own requests, where each stands, and the rating of a served one."""
    if posted():
        services.rate_own(request.form.get("demand_id", type=int), g.member,
                          rating=request.form.get("rating", type=int), note=request.form.get("comment", ""))
        db.session.commit()
        flash(_("Thank you for rating the service."), "ok")
        return redirect(url_for(".mine"))
    rows = services.mine(g.member)
    return render_template("stations/mine.html", rows=[(d, services.public_view(d)) for d in rows])


@bp.route("/board")
@gate.permission("stations.dispatch")
def board():
    status = request.args.get("status") or None
    rows, total = services.board(g.member, status=status if status in STATUSES else None,
                                 overdue=bool(request.args.get("overdue")), page=request.args.get("page", 1, type=int))
    return render_template("stations/board.html", rows=rows, total=total, status=status, statuses=STATUSES,
                           overdue=bool(request.args.get("overdue")), units=_unit_names(rows))


def _unit_names(rows) -> dict:
    from yinghuo.api import get_unit
    ids = {r.level_unit_id for r in rows} | {r.station_id for r in rows} | {r.team_unit_id for r in rows
                                                                             if r.team_unit_id}
    return {i: get_unit(i).name for i in ids}


@bp.route("/inbox")
@gate.permission("stations.serve")
def inbox():
    rows = services.team_inbox(g.member)
    return render_template("stations/inbox.html", rows=rows, units=_unit_names(rows))


@bp.route("/demands/<int:demand_id>/slip")
@gate.member
def slip_photo(demand_id):
    """The photo of the paper slip a demand was entered from (for those who may see the demand)."""
    from flask import Response
    from yinghuo.api import NotFound
    row = services.get_demand(demand_id)
    services.check_can_see(g.member, row)
    if not row.slip_photo:
        raise NotFound("no photo of a slip")
    kind = "image/png" if row.slip_photo.startswith(b"\x89PNG") else "image/jpeg"
    return Response(row.slip_photo, mimetype=kind, headers={"Cache-Control": "private, max-age=3600"})


@bp.route("/demands/<int:demand_id>", methods=["GET", "POST"])
@gate.member
@form_errors
def demand(demand_id):
    """A demand, its timeline and the steps the viewer may take."""
    row = services.get_demand(demand_id)
    services.check_can_see(g.member, row)
    if posted():
        action = request.form.get("action", "")
        services.transition(row, action, g.member, note=request.form.get("note", ""),
                            team_unit_id=request.form.get("team_unit_id", type=int),
                            rating=request.form.get("rating", type=int), by_phone=True)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".demand", demand_id=row.id))
    steps = services.timeline(row)
    return render_template("stations/demand.html", d=row, steps=steps, units=_unit_names([row]),
                           names=member_names({s.actor_id for s in steps if s.actor_id}),
                           teams=services.teams_for(row) if row.status == "new" else [],
                           dispatcher=services.may_dispatch(g.member, row), team=services.in_team(g.member, row),
                           phone_rating=services.follows_station(g.member, row) or services.may_dispatch(g.member, row),
                           has_photo=services.has_slip_photo(row))
