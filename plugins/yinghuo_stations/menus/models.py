"""The project library, each station's service menu, and the orders a project took each month."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow

#: proposed by a squad -> gathered by its branch -> approved by the centre; or returned; retired
STATUSES = ("proposed", "gathered", "approved", "returned", "retired")


class Project(TenantModel, Base):
    __tablename__ = "stations_projects"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        ForeignKeyConstraint(["tenant_id", "team_unit_id"], ["units.tenant_id", "units.id"]),
    )

    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(1000), default="")
    #: the team that serves the project's orders
    team_unit_id: Mapped[int] = mapped_column(BigInteger)
    capacity_per_month: Mapped[int] = mapped_column(default=10)
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    #: why it was returned
    note: Mapped[str] = mapped_column(String(500), default="")
    proposed_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MenuItem(TenantModel, Base):
    """A project a station offers."""

    __tablename__ = "stations_menu_items"
    __table_args__ = (
        UniqueConstraint("tenant_id", "station_id", "project_id"),
        ForeignKeyConstraint(["tenant_id", "station_id"], ["units.tenant_id", "units.id"]),
        ForeignKeyConstraint(["tenant_id", "project_id"], ["stations_projects.tenant_id", "stations_projects.id"]),
    )

    station_id: Mapped[int] = mapped_column(BigInteger)
    project_id: Mapped[int] = mapped_column(BigInteger)


class ProjectMonth(TenantModel, Base):
    """Orders a project took in one month (tenant time), against its capacity: one atomic
    counter, so two residents ordering the last place at once cannot both get it."""

    __tablename__ = "stations_project_months"
    __table_args__ = (
        UniqueConstraint("tenant_id", "project_id", "month"),
        ForeignKeyConstraint(["tenant_id", "project_id"], ["stations_projects.tenant_id", "stations_projects.id"]),
        CheckConstraint("orders >= 0 AND orders <= capacity", name="within_capacity"),
    )

    project_id: Mapped[int] = mapped_column(BigInteger)
    #: "2026-12"
    month: Mapped[str] = mapped_column(String(7))
    orders: Mapped[int] = mapped_column(default=0)
    capacity: Mapped[int] = mapped_column(default=0)
