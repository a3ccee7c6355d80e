"""Attachments (size and type checked by content), villages in the org tree, and the village
archive: the right reports in time order, exported as a PDF and a .zip by a job."""
import io
import shutil
import subprocess
import zipfile
from datetime import datetime

import pytest
from yinghuo.testing import CHINA

from .conftest import BASE, report

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


#: the calendar (weeks, periods, deadlines) is this module's subject: its dates are read
#: under a frozen clock, a Wednesday in the week of 2026-11-23
pytestmark = pytest.mark.time_machine(datetime(2026, 11, 25, 10, tzinfo=CHINA))


def _draft(client, project, squad="a", period="2026-11-23"):
    r = client.post(f"{BASE}/squads/{project['squads'][squad]}/reports", headers=project[f"lead_{squad}"],
                    json={"kind": "weekly", "period_start": period, "title": "第48周", "sections": {}})
    return r.get_json()["id"]


def _upload(client, rid, name, data, headers):
    return client.post(f"{BASE}/reports/{rid}/attachments", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name)})


def test_attachments_are_checked_by_size_and_content(client, project):
    rid = _draft(client, project)
    lead = project["lead_a"]
    ok = _upload(client, rid, "走访.png", PNG, lead)
    assert ok.status_code == 201, ok.get_json()
    [att] = ok.get_json()["attachments"]
    assert (att["filename"], att["content_type"], att["size"]) == ("走访.png", "image/png", len(PNG))
    assert _upload(client, rid, "说明.pdf", PDF, lead).status_code == 201

    exe = _upload(client, rid, "photo.jpg", b"MZ\x90\x00" + b"\x00" * 100, lead)
    assert exe.status_code == 422 and "file" in exe.get_json()["error"]["fields"]
    renamed = _upload(client, rid, "report.pdf", PNG, lead)
    assert renamed.status_code == 422 and "png" in renamed.get_json()["error"]["fields"]["file"][0]
    assert _upload(client, rid, "empty.png", b"", lead).status_code == 422
    assert _upload(client, rid, "x.png", PNG, project["lead_b"]).status_code == 403  # not their squad

    got = client.get(f"{BASE}/attachments/{att['id']}", headers=project["mate_a"])
    assert got.status_code == 200 and got.data == PNG and got.mimetype == "image/png"

    client.post(f"{BASE}/reports/{rid}/submit", json={}, headers=lead)
    assert _upload(client, rid, "late.png", PNG, lead).status_code == 409  # submitted: no more changes
    assert client.delete(f"{BASE}/attachments/{att['id']}", headers=lead).status_code == 409


def test_size_limit_is_a_tenant_setting(client, project, operator):
    r = client.patch("/api/v1/tenants/uni", json={"settings": {"unit_types": ["school", "group", "squad", "county",
                                                                              "township", "village"],
                                                               "teams": {"attachment_max_mb": 1}}},
                     headers=operator)
    assert r.status_code == 200, r.get_json()
    rid = _draft(client, project)
    big = _upload(client, rid, "big.png", PNG + b"\x00" * (1024 * 1024), project["lead_a"])
    assert big.status_code == 422 and "1 MB" in big.get_json()["error"]["message"]
    assert _upload(client, rid, "small.png", PNG, project["lead_a"]).status_code == 201


def test_villages_live_in_the_org_tree(client, project):
    rows = client.get(f"{BASE}/villages", headers=project["mate_a"]).get_json()
    assert {(v["name"], v["township"], v["county"]) for v in rows} == {
        ("乌兰村", "乌兰花镇", "四子王旗"), ("红旗村", "乌兰花镇", "四子王旗")}
    units = client.get("/t/uni/api/v1/units", headers=project["admin"]).get_json()
    names = {u["name"]: u for u in units}
    assert names["乌兰村"]["parent_id"] == names["乌兰花镇"]["id"]
    assert names["乌兰花镇"]["parent_id"] == names["四子王旗"]["id"]
    bad = client.post(f"{BASE}/villages", json={"name": "新村", "township": "", "county": "旗"},
                      headers=project["admin"])
    assert bad.status_code == 422 and "township" in bad.get_json()["error"]["fields"]
    assert client.post(f"{BASE}/villages", json={"name": "新村", "township": "镇", "county": "旗"},
                       headers=project["lead_a"]).status_code == 403


