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
    #: a household (户) earns and spends together: its members' points go to its account
    household_earning = fields.Boolean(load_default=False)
    #: days an award stays on the village's notice page (公示) before it credits; 0: at once
    notice_days = fields.Integer(load_default=3, validate=validate.Range(0, 30))
    #: hours an order waits for pickup before it expires and gives back points and stock
    pickup_hours = fields.Integer(load_default=48, validate=validate.Range(1, 24 * 30))


_SCHEMA = PointsSettings()
_CACHE: dict = {}


def settings() -> dict:
    """The points settings of the tenant in scope (read once per distinct value)."""
    raw = (current_tenant().settings or {}).get("points") or {}
    key = repr(sorted(raw.items()))
    found = _CACHE.get(key)
    if found is None:
        found = _CACHE[key] = _SCHEMA.load(raw)
        if len(_CACHE) > 256:
            _CACHE.clear()
    return dict(found)
