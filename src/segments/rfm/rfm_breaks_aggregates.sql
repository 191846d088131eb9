-- Part of pg_clv's install script, included by src/segments/rfm.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE AGGREGATE rfm_breaks(s customer_summary, as_of date, bins integer) (
    sfunc = rfm_breaks_add, stype = fit_state, finalfunc = rfm_breaks_final,
    combinefunc = rfm_breaks_combine, parallel = safe);
CREATE AGGREGATE rfm_breaks(s customer_summary, as_of date) (
    sfunc = rfm_breaks_add_quintiles, stype = fit_state, finalfunc = rfm_breaks_final,
    combinefunc = rfm_breaks_combine, parallel = safe);
COMMENT ON AGGREGATE rfm_breaks(customer_summary, date, integer) IS 'RFM cut points of the customers who ordered by as_of: recency (days since the last order), frequency (orders) and monetary (spend), bins 2..10. Scores from them equal ntile(bins) when values are distinct; ties go to the lower bin. NULL for an empty population.';
COMMENT ON AGGREGATE rfm_breaks(customer_summary, date) IS 'RFM cut points with 5 bins (quintiles); see rfm_breaks(customer_summary, date, integer).';
COMMENT ON FUNCTION rfm_breaks_add(fit_state, customer_summary, date, integer) IS 'Transition function of clv.rfm_breaks(customer_summary, date, integer); not for direct use.';
COMMENT ON FUNCTION rfm_breaks_add_quintiles(fit_state, customer_summary, date) IS 'Transition function of clv.rfm_breaks(customer_summary, date); not for direct use.';
COMMENT ON FUNCTION rfm_breaks_combine(fit_state, fit_state) IS 'Combine function of clv.rfm_breaks (parallel query, Citus); not for direct use.';
COMMENT ON FUNCTION rfm_breaks_final(fit_state) IS 'Final function of clv.rfm_breaks; not for direct use.';
