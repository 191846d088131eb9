-- Part of pg_clv's install script, included by src/kpi.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE AGGREGATE revenue_share_top(s customer_summary, fraction double precision) (
    sfunc = revenue_share_top_add, stype = fit_state, finalfunc = revenue_share_top_final,
    combinefunc = revenue_share_top_combine, parallel = safe);
COMMENT ON AGGREGATE revenue_share_top(customer_summary, double precision) IS 'Share of total spend from the top fraction of customers by spend (the top ceil(fraction x customers)), exact. fraction in (0, 1]; NULL when there are no customers or total spend is not positive.';
COMMENT ON FUNCTION revenue_share_top_add(fit_state, customer_summary, double precision) IS 'Transition function of clv.revenue_share_top; not for direct use.';
COMMENT ON FUNCTION revenue_share_top_final(fit_state) IS 'Final function of clv.revenue_share_top; not for direct use.';
COMMENT ON FUNCTION revenue_share_top_combine(fit_state, fit_state) IS 'Combine function of clv.revenue_share_top (parallel query, Citus); not for direct use.';
