"""Villages and their archives: everything accepted for a village in time order, with the
squads and secretaries who served there; exported as one PDF and a .zip by a job."""
from __future__ import annotations

import base64
import io
import zipfile
from datetime import date

from flask import current_app, render_template
from sqlalchemy import select
from yinghuo.api import (
    Conflict,
    Invalid,
    NotFound,
    audit,
    current_tenant,
    db,
    enqueue,
    ensure_unit,
    get_unit,
    html_to_pdf,
    local_today,
    member_names,
    record_progress,
    units_of_type,
    utcnow,
)

from ..downloads import Download
from ..reports import attachments
from ..reports.deadlines import period_end
from ..reports.models import Report
from ..reports.services import KIND_NAMES, KINDS
from ..squads.models import Pairing, Secretary, Squad
from .models import ArchiveExport

KIND_ORDER = {kind: n for n, kind in enumerate(KINDS)}


def create_village(*, name: str, township: str, county: str):
    """A village in the org tree under its county and township (found or created)."""
    missing = {k: ["required"] for k, v in (("name", name), ("township", township), ("county", county))
               if not (v or "").strip()}
    if missing:
        raise Invalid("A village needs its name, township and county", fields=missing)
    county_unit = ensure_unit(county, "county")
    town = ensure_unit(township, "township", county_unit.id)
    village = ensure_unit(name, "village", town.id)
    audit("teams.village", "unit", village.id, after={"name": name, "township": township, "county": county})
    return village


def village_view(unit) -> dict:
    """A village unit with its township and county (its ancestors in the org tree)."""
    ancestors = [int(i) for i in unit.path.strip("/").split("/")[:-1]]
    names = [get_unit(i) for i in ancestors]
    by_type = {u.type: u.name for u in names}
    return {"id": unit.id, "name": unit.name, "township": by_type.get("township", names[-1].name if names else ""),
            "county": by_type.get("county", names[0].name if len(names) > 1 else "")}


def villages() -> list[dict]:
    """Villages that have (or had) a squad, and village units without one yet."""
    paired = set(db.session.scalars(select(Pairing.village_id).distinct()))
    ids = paired | {u.id for u in units_of_type("village")}
    rows = [village_view(get_unit(i)) for i in ids]
    current = {p.village_id: p for p in db.session.scalars(select(Pairing).where(Pairing.ends_on.is_(None)))}
    squads = {s.id: s.name for s in db.session.scalars(select(Squad))}
    for row in rows:
        p = current.get(row["id"])
        row["squad"] = squads.get(p.squad_id) if p else None
    return sorted(rows, key=lambda r: (r["county"], r["township"], r["name"]))


def _covers(pairing: Pairing, day: date) -> bool:
    return pairing.starts_on <= day and (pairing.ends_on is None or day < pairing.ends_on)


def village_of(report, pairings: list[Pairing]) -> int | None:
    """The village a report belongs to: the one its squad was paired with when its period
    began, else the first pairing that began during the period (a September brief of a squad
    paired on 10 September belongs to that village)."""
    own = [p for p in pairings if p.squad_id == report.squad_id]
    for pairing in own:
        if _covers(pairing, report.period_start):
            return pairing.village_id
    last = period_end(report.kind, report.period_start)
    starting = sorted((p for p in own if report.period_start <= p.starts_on <= last), key=lambda p: p.starts_on)
    return starting[0].village_id if starting else None


def contents(village_id: int) -> dict:
    """The archive: the village, who served there, and its accepted reports in time order
    (see :func:`village_of` for which village a report belongs to)."""
    village = village_view(get_unit(village_id))
    pairings = list(db.session.scalars(select(Pairing).where(Pairing.village_id == village_id)
                                       .order_by(Pairing.starts_on, Pairing.id)))
    squads = {s.id: s for s in db.session.scalars(select(Squad).where(
        Squad.id.in_({p.squad_id for p in pairings} or {-1})))}
    secretaries = {s.id: s for s in db.session.scalars(select(Secretary).where(
        Secretary.id.in_({p.secretary_id for p in pairings} or {-1})))}
    found = []
    if pairings:
        squad_pairings = list(db.session.scalars(select(Pairing).where(Pairing.squad_id.in_(squads))))
        candidates = db.session.scalars(select(Report).where(
            Report.squad_id.in_(squads), Report.status == "accepted"))
        found = [r for r in candidates if village_of(r, squad_pairings) == village_id]
    found.sort(key=lambda r: (r.period_start, KIND_ORDER.get(r.kind, 9), r.id))
    authors = member_names({r.author_id for r in found})
    files = attachments.of_reports(r.id for r in found)
    return {
        "village": village,
        "served": [{"squad": squads[p.squad_id].name, "secretary": secretaries[p.secretary_id].name,
                    "post": secretaries[p.secretary_id].post, "starts_on": p.starts_on, "ends_on": p.ends_on}
                   for p in pairings],
        "reports": [{"id": r.id, "kind": r.kind, "kind_name": KIND_NAMES.get(r.kind, r.kind),
                     "period_start": r.period_start, "title": r.title, "sections": r.sections or {},
                     "squad": squads[r.squad_id].name, "author": authors.get(r.author_id, ""),
                     "accepted_at": r.accepted_at, "files": files.get(r.id, [])} for r in found],
    }


