"""The merchant alliance: caring merchants' offers, redeemed by a code the merchant checks
on a page opened with the merchant's PIN."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow

VOUCHER_STATUSES = ("issued", "used")


class Merchant(TenantModel, Base):
    __tablename__ = "points_merchants"

    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    #: 凭码享受八折 / 免费观影一次 …
    offer: Mapped[str] = mapped_column(String(200))
    #: points it costs (None: free to those with the star level)
    points_price: Mapped[int | None] = mapped_column()
    #: the volunteer star level (1-5, by lifetime service hours) it needs (None: anyone)
    min_stars: Mapped[int | None] = mapped_column()
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Voucher(TenantModel, Base):
    """One use of a merchant's offer by a volunteer: a code the merchant marks used."""

    __tablename__ = "points_vouchers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        UniqueConstraint("tenant_id", "member_id", "idempotency_key"),
        ForeignKeyConstraint(["tenant_id", "merchant_id"], ["points_merchants.tenant_id", "points_merchants.id"]),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
        Index("ix_points_vouchers_tenant_id_merchant_id", "tenant_id", "merchant_id"),
    )

    merchant_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(BigInteger)
    idempotency_key: Mapped[str] = mapped_column(String(80))
    code: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), default="issued")
    entry_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column()
