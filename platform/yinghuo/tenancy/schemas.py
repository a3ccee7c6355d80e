"""Marshmallow schemas for tenants: API bodies and the kernel's tenant settings."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from .models import KINDS, STATUSES

#: the activity categories of a tenant that names none (setting ``activity_categories``)
DEFAULT_CATEGORIES = ["理论宣讲", "教育服务", "文化服务", "科技科普", "健身体育"]

SLUG = validate.Regexp(r"^[a-z][a-z0-9-]{1,39}$",
                       error="lowercase letters, digits and '-', 2-40 characters, starting with a letter")


class IssuerSchema(Schema):
    """Who issues certificates: printed on every certificate of the tenant."""

    class Meta:
        unknown = RAISE

    organisation = fields.String(validate=validate.Length(max=200))
    person_in_charge = fields.String(validate=validate.Length(max=50))
    handler = fields.String(validate=validate.Length(max=50))
    contact = fields.String(validate=validate.Length(max=100))
    #: the seal image as a data URI (PNG with a transparent background)
    seal = fields.String(validate=validate.Length(max=500_000))


class KernelSettings(Schema):
    """Tenant settings the kernel reads; plugin settings live under their plugin's name."""

    class Meta:
        unknown = RAISE

    session_idle_minutes = fields.Integer(load_default=30, validate=validate.Range(5, 720))
    require_totp_for_admins = fields.Boolean(load_default=False)
    privacy_notice_version = fields.String(load_default="1", validate=validate.Length(1, 20))
    privacy_notice = fields.String(load_default="")
    timezone = fields.String(load_default="Asia/Shanghai")
    unit_types = fields.List(fields.String(validate=validate.Length(1, 40)),
                             load_default=lambda: ["county", "town", "village"])
    self_registration = fields.Boolean(load_default=True)
    #: shown in the platform's tenant chooser at /
    listed = fields.Boolean(load_default=True)
    #: days an export's file and an unconfirmed import are kept before they are dropped
    export_retention_days = fields.Integer(load_default=7, validate=validate.Range(1, 365))
    #: days the audit log is kept: at least 183 (six months, the floor the law sets for logs of a
    #: network service); the database's own policy refuses to delete a younger row anyway
    audit_retention_days = fields.Integer(load_default=365, validate=validate.Range(183, 3650))
    certificate_issuer = fields.Nested(IssuerSchema, load_default=dict)
    star_thresholds = fields.List(fields.Integer(validate=validate.Range(min=1)),
                                  load_default=lambda: [100, 300, 600, 1000, 1500],
                                  validate=validate.Length(equal=5))
    activity_categories = fields.List(fields.String(validate=validate.Length(1, 60)),
                                      load_default=lambda: list(DEFAULT_CATEGORIES))

    @validates("star_thresholds")
    def _increasing(self, value, **kwargs):
        if any(b <= a for a, b in zip(value, value[1:])):
            raise ValidationError("thresholds must increase (1★ … 5★)")

    @validates("timezone")
    def _tz(self, value, **kwargs):
        from zoneinfo import ZoneInfo
        try:
            ZoneInfo(value)
        except Exception:
            raise ValidationError("unknown time zone")


class BrandingSchema(Schema):
    class Meta:
        unknown = RAISE

    display_name = fields.String(validate=validate.Length(max=200))
    slogan = fields.String(validate=validate.Length(max=200))
    logo = fields.String(validate=validate.Length(max=100_000))


class TenantSchema(Schema):
    """A tenant as the operator API shows it."""

    id = fields.Integer(dump_only=True)
    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    parent = fields.String(load_default=None, allow_none=True, metadata={"description": "parent tenant slug"})
    status = fields.String(dump_only=True)
    plugins = fields.List(fields.String(), load_default=list)
    settings = fields.Dict(load_default=dict)
    branding = fields.Nested(BrandingSchema, load_default=dict)
    hosts = fields.List(fields.String(), load_default=list)
    admin_email = fields.Email(load_only=True, load_default=None)
    admin_password = fields.String(load_only=True, load_default=None)


class TenantPatchSchema(Schema):
    name = fields.String(validate=validate.Length(1, 200))
    status = fields.String(validate=validate.OneOf(STATUSES))
    reason = fields.String(validate=validate.Length(max=500))
    plugins = fields.List(fields.String())
    settings = fields.Dict()
    branding = fields.Nested(BrandingSchema)


class RollupSchema(Schema):
    slug = fields.String()
    name = fields.String()
    stats = fields.Dict(keys=fields.String(), values=fields.Integer())
