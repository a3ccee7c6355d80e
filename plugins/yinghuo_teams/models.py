"""Squads, their members, first secretaries and the pairings between them (tables teams_*)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKeyConstraint, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from yinghuo.api import Base, TenantModel, utcnow


class Squad(TenantModel, Base):
    """A squad of 3-4 students with one leader (limits are tenant settings)."""

    __tablename__ = "teams_squads"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        ForeignKeyConstraint(["tenant_id", "leader_id"], ["members.tenant_id", "members.id"]),
    )

    name: Mapped[str] = mapped_column(String(100))
    #: the member who leads it (also one of its members)
    leader_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SquadMember(TenantModel, Base):
    __tablename__ = "teams_squad_members"
    __table_args__ = (
        UniqueConstraint("tenant_id", "member_id"),  # a student is in one squad at a time
        ForeignKeyConstraint(["tenant_id", "squad_id"], ["teams_squads.tenant_id", "teams_squads.id"]),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
    )

    squad_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(BigInteger)


class Secretary(TenantModel, Base):
    """A village first secretary (驻村第一书记)."""

    __tablename__ = "teams_secretaries"

    name: Mapped[str] = mapped_column(String(100))
    post: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)


class Pairing(TenantModel, Base):
    """A squad paired with a secretary and a village for a time; history is kept."""

    __tablename__ = "teams_pairings"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "squad_id"], ["teams_squads.tenant_id", "teams_squads.id"]),
        ForeignKeyConstraint(["tenant_id", "secretary_id"], ["teams_secretaries.tenant_id", "teams_secretaries.id"]),
        ForeignKeyConstraint(["tenant_id", "village_id"], ["units.tenant_id", "units.id"]),
    )

    squad_id: Mapped[int] = mapped_column(BigInteger)
    secretary_id: Mapped[int] = mapped_column(BigInteger)
    #: the village: an org unit of the tenant
    village_id: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[date] = mapped_column(Date)
    #: None while current
    ends_on: Mapped[date | None] = mapped_column(Date)


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


class Evaluation(TenantModel, Base):
    """One scorer's quarterly scores of one volunteer (criteria and weights: tenant settings)."""

    __tablename__ = "teams_evaluations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "member_id", "quarter", "scorer_id"),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
    )

    member_id: Mapped[int] = mapped_column(BigInteger)
    #: 2026-Q4
    quarter: Mapped[str] = mapped_column(String(7))
    scorer_id: Mapped[int] = mapped_column(BigInteger)
    #: leader (the volunteer's squad leader) or head (a group head or admin)
    scorer_role: Mapped[str] = mapped_column(String(10))
    #: criterion -> 0..100
    scores: Mapped[dict] = mapped_column(JSON)
    #: weighted total, 0..100
    total: Mapped[float] = mapped_column()
    comment: Mapped[str] = mapped_column(String(1000), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Honour(TenantModel, Base):
    """An annual excellent-volunteer title, with its certificate of honour."""

    __tablename__ = "teams_honours"
    __table_args__ = (
        UniqueConstraint("tenant_id", "year", "member_id"),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
    )

    year: Mapped[int] = mapped_column()
    member_id: Mapped[int] = mapped_column(BigInteger)
    rank: Mapped[int] = mapped_column()
    score: Mapped[float] = mapped_column()
    evaluation_score: Mapped[float] = mapped_column()
    hours: Mapped[float] = mapped_column()
    serial: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
