-- Roles as a company has them (docs/security.md), after sql/bi_grants.sql: the read-only BI
-- login reads the views and nothing else; the analyst, who owns nothing, calls clv functions
-- on the tables. scripts/bi.sh test runs this as postgres on the demo's database.
SET datestyle = 'ISO';
\c - bi_reader
SELECT current_user, stage, customers, revenue FROM lifecycle_overview ORDER BY stage_order;
SELECT count(*) AS scores, round(avg(p_alive)::numeric, 4) AS mean_p_alive FROM customer_scores_view;
-- The live views call clv functions (lifecycle stage, RFM, the models) as the BI login.
SELECT count(*) AS customers, sum(value_next_12_months) AS value_next_12_months FROM customer_predictions;
SELECT count(*) AS cohort_months, sum(retained) AS retained FROM cohort_retention;
-- The BI login cannot read the tables under the views, nor name a clv function.
SELECT count(*) FROM customer_summaries;
SELECT clv.total_spend(NULL::clv.customer_summary);
\c - analyst
SELECT current_user, count(*) AS customers,
       round(sum(clv.p_alive(m.purchases, c.s, '1998-06-30'))::numeric, 4) AS expected_alive
FROM customer_summaries c, clv_models m;
SELECT count(*) AS vip_at_risk FROM vip_at_risk;
-- The analyst owns nothing, so cannot change what others read.
DELETE FROM clv_models;
\c - postgres
