"""points ledger

Revision ID: e95f73edbaa8
Revises: 
Create Date: 2026-12-02 04:53:51.274788
"""
from alembic import op
import sqlalchemy as sa

from yinghuo.api import enable_tenant_rls

revision = 'e95f73edbaa8'
down_revision = None
branch_labels = ('points',)
depends_on = '7d31c2b9e0a4'


def upgrade() -> None:
    op.create_table('points_chain',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_chain_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_chain')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_points_chain_tenant_id'))
    )
    op.create_table('points_accounts',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=True),
    sa.Column('household_id', sa.BigInteger(), nullable=True),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_points_accounts_tenant_id_member_id_members')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_accounts_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_accounts')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_points_accounts_tenant_id_key'))
    )
    op.create_table('points_entries',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('debit_account_id', sa.BigInteger(), nullable=False),
    sa.Column('credit_account_id', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.String(length=80), nullable=False),
    sa.Column('reverses_id', sa.BigInteger(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_points_entries_positive')),
    sa.ForeignKeyConstraint(['tenant_id', 'credit_account_id'], ['points_accounts.tenant_id', 'points_accounts.id'], name=op.f('fk_points_entries_tenant_id_credit_account_id_points_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'debit_account_id'], ['points_accounts.tenant_id', 'points_accounts.id'], name=op.f('fk_points_entries_tenant_id_debit_account_id_points_accounts')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_entries_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_entries')),
    sa.UniqueConstraint('tenant_id', 'seq', name=op.f('uq_points_entries_tenant_id_seq')),
    sa.UniqueConstraint('tenant_id', 'source', 'source_id', name=op.f('uq_points_entries_tenant_id_source_source_id'))
    )
    op.create_index('ix_points_entries_tenant_id_credit_account_id', 'points_entries', ['tenant_id', 'credit_account_id'], unique=False)
    op.create_index('ix_points_entries_tenant_id_debit_account_id', 'points_entries', ['tenant_id', 'debit_account_id'], unique=False)
    for table in ('points_chain', 'points_accounts', 'points_entries'):
        enable_tenant_rls(op, table)


def downgrade() -> None:
    op.drop_index('ix_points_entries_tenant_id_debit_account_id', table_name='points_entries')
    op.drop_index('ix_points_entries_tenant_id_credit_account_id', table_name='points_entries')
    op.drop_table('points_entries')
    op.drop_table('points_accounts')
    op.drop_table('points_chain')
