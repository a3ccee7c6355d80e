"""Redemption orders: points and stock reserved together, a pickup code, handover or expiry."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from yinghuo.api import Base, TenantModel, utcnow

#: msgids ``order:<status>``
ORDER_STATUSES = ("reserved", "picked_up", "expired", "cancelled")


class Order(TenantModel, Base):
    """Goods of one shop ordered for a person, paid from their (or their household's) account."""

    __tablename__ = "points_orders"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        UniqueConstraint("tenant_id", "placed_by", "idempotency_key"),
        ForeignKeyConstraint(["tenant_id", "shop_id"], ["points_shops.tenant_id", "points_shops.id"]),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
        ForeignKeyConstraint(["tenant_id", "account_id"], ["points_accounts.tenant_id", "points_accounts.id"]),
        Index("ix_points_orders_tenant_id_member_id", "tenant_id", "member_id"),
        Index("ix_points_orders_tenant_id_status_expires_at", "tenant_id", "status", "expires_at"),
    )

    shop_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(BigInteger)
    account_id: Mapped[int] = mapped_column(BigInteger)
    placed_by: Mapped[int] = mapped_column(BigInteger)
    idempotency_key: Mapped[str] = mapped_column(String(80))
    #: eight digits, shown and printed with its QR code
    code: Mapped[str] = mapped_column(String(8))
    points: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(10), default="reserved")
    expires_at: Mapped[datetime] = mapped_column()
    entry_id: Mapped[int | None] = mapped_column(BigInteger)
    refund_entry_id: Mapped[int | None] = mapped_column(BigInteger)
    handed_by: Mapped[int | None] = mapped_column(BigInteger)
    closed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrderLine(TenantModel, Base):
    __tablename__ = "points_order_lines"
    __table_args__ = (
        UniqueConstraint("tenant_id", "order_id", "good_id"),
        ForeignKeyConstraint(["tenant_id", "order_id"], ["points_orders.tenant_id", "points_orders.id"]),
        ForeignKeyConstraint(["tenant_id", "good_id"], ["points_goods.tenant_id", "points_goods.id"]),
        Index("ix_points_order_lines_tenant_id_good_id", "tenant_id", "good_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    order_id: Mapped[int] = mapped_column(BigInteger)
    good_id: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column()
    price: Mapped[int] = mapped_column()
