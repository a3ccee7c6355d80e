"""Excel in and out.

Import: every row of an uploaded member sheet is checked and each bad row reported with
its reason; nothing is written until an admin confirms, and then only the good rows.
Export: members, activities and hour records as .xlsx with Chinese headers; more than
:data:`INLINE_ROWS` rows run as a job that reports its progress.
"""
from __future__ import annotations

import io
import json
from datetime import timedelta

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, update

from .. import audit
from ..activities.models import Activity
from ..db.base import utcnow
from ..db.context import current_tenant_id
from ..errors import Conflict, Gone, Invalid, NotFound
from ..extensions import db
from ..gate import allowed
from ..hours.models import HourRecord
from ..hours.rounding import hours
from ..jobs import enqueue, record_progress
from ..people import crypto
from ..people.idnumbers import normalise_id
from ..people.masking import mask_id_number, mask_phone
from ..people.models import Member
from ..people.services import add_member, check_identity, id_number, load_roles
from ..tenancy.models import Tenant
from ..units.models import Unit
from ..units.services import admin_roots, units_under
from .models import ExportJob, ImportBatch

MAX_IMPORT_ROWS = 20_000
INLINE_ROWS = 2_000
CHUNK = 500
#: accepted headers (Chinese first) -> field
IMPORT_HEADERS = {"姓名": "name", "name": "name", "手机号": "phone", "手机": "phone", "phone": "phone",
                  "身份证号": "id_number", "身份证号码": "id_number", "id_number": "id_number",
                  "所属组织": "unit", "单位": "unit", "unit": "unit"}


# --- import ----------------------------------------------------------------------------

def read_sheet(data: bytes) -> list[dict]:
    """Rows of the first sheet as dicts keyed by field; the first row holds the headers."""
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:
        raise Invalid("The file is not an Excel .xlsx workbook", fields={"file": ["not an .xlsx file"]})
    rows = sheet.iter_rows(values_only=True)
    header = [IMPORT_HEADERS.get(str(h or "").strip().lower()) or IMPORT_HEADERS.get(str(h or "").strip())
              for h in next(rows, [])]
    if "name" not in header:
        raise Invalid("The first row must hold the headers 姓名, 手机号, 身份证号, 所属组织",
                      fields={"file": ["missing the 姓名 column"]})
    result = []
    for values in rows:
        if values is None or all(v in (None, "") for v in values):
            continue
        result.append({f: _cell(v) for f, v in zip(header, values) if f})
        if len(result) > MAX_IMPORT_ROWS:
            raise Invalid(f"At most {MAX_IMPORT_ROWS} rows per file", fields={"file": ["too many rows"]})
    return result


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # phones typed as numbers
    return str(value).strip()


def _units_by_name() -> dict[str, list[Unit]]:
    found: dict[str, list[Unit]] = {}
    for unit in db.session.scalars(select(Unit)):
        found.setdefault(unit.name, []).append(unit)
    return found


