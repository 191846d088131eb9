-- Part of pg_clv's install script, included by src/summary/aggregate.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE AGGREGATE customer_summary(ordered_at date, amount double precision) (
    sfunc = customer_summary_add_date_float8, stype = internal, sspace = 256,
    finalfunc = customer_summary_final, combinefunc = customer_summary_combine,
    serialfunc = customer_summary_serialize, deserialfunc = customer_summary_deserialize,
    parallel = safe);
CREATE AGGREGATE customer_summary(ordered_at date, amount numeric) (
    sfunc = customer_summary_add_date_numeric, stype = internal, sspace = 256,
    finalfunc = customer_summary_final, combinefunc = customer_summary_combine,
    serialfunc = customer_summary_serialize, deserialfunc = customer_summary_deserialize,
    parallel = safe);
CREATE AGGREGATE customer_summary(ordered_at timestamptz, amount double precision) (
    sfunc = customer_summary_add_timestamptz_float8, stype = internal, sspace = 256,
    finalfunc = customer_summary_final, combinefunc = customer_summary_combine,
    serialfunc = customer_summary_serialize, deserialfunc = customer_summary_deserialize,
    parallel = safe);
CREATE AGGREGATE customer_summary(ordered_at timestamptz, amount numeric) (
    sfunc = customer_summary_add_timestamptz_numeric, stype = internal, sspace = 256,
    finalfunc = customer_summary_final, combinefunc = customer_summary_combine,
    serialfunc = customer_summary_serialize, deserialfunc = customer_summary_deserialize,
    parallel = safe);
CREATE AGGREGATE customer_summary(ordered_at timestamp, amount double precision) (
    sfunc = customer_summary_add_timestamp_float8, stype = internal, sspace = 256,
    finalfunc = customer_summary_final, combinefunc = customer_summary_combine,
    serialfunc = customer_summary_serialize, deserialfunc = customer_summary_deserialize,
    parallel = safe);
CREATE AGGREGATE customer_summary(ordered_at timestamp, amount numeric) (
    sfunc = customer_summary_add_timestamp_numeric, stype = internal, sspace = 256,
    finalfunc = customer_summary_final, combinefunc = customer_summary_combine,
    serialfunc = customer_summary_serialize, deserialfunc = customer_summary_deserialize,
    parallel = safe);
CREATE AGGREGATE rollup(customer_summary) (
    sfunc = customer_summary_add_summary, stype = internal, sspace = 256,
    finalfunc = customer_summary_final, combinefunc = customer_summary_combine,
    serialfunc = customer_summary_serialize, deserialfunc = customer_summary_deserialize,
    parallel = safe);

COMMENT ON AGGREGATE customer_summary(date, double precision) IS 'Per-customer order summary (one row per customer with GROUP BY customer). Orders on one date are one purchase occasion. NULL rows skipped; NaN/infinite amount or infinite date: ERROR; empty group: NULL.';
COMMENT ON AGGREGATE customer_summary(date, numeric) IS 'Per-customer order summary from numeric amounts, converted exactly to 6 decimals. Orders on one date are one purchase occasion. NULL rows skipped; NaN/infinite amount or infinite date: ERROR; empty group: NULL.';
COMMENT ON AGGREGATE customer_summary(timestamptz, double precision) IS 'Per-customer order summary; purchase days are UTC days (pass ordered_at AT TIME ZONE ''zone'' for local days). NULL rows skipped; NaN/infinite amount or infinite time: ERROR; empty group: NULL.';
COMMENT ON AGGREGATE customer_summary(timestamptz, numeric) IS 'Per-customer order summary from numeric amounts; purchase days are UTC days (pass ordered_at AT TIME ZONE ''zone'' for local days). NULL rows skipped; NaN/infinite amount or infinite time: ERROR; empty group: NULL.';
COMMENT ON AGGREGATE customer_summary(timestamp, double precision) IS 'Per-customer order summary; purchase days are the wall-clock days of the timestamp (e.g. ordered_at AT TIME ZONE ''Asia/Seoul''). NULL rows skipped; NaN/infinite amount or infinite time: ERROR; empty group: NULL.';
COMMENT ON AGGREGATE customer_summary(timestamp, numeric) IS 'Per-customer order summary from numeric amounts; purchase days are the wall-clock days of the timestamp. NULL rows skipped; NaN/infinite amount or infinite time: ERROR; empty group: NULL.';
COMMENT ON AGGREGATE rollup(customer_summary) IS 'Merges customer summaries (e.g. monthly summaries stored in a table) into one; the result equals the summary built from all the orders at once. NULL summaries skipped.';

COMMENT ON FUNCTION customer_summary_add_date_float8(internal, date, double precision) IS 'Transition function of clv.customer_summary(date, float8); not for direct use.';
COMMENT ON FUNCTION customer_summary_add_date_numeric(internal, date, numeric) IS 'Transition function of clv.customer_summary(date, numeric); not for direct use.';
COMMENT ON FUNCTION customer_summary_add_timestamptz_float8(internal, timestamptz, double precision) IS 'Transition function of clv.customer_summary(timestamptz, float8); not for direct use.';
COMMENT ON FUNCTION customer_summary_add_timestamptz_numeric(internal, timestamptz, numeric) IS 'Transition function of clv.customer_summary(timestamptz, numeric); not for direct use.';
COMMENT ON FUNCTION customer_summary_add_timestamp_float8(internal, timestamp, double precision) IS 'Transition function of clv.customer_summary(timestamp, float8); not for direct use.';
COMMENT ON FUNCTION customer_summary_add_timestamp_numeric(internal, timestamp, numeric) IS 'Transition function of clv.customer_summary(timestamp, numeric); not for direct use.';
COMMENT ON FUNCTION customer_summary_add_summary(internal, customer_summary) IS 'Transition function of clv.rollup(customer_summary); not for direct use.';
COMMENT ON FUNCTION customer_summary_combine(internal, internal) IS 'Combine function of the customer_summary aggregates (parallel query); not for direct use.';
COMMENT ON FUNCTION customer_summary_serialize(internal) IS 'Serialize function of the customer_summary aggregates (parallel query); not for direct use.';
COMMENT ON FUNCTION customer_summary_deserialize(bytea, internal) IS 'Deserialize function of the customer_summary aggregates (parallel query); not for direct use.';
COMMENT ON FUNCTION customer_summary_final(internal) IS 'Final function of the customer_summary aggregates; not for direct use.';
