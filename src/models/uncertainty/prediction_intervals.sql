-- Part of pg_clv's install script, included by src/models/uncertainty.rs (extension_sql_file!): the
-- functions named here are the Rust functions of that file.
COMMENT ON FUNCTION p_alive_interval(btyd_model, customer_summary, date, double precision) IS 'P(alive) at as_of with bounds at level (default 0.9) from the covariance of the model''s estimates (delta method on the logit scale). NULL if the customer had not ordered by as_of; an ERROR for a model without a covariance (entered by hand, fitted before 0.3.0).';
COMMENT ON FUNCTION expected_purchases_interval(btyd_model, customer_summary, date, double precision, double precision) IS 'Expected purchases in the horizon (in the model''s unit) after as_of, with bounds at level (default 0.9) from the covariance of the model''s estimates (delta method on the log scale). NULL if the customer had not ordered by as_of.';
COMMENT ON FUNCTION dert_interval(btyd_model, customer_summary, date, double precision, double precision) IS 'Discounted expected residual transactions at annual_discount_rate, with bounds at level (default 0.9) from the covariance of the model''s estimates (delta method on the log scale). NULL if the customer had not ordered by as_of.';
COMMENT ON FUNCTION p_alive_interval(btyd_model, customer_summary, date, double precision[], double precision[], double precision) IS 'P(alive) with bounds, for a model fitted with covariates, given the customer''s transaction and dropout covariate vectors; the bounds account for the coefficients'' uncertainty too.';
COMMENT ON FUNCTION expected_purchases_interval(btyd_model, customer_summary, date, double precision[], double precision[], double precision, double precision) IS 'Expected purchases in the horizon with bounds, for a model fitted with covariates, given the customer''s covariate vectors.';
COMMENT ON FUNCTION dert_interval(btyd_model, customer_summary, date, double precision[], double precision[], double precision, double precision) IS 'Discounted expected residual transactions with bounds, for a model fitted with covariates, given the customer''s covariate vectors.';

CREATE AGGREGATE p_alive_total(model btyd_model, s customer_summary, as_of date, level double precision) (
    sfunc = p_alive_total_add, stype = fit_state, finalfunc = prediction_total_final,
    combinefunc = prediction_total_combine, parallel = safe);
CREATE AGGREGATE expected_purchases_total(model btyd_model, s customer_summary, as_of date, horizon double precision, level double precision) (
    sfunc = expected_purchases_total_add, stype = fit_state, finalfunc = prediction_total_final,
    combinefunc = prediction_total_combine, parallel = safe);
CREATE AGGREGATE dert_total(model btyd_model, s customer_summary, as_of date, annual_discount_rate double precision, level double precision) (
    sfunc = dert_total_add, stype = fit_state, finalfunc = prediction_total_final,
    combinefunc = prediction_total_combine, parallel = safe);
CREATE AGGREGATE p_alive_total(model btyd_model, s customer_summary, as_of date, transaction_covariates double precision[], dropout_covariates double precision[], level double precision) (
    sfunc = p_alive_total_add_with_covariates, stype = fit_state, finalfunc = prediction_total_final,
    combinefunc = prediction_total_combine, parallel = safe);
CREATE AGGREGATE expected_purchases_total(model btyd_model, s customer_summary, as_of date, transaction_covariates double precision[], dropout_covariates double precision[], horizon double precision, level double precision) (
    sfunc = expected_purchases_total_add_with_covariates, stype = fit_state, finalfunc = prediction_total_final,
    combinefunc = prediction_total_combine, parallel = safe);
CREATE AGGREGATE dert_total(model btyd_model, s customer_summary, as_of date, transaction_covariates double precision[], dropout_covariates double precision[], annual_discount_rate double precision, level double precision) (
    sfunc = dert_total_add_with_covariates, stype = fit_state, finalfunc = prediction_total_final,
    combinefunc = prediction_total_combine, parallel = safe);
