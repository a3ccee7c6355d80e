"""kernel: audit log by tenant and id - the log page reads a tenant's newest entries

Issue 18: the page asks for the tenant's entries by id, newest first (keyset ``?before=``);
with only (tenant_id, at) indexed, PostgreSQL walked the primary key backwards through every
tenant's entries until it had found fifty of this one's: a small tenant's page read the big
tenants' history.

Revision ID: 3c8e1b5f7a92
Revises: 5d9a3f7c2e81
Create Date: 2026-12-05 12:00:00
"""
from alembic import op

revision = '3c8e1b5f7a92'
down_revision = '5d9a3f7c2e81'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_log_tenant_id_id', 'audit_log', ['tenant_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_log_tenant_id_id', table_name='audit_log')
