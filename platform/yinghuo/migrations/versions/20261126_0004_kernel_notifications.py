"""kernel notifications

Revision ID: 325679748f6c
Revises: 4120f2159e40
Create Date: 2026-11-26 11:18:33.988889
"""
from alembic import op
import sqlalchemy as sa

from yinghuo.db.rls import enable_tenant_rls

revision = '325679748f6c'
down_revision = '4120f2159e40'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notifications',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_notifications_tenant_id_member_id_members')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_notifications_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_notifications'))
    )
    op.create_index('ix_notifications_tenant_id_member_id_read_at', 'notifications', ['tenant_id', 'member_id', 'read_at'], unique=False)
    enable_tenant_rls(op, 'notifications')


def downgrade() -> None:
    op.drop_index('ix_notifications_tenant_id_member_id_read_at', table_name='notifications')
    op.drop_table('notifications')
