"""Posting to the points ledger, balances, and the nightly check.

Every entry is written under a lock on the tenant's chain head, after checking that its
source (an hour record, an idempotency key) has not been posted already: the same cause
twice posts once, and the answer is the first entry. Balances move in the same transaction
by one conditional UPDATE each (a person's never below zero unless the tenant allows it)."""
from __future__ import annotations

from sqlalchemy import BigInteger, String, bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError
from yinghuo.api import (Conflict, Invalid, NotFound, audit, bump, current_tenant_id, db, fetch, find_all, find_one,
                         find_or_add, get_member, insert_row, utcnow)

from ..settings import settings
from .chain import GENESIS, digest, first_break, micros
from .models import PointsAccount, PointsChain, PointsEntry

SYSTEM = ("issuing", "redemption")


def account(key: str, *, member_id: int | None = None, household_id: int | None = None) -> PointsAccount:
    """The account of this key, opened on first use."""
    return find_or_add(PointsAccount, {"member_id": member_id, "household_id": household_id, "balance": 0}, key=key)


def member_account(member_id: int) -> PointsAccount:
    return account(f"member:{member_id}", member_id=member_id)


_T = PointsChain.__table__
#: the tenant's chain head, locked until the transaction ends
_LOCK = select(_T.c.id, _T.c.seq, _T.c.head_hash).where(_T.c.tenant_id == bindparam("yh_tenant")).with_for_update()
_MOVE_HEAD = (update(_T).where(_T.c.tenant_id == bindparam("yh_tenant"), _T.c.id == bindparam("yh_id"))
              .values(seq=bindparam("yh_seq"), head_hash=bindparam("yh_hash")))


def _head():
    """The chain head (id, seq, head_hash), locked until the transaction ends; created on first use."""
    params = {"yh_tenant": current_tenant_id()}
    rows = fetch(_LOCK, params)
    if not rows:
        try:
            with db.session.begin_nested():
                db.session.add(PointsChain(seq=0, head_hash=GENESIS))
        except IntegrityError:
            pass
        rows = fetch(_LOCK, params)
    return rows[0]


#: taken by every write that posts (and first by those that must read under it, such as a
#: month's limits): a tenant's entries are written one after another
lock_chain = _head


def find(source: str, source_id) -> PointsEntry | None:
    return find_one(PointsEntry, source=source, source_id=str(source_id))


def post(debit: PointsAccount, credit: PointsAccount, amount: int, *, kind: str, source: str, source_id,
         note: str = "", by=None, reverses_id: int | None = None, may_go_negative: bool = False, at=None
         ) -> tuple[PointsEntry, bool]:
    """Move ``amount`` points from ``debit`` to ``credit``. Returns the entry and whether it
    is new (False: this source was posted before; nothing changed). ``at`` dates it (the
    demo's month of history); otherwise it is now.

    The entry is appended under the lock on the tenant's chain head and the two balances
    move with it, a person's never below zero unless allowed (a refusal rolls the entry
    back): on PostgreSQL in one statement, so the lock is held from it to the commit and
    no longer. The tenant's own issuing and redemption accounts keep no cached balance:
    every entry would otherwise queue on their one row; the check sums them from the ledger."""
    if not isinstance(amount, int) or amount <= 0:
        raise Invalid("Give a whole number of points above zero", fields={"amount": ["above zero"]})
    if debit.id == credit.id:
        raise Invalid("Points move between two accounts", fields={"account": ["the same on both sides"]})
    fields = {"debit_account_id": debit.id, "credit_account_id": credit.id, "amount": amount, "kind": kind,
              "source": source, "source_id": str(source_id), "reverses_id": reverses_id, "created_at": at or utcnow()}
    extra = {"note": (note or "")[:500], "created_by": by.id if by is not None else None}
    floor = None if may_go_negative or settings()["allow_negative"] else 0
    cached = (debit.key not in SYSTEM, credit.key not in SYSTEM)
    entry, debited = _append(fields, extra, floor, cached, (debit.key, credit.key))
    if entry is None:
        return find(source, source_id), False
    if cached[0] and not debited:
        raise Conflict("Not enough points: the balance is %(balance)s", code="insufficient_points",
                       params={"balance": _balance_now(debit)})
    for row, kept in zip((debit, credit), cached):
        if kept:
            db.session.expire(row, ["balance"])
    return entry, True


