"""stations: letterboxes and their collection rounds

Revision ID: 8b2e4f7a1c93
Revises: 3f6a9c1d2b70
Create Date: 2026-12-02 11:00:00
"""
import sqlalchemy as sa
from alembic import op

from yinghuo.api import enable_tenant_rls

revision = '8b2e4f7a1c93'
down_revision = '3f6a9c1d2b70'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'stations_letterboxes',
        sa.Column('tenant_id', sa.BigInteger(), nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('unit_id', sa.BigInteger(), nullable=False),
        sa.Column('location', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['units.tenant_id', 'units.id'],
                                name=op.f('fk_stations_letterboxes_tenant_id_unit_id_units')),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_stations_letterboxes_tenant_id_tenants'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_stations_letterboxes')),
        sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_stations_letterboxes_tenant_id_name')),
    )
    op.create_table(
        'stations_letterbox_rounds',
        sa.Column('tenant_id', sa.BigInteger(), nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('letterbox_id', sa.BigInteger(), nullable=False),
        sa.Column('collected_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('collected_by', sa.BigInteger(), nullable=True),
        sa.Column('slips', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id', 'letterbox_id'], ['stations_letterboxes.tenant_id',
                                                                'stations_letterboxes.id'],
                                name=op.f('fk_stations_letterbox_rounds_tenant_id_letterbox_id_stations_letterboxes')),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                                name=op.f('fk_stations_letterbox_rounds_tenant_id_tenants'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_stations_letterbox_rounds')),
    )
    op.create_index('ix_stations_letterbox_rounds_tenant_id_letterbox_id', 'stations_letterbox_rounds',
                    ['tenant_id', 'letterbox_id'])
    for table in ('stations_letterboxes', 'stations_letterbox_rounds'):
        enable_tenant_rls(op, table)


def downgrade() -> None:
    op.drop_table('stations_letterbox_rounds')
    op.drop_table('stations_letterboxes')
