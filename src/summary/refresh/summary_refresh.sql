-- Part of pg_clv's install script, included by src/summary/refresh.rs (extension_sql_file!).
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
COMMENT ON FUNCTION refresh_summaries(regclass, regclass, regclass, name, name, name, name) IS 'Brings a summaries table up to date with the orders logged by clv.track_order_changes since the last refresh, at a cost proportional to those orders: new orders fold in with clv.summary_merge, customers with updated or deleted orders are summarized again, a logged TRUNCATE rebuilds (all stored summaries removed, all customers recomputed). The result equals clv.rebuild_summaries byte for byte. Needs a unique index on the summaries'' customer column. Returns the customers appended to, recomputed and removed. Writes tables: VOLATILE, PARALLEL UNSAFE.';
