-- Part of pg_clv's install script, included by src/models/btyd/fit.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE AGGREGATE bgnbd_fit(s customer_summary, as_of date) (
    sfunc = btyd_fit_add_summary, stype = fit_state, finalfunc = bgnbd_fit_final,
    combinefunc = btyd_fit_combine, parallel = safe);
CREATE AGGREGATE bgnbd_fit(s customer_summary, as_of date, unit text) (
    sfunc = btyd_fit_add_summary_in_unit, stype = fit_state, finalfunc = bgnbd_fit_final,
    combinefunc = btyd_fit_combine, parallel = safe);
CREATE AGGREGATE bgnbd_fit(x double precision, t_x double precision, t double precision, unit text) (
    sfunc = btyd_fit_add_raw, stype = fit_state, finalfunc = bgnbd_fit_final,
    combinefunc = btyd_fit_combine, parallel = safe);
CREATE AGGREGATE mbgnbd_fit(s customer_summary, as_of date) (
    sfunc = btyd_fit_add_summary, stype = fit_state, finalfunc = mbgnbd_fit_final,
    combinefunc = btyd_fit_combine, parallel = safe);
CREATE AGGREGATE mbgnbd_fit(s customer_summary, as_of date, unit text) (
    sfunc = btyd_fit_add_summary_in_unit, stype = fit_state, finalfunc = mbgnbd_fit_final,
    combinefunc = btyd_fit_combine, parallel = safe);
CREATE AGGREGATE mbgnbd_fit(x double precision, t_x double precision, t double precision, unit text) (
    sfunc = btyd_fit_add_raw, stype = fit_state, finalfunc = mbgnbd_fit_final,
    combinefunc = btyd_fit_combine, parallel = safe);
CREATE AGGREGATE pareto_nbd_fit(s customer_summary, as_of date) (
    sfunc = btyd_fit_add_summary, stype = fit_state, finalfunc = pareto_nbd_fit_final,
    combinefunc = btyd_fit_combine, parallel = safe);
CREATE AGGREGATE pareto_nbd_fit(s customer_summary, as_of date, unit text) (
    sfunc = btyd_fit_add_summary_in_unit, stype = fit_state, finalfunc = pareto_nbd_fit_final,
    combinefunc = btyd_fit_combine, parallel = safe);
CREATE AGGREGATE pareto_nbd_fit(x double precision, t_x double precision, t double precision, unit text) (
    sfunc = btyd_fit_add_raw, stype = fit_state, finalfunc = pareto_nbd_fit_final,
    combinefunc = btyd_fit_combine, parallel = safe);

CREATE AGGREGATE bgnbd_fit(s customer_summary, as_of date, unit text, transaction_covariates double precision[], dropout_covariates double precision[]) (
    sfunc = btyd_fit_add_summary_covariates, stype = fit_state, finalfunc = bgnbd_covariates_fit_final,
    combinefunc = btyd_covariates_fit_combine, parallel = safe);
CREATE AGGREGATE bgnbd_fit(s customer_summary, as_of date, unit text, transaction_covariates double precision[], dropout_covariates double precision[], options jsonb) (
    sfunc = btyd_fit_add_summary_covariates_options, stype = fit_state, finalfunc = bgnbd_covariates_fit_final,
    combinefunc = btyd_covariates_fit_combine, parallel = safe);
CREATE AGGREGATE mbgnbd_fit(s customer_summary, as_of date, unit text, transaction_covariates double precision[], dropout_covariates double precision[]) (
    sfunc = btyd_fit_add_summary_covariates, stype = fit_state, finalfunc = mbgnbd_covariates_fit_final,
    combinefunc = btyd_covariates_fit_combine, parallel = safe);
CREATE AGGREGATE mbgnbd_fit(s customer_summary, as_of date, unit text, transaction_covariates double precision[], dropout_covariates double precision[], options jsonb) (
    sfunc = btyd_fit_add_summary_covariates_options, stype = fit_state, finalfunc = mbgnbd_covariates_fit_final,
    combinefunc = btyd_covariates_fit_combine, parallel = safe);
