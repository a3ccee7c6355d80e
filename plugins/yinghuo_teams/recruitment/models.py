"""Applications and interview slots."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow


class InterviewSlot(TenantModel, Base):
    """An interview time for applicants."""

    __tablename__ = "teams_interview_slots"

    starts_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int] = mapped_column(default=6)
    booked: Mapped[int] = mapped_column(default=0)
    interviewers: Mapped[str] = mapped_column(String(200), default="")


class Application(TenantModel, Base):
    """A student's application to join the project (public form, no account needed)."""

    __tablename__ = "teams_applications"
    __table_args__ = (
        UniqueConstraint("tenant_id", "phone"),
        ForeignKeyConstraint(["tenant_id", "slot_id"], ["teams_interview_slots.tenant_id", "teams_interview_slots.id"]),
    )

    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))
    school: Mapped[str] = mapped_column(String(100))
    major: Mapped[str] = mapped_column(String(100))
    year: Mapped[str] = mapped_column(String(20))
    skills: Mapped[str] = mapped_column(String(500), default="")
    statement: Mapped[str] = mapped_column(String(3000))
    #: applied, shortlisted, rejected, interview, passed, failed, accepted
    status: Mapped[str] = mapped_column(String(12), default="applied")
    slot_id: Mapped[int | None] = mapped_column(BigInteger)
    interview_score: Mapped[int | None]
    interview_notes: Mapped[str] = mapped_column(String(2000), default="")
    note: Mapped[str] = mapped_column(String(1000), default="")
    #: the membership created on acceptance
    member_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
