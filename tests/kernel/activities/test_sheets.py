"""Excel: an import with bad rows writes nothing until confirmed and reports each bad row;
exports have Chinese headers, mask numbers unless a reason is given, and large ones run
as a job with progress."""
import io
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from yinghuo.people.idnumbers import with_check_digit
from yinghuo.sheets import services as sheets
from yinghuo.testing import CHINA

BASE = "/t/county/api/v1"
GOOD_ID = with_check_digit("15010219900101123")
OTHER_ID = with_check_digit("15010219850505432")
BAD_ID = GOOD_ID[:-1] + ("1" if GOOD_ID[-1] == "0" else "0")


def _xlsx(rows, header=("姓名", "手机号", "身份证号", "所属组织")) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _upload(client, headers, data, name="成员.xlsx"):
    return client.post(f"{BASE}/members/imports", data={"file": (io.BytesIO(data), name)},
                       headers=headers, content_type="multipart/form-data")


def _member_names(client, county):
    return {m["name"] for m in client.get(f"{BASE}/members?per_page=200", headers=county["admin"]).get_json()}


@pytest.fixture
def town(client, county):
    return client.post(f"{BASE}/units", json={"name": "城关镇", "type": "town"}, headers=county["admin"]).get_json()


def test_import_reports_each_bad_row_and_writes_nothing_until_confirmed(client, county, town):
    data = _xlsx([
        ("张三", "13800000001", GOOD_ID, "城关镇"),
        ("李四", "12345", OTHER_ID, "城关镇"),        # bad phone
        ("王五", "13800000003", BAD_ID, ""),          # bad check digit
        ("", "13800000004", "", ""),                  # no name
        ("赵六", "13800000001", "", ""),              # same phone as row 2
        ("钱七", 13800000006, "", "不存在的镇"),       # phone typed as a number is fine; unknown unit
        ("孙八", "", "", ""),
    ])
    r = _upload(client, county["admin"], data)
    assert r.status_code == 201, r.get_json()
    report = r.get_json()
    assert (report["total_rows"], report["good_rows"], report["bad_rows"]) == (7, 2, 5)
    assert {(e["row"], e["field"]) for e in report["errors"]} == {
        (3, "phone"), (4, "id_number"), (5, "name"), (6, "phone"), (7, "unit")}
    assert "check digit" in next(e["reason"] for e in report["errors"] if e["row"] == 4)
    assert "张三" not in _member_names(client, county)  # nothing written yet
    done = client.post(f"{BASE}/members/imports/{report['id']}/confirm", headers=county["admin"])
    assert done.status_code == 200 and done.get_json()["applied_count"] == 2
    assert {"张三", "孙八"} <= _member_names(client, county) and "李四" not in _member_names(client, county)
    again = client.post(f"{BASE}/members/imports/{report['id']}/confirm", headers=county["admin"])
    assert again.status_code == 409


def test_row_that_turned_bad_before_confirmation_is_reported_not_written(client, county):
    report = _upload(client, county["admin"], _xlsx([("张三", "13800000001", GOOD_ID, "")])).get_json()
    # meanwhile the same person registers themself
    client.post(f"{BASE}/members", json={"name": "张三", "password": "Volunt33r!", "phone": "13800000001",
                                         "id_number": GOOD_ID, "consent": True})
    done = client.post(f"{BASE}/members/imports/{report['id']}/confirm", headers=county["admin"]).get_json()
    assert done["applied_count"] == 0 and [e["late"] for e in done["errors"]] == [True, True]


def test_not_an_excel_file_is_422(client, county):
    r = _upload(client, county["admin"], b"name,phone\n", "members.csv")
    assert r.status_code == 422 and "file" in r.get_json()["error"]["fields"]
    r = _upload(client, county["admin"], _xlsx([("x",)], header=("随便",)))
    assert r.status_code == 422


def test_only_admins_import(client, county):
    assert _upload(client, county["leader"], _xlsx([("张三", "", "", "")])).status_code == 403


def _export(client, county, **body):
    r = client.post(f"{BASE}/exports", json=body, headers=county["admin"])
    assert r.status_code == 202, r.get_json()
    job = r.get_json()
    f = client.get(job["file_path"], headers=county["admin"])
    return load_workbook(io.BytesIO(f.data)).worksheets[0]


def test_member_export_has_chinese_headers_and_masks_numbers(client, county, make_member):
    make_member("county", "id@county.test", name="周九", phone="13911112222", id_number=GOOD_ID)
    sheet = _export(client, county, kind="members")
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "姓名", "手机号", "身份证号")
    zhou = next(r for r in rows if r[1] == "周九")
    assert zhou[2] == "139****2222" and zhou[3] == GOOD_ID[:4] + "*" * 10 + GOOD_ID[-4:]


def test_full_numbers_need_a_reason(client, county, make_member):
    make_member("county", "id@county.test", name="周九", phone="13911112222", id_number=GOOD_ID)
    r = client.post(f"{BASE}/exports", json={"kind": "members", "reveal": True}, headers=county["admin"])
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["fields"]
    sheet = _export(client, county, kind="members", reveal=True, reason="报送团委备案")
    zhou = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "周九")
    assert zhou[3] == GOOD_ID


