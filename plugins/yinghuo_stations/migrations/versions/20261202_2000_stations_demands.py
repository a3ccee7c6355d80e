"""stations: residents' demands and their timeline

Revision ID: 3f6a9c1d2b70
Revises:
Create Date: 2026-12-02 10:00:00
"""
import sqlalchemy as sa
from alembic import op

from yinghuo.api import enable_tenant_rls

revision = '3f6a9c1d2b70'
down_revision = None
branch_labels = ('stations',)
depends_on = '7d31c2b9e0a4'


def upgrade() -> None:
    op.create_table(
        'stations_demands',
        sa.Column('tenant_id', sa.BigInteger(), nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('receipt', sa.String(length=20), nullable=False),
        sa.Column('category', sa.String(length=60), nullable=False),
        sa.Column('need', sa.String(length=2000), nullable=False),
        sa.Column('place', sa.String(length=300), nullable=False),
        sa.Column('preferred_time', sa.String(length=100), nullable=False),
        sa.Column('contact_name', sa.String(length=100), nullable=False),
        sa.Column('contact_phone', sa.String(length=20), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('slip_serial', sa.String(length=40), nullable=True),
        sa.Column('slip_photo', sa.LargeBinary(), nullable=True),
        sa.Column('member_id', sa.BigInteger(), nullable=True),
        sa.Column('entered_by', sa.BigInteger(), nullable=True),
        sa.Column('station_id', sa.BigInteger(), nullable=False),
        sa.Column('level_unit_id', sa.BigInteger(), nullable=False),
        sa.Column('team_unit_id', sa.BigInteger(), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('overdue_told_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('record', sa.String(length=2000), nullable=False),
        sa.Column('rating', sa.Integer(), nullable=True),
        sa.Column('rating_comment', sa.String(length=500), nullable=False),
        sa.Column('rated_by_phone', sa.Boolean(), nullable=False),
        sa.Column('duplicate_of', sa.BigInteger(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id', 'level_unit_id'], ['units.tenant_id', 'units.id'],
                                name=op.f('fk_stations_demands_tenant_id_level_unit_id_units')),
        sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'],
                                name=op.f('fk_stations_demands_tenant_id_member_id_members')),
        sa.ForeignKeyConstraint(['tenant_id', 'station_id'], ['units.tenant_id', 'units.id'],
                                name=op.f('fk_stations_demands_tenant_id_station_id_units')),
        sa.ForeignKeyConstraint(['tenant_id', 'team_unit_id'], ['units.tenant_id', 'units.id'],
                                name=op.f('fk_stations_demands_tenant_id_team_unit_id_units')),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_stations_demands_tenant_id_tenants'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_stations_demands')),
        sa.UniqueConstraint('tenant_id', 'receipt', name=op.f('uq_stations_demands_tenant_id_receipt')),
    )
    op.create_index('ix_stations_demands_tenant_id_status_level', 'stations_demands',
                    ['tenant_id', 'status', 'level_unit_id'])
    op.create_index('ix_stations_demands_tenant_id_contact_phone', 'stations_demands', ['tenant_id', 'contact_phone'])
    op.create_table(
        'stations_demand_events',
        sa.Column('tenant_id', sa.BigInteger(), nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('demand_id', sa.BigInteger(), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('from_status', sa.String(length=12), nullable=False),
        sa.Column('to_status', sa.String(length=12), nullable=False),
        sa.Column('actor_id', sa.BigInteger(), nullable=True),
        sa.Column('unit_id', sa.BigInteger(), nullable=True),
        sa.Column('note', sa.String(length=2000), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id', 'demand_id'], ['stations_demands.tenant_id', 'stations_demands.id'],
                                name=op.f('fk_stations_demand_events_tenant_id_demand_id_stations_demands')),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                                name=op.f('fk_stations_demand_events_tenant_id_tenants'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_stations_demand_events')),
    )
    op.create_index('ix_stations_demand_events_tenant_id_demand_id', 'stations_demand_events',
                    ['tenant_id', 'demand_id'])
    for table in ('stations_demands', 'stations_demand_events'):
        enable_tenant_rls(op, table)


def downgrade() -> None:
    op.drop_table('stations_demand_events')
    op.drop_table('stations_demands')
