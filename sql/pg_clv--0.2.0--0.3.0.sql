-- pg_clv 0.2.0 to 0.3.0 (ALTER EXTENSION pg_clv UPDATE), written as the changes land.
-- Functions of the module SQL are copied with CREATE OR REPLACE (scripts/check_sql_scripts.py
-- checks that they are the same word for word), new ones as the generated install script
-- defines them, and tests/upgrade compares the updated catalog with a fresh install object by
-- object. Stored values keep their binary formats.
\echo Use "ALTER EXTENSION pg_clv UPDATE TO '0.3.0'" to load this file. \quit

-- Overlapping refreshes wait for each other instead of deadlocking (the orders locked first,
-- then the change table in SHARE ROW EXCLUSIVE mode instead of SHARE).
CREATE OR REPLACE FUNCTION rebuild_summaries(orders regclass, summaries regclass, changes regclass,
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
    -- and the orders read here agree; SHARE ROW EXCLUSIVE also makes a second rebuild or
    -- refresh wait for this one (SHARE would let both in, then deadlock on the DELETE). The
    -- orders first: a TRUNCATE of them, whose trigger then writes the change table, waits for
    -- us instead of holding the orders we are about to read.
    EXECUTE format('LOCK TABLE %s IN ACCESS SHARE MODE', orders);
    EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', changes);
    EXECUTE format('DELETE FROM %s', changes);
    EXECUTE format('DELETE FROM %s', summaries);
    EXECUTE format('INSERT INTO %s (%I, %I) SELECT %I, clv.customer_summary(%I, %I) FROM %s WHERE %I IS NOT NULL GROUP BY %I',
                   summaries, customer_column, summary_column, customer_column, ordered_at_column, amount_column,
                   orders, customer_column, customer_column);
    GET DIAGNOSTICS customers = ROW_COUNT;
    RETURN customers;
END
$$;
CREATE OR REPLACE FUNCTION refresh_summaries(orders regclass, summaries regclass, changes regclass,
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
    -- consumed and the orders read agree, whatever commits meanwhile. The mode conflicts with
    -- itself, so overlapping refreshes (a manual one during the nightly job) run one after
    -- the other instead of deadlocking on the DELETE below. The orders first, as in
    -- clv.rebuild_summaries.
    EXECUTE format('LOCK TABLE %s IN ACCESS SHARE MODE', orders);
    EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', changes);
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

-- The KPI aggregates (repeat_purchase_rate, churn_rate, revenue_share_top, business_profile)
-- and rfm_breaks had an internal state in 0.2.0; in 0.3.0 it is clv.fit_state, as the fits',
-- so that Citus combines them on its workers instead of gathering every customer's summary.
-- Their new support functions (the generated install script's definitions):
CREATE  FUNCTION "repeat_purchase_rate_add"(
	"state" fit_state, /* Option < FitStateDatum > */
	"summary" customer_summary, /* Option < CustomerSummary > */
	"as_of" date /* Option < Date > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'repeat_purchase_rate_add_wrapper';

CREATE  FUNCTION "repeat_purchase_rate_final"(
	"state" fit_state /* Option < FitStateDatum > */
) RETURNS double precision /* Option < f64 > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'repeat_purchase_rate_final_wrapper';

CREATE  FUNCTION "repeat_purchase_rate_combine"(
	"into" fit_state, /* Option < crate :: models :: fit_state :: FitStateDatum > */
	"from" fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
) RETURNS fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'repeat_purchase_rate_combine_wrapper';

CREATE  FUNCTION "churn_rate_add"(
	"state" fit_state, /* Option < FitStateDatum > */
	"summary" customer_summary, /* Option < CustomerSummary > */
	"period_start" date, /* Option < Date > */
	"period_end" date, /* Option < Date > */
	"active_within" INT /* Option < i32 > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'churn_rate_add_wrapper';

CREATE  FUNCTION "churn_rate_add_default"(
	"state" fit_state, /* Option < FitStateDatum > */
	"summary" customer_summary, /* Option < CustomerSummary > */
	"period_start" date, /* Option < Date > */
	"period_end" date /* Option < Date > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'churn_rate_add_default_wrapper';

CREATE  FUNCTION "churn_rate_final"(
	"state" fit_state /* Option < FitStateDatum > */
) RETURNS double precision /* Option < f64 > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'churn_rate_final_wrapper';

CREATE  FUNCTION "churn_rate_combine"(
	"into" fit_state, /* Option < crate :: models :: fit_state :: FitStateDatum > */
	"from" fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
) RETURNS fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'churn_rate_combine_wrapper';

CREATE  FUNCTION "revenue_share_top_add"(
	"state" fit_state, /* Option < FitStateDatum > */
	"summary" customer_summary, /* Option < CustomerSummary > */
	"fraction" double precision /* Option < f64 > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'revenue_share_top_add_wrapper';

CREATE  FUNCTION "revenue_share_top_final"(
	"state" fit_state /* Option < FitStateDatum > */
) RETURNS double precision /* Option < f64 > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'revenue_share_top_final_wrapper';

CREATE  FUNCTION "revenue_share_top_combine"(
	"into" fit_state, /* Option < crate :: models :: fit_state :: FitStateDatum > */
	"from" fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
) RETURNS fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'revenue_share_top_combine_wrapper';

CREATE  FUNCTION "business_profile_add"(
	"state" fit_state, /* Option < FitStateDatum > */
	"summary" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"window_days" INT /* Option < i32 > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'business_profile_add_wrapper';

CREATE  FUNCTION "business_profile_add_year"(
	"state" fit_state, /* Option < FitStateDatum > */
	"summary" customer_summary, /* Option < CustomerSummary > */
	"as_of" date /* Option < Date > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'business_profile_add_year_wrapper';

CREATE  FUNCTION "business_profile_final"(
	"state" fit_state /* Option < FitStateDatum > */
) RETURNS business_profile /* Option < BusinessProfile > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'business_profile_final_wrapper';

CREATE  FUNCTION "business_profile_combine"(
	"into" fit_state, /* Option < crate :: models :: fit_state :: FitStateDatum > */
	"from" fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
) RETURNS fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'business_profile_combine_wrapper';

CREATE  FUNCTION "rfm_breaks_add"(
	"state" fit_state, /* Option < FitStateDatum > */
	"summary" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"bins" INT /* Option < i32 > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'rfm_breaks_add_wrapper';

CREATE  FUNCTION "rfm_breaks_add_quintiles"(
	"state" fit_state, /* Option < FitStateDatum > */
	"summary" customer_summary, /* Option < CustomerSummary > */
	"as_of" date /* Option < Date > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'rfm_breaks_add_quintiles_wrapper';

CREATE  FUNCTION "rfm_breaks_combine"(
	"into" fit_state, /* Option < crate :: models :: fit_state :: FitStateDatum > */
	"from" fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
) RETURNS fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'rfm_breaks_combine_wrapper';