COMMENT ON AGGREGATE p_alive_total(btyd_model, customer_summary, date, double precision) IS 'The expected number of active customers at as_of among the rows (the sum of P(alive)), with bounds at level that account for every customer sharing the model''s estimates. Rows without a customer by as_of, or with a NULL model or summary, are skipped; every row must pass the same model and level. NULL when no row has a customer.';
COMMENT ON AGGREGATE expected_purchases_total(btyd_model, customer_summary, date, double precision, double precision) IS 'The total expected purchases in the horizon after as_of over the rows (a segment, a cohort, everyone), with bounds at level that account for every customer sharing the model''s estimates (their errors are correlated). Every row must pass the same model, horizon and level. NULL when no row has a customer.';
COMMENT ON AGGREGATE dert_total(btyd_model, customer_summary, date, double precision, double precision) IS 'The total discounted expected residual transactions over the rows at annual_discount_rate, with bounds at level that account for every customer sharing the model''s estimates. NULL when no row has a customer.';
COMMENT ON AGGREGATE p_alive_total(btyd_model, customer_summary, date, double precision[], double precision[], double precision) IS 'The expected number of active customers with bounds, for a model fitted with covariates, given each customer''s covariate vectors.';
COMMENT ON AGGREGATE expected_purchases_total(btyd_model, customer_summary, date, double precision[], double precision[], double precision, double precision) IS 'The total expected purchases in the horizon with bounds, for a model fitted with covariates, given each customer''s covariate vectors.';
COMMENT ON AGGREGATE dert_total(btyd_model, customer_summary, date, double precision[], double precision[], double precision, double precision) IS 'The total discounted expected residual transactions with bounds, for a model fitted with covariates, given each customer''s covariate vectors.';
COMMENT ON FUNCTION p_alive_total_add(fit_state, btyd_model, customer_summary, date, double precision) IS 'Transition function of clv.p_alive_total; not for direct use.';
COMMENT ON FUNCTION expected_purchases_total_add(fit_state, btyd_model, customer_summary, date, double precision, double precision) IS 'Transition function of clv.expected_purchases_total; not for direct use.';
COMMENT ON FUNCTION dert_total_add(fit_state, btyd_model, customer_summary, date, double precision, double precision) IS 'Transition function of clv.dert_total; not for direct use.';
COMMENT ON FUNCTION p_alive_total_add_with_covariates(fit_state, btyd_model, customer_summary, date, double precision[], double precision[], double precision) IS 'Transition function of clv.p_alive_total with covariates; not for direct use.';
COMMENT ON FUNCTION expected_purchases_total_add_with_covariates(fit_state, btyd_model, customer_summary, date, double precision[], double precision[], double precision, double precision) IS 'Transition function of clv.expected_purchases_total with covariates; not for direct use.';
COMMENT ON FUNCTION dert_total_add_with_covariates(fit_state, btyd_model, customer_summary, date, double precision[], double precision[], double precision, double precision) IS 'Transition function of clv.dert_total with covariates; not for direct use.';
COMMENT ON FUNCTION prediction_total_final(fit_state) IS 'Final function of the prediction totals (clv.expected_purchases_total, ...); not for direct use.';
COMMENT ON FUNCTION prediction_total_combine(fit_state, fit_state) IS 'Combine function of the prediction totals (parallel query, Citus); not for direct use.';

COMMENT ON FUNCTION purchases_quantile(btyd_model, customer_summary, date, double precision, double precision) IS 'The q-quantile of the customer''s purchases in the horizon after as_of (the smallest n with P(at most n purchases) >= q), from the distribution of clv.prob_purchases: where their actual purchases will fall. NULL if the customer had not ordered by as_of.';
COMMENT ON FUNCTION purchases_interval(btyd_model, customer_summary, date, double precision, double precision) IS 'The customer''s expected purchases in the horizon, with the predictive interval at level (default 0.9): the quantiles that leave (1 - level)/2 on each side. Counts are whole, so the interval holds the purchases with probability level or more.';
COMMENT ON FUNCTION prob_purchases(bgbb_model, integer, integer, integer, integer, integer) IS 'Probability of exactly purchases transactions in the next opportunities, for a BG/BB history (x, t_x, n).';
COMMENT ON FUNCTION purchases_quantile(bgbb_model, integer, integer, integer, integer, double precision) IS 'The q-quantile of the transactions in the next opportunities, for a BG/BB history (x, t_x, n).';
COMMENT ON FUNCTION purchases_interval(bgbb_model, integer, integer, integer, integer, double precision) IS 'Expected transactions in the next opportunities for a BG/BB history (x, t_x, n), with the predictive interval at level (default 0.9).';