def check_rows(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """(good rows, errors): each error names the sheet row, the field and the reason."""
    units, tid = _units_by_name(), current_tenant_id()
    existing_ids = set(db.session.scalars(select(Member.id_number_hash).where(Member.id_number_hash.is_not(None))))
    existing_phones = set(db.session.scalars(select(Member.phone).where(Member.phone.is_not(None))))
    seen_ids, seen_phones, good, errors = {}, {}, [], []
    for position, row in enumerate(rows, start=2):  # row 1 is the header
        index = row.get("_row", position)
        problems = {k: v[0] for k, v in check_identity({**row, "id_type": "resident_id"}).items()}
        number = normalise_id(row.get("id_number", ""))
        if number and "id_number" not in problems:
            digest = crypto.keyed_hash(number, tenant_id=tid)
            if digest in existing_ids:
                problems["id_number"] = "already registered in this tenant"
            elif digest in seen_ids:
                problems["id_number"] = f"same as row {seen_ids[digest]}"
            seen_ids.setdefault(digest, index)
        phone = row.get("phone")
        if phone and "phone" not in problems:
            if phone in existing_phones:
                problems["phone"] = "already registered in this tenant"
            elif phone in seen_phones:
                problems["phone"] = f"same as row {seen_phones[phone]}"
            seen_phones.setdefault(phone, index)
        unit_id = None
        if row.get("unit"):
            matches = units.get(row["unit"], [])
            if len(matches) != 1:
                problems["unit"] = "no such unit" if not matches else "several units have this name"
            else:
                unit_id = matches[0].id
        if problems:
            errors += [{"row": index, "field": f, "reason": r} for f, r in problems.items()]
        else:
            good.append({"row": index, "name": row["name"], "phone": phone or None,
                         "id_number": number or None, "unit_id": unit_id})
    return good, errors


def start_import(filename: str, data: bytes, *, by) -> ImportBatch:
    """Check an uploaded sheet; keep the good rows (encrypted) for confirmation."""
    good, errors = check_rows(read_sheet(data))
    batch = ImportBatch(tenant_id=current_tenant_id(), filename=filename[:200], total_rows=len(good) + len(
        {e["row"] for e in errors}), good_rows=len(good), errors=errors, created_by=by.id,
        payload_enc=crypto.encrypt(json.dumps(good, ensure_ascii=False), context=f"import:{current_tenant_id()}"))
    db.session.add(batch)
    db.session.flush()
    audit.record("members.import.check", "import", batch.id, after={"file": filename, "good": len(good),
                                                                    "bad_rows": len({e["row"] for e in errors})})
    return batch


def get_batch(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, (current_tenant_id(), batch_id))
    if batch is None:
        raise NotFound("no such import")
    return batch


def confirm_import(tenant, batch: ImportBatch) -> ImportBatch:
    """Write the good rows as members. Each is checked again first: a row that turned bad
    since (someone registered the same number meanwhile) is reported, not written.
    Confirming twice is refused."""
    if batch.status == "expired":
        raise Gone("This import waited too long for confirmation and was removed; upload the file again")
    if batch.status != "validated":
        raise Conflict("this import was already applied", code="already_applied")
    kept = json.loads(crypto.decrypt(batch.payload_enc, context=f"import:{batch.tenant_id}"))
    still_good, late = check_rows([{"_row": r["row"], "name": r["name"], "phone": r["phone"] or "",
                                    "id_number": r["id_number"] or "", "unit": _unit_name(r["unit_id"])}
                                   for r in kept])
    for row in still_good:
        add_member(tenant, {"name": row["name"], "phone": row["phone"], "id_number": row["id_number"],
                            "id_type": "resident_id" if row["id_number"] else None, "unit_id": row["unit_id"],
                            "roles": ["volunteer"]}, audit_action="member.import")
    batch.status, batch.applied_at, batch.applied_count = "applied", utcnow(), len(still_good)
    batch.errors = batch.errors + [{**e, "late": True} for e in late]
    batch.payload_enc = ""  # the numbers now live (encrypted) in the members table only
    db.session.flush()
    audit.record("members.import.apply", "import", batch.id, after={"written": len(still_good)})
    return batch


def _unit_name(unit_id) -> str:
    if unit_id is None:
        return ""
    unit = db.session.get(Unit, (current_tenant_id(), unit_id))
    return unit.name if unit else ""


# --- export ----------------------------------------------------------------------------

def _members(job: ExportJob):
    """The members an export may hold: a unit admin's only those in their subtrees."""
    stmt = select(Member.id)
    if "unit_roots" in job.filters:
        stmt = stmt.where(Member.unit_id.in_(units_under(job.filters["unit_roots"])))
    return stmt


def _chinese(*codes: str) -> dict[str, str]:
    """The Chinese names of codes (roles, states, evidence) for a sheet's cells: the sheets
    have Chinese headers, and a cell reads 管理员 or 正常, never tenant_admin or active."""
    from flask_babel import force_locale, gettext
    with force_locale("zh_Hans_CN"):
        return {code: gettext(code) for code in codes}


def _local(moment) -> str:
    from ..times import tenant_zone
    return moment.astimezone(tenant_zone()).strftime("%Y-%m-%d %H:%M") if moment else ""


def _member_rows(job: ExportJob):
    from ..people.models import ROLES
    names = _chinese(*ROLES, "active", "inactive", "left")
    units = dict(db.session.execute(select(Unit.id, Unit.name)).all())
    stmt = select(Member).where(Member.id.in_(_members(job))).order_by(Member.id)
    for chunk in db.session.scalars(stmt.execution_options(yield_per=CHUNK)).partitions():
        yield from _member_chunk(job, load_roles(chunk), names, units)


def _member_chunk(job: ExportJob, members, names: dict, units: dict):
    for m in members:
        number = id_number(m)
        yield [m.id, m.name, m.phone if job.reveal else mask_phone(m.phone),
               number if job.reveal else mask_id_number(number), units.get(m.unit_id, ""),
               "、".join(names.get(r, r) for r in sorted(m.role_names)), names.get(m.status, m.status),
               _local(m.joined_at)[:10]]


def _activity_rows(job: ExportJob):
    from ..activities.models import STATUSES
    names = _chinese(*STATUSES)
    for a in db.session.scalars(select(Activity).order_by(Activity.starts_at).execution_options(yield_per=CHUNK)):
        yield [a.id, a.title, a.category, names.get(a.status, a.status), _local(a.starts_at),
               _local(a.ends_at), a.address, a.capacity, a.confirmed_count]


def _hour_rows(job: ExportJob):
    from ..hours.models import EVIDENCE, STATUSES
    codes = _chinese(*EVIDENCE, *STATUSES)
    names = dict(db.session.execute(select(Member.id, Member.name)).all())
    stmt = select(HourRecord).where(HourRecord.member_id.in_(_members(job)))
    stmt = stmt.order_by(HourRecord.served_on, HourRecord.id)
    if job.filters.get("status"):
        stmt = stmt.where(HourRecord.status == job.filters["status"])
    for r in db.session.scalars(stmt.execution_options(yield_per=CHUNK)):
        yield [r.id, names.get(r.member_id, ""), r.served_on.isoformat(), r.content, r.place,
               hours(r.minutes), codes.get(r.evidence, r.evidence), codes.get(r.status, r.status), r.note]


#: kind -> (Chinese headers, model counted, row generator)
EXPORTS = {
    "members": (["编号", "姓名", "手机号", "身份证号", "所属组织", "角色", "状态", "加入日期"], Member, _member_rows),
    "activities": (["编号", "活动名称", "类别", "状态", "开始时间", "结束时间", "地点", "名额", "已报名"],
                   Activity, _activity_rows),
    "hours": (["编号", "姓名", "服务日期", "服务内容", "地点", "时长（小时）", "依据", "状态", "备注"],
              HourRecord, _hour_rows),
}


def start_export(kind: str, *, by, reveal: bool = False, reason: str | None = None,
                 filters: dict | None = None) -> ExportJob:
    """Queue an export (runs inline at once when small). Full numbers need a reason (audited)."""
    if kind not in EXPORTS:
        raise Invalid("unknown export", fields={"kind": [f"one of {', '.join(EXPORTS)}"]})
    if reveal and not (reason or "").strip():
        raise Invalid("A reason is required to export full ID numbers and phones", fields={"reason": ["required"]})
    filters = dict(filters or {})
    roots = admin_roots(by)
    if roots is not None:  # a unit admin: their own subtrees only
        filters["unit_roots"] = roots
    job = ExportJob(tenant_id=current_tenant_id(), kind=kind, reveal=reveal and kind == "members",
                    filters=filters, created_by=by.id)
    db.session.add(job)
    db.session.flush()
    audit.record("export.start", "export", job.id, after={"kind": kind, "reveal": job.reveal},
                 reason=reason if reveal else None)
    total = db.session.scalar(select(func.count()).select_from(EXPORTS[kind][1]))  # an upper bound
    if total <= INLINE_ROWS:
        build_export(job)
    else:
        enqueue("yinghuo.sheets.services.export_job", tenant_id=job.tenant_id, job_id=f"export-{job.id}",
                export_id=job.id)
    return job


def export_job(tenant_id: int, export_id: int) -> str:
    """Job: build a large export, committing its progress as it goes (safe to run twice)."""
    job = db.session.get(ExportJob, (tenant_id, export_id))
    if job is None or job.status == "done":
        return "skipped"
    build_export(job, commit_progress=True)
    return job.status


def build_export(job: ExportJob, *, commit_progress: bool = False) -> None:
    """Write the workbook. With ``commit_progress`` the progress is committed as it goes in
    a side transaction (the rows stream through a server-side cursor in the main one, or in
    the read replica's when one is set; the file is written on the primary)."""
    from ..db.replica import reads
    headers, model, rows = EXPORTS[job.kind]
    report = _progress_reporter(job) if commit_progress else (lambda status, progress: None)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title={"members": "成员", "activities": "活动", "hours": "服务时长"}[job.kind])
    sheet.append(headers)
    count = 0
    with reads():
        total = max(1, db.session.scalar(select(func.count()).select_from(model)))
        report("running", 0)
        for row in rows(job):
            sheet.append(cells(sheet, row))
            count += 1
            if count % CHUNK == 0:
                report("running", min(99, count * 100 // total))
    buf = io.BytesIO()
    book.save(buf)
    job.content, job.rows, job.status, job.progress, job.finished_at = buf.getvalue(), count, "done", 100, utcnow()
    db.session.flush()


def cells(sheet, row) -> list:
    """A row as it may go into a sheet: text without the control characters Excel cannot hold
    (a name typed with one made every export fail), and text starting with "=" kept as text,
    never run as a formula."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    out = []
    for value in row:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith("="):
                value = WriteOnlyCell(sheet, value=value)
                value.data_type = "s"
        out.append(value)
    return out


def _progress_reporter(job: ExportJob):
    """Commit (status, progress) for the page to poll, in its own short transaction."""
    return lambda status, progress: record_progress(job, status=status, progress=progress)


def get_export(export_id: int, *, by) -> ExportJob:
    """An export, for the person who made it or one who may see others' (a tenant admin): a
    unit admin cannot fetch a tenant admin's export with full numbers by guessing its id."""
    job = db.session.get(ExportJob, (current_tenant_id(), export_id))
    if job is None or (job.created_by != by.id and not allowed(by, "sheets.others")):
        raise NotFound("no such export")
    return job


def download(export_id: int, *, by) -> ExportJob:
    """An export's finished file, for its maker or a tenant admin; every download is audited
    (it is a copy of personal data leaving the platform)."""
    job = get_export(export_id, by=by)
    if job.status == "expired":
        raise Gone("This export's file has been removed after its retention period; make a new export")
    if job.status != "done":
        raise Conflict("the export is %(status)s (%(progress)s%%)", code="not_ready",
                       params={"status": job.status, "progress": job.progress})
    audit.record("export.download", "export", job.id, after={"kind": job.kind, "reveal": job.reveal})
    return job


# --- retention -----------------------------------------------------------------------

#: days a finished export's file and an unconfirmed import's rows are kept (tenant setting
#: ``export_retention_days``): both are copies of personal data that lives in the members
#: table anyway, and an export may hold full ID numbers
RETENTION_DAYS = 7


def purge_expired(tenant_id: int) -> dict:
    """Daily job, in the tenant's scope (the kernel's scoping limits the updates to it): drop
    the files of exports finished longer ago than the retention and the rows of imports left
    unconfirmed as long. Their records stay (who exported or imported what, when), marked
    ``expired``; one audit entry says how many."""
    tenant = db.session.get(Tenant, tenant_id)
    cutoff = utcnow() - timedelta(days=int(tenant.setting("export_retention_days", RETENTION_DAYS)))
    exports = db.session.execute(
        update(ExportJob).where(ExportJob.status.in_(("done", "failed")), ExportJob.finished_at < cutoff)
        .values(content=None, status="expired").execution_options(synchronize_session=False)).rowcount
    imports = db.session.execute(
        update(ImportBatch).where(ImportBatch.status == "validated", ImportBatch.created_at < cutoff)
        .values(payload_enc="", status="expired").execution_options(synchronize_session=False)).rowcount
    if exports or imports:
        audit.record("data.expired", "tenant", tenant_id, after={"exports": exports, "imports": imports})
    return {"exports": exports, "imports": imports}
