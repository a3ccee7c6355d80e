"""Time as people read it: the tenant's time zone (China Standard Time unless the tenant's
``timezone`` setting names another) and today's date there.

Stored times are UTC (``db.base.utcnow``). One rule for a time given without a zone, in the
API and on pages alike: it is the tenant's local time (:class:`LocalDateTime`,
:func:`parse_local`). A date that people mean, such as "served today"
or "this year's selection", is the local one: on a server kept in UTC, ``date.today()``
is still yesterday in China until 08:00.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import has_app_context
from marshmallow import fields

#: times given without a zone, and times shown to people, are China Standard Time
CHINA = ZoneInfo("Asia/Shanghai")


def tenant_zone(tenant=None) -> ZoneInfo:
    """The time zone of ``tenant``, or of the tenant in scope; China's without one."""
    if tenant is None and has_app_context():
        from .tenancy.context import current_tenant
        tenant = current_tenant()
    name = tenant.setting("timezone") if tenant is not None else None
    return ZoneInfo(name) if name else CHINA


def local_today(tenant=None) -> date:
    """Today's date in the tenant's time zone."""
    return datetime.now(tenant_zone(tenant)).date()


def parse_local(value: str) -> datetime:
    """An ISO date-time from a form; without a zone it is the tenant's local time.
    Raises ValueError when it is not a date-time."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=tenant_zone())


class LocalDateTime(fields.DateTime):
    """A zone-aware date-time field: a value without a zone is the tenant's local time
    (China's by default), never UTC. Every schema in the kernel and the plugins uses it."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        return moment if moment.tzinfo else moment.replace(tzinfo=tenant_zone())
