"""Letterboxes in remote villages, and each round that emptied one."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow


class Letterbox(TenantModel, Base):
    __tablename__ = "stations_letterboxes"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        ForeignKeyConstraint(["tenant_id", "unit_id"], ["units.tenant_id", "units.id"]),
    )

    name: Mapped[str] = mapped_column(String(100))
    #: the village (station) it serves, and where it hangs
    unit_id: Mapped[int] = mapped_column(BigInteger)
    location: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LetterboxRound(TenantModel, Base):
    __tablename__ = "stations_letterbox_rounds"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "letterbox_id"], ["stations_letterboxes.tenant_id",
                                                            "stations_letterboxes.id"]),
        Index("ix_stations_letterbox_rounds_tenant_id_letterbox_id", "tenant_id", "letterbox_id"),
    )

    letterbox_id: Mapped[int] = mapped_column(BigInteger)
    collected_at: Mapped[datetime] = mapped_column(default=utcnow)
    collected_by: Mapped[int | None] = mapped_column(BigInteger)
    slips: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(String(500), default="")
