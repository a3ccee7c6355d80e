"""Public votes: each one a row (the facts, never lost), counted per voter per day against
the competition's limits; tallies are counted in Redis and rebuilt from these rows."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow


class Vote(TenantModel, Base):
    __tablename__ = "competitions_votes"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "entry_id"], ["competitions_entries.tenant_id", "competitions_entries.id"]),
        Index("ix_competitions_votes_tenant_id_entry_id", "tenant_id", "entry_id"),
        Index("ix_competitions_votes_tenant_id_competition_id_created_at", "tenant_id", "competition_id", "created_at"),
    )

    competition_id: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int] = mapped_column(BigInteger)
    #: "member:<id>" (a signed-in voter) or "phone:<keyed hash>"
    voter: Mapped[str] = mapped_column(String(80))
    #: the tenant's local day the limits count in
    day: Mapped[date] = mapped_column(Date)
    ip: Mapped[str] = mapped_column(String(45), default="")
    device: Mapped[str] = mapped_column(String(64), default="")
    voided: Mapped[bool] = mapped_column(default=False)
    void_reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VoterDay(TenantModel, Base):
    """A voter's votes of one day, in all (``entry_id`` 0) or for one entry, against the cap:
    one conditional UPDATE each, so concurrent votes of one voter never pass the limit."""

    __tablename__ = "competitions_voter_days"
    __table_args__ = (
        UniqueConstraint("tenant_id", "competition_id", "voter", "day", "entry_id"),
        CheckConstraint("votes >= 0 AND votes <= cap", name="within_cap"),
    )

    competition_id: Mapped[int] = mapped_column(BigInteger)
    voter: Mapped[str] = mapped_column(String(80))
    day: Mapped[date] = mapped_column(Date)
    entry_id: Mapped[int] = mapped_column(BigInteger, default=0)
    votes: Mapped[int] = mapped_column(default=0)
    cap: Mapped[int] = mapped_column(default=0)
