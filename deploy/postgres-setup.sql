-- PostgreSQL for Yinghuo: the owner role and the database (run once, as the postgres superuser):
--   runuser -u postgres -- psql -v ON_ERROR_STOP=1 -v owner=yinghuo -v backup=yinghuo_backup -v dbname=yinghuo \
--     -f deploy/postgres-setup.sql
-- The owner logs in (peer authentication over the socket for the yinghuo system user) and owns
-- the tables; it is no superuser and cannot bypass row-level security. CREATEROLE lets the first
-- `yinghuo db upgrade` create the role the app switches to (yinghuo_app: no login, no superuser,
-- no BYPASSRLS; and yinghuo_app_together, its member, for reads of several tenants) and grant
-- them to the owner. The backup role reads everything past row-level
-- security (which is forced on the owner too) and writes nothing: `yinghuo backup` connects as it
-- (YINGHUO_BACKUP_DATABASE_URL). Running it again changes nothing.
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS CREATEROLE NOCREATEDB NOREPLICATION', :'owner')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') \gexec
ALTER ROLE :"owner" NOSUPERUSER NOBYPASSRLS CREATEROLE;
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0', :'dbname', :'owner')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'dbname') \gexec
REVOKE ALL ON DATABASE :"dbname" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"dbname" TO :"owner";
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER BYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION', :'backup')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'backup') \gexec
ALTER ROLE :"backup" NOSUPERUSER BYPASSRLS NOCREATEROLE;
GRANT pg_read_all_data TO :"backup";
GRANT CONNECT ON DATABASE :"dbname" TO :"backup";
