"""Security headers on every answer, and the session cookie marked Secure over https.

The pages run no inline script (behaviours are ``data-`` attributes read by
``static/yinghuo.js``), so the policy allows scripts from this site only; styles may be
inline (a ``style`` attribute is no way to run code). Images may come from https (a tenant's
logo) and ``data:`` (QR codes). Nothing may frame the pages. Behind TLS - the request is
secure, directly or by the proxy's X-Forwarded-Proto (``YINGHUO_PROXIES``) - browsers are told
to keep to https for a year.
"""
from __future__ import annotations

from flask import request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def secure(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def install(app) -> None:
    app.after_request(secure)
