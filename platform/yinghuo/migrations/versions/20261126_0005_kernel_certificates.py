"""kernel certificates

Revision ID: a594dbb359a8
Revises: 325679748f6c
Create Date: 2026-11-26 11:22:51.573268
"""
from alembic import op
import sqlalchemy as sa

from yinghuo.db.rls import enable_tenant_rls, grant_global

revision = 'a594dbb359a8'
down_revision = '325679748f6c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('verification_codes',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_verification_codes_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_verification_codes'))
    )
    op.create_table('certificates',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('member_id', sa.BigInteger(), nullable=False),
    sa.Column('serial', sa.String(length=60), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('record_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('revoked_reason', sa.String(length=500), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'], name=op.f('fk_certificates_tenant_id_member_id_members')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_certificates_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('tenant_id', 'serial', name=op.f('uq_certificates_tenant_id_serial'))
    )
    enable_tenant_rls(op, 'certificates')
    grant_global(op, 'verification_codes', 'SELECT, INSERT')


def downgrade() -> None:
    op.drop_table('certificates')
    op.drop_table('verification_codes')
