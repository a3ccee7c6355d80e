"""Quarterly evaluations and certificates of honour."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKeyConstraint, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column
from yinghuo.api import Base, TenantModel, utcnow


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
        # unique per tenant (distributable by tenant_id); the platform's verification_codes
        # table keeps codes unique across tenants
        UniqueConstraint("tenant_id", "code"),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
    )

    year: Mapped[int] = mapped_column()
    member_id: Mapped[int] = mapped_column(BigInteger)
    rank: Mapped[int] = mapped_column()
    score: Mapped[float] = mapped_column()
    evaluation_score: Mapped[float] = mapped_column()
    hours: Mapped[float] = mapped_column()
    serial: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(40))
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
