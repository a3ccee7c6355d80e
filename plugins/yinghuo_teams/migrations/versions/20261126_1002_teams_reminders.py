"""teams reminders

Revision ID: 23633207f938
Revises: ff43e88c251a
Create Date: 2026-11-26 12:54:32.369556
"""
from alembic import op
import sqlalchemy as sa

from yinghuo.api import enable_tenant_rls

revision = '23633207f938'
down_revision = 'ff43e88c251a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('teams_reminders',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('squad_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('audience', sa.String(length=10), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'squad_id'], ['teams_squads.tenant_id', 'teams_squads.id'], name=op.f('fk_teams_reminders_tenant_id_squad_id_teams_squads')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_teams_reminders_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_teams_reminders')),
    sa.UniqueConstraint('tenant_id', 'squad_id', 'kind', 'period_start', 'audience', name=op.f('uq_teams_reminders_tenant_id_squad_id_kind_period_start_audience'))
    )
    enable_tenant_rls(op, 'teams_reminders')


def downgrade() -> None:
    op.drop_table('teams_reminders')
