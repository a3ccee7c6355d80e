"""Declarative base, naming convention and the TenantModel mixin.

Every tenant-owned table has ``tenant_id`` leading its primary key ``(tenant_id, id)``
and every foreign key between tenant-owned tables is composite, so the schema can be
sharded by ``tenant_id`` (Citus) and a row can never point into another tenant.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, MetaData, Sequence, TypeDecorator, event, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: One id sequence for every tenant-owned table (PostgreSQL); SQLite uses ``id_counter``.
ID_SEQUENCE = Sequence("yinghuo_id_seq", start=1000)


#: Auto-incrementing big integer key for platform-wide tables (SQLite needs INTEGER).
BigIntPK = BigInteger().with_variant(Integer, "sqlite")


class UTCDateTime(TypeDecorator):
    """Timestamps stored in UTC and read back zone-aware, on PostgreSQL and on SQLite alike
    (SQLite would otherwise drop the offset and hand back naive local times)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a time zone")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value

    def result_processor(self, dialect, coltype):
        # PostgreSQL's timestamptz already comes back aware: no per-value call on reads
        if dialect.name == "postgresql":
            return None
        return super().result_processor(dialect, coltype)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    registry = registry(metadata=metadata, type_annotation_map={datetime: UTCDateTime()})


class TenantModel:
    """Mixin for tenant-owned tables: scoped by the kernel, guarded by RLS."""

    __tenant_owned__ = True

    #: The owning tenant; leads the primary key.
    tenant_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("tenants.id", ondelete="RESTRICT"), primary_key=True, sort_order=-20)
    #: Platform-wide unique id from one sequence, so ids never reveal per-tenant counts.
    id: Mapped[int] = mapped_column(BigInteger, ID_SEQUENCE, primary_key=True, autoincrement=False,
                                    sort_order=-10)


@event.listens_for(Base, "before_insert", propagate=True)
def _sqlite_ids(mapper, connection, target):
    """SQLite has no sequences: draw the id from a one-row counter table."""
    if connection.dialect.name != "sqlite" or not getattr(target, "__tenant_owned__", False):
        return
    if getattr(target, "id", None) is None:
        target.id = connection.execute(
            text("UPDATE id_counter SET value = value + 1 RETURNING value")).scalar_one()
