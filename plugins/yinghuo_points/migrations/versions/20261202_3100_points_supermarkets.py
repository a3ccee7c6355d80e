"""points: households, items and awards under notice, supermarkets and stock, orders, merchants

Revision ID: 9fb0a9dacc17
Revises: e95f73edbaa8
Create Date: 2026-12-02 06:22:37.868474
"""
from alembic import op
import sqlalchemy as sa

from yinghuo.api import enable_tenant_rls

revision = '9fb0a9dacc17'
down_revision = 'e95f73edbaa8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('points_merchants',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('offer', sa.String(length=200), nullable=False),
    sa.Column('points_price', sa.Integer(), nullable=True),
    sa.Column('min_stars', sa.Integer(), nullable=True),
    sa.Column('pin_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_merchants_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_merchants'))
    )
    op.create_table('points_items',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('awarded_by', sa.String(length=10), nullable=False),
    sa.Column('evidence', sa.String(length=10), nullable=False),
    sa.Column('unit_id', sa.BigInteger(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('points <> 0', name=op.f('ck_points_items_not_zero')),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_points_items_tenant_id_unit_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_items_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_items'))
    )
    op.create_table('points_shops',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('unit_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('opening_hours', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_points_shops_tenant_id_unit_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_shops_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_shops')),
    sa.UniqueConstraint('tenant_id', 'unit_id', name=op.f('uq_points_shops_tenant_id_unit_id'))
    )
    op.create_table('points_goods',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('shop_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('limit_per_month', sa.Integer(), nullable=True),
    sa.Column('limit_by', sa.String(length=10), nullable=False),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('photo_type', sa.String(length=20), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('price > 0', name=op.f('ck_points_goods_price_positive')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_points_goods_stock_not_negative')),
    sa.ForeignKeyConstraint(['tenant_id', 'shop_id'], ['points_shops.tenant_id', 'points_shops.id'], name=op.f('fk_points_goods_tenant_id_shop_id_points_shops')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_goods_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_goods'))
    )
    op.create_index('ix_points_goods_tenant_id_shop_id', 'points_goods', ['tenant_id', 'shop_id'], unique=False)
    op.create_table('points_households',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('unit_id', sa.BigInteger(), nullable=False),
    sa.Column('head_member_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'head_member_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_points_households_tenant_id_head_member_id_members')),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_points_households_tenant_id_unit_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_households_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_households'))
    )
    op.create_index('ix_points_households_tenant_id_unit_id', 'points_households', ['tenant_id', 'unit_id'], unique=False)
    op.create_table('points_vouchers',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('merchant_id', sa.BigInteger(), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_points_vouchers_tenant_id_member_id_members')),
    sa.ForeignKeyConstraint(['tenant_id', 'merchant_id'], ['points_merchants.tenant_id', 'points_merchants.id'], name=op.f('fk_points_vouchers_tenant_id_merchant_id_points_merchants')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_vouchers_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_vouchers')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_points_vouchers_tenant_id_code')),
    sa.UniqueConstraint('tenant_id', 'member_id', 'idempotency_key', name=op.f('uq_points_vouchers_tenant_id_member_id_idempotency_key'))
    )
    op.create_index('ix_points_vouchers_tenant_id_merchant_id', 'points_vouchers', ['tenant_id', 'merchant_id'], unique=False)
    op.create_table('points_awards',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('item_id', sa.BigInteger(), nullable=False),
    sa.Column('unit_id', sa.BigInteger(), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=True),
    sa.Column('household_id', sa.BigInteger(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('photo_type', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('notice_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('awarded_by', sa.BigInteger(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=True),
    sa.Column('outcome', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('credited_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'household_id'], ['points_households.tenant_id', 'points_households.id'], name=op.f('fk_points_awards_tenant_id_household_id_points_households')),
    sa.ForeignKeyConstraint(['tenant_id', 'item_id'], ['points_items.tenant_id', 'points_items.id'], name=op.f('fk_points_awards_tenant_id_item_id_points_items')),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_points_awards_tenant_id_member_id_members')),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_points_awards_tenant_id_unit_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_awards_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_awards')),
    sa.UniqueConstraint('tenant_id', 'awarded_by', 'idempotency_key', name=op.f('uq_points_awards_tenant_id_awarded_by_idempotency_key'))
    )
    op.create_index('ix_points_awards_tenant_id_status_notice_until', 'points_awards', ['tenant_id', 'status', 'notice_until'], unique=False)
    op.create_index('ix_points_awards_tenant_id_unit_id_status', 'points_awards', ['tenant_id', 'unit_id', 'status'], unique=False)
    op.create_table('points_household_members',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('household_id', sa.BigInteger(), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'household_id'], ['points_households.tenant_id', 'points_households.id'], name=op.f('fk_points_household_members_tenant_id_household_id_points_households')),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_points_household_members_tenant_id_member_id_members')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_household_members_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_household_members')),
    sa.UniqueConstraint('tenant_id', 'member_id', name=op.f('uq_points_household_members_tenant_id_member_id'))
    )
    op.create_index('ix_points_household_members_tenant_id_household_id', 'points_household_members', ['tenant_id', 'household_id'], unique=False)
    op.create_table('points_orders',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('shop_id', sa.BigInteger(), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=False),
    sa.Column('placed_by', sa.BigInteger(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entry_id', sa.BigInteger(), nullable=True),
    sa.Column('refund_entry_id', sa.BigInteger(), nullable=True),
    sa.Column('handed_by', sa.BigInteger(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'account_id'], ['points_accounts.tenant_id', 'points_accounts.id'], name=op.f('fk_points_orders_tenant_id_account_id_points_accounts')),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_points_orders_tenant_id_member_id_members')),
    sa.ForeignKeyConstraint(['tenant_id', 'shop_id'], ['points_shops.tenant_id', 'points_shops.id'], name=op.f('fk_points_orders_tenant_id_shop_id_points_shops')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_orders_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_orders')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_points_orders_tenant_id_code')),
    sa.UniqueConstraint('tenant_id', 'placed_by', 'idempotency_key', name=op.f('uq_points_orders_tenant_id_placed_by_idempotency_key'))
    )
    op.create_index('ix_points_orders_tenant_id_member_id', 'points_orders', ['tenant_id', 'member_id'], unique=False)
    op.create_index('ix_points_orders_tenant_id_status_expires_at', 'points_orders', ['tenant_id', 'status', 'expires_at'], unique=False)
    op.create_table('points_stock_moves',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('good_id', sa.BigInteger(), nullable=False),
    sa.Column('change', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.String(length=100), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('change <> 0', name=op.f('ck_points_stock_moves_not_zero')),
    sa.ForeignKeyConstraint(['tenant_id', 'good_id'], ['points_goods.tenant_id', 'points_goods.id'], name=op.f('fk_points_stock_moves_tenant_id_good_id_points_goods')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_stock_moves_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_stock_moves')),
    sa.UniqueConstraint('tenant_id', 'source', 'source_id', name=op.f('uq_points_stock_moves_tenant_id_source_source_id'))
    )
    op.create_index('ix_points_stock_moves_tenant_id_good_id', 'points_stock_moves', ['tenant_id', 'good_id'], unique=False)
    op.create_table('points_objections',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('award_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_by', sa.BigInteger(), nullable=True),
    sa.Column('decision', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'award_id'], ['points_awards.tenant_id', 'points_awards.id'], name=op.f('fk_points_objections_tenant_id_award_id_points_awards')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_objections_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_objections'))
    )
    op.create_index('ix_points_objections_tenant_id_award_id', 'points_objections', ['tenant_id', 'award_id'], unique=False)
    op.create_index('ix_points_objections_tenant_id_status', 'points_objections', ['tenant_id', 'status'], unique=False)
    op.create_table('points_order_lines',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('order_id', sa.BigInteger(), nullable=False),
    sa.Column('good_id', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_points_order_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['tenant_id', 'good_id'], ['points_goods.tenant_id', 'points_goods.id'], name=op.f('fk_points_order_lines_tenant_id_good_id_points_goods')),
    sa.ForeignKeyConstraint(['tenant_id', 'order_id'], ['points_orders.tenant_id', 'points_orders.id'], name=op.f('fk_points_order_lines_tenant_id_order_id_points_orders')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_points_order_lines_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_points_order_lines')),
    sa.UniqueConstraint('tenant_id', 'order_id', 'good_id', name=op.f('uq_points_order_lines_tenant_id_order_id_good_id'))
    )
    op.create_index('ix_points_order_lines_tenant_id_good_id', 'points_order_lines', ['tenant_id', 'good_id'], unique=False)
    for table in ('points_merchants', 'points_items', 'points_shops', 'points_goods', 'points_households',
                  'points_vouchers', 'points_awards', 'points_household_members', 'points_orders',
                  'points_stock_moves', 'points_objections', 'points_order_lines'):
        enable_tenant_rls(op, table)


def downgrade() -> None:
    op.drop_index('ix_points_order_lines_tenant_id_good_id', table_name='points_order_lines')
    op.drop_table('points_order_lines')
    op.drop_index('ix_points_objections_tenant_id_status', table_name='points_objections')
    op.drop_index('ix_points_objections_tenant_id_award_id', table_name='points_objections')
    op.drop_table('points_objections')
    op.drop_index('ix_points_stock_moves_tenant_id_good_id', table_name='points_stock_moves')
    op.drop_table('points_stock_moves')
    op.drop_index('ix_points_orders_tenant_id_status_expires_at', table_name='points_orders')
    op.drop_index('ix_points_orders_tenant_id_member_id', table_name='points_orders')
    op.drop_table('points_orders')
    op.drop_index('ix_points_household_members_tenant_id_household_id', table_name='points_household_members')
    op.drop_table('points_household_members')
    op.drop_index('ix_points_awards_tenant_id_unit_id_status', table_name='points_awards')
    op.drop_index('ix_points_awards_tenant_id_status_notice_until', table_name='points_awards')
    op.drop_table('points_awards')
    op.drop_index('ix_points_vouchers_tenant_id_merchant_id', table_name='points_vouchers')
    op.drop_table('points_vouchers')
    op.drop_index('ix_points_households_tenant_id_unit_id', table_name='points_households')
    op.drop_table('points_households')
    op.drop_index('ix_points_goods_tenant_id_shop_id', table_name='points_goods')
    op.drop_table('points_goods')
    op.drop_table('points_shops')
    op.drop_table('points_items')
    op.drop_table('points_merchants')
