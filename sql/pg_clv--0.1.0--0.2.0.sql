-- pg_clv 0.1.0 to 0.2.0 (ALTER EXTENSION pg_clv UPDATE). Checked by hand against the install
-- scripts of both versions (sql/pg_clv--0.1.0.sql and the one cargo pgrx generates), and by
-- tests/upgrade, which compares the updated catalog with a fresh 0.2.0 one object by object.
-- The objects 0.2.0 adds come first, as the 0.2.0 install script creates them; then what
-- changed: customer_value's cost, model_kind(spend_model)'s argument name, the comments that
-- were reworded, and the fit aggregates' state type (moved in place, see below). Stored values
-- (summaries, models, RFM breaks) keep their 0.1.0 binary formats: nothing to convert.
\echo Use "ALTER EXTENSION pg_clv UPDATE TO '0.2.0'" to load this file. \quit

CREATE TYPE bgbb_model;

CREATE TYPE sbg_model;

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

CREATE TYPE fit_state;

CREATE  FUNCTION "bgbb_fit_add"(
	"state" fit_state,
	"x" INT,
	"t_x" INT,
	"n" INT
) RETURNS fit_state
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_fit_add_wrapper';

CREATE  FUNCTION "bgbb_fit_add_weighted"(
	"state" fit_state,
	"x" INT,
	"t_x" INT,
	"n" INT,
	"weight" double precision
) RETURNS fit_state
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_fit_add_weighted_wrapper';

CREATE  FUNCTION "bgbb_fit_combine"(
	"into" fit_state,
	"from" fit_state
) RETURNS fit_state
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_fit_combine_wrapper';

CREATE  FUNCTION "bgbb_fit_final"(
	"state" fit_state
) RETURNS bgbb_model
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_fit_final_wrapper';

CREATE  FUNCTION "bgbb_model_in"(
	"input" cstring
) RETURNS bgbb_model
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_model_in_wrapper';

CREATE  FUNCTION "bgbb_model_out"(
	"model" bgbb_model
) RETURNS cstring
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_model_out_wrapper';

CREATE  FUNCTION "bgbb_model_recv"(
	"buffer" internal
) RETURNS bgbb_model
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_model_recv_wrapper';

CREATE  FUNCTION "bgbb_model_send"(
	"value" bgbb_model
) RETURNS bytea
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_model_send_wrapper';

CREATE TYPE bgbb_model (
    INPUT = bgbb_model_in, OUTPUT = bgbb_model_out, RECEIVE = bgbb_model_recv, SEND = bgbb_model_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended);
COMMENT ON TYPE bgbb_model IS 'A BG/BB model (Fader, Hardie & Shang 2010) of repeat transactions at discrete opportunities: parameters alpha, beta (transaction probability) and gamma, delta (dropout probability), and how it was fitted. Prints as JSON; published parameters can be entered as JSON.';
COMMENT ON FUNCTION bgbb_model_in(cstring) IS 'Text input of clv.bgbb_model (JSON: version, model, params, and optionally the fit fields).';
COMMENT ON FUNCTION bgbb_model_out(bgbb_model) IS 'Text output of clv.bgbb_model as JSON.';
COMMENT ON FUNCTION bgbb_model_recv(internal) IS 'Binary input of clv.bgbb_model (the versioned stored format).';
COMMENT ON FUNCTION bgbb_model_send(bgbb_model) IS 'Binary output of clv.bgbb_model (the versioned stored format).';

CREATE  FUNCTION "bgnbd_fit_final"(
	"state" fit_state
) RETURNS btyd_model
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgnbd_fit_final_wrapper';

CREATE  FUNCTION "btyd_fit_add_raw"(
	"state" fit_state,
	"x" double precision,
	"t_x" double precision,
	"t" double precision,
	"unit" TEXT
) RETURNS fit_state
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'btyd_fit_add_raw_wrapper';

CREATE  FUNCTION "btyd_fit_add_summary"(
	"state" fit_state,
	"summary" customer_summary,
	"as_of" date
) RETURNS fit_state
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'btyd_fit_add_summary_wrapper';

CREATE  FUNCTION "btyd_fit_add_summary_in_unit"(
	"state" fit_state,
	"summary" customer_summary,
	"as_of" date,
	"unit" TEXT
) RETURNS fit_state
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'btyd_fit_add_summary_in_unit_wrapper';

CREATE  FUNCTION "btyd_fit_combine"(
	"into" fit_state,
	"from" fit_state
) RETURNS fit_state
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'btyd_fit_combine_wrapper';

-- customer_value is about 5x faster in 0.2.0: the planner's cost says so.
ALTER FUNCTION customer_value(btyd_model, spend_model, customer_summary, date, integer, double precision) COST 40;

