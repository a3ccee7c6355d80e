"""Certificates: a job makes a Chinese PDF (checked with poppler), /verify says genuine,
then revoked after revocation; only masked details are public."""
import shutil
import subprocess

import pytest

from yinghuo.testing.clock import Clock

BASE = "/t/county/api/v1"


@pytest.fixture
def approved_hours(client, county, clock):
    me = client.get(f"{BASE}/me", headers=county["vol"]).get_json()["member"]["id"]
    for minutes, content in ((120, "敬老院陪伴"), (90, "政策宣讲进村")):
        r = client.post(f"{BASE}/hours", json={"member_id": me, "minutes": minutes, "served_on": clock.day(),
                                               "content": content, "place": "东关村", "note": "村委会记录"},
                        headers=county["leader"])
        client.post(f"{BASE}/hours/{r.get_json()['id']}/approve", json={}, headers=county["admin"])
    return me


def _request(client, county):
    clock = Clock()
    return client.post(f"{BASE}/me/certificates", json={"period_start": clock.day(-30), "period_end": clock.day()},
                       headers=county["vol"])


def test_certificate_pdf_is_made_by_a_job_and_shows_the_chinese_text(client, county, approved_hours, tmp_path):
    r = _request(client, county)
    assert r.status_code == 202, r.get_json()
    cert = r.get_json()
    # jobs run inline after the request without Redis: ready when we look again
    status = client.get(f"{BASE}/me/certificates/{cert['id']}", headers=county["vol"]).get_json()
    assert status["status"] == "ready" and status["hours"] == 3.5
    pdf = client.get(f"{BASE}/me/certificates/{cert['id']}/pdf", headers=county["vol"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    path = tmp_path / "cert.pdf"
    path.write_bytes(pdf.data)
    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "install poppler-utils"
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("志愿服务记录证明", "志愿者甲", "敬老院陪伴", "政策宣讲进村", "3.5 小时", cert["serial"]):
        assert expected in text, expected
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True)
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 5000  # a rendered page with ink on it, not a blank sheet
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "CJK" in fonts or "WenQuanYi" in fonts


def test_verify_page_shows_genuine_then_revoked(client, county, approved_hours, clock):
    cert = _request(client, county).get_json()
    url = cert["verify_path"]
    assert "真实有效" in client.get(url).get_data(as_text=True)
    assert "Genuine and valid" in client.get(url + "?lang=en").get_data(as_text=True)
    body = client.get(url + "?format=json").get_json()
    assert body == {"kind": "certificate", "genuine": True, "name": "志***", "tenant": "Tenant county",
                    "serial": cert["serial"], "hours": 3.5, "issued_on": clock.day(), "status": "valid"}
    r = client.post(f"{BASE}/certificates/{cert['id']}/revoke", json={"reason": "时长记录有误"}, headers=county["admin"])
    assert r.status_code == 200 and r.get_json()["status"] == "revoked"
    body = client.get(url + "?format=json").get_json()
    assert body["genuine"] is False and body["status"] == "revoked"
    assert "已被撤销" in client.get(url + "?lang=zh").get_data(as_text=True)
    assert client.get(f"{BASE}/me/certificates/{cert['id']}/pdf", headers=county["vol"]).status_code == 403


def test_unknown_code_is_404(client):
    assert client.get("/verify/nope?format=json").status_code == 404
    assert client.get("/verify/nope").status_code == 404


def test_no_approved_hours_no_certificate(client, county):
    r = _request(client, county)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "no_hours"


def test_bad_period_is_422(client, county, approved_hours, clock):
    r = client.post(f"{BASE}/me/certificates", json={"period_start": clock.day(-1), "period_end": clock.day(-30)},
                    headers=county["vol"])
    assert r.status_code == 422 and "period_end" in r.get_json()["error"]["fields"]


def test_others_cannot_download_or_revoke(client, county, approved_hours):
    cert = _request(client, county).get_json()
    assert client.get(f"{BASE}/me/certificates/{cert['id']}/pdf", headers=county["leader"]).status_code == 404
    assert client.post(f"{BASE}/certificates/{cert['id']}/revoke", json={"reason": "x"},
                       headers=county["leader"]).status_code == 403


def test_an_admin_issues_downloads_and_revokes_certificates_on_a_page(app, client, county, approved_hours, clock):
    admin = app.test_client()
    admin.post("/t/county/login", data={"login": "admin@county.test", "password": "Passw0rd!x"})
    found = admin.get("/t/county/admin/certificates?find=志愿者").get_data(as_text=True)
    assert f'name="member_id" value="{approved_hours}"' in found
    issued = admin.post("/t/county/admin/certificates", data={
        "member_id": approved_hours, "period_start": clock.day(-30), "period_end": clock.day()}, follow_redirects=True)
    html = issued.get_data(as_text=True)
    assert "正在为 志愿者甲 制作证明" in html and "3.5" in html
    link = html.split('class="download" href="')[1].split('"')[0]
    assert admin.get(link).data.startswith(b"%PDF")
    cert_id = int(link.rsplit("/", 1)[1].split(".")[0])
    no_reason = admin.post("/t/county/admin/certificates", data={"revoke": cert_id, "reason": " "},
                           follow_redirects=True)
    assert "flash error" in no_reason.get_data(as_text=True)
    revoked = admin.post("/t/county/admin/certificates", data={"revoke": cert_id, "reason": "时长记录有误"},
                         follow_redirects=True).get_data(as_text=True)
    assert "已撤销" in revoked and "时长记录有误" in revoked
    future = admin.post("/t/county/admin/certificates", data={
        "member_id": approved_hours, "period_start": clock.day(-3), "period_end": clock.day(+3)}, follow_redirects=True)
    assert "flash error" in future.get_data(as_text=True)
    assert client.get(f"{BASE}/certificates", headers=county["leader"]).status_code == 403
