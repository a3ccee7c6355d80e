"""Entries: a team's project in one category, its sections, review, and the versions kept."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKeyConstraint, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column
from yinghuo.api import Base, TenantModel, utcnow

#: msgids ``entry:<status>``
ENTRY_STATUSES = ("draft", "submitted", "changes", "accepted", "rejected")


class Entry(TenantModel, Base):
    """A project entered in a competition. In a hub's competition it is the hub's row, entered
    through the entrant's membership of the hub; ``from_tenant_id`` says which child tenant
    it comes from (nothing of the child is read or shown)."""

    __tablename__ = "competitions_entries"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "competition_id"],
                             ["competitions_competitions.tenant_id", "competitions_competitions.id"]),
        ForeignKeyConstraint(["tenant_id", "entrant_id"], ["members.tenant_id", "members.id"]),
        ForeignKeyConstraint(["from_tenant_id"], ["tenants.id"]),
        Index("ix_competitions_entries_tenant_id_competition_id_status", "tenant_id", "competition_id", "status"),
        Index("ix_competitions_entries_tenant_id_entrant_id", "tenant_id", "entrant_id"),
    )

    competition_id: Mapped[int] = mapped_column(BigInteger)
    entrant_id: Mapped[int] = mapped_column(BigInteger)
    from_tenant_id: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(200))
    team_name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: {criterion key: what the team writes for it}
    sections: Mapped[dict] = mapped_column(JSON, default=dict)
    video_link: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    review_note: Mapped[str] = mapped_column(String(1000), default="")
    version: Mapped[int] = mapped_column(default=0)
    #: chosen for the roadshow (the top of its category after judging)
    finalist: Mapped[bool] = mapped_column(default=False)
    #: an honour selection's nomination: the member nominated (None for a team or project)
    nominee_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class EntryVersion(TenantModel, Base):
    """What an entry said at each submission: the version judges score is the last one
    before the deadline."""

    __tablename__ = "competitions_entry_versions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "entry_id", "version"),
        ForeignKeyConstraint(["tenant_id", "entry_id"], ["competitions_entries.tenant_id", "competitions_entries.id"]),
    )

    entry_id: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column()
    snapshot: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EntryFile(TenantModel, Base):
    """A document or image of an entry, its kind checked by its content; kept with the entry."""

    __tablename__ = "competitions_entry_files"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "entry_id"], ["competitions_entries.tenant_id", "competitions_entries.id"]),
        Index("ix_competitions_entry_files_tenant_id_entry_id", "tenant_id", "entry_id"),
    )

    entry_id: Mapped[int] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column()
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
