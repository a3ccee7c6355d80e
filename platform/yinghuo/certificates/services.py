"""Certificates of volunteer service (志愿服务记录证明): requested by the volunteer, made
as a PDF by a job, verifiable by anyone at /verify/<code>, revocable by an admin."""
from __future__ import annotations

from datetime import date

from flask import current_app, render_template
from sqlalchemy import select

from .. import audit
from ..db.base import utcnow
from ..db.context import current_tenant_id
from ..documents import html_to_pdf, new_verification_code, qr_data_uri
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..hours.models import HourRecord
from ..hours.rounding import hours
from ..jobs import enqueue
from ..people.masking import mask_id_number, mask_name
from ..people.models import Member
from ..people.services import id_number
from ..records import Verification
from ..tenancy.models import Tenant
from ..gate import allowed
from ..times import local_today
from .models import Certificate, VerificationCode


def get_certificate(certificate_id: int) -> Certificate:
    cert = db.session.get(Certificate, (current_tenant_id(), certificate_id))
    if cert is None:
        raise NotFound("no such certificate")
    return cert


def approved_records(member_id: int, start: date, end: date) -> list[HourRecord]:
    return list(db.session.scalars(select(HourRecord).where(
        HourRecord.member_id == member_id, HourRecord.status == "approved",
        HourRecord.served_on >= start, HourRecord.served_on <= end).order_by(HourRecord.served_on, HourRecord.id)))


def request_certificate(tenant: Tenant, member: Member, *, start: date, end: date, base_url: str) -> Certificate:
    """Freeze the approved records of the period into a certificate and queue its PDF."""
    if end < start:
        raise Invalid("The period ends before it starts", fields={"period_end": ["before period_start"]})
    if end > local_today(tenant):
        raise Invalid("The period cannot end in the future", fields={"period_end": ["in the future"]})
    records = approved_records(member.id, start, end)
    if not records:
        raise Conflict("There are no approved hours in this period", code="no_hours")
    code = new_verification_code("certificate", tenant_id=tenant.id)
    cert = Certificate(tenant_id=tenant.id, member_id=member.id, code=code, period_start=start, period_end=end,
                       minutes=sum(r.minutes for r in records), record_ids=[r.id for r in records],
                       status="pending", issued_on=local_today(tenant), serial="pending")
    db.session.add(cert)
    db.session.flush()
    cert.serial = f"{tenant.slug.upper()}-{cert.issued_on.year}-{cert.id:06d}"
    audit.record("certificate.request", "certificate", cert.id, after={"serial": cert.serial,
                                                                       "minutes": cert.minutes})
    enqueue("yinghuo.certificates.services.render_job", tenant_id=tenant.id, job_id=f"certificate-{cert.id}",
            certificate_id=cert.id, base_url=base_url)
    return cert


def render_job(tenant_id: int, certificate_id: int, base_url: str) -> str:
    """Job: make the PDF (safe to run twice: a ready certificate is left as it is)."""
    cert = db.session.get(Certificate, (tenant_id, certificate_id))
    if cert is None or cert.status != "pending":
        return "skipped"
    try:
        cert.pdf = render_pdf(cert, base_url)
        cert.status = "ready"
    except Exception:
        current_app.logger.exception("certificate %s failed", certificate_id)
        cert.status = "failed"
    return cert.status


def render_pdf(cert: Certificate, base_url: str) -> bytes:
    tenant = db.session.get(Tenant, cert.tenant_id)
    member = db.session.get(Member, (cert.tenant_id, cert.member_id))
    records = db.session.scalars(select(HourRecord).where(HourRecord.id.in_(cert.record_ids))
                                 .order_by(HourRecord.served_on, HourRecord.id)).all()
    issuer = {"organisation": tenant.name, "person_in_charge": "", "handler": "", "contact": "", "seal": "",
              **(tenant.setting("certificate_issuer") or {})}
    verify_url = f"{base_url.rstrip('/')}/verify/{cert.code}"
    html = render_template("certificates/certificate.html", cert=cert, tenant=tenant, member=member,
                           masked_id=mask_id_number(id_number(member)), records=records, issuer=issuer,
                           verify_url=verify_url, qr=qr_data_uri(verify_url))
    return html_to_pdf(html)


def revoke(cert: Certificate, *, reason: str) -> Certificate:
    if not (reason or "").strip():
        raise Invalid("A reason is required to revoke", fields={"reason": ["required"]})
    if cert.status == "revoked":
        return cert
    cert.status, cert.revoked_reason, cert.revoked_at = "revoked", reason.strip(), utcnow()
    db.session.flush()
    audit.record("certificate.revoke", "certificate", cert.id, reason=reason.strip(),
                 after={"serial": cert.serial})
    return cert


def check_owner(cert: Certificate, member) -> None:
    if member is None or (cert.member_id != member.id and not allowed(member, "certificates.manage")):
        raise NotFound("no such certificate")


def pdf_of(cert: Certificate) -> bytes:
    if cert.status not in ("ready", "revoked") or cert.pdf is None:
        if cert.status == "failed":
            raise Conflict("making the certificate failed; please request it again", code="not_ready")
        raise Conflict("the certificate is still being made; try again shortly", code="not_ready")
    if cert.status == "revoked":
        raise Forbidden("This certificate was revoked", code="revoked")
    return cert.pdf


def tenant_for_code(code: str) -> Tenant | None:
    """The one platform-wide lookup: which tenant issued this public code."""
    row = db.session.get(VerificationCode, code)
    return db.session.get(Tenant, row.tenant_id) if row else None


def verify_certificate(code: str) -> Verification | None:
    """The kernel's answer to ``yinghuo_verify_code`` for certificates (tenant in scope)."""
    cert = db.session.scalar(select(Certificate).where(Certificate.code == code))
    if cert is None:
        return None
    member = db.session.get(Member, (cert.tenant_id, cert.member_id))
    tenant = db.session.get(Tenant, cert.tenant_id)
    genuine = cert.status in ("ready", "pending")
    return Verification(kind="certificate", genuine=genuine, details={
        "name": mask_name(member.name), "tenant": tenant.display_name, "serial": cert.serial,
        "hours": hours(cert.minutes), "issued_on": cert.issued_on.isoformat(),
        "status": "revoked" if cert.status == "revoked" else "valid"})
