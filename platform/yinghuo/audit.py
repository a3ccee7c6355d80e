"""The audit log: who did what, when, in which tenant, with before and after.

Append-only: the app's database role may INSERT and SELECT audit rows, never UPDATE them, and
DELETE only a tenant's own rows older than six months (``FLOOR_DAYS``; a row-level security
policy holds that floor in the database, the tenant's ``audit_retention_days`` says how long
past it they are kept). RLS shows a tenant its own rows and operators everything.
"""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from datetime import datetime

from flask import g, has_request_context, request
from sqlalchemy import JSON, BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .db.base import BigIntPK, Base, utcnow
from .db.context import current_scope
from .db import rows
from .extensions import db

_actor_label: ContextVar[str] = ContextVar("yinghuo_actor", default="system")


class AuditEntry(Base):
    __tablename__ = "audit_log"
    # No RETURNING: writers may insert rows they are not allowed to read back.
    __table_args__ = (Index("ix_audit_log_tenant_id_at", "tenant_id", "at"),   # the retention purge
                      Index("ix_audit_log_tenant_id_id", "tenant_id", "id"),   # the log page, newest first
                      {"implicit_returning": False})

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: None for platform-level actions (operators)
    tenant_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_account_id: Mapped[int | None] = mapped_column(BigInteger)
    #: "cli", "job:<name>", or the account's email/phone at the time
    actor: Mapped[str] = mapped_column(String(200))
    #: dotted verb: tenant.create, member.roles, unit.create …
    action: Mapped[str] = mapped_column(String(80))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(80))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(String(500))
    ip: Mapped[str | None] = mapped_column(String(64))


def record(action: str, target_type: str, target_id=None, *, before=None, after=None,
           reason: str | None = None, tenant_id: int | None = None) -> None:
    """Add an audit row to the current transaction (it commits with the change).

    One inline Core INSERT (the id comes from the column's own default, no RETURNING): the
    writer need not be allowed to read the row back.
    """
    actor_id, actor = _actor()
    db.session.flush()  # the change being audited reaches the database first (nothing to do if clean)
    rows.insert_values(
        AuditEntry.__table__,
        at=utcnow(), tenant_id=tenant_id if tenant_id is not None else current_scope().tenant_id,
        actor_account_id=actor_id, actor=actor, action=action, target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        before=_plain(before), after=_plain(after), reason=_clip(reason, REASON_MAX),
        ip=request.remote_addr if has_request_context() else None)


#: the length of the reason column; a longer reason (a review note, say) is kept whole where it
#: belongs and clipped here, marked by an ellipsis
REASON_MAX = 500


def _clip(text: str | None, limit: int) -> str | None:
    return text if text is None or len(text) <= limit else text[:limit - 1] + "…"


def _actor() -> tuple[int | None, str]:
    if has_request_context():
        account = getattr(g, "account", None)
        if account is not None:
            return account.id, _clip(account.email or account.phone or f"account:{account.id}", 200)
        return None, "anonymous"
    return None, _actor_label.get()


@contextlib.contextmanager
def acting_as(label: str):
    """Name the actor of writes made outside a request ("cli", "job:…")."""
    token = _actor_label.set(label)
    try:
        yield
    finally:
        _actor_label.reset(token)


def _plain(value):
    """JSON-safe copy (dates as ISO strings)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


#: the audit log is kept at least this long, whatever a tenant sets (six months: the floor the
#: law sets for logs of a network service); the database's delete policy holds the same floor
FLOOR_DAYS = 183


def database_now() -> datetime:
    """Now by the database's clock on PostgreSQL: the delete policy that holds the six-month
    floor reads that clock, so the job must too (else a skewed app clock would ask for deletes
    the policy silently skips). SQLite has no such policy: the app's clock."""
    from sqlalchemy import func, select
    if db.session.get_bind().dialect.name != "postgresql":
        return utcnow()
    return db.session.scalar(select(func.now()))


def purge_expired(tenant_id: int) -> int:
    """Daily job, in the tenant's scope: drop its audit entries older than its
    ``audit_retention_days`` (365 by default, never under ``FLOOR_DAYS``); one new entry says
    how many went."""
    from datetime import timedelta

    from sqlalchemy import delete

    from .tenancy.models import Tenant
    tenant = db.session.get(Tenant, tenant_id)
    days = max(FLOOR_DAYS, int(tenant.setting("audit_retention_days", 365)))
    cutoff = database_now() - timedelta(days=days)
    gone = db.session.execute(delete(AuditEntry).where(AuditEntry.tenant_id == tenant_id, AuditEntry.at < cutoff)
                              .execution_options(synchronize_session=False)).rowcount
    if gone:
        record("audit.expired", "tenant", tenant_id, after={"entries": gone, "older_than_days": days},
               tenant_id=tenant_id)
    return gone
