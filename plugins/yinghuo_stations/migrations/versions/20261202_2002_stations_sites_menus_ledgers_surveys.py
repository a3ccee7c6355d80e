"""sites, project library and menus, ledgers, surveys

Revision ID: 68564dce8857
Revises: 8b2e4f7a1c93
Create Date: 2026-12-02 03:20:03.042887
"""
from alembic import op
import sqlalchemy as sa

from yinghuo.api import enable_tenant_rls

revision = '68564dce8857'
down_revision = '8b2e4f7a1c93'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stations_projects',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('team_unit_id', sa.BigInteger(), nullable=False),
    sa.Column('capacity_per_month', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('proposed_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'team_unit_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_stations_projects_tenant_id_team_unit_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_stations_projects_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_stations_projects')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_stations_projects_tenant_id_name'))
    )
    op.create_table('stations_site_profiles',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('unit_id', sa.BigInteger(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('opening_hours', sa.String(length=200), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('platforms', sa.JSON(), nullable=False),
    sa.Column('updated_by', sa.BigInteger(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_stations_site_profiles_tenant_id_unit_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_stations_site_profiles_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_stations_site_profiles')),
    sa.UniqueConstraint('tenant_id', 'unit_id', name=op.f('uq_stations_site_profiles_tenant_id_unit_id'))
    )
    op.create_table('stations_surveys',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('station_id', sa.BigInteger(), nullable=False),
    sa.Column('quarter', sa.String(length=6), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('phone_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'station_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_stations_surveys_tenant_id_station_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_stations_surveys_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_stations_surveys')),
    sa.UniqueConstraint('tenant_id', 'station_id', 'quarter', 'phone_digest', name=op.f('uq_stations_surveys_tenant_id_station_id_quarter_phone_digest'))
    )
    op.create_table('stations_ledger_entries',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('activity_id', sa.BigInteger(), nullable=False),
    sa.Column('station_id', sa.BigInteger(), nullable=False),
    sa.Column('record', sa.String(length=4000), nullable=False),
    sa.Column('evaluation_score', sa.Integer(), nullable=True),
    sa.Column('evaluation', sa.String(length=2000), nullable=False),
    sa.Column('feedback', sa.String(length=2000), nullable=False),
    sa.Column('updated_by', sa.BigInteger(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'activity_id'], ['activities.tenant_id', 'activities.id'], name=op.f('fk_stations_ledger_entries_tenant_id_activity_id_activities')),
    sa.ForeignKeyConstraint(['tenant_id', 'station_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_stations_ledger_entries_tenant_id_station_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_stations_ledger_entries_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_stations_ledger_entries')),
    sa.UniqueConstraint('tenant_id', 'activity_id', name=op.f('uq_stations_ledger_entries_tenant_id_activity_id'))
    )
    op.create_table('stations_menu_items',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('station_id', sa.BigInteger(), nullable=False),
    sa.Column('project_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'project_id'], ['stations_projects.tenant_id', 'stations_projects.id'], name=op.f('fk_stations_menu_items_tenant_id_project_id_stations_projects')),
    sa.ForeignKeyConstraint(['tenant_id', 'station_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_stations_menu_items_tenant_id_station_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_stations_menu_items_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_stations_menu_items')),
    sa.UniqueConstraint('tenant_id', 'station_id', 'project_id', name=op.f('uq_stations_menu_items_tenant_id_station_id_project_id'))
    )
    op.create_table('stations_project_months',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('project_id', sa.BigInteger(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.CheckConstraint('orders >= 0 AND orders <= capacity', name=op.f('ck_stations_project_months_within_capacity')),
    sa.ForeignKeyConstraint(['tenant_id', 'project_id'], ['stations_projects.tenant_id', 'stations_projects.id'], name=op.f('fk_stations_project_months_tenant_id_project_id_stations_projects')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_stations_project_months_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_stations_project_months')),
    sa.UniqueConstraint('tenant_id', 'project_id', 'month', name=op.f('uq_stations_project_months_tenant_id_project_id_month'))
    )
    op.create_table('stations_ledger_photos',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=False),
    sa.Column('mimetype', sa.String(length=40), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('added_by', sa.BigInteger(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'entry_id'], ['stations_ledger_entries.tenant_id', 'stations_ledger_entries.id'], name=op.f('fk_stations_ledger_photos_tenant_id_entry_id_stations_ledger_entries')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_stations_ledger_photos_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_stations_ledger_photos'))
    )
    op.create_index('ix_stations_ledger_photos_tenant_id_entry_id', 'stations_ledger_photos', ['tenant_id', 'entry_id'], unique=False)
    op.add_column('stations_demands', sa.Column('project_id', sa.BigInteger(), nullable=True))
    op.add_column('stations_demands', sa.Column('finished_on_time', sa.Boolean(), nullable=True))
    for table in ('stations_projects', 'stations_site_profiles', 'stations_surveys', 'stations_ledger_entries',
                  'stations_menu_items', 'stations_project_months', 'stations_ledger_photos'):
        enable_tenant_rls(op, table)


def downgrade() -> None:
    op.drop_column('stations_demands', 'finished_on_time')
    op.drop_column('stations_demands', 'project_id')
    op.drop_index('ix_stations_ledger_photos_tenant_id_entry_id', table_name='stations_ledger_photos')
    op.drop_table('stations_ledger_photos')
    op.drop_table('stations_project_months')
    op.drop_table('stations_menu_items')
    op.drop_table('stations_ledger_entries')
    op.drop_table('stations_surveys')
    op.drop_table('stations_site_profiles')
    op.drop_table('stations_projects')
