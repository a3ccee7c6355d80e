"""competitions: public votes and the voters' daily counters

Revision ID: 5d1483a8d419
Revises: 34245c7743dd
Create Date: 2026-12-02 08:01:51.161615
"""
from alembic import op
import sqlalchemy as sa

from yinghuo.api import enable_tenant_rls

revision = '5d1483a8d419'
down_revision = '34245c7743dd'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('competitions_voter_days',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('competition_id', sa.BigInteger(), nullable=False),
    sa.Column('voter', sa.String(length=80), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.Column('cap', sa.Integer(), nullable=False),
    sa.CheckConstraint('votes >= 0 AND votes <= cap', name=op.f('ck_competitions_voter_days_within_cap')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_competitions_voter_days_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_competitions_voter_days')),
    sa.UniqueConstraint('tenant_id', 'competition_id', 'voter', 'day', 'entry_id', name=op.f('uq_competitions_voter_days_tenant_id_competition_id_voter_day_entry_id'))
    )
    op.create_table('competitions_votes',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('competition_id', sa.BigInteger(), nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=False),
    sa.Column('voter', sa.String(length=80), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('device', sa.String(length=64), nullable=False),
    sa.Column('voided', sa.Boolean(), nullable=False),
    sa.Column('void_reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'entry_id'], ['competitions_entries.tenant_id', 'competitions_entries.id'], name=op.f('fk_competitions_votes_tenant_id_entry_id_competitions_entries')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_competitions_votes_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_competitions_votes'))
    )
    op.create_index('ix_competitions_votes_tenant_id_competition_id_created_at', 'competitions_votes', ['tenant_id', 'competition_id', 'created_at'], unique=False)
    op.create_index('ix_competitions_votes_tenant_id_entry_id', 'competitions_votes', ['tenant_id', 'entry_id'], unique=False)
    for table in ('competitions_votes', 'competitions_voter_days'):
        enable_tenant_rls(op, table)


def downgrade() -> None:
    op.drop_index('ix_competitions_votes_tenant_id_entry_id', table_name='competitions_votes')
    op.drop_index('ix_competitions_votes_tenant_id_competition_id_created_at', table_name='competitions_votes')
    op.drop_table('competitions_votes')
    op.drop_table('competitions_voter_days')