def test_hours_and_activities_exports(client, county, make_activity):
    make_activity(title="植树")
    sheet = _export(client, county, kind="activities")
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "活动名称" and rows[1][1] == "植树"
    assert list(_export(client, county, kind="hours").iter_rows(values_only=True))[0][5] == "时长（小时）"


def test_large_export_runs_as_a_job_with_progress(app, client, county, people, monkeypatch):
    monkeypatch.setattr(sheets, "INLINE_ROWS", 5)
    monkeypatch.setattr(sheets, "CHUNK", 4)
    seen = []
    original = sheets._progress_reporter

    def watching(job):
        report = original(job)

        def wrapped(status, progress):
            report(status, progress)
            # what another connection (the page polling) sees right now
            from sqlalchemy import select
            from sqlalchemy.orm import Session
            from yinghuo.db.context import tenant_scope
            from yinghuo.extensions import db
            with tenant_scope(job.tenant_id), Session(db.engine) as other:
                seen.append(other.scalar(select(sheets.ExportJob.progress).where(sheets.ExportJob.id == job.id)))
        return wrapped

    monkeypatch.setattr(sheets, "_progress_reporter", watching)
    people(12)
    job = client.post(f"{BASE}/exports", json={"kind": "members"}, headers=county["admin"]).get_json()
    assert job["status"] == "queued" and job["file_path"] is None
    # without Redis the job ran inline after the request; the status shows where it got to
    status = client.get(f"{BASE}/exports/{job['id']}", headers=county["admin"]).get_json()
    assert status["status"] == "done" and status["progress"] == 100 and status["rows"] == 15
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert seen == [0, 26, 53, 80]  # committed while the job ran: 4, 8 and 12 of 15 rows


def test_old_export_files_and_unconfirmed_imports_are_dropped_by_the_daily_job(app, client, county, make_member):
    """Exports and pending imports are copies of personal data: the kernel's daily job drops
    them after the tenant's retention (7 days by default) and keeps the records, marked
    expired; a fresh export stays, and a download or confirmation afterwards says why not."""
    from datetime import timedelta

    from sqlalchemy import select, update

    from yinghuo import jobs
    from yinghuo.audit import AuditEntry
    from yinghuo.db.context import tenant_scope
    from yinghuo.tenancy.services import get_tenant
    from yinghuo.db.base import utcnow
    from yinghuo.extensions import db
    from yinghuo.sheets.models import ExportJob, ImportBatch
    make_member("county", "id@county.test", name="周九", phone="13911112222", id_number=GOOD_ID)
    old = client.post(f"{BASE}/exports", json={"kind": "members", "reveal": True, "reason": "民政核对"},
                      headers=county["admin"]).get_json()
    fresh = client.post(f"{BASE}/exports", json={"kind": "members"}, headers=county["admin"]).get_json()
    pending = _upload(client, county["admin"], _xlsx([("张三", "13800000001", OTHER_ID, "")])).get_json()
    with app.app_context():
        with db.engine.begin() as conn:  # eight days pass for the first export and the import
            conn.execute(update(ExportJob).where(ExportJob.id == old["id"])
                         .values(finished_at=utcnow() - timedelta(days=8)))
            conn.execute(update(ImportBatch).where(ImportBatch.id == pending["id"])
                         .values(created_at=utcnow() - timedelta(days=8)))
        [job_id] = [j for j, (plugin, job) in jobs.periodic_jobs(app.extensions["yinghuo"].host).items()
                    if job.func == "yinghuo.sheets.services.purge_expired"]
        tenant_id = get_tenant("county").id
        assert tenant_id in jobs.run_periodic_inline(job_id)
        with tenant_scope(tenant_id):
            assert db.session.scalar(select(ExportJob.content).where(ExportJob.id == old["id"])) is None
            assert db.session.scalar(select(AuditEntry.after).where(AuditEntry.action == "data.expired")) == \
                {"exports": 1, "imports": 1}
        db.session.remove()
    gone = client.get(f"{BASE}/exports/{old['id']}/file", headers=county["admin"])
    assert gone.status_code == 410 and gone.get_json()["error"]["code"] == "expired"
    assert client.get(f"{BASE}/exports/{old['id']}", headers=county["admin"]).get_json()["status"] == "expired"
    assert client.get(fresh["file_path"], headers=county["admin"]).status_code == 200
    late = client.post(f"{BASE}/members/imports/{pending['id']}/confirm", headers=county["admin"])
    assert late.status_code == 410 and "张三" not in _member_names(client, county)


@pytest.mark.time_machine(datetime(2026, 12, 2, 7, 30, tzinfo=CHINA))   # 23:30 on 1 December in UTC
def test_export_cells_read_in_chinese_and_china_time(client, county, make_activity, clock):
    """Cells held tenant_admin, active, published and UTC times; they read as people do."""
    make_activity(title="晨练", starts_at=clock.iso(hour=8), ends_at=clock.iso(hour=9, minute=30))
    members = list(_export(client, county, kind="members").iter_rows(values_only=True))
    admin = next(r for r in members if r[1] == "admin")
    assert admin[5] == "管理员" and admin[6] == "正常" and admin[7] == clock.today().isoformat()
    [_, morning] = list(_export(client, county, kind="activities").iter_rows(values_only=True))
    day = clock.today().isoformat()   # the frozen morning's China date; UTC's was the day before
    assert morning[3] == "报名中" and morning[4] == f"{day} 08:00" and morning[5] == f"{day} 09:30"
