"""kernel: hour_totals - approved minutes per member and period, kept by triggers

Issue 18: rankings, roll-ups and dashboards summed every approved record of a tenant (a million
in a big county: 0.5-30 s). Now each member has one row per period its approved records fall
in (month ``2026-11``, quarter ``2026-Q4``, year ``2026``, ``all``), changed by triggers on
hour_records in the same transaction as the record: an approval adds, a void, a rejection of
an approved record or a correction's void subtracts, a change of minutes, day or member moves
the amount. The rows are tenant rows like any other (tenant_id leading the key, RLS forced).
Existing records are summed into the table here.

Revision ID: 2f6c8e1a9d34
Revises: 8d2f4a61c7e3
Create Date: 2026-12-05 11:00:00
"""
import sqlalchemy as sa
from alembic import op

from yinghuo.db.rls import enable_tenant_rls

revision = '2f6c8e1a9d34'
down_revision = '8d2f4a61c7e3'
branch_labels = None
depends_on = None

PG_FUNCTIONS = """
CREATE FUNCTION yinghuo_hour_totals_add(t bigint, m bigint, d date, delta bigint) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO hour_totals (tenant_id, id, member_id, period, minutes)
  SELECT t, nextval('yinghuo_id_seq'), m, p, delta
  FROM unnest(ARRAY[to_char(d, 'YYYY-MM'), to_char(d, 'YYYY-"Q"Q'), to_char(d, 'YYYY'), 'all']) AS p
  ON CONFLICT (tenant_id, member_id, period) DO UPDATE SET minutes = hour_totals.minutes + EXCLUDED.minutes
$$;

CREATE FUNCTION yinghuo_hour_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'approved' THEN
    PERFORM yinghuo_hour_totals_add(OLD.tenant_id, OLD.member_id, OLD.served_on, -OLD.minutes);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'approved' THEN
    PERFORM yinghuo_hour_totals_add(NEW.tenant_id, NEW.member_id, NEW.served_on, NEW.minutes);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER hour_totals_on_insert AFTER INSERT ON hour_records
  FOR EACH ROW WHEN (NEW.status = 'approved') EXECUTE FUNCTION yinghuo_hour_totals();
CREATE TRIGGER hour_totals_on_update AFTER UPDATE OF status, minutes, served_on, member_id ON hour_records
  FOR EACH ROW WHEN ((OLD.status = 'approved' OR NEW.status = 'approved') AND
                     (OLD.status, OLD.minutes, OLD.served_on, OLD.member_id)
                     IS DISTINCT FROM (NEW.status, NEW.minutes, NEW.served_on, NEW.member_id))
  EXECUTE FUNCTION yinghuo_hour_totals();
CREATE TRIGGER hour_totals_on_delete AFTER DELETE ON hour_records
  FOR EACH ROW WHEN (OLD.status = 'approved') EXECUTE FUNCTION yinghuo_hour_totals();
"""

#: SQLite: one upsert per period, each drawing its id from the one-row counter first
SQLITE_PERIODS = ("strftime('%Y-%m', {r}.served_on)",
                  "strftime('%Y', {r}.served_on) || '-Q' || ((CAST(strftime('%m', {r}.served_on) AS INTEGER) + 2) / 3)",
                  "strftime('%Y', {r}.served_on)", "'all'")


def _sqlite_add(row: str, sign: str) -> str:
    return "\n".join(
        f"UPDATE id_counter SET value = value + 1;\n"
        f"INSERT INTO hour_totals (tenant_id, id, member_id, period, minutes) VALUES ({row}.tenant_id, "
        f"(SELECT value FROM id_counter), {row}.member_id, {period.format(r=row)}, {sign}{row}.minutes) "
        f"ON CONFLICT (tenant_id, member_id, period) DO UPDATE SET minutes = minutes + excluded.minutes;"
        for period in SQLITE_PERIODS)


