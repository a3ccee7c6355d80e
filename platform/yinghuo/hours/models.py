"""Service-hour records: what the national rules ask of each record (who, what, where,
when, how long) and the evidence behind it. Never deleted: voided with a reason."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKeyConstraint, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, TenantModel, utcnow

STATUSES = ("pending", "approved", "rejected", "voided")
#: qr: checked in and out by QR; proxy: a leader did it for them; manual: entered with a note
EVIDENCE = ("qr", "proxy", "correction", "manual")
#: why a record deserves a second look, as approvers read it
FLAGS = {"manual": "entered by hand", "over": "above the time checked in"}


class HourRecord(TenantModel, Base):
    __tablename__ = "hour_records"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
        ForeignKeyConstraint(["tenant_id", "activity_id"], ["activities.tenant_id", "activities.id"]),
        ForeignKeyConstraint(["tenant_id", "supersedes_id"], ["hour_records.tenant_id", "hour_records.id"]),
        Index("ix_hour_records_tenant_id_member_id_status", "tenant_id", "member_id", "status"),
        Index("ix_hour_records_tenant_id_activity_id", "tenant_id", "activity_id"),
        # the approval queue: pending records by activity and by id; the flagged ones, largest first
        Index("ix_hour_records_tenant_id_status_activity_id", "tenant_id", "status", "activity_id"),
        Index("ix_hour_records_tenant_id_status_id", "tenant_id", "status", "id"),
        Index("ix_hour_records_flagged", "tenant_id", "minutes", "id", postgresql_where=text("flag IS NOT NULL"),
              sqlite_where=text("flag IS NOT NULL")),
    )

    member_id: Mapped[int] = mapped_column(BigInteger)
    #: None for offline service entered by a leader
    activity_id: Mapped[int | None] = mapped_column(BigInteger)
    #: the day the service was given (rankings and certificates go by it)
    served_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int]
    #: what the service was (copied from the activity, or the leader's description)
    content: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(300), default="")
    evidence: Mapped[str] = mapped_column(String(12))
    #: a key of FLAGS, or None: entered by hand (set when made), or pending hours above the time
    #: the person was checked in at the activity (set when made and when the attendance changes)
    flag: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: why rejected or voided
    reason: Mapped[str | None] = mapped_column(String(500))
    #: a correction points at the record it replaces (which is then voided)
    supersedes_id: Mapped[int | None] = mapped_column(BigInteger)
    entered_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


#: the periods a record counts in, from its service day: its month, quarter, year and all time
def periods_of(day: date) -> tuple[str, str, str, str]:
    return (f"{day.year:04d}-{day.month:02d}", f"{day.year:04d}-Q{(day.month + 2) // 3}", f"{day.year:04d}", "all")


class HourTotal(TenantModel, Base):
    """A member's approved minutes in a period: a month ``2026-11``, a quarter ``2026-Q4``, a
    year ``2026`` or ``all``. Kept in step with ``hour_records`` by the database's triggers
    (migration 0013), in the same transaction as the approval, void or correction, so rankings,
    roll-ups and dashboards read one row per member instead of every record; ``yinghuo hours
    totals check`` compares them with the records and ``--rebuild`` makes them again."""

    __tablename__ = "hour_totals"
    __table_args__ = (
        UniqueConstraint("tenant_id", "member_id", "period"),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
        # a period's ranking: the top rows of the index, whatever the tenant's size
        Index("ix_hour_totals_tenant_id_period_minutes", "tenant_id", "period", "minutes", "member_id"),
    )

    member_id: Mapped[int] = mapped_column(BigInteger)
    period: Mapped[str] = mapped_column(String(7))
    minutes: Mapped[int] = mapped_column(BigInteger, default=0)
