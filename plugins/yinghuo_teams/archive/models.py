"""Village archive exports."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKeyConstraint, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column
from yinghuo.api import Base, TenantModel, utcnow


class ArchiveExport(TenantModel, Base):
    """A village archive made into one PDF and a .zip of its documents, by a job."""

    __tablename__ = "teams_archive_exports"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "village_id"], ["units.tenant_id", "units.id"]),
    )

    village_id: Mapped[int] = mapped_column(BigInteger)
    #: queued, running, done, failed
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    reports: Mapped[int | None]
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    zip: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    error: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
