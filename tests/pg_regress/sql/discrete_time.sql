-- Discrete-time and contractual models against the literature: BG/BB on the donations data
-- (Fader, Hardie & Shang 2010) and the shifted-beta-geometric model on Fader & Hardie's (2007)
-- two cohorts; their predictions and their behaviour on bad input.
SET extra_float_digits = 0;
CREATE TABLE donations (x int, t_x int, n int, donors int);
\copy donations FROM '../../data/donations/donations.csv' (FORMAT csv, HEADER)
SELECT count(*) AS patterns, sum(donors) AS donors FROM donations;

-- BG/BB: published alpha 1.204, beta 0.750, gamma 0.657, delta 2.783, log-likelihood -33,225.6.
CREATE TABLE bgbb AS SELECT clv.bgbb_fit(x, t_x, n, donors) AS m FROM donations;
SELECT parameter, round(estimate::numeric, 3) AS estimate, round(std_error::numeric, 3) AS std_error
FROM bgbb, clv.model_parameters(m);
SELECT round(clv.model_log_likelihood(m)::numeric, 1) AS log_likelihood, clv.model_converged(m) AS converged,
       clv.model_kind(m) AS kind, (m::text::jsonb) -> 'customers' AS donors, (m::text::jsonb) -> 'patterns' AS patterns
FROM bgbb;
-- One row per donor gives the same model as the weighted patterns.
SELECT clv.bgbb_fit(x, t_x, n)::text = (SELECT m::text FROM bgbb) AS same_model
FROM donations, generate_series(1, donors);

-- Predictions for a few histories: P(alive) next year, in five years whatever happens and if
-- silent, expected donations over the next 5 years, DERT at 10% a year.
SELECT x, t_x, n, round(clv.p_alive(m, x, t_x, n)::numeric, 4) AS p_alive,
       round(clv.p_alive_ahead(m, x, t_x, n, 5)::numeric, 4) AS alive_in_5,
       round(clv.p_alive_ahead(m, x, t_x, n, 5, assume_no_purchase => true)::numeric, 4) AS alive_in_5_if_silent,
       round(clv.expected_purchases(m, x, t_x, n, 5)::numeric, 4) AS expected_5,
       round(clv.dert(m, x, t_x, n, 0.1)::numeric, 4) AS dert
FROM bgbb, (VALUES (0, 0, 6), (1, 1, 6), (3, 6, 6), (6, 6, 6)) h(x, t_x, n) ORDER BY x, t_x;

-- sBG on survivor counts, periods 0..7 (published: regular 0.704, 1.182, -1,680.27;
-- high end 0.668, 3.806, -1,611.16).
CREATE TABLE survivors (segment text, period int, survivors bigint);
\copy survivors FROM '../../data/sbg/survivors.csv' (FORMAT csv, HEADER)
CREATE TABLE sbg AS
SELECT segment, clv.sbg_fit(array_agg(survivors ORDER BY period)) AS m FROM survivors GROUP BY segment;
SELECT segment, parameter, round(estimate::numeric, 3) AS estimate, round(std_error::numeric, 3) AS std_error
FROM sbg, clv.model_parameters(m) ORDER BY segment, parameter;
SELECT segment, round(clv.model_log_likelihood(m)::numeric, 2) AS log_likelihood, clv.model_converged(m) AS converged
FROM sbg ORDER BY segment;
-- Projected against the data, and on past the 7 fitted periods.
SELECT c.period, s.survivors AS actual, round(1000 * c.survival) AS projected, round(c.retention_rate::numeric, 3) AS retention_rate
FROM sbg, clv.retention_curve(m, 10) c LEFT JOIN survivors s ON s.segment = 'regular' AND s.period = c.period
WHERE sbg.segment = 'regular' ORDER BY c.period;
SELECT segment, round(clv.survival(m, 12)::numeric, 4) AS survival_12, round(clv.retention_rate(m, 12)::numeric, 4) AS retention_12,
       round(clv.derl(m, 0.1)::numeric, 3) AS derl_new, round(clv.derl(m, 0.1, renewals => 4)::numeric, 3) AS derl_after_4_renewals
FROM sbg ORDER BY segment;
-- Hand-entered models; the expected lifetime is finite only for alpha > 1.
SELECT round(clv.expected_lifetime('{"version":1,"model":"sbg","params":{"alpha":2.5,"beta":4}}'::clv.sbg_model)::numeric, 4) AS lifetime;

-- Bad input.
SELECT q AS query, regress.error_of(q) AS outcome FROM (VALUES
    ($$SELECT clv.bgbb_fit(x, t_x, n) FROM (VALUES (2, 1, 6)) v(x, t_x, n)$$),
    ($$SELECT clv.bgbb_fit(x, t_x, n) FROM (VALUES (1, 0, 6)) v(x, t_x, n)$$),
    ($$SELECT clv.bgbb_fit(x, t_x, n) FROM (VALUES (-1, 0, 6)) v(x, t_x, n)$$),
    ($$SELECT clv.bgbb_fit(x, t_x, n) FROM (VALUES (1, 1, 2001)) v(x, t_x, n)$$),
    ($$SELECT clv.bgbb_fit(1, 1, 6, 'NaN')$$),
    ($$SELECT clv.p_alive_ahead(m, 1, 1, 6, -1) FROM bgbb$$),
    ($$SELECT clv.expected_purchases(m, 1, 1, 6, 2001) FROM bgbb$$),
    ($$SELECT clv.dert(m, 1, 1, 6, 0) FROM bgbb$$),
    ($$SELECT clv.sbg_fit(ARRAY[1000])$$),
    ($$SELECT clv.sbg_fit(ARRAY[1000, 1200])$$),
    ($$SELECT clv.sbg_fit(ARRAY[1000, NULL])$$),
    ($$SELECT clv.sbg_fit(ARRAY[0, 0])$$),
    ($$SELECT clv.survival(m, -1) FROM sbg LIMIT 1$$),
    ($$SELECT clv.retention_rate(m, 0) FROM sbg LIMIT 1$$),
    ($$SELECT clv.derl(m, 0.1, renewals => -1) FROM sbg LIMIT 1$$),
    ($$SELECT clv.expected_lifetime(m) FROM sbg WHERE segment = 'regular'$$),
    ($$SELECT '{"version":1,"model":"bgbb","unit":"weeks","params":{"alpha":1,"beta":1,"gamma":1,"delta":1}}'::clv.bgbb_model$$),
    ($$SELECT '{"version":1,"model":"sbg","params":{"alpha":1}}'::clv.sbg_model$$)
) t(q);
