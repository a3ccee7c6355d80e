"""The plugin's tenant settings, with defaults for anything a tenant has not set."""
from __future__ import annotations

from marshmallow import Schema, fields, validate
from yinghuo.api import current_tenant


class PointsSettings(Schema):
    """Tenant settings under settings.points."""

    #: points credited per approved service hour (kernel hour records)
    points_per_hour = fields.Integer(load_default=10, validate=validate.Range(0, 1000))
    #: whether a deduction may take a balance below zero
    allow_negative = fields.Boolean(load_default=False)


_SCHEMA = PointsSettings()


def settings() -> dict:
    """The points settings of the tenant in scope."""
    return _SCHEMA.load((current_tenant().settings or {}).get("points") or {})
