"""Squads, their members, village first secretaries and pairings (tables teams_*)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow


class Squad(TenantModel, Base):
    """A squad of 3-4 students with one leader (limits are tenant settings)."""

    __tablename__ = "teams_squads"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        ForeignKeyConstraint(["tenant_id", "leader_id"], ["members.tenant_id", "members.id"]),
    )

    name: Mapped[str] = mapped_column(String(100))
    #: the member who leads it (also one of its members)
    leader_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SquadMember(TenantModel, Base):
    __tablename__ = "teams_squad_members"
    __table_args__ = (
        UniqueConstraint("tenant_id", "member_id"),  # a student is in one squad at a time
        ForeignKeyConstraint(["tenant_id", "squad_id"], ["teams_squads.tenant_id", "teams_squads.id"]),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
    )

    squad_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(BigInteger)


class Secretary(TenantModel, Base):
    """A village first secretary (驻村第一书记)."""

    __tablename__ = "teams_secretaries"

    name: Mapped[str] = mapped_column(String(100))
    post: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)


class Pairing(TenantModel, Base):
    """A squad paired with a secretary and a village for a time; history is kept."""

    __tablename__ = "teams_pairings"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "squad_id"], ["teams_squads.tenant_id", "teams_squads.id"]),
        ForeignKeyConstraint(["tenant_id", "secretary_id"], ["teams_secretaries.tenant_id", "teams_secretaries.id"]),
        ForeignKeyConstraint(["tenant_id", "village_id"], ["units.tenant_id", "units.id"]),
    )

    squad_id: Mapped[int] = mapped_column(BigInteger)
    secretary_id: Mapped[int] = mapped_column(BigInteger)
    #: the village: an org unit of the tenant
    village_id: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[date] = mapped_column(Date)
    #: None while current
    ends_on: Mapped[date | None] = mapped_column(Date)
