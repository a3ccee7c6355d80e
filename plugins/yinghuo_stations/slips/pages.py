"""Printing slips: choose the station and how many."""
from __future__ import annotations

from flask import Response, render_template, request
from yinghuo.api import Invalid, form_errors, gate

from ..blueprints import pages as bp
from ..demands import services as demands
from . import services


@bp.route("/slips")
@gate.permission("stations.intake")
def slips():
    return render_template("stations/slips.html", stations=demands.stations())


@bp.route("/slips.pdf")
@gate.permission("stations.intake")
@form_errors
def slips_pdf():
    count = request.args.get("count", 10, type=int)
    station = request.args.get("station", type=int)
    if not station or not 1 <= count <= 100:
        raise Invalid("Choose the station and print 1 to 100 slips", fields={"count": ["1 to 100"]})
    return Response(services.slips_pdf(station, count), mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=slips-{station}.pdf"})
