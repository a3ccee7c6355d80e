"""Small frozen records that plugins return from registration hooks; the host validates them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class PluginManifest:
    #: short name, also the URL segment and table prefix: "teams" -> teams_*
    name: str
    title_zh: str
    title_en: str
    version: str = "0.1.0"
    #: marshmallow schema class for the plugin's tenant settings (keys under settings[name])
    settings_schema: Any = None
    #: folder with the plugin's Alembic revisions (its own branch)
    migrations: str | None = None
    #: folder with the plugin's catalogs (<locale>/LC_MESSAGES/messages.po), merged with the kernel's
    translations: str | None = None
    #: "tenant", "hub" or "both"
    level: str = "tenant"
    description: str = ""


@dataclass(frozen=True)
class PluginBlueprint:
    #: "api" mounts under /t/<slug>/api/v1/<plugin>/, "page" under /t/<slug>/<plugin>/
    kind: str
    blueprint: Any


@dataclass(frozen=True)
class Permission:
    name: str
    title: str
    default_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class NavItem:
    title: str
    endpoint: str
    area: str = "portal"
    order: int = 100
    icon: str = ""
    #: a count shown beside the title (unread messages, items waiting); 0 shows nothing
    badge: int = 0


@dataclass(frozen=True)
class Widget:
    title: str
    value: Any
    detail: str = ""


@dataclass(frozen=True)
class Stat:
    name: str
    value: int


@dataclass(frozen=True)
class PeriodicJob:
    #: dotted path of a function ``f(tenant_id, **kwargs)``
    func: str
    interval_seconds: int
    name: str = ""
    per_tenant: bool = True
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Verification:
    kind: str
    genuine: bool
    details: dict = field(default_factory=dict)


Callback = Callable[..., Any]
