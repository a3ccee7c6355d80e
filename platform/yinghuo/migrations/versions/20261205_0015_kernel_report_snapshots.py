"""kernel: report_snapshots - the dashboard's and roll-up's last computed figures; the queue's index

Issue 18: the dashboard and a hub's roll-up read every member of a tenant on each request.
A job computes them every ten minutes into this table; pages serve the last result with its
time. And the approval queue lists pending records by id: (tenant_id, status, id).

Revision ID: 9c4e2a7f5d18
Revises: 7a3d5e9c1b42
Create Date: 2026-12-05 13:00:00
"""
import sqlalchemy as sa
from alembic import op

from yinghuo.db.rls import enable_tenant_rls

revision = '9c4e2a7f5d18'
down_revision = '7a3d5e9c1b42'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_snapshots',
        sa.Column('tenant_id', sa.BigInteger(), nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_report_snapshots_tenant_id_tenants'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_report_snapshots')),
        sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_report_snapshots_tenant_id_name')),
    )
    enable_tenant_rls(op, 'report_snapshots')
    op.create_index('ix_hour_records_tenant_id_status_id', 'hour_records', ['tenant_id', 'status', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_hour_records_tenant_id_status_id', table_name='hour_records')
    op.drop_table('report_snapshots')
