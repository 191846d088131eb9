-- Intervals of predictions and of their totals (docs/models/uncertainty.md): the estimate is
-- the plain prediction, the bounds hold it and widen with the level, a total is the sum of
-- the customers' predictions, and every bad input is a clear ERROR.
SET extra_float_digits = 0;

CREATE TABLE unc_customers AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s,
       ARRAY[(customer_id % 2)::float8] AS z_trans, ARRAY[(customer_id % 3 = 0)::int::float8] AS z_life
FROM cdnow_orders GROUP BY customer_id;
CREATE TABLE unc_models AS
SELECT (SELECT clv.bgnbd_fit(s, '1997-09-30', 'weeks') FROM unc_customers) AS bgnbd,
       (SELECT clv.pareto_nbd_fit(s, '1997-09-30', 'weeks') FROM unc_customers) AS pareto_nbd,
       (SELECT clv.pareto_nbd_fit(s, '1997-09-30', 'weeks', z_trans, z_life) FROM unc_customers) AS with_covariates;

-- A fitted model carries the covariance of its estimates (format 3), in its text too.
SELECT get_byte(clv.btyd_model_send(bgnbd), 0) AS format,
       jsonb_array_length((bgnbd::text::jsonb)->'covariance') AS rows,
       jsonb_array_length((with_covariates::text::jsonb)->'covariance') AS rows_with_covariates,
       bgnbd::text::clv.btyd_model::text = bgnbd::text AS text_round_trip
FROM unc_models;

-- Per customer: the estimate is the plain prediction; the bounds hold it and widen with the level.
SELECT count(*) AS customers,
       bool_and(abs(p.estimate - clv.p_alive(m.bgnbd, c.s, '1997-09-30')) < 1e-12) AS p_alive_estimate,
       bool_and(p.lower <= p.estimate AND p.estimate <= p.upper AND p.lower >= 0 AND p.upper <= 1) AS p_alive_bounds,
       bool_and(abs(e.estimate - clv.expected_purchases(m.bgnbd, c.s, '1997-09-30', 52)) < 1e-12) AS purchases_estimate,
       bool_and(e.lower < e.estimate AND e.estimate < e.upper) AS purchases_bounds,
       bool_and(w.lower <= e.lower AND e.upper <= w.upper) AS wider_at_95
FROM unc_customers c CROSS JOIN unc_models m
CROSS JOIN LATERAL clv.p_alive_interval(m.bgnbd, c.s, '1997-09-30') p
CROSS JOIN LATERAL clv.expected_purchases_interval(m.bgnbd, c.s, '1997-09-30', 52) e
CROSS JOIN LATERAL clv.expected_purchases_interval(m.bgnbd, c.s, '1997-09-30', 52, level => 0.95) w
WHERE c.customer_id <= 300;

-- One customer's numbers (BG/NBD on CDNOW's first 39 weeks).
SELECT round(estimate::numeric, 4) AS estimate, round(lower::numeric, 4) AS lower, round(upper::numeric, 4) AS upper
FROM unc_customers c, unc_models m,
     LATERAL clv.expected_purchases_interval(m.bgnbd, c.s, '1997-09-30', 52)
WHERE customer_id = 1;
SELECT round(estimate::numeric, 4) AS estimate, round(lower::numeric, 4) AS lower, round(upper::numeric, 4) AS upper
FROM unc_customers c, unc_models m, LATERAL clv.dert_interval(m.bgnbd, c.s, '1997-09-30', 0.1)
WHERE customer_id = 1;

-- With covariates: the estimate is the covariate prediction.
SELECT bool_and(abs(i.estimate - clv.expected_purchases(m.with_covariates, c.s, '1997-09-30', z_trans, z_life, 52)) < 1e-12
                AND i.lower < i.estimate AND i.estimate < i.upper) AS covariate_intervals,
       bool_and(abs(p.estimate - clv.p_alive(m.with_covariates, c.s, '1997-09-30', z_trans, z_life)) < 1e-12) AS covariate_p_alive
FROM unc_customers c CROSS JOIN unc_models m
CROSS JOIN LATERAL clv.expected_purchases_interval(m.with_covariates, c.s, '1997-09-30', z_trans, z_life, 52) i
CROSS JOIN LATERAL clv.p_alive_interval(m.with_covariates, c.s, '1997-09-30', z_trans, z_life) p
WHERE c.customer_id <= 100;

-- Totals: the sum of the customers' predictions; per segment, relatively wider than for all.
WITH totals AS (
    SELECT customer_id % 2 AS segment,
           clv.expected_purchases_total(m.bgnbd, c.s, '1997-09-30', 52, 0.9) AS t,
           sum(clv.expected_purchases(m.bgnbd, c.s, '1997-09-30', 52)) AS plain_sum
    FROM unc_customers c CROSS JOIN unc_models m
    GROUP BY ROLLUP (customer_id % 2))
SELECT segment, abs((t).estimate - plain_sum) < 1e-9 * plain_sum AS is_the_sum,
       (t).lower < (t).estimate AND (t).estimate < (t).upper AS bounded,
       round(((t).upper / (t).lower)::numeric, 3) AS upper_over_lower