CREATE  FUNCTION "rfm_breaks_final"(
	"state" fit_state /* Option < FitStateDatum > */
) RETURNS rfm_breaks /* Option < RfmBreaks > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'rfm_breaks_final_wrapper';

COMMENT ON FUNCTION repeat_purchase_rate_add(fit_state, customer_summary, date) IS 'Transition function of clv.repeat_purchase_rate; not for direct use.';
COMMENT ON FUNCTION repeat_purchase_rate_final(fit_state) IS 'Final function of clv.repeat_purchase_rate; not for direct use.';
COMMENT ON FUNCTION repeat_purchase_rate_combine(fit_state, fit_state) IS 'Combine function of clv.repeat_purchase_rate (parallel query, Citus); not for direct use.';
COMMENT ON FUNCTION churn_rate_add(fit_state, customer_summary, date, date, integer) IS 'Transition function of clv.churn_rate with active_within; not for direct use.';
COMMENT ON FUNCTION churn_rate_add_default(fit_state, customer_summary, date, date) IS 'Transition function of clv.churn_rate; not for direct use.';
COMMENT ON FUNCTION churn_rate_final(fit_state) IS 'Final function of clv.churn_rate; not for direct use.';
COMMENT ON FUNCTION churn_rate_combine(fit_state, fit_state) IS 'Combine function of clv.churn_rate (parallel query, Citus); not for direct use.';
COMMENT ON FUNCTION revenue_share_top_add(fit_state, customer_summary, double precision) IS 'Transition function of clv.revenue_share_top; not for direct use.';
COMMENT ON FUNCTION revenue_share_top_final(fit_state) IS 'Final function of clv.revenue_share_top; not for direct use.';
COMMENT ON FUNCTION revenue_share_top_combine(fit_state, fit_state) IS 'Combine function of clv.revenue_share_top (parallel query, Citus); not for direct use.';
COMMENT ON FUNCTION business_profile_add(fit_state, customer_summary, date, integer) IS 'Transition function of clv.business_profile(customer_summary, date, integer); not for direct use.';
COMMENT ON FUNCTION business_profile_add_year(fit_state, customer_summary, date) IS 'Transition function of clv.business_profile(customer_summary, date); not for direct use.';
COMMENT ON FUNCTION business_profile_final(fit_state) IS 'Final function of clv.business_profile; not for direct use.';
COMMENT ON FUNCTION business_profile_combine(fit_state, fit_state) IS 'Combine function of clv.business_profile (parallel query, Citus); not for direct use.';
COMMENT ON FUNCTION rfm_breaks_add(fit_state, customer_summary, date, integer) IS 'Transition function of clv.rfm_breaks(customer_summary, date, integer); not for direct use.';
COMMENT ON FUNCTION rfm_breaks_add_quintiles(fit_state, customer_summary, date) IS 'Transition function of clv.rfm_breaks(customer_summary, date); not for direct use.';
COMMENT ON FUNCTION rfm_breaks_combine(fit_state, fit_state) IS 'Combine function of clv.rfm_breaks (parallel query, Citus); not for direct use.';
COMMENT ON FUNCTION rfm_breaks_final(fit_state) IS 'Final function of clv.rfm_breaks; not for direct use.';
COMMENT ON TYPE fit_state IS
'The partial state of pg_clv''s aggregates: of a fit (clv.bgnbd_fit and the others), the merged, weighted observations; of a KPI (clv.repeat_purchase_rate, clv.churn_rate, clv.revenue_share_top, clv.business_profile) or clv.rfm_breaks, its counts and values. A type of its own rather than internal so that Citus runs these aggregates on its shards and sends these states, not every customer, to the coordinator. Not for storing: the form may change between versions.';

-- Static covariates (docs/models/covariates.md): the fits with covariates (their state is
-- clv.fit_state, kinds 4 and 5), clv.for_customer, the predictions that take a customer's
-- covariates, and clv.generate_orders with covariate effects. New objects only: 0.2.0's keep
-- their signatures and bytes.
CREATE  FUNCTION "bgnbd_covariates_fit_final"(
	"state" fit_state /* Option < FitStateDatum > */
) RETURNS btyd_model /* Option < BtydModel > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'bgnbd_covariates_fit_final_wrapper';

CREATE  FUNCTION "btyd_covariates_fit_combine"(
	"into" fit_state, /* Option < crate :: models :: fit_state :: FitStateDatum > */
	"from" fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
) RETURNS fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'btyd_covariates_fit_combine_wrapper';

CREATE  FUNCTION "btyd_fit_add_summary_covariates"(
	"state" fit_state, /* Option < FitStateDatum > */
	"summary" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"unit" TEXT, /* Option < & str > */
	"transaction_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_covariates" double precision[] /* :: std :: option :: Option < Array < f64 > > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'btyd_fit_add_summary_covariates_wrapper';

CREATE  FUNCTION "btyd_fit_add_summary_covariates_options"(
	"state" fit_state, /* Option < FitStateDatum > */
	"summary" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"unit" TEXT, /* Option < & str > */
	"transaction_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"options" jsonb /* Option < JsonbArg > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'btyd_fit_add_summary_covariates_options_wrapper';

CREATE  FUNCTION "dert"(
	"model" btyd_model, /* Option < BtydModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"transaction_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"annual_discount_rate" double precision /* Option < f64 > */
) RETURNS double precision /* Option < f64 > */
IMMUTABLE PARALLEL SAFE  COST 4000
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'dert_with_covariates_wrapper';

CREATE  FUNCTION "expected_purchases"(
	"model" btyd_model, /* Option < BtydModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"transaction_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"horizon" double precision /* Option < f64 > */
) RETURNS double precision /* Option < f64 > */
IMMUTABLE PARALLEL SAFE  COST 20
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'expected_purchases_with_covariates_wrapper';

CREATE  FUNCTION "expected_spend"(
	"model" spend_model, /* Option < SpendModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"spend_covariates" double precision[] /* :: std :: option :: Option < Array < f64 > > */
) RETURNS double precision /* Option < f64 > */
IMMUTABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'expected_spend_with_covariates_wrapper';

CREATE  FUNCTION "for_customer"(
	"model" btyd_model, /* Option < BtydModel > */
	"transaction_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_covariates" double precision[] /* :: std :: option :: Option < Array < f64 > > */
) RETURNS btyd_model /* Option < BtydModel > */
IMMUTABLE PARALLEL SAFE COST 10
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'for_customer_wrapper';

CREATE  FUNCTION "for_customer"(
	"model" spend_model, /* Option < SpendModel > */
	"spend_covariates" double precision[] /* :: std :: option :: Option < Array < f64 > > */
) RETURNS spend_model /* Option < SpendModel > */
IMMUTABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'spend_for_customer_wrapper';

CREATE  FUNCTION "gamma_gamma_add_summary_covariates"(
	"state" fit_state, /* Option < FitStateDatum > */
	"summary" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"spend_covariates" double precision[] /* :: std :: option :: Option < Array < f64 > > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'gamma_gamma_add_summary_covariates_wrapper';

CREATE  FUNCTION "gamma_gamma_add_summary_covariates_options"(
	"state" fit_state, /* Option < FitStateDatum > */
	"summary" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"spend_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"options" jsonb /* Option < JsonbArg > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'gamma_gamma_add_summary_covariates_options_wrapper';

CREATE  FUNCTION "gamma_gamma_covariates_combine"(
	"into" fit_state, /* Option < crate :: models :: fit_state :: FitStateDatum > */
	"from" fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
) RETURNS fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'gamma_gamma_covariates_combine_wrapper';

CREATE  FUNCTION "gamma_gamma_covariates_fit_final"(
	"state" fit_state /* Option < FitStateDatum > */
) RETURNS spend_model /* Option < SpendModel > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'gamma_gamma_covariates_fit_final_wrapper';

CREATE  FUNCTION "generate_orders"(
	"customers" bigint, /* Option < i64 > */
	"start_date" date, /* Option < Date > */
	"end_date" date, /* Option < Date > */
	"seed" bigint, /* Option < i64 > */
	"transaction_effects" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_effects" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"spend_effects" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout" TEXT DEFAULT 'bgnbd', /* Option < & str > */
	"r" double precision DEFAULT 0.243, /* Option < f64 > */
	"alpha" double precision DEFAULT 30.9, /* Option < f64 > */
	"a" double precision DEFAULT 0.793, /* Option < f64 > */
	"b" double precision DEFAULT 2.426, /* Option < f64 > */
	"s" double precision DEFAULT 0.606, /* Option < f64 > */
	"beta" double precision DEFAULT 81.7, /* Option < f64 > */
	"p" double precision DEFAULT 6.25, /* Option < f64 > */
	"q" double precision DEFAULT 3.74, /* Option < f64 > */
	"v" double precision DEFAULT 15.44, /* Option < f64 > */
	"acquisition_end" date DEFAULT NULL /* Option < Date > */
) RETURNS TABLE (
	"customer_id" bigint,  /* i64 */
	"ordered_at" timestamp with time zone,  /* TimestampWithTimeZone */
	"amount" double precision,  /* f64 */
	"covariates" double precision[]  /* Vec < f64 > */
)
IMMUTABLE PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'generate_orders_with_covariates_wrapper';

CREATE  FUNCTION "mbgnbd_covariates_fit_final"(
	"state" fit_state /* Option < FitStateDatum > */
) RETURNS btyd_model /* Option < BtydModel > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'mbgnbd_covariates_fit_final_wrapper';

CREATE  FUNCTION "p_alive"(
	"model" btyd_model, /* Option < BtydModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"transaction_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_covariates" double precision[] /* :: std :: option :: Option < Array < f64 > > */
) RETURNS double precision /* Option < f64 > */
IMMUTABLE PARALLEL SAFE  COST 10
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'p_alive_with_covariates_wrapper';

