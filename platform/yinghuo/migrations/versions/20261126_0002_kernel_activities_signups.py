"""kernel activities signups

Revision ID: 5ad573acf5fc
Revises: 481475c889e8
Create Date: 2026-11-26 11:09:07.683560
"""
from alembic import op
import sqlalchemy as sa

from yinghuo.db.rls import enable_tenant_rls

revision = '5ad573acf5fc'
down_revision = '481475c889e8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activities',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('unit_id', sa.BigInteger(), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('confirmed_count', sa.Integer(), nullable=False),
    sa.Column('signup_opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signup_closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('requirements', sa.Text(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('series_id', sa.BigInteger(), nullable=True),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('confirmed_count >= 0 AND confirmed_count <= capacity', name=op.f('ck_activities_within_capacity')),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_activities_tenant_id_unit_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_activities_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_activities'))
    )
    op.create_index('ix_activities_tenant_id_starts_at', 'activities', ['tenant_id', 'starts_at'], unique=False)
    op.create_table('signups',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('activity_id', sa.BigInteger(), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signed_up_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'activity_id'], ['activities.tenant_id', 'activities.id'], name=op.f('fk_signups_tenant_id_activity_id_activities')),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_signups_tenant_id_member_id_members')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_signups_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_signups')),
    sa.UniqueConstraint('tenant_id', 'activity_id', 'member_id', name=op.f('uq_signups_tenant_id_activity_id_member_id'))
    )
    op.create_index('ix_signups_tenant_id_activity_id_status', 'signups', ['tenant_id', 'activity_id', 'status'], unique=False)
    for table in ('activities', 'signups'):
        enable_tenant_rls(op, table)


def downgrade() -> None:
    op.drop_index('ix_signups_tenant_id_activity_id_status', table_name='signups')
    op.drop_table('signups')
    op.drop_index('ix_activities_tenant_id_starts_at', table_name='activities')
    op.drop_table('activities')
