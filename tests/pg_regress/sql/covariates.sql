-- Static covariates (docs/models/covariates.md) on CLVTools' apparel data: the fits of its
-- "advanced techniques" vignette, predictions with covariates, and every refusal.
SET extra_float_digits = 0;
\cd ../..
\i sql/load_apparel.sql
\cd tests/pg_regress

CREATE TABLE apparel AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s,
       ARRAY[gender, channel]::float8[] AS z
FROM apparel_orders JOIN apparel_customers USING (customer_id)
GROUP BY customer_id, gender, channel;

-- CLVTools: LL -5821.0627; r 1.8378, alpha 92.9123, s 0.5920, beta 49.6227, life.Gender
-- -0.6430 (0.2955), life.Channel 0.7907 (0.3059), trans.Gender 0.2859 (0.1041),
-- trans.Channel 0.6241 (0.1050).
CREATE TABLE fits AS
SELECT 'full' AS fit, clv.pareto_nbd_fit(s, '2006-12-31', 'weeks', z, z,
           '{"trans": ["Gender", "Channel"], "life": ["Gender", "Channel"]}') AS m FROM apparel
UNION ALL
SELECT 'constrained', clv.pareto_nbd_fit(s, '2006-12-31', 'weeks', z, z,
           '{"trans": ["Gender", "Channel"], "life": ["Gender", "Channel"], "constrained": ["Gender"]}') FROM apparel
UNION ALL
SELECT 'regularized', clv.pareto_nbd_fit(s, '2006-12-31', 'weeks', z, z,
           '{"trans": ["Gender", "Channel"], "life": ["Gender", "Channel"], "lambda": {"trans": 0.1, "life": 0.2}}') FROM apparel
UNION ALL
SELECT 'none', clv.pareto_nbd_fit(s, '2006-12-31', 'weeks') FROM apparel;

SELECT fit, parameter, round(estimate::numeric, 4) AS estimate, round(std_error::numeric, 4) AS std_error
FROM fits, clv.model_parameters(m) WHERE fit IN ('full', 'constrained') ORDER BY fit DESC, parameter;
SELECT fit, f.parameters, round(f.log_likelihood::numeric, 4) AS log_likelihood, f.converged
FROM fits, clv.fit_statistics(m) f ORDER BY fit;
-- CLVTools' regularized objective −LL/n + Σ λ γ·γ: 9.7313.
SELECT round((-ll / 600 + 0.1 * sum(estimate ^ 2) FILTER (WHERE parameter LIKE 'trans.%')
                        + 0.2 * sum(estimate ^ 2) FILTER (WHERE parameter LIKE 'life.%'))::numeric, 4) AS objective
FROM (SELECT clv.model_log_likelihood(m) AS ll, p.* FROM fits, clv.model_parameters(m) p WHERE fit = 'regularized') r
GROUP BY ll;

-- Unnamed covariates are named by position. BG/NBD and MBG/NBD link a and b to the dropout
-- vector together (CLVTools' link: it moves the dispersion of the dropout probability, not
-- its mean); on these data BG/NBD's a and b then run to a boundary, so it gets transaction
-- covariates only.
SELECT clv.model_kind(m), (clv.fit_statistics(m)).converged,
       (SELECT string_agg(parameter, ', ' ORDER BY parameter) FROM clv.model_parameters(m)) AS parameters,
       clv.model_log_likelihood(m) > clv.model_log_likelihood(plain) AS better
FROM (SELECT clv.bgnbd_fit(s, '2006-12-31', 'weeks', z, '{}') AS m, clv.bgnbd_fit(s, '2006-12-31', 'weeks') AS plain FROM apparel
      UNION ALL
      SELECT clv.mbgnbd_fit(s, '2006-12-31', 'weeks', z, z), clv.mbgnbd_fit(s, '2006-12-31', 'weeks') FROM apparel) f
ORDER BY 1;

-- Predictions: with the customer's vectors, the same as the plain model at the customer's own
-- parameters (clv.for_customer), and a model with covariates refuses a call without them.
SELECT a.customer_id, round(clv.p_alive(m, s, '2006-12-31', z, z)::numeric, 6) AS p_alive,
       round(clv.p_alive(clv.for_customer(m, z, z), s, '2006-12-31')::numeric, 6) AS via_for_customer,
       round(clv.expected_purchases(m, s, '2006-12-31', z, z, 52)::numeric, 4) AS next_year,
       round(clv.p_alive_ahead(m, s, '2006-12-31', z, z, 26)::numeric, 6) AS in_half_a_year,
       round(clv.dert(m, s, '2006-12-31', z, z, 0.1)::numeric, 4) AS dert,
       (clv.fit_statistics(clv.for_customer(m, z, z))).parameters AS own_model_parameters
FROM apparel a, fits WHERE fit = 'full' AND a.customer_id IN (1, 2, 100, 250) ORDER BY a.customer_id;
SELECT round(avg(clv.expected_purchases(m, s, '2006-12-31', z, z, 52))::numeric, 4) AS mean_next_year,
       count(*) FILTER (WHERE clv.p_alive(m, s, '2006-12-31', z, z) IS NULL) AS not_yet_customers
