"""The plugin's tenant settings, with defaults for anything a tenant has not set."""
from __future__ import annotations

from marshmallow import Schema, fields, validate
from yinghuo.api import current_tenant


class CompetitionsSettings(Schema):
    """Tenant settings under settings.competitions."""

    #: public votes one voter may cast a day, in all, and for one entry
    votes_per_day = fields.Integer(load_default=10, validate=validate.Range(1, 1000))
    votes_per_entry_per_day = fields.Integer(load_default=1, validate=validate.Range(1, 100))


_SCHEMA = CompetitionsSettings()


def settings() -> dict:
    return _SCHEMA.load((current_tenant().settings or {}).get("competitions") or {})