FROM totals ORDER BY segment;
SELECT round(estimate::numeric, 1) AS active_customers, round(lower::numeric, 1) AS lower, round(upper::numeric, 1) AS upper
FROM (SELECT (clv.p_alive_total(m.bgnbd, c.s, '1997-09-30', 0.9)).* FROM unc_customers c CROSS JOIN unc_models m) t;
SELECT (clv.expected_purchases_total(m.with_covariates, c.s, '1997-09-30', z_trans, z_life, 52, 0.9)).estimate
       = sum(clv.expected_purchases(m.with_covariates, c.s, '1997-09-30', z_trans, z_life, 52)) AS covariate_total
FROM unc_customers c CROSS JOIN unc_models m;
-- No customer by as_of: NULL.
SELECT clv.expected_purchases_total(m.bgnbd, c.s, '1990-01-01', 52, 0.9) IS NULL AS no_customers
FROM unc_customers c CROSS JOIN unc_models m;

-- Bad input.
SELECT clv.p_alive_interval(bgnbd, s, '1997-09-30', 1) FROM unc_models, unc_customers WHERE customer_id = 1;
SELECT clv.p_alive_interval(bgnbd, s, '1997-09-30', 'NaN') FROM unc_models, unc_customers WHERE customer_id = 1;
SELECT clv.expected_purchases_interval(bgnbd, s, '1997-09-30', -1) FROM unc_models, unc_customers WHERE customer_id = 1;
SELECT clv.p_alive_interval('{"version":1,"model":"bgnbd","unit":"weeks","params":{"r":0.24,"alpha":4.4,"a":0.79,"b":2.4}}', s, '1997-09-30')
FROM unc_customers WHERE customer_id = 1;
-- A variance too large for a bound in double precision (found by the fuzz test).
SELECT clv.expected_purchases_interval('{"version":1,"model":"bgnbd","unit":"weeks","params":{"r":0.2425945224300553,"alpha":4.413602019010343,"a":0.7929220172249969,"b":2.425906776822101},"covariance":[[0.00015768799882895387,0.003706427095401665,-0.00008784758390024074,0.00006563532335456471],[0.003706427095401665,0.14305367959950355,-0.002865705876565356,0.010523183215270475],[-0.00008784758390024074,-0.002865705876565356,1e200,0.12321752367271768],[0.00006563532335456471,0.010523183215270475,0.12321752367271768,0.49760788793074523]]}',
       '{"version":1,"orders":3,"purchase_days":3,"first_order":"1997-01-13","last_order":"1997-09-18","total_spend":199.35,"days":[["1997-01-13",1,69.22],["1997-02-10",1,58.68],["1997-09-18",1,71.45]]}', '1998-06-30', 39);
SELECT clv.p_alive_interval(with_covariates, s, '1997-09-30') FROM unc_models, unc_customers WHERE customer_id = 1;
SELECT clv.p_alive_interval(with_covariates, s, '1997-09-30', z_trans, NULL) FROM unc_models, unc_customers WHERE customer_id = 1;
SELECT clv.expected_purchases_total(CASE WHEN customer_id = 2 THEN pareto_nbd ELSE bgnbd END, s, '1997-09-30', 52, 0.9)
FROM unc_models, unc_customers WHERE customer_id <= 2;
SELECT clv.expected_purchases_total(bgnbd, s, '1997-09-30', 52, customer_id / 10.0) FROM unc_models, unc_customers WHERE customer_id <= 2;
SELECT clv.expected_purchases_total(bgnbd, s, '1997-09-30', 52, NULL) FROM unc_models, unc_customers WHERE customer_id <= 2;

-- The predictive distribution: quantiles grow with q, the interval holds the expected value's
-- neighbourhood, and BG/BB's probabilities sum to 1 with the expected transactions as mean.
SELECT bool_and(clv.purchases_quantile(bgnbd, s, '1997-09-30', 39, 0.05) <= clv.purchases_quantile(bgnbd, s, '1997-09-30', 39, 0.5)
                AND clv.purchases_quantile(bgnbd, s, '1997-09-30', 39, 0.5) <= clv.purchases_quantile(bgnbd, s, '1997-09-30', 39, 0.95)) AS monotone,
       bool_and(i.lower <= i.upper AND i.lower = floor(i.lower) AND i.upper = floor(i.upper)) AS whole_bounds,
       bool_and(abs(i.estimate - clv.expected_purchases(bgnbd, s, '1997-09-30', 39)) < 1e-12) AS estimate
FROM unc_models, unc_customers, clv.purchases_interval(bgnbd, s, '1997-09-30', 39) i WHERE customer_id <= 200;
SELECT lower, upper, round(estimate::numeric, 3) AS expected
FROM unc_models, unc_customers, clv.purchases_interval(pareto_nbd, s, '1997-09-30', 39, 0.8) WHERE customer_id = 1;
WITH b AS (SELECT '{"version":1,"model":"bgbb","params":{"alpha":1.204,"beta":0.75,"gamma":0.657,"delta":2.783}}'::clv.bgbb_model AS m)
SELECT (SELECT round(sum(clv.prob_purchases(m, 3, 5, 6, 5, k))::numeric, 12) FROM generate_series(0, 5) k) AS total,
       (SELECT round(sum(k * clv.prob_purchases(m, 3, 5, 6, 5, k))::numeric, 10) FROM generate_series(0, 5) k)
       = round(clv.expected_purchases(m, 3, 5, 6, 5)::numeric, 10) AS mean,
       clv.purchases_quantile(m, 3, 5, 6, 5, 0.5) AS median, i.lower, i.upper
