-- Repurchase cycle, lifecycle stages and RFM functions on hand-made summaries.
SET datestyle = 'ISO';
CREATE FUNCTION pg_temp.days(VARIADIC d date[]) RETURNS clv.customer_summary LANGUAGE sql AS $$
    SELECT clv.customer_summary(x, 10.0) FROM unnest(d) x
$$;

-- Repurchase cycle: gaps 10, 10, 40 days.
SELECT clv.repurchase_cycle(s), clv.repurchase_cycle_median(s), clv.next_order_due(s),
       clv.overdue_ratio(s, '2024-03-11') AS on_time, clv.overdue_ratio(s, '2024-04-10') AS two_cycles_late,
       clv.overdue_ratio(s, '2024-01-15') AS cut_at_as_of
FROM (SELECT pg_temp.days('2024-01-01', '2024-01-11', '2024-01-21', '2024-03-01') AS s) x;
-- One purchase day: no cycle.
SELECT clv.repurchase_cycle(s), clv.repurchase_cycle_median(s), clv.next_order_due(s), clv.overdue_ratio(s, '2024-06-01')
FROM (SELECT pg_temp.days('2024-01-01') AS s) x;

-- Lifecycle with the default thresholds, at each boundary (first and only order 2024-01-01).
SELECT as_of, as_of - DATE '2024-01-01' AS days_since_order, clv.lifecycle_stage(pg_temp.days('2024-01-01'), as_of)
FROM unnest(ARRAY['2023-12-31', '2024-01-01', '2024-01-30', '2024-01-31', '2024-03-30', '2024-03-31',
                  '2024-12-30', '2024-12-31']::date[]) as_of;
-- Thresholds by name; NULL means the default.
SELECT clv.lifecycle_stage(pg_temp.days('2024-01-01'), '2024-02-15', at_risk_after => 30) AS at_risk_after_30,
       clv.lifecycle_stage(pg_temp.days('2024-01-01'), '2024-02-15', new_within => 60) AS new_within_60,
       clv.lifecycle_stage(pg_temp.days('2024-01-01'), '2024-02-15', at_risk_after => NULL) AS defaults;
-- Scaled by the customer's own cycle: buying every 120 days is not at risk after 90 days of
-- silence, but is after 1.5 cycles (180 days); the fixed 90 days apply without a cycle.
SELECT days_silent,
       clv.lifecycle_stage(pg_temp.days('2023-01-01', '2023-05-01', '2023-08-29'), DATE '2023-08-29' + days_silent) AS fixed,
       clv.lifecycle_stage(pg_temp.days('2023-01-01', '2023-05-01', '2023-08-29'), DATE '2023-08-29' + days_silent,
                           at_risk_cycles => 1.5) AS scaled
FROM unnest(ARRAY[89, 90, 179, 180, 365]) days_silent;
-- With the signup date: prospect until the first order.
SELECT label, clv.lifecycle_stage(signed_up, s, '2024-06-30') AS stage
FROM (VALUES ('signed up, never ordered', DATE '2024-05-01', NULL::clv.customer_summary),
             ('signed up, orders only after as_of', '2024-05-01', pg_temp.days('2024-07-15')),
             ('signed up after as_of', '2024-07-01', NULL),
             ('ordered last week', '2024-05-01', pg_temp.days('2024-06-23')),
             ('no signup date, no orders', NULL, NULL)) v(label, signed_up, s);
-- The enum sorts in lifecycle order.
SELECT enum_range(NULL::clv.lifecycle);

-- RFM on a population of ten customers with distinct values (ordered 1..10 times, last order
-- 10..1 weeks before as_of): quintiles, the cell text, and the canonical segments.
CREATE TABLE population AS
SELECT i AS customer_id, clv.customer_summary(DATE '2024-06-30' - 7 * (11 - i) - k, 10.0 * i)
       AS s
FROM generate_series(1, 10) i, generate_series(0, i - 1) k GROUP BY i;
CREATE TABLE breaks AS SELECT clv.rfm_breaks(s, '2024-06-30') AS b FROM population;
SELECT b FROM breaks;
SELECT customer_id, (clv.rfm_score(s, b, '2024-06-30')).*, clv.rfm_segment(clv.rfm_score(s, b, '2024-06-30'))
FROM population, breaks ORDER BY customer_id;
-- The same as ntile(5) (R over recency descending).
SELECT count(*) FILTER (WHERE (sc).r = nr AND (sc).f = nf AND (sc).m = nm) AS equal_to_ntile, count(*) AS customers
FROM (SELECT clv.rfm_score(s, b, '2024-06-30') AS sc,
             ntile(5) OVER (ORDER BY clv.days_since_last_order(s, '2024-06-30') DESC) AS nr,
             ntile(5) OVER (ORDER BY clv.order_count(s)) AS nf,
             ntile(5) OVER (ORDER BY clv.total_spend(s)) AS nm
      FROM population, breaks) x;
