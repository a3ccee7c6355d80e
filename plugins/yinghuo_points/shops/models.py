"""Village supermarkets: a shop on a kernel unit, its goods, and the stock ledger."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKeyConstraint, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column
from yinghuo.api import Base, TenantModel, utcnow

#: stock moves (msgids ``stock:<kind>``)
MOVE_KINDS = ("receive", "redeem", "return", "adjust", "writeoff")
#: whose monthly limit a good's ``limit_per_month`` counts
LIMIT_BY = ("person", "household")


class Shop(TenantModel, Base):
    """The points supermarket of one village or site (a kernel unit)."""

    __tablename__ = "points_shops"
    __table_args__ = (
        UniqueConstraint("tenant_id", "unit_id"),
        ForeignKeyConstraint(["tenant_id", "unit_id"], ["units.tenant_id", "units.id"]),
    )

    unit_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    opening_hours: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Good(TenantModel, Base):
    """Goods on a shop's shelf: price in points, stock kept in step with its stock moves."""

    __tablename__ = "points_goods"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "shop_id"], ["points_shops.tenant_id", "points_shops.id"]),
        Index("ix_points_goods_tenant_id_shop_id", "tenant_id", "shop_id"),
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
    )

    shop_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[int] = mapped_column()
    #: the sum of the good's stock moves; the nightly check compares the two
    stock: Mapped[int] = mapped_column(default=0)
    #: at most this many a month per person or household (None: no limit)
    limit_per_month: Mapped[int | None] = mapped_column()
    limit_by: Mapped[str] = mapped_column(String(10), default="person")
    photo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    photo_type: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StockMove(TenantModel, Base):
    """``change`` units in or out of a good's stock; never edited, like the points ledger."""

    __tablename__ = "points_stock_moves"
    __table_args__ = (
        UniqueConstraint("tenant_id", "source", "source_id"),
        ForeignKeyConstraint(["tenant_id", "good_id"], ["points_goods.tenant_id", "points_goods.id"]),
        Index("ix_points_stock_moves_tenant_id_good_id", "tenant_id", "good_id"),
        CheckConstraint("change <> 0", name="not_zero"),
    )

    good_id: Mapped[int] = mapped_column(BigInteger)
    change: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(10))
    #: what caused it, unique: ("order", "<order id>:<good id>"), ("stock", an idempotency key) …
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
