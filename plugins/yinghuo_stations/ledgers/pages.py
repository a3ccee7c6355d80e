"""Ledgers on pages: the month's compliance report, a station's month, one activity's entry."""
from __future__ import annotations

import io

from flask import Response, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from yinghuo.api import MAX_PHOTO, db, form_errors, gate, get_unit, posted, sheet_file

from ..blueprints import pages as bp
from ..periods import last_month, month_bounds, months_before, this_month
from . import services
from .api import XLSX


def _month(default=last_month) -> str:
    month = request.args.get("month") or default()
    month_bounds(month)
    return month


@bp.route("/ledger")
@gate.permission("stations.ledger")
def ledger():
    """The compliance report: stations under the month's minimum and those with incomplete records first."""
    month = _month()
    rows = sorted(services.report(month, by=g.member),
                  key=lambda r: (not (r["under_minimum"] or r["incomplete"]), r["station"].name))
    from ..settings import settings
    return render_template("stations/ledger.html", rows=rows, month=month, months=months_before(this_month(), 12),
                           minimum=settings()["ledger_min_activities"])


@bp.route("/ledger.xlsx")
@gate.permission("stations.ledger")
def ledger_file():
    month = _month()
    data = sheet_file("台账达标", services.HEADERS, services.report_rows(month, by=g.member))
    return send_file(io.BytesIO(data), download_name=f"ledger-{month}.xlsx", mimetype=XLSX, as_attachment=True)


@bp.route("/ledger/stations/<int:unit_id>")
@gate.permission("stations.ledger")
def station_ledger(unit_id):
    month = _month(this_month)
    return render_template("stations/station_ledger.html", station=get_unit(unit_id), month=month,
                           lines=services.station_month(unit_id, month, by=g.member))


@bp.route("/ledger/activities/<int:activity_id>", methods=["GET", "POST"])
@gate.permission("stations.ledger")
@form_errors
def entry(activity_id):
    """One activity's ledger entry: record, photos, evaluation, feedback."""
    activity, station = services.ledger_activity(activity_id, g.member)
    if posted():
        services.save_entry(activity_id, request.form.to_dict(), by=g.member)
        for upload in request.files.getlist("photos"):
            if upload and upload.filename:
                services.add_photo(activity_id, upload.read(MAX_PHOTO + 1), by=g.member)
        db.session.commit()
        flash(_("Saved."), "ok")
        return redirect(url_for(".entry", activity_id=activity_id))
    found = services.get_entry(activity_id)
    photos = services.photos_of(found)
    return render_template("stations/ledger_entry.html", a=activity, e=found, photos=photos,
                           station=get_unit(station), missing=services.missing(found, len(photos)))


@bp.route("/ledger/photos/<int:photo_id>")
@gate.permission("stations.ledger")
def ledger_photo(photo_id):
    photo = services.get_photo(photo_id, by=g.member)
    return Response(photo.content, mimetype=photo.mimetype, headers={"Cache-Control": "private, max-age=3600"})