CREATE  FUNCTION "p_alive_ahead"(
	"model" btyd_model, /* Option < BtydModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"transaction_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"horizon" double precision, /* Option < f64 > */
	"assume_no_purchase" bool DEFAULT false /* Option < bool > */
) RETURNS double precision /* Option < f64 > */
IMMUTABLE PARALLEL SAFE  COST 20
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'p_alive_ahead_with_covariates_wrapper';

CREATE  FUNCTION "pareto_nbd_covariates_fit_final"(
	"state" fit_state /* Option < FitStateDatum > */
) RETURNS btyd_model /* Option < BtydModel > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'pareto_nbd_covariates_fit_final_wrapper';

CREATE AGGREGATE bgnbd_fit(s customer_summary, as_of date, unit text, transaction_covariates double precision[], dropout_covariates double precision[]) (
    sfunc = btyd_fit_add_summary_covariates, stype = fit_state, finalfunc = bgnbd_covariates_fit_final,
    combinefunc = btyd_covariates_fit_combine, parallel = safe);
CREATE AGGREGATE bgnbd_fit(s customer_summary, as_of date, unit text, transaction_covariates double precision[], dropout_covariates double precision[], options jsonb) (
    sfunc = btyd_fit_add_summary_covariates_options, stype = fit_state, finalfunc = bgnbd_covariates_fit_final,
    combinefunc = btyd_covariates_fit_combine, parallel = safe);
CREATE AGGREGATE mbgnbd_fit(s customer_summary, as_of date, unit text, transaction_covariates double precision[], dropout_covariates double precision[]) (
    sfunc = btyd_fit_add_summary_covariates, stype = fit_state, finalfunc = mbgnbd_covariates_fit_final,
    combinefunc = btyd_covariates_fit_combine, parallel = safe);
CREATE AGGREGATE mbgnbd_fit(s customer_summary, as_of date, unit text, transaction_covariates double precision[], dropout_covariates double precision[], options jsonb) (
    sfunc = btyd_fit_add_summary_covariates_options, stype = fit_state, finalfunc = mbgnbd_covariates_fit_final,
    combinefunc = btyd_covariates_fit_combine, parallel = safe);
CREATE AGGREGATE pareto_nbd_fit(s customer_summary, as_of date, unit text, transaction_covariates double precision[], dropout_covariates double precision[]) (
    sfunc = btyd_fit_add_summary_covariates, stype = fit_state, finalfunc = pareto_nbd_covariates_fit_final,
    combinefunc = btyd_covariates_fit_combine, parallel = safe);
CREATE AGGREGATE pareto_nbd_fit(s customer_summary, as_of date, unit text, transaction_covariates double precision[], dropout_covariates double precision[], options jsonb) (
    sfunc = btyd_fit_add_summary_covariates_options, stype = fit_state, finalfunc = pareto_nbd_covariates_fit_final,
    combinefunc = btyd_covariates_fit_combine, parallel = safe);
CREATE AGGREGATE gamma_gamma_fit(s customer_summary, as_of date, spend_covariates double precision[]) (
    sfunc = gamma_gamma_add_summary_covariates, stype = fit_state, finalfunc = gamma_gamma_covariates_fit_final,
    combinefunc = gamma_gamma_covariates_combine, parallel = safe);
CREATE AGGREGATE gamma_gamma_fit(s customer_summary, as_of date, spend_covariates double precision[], options jsonb) (
    sfunc = gamma_gamma_add_summary_covariates_options, stype = fit_state, finalfunc = gamma_gamma_covariates_fit_final,
    combinefunc = gamma_gamma_covariates_combine, parallel = safe);

COMMENT ON AGGREGATE bgnbd_fit(customer_summary, date, text, double precision[], double precision[]) IS 'Fits BG/NBD with static covariates as CLVTools links them (alpha_i = alpha exp(-g_trans z_trans), a_i = a exp(g_life z_life), b_i = b exp(g_life z_life)) on the customers who ordered by as_of, times in unit; each customer''s transaction and dropout covariate vectors (same lengths on every row; an empty array for a process without). Coefficients are named by position (trans.1, life.1, ...); see docs/models/covariates.md.';
COMMENT ON AGGREGATE bgnbd_fit(customer_summary, date, text, double precision[], double precision[], jsonb) IS 'Fits BG/NBD with static covariates under options: the covariates'' names per process ({"trans": ["gender"], "life": ["gender"]}), covariates constrained to one coefficient in both processes ("constrained"), and L2 weights per process ("lambda": {"trans": 0.1, "life": 0.2}, CLVTools'' definition); see docs/models/covariates.md.';
COMMENT ON FUNCTION bgnbd_covariates_fit_final(fit_state) IS 'Final function of clv.bgnbd_fit with covariates; not for direct use.';
COMMENT ON AGGREGATE mbgnbd_fit(customer_summary, date, text, double precision[], double precision[]) IS 'Fits MBG/NBD with static covariates as CLVTools links them (alpha_i = alpha exp(-g_trans z_trans), a_i = a exp(g_life z_life), b_i = b exp(g_life z_life)) on the customers who ordered by as_of, times in unit; each customer''s transaction and dropout covariate vectors (same lengths on every row; an empty array for a process without). Coefficients are named by position (trans.1, life.1, ...); see docs/models/covariates.md.';
COMMENT ON AGGREGATE mbgnbd_fit(customer_summary, date, text, double precision[], double precision[], jsonb) IS 'Fits MBG/NBD with static covariates under options: the covariates'' names per process ({"trans": ["gender"], "life": ["gender"]}), covariates constrained to one coefficient in both processes ("constrained"), and L2 weights per process ("lambda": {"trans": 0.1, "life": 0.2}, CLVTools'' definition); see docs/models/covariates.md.';
COMMENT ON FUNCTION mbgnbd_covariates_fit_final(fit_state) IS 'Final function of clv.mbgnbd_fit with covariates; not for direct use.';
COMMENT ON AGGREGATE pareto_nbd_fit(customer_summary, date, text, double precision[], double precision[]) IS 'Fits Pareto/NBD with static covariates as CLVTools links them (alpha_i = alpha exp(-g_trans z_trans), beta_i = beta exp(-g_life z_life)) on the customers who ordered by as_of, times in unit; each customer''s transaction and dropout covariate vectors (same lengths on every row; an empty array for a process without). Coefficients are named by position (trans.1, life.1, ...); see docs/models/covariates.md.';
COMMENT ON AGGREGATE pareto_nbd_fit(customer_summary, date, text, double precision[], double precision[], jsonb) IS 'Fits Pareto/NBD with static covariates under options: the covariates'' names per process ({"trans": ["gender"], "life": ["gender"]}), covariates constrained to one coefficient in both processes ("constrained"), and L2 weights per process ("lambda": {"trans": 0.1, "life": 0.2}, CLVTools'' definition); see docs/models/covariates.md.';
COMMENT ON FUNCTION pareto_nbd_covariates_fit_final(fit_state) IS 'Final function of clv.pareto_nbd_fit with covariates; not for direct use.';
COMMENT ON FUNCTION btyd_fit_add_summary_covariates(fit_state, customer_summary, date, text, double precision[], double precision[]) IS 'Transition function of the BTYD fit aggregates with covariates; not for direct use.';
COMMENT ON FUNCTION btyd_fit_add_summary_covariates_options(fit_state, customer_summary, date, text, double precision[], double precision[], jsonb) IS 'Transition function of the BTYD fit aggregates with covariates and options; not for direct use.';
COMMENT ON FUNCTION btyd_covariates_fit_combine(fit_state, fit_state) IS 'Combine function of the BTYD fit aggregates with covariates (parallel query, Citus); not for direct use.';
COMMENT ON FUNCTION for_customer(btyd_model, double precision[], double precision[]) IS 'The model of one customer of a model fitted with covariates: its parameters at the customer''s transaction and dropout covariate vectors (no fit record). Every prediction and diagnostic takes it; a model without covariates takes empty vectors and is returned as it is.';
COMMENT ON FUNCTION p_alive(btyd_model, customer_summary, date, double precision[], double precision[]) IS 'P(alive) at as_of of a customer with these transaction and dropout covariate vectors, for a model fitted with covariates (see clv.for_customer). A NULL vector, a NULL or non-finite value inside or a length other than the model''s is an ERROR.';
COMMENT ON FUNCTION p_alive_ahead(btyd_model, customer_summary, date, double precision[], double precision[], double precision, boolean) IS 'clv.p_alive_ahead for a customer with these transaction and dropout covariate vectors (model fitted with covariates).';
COMMENT ON FUNCTION expected_purchases(btyd_model, customer_summary, date, double precision[], double precision[], double precision) IS 'Expected purchases in the horizon after as_of of a customer with these transaction and dropout covariate vectors (model fitted with covariates).';
COMMENT ON FUNCTION dert(btyd_model, customer_summary, date, double precision[], double precision[], double precision) IS 'clv.dert for a customer with these transaction and dropout covariate vectors (model fitted with covariates).';
COMMENT ON AGGREGATE gamma_gamma_fit(customer_summary, date, double precision[]) IS 'Fits the Gamma-Gamma spend model with static covariates: each customer''s v is v exp(g z), so exp(g) multiplies the expected spend per purchase day (docs/models/covariates.md). Coefficients are named by position (spend.1, ...).';
COMMENT ON AGGREGATE gamma_gamma_fit(customer_summary, date, double precision[], jsonb) IS 'Fits the Gamma-Gamma spend model with static covariates under options: the covariates'' names ({"spend": ["gender", "channel"]}) and an L2 weight ("lambda": {"spend": 0.1}).';
COMMENT ON FUNCTION gamma_gamma_add_summary_covariates(fit_state, customer_summary, date, double precision[]) IS 'Transition function of clv.gamma_gamma_fit with covariates; not for direct use.';
COMMENT ON FUNCTION gamma_gamma_add_summary_covariates_options(fit_state, customer_summary, date, double precision[], jsonb) IS 'Transition function of clv.gamma_gamma_fit with covariates and options; not for direct use.';
COMMENT ON FUNCTION gamma_gamma_covariates_combine(fit_state, fit_state) IS 'Combine function of clv.gamma_gamma_fit with covariates (parallel query, Citus); not for direct use.';
COMMENT ON FUNCTION gamma_gamma_covariates_fit_final(fit_state) IS 'Final function of clv.gamma_gamma_fit with covariates; not for direct use.';
COMMENT ON FUNCTION for_customer(spend_model, double precision[]) IS 'The spend model of one customer of a spend model fitted with covariates: v at the customer''s spend covariates (no fit record), for clv.customer_value and clv.residual_value. A model without covariates takes an empty vector and is returned as it is.';
COMMENT ON FUNCTION expected_spend(spend_model, customer_summary, date, double precision[]) IS 'Expected spend per purchase day of a customer with these spend covariates, for a spend model fitted with covariates.';
COMMENT ON FUNCTION generate_orders(bigint, date, date, bigint, double precision[], double precision[], double precision[], text, double precision, double precision, double precision, double precision, double precision, double precision, double precision, double precision, double precision, date) IS
'Simulated orders with covariates (customer_id, ordered_at, amount, covariates): each customer has as many binary covariates (0 or 1, probability 1/2) as the longest effect vector, and the effects shift their processes as the models with covariates link them: the purchase rate''s alpha by exp(-transaction_effects z), a and b by exp(dropout_effects z) (bgnbd, mbgnbd) or beta by exp(-dropout_effects z) (pareto_nbd: exponential lifetimes, rate ~ Gamma(s, beta) per day), v by exp(spend_effects z). Effects: at most 32 each, of magnitude at most 20. Otherwise as clv.generate_orders.';

-- Model choice: the likelihood-ratio test of a restricted model against a full one.
CREATE  FUNCTION "likelihood_ratio_test"(
	"restricted" btyd_model, /* BtydModel */
	"full" btyd_model /* BtydModel */
) RETURNS TABLE (
	"statistic" double precision,  /* f64 */
	"df" INT,  /* i32 */
	"p_value" double precision  /* f64 */
)
IMMUTABLE STRICT PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'likelihood_ratio_test_wrapper';

