-- Part of pg_clv's install script, included by src/kpi.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE AGGREGATE business_profile(s customer_summary, as_of date, window_days integer) (
    sfunc = business_profile_add, stype = fit_state, finalfunc = business_profile_final,
    combinefunc = business_profile_combine, parallel = safe);
CREATE AGGREGATE business_profile(s customer_summary, as_of date) (
    sfunc = business_profile_add_year, stype = fit_state, finalfunc = business_profile_final,
    combinefunc = business_profile_combine, parallel = safe);
COMMENT ON AGGREGATE business_profile(customer_summary, date, integer) IS 'The business profile at as_of over the window_days days ending with as_of: new vs returning customers and their revenue shares, repeat-purchase rate, top-10% revenue share, median repurchase cycle, and a label (loyal-customer-driven, acquisition-driven, mixed or inactive; rules in docs/kpis.md). NULL when nobody had ordered.';
COMMENT ON AGGREGATE business_profile(customer_summary, date) IS 'The business profile at as_of over the 365 days ending with as_of; see business_profile(customer_summary, date, integer).';
COMMENT ON FUNCTION business_profile_add(fit_state, customer_summary, date, integer) IS 'Transition function of clv.business_profile(customer_summary, date, integer); not for direct use.';
COMMENT ON FUNCTION business_profile_add_year(fit_state, customer_summary, date) IS 'Transition function of clv.business_profile(customer_summary, date); not for direct use.';
COMMENT ON FUNCTION business_profile_final(fit_state) IS 'Final function of clv.business_profile; not for direct use.';
COMMENT ON FUNCTION business_profile_combine(fit_state, fit_state) IS 'Combine function of clv.business_profile (parallel query, Citus); not for direct use.';
