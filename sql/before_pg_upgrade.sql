-- Run in every database of a PostgreSQL 15 cluster (template1 and postgres too; template0
-- cannot be connected to and needs nothing), as a superuser, right before stopping it for
-- pg_upgrade to 18 (docs/upgrading.md):
--     psql -d DATABASE -f sql/before_pg_upgrade.sql
--
-- Why: Debian's PostgreSQL 15.20 (15.20-0+deb12u1) records an attribute option pg_attver on
-- every column it creates. Its own pg_dump leaves the option out, but pg_upgrade runs the
-- new major's pg_dump, and PostgreSQL 18.6 as released copies the option into
-- ALTER TABLE ... ALTER COLUMN ... SET (pg_attver=...), which 18.6 refuses: pg_upgrade stops
-- at "Restoring database schemas" with ERROR: unrecognized parameter "pg_attver" (in its
-- log), having changed nothing in the old cluster. RESET cannot remove the option, so this
-- script edits the catalog: it drops pg_attver from the columns of the database's own
-- objects (OIDs from 16384 on: tables, views, materialized views and composite types, the
-- extensions' included) and keeps every other column option. It is harmless to 15: columns
-- created before 15.20 have no such option either. Nothing here is specific to pg_clv; a
-- cluster without pg_clv needs it as much.
UPDATE pg_catalog.pg_attribute
SET attoptions = NULLIF(ARRAY(SELECT o FROM pg_catalog.unnest(attoptions) AS o
                              WHERE o NOT LIKE 'pg\_attver=%'), '{}')
WHERE attrelid >= 16384
  AND attoptions IS NOT NULL
  AND EXISTS (SELECT FROM pg_catalog.unnest(attoptions) AS o WHERE o LIKE 'pg\_attver=%');
