"""Posting to the points ledger, balances, and the nightly check.

Every entry is written under a lock on the tenant's chain head, after checking that its
source (an hour record, an idempotency key) has not been posted already: the same cause
twice posts once, and the answer is the first entry. Balances move in the same transaction
by one conditional UPDATE each (a person's never below zero unless the tenant allows it)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from yinghuo.api import Conflict, Invalid, NotFound, audit, bump, db, find_one, get_member, utcnow

from ..settings import settings
from .chain import GENESIS, digest, first_break
from .models import PointsAccount, PointsChain, PointsEntry

SYSTEM = ("issuing", "redemption")


def account(key: str, *, member_id: int | None = None, household_id: int | None = None) -> PointsAccount:
    """The account of this key, opened on first use."""
    found = db.session.scalar(select(PointsAccount).where(PointsAccount.key == key))
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            found = PointsAccount(key=key, member_id=member_id, household_id=household_id, balance=0)
            db.session.add(found)
    except IntegrityError:
        found = db.session.scalar(select(PointsAccount).where(PointsAccount.key == key))
    return found


def member_account(member_id: int) -> PointsAccount:
    return account(f"member:{member_id}", member_id=member_id)


def _head() -> PointsChain:
    """The chain head, locked until the transaction ends (created on first use)."""
    stmt = select(PointsChain).with_for_update().execution_options(populate_existing=True)
    head = db.session.scalar(stmt)
    if head is None:
        try:
            with db.session.begin_nested():
                db.session.add(PointsChain(seq=0, head_hash=GENESIS))
        except IntegrityError:
            pass
        head = db.session.scalar(stmt)
    return head


#: taken first by every write that posts: a tenant's entries are written one after another
lock_chain = _head


def find(source: str, source_id) -> PointsEntry | None:
    return db.session.scalar(select(PointsEntry).where(PointsEntry.source == source,
                                                       PointsEntry.source_id == str(source_id)))


def post(debit: PointsAccount, credit: PointsAccount, amount: int, *, kind: str, source: str, source_id,
         note: str = "", by=None, reverses_id: int | None = None, may_go_negative: bool = False, at=None
         ) -> tuple[PointsEntry, bool]:
    """Move ``amount`` points from ``debit`` to ``credit``. Returns the entry and whether it
    is new (False: this source was posted before; nothing changed). ``at`` dates it (the
    demo's month of history); otherwise it is now."""
    if not isinstance(amount, int) or amount <= 0:
        raise Invalid("Give a whole number of points above zero", fields={"amount": ["above zero"]})
    head = _head()
    earlier = find(source, source_id)
    if earlier is not None:
        return earlier, False
    floor = None if debit.key in SYSTEM or may_go_negative or settings()["allow_negative"] else 0
    if not bump(PointsAccount, debit.id, "balance", -amount, min_value=floor):
        raise Conflict("Not enough points: the balance is %(balance)s", code="insufficient_points",
                       params={"balance": _balance_now(debit)})
    bump(PointsAccount, credit.id, "balance", amount)
    now = at or utcnow()
    seq = head.seq + 1
    fields = {"seq": seq, "debit_account_id": debit.id, "credit_account_id": credit.id, "amount": amount,
              "kind": kind, "source": source, "source_id": str(source_id), "reverses_id": reverses_id,
              "created_at": now}
    entry = PointsEntry(**fields, note=(note or "")[:500], created_by=by.id if by is not None else None,
                        prev_hash=head.head_hash, hash=digest(head.head_hash, **fields))
    db.session.add(entry)
    head.seq, head.head_hash = seq, entry.hash
    db.session.flush()
    db.session.expire(debit, ["balance"])
    db.session.expire(credit, ["balance"])
    return entry, True


def _balance_now(account_row: PointsAccount) -> int:
    db.session.expire(account_row, ["balance"])
    return account_row.balance


def credit_hours(record) -> PointsEntry | None:
    """Points for an approved hour record, once per record (the event may come twice)."""
    points = round(record.minutes * settings()["points_per_hour"] / 60)
    if points <= 0:
        return None
    from ..households.services import holder_account
    entry, _ = post(account("issuing"), holder_account(record.member_id), points, kind="hours", source="hours",
                    source_id=record.id, note=(record.content or "")[:200])
    return entry


def reverse_hours(record) -> PointsEntry | None:
    """The counter-entry for a voided record's points (it may take the balance below zero:
    it undoes points that should not have been given)."""
    original = find("hours", record.id)
    if original is None:
        return None
    credited = find_one(PointsAccount, id=original.credit_account_id)
    entry, _ = post(credited, account("issuing"), original.amount, kind="hours_void",
                    source="hours_void", source_id=record.id, reverses_id=original.id, may_go_negative=True,
                    note="voided")
    return entry


def adjust(member_id: int, amount: int, *, reason: str, key: str, by) -> tuple[PointsEntry, bool]:
    """An admin's adjustment with its reason; ``key`` makes a retried request post once."""
    get_member(member_id)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = ["required"]
    if not (key or "").strip():
        errors["idempotency_key"] = ["required"]
    if not isinstance(amount, int) or amount == 0:
        errors["amount"] = ["a whole number, not zero"]
    if errors:
        raise Invalid("Please correct the fields marked below", fields=errors)
    from ..households.services import holder_account
    person, issuing = holder_account(member_id), account("issuing")
    debit, credit = (issuing, person) if amount > 0 else (person, issuing)
    entry, new = post(debit, credit, abs(amount), kind="adjust", source="adjust", source_id=key.strip()[:80],
                      note=reason.strip(), by=by)
    if new:
        audit("points.adjust", "member", member_id, after={"amount": amount, "entry": entry.seq}, reason=reason.strip())
    return entry, new


def entries_of(account_id: int, limit: int = 50) -> list[PointsEntry]:
    """An account's latest entries, newest first."""
    return list(db.session.scalars(select(PointsEntry).where(
        (PointsEntry.debit_account_id == account_id) | (PointsEntry.credit_account_id == account_id))
        .order_by(PointsEntry.seq.desc()).limit(limit)))


def signed(entry: PointsEntry, account_id: int) -> int:
    """The entry as it moved this account's balance: + credited, - debited."""
    return entry.amount if entry.credit_account_id == account_id else -entry.amount


def check() -> dict:
    """The whole ledger checked: the chain (the first entry that does not follow), every
    cached balance against the sum of its entries, every good's stock against its moves."""
    head = db.session.scalar(select(PointsChain))
    entries = db.session.scalars(select(PointsEntry).order_by(PointsEntry.seq, PointsEntry.id)
                                 .execution_options(yield_per=1000))
    broken = first_break(entries, head.seq if head else 0, head.head_hash if head else GENESIS)
    credits = dict(db.session.execute(select(PointsEntry.credit_account_id, func.sum(PointsEntry.amount))
                                      .group_by(PointsEntry.credit_account_id)).all())
    debits = dict(db.session.execute(select(PointsEntry.debit_account_id, func.sum(PointsEntry.amount))
                                     .group_by(PointsEntry.debit_account_id)).all())
    wrong = []
    for acc in db.session.scalars(select(PointsAccount).order_by(PointsAccount.id)):
        expected = int(credits.get(acc.id) or 0) - int(debits.get(acc.id) or 0)
        if acc.balance != expected:
            wrong.append({"account": acc.key, "cached": acc.balance, "ledger": expected})
    from ..shops.services import check_stock
    stock = check_stock()
    return {"ok": broken is None and not wrong and not stock, "entries": head.seq if head else 0, "broken": broken,
            "balances": wrong, "stock": stock, "head": head.head_hash if head else GENESIS}


def nightly(tenant_id: int | None = None, now: str | None = None) -> dict:
    """Periodic job: check the ledger, record the chain head in the audit log (so a rewrite
    of the whole chain is found against it), and tell the tenant's admins of any fault."""
    from yinghuo.api import members_with_role, notify
    report = check()
    audit("points.chain.head", "points_chain", report["entries"], after={"seq": report["entries"],
                                                                           "hash": report["head"]})
    if not report["ok"]:
        for member_id in members_with_role("tenant_admin"):
            notify(member_id, "points_tampered", link="/points/ledger", title="Points ledger check failed",
                   body="The points ledger does not add up; see the check on the ledger page.")
    db.session.commit()
    return {"ok": report["ok"], "entries": report["entries"]}


def get_entry(entry_id: int) -> PointsEntry:
    found = db.session.scalar(select(PointsEntry).where(PointsEntry.id == entry_id))
    if found is None:
        raise NotFound("no such entry")
    return found
