"""Every tenant table stays distributable by ``tenant_id`` (issue 17: past one primary, Citus).

Read from PostgreSQL's catalogs after every migration of the kernel and the plugins ran, so a
plugin's hand-written migration is held to it too. Citus' rules for a table distributed on
``tenant_id`` and its co-located joins:

- ``tenant_id`` is NOT NULL and part of the primary key, and of every unique constraint and
  unique index (uniqueness is checked on one node);
- a foreign key between two tenant tables carries ``tenant_id`` on both sides, in the same
  place (the rows it joins live on the same node);
- a tenant table may refer to a platform table (those become reference tables, copied to every
  node), but no platform table may refer to a tenant table.
"""
import pytest
from sqlalchemy import text

from yinghuo.db.base import TenantModel
from yinghuo.extensions import db

KEYS = text("""
SELECT c.conrelid::regclass::text AS tbl, c.contype, c.conname,
       ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS cols,
       c.confrelid::regclass::text AS ref,
       ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS ref_cols
FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f')
""")
UNIQUE_INDEXES = text("""
SELECT t.relname, i.relname,
       ARRAY(SELECT a.attname FROM unnest(x.indkey) k(n) JOIN pg_attribute a
             ON a.attrelid = t.oid AND a.attnum = k.n)::text[]
FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = 'public' AND x.indisunique AND NOT x.indisprimary
""")


@pytest.fixture
def catalog(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL catalogs")
    with app.app_context(), db.engine.connect() as conn:
        tenant_tables = {m.local_table.name for m in db.Model.registry.mappers if issubclass(m.class_, TenantModel)}
        nullable = dict(conn.execute(text(
            "SELECT table_name, is_nullable FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name = 'tenant_id'")).all())
        return {"tenant": tenant_tables, "keys": conn.execute(KEYS).mappings().all(),
                "indexes": conn.execute(UNIQUE_INDEXES).all(), "nullable": nullable}


def test_the_plugins_tables_are_in_the_count(catalog):
    prefixes = {t.split("_", 1)[0] for t in catalog["tenant"]}
    assert {"teams", "stations", "points", "competitions"} <= prefixes and len(catalog["tenant"]) >= 40


def test_tenant_id_is_not_null_and_in_every_key_and_unique_index(catalog):
    wrong = [t for t in catalog["tenant"] if catalog["nullable"].get(t) != "NO"]
    for key in catalog["keys"]:
        if key["tbl"] in catalog["tenant"] and key["contype"] in "pu" and "tenant_id" not in key["cols"]:
            wrong.append(f"{key['tbl']}.{key['conname']} {key['cols']}")
    for table, index, cols in catalog["indexes"]:
        if table in catalog["tenant"] and "tenant_id" not in cols:
            wrong.append(f"{table}.{index} {cols}")
    assert wrong == [], "not distributable by tenant_id: " + "; ".join(wrong)


def test_foreign_keys_between_tenant_tables_join_on_tenant_id(catalog):
    wrong = []
    for key in catalog["keys"]:
        if key["contype"] != "f" or key["tbl"] not in catalog["tenant"] or key["ref"] not in catalog["tenant"]:
            continue
        pairs = list(zip(key["cols"], key["ref_cols"]))
        if ("tenant_id", "tenant_id") not in pairs:
            wrong.append(f"{key['tbl']}.{key['conname']} -> {key['ref']} {pairs}")
    assert wrong == [], "; ".join(wrong)


def test_no_platform_table_refers_to_a_tenant_table(catalog):
    wrong = [f"{k['tbl']}.{k['conname']} -> {k['ref']}" for k in catalog["keys"]
             if k["contype"] == "f" and k["tbl"] not in catalog["tenant"] and k["ref"] in catalog["tenant"]]
    assert wrong == [], "; ".join(wrong)


def test_the_checks_catch_what_citus_would_refuse(app, catalog, raw_sql):
    """The same checks on a table planted wrong: a unique index without tenant_id is found."""
    raw_sql("CREATE UNIQUE INDEX ix_planted_wrong ON members (id)")
    try:
        with app.app_context(), db.engine.connect() as conn:
            planted = [r for r in conn.execute(UNIQUE_INDEXES).all() if r[1] == "ix_planted_wrong"]
    finally:
        raw_sql("DROP INDEX ix_planted_wrong")
    assert planted and "tenant_id" not in planted[0][2]
