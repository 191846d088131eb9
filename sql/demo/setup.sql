-- The demo's objects over cdnow_orders: the per-customer summary as a view and as a
-- materialized table (what a production setup refreshes nightly).
CREATE EXTENSION IF NOT EXISTS pg_clv;

CREATE OR REPLACE VIEW customer_summaries_live AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s
FROM cdnow_orders
GROUP BY customer_id;
COMMENT ON VIEW customer_summaries_live IS 'One clv.customer_summary per customer, computed on read.';

-- Stored summaries kept fresh from a change log of the orders (docs/refresh.md): the nightly
-- job (sql/nightly_refresh.sql) folds in what changed.
DROP TABLE IF EXISTS customer_summaries CASCADE;
CREATE TABLE customer_summaries (customer_id int PRIMARY KEY, s clv.customer_summary NOT NULL);
COMMENT ON TABLE customer_summaries IS 'Stored per-customer summaries, kept fresh by clv.refresh_summaries (nightly_clv_refresh).';
CREATE INDEX IF NOT EXISTS cdnow_orders_customer ON cdnow_orders (customer_id);
SELECT clv.track_order_changes('cdnow_orders') WHERE to_regclass('cdnow_orders_clv_changes') IS NULL;
SELECT clv.rebuild_summaries('cdnow_orders', 'customer_summaries', 'cdnow_orders_clv_changes');

-- The segment views, judged at the end of the CDNOW data rather than today.
\ir ../segments.sql
UPDATE segment_settings SET as_of = '1998-06-30';

-- Purchase and spend models at segment_settings.as_of (days), and every customer's predictions
-- at as_of as plain columns. Pareto/NBD rather than BG/NBD: it lets one-time buyers be lost.
DROP TABLE IF EXISTS clv_models CASCADE;
CREATE TABLE clv_models AS
SELECT clv.pareto_nbd_fit(s, p.as_of) AS purchases,
       clv.gamma_gamma_fit(s, p.as_of) AS spend,
       p.as_of                         AS fitted_as_of
FROM customer_summaries, (SELECT coalesce(as_of, current_date) AS as_of FROM segment_settings) p
GROUP BY p.as_of;
COMMENT ON TABLE clv_models IS 'Pareto/NBD and Gamma-Gamma models fitted on CDNOW at segment_settings.as_of (days); refit when as_of moves.';

-- One row per customer who ordered by as_of (key customer_id): stage, RFM segment and the
-- models' predictions, the relation dashboards read (materialized as customer_scores by
-- sql/nightly_refresh.sql).
CREATE OR REPLACE VIEW customer_predictions AS
SELECT f.customer_id,
       f.as_of,
       f.stage,
       f.stage_order,
       r.segment,
       f.total_spend,
       clv.p_alive(m.purchases, c.s, f.as_of)                            AS p_alive,
       clv.expected_purchases(m.purchases, c.s, f.as_of, 365)            AS purchases_next_365_days,
       clv.prob_no_purchase(m.purchases, c.s, f.as_of, 90)               AS churn_probability_90_days,
       clv.expected_next_order_date(m.purchases, c.s, f.as_of)           AS expected_next_order_by,
       clv.customer_value(m.purchases, m.spend, c.s, f.as_of)::numeric(38,2) AS value_next_12_months,
       b.lower                                                           AS purchases_next_365_days_lower,
       b.upper                                                           AS purchases_next_365_days_upper
FROM customer_facts f
JOIN customer_summaries_as_of c USING (customer_id)
JOIN rfm_segments r USING (customer_id)
CROSS JOIN clv_models m
CROSS JOIN LATERAL clv.expected_purchases_interval(m.purchases, c.s, f.as_of, 365) b;
COMMENT ON VIEW customer_predictions IS 'One row per customer who ordered by segment_settings.as_of (key customer_id): lifecycle stage, RFM segment, P(alive), expected purchases with 90% bounds, 90-day churn probability, expected next order date and 12-month value (1% monthly discount) from clv_models.';

-- Each RFM segment's expected purchases in the next 365 days with 90% bounds that account for
-- the model's estimates every customer shares (docs/models/uncertainty.md).
CREATE OR REPLACE VIEW segment_forecast AS
SELECT segment, customers, (t).estimate AS purchases_next_365_days,
       (t).lower AS purchases_next_365_days_lower, (t).upper AS purchases_next_365_days_upper
FROM (SELECT r.segment, count(*) AS customers, clv.expected_purchases_total(m.purchases, c.s, c.as_of, 365, 0.9) AS t
      FROM rfm_segments r
      JOIN customer_summaries_as_of c USING (customer_id)
      CROSS JOIN clv_models m
      GROUP BY r.segment) totals;
COMMENT ON VIEW segment_forecast IS 'One row per RFM segment at segment_settings.as_of (key segment): its customers and their total expected purchases in the next 365 days with 90% bounds (Pareto/NBD model of clv_models).';
\ir ../column_comments.sql
