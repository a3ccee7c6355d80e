"""The org tree: units of tenant-chosen types, any depth, materialised path."""
from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, TenantModel


class Unit(TenantModel, Base):
    __tablename__ = "units"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "parent_id"], ["units.tenant_id", "units.id"]),
        Index("ix_units_tenant_id_path", "tenant_id", "path"),
    )

    parent_id: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(200))
    #: tenant-chosen type: county, town, village; school, group, squad …
    type: Mapped[str] = mapped_column(String(40))
    #: "/<root id>/…/<own id>/": a subtree is one indexed prefix query
    path: Mapped[str] = mapped_column(String(1000))
    depth: Mapped[int] = mapped_column(default=0)
