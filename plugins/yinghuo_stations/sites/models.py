"""A site's profile: the centre, an institute or a station, as residents should know it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow

#: the five platforms a site may run (msgids ``platform:<code>``)
PLATFORMS = ("theory", "education", "culture", "science", "fitness")


class SiteProfile(TenantModel, Base):
    __tablename__ = "stations_site_profiles"
    __table_args__ = (
        UniqueConstraint("tenant_id", "unit_id"),
        ForeignKeyConstraint(["tenant_id", "unit_id"], ["units.tenant_id", "units.id"]),
    )

    #: the kernel org unit this profile describes
    unit_id: Mapped[int] = mapped_column(BigInteger)
    address: Mapped[str] = mapped_column(String(300), default="")
    opening_hours: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    platforms: Mapped[list] = mapped_column(JSON, default=list)
    updated_by: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
