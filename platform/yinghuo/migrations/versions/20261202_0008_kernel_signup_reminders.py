"""kernel: signups remember when their day-before reminder went out (sent once)

Revision ID: 7d31c2b9e0a4
Revises: 5b7d0e2a9c41
Create Date: 2026-12-02 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '7d31c2b9e0a4'
down_revision = '5b7d0e2a9c41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("signups") as batch:
        batch.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("signups") as batch:
        batch.drop_column("reminded_at")
