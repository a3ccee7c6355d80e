"""kernel: hour totals change coarse to fine - a member's 'all' row first, so two approvals cannot deadlock

Issue 18 (left open by 0013): each approved record adds to four of its member's rows (month,
quarter, year, all), and they were taken month first. Two transactions approving the same
member's records of two months of one quarter - the approval queue's "approve the ticked
ones" by two admins at once - could each hold one month and wait for the other's quarter:
PostgreSQL broke the cycle by failing one of them. Taken 'all' first, every change to a
member's totals queues behind the same row, so one waits for the other instead. (Batches
take their members in id order, so two members cannot cross either.) SQLite writes one
transaction at a time: nothing changes there.

Revision ID: 7a4d2c9e1f65
Revises: 3c8e1b5f7a92
Create Date: 2026-12-05 12:10:00
"""
from alembic import op

revision = '7a4d2c9e1f65'
down_revision = '3c8e1b5f7a92'
branch_labels = None
depends_on = None

ADD = """
CREATE OR REPLACE FUNCTION yinghuo_hour_totals_add(t bigint, m bigint, d date, delta bigint) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO hour_totals (tenant_id, id, member_id, period, minutes)
  SELECT t, nextval('yinghuo_id_seq'), m, p, delta
  FROM unnest(ARRAY[{periods}]) WITH ORDINALITY AS u(p, n) ORDER BY n
  ON CONFLICT (tenant_id, member_id, period) DO UPDATE SET minutes = hour_totals.minutes + EXCLUDED.minutes
$$;
"""
COARSE_FIRST = "'all', to_char(d, 'YYYY'), to_char(d, 'YYYY-\"Q\"Q'), to_char(d, 'YYYY-MM')"
FINE_FIRST = "to_char(d, 'YYYY-MM'), to_char(d, 'YYYY-\"Q\"Q'), to_char(d, 'YYYY'), 'all'"


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(ADD.format(periods=COARSE_FIRST))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(ADD.format(periods=FINE_FIRST))
