-- pg_clv 0.2.0 to 0.3.0 (ALTER EXTENSION pg_clv UPDATE), written as the changes land.
-- Functions are copied from the module SQL with CREATE OR REPLACE (scripts/check_sql_scripts.py
-- checks that they are the same word for word), and tests/upgrade compares the updated catalog
-- with a fresh install object by object. Stored values keep their binary formats.
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
