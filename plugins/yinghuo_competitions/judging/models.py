"""Judges assigned to a competition's categories, the conflicts they declare, and their
score sheets (one per judge, entry and round), locked once submitted."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Float, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow

#: the rounds a judge scores in (msgids ``round:<key>``): the review of every accepted entry
#: in the judge's categories, and the roadshow of the finalists
ROUNDS = ("review", "roadshow")


class Judge(TenantModel, Base):
    __tablename__ = "competitions_judges"
    __table_args__ = (
        UniqueConstraint("tenant_id", "competition_id", "member_id"),
        ForeignKeyConstraint(["tenant_id", "competition_id"],
                             ["competitions_competitions.tenant_id", "competitions_competitions.id"]),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
    )

    competition_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(BigInteger)
    #: the categories this judge scores
    categories: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Conflict(TenantModel, Base):
    """A judge's declared conflict of interest: the judge never sees nor scores the entry."""

    __tablename__ = "competitions_conflicts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "competition_id", "member_id", "entry_id"),
        ForeignKeyConstraint(["tenant_id", "entry_id"], ["competitions_entries.tenant_id", "competitions_entries.id"]),
    )

    competition_id: Mapped[int] = mapped_column(BigInteger)
    #: the judge's membership
    member_id: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Sheet(TenantModel, Base):
    """A judge's scores for one entry in one round: each criterion within its range; the
    total is the criteria weighed (0-100). Locked when submitted."""

    __tablename__ = "competitions_sheets"
    __table_args__ = (
        UniqueConstraint("tenant_id", "competition_id", "entry_id", "member_id", "round"),
        ForeignKeyConstraint(["tenant_id", "entry_id"], ["competitions_entries.tenant_id", "competitions_entries.id"]),
        Index("ix_competitions_sheets_tenant_id_competition_id_round", "tenant_id", "competition_id", "round"),
    )

    competition_id: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(BigInteger)
    round: Mapped[str] = mapped_column(String(10), default="review")
    #: {criterion key: score}
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    comment: Mapped[str] = mapped_column(String(2000), default="")
    submitted_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