FROM b, clv.purchases_interval(m, 3, 5, 6, 5) i;
SELECT clv.purchases_quantile(bgnbd, s, '1997-09-30', 39, 0) FROM unc_models, unc_customers WHERE customer_id = 1;
SELECT clv.purchases_interval(with_covariates, s, '1997-09-30', 39) FROM unc_models, unc_customers WHERE customer_id = 1;
SELECT clv.purchases_quantile(clv.for_customer(with_covariates, z_trans, z_life), s, '1997-09-30', 39, 0.5) IS NOT NULL AS for_customer
FROM unc_models, unc_customers WHERE customer_id = 1;

-- Values: a value's interval combines both models' (independent) uncertainties; its total is
-- the sum of the customers' values.
CREATE TABLE unc_spend AS
SELECT clv.gamma_gamma_fit(s, '1997-09-30') AS spend,
       clv.gamma_gamma_fit(s, '1997-09-30', ARRAY[(customer_id % 2)::float8]) AS spend_with_covariates
FROM unc_customers;
SELECT jsonb_array_length((spend::text::jsonb)->'covariance') AS spend_covariance_rows FROM unc_spend;
SELECT bool_and(abs(v.estimate - clv.customer_value(m.bgnbd, p.spend, c.s, '1997-09-30')) < 1e-9 * v.estimate
                AND v.lower < v.estimate AND v.estimate < v.upper) AS value_bounds,
       bool_and(abs(r.estimate - clv.residual_value(m.pareto_nbd, p.spend, c.s, '1997-09-30', 0.1)) < 1e-9 * r.estimate
                AND r.lower < r.estimate AND r.estimate < r.upper) AS residual_bounds,
       bool_and(abs(e.estimate - clv.expected_spend(p.spend, c.s, '1997-09-30')) < 1e-9 * e.estimate
                AND e.lower < e.estimate AND e.estimate < e.upper) AS spend_bounds,
       bool_and(a.lower <= a.estimate AND a.estimate <= a.upper) AS ahead_bounds
FROM unc_customers c CROSS JOIN unc_models m CROSS JOIN unc_spend p
CROSS JOIN LATERAL clv.customer_value_interval(m.bgnbd, p.spend, c.s, '1997-09-30') v
CROSS JOIN LATERAL clv.residual_value_interval(m.pareto_nbd, p.spend, c.s, '1997-09-30', 0.1) r
CROSS JOIN LATERAL clv.expected_spend_interval(p.spend, c.s, '1997-09-30') e
CROSS JOIN LATERAL clv.p_alive_ahead_interval(m.bgnbd, c.s, '1997-09-30', 26) a
WHERE c.customer_id <= 100;
SELECT round(estimate::numeric, 2) AS value, round(lower::numeric, 2) AS lower, round(upper::numeric, 2) AS upper
FROM unc_customers c, unc_models m, unc_spend p, clv.customer_value_interval(m.bgnbd, p.spend, c.s, '1997-09-30', 12, 0.01)
WHERE customer_id = 1;
SELECT abs((t).estimate - plain) < 1e-9 * plain AS is_the_sum, (t).lower < (t).estimate AND (t).estimate < (t).upper AS bounded
FROM (SELECT clv.customer_value_total(m.bgnbd, p.spend, c.s, '1997-09-30', 12, 0.01, 0.9) AS t,
             sum(clv.customer_value(m.bgnbd, p.spend, c.s, '1997-09-30', 12, 0.01)) AS plain
      FROM unc_customers c CROSS JOIN unc_models m CROSS JOIN unc_spend p) x;
-- A row without a spend model is no customer: only NULLs, no total.
SELECT clv.customer_value_total(m.bgnbd, NULL, c.s, '1997-09-30', 12, 0.01, 0.9) IS NULL AS no_spend_model
FROM unc_customers c CROSS JOIN unc_models m;
SELECT bool_and(i.lower < i.estimate AND i.estimate < i.upper) AS spend_covariate_bounds
FROM unc_customers c CROSS JOIN unc_spend p
CROSS JOIN LATERAL clv.expected_spend_interval(p.spend_with_covariates, c.s, '1997-09-30', ARRAY[(c.customer_id % 2)::float8]) i
WHERE c.customer_id <= 50;
SELECT clv.customer_value_interval(bgnbd, '{"version":1,"model":"gamma_gamma","params":{"p":6.25,"q":3.74,"v":15.44}}', s, '1997-09-30')
FROM unc_models, unc_customers WHERE customer_id = 1;
SELECT clv.expected_spend_interval(spend_with_covariates, s, '1997-09-30') FROM unc_spend, unc_customers WHERE customer_id = 1;
