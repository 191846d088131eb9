-- Runs first (see schedule): the extension and the CDNOW sample, shared by all tests.
\set ON_ERROR_STOP 1
CREATE EXTENSION pg_clv;
\cd ../..
\i sql/load_cdnow.sql
\cd tests/pg_regress
SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers FROM cdnow_orders;
