"""kernel: row-level security on the platform tables the app role reads and writes

Issue 16 found the app role, with no tenant in scope, reading every tenant's API tokens and
revoking them all in one UPDATE, and inserting audit rows for another tenant. Each table now
has policies that fit how the app looks it up:

- api_tokens: a tenant's tokens in that tenant's scope; an operator's token (no tenant) in the
  operator's scope, or by its own hash (``app.token``, set by the statement that looks it up
  or issues it: the token is the secret, so knowing it is the right to read its row).
- audit_log: inserted for a tenant in scope, for the platform (no tenant), or by an operator.
- tenant_hosts and tenant_plugins: read by anyone (a request's host is mapped to its tenant,
  and a tenant with its plugins is read by its slug, before any scope exists; host names are
  public in DNS, a tenant's plugins show on its pages); written in the operator's scope (the
  console, the CLI).
- verification_codes: read by anyone (``/verify/<code>`` is public: the code is the secret and
  the row names only the tenant and the certificate); inserted in the owning tenant's scope.

Revision ID: 9f3a61c0d2b7
Revises: 7d31c2b9e0a4
Create Date: 2026-12-04 21:00:00
"""
from alembic import op

revision = '9f3a61c0d2b7'
down_revision = '7d31c2b9e0a4'
branch_labels = None
depends_on = None

TENANTS = "tenant_id = ANY ((SELECT yinghuo_current_tenants())::bigint[])"
OPERATOR = "(SELECT yinghuo_is_operator())"
OWN_TOKEN = "token_hash = (SELECT current_setting('app.token', true))"

POLICIES = [
    ("api_tokens", "tokens_of_the_tenant", "ALL", TENANTS, TENANTS),
    ("api_tokens", "tokens_of_operators", "ALL", f"tenant_id IS NULL AND ({OPERATOR} OR {OWN_TOKEN})",
     f"tenant_id IS NULL AND ({OPERATOR} OR {OWN_TOKEN})"),
    ("tenant_hosts", "anyone_reads", "SELECT", "true", None),
    ("tenant_hosts", "operators_write", "ALL", OPERATOR, OPERATOR),
    ("tenant_plugins", "anyone_reads", "SELECT", "true", None),
    ("tenant_plugins", "operators_write", "ALL", OPERATOR, OPERATOR),
    ("verification_codes", "anyone_reads", "SELECT", "true", None),
    ("verification_codes", "the_tenant_writes", "INSERT", None, TENANTS),
]
AUDIT_WRITE = f"tenant_id IS NULL OR {TENANTS} OR {OPERATOR}"


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in ("api_tokens", "tenant_hosts", "tenant_plugins", "verification_codes"):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    for table, name, command, using, check in POLICIES:
        clauses = (f" USING ({using})" if using else "") + (f" WITH CHECK ({check})" if check else "")
        op.execute(f"CREATE POLICY {name} ON {table} FOR {command}{clauses}")
    op.execute("DROP POLICY audit_write ON audit_log")
    op.execute(f"CREATE POLICY audit_write ON audit_log FOR INSERT WITH CHECK ({AUDIT_WRITE})")


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("DROP POLICY audit_write ON audit_log")
    op.execute("CREATE POLICY audit_write ON audit_log FOR INSERT WITH CHECK (true)")
    for table, name, *_ in POLICIES:
        op.execute(f"DROP POLICY {name} ON {table}")
    for table in ("api_tokens", "tenant_hosts", "tenant_plugins", "verification_codes"):
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
