"""Published add/deduct items and their awards under public notice (公示), with objections."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKeyConstraint, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column
from yinghuo.api import Base, TenantModel, utcnow

#: who may award an item: "clerk" (points.award) or "admin" (points.adjust)
AWARDERS = ("clerk", "admin")
#: what an award of the item must carry
EVIDENCE = ("none", "note", "photo")
#: an award's life (msgids ``award:<status>``)
AWARD_STATUSES = ("notice", "held", "credited", "cancelled", "failed")
OBJECTION_STATUSES = ("open", "upheld", "dismissed")


class Item(TenantModel, Base):
    """One line of the published list: 打扫村公厕 +5, 违反村规民约 -10."""

    __tablename__ = "points_items"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "unit_id"], ["units.tenant_id", "units.id"]),
        CheckConstraint("points <> 0", name="not_zero"),
    )

    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(40), default="")
    #: added (> 0) or deducted (< 0) per award
    points: Mapped[int] = mapped_column()
    awarded_by: Mapped[str] = mapped_column(String(10), default="clerk")
    evidence: Mapped[str] = mapped_column(String(10), default="none")
    #: a village's own item; None: the whole tenant's list
    unit_id: Mapped[int | None] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Award(TenantModel, Base):
    """An item awarded to a person or a household; on the village's notice page until
    ``notice_until``, then credited unless an objection holds it."""

    __tablename__ = "points_awards"
    __table_args__ = (
        UniqueConstraint("tenant_id", "awarded_by", "idempotency_key"),
        ForeignKeyConstraint(["tenant_id", "item_id"], ["points_items.tenant_id", "points_items.id"]),
        ForeignKeyConstraint(["tenant_id", "unit_id"], ["units.tenant_id", "units.id"]),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
        ForeignKeyConstraint(["tenant_id", "household_id"], ["points_households.tenant_id", "points_households.id"]),
        Index("ix_points_awards_tenant_id_unit_id_status", "tenant_id", "unit_id", "status"),
        Index("ix_points_awards_tenant_id_status_notice_until", "tenant_id", "status", "notice_until"),
    )

    item_id: Mapped[int] = mapped_column(BigInteger)
    #: the village whose notice page shows it
    unit_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int | None] = mapped_column(BigInteger)
    household_id: Mapped[int | None] = mapped_column(BigInteger)
    points: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(String(500), default="")
    photo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    photo_type: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="notice")
    notice_until: Mapped[datetime] = mapped_column()
    awarded_by: Mapped[int] = mapped_column(BigInteger)
    idempotency_key: Mapped[str] = mapped_column(String(80))
    entry_id: Mapped[int | None] = mapped_column(BigInteger)
    #: why it was cancelled or failed
    outcome: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    credited_at: Mapped[datetime | None] = mapped_column()


class Objection(TenantModel, Base):
    """A villager's objection to an award under notice: it holds the award for the admin."""

    __tablename__ = "points_objections"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "award_id"], ["points_awards.tenant_id", "points_awards.id"]),
        Index("ix_points_objections_tenant_id_award_id", "tenant_id", "award_id"),
        Index("ix_points_objections_tenant_id_status", "tenant_id", "status"),
    )

    award_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(500))
    member_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default="open")
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decision: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
