-- Model diagnostics as tables (docs/models/diagnostics.md) on CDNOW, models calibrated on the
-- 39 weeks to 1997-09-30 (weeks): fit statistics, tracking, the frequency histogram and the
-- P(alive) grid.
SET extra_float_digits = 0;
SET datestyle = 'ISO';
CREATE TABLE diag_summaries AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM cdnow_orders GROUP BY customer_id;
CREATE TABLE diag_models AS
SELECT clv.bgnbd_fit(s, '1997-09-30', 'weeks') AS bgnbd, clv.mbgnbd_fit(s, '1997-09-30', 'weeks') AS mbgnbd,
       clv.pareto_nbd_fit(s, '1997-09-30', 'weeks') AS pareto_nbd
FROM diag_summaries;

-- Fit statistics: the three models compared in one query (lower AIC and BIC is better).
SELECT f.model, f.parameters, f.customers, round(f.log_likelihood::numeric, 2) AS log_likelihood,
       round(f.aic::numeric, 2) AS aic, round(f.bic::numeric, 2) AS bic, f.converged
FROM diag_models, LATERAL (SELECT * FROM clv.fit_statistics(bgnbd) UNION ALL SELECT * FROM clv.fit_statistics(mbgnbd)
                           UNION ALL SELECT * FROM clv.fit_statistics(pareto_nbd)) f
ORDER BY f.aic;
SELECT * FROM clv.fit_statistics('{"version":1,"model":"sbg","params":{"alpha":0.7,"beta":1.2}}'::clv.sbg_model);

-- Tracking by quarter, calibration and holdout: actual and expected repeat purchases (BG/NBD).
SELECT t.period_start, sum(t.repeat_purchases) AS actual, round(sum(t.expected_repeat_purchases)::numeric, 1) AS expected
FROM diag_models, diag_summaries, clv.purchase_tracking(bgnbd, s, '1998-06-30', 'quarter') t
GROUP BY t.period_start ORDER BY t.period_start;
-- Summed over every period, tracking gives each customer's repeat purchases and expectation.
SELECT sum(t.repeat_purchases) = sum(clv.frequency(clv.summary_until(s, '1998-06-30'))) AS actual_adds_up
FROM diag_summaries, LATERAL (SELECT sum(repeat_purchases) AS repeat_purchases
                              FROM diag_models, clv.purchase_tracking(bgnbd, s, '1998-06-30', 'month')) t;

-- Frequency histogram in the calibration period: customers with 0..6 and 7+ repeat purchases,
-- actual against expected, for the three models.
SELECT d.repeat_purchases AS x, count(*) FILTER (WHERE d.observed) AS actual,
       round(sum(d.probability)::numeric, 1) AS bgnbd,
       round(sum(m.probability)::numeric, 1) AS mbgnbd, round(sum(p.probability)::numeric, 1) AS pareto_nbd
FROM diag_models, diag_summaries,
     clv.repeat_purchase_distribution(bgnbd, s, '1997-09-30') d
     JOIN clv.repeat_purchase_distribution(mbgnbd, s, '1997-09-30') m USING (repeat_purchases)
     JOIN clv.repeat_purchase_distribution(pareto_nbd, s, '1997-09-30') p USING (repeat_purchases)
GROUP BY d.repeat_purchases ORDER BY d.repeat_purchases;

-- A corner of the (frequency, recency) grid for a heat map at T = 39 weeks, 52-week horizon.
SELECT x, t_x, round(p_alive::numeric, 3) AS p_alive, round(expected_purchases::numeric, 2) AS expected_52
FROM diag_models, clv.prediction_grid(bgnbd, 39, 52, max_x => 2, recency_steps => 3);