CREATE  FUNCTION "likelihood_ratio_test"(
	"restricted" spend_model, /* SpendModel */
	"full" spend_model /* SpendModel */
) RETURNS TABLE (
	"statistic" double precision,  /* f64 */
	"df" INT,  /* i32 */
	"p_value" double precision  /* f64 */
)
IMMUTABLE STRICT PARALLEL SAFE 
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'spend_likelihood_ratio_test_wrapper';
COMMENT ON FUNCTION likelihood_ratio_test(btyd_model, btyd_model) IS 'Likelihood-ratio test of a restricted purchase model (without some covariates, or with a constraint) against a full one of the same kind fitted on the same customers: statistic 2 (LL full - LL restricted), degrees of freedom (the difference in estimated parameters) and chi-square p-value.';
COMMENT ON FUNCTION likelihood_ratio_test(spend_model, spend_model) IS 'Likelihood-ratio test of a restricted spend model against a full one fitted on the same customers (statistic, degrees of freedom, chi-square p-value).';

-- How sure a prediction is (docs/models/uncertainty.md): fits keep the covariance of their
-- estimates (clv.btyd_model format 3; 0.2.0's values keep theirs), the per-customer intervals
-- and the totals with intervals (their state is clv.fit_state, kind 21).
CREATE TYPE prediction_interval AS (
    estimate double precision,
    lower double precision,
    upper double precision
);
COMMENT ON TYPE prediction_interval IS 'A prediction and the bounds that hold it at the level asked for, from the uncertainty of the model''s estimates (the delta method; docs/models/uncertainty.md). See clv.p_alive_interval, clv.expected_purchases_total.';
COMMENT ON COLUMN prediction_interval.estimate IS 'The prediction itself, as the plain function gives it.';
COMMENT ON COLUMN prediction_interval.lower IS 'The lower bound: the value is below it with probability (1 - level)/2.';
COMMENT ON COLUMN prediction_interval.upper IS 'The upper bound: the value is above it with probability (1 - level)/2.';

CREATE  FUNCTION "dert_interval"(
	"model" btyd_model, /* BtydModel */
	"s" customer_summary, /* CustomerSummary */
	"as_of" date, /* Date */
	"annual_discount_rate" double precision, /* f64 */
	"level" double precision DEFAULT 0.9 /* f64 */
) RETURNS prediction_interval /* Option < PredictionInterval > */
IMMUTABLE STRICT PARALLEL SAFE COST 20000
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'dert_interval_wrapper';

CREATE  FUNCTION "dert_interval"(
	"model" btyd_model, /* Option < BtydModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"transaction_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"annual_discount_rate" double precision, /* Option < f64 > */
	"level" double precision DEFAULT 0.9 /* Option < f64 > */
) RETURNS prediction_interval /* Option < PredictionInterval > */
IMMUTABLE PARALLEL SAFE  COST 20000
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'dert_interval_with_covariates_wrapper';

CREATE  FUNCTION "dert_total_add"(
	"state" fit_state, /* Option < FitStateDatum > */
	"model" btyd_model, /* Option < BtydModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"annual_discount_rate" double precision, /* Option < f64 > */
	"level" double precision /* Option < f64 > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'dert_total_add_wrapper';

CREATE  FUNCTION "dert_total_add_with_covariates"(
	"state" fit_state, /* Option < FitStateDatum > */
	"model" btyd_model, /* Option < BtydModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"transaction_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"annual_discount_rate" double precision, /* Option < f64 > */
	"level" double precision /* Option < f64 > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'dert_total_add_with_covariates_wrapper';

CREATE  FUNCTION "expected_purchases_interval"(
	"model" btyd_model, /* BtydModel */
	"s" customer_summary, /* CustomerSummary */
	"as_of" date, /* Date */
	"horizon" double precision, /* f64 */
	"level" double precision DEFAULT 0.9 /* f64 */
) RETURNS prediction_interval /* Option < PredictionInterval > */
IMMUTABLE STRICT PARALLEL SAFE COST 100
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'expected_purchases_interval_wrapper';

CREATE  FUNCTION "expected_purchases_interval"(
	"model" btyd_model, /* Option < BtydModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"transaction_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"horizon" double precision, /* Option < f64 > */
	"level" double precision DEFAULT 0.9 /* Option < f64 > */
) RETURNS prediction_interval /* Option < PredictionInterval > */
IMMUTABLE PARALLEL SAFE  COST 100
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'expected_purchases_interval_with_covariates_wrapper';

CREATE  FUNCTION "expected_purchases_total_add"(
	"state" fit_state, /* Option < FitStateDatum > */
	"model" btyd_model, /* Option < BtydModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"horizon" double precision, /* Option < f64 > */
	"level" double precision /* Option < f64 > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'expected_purchases_total_add_wrapper';

CREATE  FUNCTION "expected_purchases_total_add_with_covariates"(
	"state" fit_state, /* Option < FitStateDatum > */
	"model" btyd_model, /* Option < BtydModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"transaction_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"horizon" double precision, /* Option < f64 > */
	"level" double precision /* Option < f64 > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'expected_purchases_total_add_with_covariates_wrapper';

CREATE  FUNCTION "p_alive_interval"(
	"model" btyd_model, /* BtydModel */
	"s" customer_summary, /* CustomerSummary */
	"as_of" date, /* Date */
	"level" double precision DEFAULT 0.9 /* f64 */
) RETURNS prediction_interval /* Option < PredictionInterval > */
IMMUTABLE STRICT PARALLEL SAFE COST 50
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'p_alive_interval_wrapper';

CREATE  FUNCTION "p_alive_interval"(
	"model" btyd_model, /* Option < BtydModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"transaction_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"level" double precision DEFAULT 0.9 /* Option < f64 > */
) RETURNS prediction_interval /* Option < PredictionInterval > */
IMMUTABLE PARALLEL SAFE  COST 50
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'p_alive_interval_with_covariates_wrapper';

CREATE  FUNCTION "p_alive_total_add"(
	"state" fit_state, /* Option < FitStateDatum > */
	"model" btyd_model, /* Option < BtydModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"level" double precision /* Option < f64 > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'p_alive_total_add_wrapper';

CREATE  FUNCTION "p_alive_total_add_with_covariates"(
	"state" fit_state, /* Option < FitStateDatum > */
	"model" btyd_model, /* Option < BtydModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"transaction_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"level" double precision /* Option < f64 > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'p_alive_total_add_with_covariates_wrapper';

CREATE  FUNCTION "prediction_total_combine"(
	"into" fit_state, /* Option < crate :: models :: fit_state :: FitStateDatum > */
	"from" fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
) RETURNS fit_state /* Option < crate :: models :: fit_state :: FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'prediction_total_combine_wrapper';

CREATE  FUNCTION "prediction_total_final"(
	"state" fit_state /* Option < FitStateDatum > */
) RETURNS prediction_interval /* Option < PredictionInterval > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'prediction_total_final_wrapper';

COMMENT ON FUNCTION p_alive_interval(btyd_model, customer_summary, date, double precision) IS 'P(alive) at as_of with bounds at level (default 0.9) from the covariance of the model''s estimates (delta method on the logit scale). NULL if the customer had not ordered by as_of; an ERROR for a model without a covariance (entered by hand, fitted before 0.3.0).';
COMMENT ON FUNCTION expected_purchases_interval(btyd_model, customer_summary, date, double precision, double precision) IS 'Expected purchases in the horizon (in the model''s unit) after as_of, with bounds at level (default 0.9) from the covariance of the model''s estimates (delta method on the log scale). NULL if the customer had not ordered by as_of.';
COMMENT ON FUNCTION dert_interval(btyd_model, customer_summary, date, double precision, double precision) IS 'Discounted expected residual transactions at annual_discount_rate, with bounds at level (default 0.9) from the covariance of the model''s estimates (delta method on the log scale). NULL if the customer had not ordered by as_of.';
COMMENT ON FUNCTION p_alive_interval(btyd_model, customer_summary, date, double precision[], double precision[], double precision) IS 'P(alive) with bounds, for a model fitted with covariates, given the customer''s transaction and dropout covariate vectors; the bounds account for the coefficients'' uncertainty too.';
COMMENT ON FUNCTION expected_purchases_interval(btyd_model, customer_summary, date, double precision[], double precision[], double precision, double precision) IS 'Expected purchases in the horizon with bounds, for a model fitted with covariates, given the customer''s covariate vectors.';
COMMENT ON FUNCTION dert_interval(btyd_model, customer_summary, date, double precision[], double precision[], double precision, double precision) IS 'Discounted expected residual transactions with bounds, for a model fitted with covariates, given the customer''s covariate vectors.';

CREATE AGGREGATE p_alive_total(model btyd_model, s customer_summary, as_of date, level double precision) (
    sfunc = p_alive_total_add, stype = fit_state, finalfunc = prediction_total_final,
    combinefunc = prediction_total_combine, parallel = safe);
CREATE AGGREGATE expected_purchases_total(model btyd_model, s customer_summary, as_of date, horizon double precision, level double precision) (
    sfunc = expected_purchases_total_add, stype = fit_state, finalfunc = prediction_total_final,
    combinefunc = prediction_total_combine, parallel = safe);
CREATE AGGREGATE dert_total(model btyd_model, s customer_summary, as_of date, annual_discount_rate double precision, level double precision) (
    sfunc = dert_total_add, stype = fit_state, finalfunc = prediction_total_final,
    combinefunc = prediction_total_combine, parallel = safe);
CREATE AGGREGATE p_alive_total(model btyd_model, s customer_summary, as_of date, transaction_covariates double precision[], dropout_covariates double precision[], level double precision) (
    sfunc = p_alive_total_add_with_covariates, stype = fit_state, finalfunc = prediction_total_final,
    combinefunc = prediction_total_combine, parallel = safe);
CREATE AGGREGATE expected_purchases_total(model btyd_model, s customer_summary, as_of date, transaction_covariates double precision[], dropout_covariates double precision[], horizon double precision, level double precision) (
    sfunc = expected_purchases_total_add_with_covariates, stype = fit_state, finalfunc = prediction_total_final,
    combinefunc = prediction_total_combine, parallel = safe);
CREATE AGGREGATE dert_total(model btyd_model, s customer_summary, as_of date, transaction_covariates double precision[], dropout_covariates double precision[], annual_discount_rate double precision, level double precision) (
    sfunc = dert_total_add_with_covariates, stype = fit_state, finalfunc = prediction_total_final,
    combinefunc = prediction_total_combine, parallel = safe);
COMMENT ON AGGREGATE p_alive_total(btyd_model, customer_summary, date, double precision) IS 'The expected number of active customers at as_of among the rows (the sum of P(alive)), with bounds at level that account for every customer sharing the model''s estimates. Rows without a customer by as_of, or with a NULL model or summary, are skipped; every row must pass the same model and level. NULL when no row has a customer.';
COMMENT ON AGGREGATE expected_purchases_total(btyd_model, customer_summary, date, double precision, double precision) IS 'The total expected purchases in the horizon after as_of over the rows (a segment, a cohort, everyone), with bounds at level that account for every customer sharing the model''s estimates (their errors are correlated). Every row must pass the same model, horizon and level. NULL when no row has a customer.';
COMMENT ON AGGREGATE dert_total(btyd_model, customer_summary, date, double precision, double precision) IS 'The total discounted expected residual transactions over the rows at annual_discount_rate, with bounds at level that account for every customer sharing the model''s estimates. NULL when no row has a customer.';
COMMENT ON AGGREGATE p_alive_total(btyd_model, customer_summary, date, double precision[], double precision[], double precision) IS 'The expected number of active customers with bounds, for a model fitted with covariates, given each customer''s covariate vectors.';
COMMENT ON AGGREGATE expected_purchases_total(btyd_model, customer_summary, date, double precision[], double precision[], double precision, double precision) IS 'The total expected purchases in the horizon with bounds, for a model fitted with covariates, given each customer''s covariate vectors.';
COMMENT ON AGGREGATE dert_total(btyd_model, customer_summary, date, double precision[], double precision[], double precision, double precision) IS 'The total discounted expected residual transactions with bounds, for a model fitted with covariates, given each customer''s covariate vectors.';
COMMENT ON FUNCTION p_alive_total_add(fit_state, btyd_model, customer_summary, date, double precision) IS 'Transition function of clv.p_alive_total; not for direct use.';
COMMENT ON FUNCTION expected_purchases_total_add(fit_state, btyd_model, customer_summary, date, double precision, double precision) IS 'Transition function of clv.expected_purchases_total; not for direct use.';
COMMENT ON FUNCTION dert_total_add(fit_state, btyd_model, customer_summary, date, double precision, double precision) IS 'Transition function of clv.dert_total; not for direct use.';
COMMENT ON FUNCTION p_alive_total_add_with_covariates(fit_state, btyd_model, customer_summary, date, double precision[], double precision[], double precision) IS 'Transition function of clv.p_alive_total with covariates; not for direct use.';
COMMENT ON FUNCTION expected_purchases_total_add_with_covariates(fit_state, btyd_model, customer_summary, date, double precision[], double precision[], double precision, double precision) IS 'Transition function of clv.expected_purchases_total with covariates; not for direct use.';
COMMENT ON FUNCTION dert_total_add_with_covariates(fit_state, btyd_model, customer_summary, date, double precision[], double precision[], double precision, double precision) IS 'Transition function of clv.dert_total with covariates; not for direct use.';
COMMENT ON FUNCTION prediction_total_final(fit_state) IS 'Final function of the prediction totals (clv.expected_purchases_total, ...); not for direct use.';
COMMENT ON FUNCTION prediction_total_combine(fit_state, fit_state) IS 'Combine function of the prediction totals (parallel query, Citus); not for direct use.';

-- Intervals of P(alive) ahead, expected spend and the values (both models' covariances), and
-- totals of the values.
CREATE  FUNCTION "customer_value_interval"(
	"purchases" btyd_model, /* BtydModel */
	"spend" spend_model, /* SpendModelDatum */
	"s" customer_summary, /* CustomerSummary */
	"as_of" date, /* Date */
	"months" INT DEFAULT 12, /* i32 */
	"monthly_discount_rate" double precision DEFAULT 0.01, /* f64 */
	"level" double precision DEFAULT 0.9 /* f64 */
) RETURNS prediction_interval /* Option < PredictionInterval > */
IMMUTABLE STRICT PARALLEL SAFE COST 250
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'customer_value_interval_wrapper';

