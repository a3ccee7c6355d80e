"""teams: an honour's code unique within its tenant, not across the table

Issue 17: a unique constraint without tenant_id cannot hold on a table distributed by tenant_id
(Citus checks uniqueness on one node). The code stays unique across tenants through the
platform's verification_codes table, where every public code is registered first.

Revision ID: 6e1a9c4d2b70
Revises: 4bf4b6b00d0f
Create Date: 2026-12-05 10:00:00
"""
from alembic import op

revision = '6e1a9c4d2b70'
down_revision = '4bf4b6b00d0f'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('teams_honours') as batch:
        batch.drop_constraint('uq_teams_honours_code', type_='unique')
        batch.create_unique_constraint('uq_teams_honours_tenant_id_code', ['tenant_id', 'code'])


def downgrade() -> None:
    with op.batch_alter_table('teams_honours') as batch:
        batch.drop_constraint('uq_teams_honours_tenant_id_code', type_='unique')
        batch.create_unique_constraint('uq_teams_honours_code', ['code'])