-- Ten bins: two-digit scores are separated in the cell.
SELECT (clv.rfm_score(s, clv_b, '2024-06-30')).cell
FROM population, (SELECT clv.rfm_breaks(s, '2024-06-30', 10) AS clv_b FROM population) b WHERE customer_id = 10;
-- Customers without an order by as_of are left out of the breaks and get no score.
SELECT clv.rfm_breaks(s, '2024-01-01') IS NULL AS empty_population FROM population;
SELECT clv.rfm_score(s, b, '2024-01-01') IS NULL AS not_yet_a_customer FROM population, breaks WHERE customer_id = 1;
-- Text form round trip.
SELECT b::text::clv.rfm_breaks::text = b::text AS round_trip FROM breaks;
-- Parallel workers give the same breaks (CDNOW, one group, two workers).
SET parallel_setup_cost = 0; SET min_parallel_table_scan_size = 0; SET parallel_leader_participation = off;
CREATE TABLE rfm_parallel_input AS SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM cdnow_orders GROUP BY 1;
ANALYZE rfm_parallel_input;
EXPLAIN (COSTS OFF) SELECT clv.rfm_breaks(s, '1998-06-30') FROM rfm_parallel_input;
SELECT clv.rfm_breaks(s, '1998-06-30')::text = (SELECT clv.rfm_breaks(s, '1998-06-30')::text FROM (SELECT s FROM rfm_parallel_input ORDER BY customer_id LIMIT ALL) serial_input) AS same
FROM rfm_parallel_input;
RESET parallel_setup_cost; RESET min_parallel_table_scan_size; RESET parallel_leader_participation;

-- Custom segment rules: the first match wins; no match gives NULL.
SELECT customer_id, clv.rfm_segment(clv.rfm_score(s, b, '2024-06-30'),
           '[{"segment": "Big spenders", "m": [5, 5]}, {"segment": "Recent", "r": [4, 5]}]')
FROM population, breaks ORDER BY customer_id;
SELECT jsonb_array_length(clv.rfm_default_rules()) AS default_rules,
       clv.rfm_default_rules() -> 0 AS first_rule;

-- Bad input.
SELECT q AS query, regress.error_of(q) AS outcome FROM (VALUES
    ($$SELECT clv.rfm_breaks(s, '2024-06-30', 1) FROM population$$),
    ($$SELECT clv.rfm_breaks(s, '2024-06-30', 11) FROM population$$),
    ($$SELECT clv.rfm_breaks(s, '2024-06-30', NULL) FROM population$$),
    ($$SELECT clv.rfm_breaks(s, d) FROM population, (VALUES (DATE '2024-06-30'), ('2024-06-29')) v(d)$$),
    ($$SELECT clv.rfm_breaks(s, 'infinity') FROM population$$),
    ($$SELECT '{"version":1,"bins":3,"as_of":"2024-01-01","customers":1,"recency_days":[1],"orders":[1,2],"spend":[1,2]}'::clv.rfm_breaks$$),
    ($$SELECT '{"version":2,"bins":2,"as_of":"2024-01-01","customers":1,"recency_days":[1],"orders":[1],"spend":[1]}'::clv.rfm_breaks$$),
    ($$SELECT clv.rfm_segment(clv.rfm_score(s, b, '2024-06-30'), '{"segment": "x"}') FROM population, breaks$$),
    ($$SELECT clv.rfm_segment(clv.rfm_score(s, b, '2024-06-30'), '[{"segment": "x", "r": [3, 1]}]') FROM population, breaks$$),
    ($$SELECT clv.rfm_segment(clv.rfm_score(s, b, '2024-06-30'), '[]') FROM population, breaks$$),
    ($$SELECT clv.rfm_segment((6, 1, 1, '611', 5)::clv.rfm_score)$$),
    ($$SELECT clv.lifecycle_stage(pg_temp.days('2024-01-01'), '2024-06-01', at_risk_after => 0)$$),
    ($$SELECT clv.lifecycle_stage(pg_temp.days('2024-01-01'), '2024-06-01', at_risk_cycles => -1)$$),
    ($$SELECT clv.lifecycle_stage(pg_temp.days('2024-01-01'), 'infinity')$$),
    ($$SELECT clv.overdue_ratio(pg_temp.days('2024-01-01'), '-infinity')$$)
) v(q);
-- NULL inputs give NULL.
SELECT clv.repurchase_cycle(NULL) IS NULL AS cycle, clv.overdue_ratio(NULL, '2024-01-01') IS NULL AS overdue,
       clv.lifecycle_stage(NULL::clv.customer_summary, '2024-01-01') IS NULL AS stage,
       clv.rfm_score(NULL, NULL, '2024-01-01') IS NULL AS score, clv.rfm_segment(NULL) IS NULL AS segment;
