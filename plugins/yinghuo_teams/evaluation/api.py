"""The evaluation routes of the plugin API (/t/<slug>/api/v1/teams/…)."""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from yinghuo.api import current_member, db, gate, local_today

from .. import downloads
from ..blueprints import api as blp
from ..evaluation import services as evaluation
from .schemas import (
    EvaluationOut,
    EvaluationsOut,
    RankingRow,
    EvaluationSchema,
    HonourRevokeSchema,
    HonourSchema,
    QuarterQuery,
    SelectionSchema,
    YearQuery,
)


def base_url() -> str:
    return request.host_url.rstrip("/")


@blp.route("/evaluations")
class Evaluations(MethodView):
    @gate.permission("teams.manage")
    @blp.arguments(QuarterQuery, location="query")
    @blp.response(200, EvaluationsOut)
    def get(self, args):
        """The criteria and, per volunteer, the leader's, the heads' and the combined score."""
        quarter = args["quarter"] or evaluation.current_quarter()
        return {"quarter": quarter, "criteria": evaluation.criteria(),
                "results": evaluation.quarter_results(quarter)}

    @gate.member
    @blp.arguments(EvaluationSchema)
    @blp.response(201, EvaluationOut)
    def post(self, data):
        """Score a volunteer for a quarter: their squad leader, or a group head (unit or tenant
        admin); replaces your earlier scores of them for that quarter."""
        row = evaluation.score(data["member_id"], data["quarter"], current_member(), data["scores"],
                               data["comment"])
        db.session.commit()
        return row


@blp.route("/excellent")
class Excellent(MethodView):
    @gate.permission("teams.admin")
    @blp.arguments(YearQuery, location="query")
    @blp.response(200, RankingRow(many=True))
    def get(self, args):
        """The year's ranking from evaluations and hours; the first ones are proposed."""
        return evaluation.annual_ranking(args["year"] or local_today().year)

    @gate.permission("teams.honours")
    @blp.arguments(SelectionSchema)
    @blp.response(201, HonourSchema(many=True))
    def post(self, data):
        """Confirm the excellent volunteers; their certificates of honour are made by a job."""
        made = evaluation.select_excellent(data["year"], data["member_ids"], by=current_member(),
                                           base_url=base_url())
        db.session.commit()
        return made


@blp.route("/honours")
@gate.member
@blp.arguments(YearQuery, location="query")
@blp.response(200, HonourSchema(many=True))
def honour_list(args):
    """Excellent volunteers by year."""
    return evaluation.honours(args["year"])


@blp.route("/honours/<int:honour_id>/pdf")
@gate.member
@blp.response(200, content_type="application/pdf")
def honour_pdf(honour_id):
    """The certificate of honour (the person, or an admin)."""
    return downloads.send(evaluation.honour_download(honour_id, current_member()))


@blp.route("/honours/<int:honour_id>/revoke", methods=["POST"])
@gate.permission("teams.honours")
@blp.arguments(HonourRevokeSchema)
@blp.response(200, HonourSchema)
def honour_revoke(data, honour_id):
    """Revoke a title; its verify page then says so."""
    honour = evaluation.revoke(evaluation.get_honour(honour_id), data["reason"])
    db.session.commit()
    return honour