CREATE  FUNCTION "customer_value_total_add"(
	"state" fit_state, /* Option < FitStateDatum > */
	"purchases" btyd_model, /* Option < BtydModel > */
	"spend" spend_model, /* Option < SpendModelDatum > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"months" INT, /* Option < i32 > */
	"monthly_discount_rate" double precision, /* Option < f64 > */
	"level" double precision /* Option < f64 > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'customer_value_total_add_wrapper';

CREATE  FUNCTION "expected_spend_interval"(
	"model" spend_model, /* SpendModelDatum */
	"s" customer_summary, /* CustomerSummary */
	"as_of" date, /* Date */
	"level" double precision DEFAULT 0.9 /* f64 */
) RETURNS prediction_interval /* Option < PredictionInterval > */
IMMUTABLE STRICT PARALLEL SAFE COST 20
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'expected_spend_interval_wrapper';

CREATE  FUNCTION "expected_spend_interval"(
	"model" spend_model, /* Option < SpendModelDatum > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"spend_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"level" double precision DEFAULT 0.9 /* Option < f64 > */
) RETURNS prediction_interval /* Option < PredictionInterval > */
IMMUTABLE PARALLEL SAFE  COST 20
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'expected_spend_interval_with_covariates_wrapper';

CREATE  FUNCTION "p_alive_ahead_interval"(
	"model" btyd_model, /* BtydModel */
	"s" customer_summary, /* CustomerSummary */
	"as_of" date, /* Date */
	"horizon" double precision, /* f64 */
	"assume_no_purchase" bool DEFAULT false, /* bool */
	"level" double precision DEFAULT 0.9 /* f64 */
) RETURNS prediction_interval /* Option < PredictionInterval > */
IMMUTABLE STRICT PARALLEL SAFE COST 100
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'p_alive_ahead_interval_wrapper';

