"""kernel: hour_records.flag - why a record deserves a second look, kept instead of computed

Issue 18: the approval queue computed its flags in Python over up to 1 000 pending records
and their attendance on every request (and missed any past the thousandth). The flag is now
set when a record is made and when its person's attendance changes: ``manual`` (entered by
hand) or ``over`` (pending hours above the time checked in). A partial index holds the
flagged records by size for the anomaly list; the index of records by evidence and size,
which only that list used, goes.

Revision ID: 4b7d1e9a3c60
Revises: 9c4e2a7f5d18
Create Date: 2026-12-05 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '4b7d1e9a3c60'
down_revision = '9c4e2a7f5d18'
branch_labels = None
depends_on = None

#: minutes between check-in and check-out, by dialect (yinghuo.activities.checkins.minutes_present)
PRESENT = {
    'postgresql': "floor(extract(epoch FROM a.checked_out_at - a.checked_in_at) / 60)",
    'sqlite': "CAST((julianday(a.checked_out_at) - julianday(a.checked_in_at)) * 1440 AS INTEGER)",
}
#: checkins.ATTENDANCE_SLACK_MINUTES when this was written
SLACK = 5


def upgrade() -> None:
    op.add_column('hour_records', sa.Column('flag', sa.String(length=8), nullable=True))
    op.execute("UPDATE hour_records SET flag = 'manual' WHERE evidence = 'manual'")
    present = PRESENT[op.get_bind().dialect.name]
    op.execute(f"""
        UPDATE hour_records SET flag = 'over'
        WHERE status = 'pending' AND evidence <> 'manual' AND activity_id IS NOT NULL
          AND minutes > {SLACK} + coalesce((
              SELECT {present} FROM attendances a
              WHERE a.tenant_id = hour_records.tenant_id AND a.activity_id = hour_records.activity_id
                AND a.member_id = hour_records.member_id AND a.checked_out_at IS NOT NULL), 0)""")
    op.create_index('ix_hour_records_flagged', 'hour_records', ['tenant_id', 'minutes', 'id'], unique=False,
                    postgresql_where=sa.text('flag IS NOT NULL'), sqlite_where=sa.text('flag IS NOT NULL'))
    op.drop_index('ix_hour_records_tenant_id_evidence_minutes', table_name='hour_records')


def downgrade() -> None:
    op.create_index('ix_hour_records_tenant_id_evidence_minutes', 'hour_records', ['tenant_id', 'evidence', 'minutes'],
                    unique=False)
    op.drop_index('ix_hour_records_flagged', table_name='hour_records')
    op.drop_column('hour_records', 'flag')
