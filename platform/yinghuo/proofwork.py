"""A proof of work: the challenge a public door asks of a client after a suspicious burst,
needing no outside service (no captcha provider). The client finds a ``nonce`` such that
sha256("<challenge>:<nonce>") starts with ``difficulty`` zero bits - about 2**difficulty
hashes, a moment for one voter's browser (``static/proofwork.js``), a real cost for ten
thousand bought votes. A challenge is signed (nothing is stored until it is used), lasts
five minutes and counts once (Redis when set, else this process's memory)."""
from __future__ import annotations

import hashlib
import secrets
import threading
import time

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from .errors import DomainError

#: leading zero bits a solution needs (about 65 000 hashes)
DIFFICULTY = 16
MAX_AGE = 300
_used: dict[str, float] = {}
_lock = threading.Lock()


class ProofRequired(DomainError):
    status, code = 428, "proof_required"


def _signer(purpose: str) -> TimestampSigner:
    return TimestampSigner(current_app.secret_key, salt=f"yinghuo-proofwork:{purpose}")


def difficulty() -> int:
    return int(current_app.config.get("YINGHUO_PROOF_DIFFICULTY") or DIFFICULTY)


def issue(purpose: str) -> dict:
    """A fresh challenge for ``purpose`` (say ``vote:12``): {challenge, difficulty}."""
    return {"challenge": _signer(purpose).sign(secrets.token_hex(8)).decode(), "difficulty": difficulty()}


def solve(challenge: str, bits: int) -> str:
    """A solution (for tests and the benchmark; browsers run proofwork.js)."""
    nonce = 0
    while not _enough(challenge, str(nonce), bits):
        nonce += 1
    return f"{challenge}:{nonce}"


def _enough(challenge: str, nonce: str, bits: int) -> bool:
    digest = int.from_bytes(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest(), "big")
    return digest >> (256 - bits) == 0


def check(purpose: str, proof: str | None) -> None:
    """Accept a solved, fresh, unused challenge of ``purpose``; else 428 ``proof_required``."""
    refused = ProofRequired("Please wait a moment while your browser passes a security check",
                            fields={"proof": ["solve a new challenge"]})
    challenge, _, nonce = (proof or "").rpartition(":")
    if not challenge or not nonce or len(proof) > 200:
        raise refused
    try:
        _signer(purpose).unsign(challenge, max_age=MAX_AGE)
    except (BadSignature, SignatureExpired):
        raise refused from None
    if not _enough(challenge, nonce, difficulty()) or not _first_use(challenge):
        raise refused


def _first_use(challenge: str) -> bool:
    from .jobs import redis_connection
    conn = redis_connection()
    if conn is not None:
        try:
            return bool(conn.set(f"yh:proof:{challenge}", 1, nx=True, ex=MAX_AGE))
        except Exception:
            current_app.logger.warning("Redis unreachable; proof-of-work challenges counted in this process")
    now = time.time()
    with _lock:
        for key in [k for k, at in _used.items() if at < now - MAX_AGE]:
            del _used[key]
        if challenge in _used:
            return False
        _used[challenge] = now
        return True