FROM apparel, fits WHERE fit = 'full';
-- A model without covariates takes empty vectors and gives its own predictions.
SELECT clv.p_alive(m, s, '2006-12-31', '{}', '{}') = clv.p_alive(m, s, '2006-12-31') AS same
FROM apparel, fits WHERE fit = 'none' AND customer_id = 1;
-- customer_value and the diagnostics take the customer's own model.
SELECT round(clv.customer_value(clv.for_customer(m, z, z), g, s, '2006-12-31', 12)::numeric, 2) AS value,
       (SELECT sum(expected_holdout_purchases) FROM clv.holdout_comparison(clv.for_customer(m, z, z), s, '2006-12-31', '2007-12-31')) > 0 AS holdout
FROM apparel, fits, (SELECT clv.gamma_gamma_fit(s, '2006-12-31') AS g FROM apparel) spend
WHERE fit = 'full' AND customer_id = 1;

-- Gamma-Gamma with covariates: each customer's v is v·exp(γ·z), so exp(γ) multiplies the
-- expected spend per purchase day.
CREATE TABLE spend_fits AS
SELECT clv.gamma_gamma_fit(s, '2006-12-31') AS plain,
       clv.gamma_gamma_fit(s, '2006-12-31', z, '{"spend": ["Gender", "Channel"]}') AS m FROM apparel;
SELECT parameter, round(estimate::numeric, 4) AS estimate, round(std_error::numeric, 4) AS std_error
FROM spend_fits, clv.model_parameters(m);
SELECT f.parameters, f.customers, round(f.log_likelihood::numeric, 2) > round(p.log_likelihood::numeric, 2) AS better
FROM spend_fits, clv.fit_statistics(m) f, clv.fit_statistics(plain) p;
SELECT a.customer_id, z, round(clv.expected_spend(m, s, '2006-12-31', z)::numeric, 2) AS expected_spend,
       round(clv.expected_spend(clv.for_customer(m, z), s, '2006-12-31')::numeric, 2) AS via_for_customer
FROM apparel a, spend_fits WHERE a.customer_id IN (1, 2, 100, 250) ORDER BY a.customer_id;

