"""teams squads secretaries pairings

Revision ID: 9660528bbd62
Revises: 
Create Date: 2026-11-26 12:34:37.612442
"""
from alembic import op
import sqlalchemy as sa

from yinghuo.api import enable_tenant_rls

revision = '9660528bbd62'
down_revision = None
branch_labels = ('teams',)
depends_on = 'c8e42fbc39c1'


def upgrade() -> None:
    op.create_table('teams_secretaries',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('post', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=False),
    sa.Column('term_start', sa.Date(), nullable=True),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_teams_secretaries_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_teams_secretaries'))
    )
    op.create_table('teams_squads',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('leader_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'leader_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_teams_squads_tenant_id_leader_id_members')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_teams_squads_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_teams_squads')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_teams_squads_tenant_id_name'))
    )
    op.create_table('teams_pairings',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('squad_id', sa.BigInteger(), nullable=False),
    sa.Column('secretary_id', sa.BigInteger(), nullable=False),
    sa.Column('village_id', sa.BigInteger(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'secretary_id'], ['teams_secretaries.tenant_id', 'teams_secretaries.id'], name=op.f('fk_teams_pairings_tenant_id_secretary_id_teams_secretaries')),
    sa.ForeignKeyConstraint(['tenant_id', 'squad_id'], ['teams_squads.tenant_id', 'teams_squads.id'], name=op.f('fk_teams_pairings_tenant_id_squad_id_teams_squads')),
    sa.ForeignKeyConstraint(['tenant_id', 'village_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_teams_pairings_tenant_id_village_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_teams_pairings_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_teams_pairings'))
    )
    op.create_table('teams_squad_members',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('squad_id', sa.BigInteger(), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_teams_squad_members_tenant_id_member_id_members')),
    sa.ForeignKeyConstraint(['tenant_id', 'squad_id'], ['teams_squads.tenant_id', 'teams_squads.id'], name=op.f('fk_teams_squad_members_tenant_id_squad_id_teams_squads')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_teams_squad_members_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_teams_squad_members')),
    sa.UniqueConstraint('tenant_id', 'member_id', name=op.f('uq_teams_squad_members_tenant_id_member_id'))
    )
    for table in ('teams_squads', 'teams_squad_members', 'teams_secretaries', 'teams_pairings'):
        enable_tenant_rls(op, table)


def downgrade() -> None:
    op.drop_table('teams_squad_members')
    op.drop_table('teams_pairings')
    op.drop_table('teams_squads')
    op.drop_table('teams_secretaries')
