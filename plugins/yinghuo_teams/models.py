"""Squads, their members, first secretaries and the pairings between them (tables teams_*)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

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
