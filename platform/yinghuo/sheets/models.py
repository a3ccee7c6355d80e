"""Excel in and out: member imports awaiting confirmation, and export jobs with progress."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..db.base import Base, TenantModel, utcnow


class ImportBatch(TenantModel, Base):
    """An uploaded member sheet: checked row by row, written only when an admin confirms."""

    __tablename__ = "import_batches"

    filename: Mapped[str] = mapped_column(String(200))
    #: validated, applied
    status: Mapped[str] = mapped_column(String(12), default="validated")
    total_rows: Mapped[int] = mapped_column(default=0)
    good_rows: Mapped[int] = mapped_column(default=0)
    #: [{"row": 3, "field": "id_number", "reason": "…"}]: every bad row and why
    errors: Mapped[list] = mapped_column(JSON, default=list)
    #: the good rows, encrypted (they hold ID numbers) until confirmed
    payload_enc: Mapped[str] = deferred(mapped_column(Text))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None]
    applied_count: Mapped[int | None]


class ExportJob(TenantModel, Base):
    """An .xlsx export; large ones are made by a job whose progress the page shows."""

    __tablename__ = "export_jobs"

    #: members, activities, hours
    kind: Mapped[str] = mapped_column(String(20))
    #: queued, running, done, failed
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    rows: Mapped[int | None]
    #: full ID numbers and phones (an admin gave a reason, audited)
    reveal: Mapped[bool] = mapped_column(default=False)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    error: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
