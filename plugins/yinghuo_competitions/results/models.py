"""A competition's published results: each entry's place in its category, the scores that
put it there, its award and the certificate's public code. Written once, when published."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow


class Result(TenantModel, Base):
    __tablename__ = "competitions_results"
    __table_args__ = (
        UniqueConstraint("tenant_id", "competition_id", "entry_id"),
        UniqueConstraint("tenant_id", "code"),
        ForeignKeyConstraint(["tenant_id", "entry_id"], ["competitions_entries.tenant_id", "competitions_entries.id"]),
    )

    competition_id: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int] = mapped_column(BigInteger)
    category: Mapped[str] = mapped_column(String(40))
    rank: Mapped[int] = mapped_column()
    judge_score: Mapped[float] = mapped_column(Float, default=0.0)
    votes: Mapped[int] = mapped_column(default=0)
    vote_score: Mapped[float] = mapped_column(Float, default=0.0)
    final: Mapped[float] = mapped_column(Float, default=0.0)
    #: first, second, third, excellence, honour, or "" (no award)
    award: Mapped[str] = mapped_column(String(12), default="")
    #: the certificate's code, checked at /verify/<code> (awards only)
    code: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
