"""kernel: periodic_runs - each slot of each periodic job, claimed once

Issue 17: without Redis the periodic jobs (reminders, retention, the outbox sweep) never ran.
A runner in the web processes now claims a job's slot by inserting (job_id, slot) here before
running it (``yinghuo.periodic``). Platform-wide rows: the operator's scope only.

Revision ID: 5b7e0c93d2a1
Revises: 4c8e2d7a1f90
Create Date: 2026-12-05 08:00:00
"""
import sqlalchemy as sa
from alembic import op

from yinghuo.db.rls import grant_global

revision = '5b7e0c93d2a1'
down_revision = '4c8e2d7a1f90'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'periodic_runs',
        sa.Column('job_id', sa.String(length=100), nullable=False),
        sa.Column('slot', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('runner', sa.String(length=200), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('tenants', sa.Integer(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint('job_id', 'slot', name=op.f('pk_periodic_runs')),
    )
    if op.get_bind().dialect.name != 'postgresql':
        return
    grant_global(op, 'periodic_runs')
    op.execute("ALTER TABLE periodic_runs ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE periodic_runs FORCE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY operators_only ON periodic_runs USING ((SELECT yinghuo_is_operator())) "
               "WITH CHECK ((SELECT yinghuo_is_operator()))")


def downgrade() -> None:
    op.drop_table('periodic_runs')
