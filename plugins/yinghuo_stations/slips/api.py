"""Slips in the API: a batch of printable slips of a station."""
from __future__ import annotations

from flask import Response, request
from yinghuo.api import Invalid, gate

from ..blueprints import api as blp
from . import services


@blp.route("/stations/<int:station_id>/slips.pdf")
@gate.permission("stations.intake")
@blp.response(200, content_type="application/pdf")
def station_slips(station_id):
    """``count`` (1-100) printable A5 slips of the station, each with its serial and QR."""
    count = request.args.get("count", 10, type=int)
    if not 1 <= count <= 100:
        raise Invalid("Print 1 to 100 slips at a time", fields={"count": ["1 to 100"]})
    return Response(services.slips_pdf(station_id, count), mimetype="application/pdf")
