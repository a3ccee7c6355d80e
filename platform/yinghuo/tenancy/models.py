"""Tenants and what belongs to the tenant record itself (platform-wide tables)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db.base import BigIntPK, Base, utcnow

KINDS = ("university", "county", "hub", "other")
STATUSES = ("active", "suspended")


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    #: URL name: /t/<slug>/
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: university, county, hub or other
    kind: Mapped[str] = mapped_column(String(20))
    #: a hub's child points to the hub
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"))
    #: active or suspended (data kept)
    status: Mapped[str] = mapped_column(String(20), default="active")
    suspended_reason: Mapped[str | None] = mapped_column(String(500))
    #: validated by the kernel's and the enabled plugins' settings schemas
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    #: display_name, slogan, logo (URL or data URI)
    branding: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped["Tenant | None"] = relationship(remote_side=[id])
    plugin_rows: Mapped[list["TenantPlugin"]] = relationship(back_populates="tenant",
                                                              cascade="all, delete-orphan")
    hosts: Mapped[list["TenantHost"]] = relationship(cascade="all, delete-orphan")

    @property
    def enabled_plugins(self) -> list[str]:
        return sorted(p.plugin for p in self.plugin_rows if p.enabled)

    @property
    def display_name(self) -> str:
        return (self.branding or {}).get("display_name") or self.name

    def setting(self, key: str, default=None):
        return (self.settings or {}).get(key, default)


class TenantPlugin(Base):
    """A plugin enabled (or once enabled) for a tenant: data, never DDL."""

    __tablename__ = "tenant_plugins"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    plugin: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    #: set the first time it is enabled; seeds run with first_time=True once
    first_enabled_at: Mapped[datetime] = mapped_column(default=utcnow)

    tenant: Mapped[Tenant] = relationship(back_populates="plugin_rows")


class TenantHost(Base):
    """A host name that maps straight to a tenant (e.g. volunteer.example-county.gov.cn)."""

    __tablename__ = "tenant_hosts"
    __table_args__ = (UniqueConstraint("host"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
