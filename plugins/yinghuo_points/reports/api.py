"""Monthly reports in the API."""
from __future__ import annotations

from flask import request
from marshmallow import Schema, fields
from yinghuo.api import gate

from ..blueprints import api as blp
from . import services


class PointsReportOut(Schema):
    month = fields.String()
    people = fields.List(fields.Dict(), metadata={"description": "by points earned: the month's ranking"})
    households = fields.List(fields.Dict())
    villages = fields.List(fields.Dict())
    goods = fields.List(fields.Dict(), metadata={"description": "goods redeemed (orders not expired or cancelled)"})
    stock = fields.List(fields.Dict(), metadata={"description": "stock on hand now"})


@blp.route("/reports")
@gate.permission("points.view")
@blp.response(200, PointsReportOut)
def monthly():
    """``?month=YYYY-MM`` (default this month): earned, deducted and spent per village,
    household and person; goods redeemed; stock on hand."""
    return services.report(request.args.get("month") or services.this_month())