CREATE  FUNCTION "derl"(
	"model" sbg_model,
	"discount_rate" double precision,
	"renewals" INT DEFAULT 0
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'derl_wrapper';

CREATE  FUNCTION "dert"(
	"model" bgbb_model,
	"x" INT,
	"t_x" INT,
	"n" INT,
	"discount_rate" double precision
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE  COST 50
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_dert_wrapper';

CREATE  FUNCTION "dert"(
	"model" btyd_model,
	"s" customer_summary,
	"as_of" date,
	"annual_discount_rate" double precision
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE COST 4000
LANGUAGE c
AS 'MODULE_PATHNAME', 'dert_wrapper';

CREATE  FUNCTION "dert"(
	"model" btyd_model,
	"x" double precision,
	"t_x" double precision,
	"t" double precision,
	"annual_discount_rate" double precision
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE  COST 4000
LANGUAGE c
AS 'MODULE_PATHNAME', 'dert_raw_wrapper';

CREATE  FUNCTION "expected_lifetime"(
	"model" sbg_model
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'expected_lifetime_wrapper';

CREATE  FUNCTION "expected_purchases"(
	"model" bgbb_model,
	"x" INT,
	"t_x" INT,
	"n" INT,
	"opportunities" INT
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE  COST 20
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_expected_purchases_wrapper';

CREATE  FUNCTION "fit_state_in"(
	"input" cstring
) RETURNS fit_state
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'fit_state_in_wrapper';

CREATE  FUNCTION "fit_state_out"(
	"state" fit_state
) RETURNS cstring
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'fit_state_out_wrapper';

CREATE  FUNCTION "fit_state_recv"(
	"buffer" internal
) RETURNS fit_state
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'fit_state_recv_wrapper';

CREATE  FUNCTION "fit_state_send"(
	"state" fit_state
) RETURNS bytea
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'fit_state_send_wrapper';

CREATE TYPE fit_state (
    INPUT = fit_state_in,
    OUTPUT = fit_state_out,
    RECEIVE = fit_state_recv,
    SEND = fit_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE fit_state IS
'The partial state of a fit aggregate (clv.bgnbd_fit and the others): the merged, weighted observations. A type of its own rather than internal so that Citus runs fits on its shards and sends these states, not every customer, to the coordinator. Not for storing: the form may change between versions.';
COMMENT ON FUNCTION fit_state_in(cstring) IS 'Text input of clv.fit_state (base64 of the compact binary state, as fit_state_out prints it); checked by reading it.';
COMMENT ON FUNCTION fit_state_out(fit_state) IS 'Text output of clv.fit_state: base64 of the compact binary state.';
COMMENT ON FUNCTION fit_state_recv(internal) IS 'Binary input of clv.fit_state (the compact binary state); checked by reading it.';
COMMENT ON FUNCTION fit_state_send(fit_state) IS 'Binary output of clv.fit_state: the compact binary state.';

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

CREATE  FUNCTION "fit_statistics"(
	"model" bgbb_model
) RETURNS TABLE (
	"model" TEXT, 
	"parameters" INT, 
	"customers" double precision, 
	"log_likelihood" double precision, 
	"aic" double precision, 
	"bic" double precision, 
	"converged" bool 
)
IMMUTABLE STRICT PARALLEL SAFE 
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_fit_statistics_wrapper';

CREATE  FUNCTION "fit_statistics"(
	"model" btyd_model
) RETURNS TABLE (
	"model" TEXT, 
	"parameters" INT, 
	"customers" double precision, 
	"log_likelihood" double precision, 
	"aic" double precision, 
	"bic" double precision, 
	"converged" bool 
)
IMMUTABLE STRICT PARALLEL SAFE 
LANGUAGE c
AS 'MODULE_PATHNAME', 'btyd_fit_statistics_wrapper';

CREATE  FUNCTION "fit_statistics"(
	"model" sbg_model
) RETURNS TABLE (
	"model" TEXT, 
	"parameters" INT, 
	"customers" double precision, 
	"log_likelihood" double precision, 
	"aic" double precision, 
	"bic" double precision, 
	"converged" bool 
)
IMMUTABLE STRICT PARALLEL SAFE 
LANGUAGE c
AS 'MODULE_PATHNAME', 'sbg_fit_statistics_wrapper';

CREATE  FUNCTION "fit_statistics"(
	"model" spend_model
) RETURNS TABLE (
	"model" TEXT, 
	"parameters" INT, 
	"customers" double precision, 
	"log_likelihood" double precision, 
	"aic" double precision, 
	"bic" double precision, 
	"converged" bool 
)
IMMUTABLE STRICT PARALLEL SAFE 
LANGUAGE c
AS 'MODULE_PATHNAME', 'spend_fit_statistics_wrapper';

CREATE  FUNCTION "gamma_gamma_add_raw"(
	"state" fit_state,
	"x" double precision,
	"mean_spend" double precision
) RETURNS fit_state
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'gamma_gamma_add_raw_wrapper';

CREATE  FUNCTION "gamma_gamma_add_summary"(
	"state" fit_state,
	"summary" customer_summary,
	"as_of" date
) RETURNS fit_state
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'gamma_gamma_add_summary_wrapper';

CREATE  FUNCTION "gamma_gamma_combine"(
	"into" fit_state,
	"from" fit_state
) RETURNS fit_state
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'gamma_gamma_combine_wrapper';

CREATE  FUNCTION "gamma_gamma_fit_final"(
	"state" fit_state
) RETURNS spend_model
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'gamma_gamma_fit_final_wrapper';

COMMENT ON FUNCTION generate_orders(bigint, date, date, bigint, double precision, double precision, double precision, double precision, double precision, double precision, double precision, date) IS
'Simulated orders (customer_id, ordered_at, amount) of customers 1..customers who buy as BG/NBD says (rates per day ~ Gamma(r, alpha), dropout after each repeat purchase ~ Beta(a, b)) and spend as Gamma-Gamma says (p, q, v). First orders fall uniformly in [start_date, acquisition_end) (default end_date); orders stop before end_date. Amounts are rounded to cents (at least 0.01). At most 100,000,000 customers per call and 100,000 orders per customer (ERROR 54000 beyond). Defaults are CDNOW''s fitted values in days. The same seed gives the same rows; customer k''s orders do not depend on how many customers are simulated.';

CREATE  FUNCTION "holdout_comparison"(
	"model" btyd_model,
	"s" customer_summary,
	"calibration_end" date,
	"holdout_end" date,
	"max_x" INT DEFAULT 7
) RETURNS TABLE (
	"calibration_purchases" INT, 
	"holdout_purchases" bigint, 
	"expected_holdout_purchases" double precision 
)
IMMUTABLE STRICT PARALLEL SAFE COST 20
LANGUAGE c
AS 'MODULE_PATHNAME', 'holdout_comparison_wrapper';

CREATE  FUNCTION "mbgnbd_fit_final"(
	"state" fit_state
) RETURNS btyd_model
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'mbgnbd_fit_final_wrapper';

CREATE  FUNCTION "model_converged"(
	"model" bgbb_model
) RETURNS bool
IMMUTABLE STRICT PARALLEL SAFE 
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_model_converged_wrapper';

CREATE  FUNCTION "model_converged"(
	"model" sbg_model
) RETURNS bool
IMMUTABLE STRICT PARALLEL SAFE 
LANGUAGE c
AS 'MODULE_PATHNAME', 'sbg_model_converged_wrapper';

CREATE  FUNCTION "model_kind"(
	"model" bgbb_model
) RETURNS TEXT
IMMUTABLE STRICT PARALLEL SAFE 
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_model_kind_wrapper';

CREATE  FUNCTION "model_kind"(
	"model" sbg_model
) RETURNS TEXT
IMMUTABLE STRICT PARALLEL SAFE 
LANGUAGE c
AS 'MODULE_PATHNAME', 'sbg_model_kind_wrapper';


CREATE  FUNCTION "model_log_likelihood"(
	"model" bgbb_model
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE 
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_model_log_likelihood_wrapper';

CREATE  FUNCTION "model_log_likelihood"(
	"model" sbg_model
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE 
LANGUAGE c
AS 'MODULE_PATHNAME', 'sbg_model_log_likelihood_wrapper';

CREATE  FUNCTION "model_parameters"(
	"model" bgbb_model
) RETURNS TABLE (
	"parameter" TEXT, 
	"estimate" double precision, 
	"std_error" double precision 
)
IMMUTABLE STRICT PARALLEL SAFE 
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_model_parameters_wrapper';

COMMENT ON FUNCTION model_parameters(btyd_model) IS 'The parameters of a purchase model with their standard errors (NULL when not estimable or entered by hand), one row each.';
COMMENT ON FUNCTION model_kind(btyd_model) IS 'bgnbd, mbgnbd or pareto_nbd.';
COMMENT ON FUNCTION model_converged(btyd_model) IS 'Whether the fit converged; NULL for a model entered by hand.';
COMMENT ON FUNCTION model_log_likelihood(btyd_model) IS 'Log-likelihood of the fitted parameters; NULL for a model entered by hand.';
COMMENT ON FUNCTION fit_statistics(btyd_model) IS 'One row to compare fitted models on the same data: model, number of parameters k, customers n, log-likelihood, AIC (2k - 2 ln L) and BIC (k ln n - 2 ln L), lower is better; converged. NULL fit columns for a model entered by hand.';

CREATE  FUNCTION "model_parameters"(
	"model" sbg_model
) RETURNS TABLE (
	"parameter" TEXT, 
	"estimate" double precision, 
	"std_error" double precision 
)
IMMUTABLE STRICT PARALLEL SAFE 
LANGUAGE c
AS 'MODULE_PATHNAME', 'sbg_model_parameters_wrapper';

CREATE  FUNCTION "p_alive"(
	"model" bgbb_model,
	"x" INT,
	"t_x" INT,
	"n" INT
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE  COST 20
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_p_alive_wrapper';

CREATE  FUNCTION "p_alive_ahead"(
	"model" bgbb_model,
	"x" INT,
	"t_x" INT,
	"n" INT,
	"opportunities" INT,
	"assume_no_purchase" bool DEFAULT false
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE  COST 20
LANGUAGE c
AS 'MODULE_PATHNAME', 'bgbb_p_alive_ahead_wrapper';

COMMENT ON FUNCTION p_alive(bgbb_model, integer, integer, integer) IS 'BG/BB: probability that a customer with x transactions in n opportunities, the last at t_x, is alive at the next opportunity (n + 1; Fader, Hardie & Shang 2010 eq. 11).';
COMMENT ON FUNCTION p_alive_ahead(bgbb_model, integer, integer, integer, integer, boolean) IS 'BG/BB: probability that the customer is alive at opportunity n + 1 + opportunities, whatever they do in between; with assume_no_purchase, given no transaction in between.';
COMMENT ON FUNCTION expected_purchases(bgbb_model, integer, integer, integer, integer) IS 'BG/BB: expected transactions in the next opportunities (Fader, Hardie & Shang 2010 eq. 13).';
COMMENT ON FUNCTION dert(bgbb_model, integer, integer, integer, double precision) IS 'BG/BB: discounted expected residual transactions, the next opportunity discounted by 1 + discount_rate, each later one by another such factor (Fader, Hardie & Shang 2010 eq. 14).';
COMMENT ON FUNCTION model_parameters(bgbb_model) IS 'The parameters of a BG/BB model with their standard errors (NULL when not estimable or entered by hand), one row each.';
COMMENT ON FUNCTION model_kind(bgbb_model) IS 'bgbb.';
COMMENT ON FUNCTION model_converged(bgbb_model) IS 'Whether the fit converged; NULL for a model entered by hand.';
COMMENT ON FUNCTION model_log_likelihood(bgbb_model) IS 'Log-likelihood of the fitted parameters; NULL for a model entered by hand.';
COMMENT ON FUNCTION fit_statistics(bgbb_model) IS 'One row to compare fitted models on the same data: model, number of parameters k, customers n, log-likelihood, AIC (2k - 2 ln L) and BIC (k ln n - 2 ln L), lower is better; converged. NULL fit columns for a model entered by hand.';

CREATE  FUNCTION "p_alive_ahead"(
	"model" btyd_model,
	"s" customer_summary,
	"as_of" date,
	"horizon" double precision,
	"assume_no_purchase" bool DEFAULT false
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE COST 20
LANGUAGE c
AS 'MODULE_PATHNAME', 'p_alive_ahead_wrapper';

CREATE  FUNCTION "p_alive_ahead"(
	"model" btyd_model,
	"x" double precision,
	"t_x" double precision,
	"t" double precision,
	"horizon" double precision,
	"assume_no_purchase" bool DEFAULT false
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE  COST 20
LANGUAGE c
AS 'MODULE_PATHNAME', 'p_alive_ahead_raw_wrapper';

CREATE  FUNCTION "p_alive_at"(
	"model" btyd_model,
	"s" customer_summary,
	"as_of" date,
	"at" date,
	"assume_no_purchase" bool DEFAULT false
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE COST 20
LANGUAGE c
AS 'MODULE_PATHNAME', 'p_alive_at_wrapper';

CREATE  FUNCTION "pareto_nbd_fit_final"(
	"state" fit_state
) RETURNS btyd_model
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'pareto_nbd_fit_final_wrapper';


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

CREATE  FUNCTION "prediction_grid"(
	"model" btyd_model,
	"t" double precision,
	"horizon" double precision,
	"max_x" INT DEFAULT 20,
	"recency_steps" INT DEFAULT 20
) RETURNS TABLE (
	"x" INT, 
	"t_x" double precision, 
	"p_alive" double precision, 
	"expected_purchases" double precision 
)
IMMUTABLE STRICT PARALLEL SAFE COST 1000
LANGUAGE c
AS 'MODULE_PATHNAME', 'prediction_grid_wrapper';

COMMENT ON FUNCTION p_alive(btyd_model, customer_summary, date) IS 'Probability that the customer is still active at as_of, from the orders up to as_of. NULL if the customer had not ordered by as_of. BG/NBD gives 1 for one-time buyers.';
COMMENT ON FUNCTION p_alive(btyd_model, double precision, double precision, double precision) IS 'Probability that a customer with repeat purchases x, t_x and age T (in the model''s unit) is still active.';
COMMENT ON FUNCTION expected_purchases(btyd_model, customer_summary, date, double precision) IS 'Expected number of purchases in the horizon (in the model''s time unit) after as_of, given the orders up to as_of.';
COMMENT ON FUNCTION expected_purchases(btyd_model, double precision, double precision, double precision, double precision) IS 'Expected number of purchases in the horizon after T, given x, t_x and T (all in the model''s unit).';
COMMENT ON FUNCTION expected_purchases(btyd_model, double precision) IS 'Expected number of repeat purchases of a new customer in the horizon after their first purchase (model''s unit).';
COMMENT ON FUNCTION prob_purchases(btyd_model, customer_summary, date, integer, double precision) IS 'Probability of exactly n purchases in the horizon (model''s unit) after as_of.';
COMMENT ON FUNCTION prob_purchases(btyd_model, double precision, double precision, double precision, integer, double precision) IS 'Probability of exactly n purchases in the horizon after T, given x, t_x and T (model''s unit).';
COMMENT ON FUNCTION prob_no_purchase(btyd_model, customer_summary, date, double precision) IS 'Probability of no purchase in the horizon (model''s unit) after as_of: the churn probability over that horizon.';
COMMENT ON FUNCTION prob_no_purchase(btyd_model, double precision, double precision, double precision, double precision) IS 'Probability of no purchase in the horizon after T, given x, t_x and T (model''s unit).';
COMMENT ON FUNCTION expected_next_order_date(btyd_model, customer_summary, date) IS 'The date by which the customer has ordered again with probability 1/2 (median of the waiting time, from the model and the orders up to as_of). NULL when the customer is more likely never to order again.';
COMMENT ON FUNCTION p_alive_ahead(btyd_model, customer_summary, date, double precision, boolean) IS 'Probability that the customer is still active horizon time units (the model''s unit) after as_of: whatever they do in between, or, with assume_no_purchase, given that they make no purchase in between (P(alive) of the same history watched longer). NULL if the customer had not ordered by as_of.';
COMMENT ON FUNCTION p_alive_ahead(btyd_model, double precision, double precision, double precision, double precision, boolean) IS 'Probability that a customer with x, t_x and T (model''s unit) is still active horizon time units after T; with assume_no_purchase, given no purchase in between.';
COMMENT ON FUNCTION dert(btyd_model, customer_summary, date, double precision) IS 'Discounted expected residual transactions after as_of: every future purchase, discounted continuously at the effective annual_discount_rate (0.1 = 10% a year). Pareto/NBD in closed form (Fader, Hardie and Lee 2005), BG/NBD and MBG/NBD by quadrature. NULL if the customer had not ordered by as_of.';
COMMENT ON FUNCTION dert(btyd_model, double precision, double precision, double precision, double precision) IS 'Discounted expected residual transactions after T of a customer with x, t_x and T (model''s unit), at the effective annual_discount_rate.';
COMMENT ON FUNCTION p_alive_at(btyd_model, customer_summary, date, date, boolean) IS 'Probability that the customer is still active on the date at (not before as_of), from the orders up to as_of: clv.p_alive_ahead with the horizon from as_of to at.';

CREATE  FUNCTION "purchase_tracking"(
	"model" btyd_model,
	"s" customer_summary,
	"until" date,
	"unit" TEXT DEFAULT 'week'
) RETURNS TABLE (
	"period_start" date, 
	"repeat_purchases" bigint, 
	"expected_repeat_purchases" double precision 
)
IMMUTABLE STRICT PARALLEL SAFE COST 200
LANGUAGE c
AS 'MODULE_PATHNAME', 'purchase_tracking_wrapper';

CREATE  FUNCTION "repeat_purchase_distribution"(
	"model" btyd_model,
	"s" customer_summary,
	"as_of" date,
	"max_x" INT DEFAULT 7
) RETURNS TABLE (
	"repeat_purchases" INT, 
	"probability" double precision, 
	"observed" bool 
)
IMMUTABLE STRICT PARALLEL SAFE COST 200
LANGUAGE c
AS 'MODULE_PATHNAME', 'repeat_purchase_distribution_wrapper';

COMMENT ON FUNCTION purchase_tracking(btyd_model, customer_summary, date, text) IS 'Tracking diagnostic, one row per calendar period (unit day, week, month, quarter or year) from the customer''s first order to until: their repeat purchase days in the period and what the model expects of a new customer in the same days since the first purchase. Summed over customers by period_start it is the classic calibration/holdout tracking plot.';
COMMENT ON FUNCTION repeat_purchase_distribution(btyd_model, customer_summary, date, integer) IS 'Frequency-histogram diagnostic: the model''s probabilities of 0, 1, ..., max_x - 1 and max_x or more repeat purchases for a customer of this age at as_of, and which bin the customer is in (observed). Summed over customers: expected against actual customers per number of repeat purchases. No rows if no order by as_of.';
COMMENT ON FUNCTION prediction_grid(btyd_model, double precision, double precision, integer, integer) IS 'A (frequency, recency) grid for heat maps at age T = t (model''s unit): P(alive) and expected purchases over horizon for x = 0..max_x and t_x in recency_steps steps from 0 to t (t_x = 0 only when x = 0).';
COMMENT ON FUNCTION holdout_comparison(btyd_model, customer_summary, date, date, integer) IS 'Calibration/holdout diagnostic for one customer: repeat purchases by calibration_end (capped at max_x, the "max_x or more" bin), repeat purchases after it up to holdout_end, and what the model expected at calibration_end for that holdout. Averaged by calibration_purchases it is the calibration/holdout plot. No row if no order by calibration_end.';

CREATE  FUNCTION "residual_value"(
	"purchases" btyd_model,
	"spend" spend_model,
	"s" customer_summary,
	"as_of" date,
	"annual_discount_rate" double precision
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE COST 4000
LANGUAGE c
AS 'MODULE_PATHNAME', 'residual_value_wrapper';

COMMENT ON FUNCTION expected_spend(spend_model, customer_summary, date) IS 'Expected spend per purchase day of the customer (Gamma-Gamma conditional mean, FHL 2005): a weighted mean of the population mean and the customer''s own repeat spend, from the orders up to as_of. One-time buyers get the population mean; a repeat spend that is not positive counts as 0. NULL if no order by as_of.';
COMMENT ON FUNCTION expected_spend(spend_model, double precision, double precision) IS 'Expected spend per purchase day for x repeat purchase days with mean spend mean_spend.';
COMMENT ON FUNCTION customer_value(btyd_model, spend_model, customer_summary, date, integer, double precision) IS 'Discounted customer lifetime value over the next months (30-day months): expected purchases in each month times expected spend per purchase, discounted by (1 + monthly_discount_rate)^month. As lifetimes'' customer_lifetime_value(freq=''D''). NULL if no order by as_of.';
COMMENT ON FUNCTION model_parameters(spend_model) IS 'The parameters p, q, v of a spend model with their standard errors, one row each.';
COMMENT ON FUNCTION model_kind(spend_model) IS 'gamma_gamma.';
COMMENT ON FUNCTION model_converged(spend_model) IS 'Whether the fit converged; NULL for a model entered by hand.';
COMMENT ON FUNCTION model_log_likelihood(spend_model) IS 'Log-likelihood of the fitted parameters; NULL for a model entered by hand.';
COMMENT ON FUNCTION residual_value(btyd_model, spend_model, customer_summary, date, double precision) IS 'Residual customer value after as_of: discounted expected residual transactions (clv.dert, at the effective annual_discount_rate) times the expected spend per purchase (Fader, Hardie and Lee 2005). NULL if the customer had not ordered by as_of.';
COMMENT ON FUNCTION fit_statistics(spend_model) IS 'One row to compare fitted models on the same data: model, number of parameters k, customers n, log-likelihood, AIC (2k - 2 ln L) and BIC (k ln n - 2 ln L), lower is better; converged. NULL fit columns for a model entered by hand.';

CREATE  FUNCTION "retention_curve"(
	"model" sbg_model,
	"periods" INT
) RETURNS TABLE (
	"period" INT, 
	"survival" double precision, 
	"retention_rate" double precision 
)
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'retention_curve_wrapper';

CREATE  FUNCTION "retention_rate"(
	"model" sbg_model,
	"period" INT
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'retention_rate_wrapper';

CREATE  FUNCTION "sbg_fit"(
	"survivors" bigint[]
) RETURNS sbg_model
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'sbg_fit_wrapper';

CREATE  FUNCTION "sbg_model_in"(
	"input" cstring
) RETURNS sbg_model
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'sbg_model_in_wrapper';

CREATE  FUNCTION "sbg_model_out"(
	"model" sbg_model
) RETURNS cstring
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'sbg_model_out_wrapper';

CREATE  FUNCTION "sbg_model_recv"(
	"buffer" internal
) RETURNS sbg_model
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'sbg_model_recv_wrapper';

CREATE  FUNCTION "sbg_model_send"(
	"value" sbg_model
) RETURNS bytea
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'sbg_model_send_wrapper';

CREATE TYPE sbg_model (
    INPUT = sbg_model_in, OUTPUT = sbg_model_out, RECEIVE = sbg_model_recv, SEND = sbg_model_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended);
COMMENT ON TYPE sbg_model IS 'A shifted-beta-geometric model of contractual retention (Fader & Hardie 2007): parameters alpha, beta of the Beta-distributed cancellation probability, and how it was fitted. Prints as JSON; published parameters can be entered as JSON.';
COMMENT ON FUNCTION sbg_model_in(cstring) IS 'Text input of clv.sbg_model (JSON: version, model, params, and optionally the fit fields).';
COMMENT ON FUNCTION sbg_model_out(sbg_model) IS 'Text output of clv.sbg_model as JSON.';
COMMENT ON FUNCTION sbg_model_recv(internal) IS 'Binary input of clv.sbg_model (the versioned stored format).';
COMMENT ON FUNCTION sbg_model_send(sbg_model) IS 'Binary output of clv.sbg_model (the versioned stored format).';


COMMENT ON AGGREGATE gamma_gamma_fit(customer_summary, date) IS 'Fits the Gamma-Gamma spend model (Fader, Hardie & Lee 2005) on repeat buyers at as_of: repeat purchase days and mean spend per repeat day (clv.repeat_spend_mean). One-time buyers and repeat buyers without positive repeat spend are excluded and counted in the model. NULL when no customer qualifies.';
COMMENT ON AGGREGATE gamma_gamma_fit(double precision, double precision) IS 'Fits the Gamma-Gamma spend model on raw (x, mean spend per repeat purchase) pairs; x < 1 or mean_spend <= 0 are excluded and counted.';
COMMENT ON FUNCTION gamma_gamma_add_summary(fit_state, customer_summary, date) IS 'Transition function of clv.gamma_gamma_fit over summaries; not for direct use.';
COMMENT ON FUNCTION gamma_gamma_add_raw(fit_state, double precision, double precision) IS 'Transition function of clv.gamma_gamma_fit over raw numbers; not for direct use.';
COMMENT ON FUNCTION gamma_gamma_combine(fit_state, fit_state) IS 'Combine function of clv.gamma_gamma_fit (parallel query, Citus); not for direct use.';
COMMENT ON FUNCTION gamma_gamma_fit_final(fit_state) IS 'Final function of clv.gamma_gamma_fit; not for direct use.';

CREATE  FUNCTION "summary_merge"(
	"a" customer_summary,
	"b" customer_summary
) RETURNS customer_summary
IMMUTABLE PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'summary_merge_wrapper';

CREATE OPERATOR + (LEFTARG = customer_summary, RIGHTARG = customer_summary, FUNCTION = summary_merge, COMMUTATOR = +);
COMMENT ON FUNCTION summary_merge(customer_summary, customer_summary) IS 'Two summaries of one customer''s orders as one, byte-identical to the summary of all their orders: days in both add up. NULL counts as no orders. The operator + is the same.';
COMMENT ON OPERATOR + (customer_summary, customer_summary) IS 'Merges two summaries of one customer (clv.summary_merge): summaries.s + EXCLUDED.s folds new orders into a stored summary.';

--
-- Every function here runs with search_path = pg_catalog, pg_temp and names pg_clv's objects
-- with their schema; tables come in as regclass and columns as name, and reach dynamic SQL
-- only through format's %s (a regclass prints quoted and qualified) and %I: no string the
-- caller passes is ever spliced into SQL unquoted.

-- ERROR 42703 unless table `tbl` has every column of `columns` (names passed by the caller go
-- into dynamic SQL only after this check).
CREATE FUNCTION check_columns(tbl regclass, columns name[]) RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    missing name := (SELECT c FROM unnest(columns) c
                     WHERE c IS NULL OR NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = c
                                                                             AND a.attnum > 0 AND NOT a.attisdropped)
                     LIMIT 1);
BEGIN
    IF missing IS NOT NULL OR array_position(columns, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'table % has no column %', tbl, coalesce(quote_ident(missing), 'NULL')
            USING ERRCODE = 'undefined_column';
    END IF;
    -- Each column plays its own part (customer, time, amount, summary).
    IF (SELECT count(DISTINCT c) FROM unnest(columns) c) < cardinality(columns) THEN
        RAISE EXCEPTION 'columns of table % must be different, not %', tbl, columns
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
COMMENT ON FUNCTION check_columns(regclass, name[]) IS 'Checks that a table has the named columns, all different, for the summary refresh functions; not for direct use.';

-- The trigger function behind clv.track_order_changes. Arguments: the change table, then the
-- orders' customer, time and amount columns. Inserted orders are logged whole (they fold into
-- the stored summary); updated and deleted ones log their customer for recomputation;
-- TRUNCATE logs a row with a NULL customer: rebuild everything.
CREATE FUNCTION log_order_changes() RETURNS trigger
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE format('INSERT INTO %s (customer_id, ordered_at, amount, recompute) SELECT %I, %I, %I, false FROM clv_new_rows',
                       TG_ARGV[0], TG_ARGV[1], TG_ARGV[2], TG_ARGV[3]);
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE format('INSERT INTO %s (customer_id, recompute) SELECT DISTINCT %I, true FROM clv_old_rows',
                       TG_ARGV[0], TG_ARGV[1]);
    ELSIF TG_OP = 'UPDATE' THEN
        EXECUTE format('INSERT INTO %1$s (customer_id, recompute) SELECT %2$I, true FROM clv_old_rows UNION SELECT %2$I, true FROM clv_new_rows',
                       TG_ARGV[0], TG_ARGV[1]);
    ELSE  -- TRUNCATE
        EXECUTE format('INSERT INTO %s (customer_id, recompute) VALUES (NULL, true)', TG_ARGV[0]);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION log_order_changes() IS 'Trigger function of clv.track_order_changes: logs inserted orders, and the customers of updated, deleted or truncated ones, in the change table; not for direct use. Writes tables: VOLATILE, PARALLEL UNSAFE.';

CREATE FUNCTION track_order_changes(orders regclass, customer_column name DEFAULT 'customer_id',
                                    ordered_at_column name DEFAULT 'ordered_at', amount_column name DEFAULT 'amount')
RETURNS regclass
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    column_type text[];
    changes regclass;
    changes_name text := (SELECT relname FROM pg_class WHERE oid = orders) || '_clv_changes';
    schema_name name := (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = orders);
    arguments text;
BEGIN
    PERFORM clv.check_columns(orders, ARRAY[customer_column, ordered_at_column, amount_column]);
    SELECT array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY k)
    INTO column_type
    FROM unnest(ARRAY[customer_column, ordered_at_column, amount_column]) WITH ORDINALITY c(name, k)
    JOIN pg_attribute a ON a.attrelid = orders AND a.attname = c.name;
    EXECUTE format('CREATE TABLE %I.%I (customer_id %s, ordered_at %s, amount %s, recompute boolean NOT NULL)',
                   schema_name, changes_name, column_type[1], column_type[2], column_type[3]);
    changes := format('%I.%I', schema_name, changes_name)::regclass;
    arguments := format('%L, %L, %L, %L', changes::text, customer_column, ordered_at_column, amount_column);
    EXECUTE format('CREATE TRIGGER clv_log_inserts AFTER INSERT ON %s REFERENCING NEW TABLE AS clv_new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION clv.log_order_changes(%s)', orders, arguments);
    EXECUTE format('CREATE TRIGGER clv_log_updates AFTER UPDATE ON %s REFERENCING OLD TABLE AS clv_old_rows NEW TABLE AS clv_new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION clv.log_order_changes(%s)', orders, arguments);
    EXECUTE format('CREATE TRIGGER clv_log_deletes AFTER DELETE ON %s REFERENCING OLD TABLE AS clv_old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION clv.log_order_changes(%s)', orders, arguments);
    EXECUTE format('CREATE TRIGGER clv_log_truncates AFTER TRUNCATE ON %s
                    FOR EACH STATEMENT EXECUTE FUNCTION clv.log_order_changes(%s)', orders, arguments);
    RETURN changes;
END
$$;
COMMENT ON FUNCTION track_order_changes(regclass, name, name, name) IS 'Starts logging the changes of an orders table for clv.refresh_summaries: creates the change table <orders>_clv_changes next to it and statement-level triggers (clv_log_*) that fill it. Returns the change table. Run it once, before building the summaries. Writes tables: VOLATILE, PARALLEL UNSAFE.';

-- A full rebuild: every customer's summary from every order.
CREATE FUNCTION rebuild_summaries(orders regclass, summaries regclass, changes regclass,
                                  customer_column name DEFAULT 'customer_id', ordered_at_column name DEFAULT 'ordered_at',
                                  amount_column name DEFAULT 'amount', summary_column name DEFAULT 's')
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    customers bigint;
BEGIN
    PERFORM clv.check_columns(orders, ARRAY[customer_column, ordered_at_column, amount_column]);
    PERFORM clv.check_columns(summaries, ARRAY[customer_column, summary_column]);
    PERFORM clv.check_columns(changes, ARRAY['customer_id', 'ordered_at', 'amount', 'recompute']::name[]);
    -- Order writers wait for the rebuild (their trigger writes the change table), so the log
    -- and the orders read here agree.
    EXECUTE format('LOCK TABLE %s IN SHARE MODE', changes);
    EXECUTE format('DELETE FROM %s', changes);
    EXECUTE format('DELETE FROM %s', summaries);
    EXECUTE format('INSERT INTO %s (%I, %I) SELECT %I, clv.customer_summary(%I, %I) FROM %s WHERE %I IS NOT NULL GROUP BY %I',
                   summaries, customer_column, summary_column, customer_column, ordered_at_column, amount_column,
                   orders, customer_column, customer_column);
    GET DIAGNOSTICS customers = ROW_COUNT;
    RETURN customers;
END
$$;
COMMENT ON FUNCTION rebuild_summaries(regclass, regclass, regclass, name, name, name, name) IS 'Rebuilds a summaries table (customer column, summary column) from the orders table (orders without a customer are skipped) and empties its change log: the initial load, and the reference an incremental refresh equals. Returns the customers. Writes tables: VOLATILE, PARALLEL UNSAFE.';

CREATE FUNCTION refresh_summaries(orders regclass, summaries regclass, changes regclass,
                                  customer_column name DEFAULT 'customer_id', ordered_at_column name DEFAULT 'ordered_at',
                                  amount_column name DEFAULT 'amount', summary_column name DEFAULT 's')
RETURNS TABLE (appended bigint, recomputed bigint, removed bigint)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    truncated boolean;
    stored bigint;
BEGIN
    PERFORM clv.check_columns(orders, ARRAY[customer_column, ordered_at_column, amount_column]);
    PERFORM clv.check_columns(summaries, ARRAY[customer_column, summary_column]);
    PERFORM clv.check_columns(changes, ARRAY['customer_id', 'ordered_at', 'amount', 'recompute']::name[]);
    -- Order writers wait for the refresh (their trigger writes the change table): the log
    -- consumed and the orders read agree, whatever commits meanwhile.
    EXECUTE format('LOCK TABLE %s IN SHARE MODE', changes);
    EXECUTE format('SELECT EXISTS (SELECT FROM %s WHERE customer_id IS NULL AND recompute)', changes) INTO truncated;
    IF truncated THEN
        -- A rebuild replaces every stored summary: it removes them all and recomputes.
        EXECUTE format('SELECT count(*) FROM %s', summaries) INTO stored;
        appended := 0;
        recomputed := clv.rebuild_summaries(orders, summaries, changes, customer_column, ordered_at_column,
                                            amount_column, summary_column);
        removed := stored;
        RETURN NEXT;
        RETURN;
    END IF;
    -- New orders of customers with nothing else logged fold into their stored summary;
    -- customers with an updated or deleted order are summarized again from all their orders,
    -- or removed when none is left.
    RETURN QUERY EXECUTE format($sql$
        WITH consumed AS (DELETE FROM %1$s RETURNING customer_id, ordered_at, amount, recompute),
        recompute AS (SELECT DISTINCT customer_id FROM consumed WHERE recompute AND customer_id IS NOT NULL),
        fresh AS (
            SELECT o.%4$I AS customer_id, clv.customer_summary(o.%5$I, o.%6$I) AS s
            FROM %2$s o WHERE o.%4$I IN (SELECT customer_id FROM recompute) GROUP BY o.%4$I),
        removed AS (
            DELETE FROM %3$s t WHERE t.%4$I IN (SELECT customer_id FROM recompute)
                                 AND t.%4$I NOT IN (SELECT customer_id FROM fresh) RETURNING 1),
        replaced AS (
            INSERT INTO %3$s AS t (%4$I, %7$I) SELECT customer_id, s FROM fresh
            ON CONFLICT (%4$I) DO UPDATE SET %7$I = EXCLUDED.%7$I RETURNING 1),
        appended AS (
            INSERT INTO %3$s AS t (%4$I, %7$I)
            SELECT customer_id, clv.customer_summary(ordered_at, amount) FROM consumed
            WHERE NOT recompute AND customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM recompute)
            GROUP BY customer_id
            ON CONFLICT (%4$I) DO UPDATE SET %7$I = t.%7$I OPERATOR(clv.+) EXCLUDED.%7$I RETURNING 1)
        SELECT (SELECT count(*) FROM appended), (SELECT count(*) FROM replaced), (SELECT count(*) FROM removed)
        $sql$, changes, orders, summaries, customer_column, ordered_at_column, amount_column, summary_column);
END
$$;
COMMENT ON FUNCTION refresh_summaries(regclass, regclass, regclass, name, name, name, name) IS 'Brings a summaries table up to date with the orders logged by clv.track_order_changes since the last refresh, at a cost proportional to those orders: new orders fold in with clv.summary_merge, customers with updated or deleted orders are summarized again, a logged TRUNCATE rebuilds (all stored summaries removed, all customers recomputed). The result equals clv.rebuild_summaries byte for byte. Needs a unique index on the summaries'' customer column. Returns the customers appended to, recomputed and removed. Writes tables: VOLATILE, PARALLEL UNSAFE.';

CREATE  FUNCTION "survival"(
	"model" sbg_model,
	"period" INT
) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c
AS 'MODULE_PATHNAME', 'survival_wrapper';

COMMENT ON FUNCTION sbg_fit(bigint[]) IS 'Fits the shifted-beta-geometric model on one cohort''s survivor counts: customers still active at the start of periods 0, 1, ..., n (non-increasing, 2 to 1201 counts). A fit that does not converge is returned with converged false and a WARNING.';
COMMENT ON FUNCTION survival(sbg_model, integer) IS 'sBG: share of a new cohort still active after period (0 to 1200) periods, B(alpha, beta + period) / B(alpha, beta).';
COMMENT ON FUNCTION retention_rate(sbg_model, integer) IS 'sBG: share of the customers active in period - 1 who renew into period (1 to 1200): (beta + period - 1) / (alpha + beta + period - 1), rising with tenure.';
COMMENT ON FUNCTION retention_curve(sbg_model, integer) IS 'sBG: survival and retention rate for periods 0 to periods, one row each, for charts (retention_rate is NULL for period 0).';
COMMENT ON FUNCTION expected_lifetime(sbg_model) IS 'sBG: mean number of periods a new customer pays, (alpha + beta - 1) / (alpha - 1); ERROR 22003 when alpha <= 1, where the mean is infinite.';
COMMENT ON FUNCTION derl(sbg_model, double precision, integer) IS 'sBG: discounted expected residual lifetime of a customer who has renewed renewals times (Fader & Hardie 2010 eq. 6): the expected number of their future payments, the next undiscounted and each later one discounted by another 1 + discount_rate.';
COMMENT ON FUNCTION model_parameters(sbg_model) IS 'The parameters of an sBG model with their standard errors (NULL when not estimable or entered by hand), one row each.';
COMMENT ON FUNCTION model_kind(sbg_model) IS 'sbg.';
COMMENT ON FUNCTION model_converged(sbg_model) IS 'Whether the fit converged; NULL for a model entered by hand.';
COMMENT ON FUNCTION model_log_likelihood(sbg_model) IS 'Log-likelihood of the fitted parameters; NULL for a model entered by hand.';
COMMENT ON FUNCTION fit_statistics(sbg_model) IS 'One row to compare fitted models on the same data: model, number of parameters k, customers n, log-likelihood, AIC (2k - 2 ln L) and BIC (k ln n - 2 ln L), lower is better; converged. NULL fit columns for a model entered by hand.';

-- What follows edits the catalog: it runs with only pg_catalog on the search path, and names
-- pg_clv's objects with their schema.
SET LOCAL search_path = pg_catalog, pg_temp;

-- model_kind(spend_model) names its argument "model" like every other model_kind; CREATE OR
-- REPLACE cannot rename an argument, and DROP would break views that call the function.
UPDATE pg_catalog.pg_proc SET proargnames = '{model}'
WHERE oid OPERATOR(pg_catalog.=) '@extschema@.model_kind(@extschema@.spend_model)'::pg_catalog.regprocedure;

-- The fit aggregates had an internal state in 0.1.0; in 0.2.0 it is clv.fit_state, so that
-- Citus pushes fits down. CREATE AGGREGATE cannot change a state type, and DROP AGGREGATE would
-- refuse (or, with CASCADE, drop) the views that use them. So each aggregate is moved in
-- place: its catalog row points at the 0.2.0 support functions (created above) and type, its
-- dependencies follow, and 0.1.0's support functions go. The result is the catalog a fresh
-- CREATE EXTENSION makes, as tests/upgrade checks row by row.
DO $move$
DECLARE
    fit record;
    state_type pg_catalog.oid := '@extschema@.fit_state'::pg_catalog.regtype;
BEGIN
    FOR fit IN
        SELECT a.aggregate::pg_catalog.regprocedure AS aggregate,
               a.transition::pg_catalog.regprocedure AS transition,
               a.combine::pg_catalog.regprocedure AS combine,
               a.final::pg_catalog.regprocedure AS final
        FROM (VALUES
            ('@extschema@.bgnbd_fit(@extschema@.customer_summary, date)', '@extschema@.btyd_fit_add_summary(@extschema@.fit_state, @extschema@.customer_summary, date)',
             '@extschema@.btyd_fit_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.bgnbd_fit_final(@extschema@.fit_state)'),
            ('@extschema@.bgnbd_fit(@extschema@.customer_summary, date, text)', '@extschema@.btyd_fit_add_summary_in_unit(@extschema@.fit_state, @extschema@.customer_summary, date, text)',
             '@extschema@.btyd_fit_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.bgnbd_fit_final(@extschema@.fit_state)'),
            ('@extschema@.bgnbd_fit(float8, float8, float8, text)', '@extschema@.btyd_fit_add_raw(@extschema@.fit_state, float8, float8, float8, text)',
             '@extschema@.btyd_fit_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.bgnbd_fit_final(@extschema@.fit_state)'),
            ('@extschema@.mbgnbd_fit(@extschema@.customer_summary, date)', '@extschema@.btyd_fit_add_summary(@extschema@.fit_state, @extschema@.customer_summary, date)',
             '@extschema@.btyd_fit_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.mbgnbd_fit_final(@extschema@.fit_state)'),
            ('@extschema@.mbgnbd_fit(@extschema@.customer_summary, date, text)', '@extschema@.btyd_fit_add_summary_in_unit(@extschema@.fit_state, @extschema@.customer_summary, date, text)',
             '@extschema@.btyd_fit_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.mbgnbd_fit_final(@extschema@.fit_state)'),
            ('@extschema@.mbgnbd_fit(float8, float8, float8, text)', '@extschema@.btyd_fit_add_raw(@extschema@.fit_state, float8, float8, float8, text)',
             '@extschema@.btyd_fit_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.mbgnbd_fit_final(@extschema@.fit_state)'),
            ('@extschema@.pareto_nbd_fit(@extschema@.customer_summary, date)', '@extschema@.btyd_fit_add_summary(@extschema@.fit_state, @extschema@.customer_summary, date)',
             '@extschema@.btyd_fit_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.pareto_nbd_fit_final(@extschema@.fit_state)'),
            ('@extschema@.pareto_nbd_fit(@extschema@.customer_summary, date, text)', '@extschema@.btyd_fit_add_summary_in_unit(@extschema@.fit_state, @extschema@.customer_summary, date, text)',
             '@extschema@.btyd_fit_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.pareto_nbd_fit_final(@extschema@.fit_state)'),
            ('@extschema@.pareto_nbd_fit(float8, float8, float8, text)', '@extschema@.btyd_fit_add_raw(@extschema@.fit_state, float8, float8, float8, text)',
             '@extschema@.btyd_fit_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.pareto_nbd_fit_final(@extschema@.fit_state)'),
            ('@extschema@.gamma_gamma_fit(@extschema@.customer_summary, date)', '@extschema@.gamma_gamma_add_summary(@extschema@.fit_state, @extschema@.customer_summary, date)',
             '@extschema@.gamma_gamma_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.gamma_gamma_fit_final(@extschema@.fit_state)'),
            ('@extschema@.gamma_gamma_fit(float8, float8)', '@extschema@.gamma_gamma_add_raw(@extschema@.fit_state, float8, float8)',
             '@extschema@.gamma_gamma_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.gamma_gamma_fit_final(@extschema@.fit_state)')
        ) AS a(aggregate, transition, combine, final)
    LOOP
        -- The aggregate's dependencies on its old support functions, replaced by ones on the
        -- new (what CREATE AGGREGATE records; it records none on the state type).
        DELETE FROM pg_catalog.pg_depend d
        USING pg_catalog.pg_aggregate g
        WHERE g.aggfnoid OPERATOR(pg_catalog.=) fit.aggregate
          AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
          AND d.objid OPERATOR(pg_catalog.=) fit.aggregate
          AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
          AND d.deptype OPERATOR(pg_catalog.=) 'n'
          AND d.refobjid OPERATOR(pg_catalog.=) ANY (ARRAY[g.aggtransfn, g.aggcombinefn, g.aggfinalfn,
                                                           g.aggserialfn, g.aggdeserialfn]::pg_catalog.oid[]);
        INSERT INTO pg_catalog.pg_depend (classid, objid, objsubid, refclassid, refobjid, refobjsubid, deptype)
        SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, fit.aggregate, 0, r.class, r.object, 0, 'n'
        FROM (VALUES ('pg_catalog.pg_proc'::pg_catalog.regclass, fit.transition::pg_catalog.oid),
                     ('pg_catalog.pg_proc'::pg_catalog.regclass, fit.combine::pg_catalog.oid),
                     ('pg_catalog.pg_proc'::pg_catalog.regclass, fit.final::pg_catalog.oid)) AS r(class, object);
        UPDATE pg_catalog.pg_aggregate
        SET aggtransfn = fit.transition::pg_catalog.oid::pg_catalog.regproc,
            aggcombinefn = fit.combine::pg_catalog.oid::pg_catalog.regproc,
            aggfinalfn = fit.final::pg_catalog.oid::pg_catalog.regproc,
            aggserialfn = 0, aggdeserialfn = 0, aggtranstype = state_type
        WHERE aggfnoid OPERATOR(pg_catalog.=) fit.aggregate;
    END LOOP;
END
$move$;

-- 0.1.0's support functions of the fit aggregates, unused now.
DROP FUNCTION @extschema@.btyd_fit_add_summary(internal, @extschema@.customer_summary, date);
DROP FUNCTION @extschema@.btyd_fit_add_summary_in_unit(internal, @extschema@.customer_summary, date, text);
DROP FUNCTION @extschema@.btyd_fit_add_raw(internal, float8, float8, float8, text);
DROP FUNCTION @extschema@.btyd_fit_combine(internal, internal);
DROP FUNCTION @extschema@.btyd_fit_serialize(internal);
DROP FUNCTION @extschema@.btyd_fit_deserialize(bytea, internal);
DROP FUNCTION @extschema@.bgnbd_fit_final(internal);
DROP FUNCTION @extschema@.mbgnbd_fit_final(internal);
DROP FUNCTION @extschema@.pareto_nbd_fit_final(internal);
DROP FUNCTION @extschema@.gamma_gamma_add_summary(internal, @extschema@.customer_summary, date);
DROP FUNCTION @extschema@.gamma_gamma_add_raw(internal, float8, float8);
DROP FUNCTION @extschema@.gamma_gamma_combine(internal, internal);
DROP FUNCTION @extschema@.gamma_gamma_serialize(internal);
DROP FUNCTION @extschema@.gamma_gamma_deserialize(bytea, internal);
DROP FUNCTION @extschema@.gamma_gamma_fit_final(internal);
