-- Part of pg_clv's install script, included by src/segments/rfm.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE AGGREGATE rfm_breaks(s customer_summary, as_of date, bins integer) (
    sfunc = rfm_breaks_add, stype = internal, finalfunc = rfm_breaks_final,
    combinefunc = rfm_breaks_combine, serialfunc = rfm_breaks_serialize, deserialfunc = rfm_breaks_deserialize,
    parallel = safe);
CREATE AGGREGATE rfm_breaks(s customer_summary, as_of date) (
    sfunc = rfm_breaks_add_quintiles, stype = internal, finalfunc = rfm_breaks_final,
    combinefunc = rfm_breaks_combine, serialfunc = rfm_breaks_serialize, deserialfunc = rfm_breaks_deserialize,
    parallel = safe);
COMMENT ON AGGREGATE rfm_breaks(customer_summary, date, integer) IS 'RFM cut points of the customers who ordered by as_of: recency (days since the last order), frequency (orders) and monetary (spend), bins 2..10. Scores from them equal ntile(bins) when values are distinct; ties go to the lower bin. NULL for an empty population.';
COMMENT ON AGGREGATE rfm_breaks(customer_summary, date) IS 'RFM cut points with 5 bins (quintiles); see rfm_breaks(customer_summary, date, integer).';
COMMENT ON FUNCTION rfm_breaks_add(internal, customer_summary, date, integer) IS 'Transition function of clv.rfm_breaks(customer_summary, date, integer); not for direct use.';
COMMENT ON FUNCTION rfm_breaks_add_quintiles(internal, customer_summary, date) IS 'Transition function of clv.rfm_breaks(customer_summary, date); not for direct use.';
COMMENT ON FUNCTION rfm_breaks_combine(internal, internal) IS 'Combine function of clv.rfm_breaks (parallel query); not for direct use.';
COMMENT ON FUNCTION rfm_breaks_serialize(internal) IS 'Serialize function of clv.rfm_breaks (parallel query); not for direct use.';
COMMENT ON FUNCTION rfm_breaks_deserialize(bytea, internal) IS 'Deserialize function of clv.rfm_breaks (parallel query); not for direct use.';
COMMENT ON FUNCTION rfm_breaks_final(internal) IS 'Final function of clv.rfm_breaks; not for direct use.';
