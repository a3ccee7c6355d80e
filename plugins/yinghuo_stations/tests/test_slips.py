"""Paper slips: the printed A5 slip carries the station, the categories to tick and a QR
that decodes to the entry page of that station and serial, where a clerk scanning it finds
the channel "letterbox" chosen."""
import shutil
import subprocess
from urllib.parse import parse_qs, urlsplit

from .conftest import BASE


def test_a_printed_slip_has_chinese_text_and_a_qr_that_opens_the_filled_entry(app, client, county, tmp_path):
    pdf = client.get(f"{BASE}/stations/{county['units']['s1']}/slips.pdf?count=2", headers=county["s1"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    path = tmp_path / "slips.pdf"
    path.write_bytes(pdf.data)
    assert shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("zbarimg"), \
        "install poppler-utils and zbar-tools"
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("群众需求登记单", "东关村实践站", "生活照料", "医疗健康", "0471-1234567"):
        assert expected in text, expected
    assert text.count("群众需求登记单") == 2
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True)
    page = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(page)], capture_output=True, text=True).stdout.strip()
    link = urlsplit(decoded)
    query = parse_qs(link.query)
    assert link.path == "/t/county/stations/intake" and query["station"] == [str(county["units"]["s1"])]
    assert query["channel"] == ["letterbox"] and query["serial"][0].startswith(f"{county['units']['s1']}-")
    clerk = app.test_client()
    clerk.post("/t/county/login", data={"login": "s1@county.test", "password": "Passw0rd!x"})
    form = clerk.get(f"{link.path}?{link.query}").get_data(as_text=True)
    assert f'value="{query["serial"][0]}"' in form and '<option value="letterbox" selected' in form
    assert client.get(f"{BASE}/stations/{county['units']['s1']}/slips.pdf?count=500",
                      headers=county["s1"]).status_code == 422