CREATE  FUNCTION "p_alive_ahead_interval"(
	"model" btyd_model, /* Option < BtydModel > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"transaction_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"dropout_covariates" double precision[], /* :: std :: option :: Option < Array < f64 > > */
	"horizon" double precision, /* Option < f64 > */
	"assume_no_purchase" bool DEFAULT false, /* Option < bool > */
	"level" double precision DEFAULT 0.9 /* Option < f64 > */
) RETURNS prediction_interval /* Option < PredictionInterval > */
IMMUTABLE PARALLEL SAFE  COST 100
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'p_alive_ahead_interval_with_covariates_wrapper';

CREATE  FUNCTION "residual_value_interval"(
	"purchases" btyd_model, /* BtydModel */
	"spend" spend_model, /* SpendModelDatum */
	"s" customer_summary, /* CustomerSummary */
	"as_of" date, /* Date */
	"annual_discount_rate" double precision, /* f64 */
	"level" double precision DEFAULT 0.9 /* f64 */
) RETURNS prediction_interval /* Option < PredictionInterval > */
IMMUTABLE STRICT PARALLEL SAFE COST 20000
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'residual_value_interval_wrapper';

CREATE  FUNCTION "residual_value_total_add"(
	"state" fit_state, /* Option < FitStateDatum > */
	"purchases" btyd_model, /* Option < BtydModel > */
	"spend" spend_model, /* Option < SpendModelDatum > */
	"s" customer_summary, /* Option < CustomerSummary > */
	"as_of" date, /* Option < Date > */
	"annual_discount_rate" double precision, /* Option < f64 > */
	"level" double precision /* Option < f64 > */
) RETURNS fit_state /* Option < FitStateDatum > */
IMMUTABLE PARALLEL SAFE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'residual_value_total_add_wrapper';

