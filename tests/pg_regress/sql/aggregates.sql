-- Every aggregate of schema clv, listed from the catalog, gives the same value as a plain
-- aggregate over the same rows when it runs as a window function (running and sliding
-- frames: the final function runs again and again on one state), with FILTER, in GROUPING
-- SETS, and in a parallel plan (partial states serialized, combined in the leader). A new
-- aggregate is covered without editing this file, as long as its arguments are named as below.
SET client_min_messages = error;  -- fits on a few customers may warn that they do not converge
SET extra_float_digits = 0;

-- One row per order of 25 CDNOW customers, with the customer's summary and its (x, t_x, T),
-- mean spend, and a BG/BB history (x, t_x, 6) made from it: every aggregate's arguments, by
-- name.
CREATE TABLE agg_rows AS
SELECT row_number() OVER (ORDER BY o.customer_id, o.ordered_at, o.amount)::int AS i,
       o.customer_id % 3 AS g, o.ordered_at, o.amount, c.s,
       clv.frequency(c.s)::float8 AS x, clv.t_x(c.s, 'weeks') AS t_x,
       clv.customer_age(c.s, '1998-06-30', 'weeks') AS t,
       coalesce(clv.repeat_spend_mean(c.s), 0) AS mean_spend,
       least(clv.frequency(c.s), 5)::int AS bb_x
FROM cdnow_orders o
JOIN (SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s
      FROM cdnow_orders WHERE customer_id <= 25 GROUP BY customer_id) c USING (customer_id);

