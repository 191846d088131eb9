-- The same answers from what 0.2.0 added (objects_0_2_0.sql and the demo's change log), run
-- with check.sql on 0.2.0, on the new library before ALTER EXTENSION UPDATE, and after it
-- (scripts/upgrade_test.sh compares the outputs).
\pset footer off
SELECT md5(bgbb::text || sbg::text) AS stored_discrete_models FROM discrete_models;
SELECT x, t_x, round(clv.p_alive(bgbb, x, t_x, n)::numeric, 10) AS p_alive,
       round(clv.expected_purchases(bgbb, x, t_x, n, 5)::numeric, 10) AS next_5,
       round(clv.dert(bgbb, x, t_x, n, 0.1)::numeric, 8) AS dert
FROM discrete_models, donations WHERE n = 6 AND x IN (0, 3, 6) AND t_x IN (0, 4, 6) ORDER BY x, t_x;
SELECT round(clv.survival(sbg, 12)::numeric, 10) AS survival_12, round(clv.derl(sbg, 0.1, renewals => 4)::numeric, 8) AS derl
FROM discrete_models;
SELECT segment, p.parameter, round(p.estimate::numeric, 8) AS on_read
FROM retention_on_read, clv.model_parameters(m) p ORDER BY segment, p.parameter;
-- The change log at work: new, changed and deleted orders folded in by clv.refresh_summaries
-- equal a rebuild (rolled back, so that every run starts from the same log).
BEGIN;
INSERT INTO cdnow_orders (customer_id, ordered_at, cds, amount) VALUES (1, '1998-07-01', 1, 12.5), (99999, '1998-07-02', 2, 30);
UPDATE cdnow_orders SET amount = amount + 1 WHERE customer_id = 2;
DELETE FROM cdnow_orders WHERE customer_id = 3;
SELECT * FROM clv.refresh_summaries('cdnow_orders', 'customer_summaries', 'cdnow_orders_clv_changes');
SELECT count(*) AS customers, count(*) FILTER (WHERE l.s::text IS DISTINCT FROM c.s::text) AS unlike_a_rebuild
FROM customer_summaries c FULL JOIN customer_summaries_live l USING (customer_id);
ROLLBACK;
