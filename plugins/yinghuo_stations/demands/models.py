"""A resident's demand and its timeline: who asked for what, where it stands, who acted."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKeyConstraint, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column
from yinghuo.api import Base, TenantModel, utcnow

#: how a demand reached the platform
CHANNELS = ("online", "letterbox", "door_to_door", "phone", "walk_in")
#: where a demand stands; "rated" and "cancelled" are final
STATUSES = ("new", "dispatched", "accepted", "in_service", "done", "rated", "cancelled")
OPEN = ("new", "dispatched", "accepted", "in_service")


class Demand(TenantModel, Base):
    __tablename__ = "stations_demands"
    __table_args__ = (
        UniqueConstraint("tenant_id", "receipt"),
        ForeignKeyConstraint(["tenant_id", "station_id"], ["units.tenant_id", "units.id"]),
        ForeignKeyConstraint(["tenant_id", "level_unit_id"], ["units.tenant_id", "units.id"]),
        ForeignKeyConstraint(["tenant_id", "team_unit_id"], ["units.tenant_id", "units.id"]),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"]),
        Index("ix_stations_demands_tenant_id_status_level", "tenant_id", "status", "level_unit_id"),
        Index("ix_stations_demands_tenant_id_contact_phone", "tenant_id", "contact_phone"),
    )

    #: the number on the receipt: the resident quotes it with the last four digits of the phone
    receipt: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(60))
    need: Mapped[str] = mapped_column(String(2000))
    place: Mapped[str] = mapped_column(String(300), default="")
    preferred_time: Mapped[str] = mapped_column(String(100), default="")
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20), default="online")
    #: the serial printed on a paper slip, when it came on paper
    slip_serial: Mapped[str | None] = mapped_column(String(40))
    slip_photo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    #: the resident, when signed in; the clerk or volunteer who entered it for them
    member_id: Mapped[int | None] = mapped_column(BigInteger)
    entered_by: Mapped[int | None] = mapped_column(BigInteger)
    #: the station it was asked at, the level handling it now (station, institute, centre)
    station_id: Mapped[int] = mapped_column(BigInteger)
    level_unit_id: Mapped[int] = mapped_column(BigInteger)
    team_unit_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12), default="new")
    #: when the current state's time limit runs out (tenant settings)
    due_at: Mapped[datetime | None]
    overdue_told_at: Mapped[datetime | None]
    record: Mapped[str] = mapped_column(String(2000), default="")
    rating: Mapped[int | None]
    rating_comment: Mapped[str] = mapped_column(String(500), default="")
    rated_by_phone: Mapped[bool] = mapped_column(default=False)
    #: an earlier demand of the same phone and category shortly before (flagged, not refused)
    duplicate_of: Mapped[int | None] = mapped_column(BigInteger)
    #: the project of a station's menu it was ordered from
    project_id: Mapped[int | None] = mapped_column(BigInteger)
    #: whether it was served within the time limit (set when finished; for the ranking)
    finished_on_time: Mapped[bool | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DemandEvent(TenantModel, Base):
    """One step of a demand's timeline."""

    __tablename__ = "stations_demand_events"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "demand_id"], ["stations_demands.tenant_id", "stations_demands.id"]),
        Index("ix_stations_demand_events_tenant_id_demand_id", "tenant_id", "demand_id"),
    )

    demand_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    #: None for the system (a timeout) or a resident without an account
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    unit_id: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(2000), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
