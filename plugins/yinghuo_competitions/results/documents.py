"""The results as an .xlsx, and an award's certificate as a PDF with its verification QR."""
from __future__ import annotations

import io

from flask import render_template, request
from flask_babel import gettext as _
from yinghuo.api import current_tenant, find_one, html_to_pdf, qr_data_uri, sheet_file, tenant_zone

from ..contests.models import Competition
from ..entries.models import Entry
from . import services


def results_sheet(competition) -> io.BytesIO:
    rows = [(_("category:" + r.category), r.rank, e.title, e.team_name, r.judge_score, r.votes, r.vote_score, r.final,
             _("award:" + r.award) if r.award else "", f"/verify/{r.code}" if r.code else "")
            for r, e in services.results(competition.id)]
    return io.BytesIO(sheet_file(competition.name, [_("Category"), _("Rank"), _("Project"), _("Team"),
                                                    _("Judges' score"), _("Votes"), _("Vote score"), _("Final score"),
                                                    _("Award"), _("Verification")], rows))


def certificate_pdf(result) -> io.BytesIO:
    entry = find_one(Entry, id=result.entry_id)
    competition = find_one(Competition, id=result.competition_id)
    link = request.host_url.rstrip("/") + f"/verify/{result.code}"
    html = render_template("competitions/certificate.html", c=competition, e=entry, r=result,
                           tenant=current_tenant(), qr=qr_data_uri(link), link=link,
                           issued=result.created_at.astimezone(tenant_zone()))
    return io.BytesIO(html_to_pdf(html))
