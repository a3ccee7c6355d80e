"""Custom plans for the statements that read across a whole tenant.

psycopg prepares a statement once it has run a few times, and PostgreSQL then plans it once
for any values (a generic plan). That is what keeps the hot paths cheap (bench/run.py). But a
generic plan takes the row-level security policy's tenant test and the statement's own as two
independent filters and expects a tenant to hold a few hundred rows; in a county of 100 000
people it then reads all of them for each id it looks up (bench/scale.py: 2 s for the 500
names of an approval queue, 0.26 s for a ranking). ``custom_plans()`` makes PostgreSQL plan
each statement with its values, with the tenant's statistics, for the rest of the transaction:
the admins' tools (every route behind a permission), rankings, roll-ups and reports call it.
"""
from __future__ import annotations

from ..extensions import db


def custom_plans() -> None:
    """Plan the rest of this transaction's statements with their values (PostgreSQL)."""
    session = db.session()
    if session.get_bind().dialect.name != "postgresql" or session.info.get(SET_FOR) is session.get_transaction():
        return
    from .rls import aligned_connection
    aligned_connection(session).exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
    session.info[SET_FOR] = session.get_transaction()


#: session.info key: set the custom plans in the transaction's first round trip (``rls._begin``)
AT_BEGIN = "yinghuo_custom_plans_at_begin"
#: session.info key: the transaction they are set for
SET_FOR = "yinghuo_custom_plans"


def custom_plans_from_start() -> None:
    """For a request known before it reads anything to need them (a route behind a
    permission): the setting goes with the transaction's opening statements (role, tenant)
    instead of a round trip of its own; ``custom_plans()`` then finds it done."""
    db.session().info[AT_BEGIN] = True
