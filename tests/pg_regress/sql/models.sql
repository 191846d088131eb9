-- Purchase and spend models on CDNOW (39-week calibration ending 1997-09-30, weeks) against
-- published values, their predictions, and their behaviour on bad input.
SET datestyle = 'ISO';
SET extra_float_digits = 0;
CREATE TABLE model_summaries AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM cdnow_orders GROUP BY customer_id;
CREATE TABLE published_summary (id int, x int, t_x float8, t float8);
\copy published_summary FROM '../../data/cdnow/cdnow_customers_summary.csv' (FORMAT csv, HEADER)

CREATE TABLE models AS
SELECT clv.bgnbd_fit(s, '1997-09-30', 'weeks') AS bgnbd,
       clv.mbgnbd_fit(s, '1997-09-30', 'weeks') AS mbgnbd,
       clv.pareto_nbd_fit(s, '1997-09-30', 'weeks') AS pareto_nbd,
       clv.gamma_gamma_fit(s, '1997-09-30') AS gamma_gamma
FROM model_summaries;

-- Parameters against the literature: BG/NBD within 0.1% of Fader, Hardie & Lee (2005), the
-- others within 0.5% (Pareto/NBD, MBG/NBD as BTYDplus, Gamma-Gamma on the 946 repeat buyers).
WITH fitted AS (
    SELECT 'bgnbd' AS model, p.parameter, p.estimate, p.std_error FROM models, clv.model_parameters(bgnbd) p
    UNION ALL SELECT 'mbgnbd', p.* FROM models, clv.model_parameters(mbgnbd) p
    UNION ALL SELECT 'pareto_nbd', p.* FROM models, clv.model_parameters(pareto_nbd) p
    UNION ALL SELECT 'gamma_gamma', p.* FROM models, clv.model_parameters(gamma_gamma) p
), published(model, parameter, value, tolerance) AS (VALUES
    ('bgnbd', 'r', 0.2425945, 0.001), ('bgnbd', 'alpha', 4.4136019, 0.001), ('bgnbd', 'a', 0.7929199, 0.001), ('bgnbd', 'b', 2.4258881, 0.001),
    ('mbgnbd', 'r', 0.525, 0.005), ('mbgnbd', 'alpha', 6.183, 0.005), ('mbgnbd', 'a', 0.891, 0.005), ('mbgnbd', 'b', 1.614, 0.005),
    ('pareto_nbd', 'r', 0.5532, 0.005), ('pareto_nbd', 'alpha', 10.576, 0.005), ('pareto_nbd', 's', 0.6062, 0.005), ('pareto_nbd', 'beta', 11.672, 0.005),
    ('gamma_gamma', 'p', 6.25, 0.005), ('gamma_gamma', 'q', 3.74, 0.005), ('gamma_gamma', 'v', 15.44, 0.005))
SELECT f.model, f.parameter, round(f.estimate::numeric, 4) AS estimate, round(f.std_error::numeric, 4) AS std_error,
       p.value AS published, abs(f.estimate / p.value - 1) <= p.tolerance AS within_tolerance
FROM fitted f JOIN published p USING (model, parameter) ORDER BY f.model, f.parameter;

-- Log-likelihoods: BG/NBD -9582.43 and Pareto/NBD -9594.98 (Fader, Hardie & Lee 2005).
SELECT round(clv.model_log_likelihood(bgnbd)::numeric, 2) AS bgnbd, round(clv.model_log_likelihood(pareto_nbd)::numeric, 2) AS pareto_nbd,
       clv.model_converged(bgnbd) AND clv.model_converged(mbgnbd) AND clv.model_converged(pareto_nbd) AND clv.model_converged(gamma_gamma) AS all_converged
FROM models;
-- Gamma-Gamma fits the 946 repeat buyers with positive spend and counts the others.
SELECT (gamma_gamma::text::jsonb) -> 'customers' AS customers, (gamma_gamma::text::jsonb) -> 'excluded' AS excluded FROM models;

-- The same fit from the published per-customer summary (raw numbers, 2 decimals).
SELECT round(clv.model_log_likelihood(clv.bgnbd_fit(x, t_x, t, 'weeks'))::numeric, 2) AS bgnbd_raw_log_likelihood FROM published_summary;

