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
