-- The nightly refresh run by pg_cron once, checked (scripts/test.sh, stage 3): stored summaries
-- of part of CDNOW with a change log, a materialized scores table, a day of changes, then the
-- job scheduled every minute until it has run once. Prints what the test checks. pg_cron
-- lives in database postgres (cron.database_name) and runs the job in this one.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT current_database() AS db \gset
DROP TABLE IF EXISTS cron_orders, cron_orders_clv_changes, cron_summaries CASCADE;
CREATE TABLE cron_orders AS SELECT customer_id, ordered_at, amount FROM cdnow_orders WHERE ordered_at < '1997-06-01';
CREATE INDEX ON cron_orders (customer_id);
SELECT clv.track_order_changes('cron_orders') \gset
CREATE TABLE cron_summaries (customer_id int PRIMARY KEY, s clv.customer_summary NOT NULL);
SELECT clv.rebuild_summaries('cron_orders', 'cron_summaries', 'cron_orders_clv_changes') \gset
CREATE MATERIALIZED VIEW cron_scores AS
SELECT customer_id, clv.total_spend(s) AS total_spend, clv.last_order(s) AS last_order FROM cron_summaries;
CREATE UNIQUE INDEX ON cron_scores (customer_id);
CREATE OR REPLACE PROCEDURE cron_nightly_refresh() LANGUAGE plpgsql SET search_path = public, pg_catalog AS $$
BEGIN
    PERFORM * FROM clv.refresh_summaries('cron_orders', 'cron_summaries', 'cron_orders_clv_changes');
    REFRESH MATERIALIZED VIEW CONCURRENTLY cron_scores;
END
$$;
-- A day of changes: new orders, a corrected old one, a deleted customer.
INSERT INTO cron_orders SELECT customer_id, ordered_at, amount FROM cdnow_orders WHERE ordered_at >= '1997-06-01' AND ordered_at < '1997-06-08';
UPDATE cron_orders SET amount = -amount WHERE customer_id = 2;
DELETE FROM cron_orders WHERE customer_id = 4;
\c postgres
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_cron;
SELECT cron.schedule_in_database('clv-refresh-test', '* * * * *', 'CALL cron_nightly_refresh()', :'db') AS job \gset
-- pg_cron starts jobs at minute boundaries: wait for one run (at most 90 s).
DO $$
BEGIN
    FOR i IN 1..90 LOOP
        EXIT WHEN EXISTS (SELECT FROM cron.job_run_details d JOIN cron.job j USING (jobid)
                          WHERE j.jobname = 'clv-refresh-test' AND d.status IN ('succeeded', 'failed'));
        PERFORM pg_sleep(1);
    END LOOP;
END
$$;
SELECT status, round(extract(epoch FROM end_time - start_time) * 1000) AS job_ms, return_message
FROM cron.job_run_details WHERE jobid = :job ORDER BY runid LIMIT 1 \gset job_
SELECT cron.unschedule(:job) \gset
DELETE FROM cron.job_run_details WHERE jobid = :job;
\c :db
SET client_min_messages = warning;
SELECT :'job_status', :'job_job_ms', :'job_return_message';
SELECT count(*) FILTER (WHERE s.s::text IS DISTINCT FROM r.s::text) AS summaries_differing_from_a_rebuild,
       (SELECT count(*) FROM cron_orders_clv_changes) AS changes_left,
       (SELECT count(*) FROM cron_scores) = (SELECT count(*) FROM cron_summaries) AS scores_refreshed,
       (SELECT max(last_order) FROM cron_scores) AS latest_order_scored
FROM cron_summaries s FULL JOIN (SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM cron_orders GROUP BY customer_id) r
USING (customer_id);
DROP TABLE cron_orders, cron_orders_clv_changes, cron_summaries CASCADE;
DROP PROCEDURE cron_nightly_refresh();
