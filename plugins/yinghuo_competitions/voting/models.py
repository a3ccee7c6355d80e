"""Public votes: each one a row (the facts, never lost), counted per voter per day against
the competition's limits; tallies are counted in Redis and rebuilt from these rows."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Date, ForeignKeyConstraint, Index, String, UniqueConstraint
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
    #: for the anomaly report: the address's network (/24, IPv6 /48), the ten-minute window
    #: the vote fell in (seconds since 1970 // 600), cast between midnight and six local time
    subnet: Mapped[str] = mapped_column(String(45), default="")
    window: Mapped[int] = mapped_column(BigInteger, default=0)
    night: Mapped[bool] = mapped_column(default=False)
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


class PhoneCode(TenantModel, Base):
    """A code sent to a voter's phone: a voter without an account proves the phone is theirs."""

    __tablename__ = "competitions_phone_codes"
    __table_args__ = (Index("ix_competitions_phone_codes_tenant_id_phone", "tenant_id", "phone"),)

    #: keyed hash of the phone number
    phone: Mapped[str] = mapped_column(String(80))
    #: keyed hash of the code
    code: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[datetime] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0)
    used: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnomalyReview(TenantModel, Base):
    """An organiser's decision on an entry the anomaly report flagged: votes kept, or the
    suspicious ones voided (with the reason). Results wait until every flag is decided."""

    __tablename__ = "competitions_anomaly_reviews"
    __table_args__ = (UniqueConstraint("tenant_id", "competition_id", "entry_id"),
                      ForeignKeyConstraint(["tenant_id", "entry_id"],
                                           ["competitions_entries.tenant_id", "competitions_entries.id"]))

    competition_id: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int] = mapped_column(BigInteger)
    #: "kept" or "voided"
    decision: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(500), default="")
    #: the signals as the report showed them when decided
    signals: Mapped[dict] = mapped_column(JSON, default=dict)
    voided_votes: Mapped[int] = mapped_column(default=0)
    decided_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
