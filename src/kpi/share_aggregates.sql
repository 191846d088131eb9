-- Part of pg_clv's install script, included by src/kpi.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE AGGREGATE repeat_purchase_rate(s customer_summary, as_of date) (
    sfunc = repeat_purchase_rate_add, stype = fit_state, finalfunc = repeat_purchase_rate_final,
    combinefunc = repeat_purchase_rate_combine, parallel = safe);
CREATE AGGREGATE churn_rate(s customer_summary, period_start date, period_end date) (
    sfunc = churn_rate_add_default, stype = fit_state, finalfunc = churn_rate_final,
    combinefunc = churn_rate_combine, parallel = safe);
CREATE AGGREGATE churn_rate(s customer_summary, period_start date, period_end date, active_within integer) (
    sfunc = churn_rate_add, stype = fit_state, finalfunc = churn_rate_final,
    combinefunc = churn_rate_combine, parallel = safe);
COMMENT ON AGGREGATE repeat_purchase_rate(customer_summary, date) IS 'Share of the customers who ordered by as_of that bought on two or more days by then (orders after as_of ignored). NULL when nobody had ordered.';
COMMENT ON AGGREGATE churn_rate(customer_summary, date, date) IS 'Churn in [period_start, period_end): of the customers who bought in the 90 days before period_start, the share who bought nothing during the period. NULL when nobody was active.';
COMMENT ON AGGREGATE churn_rate(customer_summary, date, date, integer) IS 'Churn in [period_start, period_end) with "active" meaning a purchase in the active_within days before period_start.';
COMMENT ON FUNCTION churned(customer_summary, date, date, integer) IS 'Whether the customer churned in [period_start, period_end) as clv.churn_rate counts it: true if active at the start (a purchase in the active_within days before) and no purchase during the period; NULL if not active at the start.';
COMMENT ON FUNCTION repeat_purchase_rate_add(fit_state, customer_summary, date) IS 'Transition function of clv.repeat_purchase_rate; not for direct use.';
COMMENT ON FUNCTION repeat_purchase_rate_final(fit_state) IS 'Final function of clv.repeat_purchase_rate; not for direct use.';
COMMENT ON FUNCTION repeat_purchase_rate_combine(fit_state, fit_state) IS 'Combine function of clv.repeat_purchase_rate (parallel query, Citus); not for direct use.';
COMMENT ON FUNCTION churn_rate_add(fit_state, customer_summary, date, date, integer) IS 'Transition function of clv.churn_rate with active_within; not for direct use.';
COMMENT ON FUNCTION churn_rate_add_default(fit_state, customer_summary, date, date) IS 'Transition function of clv.churn_rate; not for direct use.';
COMMENT ON FUNCTION churn_rate_final(fit_state) IS 'Final function of clv.churn_rate; not for direct use.';
COMMENT ON FUNCTION churn_rate_combine(fit_state, fit_state) IS 'Combine function of clv.churn_rate (parallel query, Citus); not for direct use.';
