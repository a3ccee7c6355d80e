"""kernel: the one-tenant function is inlined into the policy, not run as a function

Migration 0022's ``yinghuo_current_tenant()`` read its array in a FROM clause; PostgreSQL does
not inline a SQL function whose body has one, so every statement reading a tenant table set up
and planned the function's own query once per table it read (about 45 µs each; the activity
list with row-level security fell from 0.96 to 0.89 of itself without). The same answer as one
expression is inlined: the policy's one-time sub-select evaluates the expression directly.

Revision ID: 7d2e5b9c4a13
Revises: 4c8a1f6e2b97
Create Date: 2026-12-05 19:00:00
"""
from alembic import op

revision = '7d2e5b9c4a13'
down_revision = '4c8a1f6e2b97'
branch_labels = None
depends_on = None

INLINED = """CREATE OR REPLACE FUNCTION yinghuo_current_tenant() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN cardinality(yinghuo_current_tenants()) = 1 THEN (yinghuo_current_tenants())[1] END
$$"""

WITH_FROM = """CREATE OR REPLACE FUNCTION yinghuo_current_tenant() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN cardinality(t) = 1 THEN t[1] END FROM yinghuo_current_tenants() AS t
$$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(INLINED)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(WITH_FROM)