-- Predictions with the published parameters: BG/NBD customer (2, 30.43, 38.86): 39-week
-- expectation 1.226 and P(alive) 0.7266; Pareto/NBD customer (26, 30.86, 31): P(alive) 0.9979
-- and 52-week expectation 25.46 (lifetimes computes 25.4549 from these parameters, as we do;
-- the note rounds).
CREATE TABLE published_models AS SELECT
    '{"version":1,"model":"bgnbd","unit":"weeks","params":{"r":0.2425945,"alpha":4.4136019,"a":0.7929199,"b":2.4258881}}'::clv.btyd_model AS bgnbd,
    '{"version":1,"model":"pareto_nbd","unit":"weeks","params":{"r":0.5534,"alpha":10.5802,"s":0.6061,"beta":11.6562}}'::clv.btyd_model AS pareto_nbd;
SELECT round(clv.expected_purchases(bgnbd, 2, 30.43, 38.86, 39)::numeric, 3) AS bgnbd_expected,
       round(clv.p_alive(bgnbd, 2, 30.43, 38.86)::numeric, 4) AS bgnbd_p_alive,
       round(clv.p_alive(pareto_nbd, 26, 30.86, 31)::numeric, 4) AS pareto_p_alive,
       round(clv.expected_purchases(pareto_nbd, 26, 30.86, T => 31, horizon => 52)::numeric, 3) AS pareto_expected
FROM published_models;

-- From summaries, predictions cut at as_of and convert days to the model's unit: customer 1
-- is (2, 30.43, 38.86) in weeks at 1997-09-30.
SELECT round(clv.p_alive(bgnbd, s, '1997-09-30')::numeric, 4) AS p_alive,
       round(clv.expected_purchases(bgnbd, s, '1997-09-30', 39)::numeric, 3) AS expected_39_weeks,
       round(clv.prob_no_purchase(bgnbd, s, '1997-09-30', 39)::numeric, 4) AS prob_none_39_weeks,
       round(clv.prob_purchases(bgnbd, s, '1997-09-30', 1, 39)::numeric, 4) AS prob_one,
       clv.expected_next_order_date(bgnbd, s, '1997-09-30') AS next_order_by
FROM published_models, model_summaries WHERE customer_id = 1;
-- Every customer: the summary form equals the raw form on the summary's own x, t_x and T.
SELECT count(*) AS customers,
       count(*) FILTER (WHERE clv.p_alive(m.pareto_nbd, s, '1997-09-30') = clv.p_alive(m.pareto_nbd, x, t_x, t)
                          AND clv.expected_purchases(m.bgnbd, s, '1997-09-30', 39) = clv.expected_purchases(m.bgnbd, x, t_x, t, 39)
                          AND clv.prob_purchases(m.mbgnbd, s, '1997-09-30', 2, 39) = clv.prob_purchases(m.mbgnbd, x, t_x, t, 2, 39)) AS equal
FROM (SELECT s, clv.frequency(cal) AS x, clv.t_x(cal, 'weeks') AS t_x, clv.customer_age(s, '1997-09-30', 'weeks') AS t
      FROM (SELECT s, clv.summary_until(s, '1997-09-30') AS cal FROM model_summaries) c) c, models m;

-- Spend and value: expected spend per purchase day and the 12-month value (1% a month).
SELECT customer_id, round(clv.repeat_spend_mean(clv.summary_until(s, '1997-09-30'))::numeric, 2) AS repeat_mean,
       round(clv.expected_spend(gamma_gamma, s, '1997-09-30')::numeric, 2) AS expected_spend,
       round(clv.customer_value(bgnbd, gamma_gamma, s, '1997-09-30')::numeric, 2) AS value_12_months,
       round(clv.customer_value(bgnbd, gamma_gamma, s, '1997-09-30', months => 24, monthly_discount_rate => 0)::numeric, 2) AS value_24_months_undiscounted
FROM models, model_summaries WHERE customer_id IN (1, 2, 3) ORDER BY customer_id;

