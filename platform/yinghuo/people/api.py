"""Tenant API for people: login, me, registration, members and roles."""
from __future__ import annotations

from flask import g, request
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from .. import audit
from ..errors import NotFound, Unauthorized
from ..extensions import db
from ..tenant_api import blp
from .schemas import LoginSchema, TokenSchema
from . import auth, services
from .. import gate
from .models import ID_TYPES, ROLES, Member


class MemberSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    unit_id = fields.Integer(allow_none=True)
    status = fields.String()
    phone = fields.String(allow_none=True, metadata={"description": "masked: 138****1234"})
    id_type = fields.String(allow_none=True)
    id_number = fields.String(allow_none=True, metadata={"description": "masked: 1501**********123X"})
    roles = fields.List(fields.String())
    consent_version = fields.String(allow_none=True)
    joined_at = fields.String(allow_none=True)


class RegistrationSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 100))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=128))
    email = fields.Email(load_default=None, validate=validate.Length(max=200))
    phone = fields.String(load_default=None, validate=validate.Length(max=20))
    id_type = fields.String(load_default=None, validate=validate.OneOf(ID_TYPES))
    id_number = fields.String(load_default=None, load_only=True, validate=validate.Length(max=40))
    unit_id = fields.Integer(load_default=None)
    consent = fields.Boolean(required=True, metadata={"description": "agrees to the privacy notice"})


class RegistrationReceipt(Schema):
    message = fields.String()


class JoinSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 100))
    phone = fields.String(load_default=None, validate=validate.Length(max=20))
    id_type = fields.String(load_default=None, validate=validate.OneOf(ID_TYPES))
    id_number = fields.String(load_default=None, load_only=True, validate=validate.Length(max=40))
    unit_id = fields.Integer(load_default=None)
    consent = fields.Boolean(required=True, metadata={"description": "agrees to the privacy notice"})


RECEIVED = ("Received. If this e-mail or phone was new, the account is ready: sign in with POST /auth/token. "
            "If it had an account already, its owner has been told how to join with it (POST /me/membership).")


class RoleSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    unit_id = fields.Integer(load_default=None)


class RolesSchema(Schema):
    roles = fields.List(fields.Nested(RoleSchema), required=True)


class RevealSchema(Schema):
    reason = fields.String(load_default="", metadata={"description": "required for admins; audited"})


class MeSchema(Schema):
    account_id = fields.Integer()
    email = fields.String(allow_none=True)
    tenant = fields.String()
    member = fields.Nested(MemberSchema, allow_none=True)


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    q = fields.String(load_default=None)


@blp.route("/auth/token", methods=["POST"])
@gate.public
@blp.arguments(LoginSchema)
@blp.response(201, TokenSchema)
def login(data):
    """Log in to this tenant: returns a bearer token (send it as ``Authorization: Bearer …``).
    A login that is no member here gets one too, to join (POST /me/membership)."""
    account = auth.authenticate(data["login"], data["password"], data["otp"])
    token = auth.issue_token(account, g.tenant.id)
    db.session.commit()
    return {"token": token, "token_type": "Bearer"}


@blp.route("/auth/token", methods=["DELETE"])
@gate.signed_in
@blp.response(204)
def logout():
    """Revoke the bearer token used for this request."""
    auth.revoke_token(request.headers.get("Authorization", "")[7:].strip())
    db.session.commit()


@blp.route("/me")
@gate.signed_in
@blp.response(200, MeSchema)
def me():
    """The signed-in account and its membership here (numbers unmasked: it is you)."""
    if g.account is None:
        raise Unauthorized("Please sign in")
    view = services.member_view(g.member, reveal=True) if g.member else None
    return {"account_id": g.account.id, "email": g.account.email, "tenant": g.tenant.slug, "member": view}


