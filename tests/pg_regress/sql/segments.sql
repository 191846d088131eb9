-- The ready-made segment views (sql/segments.sql) on CDNOW at 1998-06-30, each checked against
-- the same definition written independently in plain SQL over the raw orders.
SET datestyle = 'ISO';
CREATE TABLE customer_summaries AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM cdnow_orders GROUP BY customer_id;
\cd ../..
\set ECHO none
\i sql/segments.sql
\set ECHO all
\cd tests/pg_regress
UPDATE segment_settings SET as_of = '1998-06-30';

-- The plain-SQL reference: purchase days and per-customer facts from cdnow_orders (sums in
-- numeric, exact like clv's, then float8 like clv's results).
CREATE TEMP VIEW raw_days AS
SELECT customer_id, ordered_at AS day, count(*) AS orders, sum(amount) AS spend
FROM cdnow_orders WHERE ordered_at <= '1998-06-30' GROUP BY 1, 2;
CREATE TEMP VIEW raw_facts AS
SELECT customer_id, count(*) AS purchase_days, sum(orders) AS orders, min(day) AS first_order,
       max(day) AS last_order, DATE '1998-06-30' - max(day) AS days_since_last_order,
       sum(spend)::float8 AS total_spend, sum(spend)::float8 / sum(orders) AS average_order_value,
       (max(day) - min(day))::float8 / nullif(count(*) - 1, 0) AS cycle,
       (array_agg(spend ORDER BY day DESC))[1]::float8 AS last_spend,
       (sum(spend) - (array_agg(spend ORDER BY day DESC))[1])::float8 / nullif(count(*) - 1, 0) AS previous_mean
FROM raw_days GROUP BY 1;
CREATE TEMP VIEW raw_lifecycle AS
SELECT customer_id,
       CASE WHEN days_since_last_order >= 365 THEN 'dormant'
            WHEN days_since_last_order >= 90 THEN 'at_risk'
            WHEN DATE '1998-06-30' - first_order < 30 THEN 'new'
            ELSE 'active' END AS stage
FROM raw_facts;
CREATE TEMP VIEW raw_wake_up_list AS
SELECT customer_id FROM raw_facts
WHERE purchase_days >= 3 AND days_since_last_order / cycle > 1.5 AND days_since_last_order < 365;
CREATE TEMP VIEW raw_spend_surge AS
SELECT customer_id FROM raw_facts f
JOIN LATERAL (SELECT sum(spend) FILTER (WHERE day >= '1998-06-01') AS last_month,
                     sum(spend) FILTER (WHERE day >= '1998-03-01' AND day < '1998-06-01') AS previous
              FROM raw_days d WHERE d.customer_id = f.customer_id) w ON true
WHERE purchase_days >= 3 AND previous > 0 AND coalesce(last_month, 0) >= 2 * previous / 3;
CREATE TEMP VIEW raw_shrinking_basket AS
SELECT customer_id FROM raw_facts
WHERE purchase_days >= 3 AND last_spend < previous_mean;
CREATE TEMP VIEW raw_upsell_list AS
SELECT customer_id FROM raw_facts
WHERE purchase_days >= 3
  AND average_order_value < (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY average_order_value) FROM raw_facts);
CREATE TEMP VIEW raw_vip_at_risk AS
SELECT customer_id FROM raw_facts
WHERE days_since_last_order >= 90
  AND total_spend >= (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY total_spend) FROM raw_facts);
CREATE TEMP VIEW raw_replenishment_due AS
SELECT customer_id FROM raw_facts
WHERE last_order + round(cycle::numeric)::int > DATE '1998-06-30'  -- numeric round(): half away from zero
  AND last_order + round(cycle::numeric)::int <= DATE '1998-06-30' + 7;