#: lock the head, append the entry (its hash computed from the head's), move the head and
#: both cached balances (the debit only while it stays above the floor): one statement
_APPEND = text("""
WITH h AS (SELECT id, seq, head_hash FROM points_chain WHERE tenant_id = :yh_tenant FOR UPDATE),
a AS MATERIALIZED (
  SELECT (SELECT id FROM points_accounts WHERE tenant_id = :yh_tenant AND key = CAST(:debit_key AS TEXT)) AS debit,
         (SELECT id FROM points_accounts WHERE tenant_id = :yh_tenant AND key = CAST(:credit_key AS TEXT)) AS credit),
e AS (
  INSERT INTO points_entries (tenant_id, id, seq, debit_account_id, credit_account_id, amount, kind, source, source_id,
                              reverses_id, note, created_by, created_at, prev_hash, hash)
  SELECT :yh_tenant, nextval('yinghuo_id_seq'), h.seq + 1, a.debit, a.credit, :amount, CAST(:kind AS TEXT),
         CAST(:source AS TEXT), CAST(:source_id AS TEXT), CAST(:reverses_id AS BIGINT), CAST(:note AS TEXT),
         CAST(:created_by AS BIGINT), CAST(:created_at AS TIMESTAMPTZ), h.head_hash,
         encode(sha256(convert_to(concat_ws('|', h.head_hash, h.seq + 1, a.debit, a.credit, :amount, CAST(:kind AS TEXT),
                CAST(:source AS TEXT), CAST(:source_id AS TEXT), CAST(:reverses AS TEXT), :micros), 'UTF8')), 'hex')
  FROM h, a WHERE a.debit IS NOT NULL AND a.credit IS NOT NULL
  ON CONFLICT (tenant_id, source, source_id) DO NOTHING
  RETURNING id, seq, prev_hash, hash, debit_account_id, credit_account_id),
u AS (UPDATE points_chain SET seq = e.seq, head_hash = e.hash FROM e, h
      WHERE points_chain.tenant_id = :yh_tenant AND points_chain.id = h.id),
d AS (UPDATE points_accounts SET balance = points_accounts.balance - :amount FROM e
      WHERE points_accounts.tenant_id = :yh_tenant AND points_accounts.id = e.debit_account_id
        AND CAST(:debit_cached AS BOOLEAN)
        AND (CAST(:floor AS INTEGER) IS NULL OR points_accounts.balance - :amount >= CAST(:floor AS INTEGER))
      RETURNING points_accounts.id),
c AS (UPDATE points_accounts SET balance = points_accounts.balance + :amount FROM e
      WHERE points_accounts.tenant_id = :yh_tenant AND points_accounts.id = e.credit_account_id
        AND CAST(:credit_cached AS BOOLEAN)
      RETURNING points_accounts.id)
SELECT id, seq, prev_hash, hash, debit_account_id, credit_account_id, (SELECT count(*) FROM d) AS debited FROM e
""").columns(id=BigInteger, seq=BigInteger, prev_hash=String, hash=String, debit_account_id=BigInteger,
             credit_account_id=BigInteger, debited=BigInteger)


