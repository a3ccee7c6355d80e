"""Certificates of volunteer service, and the platform-wide index of public verification codes."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..db.base import Base, TenantModel, utcnow


class Certificate(TenantModel, Base):
    __tablename__ = "certificates"
    __table_args__ = (ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
                      UniqueConstraint("tenant_id", "serial"))

    member_id: Mapped[int] = mapped_column(BigInteger)
    #: printed serial number, e.g. HQXIAN-2026-001234
    serial: Mapped[str] = mapped_column(String(60))
    #: the code in the QR: /verify/<code>
    code: Mapped[str] = mapped_column(String(40))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    #: approved minutes in the period when it was issued
    minutes: Mapped[int]
    #: the approved hour records it lists
    record_ids: Mapped[list] = mapped_column(JSON, default=list)
    #: pending (being made by a job), ready, failed, revoked
    status: Mapped[str] = mapped_column(String(10), default="pending")
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    revoked_at: Mapped[datetime | None]
    issued_on: Mapped[date] = mapped_column(Date)
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VerificationCode(Base):
    """Platform-wide: which tenant a public code belongs to, so /verify/<code> can ask it.

    Holds no personal data; the tenant's own hook answers what the code proves."""

    __tablename__ = "verification_codes"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    #: certificate, or a plugin's kind (pickup, award …)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
