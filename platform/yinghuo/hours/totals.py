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


#: PostgreSQL, set-based: every approved record summed into its four periods (``{only}``: an
#: extra condition, e.g. one tenant); the same sums the migration that made the table wrote
PG_SUM = """
INSERT INTO hour_totals (tenant_id, id, member_id, period, minutes)
SELECT tenant_id, nextval('yinghuo_id_seq'), member_id, p, sum(minutes)
FROM hour_records, unnest(ARRAY[to_char(served_on, 'YYYY-MM'), to_char(served_on, 'YYYY-"Q"Q'),
                                to_char(served_on, 'YYYY'), 'all']) AS p
WHERE status = 'approved' {only} GROUP BY tenant_id, member_id, p"""


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
        db.session.execute(delete(HourTotal).execution_options(synchronize_session=False))
        if db.session.get_bind().dialect.name == "postgresql":  # no record changes while it is made
            db.session.execute(db.text("LOCK TABLE hour_records IN SHARE MODE"))
            db.session.execute(db.text("SET LOCAL work_mem = '128MB'"))   # a city's millions of records
            made = db.session.execute(db.text(PG_SUM.format(only="AND tenant_id = :tenant")),
                                      {"tenant": tenant_id}).rowcount
        else:
            want = expected()
            db.session.add_all(HourTotal(tenant_id=tenant_id, member_id=m, period=p, minutes=minutes)
                               for (m, p), minutes in want.items())
            made = len(want)
        db.session.commit()
    return made