def start_export(village_id: int, *, by) -> ArchiveExport:
    get_unit(village_id)
    export = ArchiveExport(village_id=village_id, created_by=by.id)
    db.session.add(export)
    db.session.flush()
    audit("teams.archive.export", "unit", village_id, after={"export": export.id})
    enqueue("yinghuo_teams.archive.services.export_job", tenant_id=export.tenant_id, job_id=f"teams-archive-{export.id}",
            export_id=export.id)
    return export


def get_export(export_id: int) -> ArchiveExport:
    export = db.session.scalar(select(ArchiveExport).where(ArchiveExport.id == export_id))
    if export is None:
        raise NotFound("no such export")
    return export


def download(export_id: int, kind: str) -> Download:
    """The finished archive as one PDF (``kind`` pdf) or the .zip of its documents."""
    export = get_export(export_id)
    if export.status != "done":
        raise Conflict(f"the export is {export.status}", code="not_ready")
    name = f"archive-{export.village_id}-{export.id}.{kind}"
    return Download(export.pdf, "application/pdf", name) if kind == "pdf" else \
        Download(export.zip, "application/zip", name)


def export_job(tenant_id: int, export_id: int) -> str:
    """Job: make the archive PDF and .zip, committing progress as it goes (safe to run twice)."""
    export = db.session.get(ArchiveExport, (tenant_id, export_id))
    if export is None or export.status == "done":
        return "skipped"
    try:
        build(export)
    except Exception as exc:  # kept on the row for the page to show, and logged
        current_app.logger.exception("archive export %s failed", export_id)
        db.session.rollback()
        export = db.session.get(ArchiveExport, (tenant_id, export_id))
        export.status, export.error = "failed", f"{type(exc).__name__}: {exc}"[:500]
    return export.status


def build(export: ArchiveExport) -> None:
    record_progress(export, status="running", progress=1)
    archive = contents(export.village_id)
    village = archive["village"]
    total = len(archive["reports"]) or 1
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, report in enumerate(archive["reports"], start=1):
            folder = f"{n:03d}_{report['period_start']}_{report['kind_name']}_{report['squad']}"
            text = [report["title"], f"{report['kind_name']} · {report['period_start']} · {report['squad']}", ""]
            for section, body in report["sections"].items():
                text += [f"【{section}】", body, ""]
            zf.writestr(f"{folder}/正文.txt", "\n".join(text))
            for f in report["files"]:
                zf.writestr(f"{folder}/{f.filename}", f.content)
            if n % 5 == 0:
                record_progress(export, progress=min(80, 1 + n * 79 // total))
        record_progress(export, progress=80)
        pdf = render_pdf(archive)
        zf.writestr(f"{village['name']}乡村振兴工作档案.pdf", pdf)
    export.pdf, export.zip, export.reports = pdf, buf.getvalue(), len(archive["reports"])
    export.status, export.progress, export.finished_at = "done", 100, utcnow()
    db.session.flush()


def render_pdf(archive: dict) -> bytes:
    """One PDF: cover, who served, then every accepted report with its photos."""
    images = {}
    for report in archive["reports"]:
        for f in report["files"]:
            if f.content_type in ("image/jpeg", "image/png"):
                images[f.id] = f"data:{f.content_type};base64,{base64.b64encode(f.content).decode()}"
    html = render_template("teams/archive_pdf.html", archive=archive, images=images, tenant=current_tenant(),
                           today=local_today())
    return html_to_pdf(html)
