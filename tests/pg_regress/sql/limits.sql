-- Every argument that scales the work has a limit (docs/reliability.md): at its extreme a
-- call fails with a clear error, and the session goes on (each query below runs on the same
-- connection as the last one, so a crashed backend would fail the rest of this file).
CREATE TABLE limits_customer AS
SELECT clv.customer_summary(ordered_at, amount) AS s FROM cdnow_orders WHERE customer_id = 1901;
-- Date spans: retention periods up to the largest date (was an abort: 100 GB asked of malloc).
SELECT regress.error_of($$SELECT count(*) FROM limits_customer, clv.retention_periods(s, 'days', '5874897-12-31')$$) AS days_to_the_end;
SELECT regress.error_of($$SELECT count(*) FROM limits_customer, clv.retention_periods(s, 'weeks', '5874897-12-31')$$) AS weeks_to_the_end;
SELECT regress.error_of($$SELECT count(*) FROM limits_customer, clv.retention_periods(s, 'years', '5874897-12-31')$$) AS years_to_the_end;
SELECT count(*) AS days_at_the_limit FROM limits_customer, clv.retention_periods(s, 'day', DATE '1997-01-01' + 99999);
SELECT 1 AS still_connected;
-- Simulated customers and orders.
SELECT regress.error_of($$SELECT count(*) FROM clv.generate_orders(100000001, '2020-01-01', '2021-01-01', 1)$$) AS too_many_customers;
SELECT regress.error_of($$SELECT count(*) FROM clv.generate_orders(9223372036854775807, '2020-01-01', '2021-01-01', 1)$$) AS bigint_customers;
SELECT regress.error_of($$SELECT count(*) FROM clv.generate_orders(10, '2020-01-01', '2120-01-01', 1, r => 1, alpha => 0.00001, a => 0.000001, b => 1000000)$$) AS runaway_rate;
SELECT regress.error_of($$SELECT count(*) FROM clv.generate_orders(10, '2020-01-01', '2021-01-01', 1, p => 1e308, q => 2, v => 1)$$) AS runaway_amounts;
SELECT regress.error_of($$SELECT count(*) FROM clv.generate_orders(10, '4713-01-01 BC', '5874897-12-31', 1)$$) AS beyond_timestamps;
SELECT 1 AS still_connected;
-- Horizons, months, bins, counts.
SELECT regress.error_of($$SELECT clv.customer_value('{"version": 1, "model": "bgnbd", "unit": "days", "params": {"r": 0.243, "alpha": 30.9, "a": 0.793, "b": 2.426}}', '{"version": 1, "model": "gamma_gamma", "params": {"p": 6.25, "q": 3.74, "v": 15.44}}', s, '1997-09-30', 1201) FROM limits_customer$$) AS months;
SELECT regress.error_of($$SELECT clv.rfm_breaks(s, '1998-06-30', 1000) FROM limits_customer$$) AS bins;
SELECT regress.error_of($$SELECT clv.expected_purchases('{"version": 1, "model": "bgnbd", "unit": "weeks", "params": {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}}', 2, 30.43, 38.86, 'Infinity')$$) AS infinite_horizon;
SELECT regress.error_of($$SELECT clv.prob_purchases('{"version": 1, "model": "bgnbd", "unit": "weeks", "params": {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}}', 2, 30.43, 38.86, 2147483647, 52)$$) AS huge_count;
SELECT 1 AS still_connected;
-- BG/BB and sBG at their limits: 2,000 opportunities, 1,201 survivor counts, 1,200 periods.
SELECT clv.p_alive(m, 1, 1, 2000) BETWEEN 0 AND 1e-6 AS silent_for_1999_opportunities,
       round(clv.p_alive(m, 1000, 1999, 2000)::numeric, 6) AS bgbb_longest_history,
       round(clv.p_alive_ahead(m, 1000, 1999, 2000, 2000, assume_no_purchase => true)::numeric, 6) AS bgbb_longest_silence,
       round(clv.expected_purchases(m, 1000, 1999, 2000, 2000)::numeric, 3) AS bgbb_longest_horizon,
       round(clv.dert(m, 1000, 1999, 2000, 0.001)::numeric, 3) AS bgbb_slowest_discount
