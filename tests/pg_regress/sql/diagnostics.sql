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

-- Bad input.
SELECT regress.error_of($$SELECT count(*) FROM diag_models, diag_summaries, clv.purchase_tracking(bgnbd, s, '1998-06-30', 'fortnight')$$) AS unknown_unit;
SELECT regress.error_of($$SELECT count(*) FROM diag_models, diag_summaries, clv.repeat_purchase_distribution(bgnbd, s, '1998-06-30', 0)$$) AS no_bins;
SELECT regress.error_of($$SELECT count(*) FROM diag_models, clv.prediction_grid(bgnbd, 'Infinity', 52)$$) AS infinite_age;
SELECT regress.error_of($$SELECT count(*) FROM diag_models, clv.prediction_grid(bgnbd, 39, 52, recency_steps => 1001)$$) AS grid_too_fine;
DROP TABLE diag_summaries, diag_models;
