"""The kept totals of approved minutes (``hour_totals``) against the records they sum.

The database's triggers keep them in step (migration 0013); this module checks that they
agree with ``hour_records`` and makes them again from the records when they do not (a restore
of an old dump, a hand edit, a trigger dropped). Both work one tenant at a time, in its scope.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import delete, extract, func, select

from ..db.context import tenant_scope
from ..extensions import db
from .models import HourRecord, HourTotal, periods_of


def expected() -> dict[tuple[int, str], int]:
    """(member_id, period) -> approved minutes, summed from the records of the tenant in scope."""
    year, month = extract("year", HourRecord.served_on), extract("month", HourRecord.served_on)
    rows = db.session.execute(select(HourRecord.member_id, year, month, func.sum(HourRecord.minutes))
                              .where(HourRecord.status == "approved")
                              .group_by(HourRecord.member_id, year, month)).all()
    totals: dict[tuple[int, str], int] = defaultdict(int)
    for member_id, y, m, minutes in rows:
        for period in periods_of(date(int(y), int(m), 1)):
            totals[(member_id, period)] += int(minutes)
    return dict(totals)


def stored() -> dict[tuple[int, str], int]:
    """(member_id, period) -> minutes as kept, rows at zero left out (a voided month keeps its row)."""
    rows = db.session.execute(select(HourTotal.member_id, HourTotal.period, HourTotal.minutes)).all()
    return {(m, p): int(minutes) for m, p, minutes in rows if minutes}


def drift(tenant_id: int) -> list[dict]:
    """Where the kept totals and the records disagree, for one tenant."""
    with tenant_scope(tenant_id):
        want, have = expected(), stored()
        db.session.rollback()
    return [{"member_id": key[0], "period": key[1], "kept": have.get(key, 0), "records": want.get(key, 0)}
            for key in sorted(set(want) | set(have)) if want.get(key, 0) != have.get(key, 0)]


def rebuild(tenant_id: int) -> int:
    """Make one tenant's totals again from its records (in one transaction); returns the rows."""
    with tenant_scope(tenant_id):
        if db.session.get_bind().dialect.name == "postgresql":  # no record changes while it is made
            db.session.execute(db.text("LOCK TABLE hour_records IN SHARE MODE"))
        db.session.execute(delete(HourTotal).execution_options(synchronize_session=False))
        want = expected()
        db.session.add_all(HourTotal(tenant_id=tenant_id, member_id=m, period=p, minutes=minutes)
                           for (m, p), minutes in want.items())
        db.session.commit()
    return len(want)
