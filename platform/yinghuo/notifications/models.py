"""The in-app inbox: one row per message per person (tenant-owned)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, TenantModel, utcnow


class Notification(TenantModel, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
        Index("ix_notifications_tenant_id_member_id_read_at", "tenant_id", "member_id", "read_at"),
    )

    member_id: Mapped[int] = mapped_column(BigInteger)
    #: signup_confirmed, signup_waitlisted, signup_promoted, signup_cancelled, activity_cancelled,
    #: hours_approved, hours_rejected, or a plugin's own kind
    kind: Mapped[str] = mapped_column(String(40))
    #: values for the message template (rendered in the reader's language)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    #: a path inside the tenant to open
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
