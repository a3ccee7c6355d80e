"""teams reports

Revision ID: ff43e88c251a
Revises: 9660528bbd62
Create Date: 2026-11-26 12:42:41.122641
"""
from alembic import op
import sqlalchemy as sa

from yinghuo.api import enable_tenant_rls

revision = 'ff43e88c251a'
down_revision = '9660528bbd62'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('teams_reports',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('squad_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('author_id', sa.BigInteger(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'author_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_teams_reports_tenant_id_author_id_members')),
    sa.ForeignKeyConstraint(['tenant_id', 'squad_id'], ['teams_squads.tenant_id', 'teams_squads.id'], name=op.f('fk_teams_reports_tenant_id_squad_id_teams_squads')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_teams_reports_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_teams_reports'))
    )
    op.create_table('teams_report_reviews',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('report_id', sa.BigInteger(), nullable=False),
    sa.Column('actor_id', sa.BigInteger(), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('comment', sa.String(length=2000), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'report_id'], ['teams_reports.tenant_id', 'teams_reports.id'], name=op.f('fk_teams_report_reviews_tenant_id_report_id_teams_reports')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_teams_report_reviews_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_teams_report_reviews'))
    )
    for table in ('teams_reports', 'teams_report_reviews'):
        enable_tenant_rls(op, table)


def downgrade() -> None:
    op.drop_table('teams_report_reviews')
    op.drop_table('teams_reports')
