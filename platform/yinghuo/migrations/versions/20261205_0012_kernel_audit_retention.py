"""kernel: the audit log kept six months at least, then as long as the tenant says

Issue 17: the audit log grew forever. The app's role may now delete a tenant's own audit rows,
and only those older than 183 days: the policy below is the floor (six months, what the law asks
of a network service's logs), whatever the tenant setting ``audit_retention_days`` says.

Revision ID: 8d2f4a61c7e3
Revises: 5b7e0c93d2a1
Create Date: 2026-12-05 09:00:00
"""
from alembic import op

from yinghuo.db.rls import grant_global

revision = '8d2f4a61c7e3'
down_revision = '5b7e0c93d2a1'
branch_labels = None
depends_on = None

OLD_ENOUGH = ("at < now() - interval '183 days' "
              "AND tenant_id = ANY ((SELECT yinghuo_current_tenants())::bigint[])")


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    grant_global(op, 'audit_log', 'DELETE')
    op.execute(f"CREATE POLICY audit_expire ON audit_log FOR DELETE USING ({OLD_ENOUGH})")


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("DROP POLICY audit_expire ON audit_log")
    op.execute("REVOKE DELETE ON audit_log FROM yinghuo_app")
