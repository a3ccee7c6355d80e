"""kernel attendance hours

Revision ID: 4120f2159e40
Revises: 5ad573acf5fc
Create Date: 2026-11-26 11:13:38.342593
"""
from alembic import op
import sqlalchemy as sa

from yinghuo.db.rls import enable_tenant_rls

revision = '4120f2159e40'
down_revision = '5ad573acf5fc'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attendances',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('activity_id', sa.BigInteger(), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('in_method', sa.String(length=12), nullable=False),
    sa.Column('out_method', sa.String(length=12), nullable=True),
    sa.Column('recorded_by', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'activity_id'], ['activities.tenant_id', 'activities.id'], name=op.f('fk_attendances_tenant_id_activity_id_activities')),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_attendances_tenant_id_member_id_members')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_attendances_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_attendances')),
    sa.UniqueConstraint('tenant_id', 'activity_id', 'member_id', name=op.f('uq_attendances_tenant_id_activity_id_member_id'))
    )
    op.create_table('hour_records',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('activity_id', sa.BigInteger(), nullable=True),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('content', sa.String(length=300), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('evidence', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('supersedes_id', sa.BigInteger(), nullable=True),
    sa.Column('entered_by', sa.BigInteger(), nullable=True),
    sa.Column('decided_by', sa.BigInteger(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'activity_id'], ['activities.tenant_id', 'activities.id'], name=op.f('fk_hour_records_tenant_id_activity_id_activities')),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_hour_records_tenant_id_member_id_members')),
    sa.ForeignKeyConstraint(['tenant_id', 'supersedes_id'], ['hour_records.tenant_id', 'hour_records.id'], name=op.f('fk_hour_records_tenant_id_supersedes_id_hour_records')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_hour_records_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_hour_records'))
    )
    op.create_index('ix_hour_records_tenant_id_activity_id', 'hour_records', ['tenant_id', 'activity_id'], unique=False)
    op.create_index('ix_hour_records_tenant_id_member_id_status', 'hour_records', ['tenant_id', 'member_id', 'status'], unique=False)
    op.add_column('activities', sa.Column('geofence_m', sa.Integer(), nullable=True))
    for table in ('attendances', 'hour_records'):
        enable_tenant_rls(op, table)


def downgrade() -> None:
    op.drop_column('activities', 'geofence_m')
    op.drop_index('ix_hour_records_tenant_id_member_id_status', table_name='hour_records')
    op.drop_index('ix_hour_records_tenant_id_activity_id', table_name='hour_records')
    op.drop_table('hour_records')
    op.drop_table('attendances')