FROM (SELECT '{"version": 1, "model": "bgbb", "params": {"alpha": 1.204, "beta": 0.75, "gamma": 0.657, "delta": 2.783}}'::clv.bgbb_model AS m) b;
SELECT regress.error_of($$SELECT clv.p_alive('{"version": 1, "model": "bgbb", "params": {"alpha": 1, "beta": 1, "gamma": 1, "delta": 1}}', 1, 1, 2001)$$) AS bgbb_history_too_long;
SELECT clv.model_converged(clv.sbg_fit(ARRAY(SELECT 1000000 - t FROM generate_series(0, 1200) t))) IS NOT NULL AS sbg_longest_cohort;
SELECT regress.error_of($$SELECT clv.sbg_fit(ARRAY(SELECT 1000000 - t FROM generate_series(0, 1201) t))$$) AS sbg_cohort_too_long;
SELECT count(*) AS curve_rows FROM clv.retention_curve('{"version": 1, "model": "sbg", "params": {"alpha": 0.7, "beta": 1.2}}', 1200);
SELECT regress.error_of($$SELECT count(*) FROM clv.retention_curve('{"version": 1, "model": "sbg", "params": {"alpha": 0.7, "beta": 1.2}}', 1201)$$) AS curve_too_long;
SELECT regress.error_of($$SELECT count(*) FROM limits_customer, clv.purchase_tracking('{"version": 1, "model": "bgnbd", "unit": "days", "params": {"r": 0.243, "alpha": 30.9, "a": 0.793, "b": 2.426}}', s, '9999-12-31', 'day')$$) AS tracking_too_many_days;
SELECT 1 AS still_connected;
-- The numerical corners the fuzz test found: z = 1 in 2F1, spend of inf/inf, fits that overflow.
SELECT round(clv.expected_purchases('{"version": 1, "model": "mbgnbd", "unit": "weeks", "params": {"r": 0.525, "alpha": 6.183, "a": 1.891, "b": 1.614}}', 2, 30, 38, 1e300)::numeric, 6) AS mbgnbd_unbounded_horizon;
SELECT regress.error_of($$SELECT clv.expected_purchases('{"version": 1, "model": "bgnbd", "unit": "weeks", "params": {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}}', 2, 30.43, 38.86, 1e300)$$) AS a_below_one_unbounded_horizon;
SELECT clv.expected_spend('{"version": 1, "model": "gamma_gamma", "params": {"p": 1e308, "q": 3, "v": 1}}', 1e308, 42) AS weighted_mean_not_nan;
SELECT regress.error_of($$SELECT clv.expected_spend('{"version": 1, "model": "gamma_gamma", "params": {"p": 1e308, "q": 1.5, "v": 1e308}}', 1, 1)$$) AS infinite_population_mean;
SELECT regress.error_of($$SELECT clv.gamma_gamma_fit(x, 1e308) FROM generate_series(1, 5) x$$) AS fit_overflow;
SELECT regress.error_of($$SELECT '{"version":1,"orders":1,"days":[["-997-07-28",1,35.91]]}'::clv.customer_summary$$) AS not_an_iso_date;
SELECT 1 AS still_connected;
-- Fit threads: a role may lower clv.fit_threads; clv.max_fit_threads caps it and only a
-- superuser may change the cap.
SHOW clv.max_fit_threads;
CREATE ROLE limits_analyst;
SET ROLE limits_analyst;
SET clv.fit_threads = 1;
SET clv.max_fit_threads = 64;
RESET ROLE;
DROP ROLE limits_analyst;
-- Stored values that would break a promise are refused on input, text and binary alike
-- (fit_statistics gave a BIC of NaN for a negative customer count), and a tiny but positive
-- parameter gives a clear ERROR, not an internal one (statrs' Beta panicked on it).
SELECT regress.error_of($$SELECT '{"version": 1, "model": "sbg", "params": {"alpha": 1, "beta": 1}, "log_likelihood": -5, "std_errors": {"alpha": 0.1, "beta": 0.1}, "customers": -3, "patterns": 2, "iterations": 5, "converged": true}'::clv.sbg_model$$) AS negative_customers_text;
SELECT regress.error_of($$SELECT '{"version": 1, "model": "gamma_gamma", "params": {"p": 6, "q": 3, "v": 15}, "log_likelihood": -5, "std_errors": {"p": 0.1, "q": 0.1, "v": 0.1}, "customers": 946, "excluded": -1, "iterations": 5, "converged": true}'::clv.spend_model$$) AS negative_excluded_text;
SELECT regress.error_of($$SELECT clv.expected_purchases('{"version": 1, "model": "bgbb", "params": {"alpha": 1.2, "beta": 0.75, "gamma": 1.4e-140, "delta": 2.78}}', 3, 5, 6, 5)$$) AS tiny_gamma;
-- A stored log-likelihood near f64's limit: AIC and BIC overflow, and are NULL (found by the
-- fuzz test, which got -Infinity).
SELECT aic IS NULL AND bic IS NULL AS overflowing_criteria_are_null
FROM clv.fit_statistics('{"version": 1, "model": "sbg", "params": {"alpha": 0.7, "beta": 1.2}, "std_errors": {"alpha": 0.07, "beta": 0.15}, "log_likelihood": 1e308, "customers": 1000, "patterns": 8, "iterations": 10, "converged": true}'::clv.sbg_model);
