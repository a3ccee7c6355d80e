"""Accounts (login data, platform-wide), memberships and roles (tenant-owned), tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (BigInteger, ForeignKey, ForeignKeyConstraint, Index, String,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db.base import BigIntPK, Base, TenantModel, utcnow

ROLES = ("tenant_admin", "unit_admin", "leader", "volunteer", "resident", "clerk", "judge")
ADMIN_ROLES = ("tenant_admin",)
ID_TYPES = ("resident_id", "passport", "hk_macau_permit", "taiwan_permit", "foreigner_permit")


class Account(Base):
    """One global login per person; holds login data only (no real-name data)."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(200), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    #: platform-wide operator
    is_operator: Mapped[bool] = mapped_column(default=False)
    #: base32 TOTP secret once the second factor is confirmed
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginThrottle(Base):
    """Failed logins per identifier, kept whether or not the account exists."""

    __tablename__ = "login_throttle"

    identifier: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]


class ApiToken(Base):
    """A bearer token, stored as a SHA-256 hash; bound to one tenant or to the operator API."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    #: None: operator API token
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Member(TenantModel, Base):
    """A person's membership in one tenant, with their real-name data for that tenant."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("tenant_id", "account_id"),
        Index("ix_members_tenant_id_id_hash", "tenant_id", "id_number_hash"),
        # the dashboard's members by unit, a unit's members
        Index("ix_members_tenant_id_unit_id", "tenant_id", "unit_id"),
        # the find box: a phone number typed in full
        Index("ix_members_tenant_id_phone", "tenant_id", "phone"),
        ForeignKeyConstraint(["tenant_id", "unit_id"], ["units.tenant_id", "units.id"]),
    )

    #: the global login, None for people without phone or email (signed up by a leader)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    id_type: Mapped[str | None] = mapped_column(String(20))
    #: AES-GCM ciphertext tagged with its key id ("k1:…")
    id_number_enc: Mapped[str | None] = mapped_column(String(200))
    #: keyed hash per tenant, for duplicate detection without decrypting
    id_number_hash: Mapped[str | None] = mapped_column(String(64))
    unit_id: Mapped[int | None] = mapped_column(BigInteger)
    #: active or left
    status: Mapped[str] = mapped_column(String(20), default="active")
    #: version of the tenant's privacy notice consented to at registration
    consent_version: Mapped[str | None] = mapped_column(String(20))
    consent_at: Mapped[datetime | None]
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    #: one member's roles load when first read (one indexed query); a list of members loads
    #: theirs together with ``people.load_roles``. Not ``selectin``: for a composite key it asks
    #: ``(tenant_id, member_id) IN ((…), …)``, which PostgreSQL under row-level security plans
    #: as a pass over all of the tenant's roles (3 ms at 10 000 members, growing with them)
    roles: Mapped[list["MemberRole"]] = relationship(cascade="all, delete-orphan")
    account: Mapped[Account | None] = relationship()

    @property
    def role_names(self) -> set[str]:
        return {r.role for r in self.roles}


class MemberNameGram(TenantModel, Base):
    """One character, or pair of neighbouring characters, of a member's name (lower-cased): the
    index a name search reads on PostgreSQL (``people.services.name_contains``). Kept by a
    trigger on members (migration 0018) when a member is added or renamed; not kept on SQLite,
    whose search reads the names. A LIKE on a row-level-secured table cannot use an index
    (LIKE is not leakproof), an equality can: hence a table of grams, not a trigram index."""

    __tablename__ = "member_name_grams"
    __table_args__ = (
        UniqueConstraint("tenant_id", "gram", "member_id"),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"],
                             ondelete="CASCADE"),
        Index("ix_member_name_grams_tenant_id_member_id", "tenant_id", "member_id"),
    )

    member_id: Mapped[int] = mapped_column(BigInteger)
    gram: Mapped[str] = mapped_column(String(2))


class MemberRole(TenantModel, Base):
    """A role held by a member; unit_admin roles are limited to a unit's subtree."""

    __tablename__ = "member_roles"
    __table_args__ = (
        UniqueConstraint("tenant_id", "member_id", "role", "unit_id"),
        ForeignKeyConstraint(["tenant_id", "member_id"], ["members.tenant_id", "members.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "unit_id"], ["units.tenant_id", "units.id"]),
    )

    member_id: Mapped[int] = mapped_column(BigInteger)
    role: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int | None] = mapped_column(BigInteger)
