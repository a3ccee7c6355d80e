"""The plugin's tenant settings, with defaults for anything a tenant has not set."""
from __future__ import annotations

from marshmallow import Schema, fields, validate
from yinghuo.api import current_tenant


class RankingWeights(Schema):
    activities = fields.Integer(load_default=30, validate=validate.Range(0, 100))
    on_time = fields.Integer(load_default=30, validate=validate.Range(0, 100))
    rating = fields.Integer(load_default=20, validate=validate.Range(0, 100))
    survey = fields.Integer(load_default=20, validate=validate.Range(0, 100))


class StationsSettings(Schema):
    """Tenant settings under settings.stations."""

    #: the kernel unit types that are stations, and teams a demand can be dispatched to
    station_unit_type = fields.String(load_default="village", validate=validate.Length(1, 40))
    team_unit_type = fields.String(load_default="team", validate=validate.Length(1, 40))
    categories = fields.List(fields.String(validate=validate.Length(1, 60)), load_default=lambda: [
        "生活照料", "医疗健康", "政策咨询", "文化活动", "维修帮扶", "其他"])
    #: time limits, in hours, for each state of a demand
    dispatch_within_hours = fields.Integer(load_default=24, validate=validate.Range(1, 24 * 30))
    accept_within_hours = fields.Integer(load_default=24, validate=validate.Range(1, 24 * 30))
    serve_within_hours = fields.Integer(load_default=72, validate=validate.Range(1, 24 * 90))
    #: the same phone and category within this many hours is flagged as a possible duplicate
    duplicate_within_hours = fields.Integer(load_default=48, validate=validate.Range(1, 24 * 30))
    #: a letterbox not emptied within this many days is overdue
    letterbox_every_days = fields.Integer(load_default=7, validate=validate.Range(1, 90))
    #: a station holds at least this many activities a month (the compliance report)
    ledger_min_activities = fields.Integer(load_default=2, validate=validate.Range(0, 100))
    #: how the quarterly ranking weighs activities held, on-time demands, ratings and surveys
    ranking_weights = fields.Nested(RankingWeights, load_default=lambda: RankingWeights().load({}))
    #: the number residents call about their demands, printed on receipts and slips
    hotline = fields.String(load_default="", validate=validate.Length(max=40))


_SCHEMA = StationsSettings()


def settings_of(tenant) -> dict:
    return _SCHEMA.load((tenant.settings or {}).get("stations") or {})


def settings() -> dict:
    """The stations settings of the tenant in scope (loaded once per distinct value: the
    schema's load costs more than some requests' own work)."""
    import json
    raw = (current_tenant().settings or {}).get("stations") or {}
    key = json.dumps(raw, sort_keys=True, ensure_ascii=False)
    found = _LOADED.get(key)
    if found is None:
        if len(_LOADED) > 256:
            _LOADED.clear()
        found = _LOADED[key] = _SCHEMA.load(raw)
    return dict(found)


_LOADED: dict[str, dict] = {}
