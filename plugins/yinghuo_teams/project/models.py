"""Media works."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, String
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow


class MediaWork(TenantModel, Base):
    """A film, article or report by the creative group, and where it was published."""

    __tablename__ = "teams_media_works"

    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    outlet: Mapped[str] = mapped_column(String(200))
    link: Mapped[str] = mapped_column(String(500), default="")
    published_on: Mapped[date] = mapped_column(Date)
    squad_id: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