CREATE AGGREGATE customer_value_total(purchases btyd_model, spend spend_model, s customer_summary, as_of date, months integer, monthly_discount_rate double precision, level double precision) (
    sfunc = customer_value_total_add, stype = fit_state, finalfunc = prediction_total_final,
    combinefunc = prediction_total_combine, parallel = safe);
CREATE AGGREGATE residual_value_total(purchases btyd_model, spend spend_model, s customer_summary, as_of date, annual_discount_rate double precision, level double precision) (
    sfunc = residual_value_total_add, stype = fit_state, finalfunc = prediction_total_final,
    combinefunc = prediction_total_combine, parallel = safe);
COMMENT ON FUNCTION p_alive_ahead_interval(btyd_model, customer_summary, date, double precision, boolean, double precision) IS 'P(alive) horizon time units after as_of (whatever happens in between, or given no purchase with assume_no_purchase), with bounds at level (default 0.9) from the covariance of the model''s estimates (delta method on the logit scale).';
COMMENT ON FUNCTION p_alive_ahead_interval(btyd_model, customer_summary, date, double precision[], double precision[], double precision, boolean, double precision) IS 'P(alive) ahead with bounds, for a model fitted with covariates, given the customer''s covariate vectors.';
COMMENT ON FUNCTION customer_value_interval(btyd_model, spend_model, customer_summary, date, integer, double precision, double precision) IS 'clv.customer_value with bounds at level (default 0.9) from the covariances of both models'' estimates (fitted separately, so independent): the delta method on the log scale, where the value''s variance is the purchase part''s plus the spend part''s.';
COMMENT ON FUNCTION residual_value_interval(btyd_model, spend_model, customer_summary, date, double precision, double precision) IS 'clv.residual_value (DERT times expected spend) with bounds at level (default 0.9) from the covariances of both models'' estimates.';
COMMENT ON FUNCTION expected_spend_interval(spend_model, customer_summary, date, double precision) IS 'Expected spend per purchase day with bounds at level (default 0.9) from the covariance of the spend model''s estimates (delta method on the log scale). NULL if the customer had not ordered by as_of.';
COMMENT ON FUNCTION expected_spend_interval(spend_model, customer_summary, date, double precision[], double precision) IS 'Expected spend per purchase day with bounds, for a spend model fitted with covariates, given the customer''s spend covariates.';
COMMENT ON AGGREGATE customer_value_total(btyd_model, spend_model, customer_summary, date, integer, double precision, double precision) IS 'The total of clv.customer_value over the rows (a segment''s revenue over the next months, discounted), with bounds at level that account for every customer sharing both models'' estimates. Rows with a NULL model or summary are skipped; every row must pass the same models, arguments and level. NULL when no row has a customer.';
COMMENT ON AGGREGATE residual_value_total(btyd_model, spend_model, customer_summary, date, double precision, double precision) IS 'The total of clv.residual_value over the rows, with bounds at level that account for every customer sharing both models'' estimates. NULL when no row has a customer.';
COMMENT ON FUNCTION customer_value_total_add(fit_state, btyd_model, spend_model, customer_summary, date, integer, double precision, double precision) IS 'Transition function of clv.customer_value_total; not for direct use.';
COMMENT ON FUNCTION residual_value_total_add(fit_state, btyd_model, spend_model, customer_summary, date, double precision, double precision) IS 'Transition function of clv.residual_value_total; not for direct use.';

-- The predictive distribution: quantiles of a customer's purchases and the interval between
-- two of them, and BG/BB's probability of each count.
CREATE  FUNCTION "prob_purchases"(
	"model" bgbb_model, /* BgbbModel */
	"x" INT, /* i32 */
	"t_x" INT, /* i32 */
	"n" INT, /* i32 */
	"opportunities" INT, /* i32 */
	"purchases" INT /* i32 */
) RETURNS double precision /* f64 */
IMMUTABLE STRICT PARALLEL SAFE  COST 500
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'bgbb_prob_purchases_wrapper';

CREATE  FUNCTION "purchases_interval"(
	"model" bgbb_model, /* BgbbModel */
	"x" INT, /* i32 */
	"t_x" INT, /* i32 */
	"n" INT, /* i32 */
	"opportunities" INT, /* i32 */
	"level" double precision DEFAULT 0.9 /* f64 */
) RETURNS prediction_interval /* PredictionInterval */
IMMUTABLE STRICT PARALLEL SAFE  COST 10000
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'bgbb_purchases_interval_wrapper';

CREATE  FUNCTION "purchases_interval"(
	"model" btyd_model, /* BtydModel */
	"s" customer_summary, /* CustomerSummary */
	"as_of" date, /* Date */
	"horizon" double precision, /* f64 */
	"level" double precision DEFAULT 0.9 /* f64 */
) RETURNS prediction_interval /* Option < PredictionInterval > */
IMMUTABLE STRICT PARALLEL SAFE COST 1000
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'purchases_interval_wrapper';

CREATE  FUNCTION "purchases_quantile"(
	"model" bgbb_model, /* BgbbModel */
	"x" INT, /* i32 */
	"t_x" INT, /* i32 */
	"n" INT, /* i32 */
	"opportunities" INT, /* i32 */
	"q" double precision /* f64 */
) RETURNS INT /* i32 */
IMMUTABLE STRICT PARALLEL SAFE  COST 5000
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'bgbb_purchases_quantile_wrapper';

CREATE  FUNCTION "purchases_quantile"(
	"model" btyd_model, /* BtydModel */
	"s" customer_summary, /* CustomerSummary */
	"as_of" date, /* Date */
	"horizon" double precision, /* f64 */
	"q" double precision /* f64 */
) RETURNS INT /* Option < i32 > */
IMMUTABLE STRICT PARALLEL SAFE COST 500
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'purchases_quantile_wrapper';

COMMENT ON FUNCTION purchases_quantile(btyd_model, customer_summary, date, double precision, double precision) IS 'The q-quantile of the customer''s purchases in the horizon after as_of (the smallest n with P(at most n purchases) >= q), from the distribution of clv.prob_purchases: where their actual purchases will fall. NULL if the customer had not ordered by as_of.';
COMMENT ON FUNCTION purchases_interval(btyd_model, customer_summary, date, double precision, double precision) IS 'The customer''s expected purchases in the horizon, with the predictive interval at level (default 0.9): the quantiles that leave (1 - level)/2 on each side. Counts are whole, so the interval holds the purchases with probability level or more.';
COMMENT ON FUNCTION prob_purchases(bgbb_model, integer, integer, integer, integer, integer) IS 'Probability of exactly purchases transactions in the next opportunities, for a BG/BB history (x, t_x, n).';
COMMENT ON FUNCTION purchases_quantile(bgbb_model, integer, integer, integer, integer, double precision) IS 'The q-quantile of the transactions in the next opportunities, for a BG/BB history (x, t_x, n).';
COMMENT ON FUNCTION purchases_interval(bgbb_model, integer, integer, integer, integer, double precision) IS 'Expected transactions in the next opportunities for a BG/BB history (x, t_x, n), with the predictive interval at level (default 0.9).';

