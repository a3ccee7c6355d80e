"""The tenant in scope: one context variable read by ORM scoping, RLS and jobs."""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass


class ScopeError(RuntimeError):
    """A tenant-owned table was queried with no tenant in scope."""


@dataclass(frozen=True)
class Scope:
    #: tenants whose rows are visible; empty = none (fail closed)
    tenant_ids: tuple[int, ...] = ()
    #: an explicit, named step outside the single-tenant scope (hub roll-ups)
    reason: str | None = None
    #: the request is an operator's (may read the platform audit log)
    operator: bool = False

    @property
    def tenant_id(self) -> int | None:
        return self.tenant_ids[0] if len(self.tenant_ids) == 1 and not self.reason else None


_scope: ContextVar[Scope] = ContextVar("yinghuo_scope", default=Scope())


def current_scope() -> Scope:
    return _scope.get()


def current_tenant_id() -> int | None:
    return _scope.get().tenant_id


@contextlib.contextmanager
def tenant_scope(tenant_id: int | None, *, operator: bool = False):
    """Run the block for one tenant (requests, jobs, CLI)."""
    token = _scope.set(Scope((int(tenant_id),) if tenant_id is not None else (), operator=operator))
    try:
        yield
    finally:
        _scope.reset(token)


@contextlib.contextmanager
def unscoped(reason: str, tenant_ids=(), *, operator: bool = False):
    """Step outside the one-tenant scope, visibly: read ``tenant_ids`` together.

    Used for hub roll-ups (counts over a hub's children) and by operators. ``reason``
    is required so every use is greppable and explains itself.
    """
    if not reason:
        raise ValueError("unscoped() needs a reason")
    token = _scope.set(Scope(tuple(int(t) for t in tenant_ids), reason=reason, operator=operator))
    try:
        yield
    finally:
        _scope.reset(token)


def enter(scope: Scope):
    """Set the scope for a request; pair with :func:`leave` in teardown."""
    return _scope.set(scope)


def leave(token) -> None:
    _scope.reset(token)
