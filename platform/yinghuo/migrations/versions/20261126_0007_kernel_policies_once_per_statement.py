"""kernel: tenant policies evaluate the tenant setting once per statement

Every tenant_isolation policy (the kernel's and those the plugins' migrations made so far)
and the audit log's read policy put the setting's function in a scalar sub-select, so that
prepared statements keep one reusable plan (see ``yinghuo.db.rls.TENANT_TEST``; migration
0022 later split the policy in two: one tenant, several together).

Revision ID: 5b7d0e2a9c41
Revises: c8e42fbc39c1
Create Date: 2026-11-26 19:20:00
"""
from alembic import op


revision = '5b7d0e2a9c41'
down_revision = 'c8e42fbc39c1'
branch_labels = None
depends_on = None

#: this revision's test, as it was written (the helpers of yinghuo.db.rls have moved on since)
TENANT_TEST = "tenant_id = ANY ((SELECT yinghuo_current_tenants())::bigint[])"
OLD_TEST = "tenant_id = ANY (yinghuo_current_tenants())"
AUDIT_READ = ("CREATE POLICY audit_read ON audit_log FOR SELECT USING "
              "({tenants} OR (SELECT yinghuo_is_operator()))")
OLD_AUDIT_READ = ("CREATE POLICY audit_read ON audit_log FOR SELECT USING "
                  "(tenant_id = ANY (yinghuo_current_tenants()) OR yinghuo_is_operator())")


def _tenant_tables(bind) -> list[str]:
    return [r[0] for r in bind.exec_driver_sql(
        "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() "
        "AND policyname = 'tenant_isolation' ORDER BY tablename")]


def _recreate(test: str, audit_read: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    for table in _tenant_tables(bind):
        op.execute(f"DROP POLICY tenant_isolation ON {table}")
        op.execute(f"CREATE POLICY tenant_isolation ON {table} USING ({test}) WITH CHECK ({test})")
    op.execute("DROP POLICY audit_read ON audit_log")
    op.execute(audit_read)


def upgrade() -> None:
    _recreate(TENANT_TEST, AUDIT_READ.format(tenants=TENANT_TEST))


def downgrade() -> None:
    _recreate(OLD_TEST, OLD_AUDIT_READ)