def test_village_archive_export_has_the_right_reports_in_order(client, project, tmp_path):
    post, v1, v2 = project["post"], project["villages"]["乌兰村"], project["villages"]["红旗村"]
    sec = project["secretary"]
    a, b = project["squads"]["a"], project["squads"]["b"]
    post(f"/squads/{a}/pairings", {"secretary_id": sec, "village_id": v1, "starts_on": "2026-10-01"})
    post(f"/squads/{a}/pairings", {"secretary_id": sec, "village_id": v2, "starts_on": "2026-11-01"})  # A moves on
    post(f"/squads/{b}/pairings", {"secretary_id": sec, "village_id": v1, "starts_on": "2026-11-01"})  # B takes over

    # written out of order on purpose; the archive orders by period
    report(client, project, "a", "weekly", "2026-10-12", "甲队第42周")
    report(client, project, "a", "weekly", "2026-10-05", "甲队第41周")
    report(client, project, "a", "monthly", "2026-10-01", "甲队十月简报")
    report(client, project, "a", "weekly", "2026-11-02", "甲队在红旗村第45周")       # for the other village
    report(client, project, "b", "weekly", "2026-11-02", "乙队第45周")
    report(client, project, "b", "weekly", "2026-11-09", "乙队第46周未验收", accept=False)  # not accepted
    photo = _draft(client, project, "b", "2026-11-16")
    assert _upload(client, photo, "村貌.png", PNG, project["lead_b"]).status_code == 201
    client.post(f"{BASE}/reports/{photo}/submit", json={}, headers=project["lead_b"])
    client.post(f"{BASE}/reports/{photo}/accept", json={}, headers=project["reviewer"])
    expected = ["甲队十月简报", "甲队第41周", "甲队第42周", "乙队第45周", "第48周"]

    data = client.get(f"{BASE}/villages/{v1}/archive", headers=project["mate_a"]).get_json()
    assert [r["title"] for r in data["reports"]] == expected
    assert [(s["squad"], s["starts_on"], s["ends_on"]) for s in data["served"]] == [
        ("A 小队", "2026-10-01", "2026-11-01"), ("B 小队", "2026-11-01", None)]

    assert client.post(f"{BASE}/villages/{v1}/exports", headers=project["mate_a"]).status_code == 403
    started = client.post(f"{BASE}/villages/{v1}/exports", headers=project["admin"])
    assert started.status_code == 202, started.get_json()
    export = client.get(f"{BASE}/exports/{started.get_json()['id']}", headers=project["admin"]).get_json()
    assert (export["status"], export["progress"], export["reports"]) == ("done", 100, 5)

    zipped = client.get(f"{BASE}/exports/{export['id']}/zip", headers=project["admin"])
    assert zipped.status_code == 200 and zipped.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(zipped.data)).namelist()
    folders = sorted({n.split("/")[0] for n in names if "/" in n})
    assert [f.split("_", 1)[0] for f in folders] == ["001", "002", "003", "004", "005"]
    assert folders[0].startswith("001_2026-10-01_月度简报") and folders[3].startswith("004_2026-11-02_周工作小结_B")
    assert f"{folders[4]}/村貌.png" in names
    texts = [zipfile.ZipFile(io.BytesIO(zipped.data)).read(f"{f}/正文.txt").decode() for f in folders]
    assert [t.splitlines()[0] for t in texts] == expected

    pdf = client.get(f"{BASE}/exports/{export['id']}/pdf", headers=project["admin"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read the archive PDF")
    (tmp_path / "a.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True).stdout
    body = text[text.index("目录"):]
    positions = [body.rindex(title) for title in expected]  # each report's own page, after the contents
    assert positions == sorted(positions), positions
    assert "乌兰村乡村振兴工作档案" in text and "甲队在红旗村" not in text and "未验收" not in text


def test_a_report_whose_period_began_before_the_pairing_belongs_to_that_village(client, project):
    """A squad paired with 乌兰村 on 10 September files its September brief (period from the
    1st): it is 乌兰村's, not lost between villages; a squad that moves mid-period stays with
    the village of the period's start."""
    post, v1, v2 = project["post"], project["villages"]["乌兰村"], project["villages"]["红旗村"]
    a = project["squads"]["a"]
    post(f"/squads/{a}/pairings", {"secretary_id": project["secretary"], "village_id": v1, "starts_on": "2026-09-10"})
    report(client, project, "a", "monthly", "2026-09-01", "乌兰村9月工作简报")
    post(f"/squads/{a}/pairings", {"secretary_id": project["secretary"], "village_id": v2, "starts_on": "2026-10-14"})
    report(client, project, "a", "weekly", "2026-10-12", "跨村那周")                # began in 乌兰村
    titles = lambda v: [r["title"] for r in client.get(f"{BASE}/villages/{v}/archive",
                                                       headers=project["admin"]).get_json()["reports"]]
    assert titles(v1) == ["乌兰村9月工作简报", "跨村那周"] and titles(v2) == []


def test_an_archive_export_asked_for_while_redis_is_down_is_made_once_it_is_back(client, project, redis_outage):
    """Issue 16: the export is saved with its job in the outbox, not a 500 with nothing to make it."""
    village = project["villages"]["乌兰村"]
    started = client.post(f"{BASE}/villages/{village}/exports", headers=project["admin"])
    assert started.status_code == 202, started.get_json()
    status = f"{BASE}/exports/{started.get_json()['id']}"
    assert client.get(status, headers=project["admin"]).get_json()["status"] == "queued"
    assert redis_outage() == 1
    assert client.get(status, headers=project["admin"]).get_json()["status"] == "done"
