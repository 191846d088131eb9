-- A summary built serially, by parallel workers, or by rolling up monthly summaries is the same
-- value, byte for byte.

-- 300 customers with 200 orders each over two years (several on some days), in random row
-- order, so that every customer's orders are spread over both workers and their partial
-- states must be combined. Deterministic: hashint4 is the same everywhere.
CREATE TABLE many_orders AS
SELECT c AS customer_id,
       DATE '2022-01-01' + abs(hashint4(c * 1000 + k)) % 730 AS ordered_at,
       (abs(hashint4(c * 7919 + k)) % 20000) / 100.0 AS amount
FROM generate_series(1, 300) c, generate_series(1, 200) k
ORDER BY hashint4(c * 31 + k);
ANALYZE many_orders;

-- Serially.
SET max_parallel_workers_per_gather = 0;
CREATE TABLE serial AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM many_orders GROUP BY customer_id;
CREATE TABLE cdnow_serial AS SELECT clv.customer_summary(ordered_at, amount) AS s FROM cdnow_orders;

-- How many parallel workers a query really ran with.
CREATE FUNCTION pg_temp.workers_launched(query text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
        IF line ~ 'Workers Launched' THEN
            RETURN substring(line FROM 'Workers Launched: (\d+)')::int;
        END IF;
    END LOOP;
    RETURN 0;
END $$;

-- With two workers that aggregate every row (the leader only combines).
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM many_orders GROUP BY customer_id;
SELECT pg_temp.workers_launched('SELECT customer_id, clv.customer_summary(ordered_at, amount) FROM many_orders GROUP BY customer_id');
CREATE TABLE parallel AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM many_orders GROUP BY customer_id;

-- The same with sorted (GroupAggregate) partial aggregation.
SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM many_orders GROUP BY customer_id;
CREATE TABLE parallel_sorted AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM many_orders GROUP BY customer_id;
RESET enable_hashagg;

-- Monthly summaries stored in a table, rolled up later.
CREATE TABLE monthly AS
SELECT customer_id, date_trunc('month', ordered_at) AS month, clv.customer_summary(ordered_at, amount) AS s
FROM many_orders GROUP BY 1, 2;
ANALYZE monthly;
CREATE TABLE rolled_up AS SELECT customer_id, clv.rollup(s) AS s FROM monthly GROUP BY customer_id;

SELECT count(*) AS customers,
       sum(clv.order_count(serial.s)) AS orders,
       count(*) FILTER (WHERE clv.customer_summary_send(serial.s) = clv.customer_summary_send(parallel.s)) AS parallel_identical,
       count(*) FILTER (WHERE clv.customer_summary_send(serial.s) = clv.customer_summary_send(parallel_sorted.s)) AS sorted_identical,
       count(*) FILTER (WHERE clv.customer_summary_send(serial.s) = clv.customer_summary_send(rolled_up.s)) AS rollup_identical
FROM serial
JOIN parallel USING (customer_id)
JOIN parallel_sorted USING (customer_id)
JOIN rolled_up USING (customer_id);

-- The CDNOW sample as one group: partial aggregates in both workers, combined.
EXPLAIN (COSTS OFF) SELECT clv.customer_summary(ordered_at, amount) FROM cdnow_orders;
SELECT pg_temp.workers_launched('SELECT clv.customer_summary(ordered_at, amount) FROM cdnow_orders');
SELECT clv.customer_summary_send(clv.customer_summary(ordered_at, amount)) =
       (SELECT clv.customer_summary_send(s) FROM cdnow_serial) AS parallel_equals_serial
FROM cdnow_orders;

-- rollup skips NULLs, and a rollup of nothing is NULL.
SELECT clv.rollup(s) IS NULL AS nothing_is_null FROM monthly WHERE false;
SELECT clv.order_count(clv.rollup(s)) FROM (SELECT s FROM monthly UNION ALL SELECT NULL) m;
