"""kernel: sign-ups and attendance by member - a volunteer's own activities

Issue 18, found at the goal's scale (a tenant of a million sign-ups): "my activities" and the
activity list's marks of the ones I joined asked for one member's sign-ups, and the only
indexes led with the activity, so PostgreSQL read the tenant's whole index for them (175 ms).

Revision ID: 1e6b9d3f8a24
Revises: 7a4d2c9e1f65
Create Date: 2026-12-05 12:30:00
"""
from alembic import op

revision = '1e6b9d3f8a24'
down_revision = '7a4d2c9e1f65'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_signups_tenant_id_member_id', 'signups', ['tenant_id', 'member_id'], unique=False)
    op.create_index('ix_attendances_tenant_id_member_id', 'attendances', ['tenant_id', 'member_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_attendances_tenant_id_member_id', table_name='attendances')
    op.drop_index('ix_signups_tenant_id_member_id', table_name='signups')
