"""kernel: one tenant is an equality - the planner counts the tenant's rows once

Issue 18, found at the goal's scale (992 tenants): every tenant policy was ``tenant_id = ANY
(the setting's array)``, a second filter beside the statement's own ``tenant_id = :tenant``
that PostgreSQL took as independent and, for an array of unknown length, as keeping one row in
a hundred. Reusable plans of a city's tenant were made for one row: the activity list sorted
its 50 000 activities to show 20 (114 ms).

Each ``tenant_isolation`` policy becomes ``tenant_id = (SELECT yinghuo_current_tenant())``,
which PostgreSQL merges with the statement's own criterion (a one-time check that the two
agree); a second policy, ``tenants_together``, admits the setting's several tenants to the
role a transaction takes while its scope holds more than one (``yinghuo_app_together``, a
member of ``yinghuo_app``). Policies that also admit operators are not touched.

Revision ID: 4c8a1f6e2b97
Revises: 1e6b9d3f8a24
Create Date: 2026-12-05 15:30:00
"""
from alembic import op

from yinghuo.db.rls import create_app_role, create_tenant_policy

revision = '4c8a1f6e2b97'
down_revision = '1e6b9d3f8a24'
branch_labels = None
depends_on = None

OLD_TEST = "tenant_id = ANY ((SELECT yinghuo_current_tenants())::bigint[])"


def _tenant_tables(bind) -> list[str]:
    """Tables whose tenant policy admits tenants only (the kernel's and the plugins' so far)."""
    return [r[0] for r in bind.exec_driver_sql(
        "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() "
        "AND policyname = 'tenant_isolation' AND strpos(qual, 'yinghuo_is_operator') = 0 ORDER BY tablename")]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    create_app_role(op)   # the function and the together role
    for table in _tenant_tables(bind):
        op.execute(f"DROP POLICY tenant_isolation ON {table}")
        op.execute(f"DROP POLICY IF EXISTS tenants_together ON {table}")
        create_tenant_policy(op, table)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    for table in _tenant_tables(bind):
        op.execute(f"DROP POLICY tenant_isolation ON {table}")
        op.execute(f"DROP POLICY IF EXISTS tenants_together ON {table}")
        op.execute(f"CREATE POLICY tenant_isolation ON {table} USING ({OLD_TEST}) WITH CHECK ({OLD_TEST})")
