"""Monthly reports on a page, with the per-person sheet as .xlsx."""
from __future__ import annotations

import io

from flask import render_template, request, send_file
from yinghuo.api import gate, sheet_file

from ..blueprints import pages as bp
from . import services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/reports")
@gate.permission("points.view")
def reports():
    month = request.args.get("month") or services.this_month()
    return render_template("points/reports.html", r=services.report(month), months=services.months())


@bp.route("/reports.xlsx")
@gate.permission("points.view")
def reports_file():
    month = request.args.get("month") or services.this_month()
    data = sheet_file(f"积分月报 {month}", services.HEADERS, services.people_rows(month))
    return send_file(io.BytesIO(data), download_name=f"points-{month}.xlsx", mimetype=XLSX, as_attachment=True)
