"""Households (户): members grouped under one head, earning and spending together where the
tenant chooses household earning."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow


class Household(TenantModel, Base):
    """One household of a village: its name (王家), its village (a kernel unit) and its head."""

    __tablename__ = "points_households"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "unit_id"], ["units.tenant_id", "units.id"]),
        ForeignKeyConstraint(["tenant_id", "head_member_id"], ["members.tenant_id", "members.id"]),
        Index("ix_points_households_tenant_id_unit_id", "tenant_id", "unit_id"),
    )

    name: Mapped[str] = mapped_column(String(60))
    unit_id: Mapped[int] = mapped_column(BigInteger)
    head_member_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HouseholdMember(TenantModel, Base):
    """A person of a household; a person belongs to one household at most."""

    __tablename__ = "points_household_members"
    __table_args__ = (
        UniqueConstraint("tenant_id", "member_id"),
        ForeignKeyConstraint(["tenant_id", "household_id"], ["points_households.tenant_id", "points_households.id"]),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
        Index("ix_points_household_members_tenant_id_household_id", "tenant_id", "household_id"),
    )

    household_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(BigInteger)
