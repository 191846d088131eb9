-- clv.customer_summary on a small example whose every number is checked by hand.
SET datestyle = 'ISO';
CREATE TABLE small_orders (customer_id int, ordered_at date, amount float8);
INSERT INTO small_orders VALUES
    (1, '2024-01-05', 10.00), (1, '2024-01-05', 5.50),  -- two orders, one purchase day
    (1, '2024-02-04', 20.00),
    (1, '2024-03-05', 30.25),
    (2, '2024-02-10', 99.99),                             -- one-time buyer
    (3, '2024-01-01', 40.00), (3, '2024-01-15', -40.00),  -- a refund, accepted as is
    (4, NULL, 12.00), (4, '2024-01-01', NULL);            -- NULL rows are skipped
CREATE TABLE small AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s
FROM small_orders GROUP BY customer_id;

-- Customer 1: 4 orders on 3 days, 2024-01-05 -> 2024-03-05 is 60 days; repeat spend (20 + 30.25) / 2.
SELECT customer_id, clv.order_count(s), clv.purchase_days(s), clv.frequency(s) AS x,
       clv.first_order(s), clv.last_order(s), clv.t_x(s) AS t_x_days,
       round(clv.t_x(s, 'weeks')::numeric, 4) AS t_x_weeks,
       clv.total_spend(s), clv.average_order_value(s), clv.repeat_spend_mean(s),
       clv.last_order_amount(s)
FROM small ORDER BY customer_id;

-- Customer 4 had only NULL rows: NULL summary, and accessors on NULL are NULL.
SELECT s IS NULL AS no_summary, clv.total_spend(s) IS NULL AS no_spend FROM small WHERE customer_id = 4;
-- An empty group is NULL too.
SELECT clv.customer_summary(ordered_at, amount) IS NULL AS empty_is_null FROM small_orders WHERE false;

-- Accessors that take as_of ignore orders after it; before the first order they are NULL.
SELECT as_of, clv.days_since_last_order(s, as_of), clv.customer_age(s, as_of) AS age_days,
       round(clv.customer_age(s, as_of, 'weeks')::numeric, 4) AS age_weeks
FROM small, (VALUES (DATE '2024-01-01'), ('2024-01-05'), ('2024-02-10'), ('2024-03-05')) v(as_of)
WHERE customer_id = 1 ORDER BY as_of;

-- Between: since inclusive, before exclusive.
SELECT clv.spend_between(s, '2024-01-01', '2024-02-04') AS jan,
       clv.spend_between(s, '2024-01-01', '2024-02-05') AS jan_to_feb4,
       clv.orders_between(s, '2024-01-01', '2024-02-05') AS orders_jan_to_feb4,
       clv.spend_between(s, '2024-03-01', '2024-01-01') AS reversed_range
FROM small WHERE customer_id = 1;

-- A calibration cut: orders on the cutoff day are kept.
SELECT cutoff, clv.frequency(clv.summary_until(s, cutoff)) AS x,
       clv.total_spend(clv.summary_until(s, cutoff)) AS spend,
       clv.summary_until(s, cutoff) IS NULL AS no_orders_yet
FROM small, (VALUES (DATE '2024-01-04'), ('2024-02-04'), ('2024-12-31')) v(cutoff)
WHERE customer_id = 1 ORDER BY cutoff;

SELECT * FROM clv.purchase_history((SELECT s FROM small WHERE customer_id = 1));

-- Text form: JSON that reads back exactly; amounts are exact decimals.
SELECT s FROM small WHERE customer_id = 1;
SELECT customer_id, s::text::clv.customer_summary::text = s::text AS text_round_trip FROM small ORDER BY 1;
SELECT clv.total_spend('{"version":1,"days":[["2024-05-01",1,0.1],["2024-05-03",1,0.2]]}'::clv.customer_summary);
SELECT '{"version":1,"days":[["2024-05-02",3,9223372036854.775807],["2024-05-01",1,-0.000001]]}'::clv.customer_summary;
SELECT '{"version":1, "orders": 999, "days":[["2024-05-01",1,1]]}'::clv.customer_summary AS derived_fields_are_ignored;

-- Binary form (COPY BINARY, replication): the stored format, version byte first.
SELECT get_byte(clv.customer_summary_send(s), 0) AS format_version FROM small WHERE customer_id = 1;
\copy (SELECT customer_id, s FROM small WHERE s IS NOT NULL) TO 'results/small.bin' (FORMAT binary)
CREATE TABLE small_copy (customer_id int, s clv.customer_summary);
\copy small_copy FROM 'results/small.bin' (FORMAT binary)
SELECT count(*) AS binary_round_trips FROM small JOIN small_copy USING (customer_id) WHERE small.s::text = small_copy.s::text;