def _append(fields: dict, extra: dict, floor: int | None, cached: tuple[bool, bool], keys: tuple[str, str]
            ) -> tuple[PointsEntry | None, bool]:
    """The new entry, chained, and whether the debit's cached balance moved; (None, False)
    if its source was posted before or an account of ``keys`` is not open yet (the caller
    tells the two apart). The accounts are named by key: the statement finds their ids."""
    tenant_id = current_tenant_id()
    if db.session.connection().dialect.name != "postgresql":
        return _append_one_by_one(tenant_id, fields, extra, floor, cached)
    params = {"yh_tenant": tenant_id, "debit_key": keys[0], "credit_key": keys[1],
              "amount": fields["amount"], "kind": fields["kind"], "source": fields["source"],
              "source_id": fields["source_id"], "reverses_id": fields["reverses_id"],
              "reverses": str(fields["reverses_id"] or ""), "micros": micros(fields["created_at"]),
              "created_at": fields["created_at"], "floor": floor, "debit_cached": cached[0],
              "credit_cached": cached[1], **extra}
    rows = fetch(_APPEND, params)
    if not rows and find(fields["source"], fields["source_id"]) is None:
        _head()  # the tenant's first entry: its chain head is made now
        rows = fetch(_APPEND, params)
    if not rows:
        return None, False
    row = rows[0]
    # the row as written (not loaded again): what the callers read of it
    return PointsEntry(id=row.id, tenant_id=tenant_id, seq=row.seq, prev_hash=row.prev_hash, hash=row.hash,
                       **{**fields, "debit_account_id": row.debit_account_id,
                          "credit_account_id": row.credit_account_id}, **extra), bool(row.debited)


def _append_one_by_one(tenant_id, fields, extra, floor, cached) -> tuple[PointsEntry | None, bool]:
    """The same, statement by statement (SQLite: one writer at a time)."""
    head = _head()
    if find(fields["source"], fields["source_id"]) is not None:
        return None, False
    amount, debited = fields["amount"], True
    if cached[0]:
        debited = bump(PointsAccount, fields["debit_account_id"], "balance", -amount, min_value=floor)
        if not debited:
            return PointsEntry(**fields), False  # refused: the caller raises, the transaction rolls back
    if cached[1]:
        bump(PointsAccount, fields["credit_account_id"], "balance", amount)
    seq = head.seq + 1
    entry = insert_row(PointsEntry, seq=seq, **fields, **extra, prev_hash=head.head_hash,
                       hash=digest(head.head_hash, seq=seq, **fields))
    fetch(_MOVE_HEAD, {"yh_tenant": tenant_id, "yh_id": head.id, "yh_seq": seq, "yh_hash": entry.hash})
    return entry, debited


def _balance_now(account_row: PointsAccount) -> int:
    db.session.expire(account_row, ["balance"])
    return account_row.balance


def credit_hours(record) -> PointsEntry | None:
    """Points for an approved hour record, once per record (the event may come twice)."""
    conf = settings()
    points = round(record.minutes * conf["points_per_hour"] / 60)
    if points <= 0:
        return None
    if conf["household_earning"]:
        from ..households.services import holder_account
        holder = holder_account(record.member_id)
    else:
        entry = _credit_by_key(f"member:{record.member_id}", points, record)
        if entry is not None:
            return entry
        holder = member_account(record.member_id)
    entry, _ = post(account("issuing"), holder, points, kind="hours", source="hours", source_id=record.id,
                    note=(record.content or "")[:200])
    return entry


def _credit_by_key(key: str, points: int, record) -> PointsEntry | None:
    """The hot path of the approval: the entry in one statement, the accounts named by key
    (None when an account is not open yet or this is not PostgreSQL: the caller posts)."""
    if db.session.connection().dialect.name != "postgresql":
        return None
    fields = {"debit_account_id": None, "credit_account_id": None, "amount": points, "kind": "hours",
              "source": "hours", "source_id": str(record.id), "reverses_id": None, "created_at": utcnow()}
    entry, _ = _append(fields, {"note": (record.content or "")[:200], "created_by": None}, None, (False, True),
                       ("issuing", key))
    return entry


def accounts(key_a: str, key_b: str, **owner) -> tuple[PointsAccount, PointsAccount]:
    """Two accounts by key in one read, opened on first use (``owner``: the member or
    household of ``key_a``): the hot paths of crediting hours and of an order."""
    found = {row.key: row for row in find_all(PointsAccount, key=[key_a, key_b])}
    if len(found) < 2:
        return account(key_a, **owner), account(key_b)
    return found[key_a], found[key_b]


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
    for acc in db.session.scalars(select(PointsAccount).where(PointsAccount.key.not_in(SYSTEM))
                                  .order_by(PointsAccount.id)):
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
