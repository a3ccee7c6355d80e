"""kernel: member_name_grams - finding a member by part of their name without reading them all

Issue 18: the member search (the admin list, the API's ``?q=``, the find box of leaders and
clerks) was ``name LIKE '%…%'``: a read of every member of the tenant (75 ms at 100 000, ten
times that at a city's million). An index cannot serve it: under row-level security only
leakproof operators become index conditions, and LIKE (like pg_trgm's and the array
operators) is not. Equality is: each name's characters and pairs of neighbouring characters
(lower-cased) are rows here, kept by a trigger on members in the same transaction; a search
asks for the pairs of what was typed (its one character when it is one) and checks the LIKE on
the members found. On SQLite the table stays empty and the search reads the names.

Revision ID: 5d9a3f7c2e81
Revises: 8e2f6c1a9d47
Create Date: 2026-12-05 10:00:00
"""
import sqlalchemy as sa
from alembic import op

from yinghuo.db.rls import enable_tenant_rls

revision = '5d9a3f7c2e81'
down_revision = '8e2f6c1a9d47'
branch_labels = None
depends_on = None

PG_FUNCTIONS = """
CREATE FUNCTION yinghuo_name_grams(name text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT DISTINCT g FROM (
    SELECT substr(lower(name), i, 1) AS g FROM generate_series(1, length(name)) i
    UNION ALL
    SELECT substr(lower(name), i, 2) FROM generate_series(1, length(name) - 1) i) grams
  WHERE g <> ''
$$;
CREATE FUNCTION yinghuo_member_name_grams() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.name IS NOT DISTINCT FROM OLD.name THEN
      RETURN NULL;
    END IF;
    DELETE FROM member_name_grams WHERE tenant_id = OLD.tenant_id AND member_id = OLD.id;
  END IF;
  INSERT INTO member_name_grams (tenant_id, id, member_id, gram)
  SELECT NEW.tenant_id, nextval('yinghuo_id_seq'), NEW.id, g FROM yinghuo_name_grams(NEW.name) g;
  RETURN NULL;
END
$$;
CREATE TRIGGER member_name_grams_on_insert AFTER INSERT ON members
  FOR EACH ROW EXECUTE FUNCTION yinghuo_member_name_grams();
CREATE TRIGGER member_name_grams_on_update AFTER UPDATE OF name ON members
  FOR EACH ROW EXECUTE FUNCTION yinghuo_member_name_grams();
"""

#: every member's grams, for the members already there
PG_FILL = """
INSERT INTO member_name_grams (tenant_id, id, member_id, gram)
SELECT m.tenant_id, nextval('yinghuo_id_seq'), m.id, g FROM members m, yinghuo_name_grams(m.name) g
"""


def upgrade() -> None:
    op.create_table(
        'member_name_grams',
        sa.Column('tenant_id', sa.BigInteger(), nullable=False),
        sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('member_id', sa.BigInteger(), nullable=False),
        sa.Column('gram', sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id', 'member_id'], ['members.tenant_id', 'members.id'],
                                name=op.f('fk_member_name_grams_tenant_id_member_id_members'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_member_name_grams_tenant_id_tenants'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_member_name_grams')),
        sa.UniqueConstraint('tenant_id', 'gram', 'member_id', name=op.f('uq_member_name_grams_tenant_id_gram_member_id')),
    )
    op.create_index('ix_member_name_grams_tenant_id_member_id', 'member_name_grams', ['tenant_id', 'member_id'],
                    unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        enable_tenant_rls(op, 'member_name_grams')
        op.execute(PG_FUNCTIONS)
        op.execute(PG_FILL)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER member_name_grams_on_insert ON members")
        op.execute("DROP TRIGGER member_name_grams_on_update ON members")
        op.execute("DROP FUNCTION yinghuo_member_name_grams()")
        op.execute("DROP FUNCTION yinghuo_name_grams(text)")
    op.drop_index('ix_member_name_grams_tenant_id_member_id', table_name='member_name_grams')
    op.drop_table('member_name_grams')