-- Order-time types: timestamptz days are UTC days, whatever the session time zone;
-- pass ordered_at AT TIME ZONE 'zone' (a timestamp) for local days.
SET timezone = 'Asia/Seoul';
WITH o(ordered_at) AS (VALUES (TIMESTAMPTZ '2024-01-01 23:30+00'), ('2024-01-02 00:30+00'))
SELECT clv.purchase_days(clv.customer_summary(ordered_at, 1.0)) AS utc_days,
       clv.purchase_days(clv.customer_summary(ordered_at AT TIME ZONE 'Asia/Seoul', 1.0)) AS seoul_days,
       clv.first_order(clv.customer_summary(ordered_at AT TIME ZONE 'Asia/Seoul', 1.0)) AS seoul_first
FROM o;
RESET timezone;

-- Amount types: numeric is converted exactly, float8 to the nearest micro-unit, integers via float8.
SELECT clv.total_spend(clv.customer_summary(d, a)) AS numeric_sum, clv.total_spend(clv.customer_summary(d, a::float8)) AS float_sum
FROM (VALUES (DATE '2024-01-01', 0.1::numeric), ('2024-01-01', 0.2), ('2024-01-02', 0.0000005)) v(d, a);
SELECT clv.total_spend(clv.customer_summary(d, 7)) AS integer_amount FROM (VALUES (DATE '2024-01-01')) v(d);
-- numeric digits are decoded without calling into PostgreSQL: every amount must agree with
-- numeric's own round(x, 6). 4,000 values from 2e9 down to 1e-10, both signs, in the short
-- stored form and (scale 70) the long one; the exact amount is read back from the JSON text.
WITH amounts AS (
    SELECT i, (CASE WHEN i % 3 = 0 THEN -1 ELSE 1 END) * abs(hashint4(i))::numeric / 10::numeric ^ (i % 20) AS x
    FROM generate_series(1, 2000) i
), both_forms AS (
    SELECT 'short' AS form, i, x FROM amounts UNION ALL SELECT 'long', i, round(x, 70) FROM amounts
), decoded AS (
    SELECT form, x, ((clv.customer_summary(DATE '2024-01-01', x)::text::jsonb) ->> 'total_spend')::numeric AS exact_amount
    FROM both_forms GROUP BY form, i, x
)
SELECT form, count(*) AS amounts, count(*) FILTER (WHERE exact_amount = round(x, 6)) AS exact,
       min(x)::float8 AS smallest, max(x)::float8 AS largest, min(abs(x))::float8 AS closest_to_zero, max(scale(x)) AS max_scale
FROM decoded GROUP BY form ORDER BY form;

-- Bad input: a clear ERROR with its SQLSTATE.
SELECT q AS query, regress.error_of(q) AS outcome FROM (VALUES
    ($$SELECT clv.customer_summary(DATE '2024-01-01', 'NaN'::float8)$$),
    ($$SELECT clv.customer_summary(DATE '2024-01-01', '-Infinity'::float8)$$),
    ($$SELECT clv.customer_summary(DATE '2024-01-01', 'NaN'::numeric)$$),
    ($$SELECT clv.customer_summary(DATE '2024-01-01', 'Infinity'::numeric)$$),
    ($$SELECT clv.customer_summary(DATE '2024-01-01', 1e13::float8)$$),
    ($$SELECT clv.customer_summary(DATE '2024-01-01', 1e13::numeric)$$),
    ($$SELECT clv.customer_summary(d, 9e12::numeric) FROM (VALUES (DATE '2024-01-01'), ('2024-01-01')) v(d)$$),
    ($$SELECT clv.customer_summary('infinity'::date, 1.0)$$),
    ($$SELECT clv.customer_summary('-infinity'::timestamptz, 1.0)$$),
    ($$SELECT clv.customer_summary('infinity'::timestamp, 1.0::numeric)$$),
    ($$SELECT clv.t_x(s, 'months') FROM small WHERE customer_id = 1$$),
    ($$SELECT clv.days_since_last_order(s, 'infinity') FROM small WHERE customer_id = 1$$),
    ($$SELECT 'not json'::clv.customer_summary$$),
    ($$SELECT '{"version":2,"days":[["2024-05-01",1,1]]}'::clv.customer_summary$$),
    ($$SELECT '{"version":1,"days":[]}'::clv.customer_summary$$),
    ($$SELECT '{"version":1,"days":[["2024-05-01",0,1]]}'::clv.customer_summary$$),
    ($$SELECT '{"version":1,"days":[["2024-05-01",1,1],["2024-05-01",1,2]]}'::clv.customer_summary$$),
    ($$SELECT '{"version":1,"days":[["2024-05-01",1,1e3]]}'::clv.customer_summary$$),
    ($$SELECT '{"version":1,"days":[["2024-05-01",1,"0.1"]]}'::clv.customer_summary$$),
    ($$SELECT '{"version":1,"days":[["infinity",1,1]]}'::clv.customer_summary$$)
) v(q);