-- Looking ahead: P(alive) a quarter and a year after as_of, whatever happens and given no
-- purchase in between; discounted expected residual transactions and residual value at 15% a
-- year (FHL 2005's δ = ln 1.15 / 52 a week). core/tests/looking_ahead.rs checks each against
-- an independent derivation.
SELECT customer_id, round(clv.p_alive(pareto_nbd, s, '1997-09-30')::numeric, 4) AS p_alive,
       round(clv.p_alive_ahead(pareto_nbd, s, '1997-09-30', 13)::numeric, 4) AS in_13_weeks,
       round(clv.p_alive_ahead(pareto_nbd, s, '1997-09-30', 13, assume_no_purchase => true)::numeric, 4) AS in_13_weeks_if_silent,
       round(clv.p_alive_ahead(bgnbd, s, '1997-09-30', 52)::numeric, 4) AS bgnbd_in_52_weeks,
       round(clv.dert(pareto_nbd, s, '1997-09-30', 0.15)::numeric, 3) AS pareto_dert,
       round(clv.dert(bgnbd, s, '1997-09-30', 0.15)::numeric, 3) AS bgnbd_dert,
       round(clv.dert(mbgnbd, s, '1997-09-30', 0.15)::numeric, 3) AS mbgnbd_dert,
       round(clv.residual_value(pareto_nbd, gamma_gamma, s, '1997-09-30', 0.15)::numeric, 2) AS residual_value
FROM models, model_summaries WHERE customer_id IN (1, 2, 3, 4) ORDER BY customer_id;
-- The raw forms agree, and looking ahead by 0 is P(alive).
SELECT round(clv.dert(pareto_nbd, 26, 30.86, 31, 0.15)::numeric, 3) AS dert_26_purchases,
       round(clv.p_alive_ahead(pareto_nbd, 26, 30.86, 31, 52)::numeric, 4) AS alive_in_a_year,
       clv.p_alive_ahead(pareto_nbd, 26, 30.86, 31, 0) = clv.p_alive(pareto_nbd, 26, 30.86, 31) AS ahead_by_0
FROM published_models;
-- At a date: 1997-12-30 is 13 weeks after as_of.
SELECT clv.p_alive_at(pareto_nbd, s, '1997-09-30', '1997-12-30') = clv.p_alive_ahead(pareto_nbd, s, '1997-09-30', 13) AS at_date,
       clv.p_alive_at(pareto_nbd, s, '1997-09-30', '1997-12-30', true) = clv.p_alive_ahead(pareto_nbd, s, '1997-09-30', 13, true) AS at_date_if_silent
FROM models, model_summaries WHERE customer_id = 1;
-- Residual value of the whole cohort, next to the 12-month value: what is left after a year.
SELECT round(sum(clv.residual_value(pareto_nbd, gamma_gamma, s, '1997-09-30', 0.15))::numeric, 0) AS residual_value,
       round(sum(clv.customer_value(pareto_nbd, gamma_gamma, s, '1997-09-30'))::numeric, 0) AS value_12_months
FROM models, model_summaries;

-- A new customer's expected repeat purchases in their first year (52 weeks).
SELECT round(clv.expected_purchases(bgnbd, 52)::numeric, 4) AS bgnbd, round(clv.expected_purchases(pareto_nbd, 52)::numeric, 4) AS pareto_nbd FROM models;

-- Fitting in parallel gives the same model.
SET parallel_setup_cost = 0; SET min_parallel_table_scan_size = 0; SET parallel_leader_participation = off;
ANALYZE model_summaries;
EXPLAIN (COSTS OFF) SELECT clv.pareto_nbd_fit(s, '1997-09-30', 'weeks') FROM model_summaries;
SELECT clv.pareto_nbd_fit(s, '1997-09-30', 'weeks')::text = (SELECT pareto_nbd::text FROM models) AS parallel_equals_serial,
       clv.gamma_gamma_fit(s, '1997-09-30')::text = (SELECT gamma_gamma::text FROM models) AS spend_parallel_equals_serial
FROM model_summaries;
RESET parallel_setup_cost; RESET min_parallel_table_scan_size; RESET parallel_leader_participation;

-- Text and binary forms.
SELECT pareto_nbd FROM published_models;
SELECT bgnbd::text::clv.btyd_model::text = bgnbd::text AS btyd_round_trip,
       gamma_gamma::text::clv.spend_model::text = gamma_gamma::text AS spend_round_trip,
       get_byte(clv.btyd_model_send(bgnbd), 0) AS btyd_format_version,
       get_byte(clv.spend_model_send(gamma_gamma), 0) AS spend_format_version
FROM models;
\copy (SELECT bgnbd, gamma_gamma FROM models) TO 'results/models.bin' (FORMAT binary)
CREATE TABLE models_copy (bgnbd clv.btyd_model, gamma_gamma clv.spend_model);
\copy models_copy FROM 'results/models.bin' (FORMAT binary)
SELECT m.bgnbd::text = c.bgnbd::text AND m.gamma_gamma::text = c.gamma_gamma::text AS binary_round_trip FROM models m, models_copy c;

-- Data that cannot identify a model: a WARNING, and the model says it did not converge.
SELECT clv.model_converged(clv.bgnbd_fit(0, 0, t, 'days')) FROM generate_series(1, 100) t;
-- No customers: NULL.
SELECT clv.bgnbd_fit(s, '1990-01-01') IS NULL AS no_customers_yet, clv.gamma_gamma_fit(s, '1997-01-01') IS NULL AS no_repeat_buyers
FROM model_summaries;
-- NULL inputs and customers without an order by as_of give NULL.
SELECT clv.p_alive(bgnbd, s, '1996-12-31') IS NULL AS before_first_order, clv.p_alive(NULL, s, '1997-09-30') IS NULL AS null_model,
       clv.customer_value(bgnbd, gamma_gamma, s, '1996-12-31') IS NULL AS no_value_yet,
       clv.residual_value(bgnbd, gamma_gamma, s, '1996-12-31', 0.1) IS NULL AS no_residual_value_yet,
       clv.p_alive_ahead(bgnbd, s, '1996-12-31', 13) IS NULL AS no_p_alive_ahead_yet
FROM models, model_summaries WHERE customer_id = 1;

-- Extreme histories stay finite (a customer with 1000 repeat purchases, a brand-new one).
SELECT x, t_x, t, round(clv.p_alive(pareto_nbd, x, t_x, t)::numeric, 4) AS p_alive,
       round(clv.expected_purchases(pareto_nbd, x, t_x, t, 52)::numeric, 2) AS expected_52,
       round(clv.prob_no_purchase(bgnbd, x, t_x, t, 52)::numeric, 4) AS prob_none_52
FROM models, (VALUES (1000.0, 39.0, 39.0), (1000.0, 38.0, 39.0), (0.0, 0.0, 0.001), (5.0, 20.0, 20.0)) v(x, t_x, t);

-- Bad input.
SELECT q AS query, regress.error_of(q) AS outcome FROM (VALUES
    ($$SELECT clv.p_alive(bgnbd, 3, 40, 39) FROM models$$),
    ($$SELECT clv.p_alive(bgnbd, -1, 0, 39) FROM models$$),
    ($$SELECT clv.p_alive(bgnbd, 0, 5, 39) FROM models$$),
    ($$SELECT clv.p_alive(bgnbd, 'NaN', 0, 39) FROM models$$),
    ($$SELECT clv.expected_purchases(bgnbd, 2, 30, 39, -1) FROM models$$),
    ($$SELECT clv.expected_purchases(bgnbd, 2, 30, 39, 'Infinity') FROM models$$),
    ($$SELECT clv.prob_purchases(bgnbd, 2, 30, 39, -1, 10) FROM models$$),
    ($$SELECT clv.bgnbd_fit(x, t_x, t, 'months') FROM published_summary$$),
    ($$SELECT clv.bgnbd_fit(x, t_x, t, NULL) FROM published_summary$$),
    ($$SELECT clv.bgnbd_fit(s, d) FROM model_summaries, (VALUES (DATE '1997-09-30'), ('1997-10-31')) v(d)$$),
    ($$SELECT clv.gamma_gamma_fit(x, 'Infinity') FROM published_summary$$),
    ($$SELECT clv.customer_value(bgnbd, gamma_gamma, s, '1997-09-30', months => -1) FROM models, model_summaries LIMIT 1$$),
    ($$SELECT clv.customer_value(bgnbd, gamma_gamma, s, '1997-09-30', monthly_discount_rate => -1) FROM models, model_summaries LIMIT 1$$),
    ($$SELECT clv.dert(bgnbd, 2, 30, 39, 0) FROM models$$),
    ($$SELECT clv.dert(bgnbd, 2, 30, 39, 'NaN') FROM models$$),
    ($$SELECT clv.residual_value(bgnbd, gamma_gamma, s, '1997-09-30', 1e6) FROM models, model_summaries LIMIT 1$$),
    ($$SELECT clv.p_alive_ahead(bgnbd, 2, 30, 39, -1) FROM models$$),
    ($$SELECT clv.p_alive_at(bgnbd, s, '1997-09-30', '1997-09-29') FROM models, model_summaries LIMIT 1$$),
    ($$SELECT clv.expected_spend('{"version":1,"model":"gamma_gamma","params":{"p":1,"q":0.5,"v":1}}'::clv.spend_model, 2, 10)$$),
    ($$SELECT '{"version":1,"model":"bgnbd","unit":"weeks","params":{"r":0.2,"alpha":4}}'::clv.btyd_model$$),
    ($$SELECT '{"version":1,"model":"bgnbd","unit":"weeks","params":{"r":-0.2,"alpha":4,"a":1,"b":1}}'::clv.btyd_model$$),
    ($$SELECT '{"version":1,"model":"cox","unit":"weeks","params":{}}'::clv.btyd_model$$),
    ($$SELECT '{"version":1,"model":"bgnbd","params":{"r":0.2,"alpha":4,"a":1,"b":1}}'::clv.btyd_model$$),
    ($$SELECT '{"version":1,"model":"bgnbd","unit":"weeks","params":{"r":0.2,"alpha":4,"a":1,"b":1},"log_likelihood":-1}'::clv.btyd_model$$),
    ($$SELECT '{"version":2,"model":"gamma_gamma","params":{"p":1,"q":2,"v":3}}'::clv.spend_model$$)
) v(q);

-- clv.fit_threads: threads for the likelihood sums of a fit (small fits like this use one).
SHOW clv.fit_threads;
SELECT regress.error_of($$SET clv.fit_threads = 0$$) AS zero_threads;
SET clv.fit_threads = 1;
SELECT clv.bgnbd_fit(s, '1997-09-30', 'weeks')::text = (SELECT bgnbd::text FROM models) AS same_on_one_thread
FROM model_summaries;
RESET clv.fit_threads;

-- A prediction decodes its model once per call site while the same model comes in; rows that
-- alternate between models get each one's own predictions.
SELECT count(*) AS predictions,
       count(*) FILTER (WHERE clv.p_alive(v.m, s, '1997-09-30') IS DISTINCT FROM
                              CASE v.k WHEN 'bg' THEN clv.p_alive(models.bgnbd, s, '1997-09-30')
                                       ELSE clv.p_alive(models.pareto_nbd, s, '1997-09-30') END) AS mismatches
FROM model_summaries, models,
     LATERAL (VALUES ('bg', models.bgnbd), ('pareto', models.pareto_nbd)) v(k, m);
-- customer_value keeps both of its models in one call-site cache, one slot per type: rows that
-- alternate between purchase models and between spend models get each pair's own value.
CREATE TEMP TABLE hand_spend AS
SELECT '{"version":1,"model":"gamma_gamma","params":{"p":2.1,"q":3.5,"v":9.0}}'::clv.spend_model AS m;
SELECT count(*) AS values,
       count(*) FILTER (WHERE clv.customer_value(v.purchases, v.spend, s, '1997-09-30') IS DISTINCT FROM
                              CASE v.k WHEN 1 THEN clv.customer_value(models.bgnbd, models.gamma_gamma, s, '1997-09-30')
                                       WHEN 2 THEN clv.customer_value(models.pareto_nbd, hand_spend.m, s, '1997-09-30')
                                       ELSE clv.customer_value(models.bgnbd, hand_spend.m, s, '1997-09-30') END) AS mismatches
FROM (SELECT * FROM model_summaries LIMIT 300) c, models, hand_spend,
     LATERAL (VALUES (1, models.bgnbd, models.gamma_gamma), (2, models.pareto_nbd, hand_spend.m),
                     (3, models.bgnbd, hand_spend.m)) v(k, purchases, spend);
