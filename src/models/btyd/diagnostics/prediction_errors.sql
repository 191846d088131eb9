-- Part of pg_clv's install script, included by src/models/btyd/diagnostics.rs
-- (extension_sql_file!): the holdout error aggregate, in plain SQL.
CREATE TYPE prediction_errors AS (customers bigint, mae double precision, rmse double precision, bias double precision,
                                  mean_actual double precision, mean_predicted double precision);
COMMENT ON TYPE prediction_errors IS 'Errors of predictions against what happened: customers, mean absolute error, root mean squared error, bias (mean of predicted - actual), and the two means.';

-- The state: {customers, sum |p - a|, sum (p - a)^2, sum (p - a), sum a, sum p}, in numeric so
-- that the sums are exact and every plan (serial, parallel, grouping sets) gives the same
-- result; checked where it comes in (a support function called by hand may get anything).
CREATE FUNCTION prediction_errors_state(state numeric[]) RETURNS numeric[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    total numeric := state[1] + state[2] + state[3] + state[4] + state[5] + state[6];
BEGIN
    IF cardinality(state) IS DISTINCT FROM 6 OR total IS NULL OR total IN ('NaN', 'Infinity', '-Infinity') OR state[1] < 0 THEN
        RAISE EXCEPTION 'invalid clv.prediction_errors state: %', state USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN state;
END
$$;
COMMENT ON FUNCTION prediction_errors_state(numeric[]) IS 'Checks a state of clv.prediction_errors; not for direct use.';

CREATE FUNCTION prediction_errors_add(state numeric[], predicted double precision, actual double precision)
RETURNS numeric[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s numeric[] := @extschema@.prediction_errors_state(state);
    error double precision := predicted - actual;
BEGIN
    IF predicted IS NULL OR actual IS NULL THEN
        RETURN s;
    END IF;
    IF predicted IN ('NaN', 'Infinity', '-Infinity') OR actual IN ('NaN', 'Infinity', '-Infinity') THEN
        RAISE EXCEPTION 'predicted and actual must be finite, not % and %', predicted, actual
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN ARRAY[s[1] + 1, s[2] + abs(error)::numeric, s[3] + (error ^ 2)::numeric,
                 s[4] + error::numeric, s[5] + actual::numeric, s[6] + predicted::numeric];
END
$$;
COMMENT ON FUNCTION prediction_errors_add(numeric[], double precision, double precision) IS 'Transition function of clv.prediction_errors; not for direct use.';

CREATE FUNCTION prediction_errors_combine(a numeric[], b numeric[]) RETURNS numeric[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    x numeric[] := @extschema@.prediction_errors_state(a);
    y numeric[] := @extschema@.prediction_errors_state(b);
BEGIN
    RETURN ARRAY[x[1] + y[1], x[2] + y[2], x[3] + y[3], x[4] + y[4], x[5] + y[5], x[6] + y[6]];
END
$$;
COMMENT ON FUNCTION prediction_errors_combine(numeric[], numeric[]) IS 'Combine function of clv.prediction_errors (parallel query); not for direct use.';

CREATE FUNCTION prediction_errors_final(state numeric[]) RETURNS prediction_errors
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s numeric[] := @extschema@.prediction_errors_state(state);
BEGIN
    IF s[1] = 0 THEN
        RETURN NULL;
    END IF;
    RETURN ROW(s[1]::bigint, (s[2] / s[1])::float8, sqrt((greatest(s[3], 0) / s[1])::float8),
               (s[4] / s[1])::float8, (s[5] / s[1])::float8, (s[6] / s[1])::float8);
END
$$;
COMMENT ON FUNCTION prediction_errors_final(numeric[]) IS 'Final function of clv.prediction_errors; not for direct use.';

CREATE AGGREGATE prediction_errors(predicted double precision, actual double precision) (
    sfunc = prediction_errors_add, stype = numeric[], initcond = '{0,0,0,0,0,0}',
    combinefunc = prediction_errors_combine, finalfunc = prediction_errors_final, parallel = safe);
COMMENT ON AGGREGATE prediction_errors(double precision, double precision) IS 'Holdout error metrics of predictions against actual values (e.g. expected against actual holdout purchases): customers, MAE, RMSE, bias and the means; GROUP BY a segment for them by segment. Rows with a NULL are skipped; NULL when none is left.';
