-- clv.generate_orders: seeded, reproducible, and faithful to the models it simulates.
-- Times print in UTC, the zone the simulation's days are in.
SET TIME ZONE 'UTC';

-- Same seed, same rows; another seed, other rows; customer k does not depend on how many
-- customers are simulated.
SELECT (SELECT md5(string_agg(format('%s %s %s', customer_id, ordered_at, amount), ',')) FROM clv.generate_orders(500, '2024-01-01', '2025-01-01', 7))
     = (SELECT md5(string_agg(format('%s %s %s', customer_id, ordered_at, amount), ',')) FROM clv.generate_orders(500, '2024-01-01', '2025-01-01', 7)) AS same_seed_same_rows,
       (SELECT md5(string_agg(format('%s %s %s', customer_id, ordered_at, amount), ',')) FROM clv.generate_orders(500, '2024-01-01', '2025-01-01', 7))
     = (SELECT md5(string_agg(format('%s %s %s', customer_id, ordered_at, amount), ',')) FROM clv.generate_orders(500, '2024-01-01', '2025-01-01', 8)) AS other_seed_same_rows;
SELECT (SELECT array_agg(ordered_at) FROM clv.generate_orders(10, '2024-01-01', '2025-01-01', 7) WHERE customer_id = 5)
     = (SELECT array_agg(ordered_at) FROM clv.generate_orders(1000, '2024-01-01', '2025-01-01', 7) WHERE customer_id = 5) AS customer_independent_of_count;

-- The first rows, as a user sees them (the same on every machine: the generator is portable).
SELECT * FROM clv.generate_orders(3, '1997-01-01', '1998-07-01', 42, acquisition_end => '1997-04-01');

-- Every customer orders at least once, first within the arrival window, and nothing at or
-- after the end; amounts are whole cents, at least 0.01.
SELECT count(DISTINCT customer_id) AS customers,
       bool_and(ordered_at >= '1997-01-01' AND ordered_at < '1998-07-01') AS within_the_period,
       bool_and(amount >= 0.01 AND amount::numeric = round(amount::numeric, 2)) AS whole_cents
FROM clv.generate_orders(2000, '1997-01-01', '1998-07-01', 1, acquisition_end => '1997-04-01');
SELECT max(first) < '1997-04-01' AS first_orders_in_the_arrival_window
FROM (SELECT min(ordered_at) AS first FROM clv.generate_orders(2000, '1997-01-01', '1998-07-01', 1, acquisition_end => '1997-04-01') GROUP BY customer_id) f;

-- Fitting the simulated orders recovers the parameters: 100,000 CDNOW-like customers (arrivals
-- over 12 weeks, 78 weeks observed). From the exact order times (x = orders - 1, t_x and T in
-- fractional days, mean of the repeat orders), every estimate lies within three standard errors
-- of the value it was simulated with.
CREATE TABLE simulated_orders AS
SELECT * FROM clv.generate_orders(100000, '1997-01-01', '1998-07-01', 2026, acquisition_end => '1997-03-26');
CREATE TABLE simulated_exact AS
SELECT customer_id, count(*) - 1 AS x,
       extract(epoch FROM max(ordered_at) - min(ordered_at)) / 86400 AS t_x,
       extract(epoch FROM TIMESTAMPTZ '1998-07-01 00:00+00' - min(ordered_at)) / 86400 AS t,
       (sum(amount) - (array_agg(amount ORDER BY ordered_at))[1]) / greatest(count(*) - 1, 1) AS repeat_mean
FROM simulated_orders GROUP BY customer_id;
CREATE TABLE simulated_fits AS
SELECT clv.bgnbd_fit(x, t_x, t, 'days') AS purchases, clv.gamma_gamma_fit(x, repeat_mean) AS spend FROM simulated_exact;
CREATE TABLE simulated_with(parameter text, value float8);
INSERT INTO simulated_with VALUES ('r', 0.243), ('alpha', 30.9), ('a', 0.793), ('b', 2.426), ('p', 6.25), ('q', 3.74), ('v', 15.44);
SELECT f.parameter, truth.value AS simulated_with, round(f.estimate::numeric, 4) AS estimate,
       round(f.std_error::numeric, 4) AS std_error,
       abs(f.estimate - truth.value) < 3 * f.std_error AS within_3_std_errors
FROM simulated_fits,
     LATERAL (SELECT * FROM clv.model_parameters(purchases) UNION ALL SELECT * FROM clv.model_parameters(spend)) f
     JOIN simulated_with truth USING (parameter);
SELECT clv.model_converged(purchases) AS bgnbd_converged, clv.model_converged(spend) AS gamma_gamma_converged FROM simulated_fits;

-- The same orders through daily customer summaries, as an analyst would fit them. Orders on
-- the same calendar day are one purchase occasion (lifetimes' definition), which the
-- continuous-time simulation does not know: heavy buyers lose a few purchases, and alpha comes
-- out 3-5% high (3 to 4.5 standard errors over six seeds; see docs/kpis.md).
CREATE TABLE simulated_daily AS
SELECT clv.bgnbd_fit(s, '1998-06-30') AS purchases, clv.gamma_gamma_fit(s, '1998-06-30') AS spend
FROM (SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM simulated_orders GROUP BY customer_id) c;
SELECT (SELECT sum(x) FROM simulated_exact) - (SELECT sum(clv.frequency(s)) FROM (SELECT clv.customer_summary(ordered_at, amount) AS s FROM simulated_orders GROUP BY customer_id) c) AS same_day_repeat_orders;
SELECT f.parameter, round(f.estimate::numeric, 4) AS estimate,
       round((100 * (f.estimate / truth.value - 1))::numeric, 1) AS pct_off,
       round(((f.estimate - truth.value) / f.std_error)::numeric, 1) AS std_errors_off
FROM simulated_daily,
     LATERAL (SELECT * FROM clv.model_parameters(purchases) UNION ALL SELECT * FROM clv.model_parameters(spend)) f
     JOIN simulated_with truth USING (parameter);

-- Bad input: 22023 with the reason, or 22008 for infinite dates.
SELECT regress.error_of($$SELECT * FROM clv.generate_orders(-1, '2024-01-01', '2025-01-01', 1)$$);
SELECT regress.error_of($$SELECT * FROM clv.generate_orders(10, '2025-01-01', '2024-01-01', 1)$$);
SELECT regress.error_of($$SELECT * FROM clv.generate_orders(10, '2024-01-01', '2025-01-01', 1, acquisition_end => '2026-01-01')$$);
SELECT regress.error_of($$SELECT * FROM clv.generate_orders(10, '2024-01-01', '2025-01-01', 1, alpha => 0)$$);
SELECT regress.error_of($$SELECT * FROM clv.generate_orders(10, '2024-01-01', '2025-01-01', 1, b => 'NaN')$$);
SELECT regress.error_of($$SELECT * FROM clv.generate_orders(10, '2024-01-01', '2025-01-01', NULL)$$);
SELECT regress.error_of($$SELECT * FROM clv.generate_orders(10, '2024-01-01', 'infinity', 1)$$);
SELECT count(*) AS no_customers_no_rows FROM clv.generate_orders(0, '2024-01-01', '2025-01-01', 1);