-- Against lifetimes 0.11.3 (scripts/reference/lifetimes_cdnow_diagnostics.py): its BG/NBD
-- fitted in days on the calibration period, entered by hand.
CREATE TABLE lifetimes_model (r float8, alpha float8, a float8, b float8);
\copy lifetimes_model FROM '../../data/cdnow/lifetimes_diagnostics_model.csv' (FORMAT csv, HEADER)
CREATE TABLE lifetimes_bgnbd AS
SELECT format('{"version":1,"model":"bgnbd","unit":"days","params":{"r":%s,"alpha":%s,"a":%s,"b":%s}}', r, alpha, a, b)::clv.btyd_model AS m
FROM lifetimes_model;
-- Tracking by day, cumulative, from the first order of the data to 1998-06-30. lifetimes'
-- expectation on day d runs to the end of day d + 1 (its clock starts at the first purchase
-- day's start, one day ahead of the T of its own summaries, which pg_clv follows), so it is
-- compared with pg_clv's on the next day. Actual repeat purchases are the same definition.
CREATE TABLE lifetimes_tracking (day date, actual_cumulative int, predicted_cumulative float8);
\copy lifetimes_tracking FROM '../../data/cdnow/lifetimes_tracking.csv' (FORMAT csv, HEADER)
WITH daily AS (
    SELECT t.period_start AS day, sum(t.repeat_purchases) AS actual, sum(t.expected_repeat_purchases) AS expected
    FROM lifetimes_bgnbd, diag_summaries, clv.purchase_tracking(m, s, '1998-07-01', 'day') t
    GROUP BY t.period_start),
cumulative AS (
    SELECT day, sum(actual) OVER (ORDER BY day) AS actual, sum(expected) OVER (ORDER BY day) AS expected FROM daily)
SELECT count(*) AS days,
       count(*) FILTER (WHERE c.actual = l.actual_cumulative) AS same_actual,
       max(abs(n.expected / l.predicted_cumulative - 1)) < 1e-9 AS expected_within_1e_9
FROM lifetimes_tracking l JOIN cumulative c USING (day) JOIN cumulative n ON n.day = l.day + 1;
-- Calibration/holdout by calibration repeat purchases (0..6, 7+): customers, mean holdout
-- purchases actual and expected (273 holdout days).
CREATE TABLE lifetimes_calibration_holdout (x int, customers int, actual_holdout float8, predicted_holdout float8);
\copy lifetimes_calibration_holdout FROM '../../data/cdnow/lifetimes_calibration_holdout.csv' (FORMAT csv, HEADER)
WITH ours AS (
    SELECT h.calibration_purchases AS x, count(*) AS customers, avg(h.holdout_purchases) AS actual_holdout,
           avg(h.expected_holdout_purchases) AS predicted_holdout
    FROM lifetimes_bgnbd, diag_summaries, clv.holdout_comparison(m, s, '1997-09-30', '1998-06-30') h GROUP BY 1)
SELECT o.x, o.customers, round(o.actual_holdout::numeric, 3) AS actual, round(o.predicted_holdout::numeric, 3) AS expected,
       o.customers = l.customers AND abs(o.actual_holdout - l.actual_holdout) < 1e-12
           AND abs(o.predicted_holdout / l.predicted_holdout - 1) < 1e-9 AS same_as_lifetimes
FROM ours o JOIN lifetimes_calibration_holdout l USING (x) ORDER BY o.x;
-- Holdout errors of BG/NBD and Pareto/NBD, overall and by lifecycle-like segment
-- (one-time buyers in calibration or not).
SELECT coalesce(segment, 'all') AS segment, model, (e).customers, round((e).mae::numeric, 4) AS mae, round((e).rmse::numeric, 4) AS rmse,
       round((e).bias::numeric, 4) AS bias, round((e).mean_actual::numeric, 4) AS mean_actual
FROM (SELECT CASE WHEN clv.frequency(clv.summary_until(s, '1997-09-30')) = 0 THEN 'one-time' ELSE 'repeat' END AS segment,
             'bgnbd' AS model,
             clv.prediction_errors(clv.expected_purchases(bgnbd, s, '1997-09-30', 39),
                                   clv.frequency(clv.summary_until(s, '1998-06-30')) - clv.frequency(clv.summary_until(s, '1997-09-30'))) AS e
      FROM diag_models, diag_summaries WHERE clv.first_order(s) <= '1997-09-30'
      GROUP BY ROLLUP (1)
      UNION ALL
      SELECT NULL, 'pareto_nbd',
             clv.prediction_errors(clv.expected_purchases(pareto_nbd, s, '1997-09-30', 39),
                                   clv.frequency(clv.summary_until(s, '1998-06-30')) - clv.frequency(clv.summary_until(s, '1997-09-30')))
      FROM diag_models, diag_summaries WHERE clv.first_order(s) <= '1997-09-30') r
ORDER BY 1, 2;
SELECT clv.prediction_errors(p, a) IS NULL AS no_rows FROM (VALUES (NULL::float8, 1::float8)) v(p, a);
SELECT regress.error_of($$SELECT clv.prediction_errors(p, 1) FROM (VALUES ('NaN'::float8)) v(p)$$) AS nan_prediction;
DROP TABLE lifetimes_model, lifetimes_bgnbd, lifetimes_tracking, lifetimes_calibration_holdout;

-- Bad input.
SELECT regress.error_of($$SELECT count(*) FROM diag_models, diag_summaries, clv.purchase_tracking(bgnbd, s, '1998-06-30', 'fortnight')$$) AS unknown_unit;
SELECT regress.error_of($$SELECT count(*) FROM diag_models, diag_summaries, clv.repeat_purchase_distribution(bgnbd, s, '1998-06-30', 0)$$) AS no_bins;
SELECT regress.error_of($$SELECT count(*) FROM diag_models, clv.prediction_grid(bgnbd, 'Infinity', 52)$$) AS infinite_age;
SELECT regress.error_of($$SELECT count(*) FROM diag_models, clv.prediction_grid(bgnbd, 39, 52, recency_steps => 1001)$$) AS grid_too_fine;
-- The largest finite age: every recency on the grid stays finite (no overflow on the way).
SELECT count(*) AS rows, count(*) FILTER (WHERE g.t_x = 'Infinity' OR g.t_x <> g.t_x) AS non_finite_recencies
FROM diag_models, clv.prediction_grid(bgnbd, 1.7976931348623157e308, 1e9, max_x => 2, recency_steps => 3) g;
DROP TABLE diag_summaries, diag_models;
