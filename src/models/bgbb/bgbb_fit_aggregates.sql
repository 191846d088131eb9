-- Part of pg_clv's install script, included by src/models/bgbb.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE AGGREGATE bgbb_fit(x integer, t_x integer, n integer) (
    sfunc = bgbb_fit_add, stype = fit_state, finalfunc = bgbb_fit_final,
    combinefunc = bgbb_fit_combine, parallel = safe);
CREATE AGGREGATE bgbb_fit(x integer, t_x integer, n integer, weight double precision) (
    sfunc = bgbb_fit_add_weighted, stype = fit_state, finalfunc = bgbb_fit_final,
    combinefunc = bgbb_fit_combine, parallel = safe);
COMMENT ON AGGREGATE bgbb_fit(integer, integer, integer) IS 'Fits the BG/BB model on customers'' histories: x repeat transactions in n opportunities, the last at opportunity t_x (0 when x = 0); n at most 2000. NULL when no row was seen.';
COMMENT ON AGGREGATE bgbb_fit(integer, integer, integer, double precision) IS 'Fits the BG/BB model on weighted histories (x, t_x, n, number of customers with that history), as published recency/frequency tables are.';
COMMENT ON FUNCTION bgbb_fit_add(fit_state, integer, integer, integer) IS 'Transition function of clv.bgbb_fit; not for direct use.';
COMMENT ON FUNCTION bgbb_fit_add_weighted(fit_state, integer, integer, integer, double precision) IS 'Transition function of the weighted clv.bgbb_fit; not for direct use.';
COMMENT ON FUNCTION bgbb_fit_combine(fit_state, fit_state) IS 'Combine function of clv.bgbb_fit (parallel query, Citus); not for direct use.';
COMMENT ON FUNCTION bgbb_fit_final(fit_state) IS 'Final function of clv.bgbb_fit; not for direct use.';
