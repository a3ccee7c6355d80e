"""Activities and sign-ups (tenant-owned)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, BigInteger, CheckConstraint, Float, ForeignKeyConstraint, Index, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, TenantModel, utcnow

STATUSES = ("draft", "published", "closed", "completed", "cancelled")
VISIBILITIES = ("public", "tenant", "unit")
SIGNUP_STATUSES = ("confirmed", "waitlisted", "cancelled")
#: a county's five service platforms; tenants set their own in settings.activity_categories
class Activity(TenantModel, Base):
    __tablename__ = "activities"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "unit_id"], ["units.tenant_id", "units.id"]),
        CheckConstraint("confirmed_count >= 0 AND confirmed_count <= capacity", name="within_capacity"),
        Index("ix_activities_tenant_id_starts_at", "tenant_id", "starts_at"),
    )

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: one of the tenant's categories (settings.activity_categories)
    category: Mapped[str] = mapped_column(String(60))
    #: the organising unit; "unit" visibility means this unit's subtree
    unit_id: Mapped[int | None] = mapped_column(BigInteger)
    address: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    #: check-ins by QR must come from within this many metres of the place (None: anywhere)
    geofence_m: Mapped[int | None]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    #: confirmed sign-ups, moved only by atomic UPDATEs so capacity holds under concurrency
    confirmed_count: Mapped[int] = mapped_column(default=0)
    signup_opens_at: Mapped[datetime | None]
    signup_closes_at: Mapped[datetime | None]
    #: after this, cancelling a sign-up is refused (default: the start)
    cancel_deadline: Mapped[datetime | None]
    requirements: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[list] = mapped_column(JSON, default=list)
    min_age: Mapped[int | None]
    visibility: Mapped[str] = mapped_column(String(10), default="tenant")
    status: Mapped[str] = mapped_column(String(12), default="draft")
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    #: activities created together as a recurring series share this id
    series_id: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Signup(TenantModel, Base):
    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint("tenant_id", "activity_id", "member_id"),
        ForeignKeyConstraint(["tenant_id", "activity_id"], ["activities.tenant_id", "activities.id"]),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
        Index("ix_signups_tenant_id_activity_id_status", "tenant_id", "activity_id", "status"),
        # a person's own sign-ups: my activities, the list's "joined" marks
        Index("ix_signups_tenant_id_member_id", "tenant_id", "member_id"),
    )

    activity_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(BigInteger)
    #: confirmed, waitlisted or cancelled
    status: Mapped[str] = mapped_column(String(12))
    #: waitlist order: the moment the person (re)joined the list
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: a leader who signed up someone without a phone
    signed_up_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    #: when the day-before reminder went out (set once, by a conditional update)
    reminded_at: Mapped[datetime | None]


class Attendance(TenantModel, Base):
    """Who was there: check-in and check-out of one person at one activity, with how."""

    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("tenant_id", "activity_id", "member_id"),
        ForeignKeyConstraint(["tenant_id", "activity_id"], ["activities.tenant_id", "activities.id"]),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
        # a person's own attendance: my activities
        Index("ix_attendances_tenant_id_member_id", "tenant_id", "member_id"),
    )

    activity_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(BigInteger)
    checked_in_at: Mapped[datetime]
    checked_out_at: Mapped[datetime | None]
    #: qr, proxy (a leader for them), correction, close (the activity was completed)
    in_method: Mapped[str] = mapped_column(String(12))
    out_method: Mapped[str | None] = mapped_column(String(12))
    #: the leader who checked them in or out on their behalf, or corrected the times
    recorded_by: Mapped[int | None] = mapped_column(BigInteger)
