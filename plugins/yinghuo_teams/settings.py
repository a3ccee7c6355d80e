"""The plugin's tenant settings, with defaults for anything a tenant has not set."""
from __future__ import annotations

from yinghuo.api import current_tenant


def settings_of(tenant) -> dict:
    """A tenant's teams settings with defaults for anything it has not set."""
    from .plugin import TeamsSettings  # the schema the manifest declares
    return TeamsSettings().load((tenant.settings or {}).get("teams") or {})


def settings() -> dict:
    """The teams settings of the tenant in scope."""
    return settings_of(current_tenant())
