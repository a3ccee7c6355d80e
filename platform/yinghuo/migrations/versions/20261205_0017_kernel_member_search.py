"""kernel: members by phone - the find box of leaders and clerks matches a phone typed in full

Issue 18: ``find_members`` asks for a name containing the text or a phone equal to it; the
phone had no index, so the whole OR read every member of the tenant.

Revision ID: 8e2f6c1a9d47
Revises: 4b7d1e9a3c60
Create Date: 2026-12-05 09:30:00
"""
from alembic import op

revision = '8e2f6c1a9d47'
down_revision = '4b7d1e9a3c60'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_members_tenant_id_phone', 'members', ['tenant_id', 'phone'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_members_tenant_id_phone', table_name='members')
