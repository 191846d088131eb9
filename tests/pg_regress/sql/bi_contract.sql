-- The BI contract of the shipped views (docs/bi.md): the segment views (sql/segments.sql) and
-- the demo's (sql/demo/setup.sql, sql/nightly_refresh.sql), built in a schema of their own.
-- Every column has a built-in type (but the summary column of the two relations for SQL
-- users), a comment, and one type per column name; the stage filters and sorts as text.
SET datestyle = 'ISO';
SET client_min_messages = warning;
CREATE SCHEMA bi_contract;
SET search_path = bi_contract, public;
CREATE TABLE cdnow_orders AS SELECT * FROM public.cdnow_orders;
\cd ../..
\set ECHO none
\set QUIET on
\i sql/demo/setup.sql
\i sql/nightly_refresh.sql
\set QUIET off
\set ECHO all
\cd tests/pg_regress
RESET client_min_messages;
CREATE TEMP VIEW shipped_columns AS
SELECT c.relname AS relation, c.relkind, a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS type, t.typnamespace = 'pg_catalog'::regnamespace AS built_in,
       col_description(c.oid, a.attnum) AS comment, obj_description(c.oid, 'pg_class') AS relation_comment
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
WHERE c.relnamespace = 'bi_contract'::regnamespace AND c.relkind IN ('v', 'm');

-- The relations, their kinds and column counts.
SELECT relation, relkind, count(*) AS columns FROM shipped_columns GROUP BY 1, 2 ORDER BY 1;
-- Every relation and every column has a comment.
SELECT relation, column_name FROM shipped_columns WHERE comment IS NULL OR relation_comment IS NULL;
-- Only built-in types, but the summaries of the two relations for SQL users.
SELECT relation, column_name, type FROM shipped_columns WHERE NOT built_in ORDER BY 1, 2;
-- One type per column name, and decimals always with a scale.
SELECT column_name, string_agg(DISTINCT type, ', ') AS types
FROM shipped_columns GROUP BY column_name HAVING count(DISTINCT type) > 1;
SELECT relation, column_name FROM shipped_columns WHERE type = 'numeric';

-- The stage is text: a bound varchar parameter (pgjdbc's setString), LIKE and lower() work,
-- and stage_order sorts the stages in lifecycle order.
PREPARE by_stage(varchar) AS SELECT count(*) FROM customer_facts WHERE stage = $1;
EXECUTE by_stage('at_risk');
SELECT count(*) FROM vip_at_risk WHERE lower(stage) LIKE 'dorm%';
SELECT stage, stage_order, customers, pct_customers, revenue, pct_revenue FROM lifecycle_overview ORDER BY stage_order;
-- Every column can be grouped and compared (BI tools' DISTINCT and GROUP BY).
SELECT count(DISTINCT f) AS distinct_rows FROM customer_facts f;
SELECT count(DISTINCT p) AS distinct_rows FROM customer_scores_view p;

-- Cohort retention in long form: every cohort's period 0 retains everyone, and the rows sum
-- to the triangle's cells.
SELECT cohort, count(*) AS periods, min(pct_retained) FILTER (WHERE period = 0) AS month_0,
       max(customers) AS customers, sum(retained) AS retained, sum(revenue) AS revenue
FROM cohort_retention GROUP BY cohort ORDER BY cohort;

-- Every view reads segment_settings.as_of: moving it moves every view.
SELECT count(DISTINCT as_of) AS dates, min(as_of) FROM (
    SELECT as_of FROM customer_facts UNION ALL SELECT as_of FROM customer_predictions
    UNION ALL SELECT as_of FROM customer_summaries_as_of) d;
UPDATE segment_settings SET as_of = '1997-12-31';
SELECT (SELECT max(last_order) FROM customer_facts) AS last_order_in_facts,
       (SELECT max(as_of) FROM customer_predictions) AS predictions_as_of,
       (SELECT max(cohort + period * interval '1 month')::date FROM cohort_retention) AS last_cohort_month;
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA bi_contract CASCADE;
RESET client_min_messages;
