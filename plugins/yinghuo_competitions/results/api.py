"""Results in the API: the ranking as it stands (organisers), publishing, the published
results (public), the .xlsx and an award's certificate."""
from __future__ import annotations

from flask import g, send_file
from marshmallow import Schema, fields
from yinghuo.api import db, gate

from ..blueprints import api as blp
from ..contests.services import get_competition
from . import services
from .documents import certificate_pdf, results_sheet


class RankingRowOut(Schema):
    entry_id = fields.Function(lambda r: r["entry"].id)
    title = fields.Function(lambda r: r["entry"].title)
    team_name = fields.Function(lambda r: r["entry"].team_name)
    category = fields.Function(lambda r: r["entry"].category)
    finalist = fields.Function(lambda r: r["entry"].finalist)
    rank = fields.Integer()
    review = fields.Float(allow_none=True)
    roadshow = fields.Float(allow_none=True)
    judge_score = fields.Float()
    votes = fields.Integer()
    vote_score = fields.Float()
    final = fields.Float()


class ResultOut(Schema):
    entry_id = fields.Function(lambda r: r[0].entry_id)
    title = fields.Function(lambda r: r[1].title)
    team_name = fields.Function(lambda r: r[1].team_name)
    category = fields.Function(lambda r: r[0].category)
    rank = fields.Function(lambda r: r[0].rank)
    judge_score = fields.Function(lambda r: r[0].judge_score)
    votes = fields.Function(lambda r: r[0].votes)
    vote_score = fields.Function(lambda r: r[0].vote_score)
    final = fields.Function(lambda r: r[0].final)
    award = fields.Function(lambda r: r[0].award)
    verify_path = fields.Function(lambda r: f"/verify/{r[0].code}" if r[0].code else None)


@blp.route("/<int:competition_id>/ranking")
@gate.permission("competitions.manage")
@blp.response(200, RankingRowOut(many=True))
def ranking(competition_id):
    """The ranking as it stands now, per category (judges' scores and votes by the weights)."""
    rows = services.ranking(get_competition(competition_id))
    return [row for category in rows.values() for row in category]


@blp.route("/<int:competition_id>/results", methods=["POST"])
@gate.permission("competitions.manage")
@blp.response(201, ResultOut(many=True))
def publish_results(competition_id):
    """Publish the results (in the results stage, once the anomaly report is decided)."""
    services.publish(competition_id, by=g.member)
    db.session.commit()
    return services.results(competition_id)


@blp.route("/<int:competition_id>/results")
@gate.public
@blp.response(200, ResultOut(many=True))
def results(competition_id):
    """The published results, per category in rank order."""
    return services.results(services.published(competition_id).id)


@blp.route("/<int:competition_id>/results.xlsx")
@gate.public
@blp.response(200, description="an .xlsx workbook")
def results_xlsx(competition_id):
    competition = services.published(competition_id)
    return send_file(results_sheet(competition), download_name=f"results-{competition.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@blp.route("/entries/<int:entry_id>/certificate.pdf")
@gate.public
@blp.response(200, description="the award certificate, PDF")
def certificate(entry_id):
    """An award's certificate (public like the results; checkable at /verify/<code>)."""
    result = services.get_result(entry_id)
    services.published(result.competition_id)
    return send_file(certificate_pdf(result), download_name=f"certificate-{entry_id}.pdf",
                     mimetype="application/pdf")
