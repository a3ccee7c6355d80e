"""Rate limits for the doors strangers can knock on without an account (public forms).

Counted by client address in Redis when ``REDIS_URL`` is set - shared by every worker - and
in the process's memory otherwise, or when Redis is unreachable. Built on ``limits`` (the
engine of Flask-Limiter) and applied only where a view asks, so no other request pays for it.
Limits are strings like ``"5/minute;30/day"`` in ``YINGHUO_RATE_LIMITS`` (name -> limits).
"""
from __future__ import annotations

import logging
import time

from flask import current_app, has_request_context, request
from limits import parse_many, storage, strategies

from .errors import DomainError

log = logging.getLogger(__name__)

DEFAULTS = {
    #: a public sign-up or application form, per client address
    "public_form": "10/minute;60/day",
    #: a PIN typed on a shared page (a merchant's code check), per client address
    "pin_attempt": "5/minute;30/hour",
    #: public votes, per client address (a voter's own limits are the competition's)
    "vote": "30/minute;300/day",
    #: public votes, per device (the browser's device cookie or X-Device-Id)
    "vote_device": "20/minute;100/day",
    #: votes from one network (/24) before each further vote needs a proof of work
    "vote_burst": "20/minute",
    #: codes texted to a phone, per phone and per client address
    "phone_code": "3/10minute;10/day",
}


class TooManyRequests(DomainError):
    status, code = 429, "too_many_requests"
    #: seconds until the next use is allowed
    retry_after: int = 0


def take(name: str, key: str | None = None) -> None:
    """Count one use of ``name`` by this client (or by ``key``: a device, a phone's hash, a
    network); refuse with 429 and when to come back once any of its limits is used up. The
    limit that refuses does not count the use. Outside a request (the CLI, the demo, jobs)
    there is no stranger to limit."""
    if not has_request_context():
        return
    limits = parse_many((current_app.config.get("YINGHUO_RATE_LIMITS") or {}).get(name) or DEFAULTS[name])
    who = (name, key or request.remote_addr or "-")
    try:
        _take(_limiter(), limits, who)
    except TooManyRequests:
        raise
    except Exception:  # the shared counter is down: keep limiting, per process
        log.warning("rate-limit storage unreachable; counting in this process", exc_info=True)
        kernel = current_app.extensions["yinghuo"]
        kernel.rate_limiter = _memory()
        _take(kernel.rate_limiter, limits, who)


def over(name: str, key: str | None = None) -> bool:
    """Count one use of ``name`` (a soft limit) and say whether it is past its limit: for
    asking more of a client (a proof of work) rather than refusing it."""
    if not has_request_context():
        return False
    limits = parse_many((current_app.config.get("YINGHUO_RATE_LIMITS") or {}).get(name) or DEFAULTS[name])
    who = (name, key or request.remote_addr or "-")
    try:
        limiter = _limiter()
        return not all([limiter.hit(limit, *who) for limit in limits])
    except Exception:
        log.warning("rate-limit storage unreachable; soft limit %s not counted", name, exc_info=True)
        return False


def _take(limiter, limits, who) -> None:
    """One atomic take-if-allowed per limit, shortest window first (one round trip each):
    the limit that refuses does not count the use; a shorter one that let it through has
    counted it, which matters nothing while the longer one refuses."""
    for limit in sorted(limits, key=lambda item: item.get_expiry()):
        if not limiter.hit(limit, *who):
            wait = max(1, int(limiter.get_window_stats(limit, *who).reset_time - time.time()))
            refused = TooManyRequests("Too many submissions from here; please try again later")
            refused.retry_after = wait
            raise refused


def reset() -> None:
    """Forget every count (tests). An in-process limiter is dropped and built afresh on next
    use: clearing its storage in place races with the storage's own expiry thread (limits
    reads a key the clear has just removed)."""
    kernel = current_app.extensions["yinghuo"]
    found = kernel.rate_limiter
    if found is None:
        return
    if isinstance(found.storage, storage.MemoryStorage):
        kernel.rate_limiter = None
    else:
        found.storage.reset()


def _limiter():
    kernel = current_app.extensions["yinghuo"]
    found = kernel.rate_limiter
    if found is None:
        url = current_app.config.get("REDIS_URL")
        found = kernel.rate_limiter = (strategies.MovingWindowRateLimiter(storage.storage_from_string(url))
                                       if url else _memory())
    return found


def _memory():
    return strategies.MovingWindowRateLimiter(storage.MemoryStorage())
