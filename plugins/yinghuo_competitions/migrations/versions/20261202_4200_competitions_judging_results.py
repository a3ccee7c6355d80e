"""competitions judging results

Revision ID: 9176e9217aca
Revises: 5d1483a8d419
Create Date: 2026-12-02 12:22:24.915098
"""
from alembic import op
import sqlalchemy as sa

from yinghuo.api import enable_tenant_rls

revision = '9176e9217aca'
down_revision = '5d1483a8d419'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('competitions_phone_codes',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('phone', sa.String(length=80), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_competitions_phone_codes_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_competitions_phone_codes'))
    )
    op.create_index('ix_competitions_phone_codes_tenant_id_phone', 'competitions_phone_codes', ['tenant_id', 'phone'], unique=False)
    op.create_table('competitions_judges',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('competition_id', sa.BigInteger(), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'competition_id'], ['competitions_competitions.tenant_id', 'competitions_competitions.id'], name=op.f('fk_competitions_judges_tenant_id_competition_id_competitions_competitions')),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_competitions_judges_tenant_id_member_id_members')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_competitions_judges_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_competitions_judges')),
    sa.UniqueConstraint('tenant_id', 'competition_id', 'member_id', name=op.f('uq_competitions_judges_tenant_id_competition_id_member_id'))
    )
    op.create_table('competitions_anomaly_reviews',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('competition_id', sa.BigInteger(), nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('signals', sa.JSON(), nullable=False),
    sa.Column('voided_votes', sa.Integer(), nullable=False),
    sa.Column('decided_by', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'entry_id'], ['competitions_entries.tenant_id', 'competitions_entries.id'], name=op.f('fk_competitions_anomaly_reviews_tenant_id_entry_id_competitions_entries')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_competitions_anomaly_reviews_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_competitions_anomaly_reviews')),
    sa.UniqueConstraint('tenant_id', 'competition_id', 'entry_id', name=op.f('uq_competitions_anomaly_reviews_tenant_id_competition_id_entry_id'))
    )
    op.create_table('competitions_conflicts',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('competition_id', sa.BigInteger(), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'entry_id'], ['competitions_entries.tenant_id', 'competitions_entries.id'], name=op.f('fk_competitions_conflicts_tenant_id_entry_id_competitions_entries')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_competitions_conflicts_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_competitions_conflicts')),
    sa.UniqueConstraint('tenant_id', 'competition_id', 'member_id', 'entry_id', name=op.f('uq_competitions_conflicts_tenant_id_competition_id_member_id_entry_id'))
    )
    op.create_table('competitions_entry_files',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False, server_default='contest'),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'entry_id'], ['competitions_entries.tenant_id', 'competitions_entries.id'], name=op.f('fk_competitions_entry_files_tenant_id_entry_id_competitions_entries')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_competitions_entry_files_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_competitions_entry_files'))
    )
    op.create_index('ix_competitions_entry_files_tenant_id_entry_id', 'competitions_entry_files', ['tenant_id', 'entry_id'], unique=False)
    op.create_table('competitions_results',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('competition_id', sa.BigInteger(), nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('judge_score', sa.Float(), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.Column('vote_score', sa.Float(), nullable=False),
    sa.Column('final', sa.Float(), nullable=False),
    sa.Column('award', sa.String(length=12), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'entry_id'], ['competitions_entries.tenant_id', 'competitions_entries.id'], name=op.f('fk_competitions_results_tenant_id_entry_id_competitions_entries')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_competitions_results_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_competitions_results')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_competitions_results_tenant_id_code')),
    sa.UniqueConstraint('tenant_id', 'competition_id', 'entry_id', name=op.f('uq_competitions_results_tenant_id_competition_id_entry_id'))
    )
    op.create_table('competitions_sheets',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('competition_id', sa.BigInteger(), nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('round', sa.String(length=10), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('comment', sa.String(length=2000), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'entry_id'], ['competitions_entries.tenant_id', 'competitions_entries.id'], name=op.f('fk_competitions_sheets_tenant_id_entry_id_competitions_entries')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_competitions_sheets_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_competitions_sheets')),
    sa.UniqueConstraint('tenant_id', 'competition_id', 'entry_id', 'member_id', 'round', name=op.f('uq_competitions_sheets_tenant_id_competition_id_entry_id_member_id_round'))
    )
    op.create_index('ix_competitions_sheets_tenant_id_competition_id_round', 'competitions_sheets', ['tenant_id', 'competition_id', 'round'], unique=False)
    op.add_column('competitions_competitions', sa.Column('kind', sa.String(length=10), nullable=False, server_default='contest'))
    op.add_column('competitions_competitions', sa.Column('trim', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('competitions_competitions', sa.Column('normalise', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('competitions_competitions', sa.Column('finalists_per_category', sa.Integer(), nullable=False, server_default='10'))
    op.add_column('competitions_competitions', sa.Column('awards', sa.JSON(), nullable=False, server_default='{}'))
    op.add_column('competitions_competitions', sa.Column('results_published_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('competitions_entries', sa.Column('finalist', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('competitions_entries', sa.Column('nominee_id', sa.BigInteger(), nullable=True))
    op.add_column('competitions_votes', sa.Column('subnet', sa.String(length=45), nullable=False, server_default=''))
    op.add_column('competitions_votes', sa.Column('window', sa.BigInteger(), nullable=False, server_default='0'))
    op.add_column('competitions_votes', sa.Column('night', sa.Boolean(), nullable=False, server_default=sa.false()))
    for table in ('competitions_phone_codes', 'competitions_judges', 'competitions_anomaly_reviews',
                  'competitions_conflicts', 'competitions_entry_files', 'competitions_results', 'competitions_sheets'):
        enable_tenant_rls(op, table)


def downgrade() -> None:
    op.drop_column('competitions_votes', 'night')
    op.drop_column('competitions_votes', 'window')
    op.drop_column('competitions_votes', 'subnet')
    op.drop_column('competitions_entries', 'nominee_id')
    op.drop_column('competitions_entries', 'finalist')
    op.drop_column('competitions_competitions', 'results_published_at')
    op.drop_column('competitions_competitions', 'awards')
    op.drop_column('competitions_competitions', 'finalists_per_category')
    op.drop_column('competitions_competitions', 'normalise')
    op.drop_column('competitions_competitions', 'trim')
    op.drop_column('competitions_competitions', 'kind')
    op.drop_index('ix_competitions_sheets_tenant_id_competition_id_round', table_name='competitions_sheets')
    op.drop_table('competitions_sheets')
    op.drop_table('competitions_results')
    op.drop_index('ix_competitions_entry_files_tenant_id_entry_id', table_name='competitions_entry_files')
    op.drop_table('competitions_entry_files')
    op.drop_table('competitions_conflicts')
    op.drop_table('competitions_anomaly_reviews')
    op.drop_table('competitions_judges')
    op.drop_index('ix_competitions_phone_codes_tenant_id_phone', table_name='competitions_phone_codes')
    op.drop_table('competitions_phone_codes')
