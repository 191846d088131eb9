-- The nightly refresh of the demo's stored objects as one procedure (docs/refresh.md):
-- summaries from the change log, then what dashboards read, materialized. Expects the demo's
-- objects (sql/demo/setup.sql). scripts/demo.sh schedules it with pg_cron, from database
-- postgres where pg_cron lives:
--     SELECT cron.schedule_in_database('clv-nightly', '0 3 * * *', 'CALL nightly_clv_refresh()', 'pg_clv_demo');
DROP MATERIALIZED VIEW IF EXISTS customer_scores CASCADE;
CREATE MATERIALIZED VIEW customer_scores AS SELECT * FROM customer_predictions;
CREATE UNIQUE INDEX ON customer_scores (customer_id);
COMMENT ON MATERIALIZED VIEW customer_scores IS 'customer_predictions materialized for dashboards (one row per customer, key customer_id); refreshed nightly by nightly_clv_refresh().';
-- information_schema lists no materialized view, and some BI tools list relations from it
-- alone: this plain view over customer_scores shows them the same rows at the same cost.
CREATE VIEW customer_scores_view AS SELECT * FROM customer_scores;
COMMENT ON VIEW customer_scores_view IS 'customer_scores (materialized, refreshed nightly) as a plain view, for BI tools that list relations from information_schema alone.';
\ir column_comments.sql

CREATE OR REPLACE PROCEDURE nightly_clv_refresh()
LANGUAGE plpgsql SET search_path = public, pg_catalog AS $$
BEGIN
    PERFORM * FROM clv.refresh_summaries('cdnow_orders', 'customer_summaries', 'cdnow_orders_clv_changes');
    REFRESH MATERIALIZED VIEW CONCURRENTLY customer_scores;
END
$$;
COMMENT ON PROCEDURE nightly_clv_refresh() IS 'Folds the logged order changes into customer_summaries, then refreshes customer_scores.';