-- The simulator takes covariate effects (core/tests/covariate_coverage.rs measures the
-- intervals' coverage over 100 worlds); a fit on one world recovers them.
CREATE TABLE simulated AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s, covariates AS z
FROM clv.generate_orders(8000, '2020-01-01', '2021-07-01', 7, ARRAY[0.4, -0.3], ARRAY[0.5, -0.4], ARRAY[0.3, -0.2],
                         'pareto_nbd', r => 0.55, alpha => 74, acquisition_end => '2020-03-25')
GROUP BY customer_id, covariates;
SELECT z, count(*) FROM simulated GROUP BY z ORDER BY z;
WITH truth(parameter, value) AS (VALUES ('trans.1', 0.4), ('trans.2', -0.3), ('life.1', 0.5), ('life.2', -0.4), ('spend.1', 0.3), ('spend.2', -0.2))
SELECT p.parameter, abs(p.estimate - t.value) < 3 * p.std_error AS within_three_standard_errors
FROM (SELECT clv.pareto_nbd_fit(s, '2021-07-01', 'days', z, z) AS purchases, clv.gamma_gamma_fit(s, '2021-07-01', z) AS spend FROM simulated) f
CROSS JOIN LATERAL (SELECT * FROM clv.model_parameters(purchases) UNION ALL SELECT * FROM clv.model_parameters(spend)) p
JOIN truth t USING (parameter) ORDER BY p.parameter;

-- Refusals: 22023 with the offending value, never a crash or NaN.
SELECT regress.error_of(query) FROM (VALUES
  ($q$SELECT clv.p_alive(m, s, '2006-12-31') FROM apparel, fits WHERE fit = 'full' AND customer_id = 1$q$),
  ($q$SELECT clv.p_alive(m, s, '2006-12-31', z, ARRAY[1]) FROM apparel, fits WHERE fit = 'full' AND customer_id = 1$q$),
  ($q$SELECT clv.p_alive(m, s, '2006-12-31', z, NULL) FROM apparel, fits WHERE fit = 'full' AND customer_id = 1$q$),
  ($q$SELECT clv.p_alive(m, s, '2006-12-31', z, ARRAY[1, NULL]) FROM apparel, fits WHERE fit = 'full' AND customer_id = 1$q$),
  ($q$SELECT clv.p_alive(m, s, '2006-12-31', z, ARRAY[1, 'NaN']::float8[]) FROM apparel, fits WHERE fit = 'full' AND customer_id = 1$q$),
  ($q$SELECT clv.p_alive(m, s, '2006-12-31', z, ARRAY[1, 1e7]) FROM apparel, fits WHERE fit = 'full' AND customer_id = 1$q$),
  ($q$SELECT clv.p_alive(m, s, '2006-12-31', z, z) FROM apparel, fits WHERE fit = 'none' AND customer_id = 1$q$),
  ($q$SELECT clv.expected_purchases(clv.for_customer(m, z, '{}'), 10) FROM apparel, fits WHERE fit = 'full' AND customer_id = 1$q$),
  ($q$SELECT clv.expected_purchases(m, 10) FROM fits WHERE fit = 'full'$q$),
  ($q$SELECT clv.pareto_nbd_fit(s, '2006-12-31', 'weeks', z, CASE WHEN customer_id = 7 THEN ARRAY[1] ELSE z END) FROM apparel$q$),
  ($q$SELECT clv.pareto_nbd_fit(s, '2006-12-31', 'weeks', z, z, '{"trans": ["Gender"]}') FROM apparel$q$),
  ($q$SELECT clv.pareto_nbd_fit(s, '2006-12-31', 'weeks', z, z, '{"trans": ["G", "C"], "life": ["G", "C"], "constrained": ["X"]}') FROM apparel$q$),
  ($q$SELECT clv.pareto_nbd_fit(s, '2006-12-31', 'weeks', z, z, '{"lambda": {"trans": -1}}') FROM apparel$q$),
  ($q$SELECT clv.pareto_nbd_fit(s, '2006-12-31', 'weeks', z, z, '{"colour": 1}') FROM apparel$q$),
  ($q$SELECT clv.pareto_nbd_fit(s, '2006-12-31', 'weeks', z, z, CASE WHEN customer_id = 7 THEN '{}'::jsonb ELSE '{"trans": ["G", "C"]}' END) FROM apparel$q$),
  ($q$SELECT clv.pareto_nbd_fit(s, '2006-12-31', 'weeks', '{}', '{}') FROM apparel$q$),
  ($q$SELECT clv.pareto_nbd_fit(s, '2006-12-31', 'weeks', z, NULL) FROM apparel$q$),
  ($q$SELECT clv.pareto_nbd_fit(s, '2006-12-31', 'weeks', array_fill(1.0::float8, ARRAY[33]), '{}') FROM apparel$q$),
  ($q$SELECT clv.expected_spend(m, s, '2006-12-31') FROM apparel, spend_fits WHERE customer_id = 1$q$),
  ($q$SELECT clv.customer_value(p.m, clv.for_customer(g.m, '{}'), s, '2006-12-31') FROM apparel, fits p, spend_fits g WHERE p.fit = 'none' AND customer_id = 1$q$),
  ($q$SELECT clv.gamma_gamma_fit(s, '2006-12-31', z, '{"spend": ["G", "C"], "constrained": ["G"]}') FROM apparel$q$),
  ($q$SELECT clv.gamma_gamma_fit(s, '2006-12-31', z, '{"trans": ["G", "C"]}') FROM apparel$q$),
  ($q$SELECT count(*) FROM clv.generate_orders(10, '2020-01-01', '2021-01-01', 1, ARRAY[21], '{}', '{}')$q$),
  ($q$SELECT count(*) FROM clv.generate_orders(10, '2020-01-01', '2021-01-01', 1, '{}'::float8[], '{}', '{}', 'weibull')$q$),
  ($q$SELECT count(*) FROM clv.generate_orders(10, '2020-01-01', '2021-01-01', 1, '{}'::float8[], '{}', '{}', 'pareto_nbd', s => -1)$q$)) q(query);

-- The model's text form reads back as the same model.
SELECT m::text::clv.btyd_model::text = m::text AS text_round_trip FROM fits ORDER BY fit;

-- Model choice: likelihood-ratio tests. CLVTools: constrained against full, 10.943 on 1
-- degree of freedom, p = 0.0009396.
SELECT r.fit AS restricted, f.fit AS full, round(t.statistic::numeric, 3) AS statistic, t.df,
       round(t.p_value::numeric, 7) AS p_value
FROM fits r, fits f, clv.likelihood_ratio_test(r.m, f.m) t
WHERE (r.fit, f.fit) IN (('constrained', 'full'), ('none', 'full'), ('none', 'constrained'))
ORDER BY 1, 2;
SELECT round(t.statistic::numeric, 3) AS statistic, t.df, t.p_value < 0.05 AS significant
FROM spend_fits, clv.likelihood_ratio_test(plain, m) t;
SELECT regress.error_of(query) FROM (VALUES
  ($q$SELECT clv.likelihood_ratio_test(f.m, r.m) FROM fits r, fits f WHERE r.fit = 'none' AND f.fit = 'full'$q$),
  ($q$SELECT clv.likelihood_ratio_test(m, (SELECT clv.pareto_nbd_fit(s, '2006-12-31', 'weeks', z, z) FROM apparel WHERE customer_id < 300)) FROM fits WHERE fit = 'none'$q$),
  ($q$SELECT clv.likelihood_ratio_test(m, (SELECT clv.bgnbd_fit(s, '2006-12-31', 'weeks', z, '{}') FROM apparel)) FROM fits WHERE fit = 'none'$q$),
  ($q$SELECT clv.likelihood_ratio_test(m, '{"version": 1, "model": "pareto_nbd", "unit": "weeks", "params": {"r": 1, "alpha": 1, "s": 1, "beta": 1}}') FROM fits WHERE fit = 'full'$q$)) q(query);
