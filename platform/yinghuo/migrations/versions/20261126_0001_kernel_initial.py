"""kernel tenancy people units audit

Revision ID: 481475c889e8
Revises: 
Create Date: 2026-11-26 10:48:38.247474
"""
from alembic import op
import sqlalchemy as sa

from yinghuo.db.base import ID_SEQUENCE
from yinghuo.db.rls import create_app_role, enable_tenant_rls, grant_global

TENANT_TABLES = ('units', 'members', 'member_roles')
GLOBAL_TABLES = ('tenants', 'tenant_plugins', 'tenant_hosts', 'accounts', 'api_tokens', 'login_throttle')

revision = '481475c889e8'
down_revision = None
branch_labels = ('kernel',)
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute(sa.schema.CreateSequence(ID_SEQUENCE))
    else:
        # SQLite has no sequences: one counter row hands out tenant-table ids.
        op.create_table('id_counter', sa.Column('value', sa.BigInteger(), nullable=False))
        op.execute("INSERT INTO id_counter (value) VALUES (999)")
    op.create_table('accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('is_operator', sa.Boolean(), nullable=False),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('email', name=op.f('uq_accounts_email')),
    sa.UniqueConstraint('phone', name=op.f('uq_accounts_phone'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=True),
    sa.Column('actor_account_id', sa.BigInteger(), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('target_type', sa.String(length=40), nullable=False),
    sa.Column('target_id', sa.String(length=80), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index('ix_audit_log_tenant_id_at', 'audit_log', ['tenant_id', 'at'], unique=False)
    op.create_table('login_throttle',
    sa.Column('identifier', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('identifier', name=op.f('pk_login_throttle'))
    )
    op.create_table('tenants',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('suspended_reason', sa.String(length=500), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('branding', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['tenants.id'], name=op.f('fk_tenants_parent_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenants')),
    sa.UniqueConstraint('slug', name=op.f('uq_tenants_slug'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_api_tokens_account_id_accounts')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_api_tokens_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_table('tenant_hosts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_tenant_hosts_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant_hosts')),
    sa.UniqueConstraint('host', name=op.f('uq_tenant_hosts_host'))
    )
    op.create_table('tenant_plugins',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('plugin', sa.String(length=40), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('first_enabled_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_tenant_plugins_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('tenant_id', 'plugin', name=op.f('pk_tenant_plugins'))
    )
    op.create_table('units',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('parent_id', sa.BigInteger(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('path', sa.String(length=1000), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'parent_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_units_tenant_id_parent_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_units_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_units'))
    )
    op.create_index('ix_units_tenant_id_path', 'units', ['tenant_id', 'path'], unique=False)
    op.create_table('members',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('id_type', sa.String(length=20), nullable=True),
    sa.Column('id_number_enc', sa.String(length=200), nullable=True),
    sa.Column('id_number_hash', sa.String(length=64), nullable=True),
    sa.Column('unit_id', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('consent_version', sa.String(length=20), nullable=True),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_members_account_id_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_members_tenant_id_unit_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_members_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_members')),
    sa.UniqueConstraint('tenant_id', 'account_id', name=op.f('uq_members_tenant_id_account_id'))
    )
    op.create_index('ix_members_tenant_id_id_hash', 'members', ['tenant_id', 'id_number_hash'], unique=False)
    op.create_table('member_roles',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('unit_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_member_roles_tenant_id_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_member_roles_tenant_id_unit_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_member_roles_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_member_roles')),
    sa.UniqueConstraint('tenant_id', 'member_id', 'role', 'unit_id', name=op.f('uq_member_roles_tenant_id_member_id_role_unit_id'))
    )
    create_app_role(op)
    for table in GLOBAL_TABLES:
        grant_global(op, table)
    for table in TENANT_TABLES:
        enable_tenant_rls(op, table)
    _append_only_audit_log(bind)


def _append_only_audit_log(bind) -> None:
    """The app may add and read audit rows, never change or delete them."""
    if bind.dialect.name != 'postgresql':
        return
    grant_global(op, 'audit_log', 'SELECT, INSERT')
    op.execute('ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY')
    op.execute('ALTER TABLE audit_log FORCE ROW LEVEL SECURITY')
    op.execute("CREATE POLICY audit_read ON audit_log FOR SELECT "
               "USING (tenant_id = ANY (yinghuo_current_tenants()) OR yinghuo_is_operator())")
    op.execute("CREATE POLICY audit_write ON audit_log FOR INSERT WITH CHECK (true)")


def downgrade() -> None:
    op.drop_table('member_roles')
    op.drop_index('ix_members_tenant_id_id_hash', table_name='members')
    op.drop_table('members')
    op.drop_index('ix_units_tenant_id_path', table_name='units')
    op.drop_table('units')
    op.drop_table('tenant_plugins')
    op.drop_table('tenant_hosts')
    op.drop_table('api_tokens')
    op.drop_table('tenants')
    op.drop_table('login_throttle')
    op.drop_index('ix_audit_log_tenant_id_at', table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_table('accounts')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(sa.schema.DropSequence(ID_SEQUENCE))
    else:
        op.drop_table('id_counter')
