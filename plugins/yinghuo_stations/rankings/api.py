"""Station surveys and the quarterly ranking in the API."""
from __future__ import annotations

import io

from flask import g, send_file
from marshmallow import Schema, fields, validate
from yinghuo.api import db, gate, sheet_file

from ..blueprints import api as blp
from ..ledgers.api import XLSX
from ..periods import this_quarter
from . import services


class SurveyIn(Schema):
    score = fields.Integer(required=True, validate=validate.Range(1, 5))
    comment = fields.String(load_default="", validate=validate.Length(max=500))
    contact_phone = fields.String(required=True, validate=validate.Length(1, 20))


class SurveyOut(Schema):
    station_id = fields.Integer()
    quarter = fields.String()
    score = fields.Integer()
    comment = fields.String()


class QuarterArgs(Schema):
    quarter = fields.String(load_default=None, validate=validate.Regexp(r"^\d{4}Q[1-4]$"))


class RankOut(Schema):
    place = fields.Integer()
    station_id = fields.Integer(attribute="station.id")
    station = fields.String(attribute="station.name")
    score = fields.Float()
    top_third = fields.Boolean()
    raw = fields.Dict()
    part = fields.Dict()


@blp.route("/sites/<int:unit_id>/surveys", methods=["POST"])
@gate.public
@blp.arguments(SurveyIn)
@blp.response(201, SurveyOut)
def answer_survey(data, unit_id):
    """A resident rates a station for this quarter (once per phone)."""
    row = services.answer(unit_id, data)
    db.session.commit()
    return row


@blp.route("/ranking")
@gate.permission("stations.ledger")
@blp.arguments(QuarterArgs, location="query")
@blp.response(200, RankOut(many=True))
def ranking(args):
    """The quarter's ranking of the stations in the viewer's subtree (default: this quarter, so far)."""
    return services.ranking(args["quarter"] or this_quarter(), by=g.member)


@blp.route("/ranking.xlsx")
@gate.permission("stations.ledger")
@blp.arguments(QuarterArgs, location="query")
@blp.response(200, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
def ranking_file(args):
    quarter = args["quarter"] or this_quarter()
    data = sheet_file("站点排名", services.HEADERS, services.ranking_rows(quarter, by=g.member))
    return send_file(io.BytesIO(data), download_name=f"ranking-{quarter}.xlsx", mimetype=XLSX, as_attachment=True)
