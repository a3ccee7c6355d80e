"""Pages for Excel in and out: member import (upload -> row-by-row report in Chinese ->
confirm) and exports (choose -> progress -> download)."""
from __future__ import annotations

import io

from flask import flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from .. import gate
from ..errors import Invalid
from ..extensions import db
from ..views import form_errors, pages, posted
from . import services
from .api import MAX_UPLOAD
from .models import ExportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pages.route("/admin/members/import", methods=["GET", "POST"])
@gate.permission("sheets.import")
@form_errors
def admin_import():
    if posted():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise Invalid("Choose the .xlsx file", fields={"file": ["required"]})
        data = upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise Invalid("The file is larger than 10 MB", fields={"file": ["too large"]})
        batch = services.start_import(upload.filename, data, by=g.member)
        db.session.commit()
        return redirect(url_for("pages.admin_import_report", batch_id=batch.id))
    return render_template("admin/import.html")


@pages.route("/admin/members/import/<int:batch_id>", methods=["GET", "POST"])
@gate.permission("sheets.import")
@form_errors
def admin_import_report(batch_id):
    batch = services.get_batch(batch_id)
    if posted():
        services.confirm_import(g.tenant, batch)
        db.session.commit()
        flash(_("Imported %(n)s members.", n=batch.applied_count), "ok")
        return redirect(url_for("pages.admin_import_report", batch_id=batch.id))
    rows: dict[int, list] = {}
    for e in batch.errors:
        rows.setdefault(e["row"], []).append(e)
    return render_template("admin/import_report.html", batch=batch, rows=sorted(rows.items()))


@pages.route("/admin/exports", methods=["GET", "POST"])
@gate.permission("sheets.export")
@form_errors
def admin_exports():
    if posted():
        reveal = bool(request.form.get("reveal"))
        if reveal:
            gate.demand("ids.reveal")
        kind = request.form.get("kind", "")
        if kind not in services.EXPORTS:
            raise Invalid("Choose what to export", fields={"kind": ["required"]})
        status = request.form.get("status") or None
        job = services.start_export(kind, by=g.member, reveal=reveal, reason=request.form.get("reason") or None,
                                    filters={"status": status} if status else {})
        db.session.commit()
        flash(_("Export started.") if job.status != "done" else _("Export ready."), "ok")
        return redirect(url_for("pages.admin_exports"))
    jobs = db.session.scalars(select(ExportJob).where(ExportJob.created_by == g.member.id)
                              .order_by(ExportJob.id.desc()).limit(20)).all()
    running = any(j.status in ("queued", "running") for j in jobs)
    return render_template("admin/exports.html", jobs=jobs, running=running, kinds=list(services.EXPORTS),
                           may_reveal=gate.allowed(g.member, "ids.reveal"))


@pages.route("/admin/exports/<int:export_id>.xlsx")
@gate.permission("sheets.export")
def admin_export_file(export_id):
    job = services.download(export_id, by=g.member)
    db.session.commit()
    return send_file(io.BytesIO(job.content), download_name=f"{job.kind}-{job.id}.xlsx", mimetype=XLSX,
                     as_attachment=True)
