-- The same answers from the objects an old release made (0.2.0, and 0.1.0 on PostgreSQL 15),
-- whichever library and catalog serve them: run on the old release, on the new library before
-- ALTER EXTENSION UPDATE, and after it (scripts/upgrade_test.sh compares the outputs). Stored
-- values print exactly; what is computed again prints rounded (0.2.0 computes customer value
-- in another, equally exact, order than 0.1.0, and 0.3.0 its series to another stopping point).
\pset footer off
SELECT md5(string_agg(s::text, '' ORDER BY customer_id)) AS stored_summaries FROM customer_summaries;
SELECT md5(string_agg(t::text, '')) AS stored_models FROM stored_models t;
SELECT md5(purchases::text || spend::text) AS stored_demo_models FROM clv_models;
-- Fits again, serially and with parallel workers (an old catalog's serialize and
-- deserialize functions, served by the new library before the update). 0.2.0 computes some
-- likelihoods in another order (Pareto/NBD, MBG/NBD), so parameters agree to 8 decimals, not
-- to the last bit.
SET max_parallel_workers_per_gather = 0;
SELECT 'pareto_nbd serial' AS fit, p.parameter, round(p.estimate::numeric, 8) AS estimate
FROM (SELECT clv.pareto_nbd_fit(s, '1998-06-30') AS m FROM customer_summaries) f, clv.model_parameters(f.m) p
UNION ALL
SELECT 'bgnbd serial', p.parameter, round(p.estimate::numeric, 8)
FROM (SELECT clv.bgnbd_fit(s, '1997-09-30', 'weeks') AS m FROM customer_summaries) f, clv.model_parameters(f.m) p;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT 'gamma_gamma parallel' AS fit, p.parameter, round(p.estimate::numeric, 8) AS estimate
FROM (SELECT clv.gamma_gamma_fit(s, '1998-06-30') AS m FROM customer_summaries) f, clv.model_parameters(f.m) p
UNION ALL
SELECT 'mbgnbd parallel', p.parameter, round(p.estimate::numeric, 8)
FROM (SELECT clv.mbgnbd_fit(s, '1998-06-30') AS m FROM customer_summaries) f, clv.model_parameters(f.m) p;
EXPLAIN (COSTS OFF) SELECT clv.mbgnbd_fit(s, '1998-06-30') FROM customer_summaries;
-- The KPIs and RFM breaks in parallel: an old catalog's internal state, served by the new
-- library's transition and combine functions and the old serialize/deserialize symbols it
-- keeps; after the update, clv.fit_state.
SELECT clv.rfm_breaks(s, '1998-06-30')::text AS breaks, round(clv.revenue_share_top(s, 0.1)::numeric, 10) AS top,
       round(clv.repeat_purchase_rate(s, '1998-06-30')::numeric, 10) AS repeat_rate,
       round(clv.churn_rate(s, '1998-01-01', '1998-04-01')::numeric, 10) AS churn,
       clv.business_profile(s, '1998-06-30')::text AS profile
FROM customer_summaries;
RESET max_parallel_workers_per_gather; RESET parallel_setup_cost; RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT p.parameter, round(p.estimate::numeric, 8) AS on_read FROM model_on_read, clv.model_parameters(purchases) p;
SELECT count(*) AS customers, round(sum(p_alive)::numeric, 6) AS p_alive,
       round(sum(purchases_next_365_days)::numeric, 6) AS purchases,
       round(sum(churn_probability_90_days)::numeric, 6) AS churn,
       md5(string_agg(expected_next_order_by::text, '' ORDER BY customer_id)) AS next_orders,
       round(sum(value_next_12_months)::numeric, 4) AS value
FROM customer_predictions;
SELECT md5(string_agg(t::text, '' ORDER BY t::text)) AS rfm_scores
FROM (SELECT clv.rfm_score(c.s, m.breaks, '1998-06-30') FROM customer_summaries c, stored_models m) t;