def _sqlite_triggers() -> list[str]:
    changed = ("(OLD.status IS NOT NEW.status OR OLD.minutes IS NOT NEW.minutes OR "
               "OLD.served_on IS NOT NEW.served_on OR OLD.member_id IS NOT NEW.member_id)")
    return [
        f"CREATE TRIGGER hour_totals_on_insert AFTER INSERT ON hour_records WHEN NEW.status = 'approved' "
        f"BEGIN {_sqlite_add('NEW', '')} END",
        f"CREATE TRIGGER hour_totals_on_update_old AFTER UPDATE ON hour_records "
        f"WHEN OLD.status = 'approved' AND {changed} BEGIN {_sqlite_add('OLD', '-')} END",
        f"CREATE TRIGGER hour_totals_on_update_new AFTER UPDATE ON hour_records "
        f"WHEN NEW.status = 'approved' AND {changed} BEGIN {_sqlite_add('NEW', '')} END",
        f"CREATE TRIGGER hour_totals_on_delete AFTER DELETE ON hour_records WHEN OLD.status = 'approved' "
        f"BEGIN {_sqlite_add('OLD', '-')} END",
    ]


def upgrade() -> None:
    op.create_table(
        'hour_totals',
        sa.Column('tenant_id', sa.BigInteger(), nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('member_id', sa.BigInteger(), nullable=False),
        sa.Column('period', sa.String(length=7), nullable=False),
        sa.Column('minutes', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'],
                                name=op.f('fk_hour_totals_tenant_id_member_id_members')),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_hour_totals_tenant_id_tenants'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_hour_totals')),
        sa.UniqueConstraint('tenant_id', 'member_id', 'period', name=op.f('uq_hour_totals_tenant_id_member_id_period')),
    )
    op.create_index('ix_hour_totals_tenant_id_period_minutes', 'hour_totals',
                    ['tenant_id', 'period', 'minutes', 'member_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        enable_tenant_rls(op, 'hour_totals')
        op.execute(PG_FUNCTIONS)
        op.execute("""
            INSERT INTO hour_totals (tenant_id, id, member_id, period, minutes)
            SELECT tenant_id, nextval('yinghuo_id_seq'), member_id, p, sum(minutes)
            FROM hour_records, unnest(ARRAY[to_char(served_on, 'YYYY-MM'), to_char(served_on, 'YYYY-"Q"Q'),
                                            to_char(served_on, 'YYYY'), 'all']) AS p
            WHERE status = 'approved' GROUP BY tenant_id, member_id, p""")
    else:
        for statement in _sqlite_triggers():
            op.execute(statement)
        periods = " UNION ALL ".join(
            f"SELECT tenant_id, member_id, {period.format(r='hour_records')} AS period, minutes "
            f"FROM hour_records WHERE status = 'approved'" for period in SQLITE_PERIODS)
        op.execute(f"""
            INSERT INTO hour_totals (tenant_id, id, member_id, period, minutes)
            SELECT tenant_id, (SELECT value FROM id_counter) + row_number() OVER (), member_id, period, total
            FROM (SELECT tenant_id, member_id, period, sum(minutes) AS total FROM ({periods})
                  GROUP BY tenant_id, member_id, period)""")
        op.execute("UPDATE id_counter SET value = value + (SELECT count(*) FROM hour_totals)")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for name in ('insert', 'update', 'delete'):
            op.execute(f"DROP TRIGGER hour_totals_on_{name} ON hour_records")
        op.execute("DROP FUNCTION yinghuo_hour_totals()")
        op.execute("DROP FUNCTION yinghuo_hour_totals_add(bigint, bigint, date, bigint)")
    else:
        for name in ('insert', 'update_old', 'update_new', 'delete'):
            op.execute(f"DROP TRIGGER hour_totals_on_{name}")
    op.drop_index('ix_hour_totals_tenant_id_period_minutes', table_name='hour_totals')
    op.drop_table('hour_totals')
