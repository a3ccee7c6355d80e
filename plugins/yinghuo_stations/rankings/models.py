"""Residents' periodic survey of a station, one answer per phone, station and quarter."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow


class StationSurvey(TenantModel, Base):
    __tablename__ = "stations_surveys"
    __table_args__ = (
        UniqueConstraint("tenant_id", "station_id", "quarter", "phone_digest"),
        ForeignKeyConstraint(["tenant_id", "station_id"], ["units.tenant_id", "units.id"]),
    )

    station_id: Mapped[int] = mapped_column(BigInteger)
    #: "2026Q4"
    quarter: Mapped[str] = mapped_column(String(6))
    score: Mapped[int] = mapped_column()
    comment: Mapped[str] = mapped_column(String(500), default="")
    #: a keyed digest of the resident's phone: one answer each, the number itself not kept
    phone_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
