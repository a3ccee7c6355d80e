"""kernel: the job outbox - a call is written in the transaction that asks for it

Issue 16: with Redis down, a certificate request answered 500 and left a certificate pending
with no job, forever. Now ``enqueue`` writes a row here in the same transaction; the row is
deleted in the same transaction as the call's own writes, and a sweep pushes again the rows
whose run never finished (``yinghuo.jobs``).

Row-level security: a tenant's calls in its scope; platform calls (no tenant) outside any
tenant's scope; the sweep reads all as the operator.

Revision ID: 4c8e2d7a1f90
Revises: 9f3a61c0d2b7
Create Date: 2026-12-04 22:00:00
"""
import sqlalchemy as sa
from alembic import op

from yinghuo.db.rls import grant_global

revision = '4c8e2d7a1f90'
down_revision = '9f3a61c0d2b7'
branch_labels = None
depends_on = None

TENANTS = "(SELECT yinghuo_current_tenants())::bigint[]"
TEST = (f"tenant_id = ANY ({TENANTS}) OR (SELECT yinghuo_is_operator()) "
        f"OR (tenant_id IS NULL AND cardinality({TENANTS}) = 0)")


def upgrade() -> None:
    op.create_table(
        'job_outbox',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('tenant_id', sa.BigInteger(), nullable=True),
        sa.Column('func', sa.String(length=200), nullable=False),
        sa.Column('kwargs', sa.JSON(), nullable=False),
        sa.Column('job_id', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('pushes', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_outbox')),
    )
    op.create_index('ix_job_outbox_created_at', 'job_outbox', ['created_at'])
    if op.get_bind().dialect.name != 'postgresql':
        return
    grant_global(op, 'job_outbox')
    grant_global(op, 'job_outbox_id_seq', 'USAGE, SELECT')
    op.execute("ALTER TABLE job_outbox ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE job_outbox FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY outbox_scope ON job_outbox USING ({TEST}) WITH CHECK ({TEST})")


def downgrade() -> None:
    op.drop_index('ix_job_outbox_created_at', table_name='job_outbox')
    op.drop_table('job_outbox')
