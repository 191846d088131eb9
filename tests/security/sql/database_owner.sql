-- pg_clv is a trusted extension: a database owner who is not a superuser installs it, uses it
-- end to end and drops it (docs/security.md). Run by scripts/test.sh as the role clv_owner,
-- owner of the database pg_clv_owner.
SELECT current_user, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user;
CREATE EXTENSION pg_clv;
SELECT extversion = (SELECT default_version FROM pg_available_extensions WHERE name = extname) AS current_version,
       extowner::regrole AS owner, extnamespace::regnamespace AS schema,
       (SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'clv') AS schema_owner
FROM pg_extension WHERE extname = 'pg_clv';
-- Nothing in the extension runs with its owner's (the bootstrap superuser's) rights, and every
-- function is in schema clv.
SELECT count(*) FILTER (WHERE p.prosecdef) AS security_definer, count(*) FILTER (WHERE n.nspname <> 'clv') AS outside_clv
FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pg_clv');

-- Orders, stored summaries kept by the change log, models, scores, segment views.
CREATE TABLE orders AS
SELECT customer_id, ordered_at, amount::numeric(12,2) AS amount
FROM clv.generate_orders(2000, '2022-01-01', '2023-01-01', seed => 7);
CREATE TABLE customer_summaries (customer_id bigint PRIMARY KEY, s clv.customer_summary NOT NULL);
SELECT clv.track_order_changes('orders');
SELECT clv.rebuild_summaries('orders', 'customer_summaries', 'orders_clv_changes');
UPDATE orders SET amount = amount + 1 WHERE customer_id = 1;
SELECT * FROM clv.refresh_summaries('orders', 'customer_summaries', 'orders_clv_changes');
CREATE TABLE models AS
SELECT clv.bgnbd_fit(s, '2022-12-31') AS purchases, clv.gamma_gamma_fit(s, '2022-12-31') AS spend
FROM customer_summaries;
SELECT count(*) AS customers, round(avg(clv.p_alive(m.purchases, c.s, '2022-12-31'))::numeric, 4) AS mean_p_alive,
       round(sum(clv.customer_value(m.purchases, m.spend, c.s, '2022-12-31'))::numeric, 2) > 0 AS has_value
FROM customer_summaries c, models m;
\set ECHO none
SET client_min_messages = warning;
\ir ../../sql/segments.sql
RESET client_min_messages;
\set ECHO all
UPDATE segment_settings SET as_of = '2022-12-31';
SELECT stage, customers FROM lifecycle_overview ORDER BY stage_order;

-- Its own settings: the session's thread count, yes; the superuser's cap on it, no.
SET clv.fit_threads = 2;
SET clv.max_fit_threads = 64;

-- Dropped cleanly: what uses it first (the tables of its types, with the segment views over
-- them, and the orders with the change-log triggers), then the extension, without CASCADE.
SET client_min_messages = warning;
DROP TABLE models, customer_summaries, orders, orders_clv_changes, segment_settings CASCADE;
RESET client_min_messages;
DROP EXTENSION pg_clv;
-- CREATE EXTENSION made the schema clv for the role (PostgreSQL does not make it part of the
-- extension): it is left empty, and the role drops it like any schema of its own.
SELECT (SELECT count(*) FROM pg_proc WHERE pronamespace = 'clv'::regnamespace)
     + (SELECT count(*) FROM pg_type WHERE typnamespace = 'clv'::regnamespace)
     + (SELECT count(*) FROM pg_class WHERE relnamespace = 'clv'::regnamespace)
     + (SELECT count(*) FROM pg_operator WHERE oprnamespace = 'clv'::regnamespace) AS objects_left_in_clv;
DROP SCHEMA clv;
