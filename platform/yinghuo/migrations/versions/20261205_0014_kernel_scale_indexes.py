"""kernel: indexes for the approval queue and the dashboard at a big tenant's scale

Issue 18 (bench/scale.py): the approval queue grouped pending records by activity through a
join of every record of the tenant (135 ms at 100 000 records), and looked for hand-entered
records by reading them all; the dashboard counted members by unit without an index on it.

Revision ID: 7a3d5e9c1b42
Revises: 2f6c8e1a9d34
Create Date: 2026-12-05 12:00:00
"""
from alembic import op

revision = '7a3d5e9c1b42'
down_revision = '2f6c8e1a9d34'
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_hour_records_tenant_id_status_activity_id", "hour_records", ["tenant_id", "status", "activity_id"]),
    ("ix_hour_records_tenant_id_evidence_minutes", "hour_records", ["tenant_id", "evidence", "minutes"]),
    ("ix_members_tenant_id_unit_id", "members", ["tenant_id", "unit_id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
