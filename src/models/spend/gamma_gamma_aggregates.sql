-- Part of pg_clv's install script, included by src/models/spend.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE AGGREGATE gamma_gamma_fit(s customer_summary, as_of date) (
    sfunc = gamma_gamma_add_summary, stype = fit_state, finalfunc = gamma_gamma_fit_final,
    combinefunc = gamma_gamma_combine, parallel = safe);
CREATE AGGREGATE gamma_gamma_fit(x double precision, mean_spend double precision) (
    sfunc = gamma_gamma_add_raw, stype = fit_state, finalfunc = gamma_gamma_fit_final,
    combinefunc = gamma_gamma_combine, parallel = safe);
CREATE AGGREGATE gamma_gamma_fit(s customer_summary, as_of date, spend_covariates double precision[]) (
    sfunc = gamma_gamma_add_summary_covariates, stype = fit_state, finalfunc = gamma_gamma_covariates_fit_final,
    combinefunc = gamma_gamma_covariates_combine, parallel = safe);
CREATE AGGREGATE gamma_gamma_fit(s customer_summary, as_of date, spend_covariates double precision[], options jsonb) (
    sfunc = gamma_gamma_add_summary_covariates_options, stype = fit_state, finalfunc = gamma_gamma_covariates_fit_final,
    combinefunc = gamma_gamma_covariates_combine, parallel = safe);
COMMENT ON AGGREGATE gamma_gamma_fit(customer_summary, date) IS 'Fits the Gamma-Gamma spend model (Fader, Hardie & Lee 2005) on repeat buyers at as_of: repeat purchase days and mean spend per repeat day (clv.repeat_spend_mean). One-time buyers and repeat buyers without positive repeat spend are excluded and counted in the model. NULL when no customer qualifies.';
COMMENT ON AGGREGATE gamma_gamma_fit(double precision, double precision) IS 'Fits the Gamma-Gamma spend model on raw (x, mean spend per repeat purchase) pairs; x < 1 or mean_spend <= 0 are excluded and counted.';
COMMENT ON FUNCTION gamma_gamma_add_summary(fit_state, customer_summary, date) IS 'Transition function of clv.gamma_gamma_fit over summaries; not for direct use.';
COMMENT ON FUNCTION gamma_gamma_add_raw(fit_state, double precision, double precision) IS 'Transition function of clv.gamma_gamma_fit over raw numbers; not for direct use.';
COMMENT ON FUNCTION gamma_gamma_combine(fit_state, fit_state) IS 'Combine function of clv.gamma_gamma_fit (parallel query, Citus); not for direct use.';
COMMENT ON FUNCTION gamma_gamma_fit_final(fit_state) IS 'Final function of clv.gamma_gamma_fit; not for direct use.';
COMMENT ON AGGREGATE gamma_gamma_fit(customer_summary, date, double precision[]) IS 'Fits the Gamma-Gamma spend model with static covariates: each customer''s v is v exp(g z), so exp(g) multiplies the expected spend per purchase day (docs/models/covariates.md). Coefficients are named by position (spend.1, ...).';
COMMENT ON AGGREGATE gamma_gamma_fit(customer_summary, date, double precision[], jsonb) IS 'Fits the Gamma-Gamma spend model with static covariates under options: the covariates'' names ({"spend": ["gender", "channel"]}) and an L2 weight ("lambda": {"spend": 0.1}).';
COMMENT ON FUNCTION gamma_gamma_add_summary_covariates(fit_state, customer_summary, date, double precision[]) IS 'Transition function of clv.gamma_gamma_fit with covariates; not for direct use.';
COMMENT ON FUNCTION gamma_gamma_add_summary_covariates_options(fit_state, customer_summary, date, double precision[], jsonb) IS 'Transition function of clv.gamma_gamma_fit with covariates and options; not for direct use.';
COMMENT ON FUNCTION gamma_gamma_covariates_combine(fit_state, fit_state) IS 'Combine function of clv.gamma_gamma_fit with covariates (parallel query, Citus); not for direct use.';
COMMENT ON FUNCTION gamma_gamma_covariates_fit_final(fit_state) IS 'Final function of clv.gamma_gamma_fit with covariates; not for direct use.';
