"""Documents for plugins: HTML to PDF (with the CJK font), QR images and public verification
codes that /verify/<code> routes to the issuing tenant's ``yinghuo_verify_code`` hook."""
from __future__ import annotations

import base64
import functools
import io
import secrets

from .db.context import current_tenant_id
from .extensions import db


#: the largest photo a page or the API takes (5 MB): read ``MAX_PHOTO + 1`` bytes of an upload
MAX_PHOTO = 5 * 1024 * 1024
_IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def photo_type(data: bytes, field: str = "photo") -> str:
    """The mimetype of a photo checked by its content (JPEG or PNG, at most 5 MB), or a 422
    naming ``field``."""
    from .errors import Invalid
    kind = next((t for magic, t in _IMAGE_TYPES.items() if (data or b"").startswith(magic)), None)
    if kind is None:
        raise Invalid("The photo must be a JPEG or PNG picture", fields={field: ["not a JPEG or PNG"]})
    if len(data) > MAX_PHOTO:
        raise Invalid("The photo is larger than 5 MB", fields={field: ["too large"]})
    return kind


#: the kinds of file :func:`file_kind` knows; an Office file is a zip holding its folder
FILE_KINDS = ("jpg", "png", "webp", "pdf", "docx", "xlsx", "pptx")
_OFFICE = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def file_kind(data: bytes) -> str | None:
    """The kind of file the bytes are (one of FILE_KINDS), whatever its name says; None for
    anything else (a renamed program is not a photo)."""
    import zipfile
    data = data or b""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        for kind, folder in _OFFICE.items():
            if any(n.startswith(folder) for n in names):
                return kind
    return None


#: what a file's name may end in, as the kind :func:`file_kind` reads from its content
_EXTENSIONS = {"jpg": "jpg", "jpeg": "jpg", "png": "png", "webp": "webp", "pdf": "pdf", "docx": "docx",
               "xlsx": "xlsx", "pptx": "pptx"}


def checked_upload(filename: str, data: bytes, *, kinds, max_mb: int, field: str = "file") -> tuple[str, str]:
    """An uploaded document or image checked by its content: not empty, at most ``max_mb``,
    one of ``kinds`` (of FILE_KINDS) and named as what it is (a renamed program is refused);
    (its cleaned name, its kind), or a 422 naming ``field``."""
    import posixpath
    from .errors import Invalid
    name = posixpath.basename((filename or "").replace("\\", "/")).strip().lstrip(".")[-200:] or "file"
    if not data:
        raise Invalid("The file is empty", fields={field: ["empty"]})
    if len(data) > max_mb * 1024 * 1024:
        raise Invalid("The file is larger than %(mb)s MB", params={"mb": max_mb},
                      fields={field: [f"{len(data) // 1024} KB is above {max_mb} MB"]})
    found = file_kind(data)
    said = _EXTENSIONS.get(name.rsplit(".", 1)[-1].lower()) if "." in name else None
    if found is None or found not in kinds:
        raise Invalid("This kind of file is not accepted", fields={field: [f"accepted: {', '.join(kinds)}"]})
    if said != found:
        raise Invalid("The file's name does not match its content",
                      fields={field: [f"the content is {found}, the name says {said or 'nothing'}"]})
    return name, found


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render HTML (Chinese text included) to PDF bytes with WeasyPrint."""
    from weasyprint import HTML
    return HTML(string=html, base_url=base_url).write_pdf()


@functools.lru_cache(maxsize=256)
def qr_data_uri(text: str) -> str:
    """An SVG QR code of ``text`` as a data: URI for an <img> in a page or PDF.

    Encoded by ``qrcode`` with one fixed mask pattern (choosing the best of eight made each
    code eight times: 15 ms of the on-site page, whose code renews itself) and drawn as one
    path of dark runs, row by row (qrcode's SVG drawer makes a path per module: 10 ms more).
    The last 256 codes are kept: the on-site code stays the same for its rotation window."""
    import qrcode
    code = qrcode.QRCode(border=QR_BORDER, mask_pattern=QR_MASK)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size * QR_BOX}" '
           f'height="{size * QR_BOX}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" '
           f'fill="#fff"/><path d="{"".join(runs)}" fill="#000"/></svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


#: the QR codes' quiet border and pixels per module, and the mask pattern they all use
QR_BORDER, QR_BOX, QR_MASK = 1, 8, 2


def new_verification_code(kind: str, tenant_id: int | None = None) -> str:
    """A fresh public code owned by the tenant in scope (or ``tenant_id``); the owner keeps
    it with its document and answers ``yinghuo_verify_code`` for it."""
    from .certificates.models import VerificationCode
    if not kind or len(kind) > 20:
        raise ValueError("kind must be 1-20 characters")
    code = secrets.token_urlsafe(12)
    db.session.add(VerificationCode(code=code, tenant_id=tenant_id or current_tenant_id(), kind=kind))
    return code