CREATE AGGREGATE pareto_nbd_fit(s customer_summary, as_of date, unit text, transaction_covariates double precision[], dropout_covariates double precision[]) (
    sfunc = btyd_fit_add_summary_covariates, stype = fit_state, finalfunc = pareto_nbd_covariates_fit_final,
    combinefunc = btyd_covariates_fit_combine, parallel = safe);
CREATE AGGREGATE pareto_nbd_fit(s customer_summary, as_of date, unit text, transaction_covariates double precision[], dropout_covariates double precision[], options jsonb) (
    sfunc = btyd_fit_add_summary_covariates_options, stype = fit_state, finalfunc = pareto_nbd_covariates_fit_final,
    combinefunc = btyd_covariates_fit_combine, parallel = safe);
COMMENT ON AGGREGATE bgnbd_fit(customer_summary, date) IS 'Fits BG/NBD (Fader, Hardie & Lee 2005) by maximum likelihood on the customers who ordered by as_of, with times in days. NULL when there are none; a fit that does not converge says so in the model (and a WARNING).';
COMMENT ON AGGREGATE bgnbd_fit(customer_summary, date, text) IS 'Fits BG/NBD on the customers who ordered by as_of, with times in unit (''days'' or ''weeks'').';
COMMENT ON AGGREGATE bgnbd_fit(double precision, double precision, double precision, text) IS 'Fits BG/NBD on raw (x, t_x, T) numbers in unit (''days'' or ''weeks'').';
COMMENT ON AGGREGATE mbgnbd_fit(customer_summary, date) IS 'Fits MBG/NBD (Batislam et al. 2007; BTYDplus), which unlike BG/NBD lets one-time buyers be inactive, on the customers who ordered by as_of, times in days.';
COMMENT ON AGGREGATE mbgnbd_fit(customer_summary, date, text) IS 'Fits MBG/NBD on the customers who ordered by as_of, with times in unit (''days'' or ''weeks'').';
COMMENT ON AGGREGATE mbgnbd_fit(double precision, double precision, double precision, text) IS 'Fits MBG/NBD on raw (x, t_x, T) numbers in unit (''days'' or ''weeks'').';
COMMENT ON AGGREGATE pareto_nbd_fit(customer_summary, date) IS 'Fits Pareto/NBD (Schmittlein, Morrison & Colombo 1987) on the customers who ordered by as_of, times in days.';
COMMENT ON AGGREGATE pareto_nbd_fit(customer_summary, date, text) IS 'Fits Pareto/NBD on the customers who ordered by as_of, with times in unit (''days'' or ''weeks'').';
COMMENT ON AGGREGATE pareto_nbd_fit(double precision, double precision, double precision, text) IS 'Fits Pareto/NBD on raw (x, t_x, T) numbers in unit (''days'' or ''weeks'').';
COMMENT ON FUNCTION btyd_fit_add_summary(fit_state, customer_summary, date) IS 'Transition function of the BTYD fit aggregates over summaries; not for direct use.';
COMMENT ON FUNCTION btyd_fit_add_summary_in_unit(fit_state, customer_summary, date, text) IS 'Transition function of the BTYD fit aggregates over summaries with a unit; not for direct use.';
COMMENT ON FUNCTION btyd_fit_add_raw(fit_state, double precision, double precision, double precision, text) IS 'Transition function of the BTYD fit aggregates over raw numbers; not for direct use.';
COMMENT ON FUNCTION btyd_fit_combine(fit_state, fit_state) IS 'Combine function of the BTYD fit aggregates (parallel query, Citus); not for direct use.';
COMMENT ON FUNCTION bgnbd_fit_final(fit_state) IS 'Final function of clv.bgnbd_fit; not for direct use.';
COMMENT ON FUNCTION mbgnbd_fit_final(fit_state) IS 'Final function of clv.mbgnbd_fit; not for direct use.';
COMMENT ON FUNCTION pareto_nbd_fit_final(fit_state) IS 'Final function of clv.pareto_nbd_fit; not for direct use.';
COMMENT ON AGGREGATE bgnbd_fit(customer_summary, date, text, double precision[], double precision[]) IS 'Fits BG/NBD with static covariates as CLVTools links them (alpha_i = alpha exp(-g_trans z_trans), a_i = a exp(g_life z_life), b_i = b exp(g_life z_life)) on the customers who ordered by as_of, times in unit; each customer''s transaction and dropout covariate vectors (same lengths on every row; an empty array for a process without). Coefficients are named by position (trans.1, life.1, ...); see docs/models/covariates.md.';
COMMENT ON AGGREGATE bgnbd_fit(customer_summary, date, text, double precision[], double precision[], jsonb) IS 'Fits BG/NBD with static covariates under options: the covariates'' names per process ({"trans": ["gender"], "life": ["gender"]}), covariates constrained to one coefficient in both processes ("constrained"), and L2 weights per process ("lambda": {"trans": 0.1, "life": 0.2}, CLVTools'' definition); see docs/models/covariates.md.';
COMMENT ON FUNCTION bgnbd_covariates_fit_final(fit_state) IS 'Final function of clv.bgnbd_fit with covariates; not for direct use.';
COMMENT ON AGGREGATE mbgnbd_fit(customer_summary, date, text, double precision[], double precision[]) IS 'Fits MBG/NBD with static covariates as CLVTools links them (alpha_i = alpha exp(-g_trans z_trans), a_i = a exp(g_life z_life), b_i = b exp(g_life z_life)) on the customers who ordered by as_of, times in unit; each customer''s transaction and dropout covariate vectors (same lengths on every row; an empty array for a process without). Coefficients are named by position (trans.1, life.1, ...); see docs/models/covariates.md.';
COMMENT ON AGGREGATE mbgnbd_fit(customer_summary, date, text, double precision[], double precision[], jsonb) IS 'Fits MBG/NBD with static covariates under options: the covariates'' names per process ({"trans": ["gender"], "life": ["gender"]}), covariates constrained to one coefficient in both processes ("constrained"), and L2 weights per process ("lambda": {"trans": 0.1, "life": 0.2}, CLVTools'' definition); see docs/models/covariates.md.';
COMMENT ON FUNCTION mbgnbd_covariates_fit_final(fit_state) IS 'Final function of clv.mbgnbd_fit with covariates; not for direct use.';
COMMENT ON AGGREGATE pareto_nbd_fit(customer_summary, date, text, double precision[], double precision[]) IS 'Fits Pareto/NBD with static covariates as CLVTools links them (alpha_i = alpha exp(-g_trans z_trans), beta_i = beta exp(-g_life z_life)) on the customers who ordered by as_of, times in unit; each customer''s transaction and dropout covariate vectors (same lengths on every row; an empty array for a process without). Coefficients are named by position (trans.1, life.1, ...); see docs/models/covariates.md.';
COMMENT ON AGGREGATE pareto_nbd_fit(customer_summary, date, text, double precision[], double precision[], jsonb) IS 'Fits Pareto/NBD with static covariates under options: the covariates'' names per process ({"trans": ["gender"], "life": ["gender"]}), covariates constrained to one coefficient in both processes ("constrained"), and L2 weights per process ("lambda": {"trans": 0.1, "life": 0.2}, CLVTools'' definition); see docs/models/covariates.md.';
COMMENT ON FUNCTION pareto_nbd_covariates_fit_final(fit_state) IS 'Final function of clv.pareto_nbd_fit with covariates; not for direct use.';
COMMENT ON FUNCTION btyd_fit_add_summary_covariates(fit_state, customer_summary, date, text, double precision[], double precision[]) IS 'Transition function of the BTYD fit aggregates with covariates; not for direct use.';
COMMENT ON FUNCTION btyd_fit_add_summary_covariates_options(fit_state, customer_summary, date, text, double precision[], double precision[], jsonb) IS 'Transition function of the BTYD fit aggregates with covariates and options; not for direct use.';
COMMENT ON FUNCTION btyd_covariates_fit_combine(fit_state, fit_state) IS 'Combine function of the BTYD fit aggregates with covariates (parallel query, Citus); not for direct use.';
