"""Reports, their review history, files and the reminders sent about them."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKeyConstraint, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column
from yinghuo.api import Base, TenantModel, utcnow


class Report(TenantModel, Base):
    """A weekly work summary, monthly brief or case study written by a squad."""

    __tablename__ = "teams_reports"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "squad_id"], ["teams_squads.tenant_id", "teams_squads.id"]),
        ForeignKeyConstraint(["tenant_id", "author_id"], ["members.tenant_id", "members.id"]),
    )

    squad_id: Mapped[int] = mapped_column(BigInteger)
    #: weekly, monthly or case
    kind: Mapped[str] = mapped_column(String(10))
    #: the Monday of the week, the first of the month, or the day a case study starts
    period_start: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    #: the tenant's template sections -> text
    sections: Mapped[dict] = mapped_column(JSON, default=dict)
    #: draft, submitted, returned, resubmitted, accepted
    status: Mapped[str] = mapped_column(String(12), default="draft")
    author_id: Mapped[int] = mapped_column(BigInteger)
    submitted_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportReview(TenantModel, Base):
    """Every step of a report's life: who did what, when, and the comment."""

    __tablename__ = "teams_report_reviews"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "report_id"], ["teams_reports.tenant_id", "teams_reports.id"]),
    )

    report_id: Mapped[int] = mapped_column(BigInteger)
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(12))
    comment: Mapped[str] = mapped_column(String(2000), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Reminder(TenantModel, Base):
    """A reminder sent: at most one per squad, kind, period and audience (jobs may run twice)."""

    __tablename__ = "teams_reminders"
    __table_args__ = (
        UniqueConstraint("tenant_id", "squad_id", "kind", "period_start", "audience"),
        ForeignKeyConstraint(["tenant_id", "squad_id"], ["teams_squads.tenant_id", "teams_squads.id"]),
    )

    squad_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date)
    #: leader (before the deadline) or archive (the squad is overdue)
    audience: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(TenantModel, Base):
    """A photo or document attached to a report (size and type checked on upload)."""

    __tablename__ = "teams_attachments"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "report_id"], ["teams_reports.tenant_id", "teams_reports.id"]),
    )

    report_id: Mapped[int] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