@blp.route("/members")
class Members(MethodView):
    @gate.public
    @blp.arguments(RegistrationSchema)
    @blp.response(202, RegistrationReceipt)
    def post(self, data):
        """Self-registration of a new login (records consent to the tenant's privacy notice).
        The answer is the same when the e-mail or phone had a login already: its owner is told
        instead, so no one learns here which logins exist."""
        services.register(g.tenant, data)
        db.session.commit()
        return {"message": RECEIVED}

    @gate.permission("members.view")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, MemberSchema(many=True))
    def get(self, args):
        """Members, masked, paginated; ``q`` filters by name; the total is in ``X-Total-Count``:
        exact up to 10 000, beyond that the count of the tenant's last computed figures (ten
        minutes old at most, ``X-Total-Count-Estimated: true``): an exact count reads every member."""
        from ..snapshots import fresh
        stmt = select(Member).order_by(Member.id)
        if args["q"]:
            stmt = stmt.where(services.name_contains(args["q"]))
        # the whole list of a tenant its kept figures already call big: no count needed to know
        kept = None if args["q"] else fresh("rollup")
        known = int(kept.data.get("members", 0)) if kept is not None else 0
        total = known if known > EXACT_UP_TO else services.count_up_to(stmt, EXACT_UP_TO)
        headers = {}
        if total > EXACT_UP_TO:
            total = max(total, known)
            headers["X-Total-Count-Estimated"] = "true"
        rows = services.load_roles(db.session.scalars(stmt.limit(args["per_page"])
                                                      .offset((args["page"] - 1) * args["per_page"])))
        return [services.member_view(m) for m in rows], 200, {"X-Total-Count": str(total), **headers}


#: member lists count exactly up to this many
EXACT_UP_TO = 10_000


@blp.route("/me/membership", methods=["POST"])
@gate.signed_in
@blp.arguments(JoinSchema)
@blp.response(201, MemberSchema)
def join(data):
    """Join this tenant with the login of the token (records consent to the privacy notice)."""
    member = services.join(g.tenant, g.account, data)
    db.session.commit()
    return services.member_view(member)


@blp.route("/members/<int:member_id>")
@gate.member
@blp.response(200, MemberSchema)
def member_get(member_id):
    """One member, masked (admins and the person themself)."""
    member = services.get_member(member_id)
    if member.id != g.member.id and not gate.allowed(g.member, "members.view"):
        raise NotFound("no such member")
    return services.member_view(member)


@blp.route("/members/<int:member_id>/roles", methods=["PUT"])
@gate.permission("members.manage")
@blp.arguments(RolesSchema)
@blp.response(200, MemberSchema)
def member_roles(data, member_id):
    """Replace a member's roles."""
    member = services.set_roles(services.get_member(member_id), data["roles"])
    db.session.commit()
    return services.member_view(member)


@blp.route("/members/<int:member_id>/reveal", methods=["POST"])
@gate.member
@blp.arguments(RevealSchema)
@blp.response(200, MemberSchema)
def member_reveal(data, member_id):
    """Unmasked numbers: the person themself, or an admin giving a reason (audited)."""
    member = services.get_member(member_id)
    if member.id != g.member.id:
        gate.demand("ids.reveal")   # and the second factor, as the gate asks of admins
    view = services.reveal_member(member, reason=data["reason"], viewer=g.member)
    db.session.commit()
    return view


class TotpStartSchema(Schema):
    secret = fields.String()
    uri = fields.String(metadata={"description": "otpauth:// URI for an authenticator app (QR code)"})


class TotpConfirmSchema(Schema):
    secret = fields.String(required=True)
    code = fields.String(required=True, validate=validate.Length(6, 8))


@blp.route("/me/totp", methods=["POST"])
@gate.member
@blp.response(200, TotpStartSchema)
def totp_start():
    """Start enrolling a TOTP second factor: returns a new secret to confirm."""
    secret = auth.new_totp_secret()
    return {"secret": secret, "uri": auth.totp_uri(g.account, secret, issuer=g.tenant.display_name)}


@blp.route("/me/totp/confirm", methods=["POST"])
@gate.member
@blp.arguments(TotpConfirmSchema)
@blp.response(204)
def totp_confirm(data):
    """Confirm the secret with a current code; from then on login asks for a code."""
    auth.confirm_totp(g.account, data["secret"], data["code"])
    audit.record("account.totp", "account", g.account.id, after={"enrolled": True})
    db.session.commit()
