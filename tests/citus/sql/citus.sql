-- pg_clv on Citus (scripts/citus.sh: a coordinator and two workers): everything runs on the
-- distributed tables and gives what one node gives on the same data, and the plans show what
-- runs where. The one-node side is plain tables on the coordinator, in schema one_node; the
-- distributed side is in schema distributed; both have the same objects, made by the same
-- SQL (sql/segments.sql and the queries below).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET citus.shard_count = 8;
-- Rows are compared as text, and the shards print dates in ISO (pg_regress sets another style).
SET DateStyle = ISO;
-- cdnow_orders: loaded by sql/load_cdnow.sql before this test (scripts/test.sh).

-- (x) EXCEPT ALL (y) both ways, as text so that every type compares: 0 when the two agree.
CREATE FUNCTION differences(x text, y text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM ((SELECT t::text FROM (%1$s) t EXCEPT ALL SELECT t::text FROM (%2$s) t)
                    UNION ALL (SELECT t::text FROM (%2$s) t EXCEPT ALL SELECT t::text FROM (%1$s) t)) d', x, y) INTO n;
    RETURN n;
END $$;

-- The same orders both ways; the distributed ones by customer.
CREATE SCHEMA one_node;
CREATE SCHEMA distributed;
CREATE TABLE one_node.orders AS SELECT * FROM cdnow_orders;
CREATE TABLE distributed.orders AS SELECT * FROM cdnow_orders;
SELECT create_distributed_table('distributed.orders', 'customer_id') IS NOT NULL AS distributed;

-- Summaries: stored with INSERT ... SELECT into a co-located table (runs on the shards), and
-- built from two halves of the history with clv.rollup, grouped by customer.
CREATE TABLE one_node.customer_summaries (customer_id int PRIMARY KEY, s clv.customer_summary NOT NULL);
CREATE TABLE distributed.customer_summaries (customer_id int PRIMARY KEY, s clv.customer_summary NOT NULL);
SELECT create_distributed_table('distributed.customer_summaries', 'customer_id', colocate_with => 'distributed.orders') IS NOT NULL AS distributed;
INSERT INTO one_node.customer_summaries
SELECT customer_id, clv.customer_summary(ordered_at, amount) FROM one_node.orders GROUP BY customer_id;
INSERT INTO distributed.customer_summaries
SELECT customer_id, clv.customer_summary(ordered_at, amount) FROM distributed.orders GROUP BY customer_id;
SELECT differences('TABLE one_node.customer_summaries', 'TABLE distributed.customer_summaries') AS summaries;

CREATE TABLE distributed.halves (customer_id int, s clv.customer_summary);
SELECT create_distributed_table('distributed.halves', 'customer_id', colocate_with => 'distributed.orders') IS NOT NULL AS distributed;
INSERT INTO distributed.halves
SELECT customer_id, clv.customer_summary(ordered_at, amount) FROM distributed.orders
GROUP BY customer_id, ordered_at < '1997-07-01';
SELECT differences('SELECT customer_id, clv.rollup(s) FROM distributed.halves GROUP BY customer_id',
                   'TABLE one_node.customer_summaries') AS rollup;

-- The segment views (sql/segments.sql) in each schema; the settings table is a reference
-- table on the distributed side (the file runs again once it is one, so that the views are
-- made over it), and the views join it on every shard. Quietly: psql would echo the file, and
-- Citus warns about views over tables it does not know yet.
\set ECHO none
SET client_min_messages = error;
SET search_path = one_node, public;
\ir ../../sql/segments.sql
UPDATE segment_settings SET as_of = '1998-06-30';
SET search_path = distributed, public;
\ir ../../sql/segments.sql
SELECT create_reference_table('distributed.segment_settings');
SELECT truncate_local_data_after_distributing_table('distributed.segment_settings');
\ir ../../sql/segments.sql
UPDATE segment_settings SET as_of = '1998-06-30';
RESET search_path;
SET client_min_messages = warning;
\set ECHO all
SELECT v AS view, differences('TABLE one_node.' || v, 'TABLE distributed.' || v) AS differences
FROM unnest(ARRAY['customer_summaries_as_of', 'customer_facts', 'lifecycle_overview', 'wake_up_list', 'spend_surge',
                  'shrinking_basket', 'upsell_list', 'vip_at_risk', 'replenishment_due', 'rfm_segments',
                  'rfm_segment_overview', 'cohort_retention']) v;

-- KPIs and the cohort retention table.
SELECT differences(format($q$
    SELECT clv.repeat_purchase_rate(s, '1998-06-30'), clv.churn_rate(s, '1998-01-01', '1998-04-01'),
           clv.revenue_share_top(s, 0.1), clv.business_profile(s, '1998-06-30'), clv.rfm_breaks(s, '1998-06-30')
    FROM %s.customer_summaries$q$, 'one_node'), format($q$
    SELECT clv.repeat_purchase_rate(s, '1998-06-30'), clv.churn_rate(s, '1998-01-01', '1998-04-01'),
           clv.revenue_share_top(s, 0.1), clv.business_profile(s, '1998-06-30'), clv.rfm_breaks(s, '1998-06-30')
    FROM %s.customer_summaries$q$, 'distributed')) AS kpis;
SELECT differences(
    $q$SELECT cohort, period, count(*), count(*) FILTER (WHERE purchased)
       FROM one_node.customer_summaries, clv.retention_periods(s, 'month', '1998-06-30') GROUP BY 1, 2$q$,
    $q$SELECT cohort, period, count(*), count(*) FILTER (WHERE purchased)
       FROM distributed.customer_summaries, clv.retention_periods(s, 'month', '1998-06-30') GROUP BY 1, 2$q$) AS cohort_retention;

-- Fits: each shard merges its customers into weighted patterns and sends those; the
-- coordinator fits on them. The models are the same bytes as on one node.
CREATE TABLE one_node.models AS
SELECT clv.bgnbd_fit(s, '1997-09-30', 'weeks') AS bgnbd, clv.mbgnbd_fit(s, '1998-06-30') AS mbgnbd,
       clv.pareto_nbd_fit(s, '1998-06-30') AS pareto_nbd, clv.gamma_gamma_fit(s, '1998-06-30') AS spend
FROM one_node.customer_summaries;
CREATE TABLE distributed.models AS
SELECT clv.bgnbd_fit(s, '1997-09-30', 'weeks') AS bgnbd, clv.mbgnbd_fit(s, '1998-06-30') AS mbgnbd,
       clv.pareto_nbd_fit(s, '1998-06-30') AS pareto_nbd, clv.gamma_gamma_fit(s, '1998-06-30') AS spend
FROM distributed.customer_summaries;
SELECT differences('TABLE one_node.models', 'TABLE distributed.models') AS models,
       (SELECT bgnbd::text::jsonb -> 'params' FROM distributed.models) AS bgnbd_cdnow_weeks;
-- With covariates (docs/models/covariates.md): each shard sends its table of covariate
-- vectors and its patterns per vector; the same models.
SELECT differences(format($q$
    SELECT clv.pareto_nbd_fit(s, '1998-06-30', 'weeks', ARRAY[(customer_id %% 2)::float8], ARRAY[(customer_id %% 3 = 0)::int::float8]),
           clv.mbgnbd_fit(s, '1998-06-30', 'weeks', ARRAY[(customer_id %% 2)::float8], ARRAY[(customer_id %% 2)::float8],
                          '{"trans": ["odd"], "life": ["odd"], "constrained": ["odd"]}'),
           clv.gamma_gamma_fit(s, '1998-06-30', ARRAY[(customer_id %% 2)::float8])
    FROM %s.customer_summaries$q$, 'one_node'), format($q$
    SELECT clv.pareto_nbd_fit(s, '1998-06-30', 'weeks', ARRAY[(customer_id %% 2)::float8], ARRAY[(customer_id %% 3 = 0)::int::float8]),
           clv.mbgnbd_fit(s, '1998-06-30', 'weeks', ARRAY[(customer_id %% 2)::float8], ARRAY[(customer_id %% 2)::float8],
                          '{"trans": ["odd"], "life": ["odd"], "constrained": ["odd"]}'),
           clv.gamma_gamma_fit(s, '1998-06-30', ARRAY[(customer_id %% 2)::float8])
    FROM %s.customer_summaries$q$, 'distributed')) AS models_with_covariates;
-- BG/BB on the donations data (data/donations), one row per donor, distributed by donor.
CREATE TABLE one_node.donations (x int, t_x int, n int, donors int);
\copy one_node.donations FROM '../../data/donations/donations.csv' (FORMAT csv, HEADER)
CREATE TABLE one_node.donors AS SELECT row_number() OVER () AS donor_id, x, t_x, n
FROM one_node.donations, generate_series(1, donors);
CREATE TABLE distributed.donors AS TABLE one_node.donors;
SELECT create_distributed_table('distributed.donors', 'donor_id') IS NOT NULL AS distributed;
SELECT differences('SELECT clv.bgbb_fit(x, t_x, n) FROM one_node.donors',
                   'SELECT clv.bgbb_fit(x, t_x, n) FROM distributed.donors') AS bgbb,
       (SELECT clv.bgbb_fit(x, t_x, n)::text::jsonb -> 'params' FROM distributed.donors) AS bgbb_donations;

-- Predictions and customer value with the models in a reference table: on the shards.
SELECT create_reference_table('distributed.models') IS NOT NULL AS reference;
CREATE VIEW one_node.predictions AS
SELECT c.customer_id, clv.p_alive(m.pareto_nbd, c.s, '1998-06-30') AS p_alive,
       clv.expected_purchases(m.pareto_nbd, c.s, '1998-06-30', 365) AS purchases,
       clv.customer_value(m.pareto_nbd, m.spend, c.s, '1998-06-30') AS value
FROM one_node.customer_summaries c CROSS JOIN one_node.models m;
CREATE VIEW distributed.predictions AS
SELECT c.customer_id, clv.p_alive(m.pareto_nbd, c.s, '1998-06-30') AS p_alive,
       clv.expected_purchases(m.pareto_nbd, c.s, '1998-06-30', 365) AS purchases,
       clv.customer_value(m.pareto_nbd, m.spend, c.s, '1998-06-30') AS value
FROM distributed.customer_summaries c CROSS JOIN distributed.models m;
SELECT differences('TABLE one_node.predictions', 'TABLE distributed.predictions') AS predictions,
       (SELECT round(sum(value)::numeric, 2) FROM distributed.predictions) AS total_value;
-- Totals with bounds (docs/models/uncertainty.md): each shard sends its sums of predictions and
-- of their gradients; the same totals and bounds.
SELECT differences(format($q$
    SELECT round((t).estimate::numeric, 6), round((t).lower::numeric, 6), round((t).upper::numeric, 6)
    FROM (SELECT clv.customer_value_total(m.pareto_nbd, m.spend, c.s, '1998-06-30', 12, 0.01, 0.9) AS t
          FROM %1$s.customer_summaries c CROSS JOIN %1$s.models m) x$q$, 'one_node'), format($q$
    SELECT round((t).estimate::numeric, 6), round((t).lower::numeric, 6), round((t).upper::numeric, 6)
    FROM (SELECT clv.customer_value_total(m.pareto_nbd, m.spend, c.s, '1998-06-30', 12, 0.01, 0.9) AS t
          FROM %1$s.customer_summaries c CROSS JOIN %1$s.models m) x$q$, 'distributed')) AS value_totals;

-- What runs where (the plans name the first worker's port: scripts/citus.sh's default ports).
-- Statistics first, so that the plans do not depend on whether autovacuum has analyzed the
-- shards yet (on a busy machine it may not have).
ANALYZE distributed.orders, distributed.customer_summaries, distributed.models, distributed.segment_settings;
-- Summaries grouped by the distribution column: whole on each shard.
EXPLAIN (COSTS OFF)
SELECT customer_id, clv.customer_summary(ordered_at, amount) FROM distributed.orders GROUP BY customer_id;
-- A fit: worker_partial_agg on each shard (its patterns), coord_combine_agg on the
-- coordinator (merges them and fits).
EXPLAIN (COSTS OFF)
SELECT clv.pareto_nbd_fit(s, '1998-06-30') FROM distributed.customer_summaries;
EXPLAIN (COSTS OFF)
SELECT clv.pareto_nbd_fit(s, '1998-06-30', 'weeks', ARRAY[(customer_id % 2)::float8], '{}') FROM distributed.customer_summaries;
-- The KPIs and RFM breaks likewise: each shard sends its partial state (clv.fit_state), not
-- its customers' summaries.
EXPLAIN (COSTS OFF)
SELECT clv.rfm_breaks(s, '1998-06-30'), clv.business_profile(s, '1998-06-30'), clv.revenue_share_top(s, 0.1),
       clv.repeat_purchase_rate(s, '1998-06-30'), clv.churn_rate(s, '1998-01-01', '1998-04-01')
FROM distributed.customer_summaries;
-- A total with bounds: a partial state on each shard, as the fits.
EXPLAIN (COSTS OFF)
SELECT clv.expected_purchases_total(m.pareto_nbd, c.s, '1998-06-30', 365, 0.9)
FROM distributed.customer_summaries c CROSS JOIN distributed.models m;
-- Scoring with the models in a reference table: on each shard.
EXPLAIN (COSTS OFF)
SELECT count(*) FILTER (WHERE p_alive > 0.5) FROM distributed.predictions;
-- Or with the model as a scalar subquery: an InitPlan on each shard reads the reference table.
EXPLAIN (COSTS OFF)
SELECT count(*) FILTER (WHERE clv.p_alive((SELECT pareto_nbd FROM distributed.models), s, '1998-06-30') > 0.5)
FROM distributed.customer_summaries;
-- A segment view: whole on each shard, the settings from the reference table.
EXPLAIN (COSTS OFF)
SELECT * FROM distributed.wake_up_list;
