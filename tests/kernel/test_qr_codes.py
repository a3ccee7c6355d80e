"""QR codes read by a real decoder: what a phone's camera would find in the page or the PDF."""
import base64
import shutil
import subprocess

import pytest

from yinghuo.documents import html_to_pdf, qr_data_uri


@pytest.mark.parametrize("text", [
    "https://yinghuo.example.cn/t/hqxian/verify/ABCD-EFGH",
    "https://yinghuo.example.cn/t/hqxian/activities/1234567890/scan?kind=in&token="
    "eyJhIjoxMjM0NTY3ODkwLCJrIjoiaW4ifQ.Z4nQ1A.q6o5Yk0wHcWmXJ6pWZ1o9d7Zr0M-very-long-signature-part",
])
def test_a_qr_code_decodes_to_its_text(tmp_path, text):
    assert shutil.which("pdftoppm") and shutil.which("zbarimg"), "install poppler-utils and zbar-tools"
    uri = qr_data_uri(text)
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    assert svg.startswith("<svg") and 'fill="#fff"' in svg   # a white quiet zone, not a transparent one
    pdf = tmp_path / "qr.pdf"
    pdf.write_bytes(html_to_pdf(f'<img src="{uri}" style="width:8cm">'))
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(next(tmp_path.glob("page*.png")))],
                             capture_output=True, text=True).stdout.strip()
    assert decoded == text
