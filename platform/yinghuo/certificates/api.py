"""Certificates: my certificates (request, list, download), admin revoke, public /verify."""
from __future__ import annotations

import io

from flask import (
    Blueprint,
    current_app,
    g,
    jsonify,
    render_template,
    request,
    send_file,
)
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ..db.context import tenant_scope
from ..errors import wants_json
from ..extensions import db
from .. import gate
from ..tenant_api import blp
from . import services
from ..hours.rounding import hours
from .models import Certificate


class CertificateRequestSchema(Schema):
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)


class CertificateSchema(Schema):
    id = fields.Integer()
    serial = fields.String()
    status = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    hours = fields.Method("_hours")
    issued_on = fields.Date()
    verify_path = fields.Method("_verify")
    revoked_reason = fields.String(allow_none=True)

    def _hours(self, cert):
        return hours(cert.minutes)

    def _verify(self, cert):
        return f"/verify/{cert.code}"


class RevokeSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 500))


@blp.route("/me/certificates", methods=["GET"])
@gate.member
@blp.response(200, CertificateSchema(many=True))
def my_certificates():
    """My certificates, newest first."""
    return db.session.scalars(select(Certificate).where(Certificate.member_id == g.member.id)
                              .order_by(Certificate.id.desc())).all()


@blp.route("/me/certificates", methods=["POST"])
@gate.member
@blp.arguments(CertificateRequestSchema)
@blp.response(202, CertificateSchema)
def request_certificate(data):
    """Ask for a certificate of my approved hours in a period; a job makes the PDF."""
    cert = services.request_certificate(g.tenant, g.member, start=data["period_start"], end=data["period_end"],
                                        base_url=request.host_url)
    db.session.commit()
    return cert


@blp.route("/me/certificates/<int:certificate_id>")
@gate.member
@blp.response(200, CertificateSchema)
def certificate_status(certificate_id):
    """One certificate and its status (pending while the job runs)."""
    cert = services.get_certificate(certificate_id)
    services.check_owner(cert, g.member)
    return cert


@blp.route("/me/certificates/<int:certificate_id>/pdf")
@gate.member
@blp.response(200, content_type="application/pdf")
def certificate_pdf(certificate_id):
    """Download the PDF (the person, or an admin)."""
    cert = services.get_certificate(certificate_id)
    services.check_owner(cert, g.member)
    return send_file(io.BytesIO(services.pdf_of(cert)), mimetype="application/pdf",
                     download_name=f"{cert.serial}.pdf")


@blp.route("/certificates")
@gate.permission("certificates.manage")
@blp.response(200, CertificateSchema(many=True))
def all_certificates():
    """Every certificate of the tenant, newest first (admins)."""
    return db.session.scalars(select(Certificate).order_by(Certificate.id.desc()).limit(500)).all()


class IssueSchema(CertificateRequestSchema):
    member_id = fields.Integer(required=True)


@blp.route("/certificates", methods=["POST"])
@gate.permission("certificates.manage")
@blp.arguments(IssueSchema)
@blp.response(202, CertificateSchema)
def issue_certificate(data):
    """Issue a certificate for a member (a villager without a phone asks at the desk); a
    job makes the PDF."""
    from ..people.services import get_member
    cert = services.request_certificate(g.tenant, get_member(data["member_id"]), start=data["period_start"],
                                        end=data["period_end"], base_url=request.host_url)
    db.session.commit()
    return cert


@blp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@gate.permission("certificates.manage")
@blp.arguments(RevokeSchema)
@blp.response(200, CertificateSchema)
def revoke_certificate(data, certificate_id):
    """Revoke a certificate; its verify page then says so."""
    cert = services.revoke(services.get_certificate(certificate_id), reason=data["reason"])
    db.session.commit()
    return cert


verify_pages = Blueprint("verify", __name__)


@verify_pages.route("/verify/<code>")
@gate.public
def verify(code):
    """Public: is this certificate (or a plugin's code) genuine and unrevoked? Masked details only."""
    tenant = services.tenant_for_code(code)
    result = None
    if tenant is not None:
        with tenant_scope(tenant.id):
            result = current_app.extensions["yinghuo"].host.hooks_for(tenant).yinghuo_verify_code(
                tenant=tenant, code=code)
    if request.args.get("format") == "json" or wants_json():
        if result is None:
            return jsonify({"error": {"code": "not_found", "message": "unknown code", "fields": {}}}), 404
        return jsonify({"kind": result.kind, "genuine": result.genuine, **result.details})
    return render_template("certificates/verify.html", result=result), 200 if result else 404
