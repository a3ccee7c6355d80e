"""A station's ledger (台账): for each activity it held, the record, evaluation and feedback."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKeyConstraint, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column
from yinghuo.api import Base, TenantModel, utcnow


class LedgerEntry(TenantModel, Base):
    __tablename__ = "stations_ledger_entries"
    __table_args__ = (
        UniqueConstraint("tenant_id", "activity_id"),
        ForeignKeyConstraint(["tenant_id", "activity_id"], ["activities.tenant_id", "activities.id"]),
        ForeignKeyConstraint(["tenant_id", "station_id"], ["units.tenant_id", "units.id"]),
    )

    #: the kernel activity this entry records, and the station that held it
    activity_id: Mapped[int] = mapped_column(BigInteger)
    station_id: Mapped[int] = mapped_column(BigInteger)
    #: what happened (活动记录)
    record: Mapped[str] = mapped_column(String(4000), default="")
    #: the station's evaluation, 1-5 with a comment (活动评估)
    evaluation_score: Mapped[int | None] = mapped_column()
    evaluation: Mapped[str] = mapped_column(String(2000), default="")
    #: what the people served said (群众反馈)
    feedback: Mapped[str] = mapped_column(String(2000), default="")
    updated_by: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerPhoto(TenantModel, Base):
    __tablename__ = "stations_ledger_photos"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "entry_id"], ["stations_ledger_entries.tenant_id",
                                                         "stations_ledger_entries.id"]),
        Index("ix_stations_ledger_photos_tenant_id_entry_id", "tenant_id", "entry_id"),
    )

    entry_id: Mapped[int] = mapped_column(BigInteger)
    mimetype: Mapped[str] = mapped_column(String(40))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
