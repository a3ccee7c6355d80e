"""The survey residents answer about a station, and the quarterly ranking as a chart."""
from __future__ import annotations

import io

from flask import g, render_template, request, send_file
from yinghuo.api import db, form_errors, gate, posted, sheet_file

from ..blueprints import pages as bp
from ..ledgers.api import XLSX
from ..periods import quarter_bounds, quarters_before, this_quarter
from ..settings import settings
from ..sites import services as sites
from . import services


@bp.route("/sites/<int:unit_id>/survey", methods=["GET", "POST"])
@gate.public
@form_errors
def survey(unit_id):
    site = sites.site(unit_id)
    if posted():
        services.answer(unit_id, request.form.to_dict())
        db.session.commit()
        return render_template("stations/survey.html", s=site, thanked=True)
    return render_template("stations/survey.html", s=site, thanked=False)


def _quarter() -> str:
    quarter = request.args.get("quarter") or this_quarter()
    quarter_bounds(quarter)
    return quarter


@bp.route("/ranking")
@gate.permission("stations.ledger")
def ranking():
    quarter = _quarter()
    return render_template("stations/ranking.html", rows=services.ranking(quarter, by=g.member), quarter=quarter,
                           quarters=quarters_before(this_quarter(), 6), weights=settings()["ranking_weights"], parts=services.PARTS)


@bp.route("/ranking.xlsx")
@gate.permission("stations.ledger")
def ranking_file():
    quarter = _quarter()
    data = sheet_file("站点排名", services.HEADERS, services.ranking_rows(quarter, by=g.member))
    return send_file(io.BytesIO(data), download_name=f"ranking-{quarter}.xlsx", mimetype=XLSX, as_attachment=True)
