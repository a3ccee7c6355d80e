"""The hash chain over a tenant's entries, and the check that finds what was changed
outside the application: an entry's amount, a deleted, inserted or reordered entry."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

GENESIS = "0" * 64
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment - _EPOCH) // timedelta(microseconds=1)


def digest(prev_hash: str, *, seq: int, debit_account_id: int, credit_account_id: int, amount: int, kind: str,
           source: str, source_id: str, reverses_id: int | None, created_at: datetime) -> str:
    """The entry's hash: its own fields and the hash of the entry before it."""
    text = "|".join(str(v) for v in (prev_hash, seq, debit_account_id, credit_account_id, amount, kind, source,
                                     source_id, reverses_id or "", micros(created_at)))
    return hashlib.sha256(text.encode()).hexdigest()


def digest_of(entry, prev_hash: str) -> str:
    return digest(prev_hash, seq=entry.seq, debit_account_id=entry.debit_account_id,
                  credit_account_id=entry.credit_account_id, amount=entry.amount, kind=entry.kind,
                  source=entry.source, source_id=entry.source_id, reverses_id=entry.reverses_id,
                  created_at=entry.created_at)


def first_break(entries, head_seq: int, head_hash: str) -> dict | None:
    """Walk ``entries`` in seq order: the first one that does not follow from the one
    before (a gap or repeat in seq, a broken link, a changed field), or the chain's end not
    matching its recorded head; None when all hold."""
    expected, prev = 1, GENESIS
    for entry in entries:
        if entry.seq != expected:
            return {"entry_id": entry.id, "seq": entry.seq, "reason": "missing" if entry.seq > expected else "order"}
        if entry.prev_hash != prev:
            return {"entry_id": entry.id, "seq": entry.seq, "reason": "link"}
        if digest_of(entry, prev) != entry.hash:
            return {"entry_id": entry.id, "seq": entry.seq, "reason": "changed"}
        prev, expected = entry.hash, expected + 1
    if expected - 1 != head_seq or prev != head_hash:
        return {"entry_id": None, "seq": expected - 1, "reason": "head"}
    return None