-- Each aggregate is moved in place, as 0.2.0 moved the fits (CREATE AGGREGATE cannot change a
-- state type and DROP AGGREGATE would take users' views with it): its catalog row points at the
-- new support functions and type, its dependencies follow, and the old functions go. This part
-- edits the catalog: only pg_catalog is on the search path, and pg_clv's objects are qualified.
SET LOCAL search_path = pg_catalog, pg_temp;
DO $move$
DECLARE
    moved record;
    state_type pg_catalog.oid := '@extschema@.fit_state'::pg_catalog.regtype;
BEGIN
    FOR moved IN
        SELECT a.aggregate::pg_catalog.regprocedure AS aggregate,
               a.transition::pg_catalog.regprocedure AS transition,
               a.combine::pg_catalog.regprocedure AS combine,
               a.final::pg_catalog.regprocedure AS final
        FROM (VALUES
            ('@extschema@.repeat_purchase_rate(@extschema@.customer_summary, date)', '@extschema@.repeat_purchase_rate_add(@extschema@.fit_state, @extschema@.customer_summary, date)',
             '@extschema@.repeat_purchase_rate_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.repeat_purchase_rate_final(@extschema@.fit_state)'),
            ('@extschema@.churn_rate(@extschema@.customer_summary, date, date)', '@extschema@.churn_rate_add_default(@extschema@.fit_state, @extschema@.customer_summary, date, date)',
             '@extschema@.churn_rate_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.churn_rate_final(@extschema@.fit_state)'),
            ('@extschema@.churn_rate(@extschema@.customer_summary, date, date, integer)', '@extschema@.churn_rate_add(@extschema@.fit_state, @extschema@.customer_summary, date, date, integer)',
             '@extschema@.churn_rate_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.churn_rate_final(@extschema@.fit_state)'),
            ('@extschema@.revenue_share_top(@extschema@.customer_summary, float8)', '@extschema@.revenue_share_top_add(@extschema@.fit_state, @extschema@.customer_summary, float8)',
             '@extschema@.revenue_share_top_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.revenue_share_top_final(@extschema@.fit_state)'),
            ('@extschema@.business_profile(@extschema@.customer_summary, date, integer)', '@extschema@.business_profile_add(@extschema@.fit_state, @extschema@.customer_summary, date, integer)',
             '@extschema@.business_profile_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.business_profile_final(@extschema@.fit_state)'),
            ('@extschema@.business_profile(@extschema@.customer_summary, date)', '@extschema@.business_profile_add_year(@extschema@.fit_state, @extschema@.customer_summary, date)',
             '@extschema@.business_profile_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.business_profile_final(@extschema@.fit_state)'),
            ('@extschema@.rfm_breaks(@extschema@.customer_summary, date, integer)', '@extschema@.rfm_breaks_add(@extschema@.fit_state, @extschema@.customer_summary, date, integer)',
             '@extschema@.rfm_breaks_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.rfm_breaks_final(@extschema@.fit_state)'),
            ('@extschema@.rfm_breaks(@extschema@.customer_summary, date)', '@extschema@.rfm_breaks_add_quintiles(@extschema@.fit_state, @extschema@.customer_summary, date)',
             '@extschema@.rfm_breaks_combine(@extschema@.fit_state, @extschema@.fit_state)', '@extschema@.rfm_breaks_final(@extschema@.fit_state)')
        ) AS a(aggregate, transition, combine, final)
    LOOP
        -- The dependencies CREATE AGGREGATE records on the support functions (none on the
        -- state type), on the new ones instead of the old.
        DELETE FROM pg_catalog.pg_depend d
        USING pg_catalog.pg_aggregate g
        WHERE g.aggfnoid OPERATOR(pg_catalog.=) moved.aggregate
          AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
          AND d.objid OPERATOR(pg_catalog.=) moved.aggregate
          AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
          AND d.deptype OPERATOR(pg_catalog.=) 'n'
          AND d.refobjid OPERATOR(pg_catalog.=) ANY (ARRAY[g.aggtransfn, g.aggcombinefn, g.aggfinalfn,
                                                           g.aggserialfn, g.aggdeserialfn]::pg_catalog.oid[]);
        INSERT INTO pg_catalog.pg_depend (classid, objid, objsubid, refclassid, refobjid, refobjsubid, deptype)
        SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, moved.aggregate, 0, 'pg_catalog.pg_proc'::pg_catalog.regclass,
               f.function, 0, 'n'
        FROM (VALUES (moved.transition::pg_catalog.oid), (moved.combine::pg_catalog.oid),
                     (moved.final::pg_catalog.oid)) AS f(function);
        UPDATE pg_catalog.pg_aggregate
        SET aggtransfn = moved.transition::pg_catalog.oid::pg_catalog.regproc,
            aggcombinefn = moved.combine::pg_catalog.oid::pg_catalog.regproc,
            aggfinalfn = moved.final::pg_catalog.oid::pg_catalog.regproc,
            aggserialfn = 0, aggdeserialfn = 0, aggtranstype = state_type
        WHERE aggfnoid OPERATOR(pg_catalog.=) moved.aggregate;
    END LOOP;
END
$move$;

-- 0.2.0's support functions of these aggregates, unused now (the library keeps their symbols
-- for a 0.2.0 catalog until this update has run).
DROP FUNCTION @extschema@.business_profile_add(internal, @extschema@.customer_summary, date, integer);
DROP FUNCTION @extschema@.business_profile_add_year(internal, @extschema@.customer_summary, date);
DROP FUNCTION @extschema@.business_profile_combine(internal, internal);
DROP FUNCTION @extschema@.business_profile_serialize(internal);
DROP FUNCTION @extschema@.business_profile_deserialize(bytea, internal);
DROP FUNCTION @extschema@.business_profile_final(internal);
DROP FUNCTION @extschema@.churn_rate_add(internal, @extschema@.customer_summary, date, date, integer);
DROP FUNCTION @extschema@.churn_rate_add_default(internal, @extschema@.customer_summary, date, date);
DROP FUNCTION @extschema@.churn_rate_combine(internal, internal);
DROP FUNCTION @extschema@.churn_rate_serialize(internal);
DROP FUNCTION @extschema@.churn_rate_deserialize(bytea, internal);
DROP FUNCTION @extschema@.churn_rate_final(internal);
DROP FUNCTION @extschema@.repeat_purchase_rate_add(internal, @extschema@.customer_summary, date);
DROP FUNCTION @extschema@.repeat_purchase_rate_combine(internal, internal);
DROP FUNCTION @extschema@.repeat_purchase_rate_serialize(internal);
DROP FUNCTION @extschema@.repeat_purchase_rate_deserialize(bytea, internal);
DROP FUNCTION @extschema@.repeat_purchase_rate_final(internal);
DROP FUNCTION @extschema@.revenue_share_top_add(internal, @extschema@.customer_summary, float8);
DROP FUNCTION @extschema@.revenue_share_top_combine(internal, internal);
DROP FUNCTION @extschema@.revenue_share_top_serialize(internal);
DROP FUNCTION @extschema@.revenue_share_top_deserialize(bytea, internal);
DROP FUNCTION @extschema@.revenue_share_top_final(internal);
DROP FUNCTION @extschema@.rfm_breaks_add(internal, @extschema@.customer_summary, date, integer);
DROP FUNCTION @extschema@.rfm_breaks_add_quintiles(internal, @extschema@.customer_summary, date);
DROP FUNCTION @extschema@.rfm_breaks_combine(internal, internal);
DROP FUNCTION @extschema@.rfm_breaks_serialize(internal);
DROP FUNCTION @extschema@.rfm_breaks_deserialize(bytea, internal);
DROP FUNCTION @extschema@.rfm_breaks_final(internal);
