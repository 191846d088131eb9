-- Part of pg_clv's install script, included by src/models/uncertainty.rs (extension_sql_file!).
CREATE TYPE prediction_interval AS (
    estimate double precision,
    lower double precision,
    upper double precision
);
COMMENT ON TYPE prediction_interval IS 'A prediction and the bounds that hold it at the level asked for, from the uncertainty of the model''s estimates (the delta method; docs/models/uncertainty.md). See clv.p_alive_interval, clv.expected_purchases_total.';
COMMENT ON COLUMN prediction_interval.estimate IS 'The prediction itself, as the plain function gives it.';
COMMENT ON COLUMN prediction_interval.lower IS 'The lower bound: the value is below it with probability (1 - level)/2.';
COMMENT ON COLUMN prediction_interval.upper IS 'The upper bound: the value is above it with probability (1 - level)/2.';