-- The expression for each argument name (and type, where one name has several types).
CREATE TEMP TABLE agg_argument (name text, type regtype, expr text);
INSERT INTO agg_argument VALUES
    ('ordered_at', 'date', 'ordered_at'),
    ('ordered_at', 'timestamptz', 'ordered_at::timestamptz'),
    ('ordered_at', 'timestamp', 'ordered_at::timestamp'),
    ('amount', 'float8', 'amount::float8'),
    ('amount', 'numeric', 'amount'),
    ('s', 'clv.customer_summary', 's'),
    ('', 'clv.customer_summary', 's'),
    ('as_of', 'date', 'DATE ''1998-06-30'''),
    ('unit', 'text', '''weeks'''),
    ('x', 'float8', 'x'), ('t_x', 'float8', 't_x'), ('t', 'float8', 't'),
    ('mean_spend', 'float8', 'mean_spend'),
    ('x', 'integer', 'bb_x'), ('t_x', 'integer', 'bb_x + (bb_x > 0)::int'), ('n', 'integer', '6'),
    ('weight', 'float8', '1 + i % 3'),
    ('predicted', 'float8', 't'), ('actual', 'float8', 'x'),
    ('fraction', 'float8', '0.2'),
    ('bins', 'integer', '4'),
    ('period_start', 'date', 'DATE ''1997-07-01'''),
    ('period_end', 'date', 'DATE ''1997-10-01'''),
    ('active_within', 'integer', '60'),
    ('window_days', 'integer', '180'),
    ('transaction_covariates', 'float8[]', 'ARRAY[(i % 2)::float8]'),
    ('dropout_covariates', 'float8[]', 'ARRAY[(i % 2)::float8, (i % 3 = 0)::int::float8]'),
    ('spend_covariates', 'float8[]', 'ARRAY[(i % 2)::float8]'),
    -- Valid for the purchase and the spend fits alike: positional names.
    ('options', 'jsonb', '''{}''::jsonb'),
    -- The prediction totals: a model fitted on all of CDNOW, with covariates of the widths
    -- above when the aggregate takes covariates ($covariates).
    ('model', 'clv.btyd_model', '(SELECT model FROM agg_models WHERE with_covariates = $covariates)'),
    ('purchases', 'clv.btyd_model', '(SELECT model FROM agg_models WHERE NOT with_covariates)'),
    ('spend', 'clv.spend_model', '(SELECT spend FROM agg_spend)'),
    ('months', 'integer', '12'),
    ('monthly_discount_rate', 'float8', '0.01'),
    ('horizon', 'float8', '52'),
    ('annual_discount_rate', 'float8', '0.1'),
    ('level', 'float8', '0.9');

CREATE TABLE agg_models AS
SELECT false AS with_covariates, clv.pareto_nbd_fit(s, '1997-09-30', 'weeks') AS model
FROM (SELECT clv.customer_summary(ordered_at, amount) AS s FROM cdnow_orders GROUP BY customer_id) c
UNION ALL
SELECT true, clv.pareto_nbd_fit(s, '1997-09-30', 'weeks', ARRAY[(id % 2)::float8],
                                ARRAY[(id % 2)::float8, (id % 3 = 0)::int::float8])
FROM (SELECT customer_id AS id, clv.customer_summary(ordered_at, amount) AS s FROM cdnow_orders GROUP BY customer_id) c;
CREATE TABLE agg_spend AS
SELECT clv.gamma_gamma_fit(s, '1997-09-30') AS spend
FROM (SELECT clv.customer_summary(ordered_at, amount) AS s FROM cdnow_orders GROUP BY customer_id) c;

-- Each aggregate, called with its arguments: clv.name(expr, ...).
CREATE TEMP VIEW agg_call AS
SELECT p.oid::regprocedure AS aggregate,
       format('clv.%I(%s)', p.proname,
              string_agg(replace(coalesce(a.expr, format('<no expression for argument %s %s>', coalesce(p.proargnames[k], ''), t::regtype)),
                                 '$covariates', coalesce('transaction_covariates' = ANY (p.proargnames), false)::text),
                         ', ' ORDER BY k)) AS call
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'clv'
CROSS JOIN LATERAL unnest(p.proargtypes::oid[]) WITH ORDINALITY u(t, k)
LEFT JOIN agg_argument a ON a.name = coalesce(p.proargnames[k], '') AND a.type = u.t
WHERE p.prokind = 'a'
GROUP BY p.oid, p.proname;

-- The aggregate's value as text over the rows that `condition` picks.
CREATE FUNCTION pg_temp.agg_value(call text, condition text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE result text;
BEGIN
    EXECUTE format('SELECT (%s)::text FROM agg_rows WHERE %s', call, condition) INTO result;
    RETURN result;
END $$;

-- Compares every variant with the plain aggregate; returns what differs ('ok' if nothing).
CREATE FUNCTION pg_temp.check_aggregate(call text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    n int := (SELECT count(*) FROM agg_rows);
    checkpoints int[] := ARRAY[1, 7, n / 2, n];
    k int;
    got text;
    plan text;
    serial text;
    problems text[] := '{}';
BEGIN
    -- Running frame (row k sees rows 1..k) and sliding frame (rows k-4..k), each computed
    -- once and compared at a few rows.
    FOR k, got IN EXECUTE format('SELECT i, (%s OVER (ORDER BY i))::text FROM agg_rows', call) LOOP
        IF k = ANY (checkpoints) AND got IS DISTINCT FROM pg_temp.agg_value(call, format('i <= %s', k)) THEN
            problems := problems || format('running frame at row %s', k);
        END IF;
    END LOOP;
    FOR k, got IN EXECUTE format('SELECT i, (%s OVER (ORDER BY i ROWS BETWEEN 4 PRECEDING AND CURRENT ROW))::text FROM agg_rows', call) LOOP
        IF k = ANY (checkpoints) AND got IS DISTINCT FROM pg_temp.agg_value(call, format('i BETWEEN %s AND %s', k - 4, k)) THEN
            problems := problems || format('sliding frame at row %s', k);
        END IF;
    END LOOP;
    -- FILTER.
    EXECUTE format('SELECT (%s FILTER (WHERE i %% 3 = 0))::text FROM agg_rows', call) INTO got;
    IF got IS DISTINCT FROM pg_temp.agg_value(call, 'i % 3 = 0') THEN
        problems := problems || 'FILTER'::text;
    END IF;
    -- GROUPING SETS: each group and the total.
    FOR k IN 0..2 LOOP
        EXECUTE format('SELECT v FROM (SELECT g, (%s)::text AS v FROM agg_rows GROUP BY GROUPING SETS ((g), ())) r WHERE g = %s', call, k) INTO got;
        IF got IS DISTINCT FROM pg_temp.agg_value(call, format('g = %s', k)) THEN
            problems := problems || format('grouping set g = %s', k);
        END IF;
    END LOOP;
    EXECUTE format('SELECT v FROM (SELECT g, (%s)::text AS v FROM agg_rows GROUP BY GROUPING SETS ((g), ())) r WHERE g IS NULL', call) INTO got;
    IF got IS DISTINCT FROM pg_temp.agg_value(call, 'true') THEN
        problems := problems || 'grouping set ()'::text;
    END IF;
    -- Parallel: partial aggregates in two workers, combined in the leader.
    serial := pg_temp.agg_value(call, 'true');
    SET LOCAL parallel_setup_cost = 0; SET LOCAL parallel_tuple_cost = 0;
    SET LOCAL min_parallel_table_scan_size = 0; SET LOCAL max_parallel_workers_per_gather = 2;
    SET LOCAL parallel_leader_participation = off;
    plan := '';
    FOR got IN EXECUTE format('EXPLAIN (COSTS OFF) SELECT (%s)::text FROM agg_rows', call) LOOP
        plan := plan || got || E'\n';
    END LOOP;
    IF plan NOT LIKE '%Partial Aggregate%' THEN
        problems := problems || 'no parallel plan'::text;
    ELSIF pg_temp.agg_value(call, 'true') IS DISTINCT FROM serial THEN
        problems := problems || 'parallel'::text;
    END IF;
    RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
    RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;
    RETURN CASE WHEN cardinality(problems) = 0 THEN 'ok' ELSE array_to_string(problems, ', ') END;
END $$;

SELECT count(*) AS orders FROM agg_rows;
SELECT aggregate, pg_temp.check_aggregate(call) AS result FROM agg_call ORDER BY aggregate::text;
