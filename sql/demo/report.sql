-- The demo report: what an analyst wants to see first about a customer base.
-- Expects cdnow_orders (sql/load_cdnow.sql), customer_summaries and the segment views
-- (sql/demo/setup.sql).
\pset footer off
\pset null '-'

\echo
\echo '== The customer base ======================================================'
SELECT count(*)                                                   AS customers,
       sum(clv.order_count(s))                                    AS orders,
       sum(clv.purchase_days(s))                                  AS purchase_days,
       count(*) FILTER (WHERE clv.frequency(s) > 0)               AS repeat_buyers,
       round(100.0 * count(*) FILTER (WHERE clv.frequency(s) > 0) / count(*), 1) AS repeat_pct,
       round(sum(clv.total_spend(s))::numeric, 2)                 AS revenue,
       min(clv.first_order(s))                                    AS first_order,
       max(clv.last_order(s))                                     AS last_order
FROM customer_summaries;

\echo
\echo '== Top 10 customers by spend =============================================='
SELECT customer_id,
       clv.order_count(s)                              AS orders,
       clv.purchase_days(s)                            AS purchase_days,
       round(clv.total_spend(s)::numeric, 2)           AS total_spend,
       round(clv.average_order_value(s)::numeric, 2)   AS avg_order,
       clv.first_order(s)                              AS first_order,
       clv.last_order(s)                               AS last_order
FROM customer_summaries
ORDER BY clv.total_spend(s) DESC, customer_id
LIMIT 10;

\echo
\echo '== How many times customers bought (purchase days) ======================='
SELECT CASE WHEN clv.purchase_days(s) >= 10 THEN '10+' ELSE clv.purchase_days(s)::text END AS purchase_days,
       count(*)                                                    AS customers,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1)          AS pct_customers,
       round(sum(clv.total_spend(s))::numeric, 2)                  AS revenue,
       round((100.0 * sum(clv.total_spend(s)) / sum(sum(clv.total_spend(s))) OVER ())::numeric, 1) AS pct_revenue,
       repeat('#', (50.0 * count(*) / max(count(*)) OVER ())::int) AS histogram
FROM customer_summaries
GROUP BY 1
ORDER BY min(clv.purchase_days(s));

\echo
\echo '== Retention KPIs at 1998-06-30 ==========================================='
SELECT round(100 * clv.repeat_purchase_rate(s, '1998-06-30')::numeric, 1)                  AS repeat_purchase_pct,
       round(100 * clv.churn_rate(s, '1998-04-01', '1998-07-01')::numeric, 1)              AS churn_pct_last_quarter,
       round(100 * clv.revenue_share_top(s, 0.1)::numeric, 1)                              AS top_10pct_revenue_pct,
       round(100 * clv.revenue_share_top(s, 0.2)::numeric, 1)                              AS top_20pct_revenue_pct,
       (clv.business_profile(s, '1998-06-30')).median_repurchase_cycle_days               AS median_cycle_days,
       (clv.business_profile(s, '1998-06-30')).label                                      AS business
FROM customer_summaries;

\echo
\echo '== Monthly cohort retention: % of each first-order month buying n months later'
SELECT to_char(cohort, 'YYYY-MM')                                                        AS cohort,
       max(customers)                                                                    AS customers,
       string_agg(lpad(round(100.0 * buyers / customers)::text, 3), ' ' ORDER BY period) AS "month 0   1   2   3 ..."
FROM (SELECT cohort, period, count(*) AS customers, count(*) FILTER (WHERE purchased) AS buyers
      FROM customer_summaries, clv.retention_periods(s, 'month', '1998-06-30')
      GROUP BY cohort, period) t
GROUP BY cohort ORDER BY cohort;

\echo
\echo '== Lifecycle stages at 1998-06-30 ========================================'
SELECT * FROM lifecycle_overview ORDER BY stage_order;

\echo
\echo '== RFM segments (quintiles) ==============================================='
SELECT * FROM rfm_segment_overview ORDER BY revenue DESC;

\echo
\echo '== Call first: top-decile customers at risk or dormant ===================='
SELECT customer_id, stage, round(total_spend::numeric, 2) AS total_spend, purchase_days,
       last_order, days_since_last_order
FROM vip_at_risk ORDER BY total_spend DESC LIMIT 10;

\echo
\echo '== Wake-up list: loyal customers late against their own cycle ============'
SELECT * FROM wake_up_list ORDER BY total_spend DESC LIMIT 10;

\echo
\echo '== Replenishment reminders: next order due within 7 days ================='
SELECT * FROM replenishment_due ORDER BY next_order_due, customer_id LIMIT 10;

\echo
\echo '== More lists ==============================================================='
SELECT 'spend_surge' AS view, count(*) AS customers, 'spend last month >= 2x the monthly mean of the 3 months before' AS who FROM spend_surge
UNION ALL SELECT 'shrinking_basket', count(*), 'last order smaller than their usual purchase day' FROM shrinking_basket
UNION ALL SELECT 'upsell_list', count(*), 'frequent buyers with a below-median order value' FROM upsell_list
ORDER BY view;

\echo
\echo '== Purchase model (Pareto/NBD, days) and spend model (Gamma-Gamma) ========'
SELECT 'purchases' AS model, parameter, round(estimate::numeric, 4) AS estimate, round(std_error::numeric, 4) AS std_error
FROM clv_models, clv.model_parameters(purchases)
UNION ALL
SELECT 'spend', parameter, round(estimate::numeric, 4), round(std_error::numeric, 4)
FROM clv_models, clv.model_parameters(spend);

\echo
\echo '== Customers most likely lost: the most valuable with P(alive) below 10% ==='
SELECT customer_id, round(total_spend::numeric, 2) AS total_spend, round(p_alive::numeric, 3) AS p_alive,
       clv.last_order(s) AS last_order, clv.purchase_days(s) AS purchase_days
FROM customer_predictions JOIN customer_summaries USING (customer_id)
WHERE p_alive < 0.1
ORDER BY total_spend DESC LIMIT 10;

\echo
\echo '== Predicted value of the next 12 months ===================================='
SELECT count(*) AS customers,
       round(sum(value_next_12_months)::numeric, 2) AS total_value,
       round(sum(purchases_next_365_days)::numeric, 1) AS expected_purchases,
       count(*) FILTER (WHERE p_alive >= 0.5) AS likely_active,
       round((100.0 * sum(value_next_12_months) FILTER (WHERE value_next_12_months >= v90) / sum(value_next_12_months))::numeric, 1) AS top_decile_pct_of_value
FROM customer_predictions,
     (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY value_next_12_months) AS v90 FROM customer_predictions) d;
SELECT customer_id, round(value_next_12_months::numeric, 2) AS value_next_12_months,
       round(purchases_next_365_days::numeric, 2) AS purchases_next_365_days, round(p_alive::numeric, 3) AS p_alive,
       expected_next_order_by
FROM customer_predictions ORDER BY value_next_12_months DESC LIMIT 10;
