"""The points ledger: accounts, append-only double entries chained by hash, the chain's head."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow

#: what an entry records (msgids ``entry:<kind>``)
KINDS = ("hours", "hours_void", "item", "adjust", "redeem", "refund")


class PointsAccount(TenantModel, Base):
    """A person's, a household's, or the tenant's own issuing or redemption account."""

    __tablename__ = "points_accounts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "key"),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
    )

    #: "issuing", "redemption", "member:<id>", "household:<id>"
    key: Mapped[str] = mapped_column(String(40))
    member_id: Mapped[int | None] = mapped_column(BigInteger)
    household_id: Mapped[int | None] = mapped_column(BigInteger)
    #: the sum of the ledger for this account, kept in step by every entry; the nightly
    #: reconciliation checks it against the ledger itself
    balance: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PointsEntry(TenantModel, Base):
    """``amount`` points from ``debit_account_id`` to ``credit_account_id``. Never changed:
    a mistake is answered by a counter-entry. ``hash`` chains it to the entry before."""

    __tablename__ = "points_entries"
    __table_args__ = (
        UniqueConstraint("tenant_id", "seq"),
        UniqueConstraint("tenant_id", "source", "source_id"),
        ForeignKeyConstraint(["tenant_id", "debit_account_id"], ["points_accounts.tenant_id", "points_accounts.id"]),
        ForeignKeyConstraint(["tenant_id", "credit_account_id"], ["points_accounts.tenant_id", "points_accounts.id"]),
        Index("ix_points_entries_tenant_id_debit_account_id", "tenant_id", "debit_account_id"),
        Index("ix_points_entries_tenant_id_credit_account_id", "tenant_id", "credit_account_id"),
        CheckConstraint("amount > 0", name="positive"),
    )

    #: 1, 2, 3 … within the tenant: the chain's order
    seq: Mapped[int] = mapped_column(BigInteger)
    debit_account_id: Mapped[int] = mapped_column(BigInteger)
    credit_account_id: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))
    #: what caused it, unique: ("hours", record id), ("adjust", the request's idempotency key) …
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(80))
    #: the entry a counter-entry answers
    reverses_id: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class PointsChain(TenantModel, Base):
    """The head of the tenant's chain: the last seq and hash. Appending locks this row, so
    entries of one tenant are written one after another."""

    __tablename__ = "points_chain"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    head_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)
