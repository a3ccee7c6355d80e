"""Security headers on every answer and a Secure session cookie over https (issue 16: no page
had a CSP, a frame refusal, nosniff or a referrer policy, and the cookie lacked Secure)."""
import re
from pathlib import Path

import yinghuo


def test_pages_and_the_api_carry_the_security_headers(client, make_tenant):
    make_tenant("alpha")
    for path in ("/t/alpha/login", "/t/alpha/api/v1/activities", "/login", "/t/alpha/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in \
            csp.split("script-src")[1].split(";")[0], path
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain http: no promise of https


def test_over_https_the_cookie_is_secure_and_browsers_keep_to_https(client, make_tenant, make_member):
    make_tenant("alpha")
    make_member("alpha", "v@alpha.test")
    r = client.post("/t/alpha/login", data={"login": "v@alpha.test", "password": "Passw0rd!x"},
                    base_url="https://alpha.example")
    cookie = r.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    plain = client.post("/t/alpha/login", data={"login": "v@alpha.test", "password": "Passw0rd!x"})
    assert "Secure" not in plain.headers["Set-Cookie"]


def test_no_template_runs_inline_script():
    """The policy allows no inline script: no <script> without src, no on…= handler, no javascript: link."""
    roots = [Path(yinghuo.__file__).parent, Path(yinghuo.__file__).parents[2] / "plugins"]
    found = []
    for root in roots:
        for page in root.rglob("templates/**/*.html"):
            text = page.read_text()
            for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=\s*[\"']", r"javascript:"):
                found += [f"{page.name}: {m}" for m in re.findall(pattern, text)]
    assert found == []