-- customer_facts: the same values as the plain SQL, for every customer (money to the cent,
-- the cycle to a tenth of a day, as the view shows them).
SELECT count(*) AS customers,
       count(*) FILTER (WHERE f.orders = r.orders AND f.purchase_days = r.purchase_days
                          AND f.days_since_last_order = r.days_since_last_order
                          AND f.total_spend = round(r.total_spend::numeric, 2)
                          AND f.last_order_amount = round(r.last_spend::numeric, 2)
                          AND f.repurchase_cycle IS NOT DISTINCT FROM round(r.cycle::numeric, 1)) AS equal
FROM customer_facts f FULL JOIN raw_facts r USING (customer_id);

-- 1. Lifecycle stage counts and revenue.
SELECT * FROM lifecycle_overview ORDER BY stage;
SELECT count(*) AS customers_in_a_different_stage
FROM customer_facts f JOIN raw_lifecycle r USING (customer_id) WHERE f.stage <> r.stage;

-- 2.-7.: each list has the expected size and the same customers as the plain SQL.
CREATE FUNCTION pg_temp.compare(view_name text) RETURNS TABLE (rows bigint, differing bigint) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format(
        'SELECT (SELECT count(*) FROM %1$I),
                (SELECT count(*) FROM ((SELECT customer_id FROM %1$I EXCEPT SELECT customer_id FROM raw_%1$s)
                                 UNION ALL (SELECT customer_id FROM raw_%1$s EXCEPT SELECT customer_id FROM %1$I)) d)',
        view_name);
END $$;
SELECT v AS view, c.rows, c.differing
FROM unnest(ARRAY['wake_up_list', 'spend_surge', 'shrinking_basket', 'upsell_list', 'vip_at_risk', 'replenishment_due']) v,
     LATERAL pg_temp.compare(v) c;

SELECT * FROM wake_up_list ORDER BY overdue_ratio DESC, customer_id LIMIT 3;
SELECT * FROM vip_at_risk ORDER BY total_spend DESC LIMIT 3;
SELECT * FROM replenishment_due ORDER BY next_order_due, customer_id;

-- 8. RFM segments: every customer once, the segment sizes, and the scores of customers whose
-- value no one else shares are exactly ntile(5) (R over recency descending).
SELECT * FROM rfm_segment_overview ORDER BY customers DESC, segment;
WITH scored AS (
    SELECT s.r, s.f, s.m,
           ntile(5) OVER (ORDER BY f.days_since_last_order DESC) AS ntile_r,
           ntile(5) OVER (ORDER BY f.orders) AS ntile_f,
           ntile(5) OVER (ORDER BY f.total_spend) AS ntile_m,
           count(*) OVER (PARTITION BY f.days_since_last_order) AS same_r,
           count(*) OVER (PARTITION BY f.orders) AS same_f,
           count(*) OVER (PARTITION BY f.total_spend) AS same_m
    FROM rfm_segments s JOIN customer_facts f USING (customer_id)
)
SELECT count(*) FILTER (WHERE same_r = 1) AS untied_r, count(*) FILTER (WHERE same_r = 1 AND r = ntile_r) AS r_equals_ntile,
       count(*) FILTER (WHERE same_f = 1) AS untied_f, count(*) FILTER (WHERE same_f = 1 AND f = ntile_f) AS f_equals_ntile,
       count(*) FILTER (WHERE same_m = 1) AS untied_m, count(*) FILTER (WHERE same_m = 1 AND m = ntile_m) AS m_equals_ntile
FROM scored;
-- Ties are never split: equal values have one score.
SELECT count(*) AS values_with_two_scores FROM (
    SELECT f.total_spend FROM rfm_segments s JOIN customer_facts f USING (customer_id)
    GROUP BY f.total_spend HAVING count(DISTINCT s.m) > 1
    UNION ALL
    SELECT f.orders FROM rfm_segments s JOIN customer_facts f USING (customer_id)
    GROUP BY f.orders HAVING count(DISTINCT s.f) > 1) t;
