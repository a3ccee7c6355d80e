"""competitions: competitions, entries and their versions

Revision ID: 34245c7743dd
Revises: 
Create Date: 2026-12-02 07:47:06.922800
"""
from alembic import op
import sqlalchemy as sa

from yinghuo.api import enable_tenant_rls

revision = '34245c7743dd'
down_revision = None
branch_labels = ('competitions',)
depends_on = '7d31c2b9e0a4'


def upgrade() -> None:
    op.create_table('competitions_competitions',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('stages', sa.JSON(), nullable=False),
    sa.Column('vote_weight', sa.Integer(), nullable=False),
    sa.Column('eligibility', sa.String(length=20), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_competitions_competitions_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_competitions_competitions'))
    )
    op.create_table('competitions_entries',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('competition_id', sa.BigInteger(), nullable=False),
    sa.Column('entrant_id', sa.BigInteger(), nullable=False),
    sa.Column('from_tenant_id', sa.BigInteger(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('team_name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('video_link', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('review_note', sa.String(length=1000), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['from_tenant_id'], ['tenants.id'], name=op.f('fk_competitions_entries_from_tenant_id_tenants')),
    sa.ForeignKeyConstraint(['tenant_id', 'competition_id'], ['competitions_competitions.tenant_id', 'competitions_competitions.id'], name=op.f('fk_competitions_entries_tenant_id_competition_id_competitions_competitions')),
    sa.ForeignKeyConstraint(['tenant_id', 'entrant_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_competitions_entries_tenant_id_entrant_id_members')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_competitions_entries_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_competitions_entries'))
    )
    op.create_index('ix_competitions_entries_tenant_id_competition_id_status', 'competitions_entries', ['tenant_id', 'competition_id', 'status'], unique=False)
    op.create_index('ix_competitions_entries_tenant_id_entrant_id', 'competitions_entries', ['tenant_id', 'entrant_id'], unique=False)
    op.create_table('competitions_entry_versions',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'entry_id'], ['competitions_entries.tenant_id', 'competitions_entries.id'], name=op.f('fk_competitions_entry_versions_tenant_id_entry_id_competitions_entries')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_competitions_entry_versions_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_competitions_entry_versions')),
    sa.UniqueConstraint('tenant_id', 'entry_id', 'version', name=op.f('uq_competitions_entry_versions_tenant_id_entry_id_version'))
    )
    for table in ('competitions_competitions', 'competitions_entries', 'competitions_entry_versions'):
        enable_tenant_rls(op, table)


def downgrade() -> None:
    op.drop_table('competitions_entry_versions')
    op.drop_index('ix_competitions_entries_tenant_id_entrant_id', table_name='competitions_entries')
    op.drop_index('ix_competitions_entries_tenant_id_competition_id_status', table_name='competitions_entries')
    op.drop_table('competitions_entries')
    op.drop_table('competitions_competitions')
