"""Documents for plugins: HTML to PDF (with the CJK font), QR images and public verification
codes that /verify/<code> routes to the issuing tenant's ``yinghuo_verify_code`` hook."""
from __future__ import annotations

import secrets

from .db.context import current_tenant_id
from .extensions import db


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render HTML (Chinese text included) to PDF bytes with WeasyPrint."""
    from weasyprint import HTML
    return HTML(string=html, base_url=base_url).write_pdf()


def qr_data_uri(text: str) -> str:
    """An SVG QR code of ``text`` as a data: URI for an <img> in a page or PDF."""
    from .certificates.services import qr_data_uri as make
    return make(text)


def new_verification_code(kind: str) -> str:
    """A fresh public code owned by the tenant in scope; the plugin keeps it with its
    document and answers ``yinghuo_verify_code`` for it."""
    from .certificates.models import VerificationCode
    if not kind or len(kind) > 20:
        raise ValueError("kind must be 1-20 characters")
    code = secrets.token_urlsafe(12)
    db.session.add(VerificationCode(code=code, tenant_id=current_tenant_id(), kind=kind))
    return code
