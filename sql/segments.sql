-- Ready-made segment views over customer_summaries(customer_id, s clv.customer_summary).
--
-- Every view reads its date and thresholds from the one-row table segment_settings:
-- as_of NULL means today; set it to analyse history (the demo uses the end of the CDNOW data).
-- Definitions: docs/segments.md. Re-running this file replaces the views and keeps the settings.

CREATE TABLE IF NOT EXISTS segment_settings (
    singleton               boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    as_of                   date,                          -- NULL: current_date
    loyal_min_purchase_days integer NOT NULL DEFAULT 3,    -- "loyal": at least this many purchase days
    overdue_ratio_above     float8  NOT NULL DEFAULT 1.5,  -- wake-up list: this many cycles late
    spend_surge_factor      float8  NOT NULL DEFAULT 2,    -- last month vs monthly mean of the 3 before
    last_basket_below       float8  NOT NULL DEFAULT 1,    -- last order below this share of the usual
    due_within_days         integer NOT NULL DEFAULT 7     -- replenishment reminders
);
INSERT INTO segment_settings DEFAULT VALUES ON CONFLICT DO NOTHING;
COMMENT ON TABLE segment_settings IS 'Date (as_of, NULL = today) and thresholds of the segment views; one row.';

-- One row per customer who had ordered by as_of, every value a plain column, from the orders
-- up to as_of.
CREATE OR REPLACE VIEW customer_facts AS
SELECT c.customer_id,
       p.as_of,
       cut                                      AS s,
       clv.lifecycle_stage(c.s, p.as_of)        AS stage,
       clv.order_count(cut)                     AS orders,
       clv.purchase_days(cut)                   AS purchase_days,
       clv.first_order(cut)                     AS first_order,
       clv.last_order(cut)                      AS last_order,
       clv.days_since_last_order(cut, p.as_of)  AS days_since_last_order,
       clv.total_spend(cut)                     AS total_spend,
       clv.average_order_value(cut)             AS average_order_value,
       clv.last_order_amount(cut)               AS last_order_amount,
       clv.repurchase_cycle(cut)                AS repurchase_cycle,
       clv.overdue_ratio(cut, p.as_of)          AS overdue_ratio,
       clv.next_order_due(cut)                  AS next_order_due
FROM customer_summaries c
CROSS JOIN (SELECT coalesce(as_of, current_date) AS as_of FROM segment_settings) p
CROSS JOIN LATERAL clv.summary_until(c.s, p.as_of) AS cut
WHERE cut IS NOT NULL;
COMMENT ON VIEW customer_facts IS 'One row per customer who ordered by segment_settings.as_of, with the summary cut at as_of and its values as plain columns.';

-- 1. Lifecycle stages: customers and revenue per stage.
CREATE OR REPLACE VIEW lifecycle_overview AS
SELECT stage,
       count(*)                                                          AS customers,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1)                AS pct_customers,
       round(sum(total_spend)::numeric, 2)                               AS revenue,
       round((100 * sum(total_spend) / sum(sum(total_spend)) OVER ())::numeric, 1) AS pct_revenue
FROM customer_facts
GROUP BY stage;
COMMENT ON VIEW lifecycle_overview IS 'Customers and revenue per lifecycle stage at as_of.';

-- 2. Wake-up list: loyal customers (not yet dormant) overdue by more than overdue_ratio_above
--    of their own repurchase cycle.
CREATE OR REPLACE VIEW wake_up_list AS
SELECT f.customer_id, f.purchase_days, round(f.repurchase_cycle::numeric, 1) AS repurchase_cycle,
       f.days_since_last_order, round(f.overdue_ratio::numeric, 2) AS overdue_ratio,
       f.stage, f.total_spend
FROM customer_facts f, segment_settings p
WHERE f.purchase_days >= p.loyal_min_purchase_days
  AND f.overdue_ratio > p.overdue_ratio_above
  AND f.stage <> 'dormant';
COMMENT ON VIEW wake_up_list IS 'Loyal customers (loyal_min_purchase_days) past overdue_ratio_above of their usual repurchase cycle, not yet dormant.';

-- 3. Spend surge: loyal customers whose spend in the last month is at least spend_surge_factor
--    times their monthly mean of the three months before.
CREATE OR REPLACE VIEW spend_surge AS
SELECT customer_id, purchase_days, last_month_spend,
       round((previous_3_months_spend / 3)::numeric, 2) AS previous_monthly_mean
FROM (
    SELECT f.customer_id, f.purchase_days, p.spend_surge_factor, p.loyal_min_purchase_days,
           clv.spend_between(f.s, (f.as_of + 1 - interval '1 month')::date, f.as_of + 1) AS last_month_spend,
           clv.spend_between(f.s, (f.as_of + 1 - interval '4 months')::date,
                                  (f.as_of + 1 - interval '1 month')::date) AS previous_3_months_spend
    FROM customer_facts f, segment_settings p
) windows
WHERE purchase_days >= loyal_min_purchase_days
  AND previous_3_months_spend > 0
  AND last_month_spend >= spend_surge_factor * previous_3_months_spend / 3;
COMMENT ON VIEW spend_surge IS 'Loyal customers whose spend in the month ending at as_of is at least spend_surge_factor times their monthly mean of the three months before.';

-- 4. Shrinking basket: loyal customers whose last order (purchase day) was smaller than
--    last_basket_below times the mean of their previous purchase days.
CREATE OR REPLACE VIEW shrinking_basket AS
SELECT customer_id, purchase_days, last_order, last_order_amount,
       round(previous_mean::numeric, 2) AS previous_mean
FROM (
    SELECT f.*, p.last_basket_below, p.loyal_min_purchase_days,
           (f.total_spend - f.last_order_amount) / (f.purchase_days - 1) AS previous_mean
    FROM customer_facts f, segment_settings p
    WHERE f.purchase_days >= 2
) facts
WHERE purchase_days >= loyal_min_purchase_days
  AND last_order_amount < last_basket_below * previous_mean;
COMMENT ON VIEW shrinking_basket IS 'Loyal customers whose last purchase day spent less than last_basket_below times the mean of their previous purchase days.';

-- 5. Up-sell list: frequent buyers whose average order value is below the median of all customers.
CREATE OR REPLACE VIEW upsell_list AS
SELECT f.customer_id, f.purchase_days, f.orders, round(f.average_order_value::numeric, 2) AS average_order_value,
       round(m.median_order_value::numeric, 2) AS median_order_value
FROM customer_facts f, segment_settings p,
     (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY average_order_value) AS median_order_value FROM customer_facts) m
WHERE f.purchase_days >= p.loyal_min_purchase_days
  AND f.average_order_value < m.median_order_value;
COMMENT ON VIEW upsell_list IS 'Frequent buyers (loyal_min_purchase_days) whose average order value is below the median of all customers.';

-- 6. High-value customers at risk: top spend decile (spend at or above the 90th percentile),
--    at risk or dormant. The list a retention team calls first.
CREATE OR REPLACE VIEW vip_at_risk AS
SELECT f.customer_id, f.stage, f.total_spend, f.purchase_days, f.last_order, f.days_since_last_order
FROM customer_facts f,
     (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY total_spend) AS top_decile FROM customer_facts) d
WHERE f.total_spend >= d.top_decile
  AND f.stage IN ('at_risk', 'dormant');
COMMENT ON VIEW vip_at_risk IS 'Customers in the top spend decile (at or above the 90th percentile of spend) who are at risk or dormant.';

-- 7. Replenishment reminders: customers whose next order is due in the next due_within_days days.
CREATE OR REPLACE VIEW replenishment_due AS
SELECT f.customer_id, f.next_order_due, f.next_order_due - f.as_of AS due_in_days,
       round(f.repurchase_cycle::numeric, 1) AS repurchase_cycle, f.last_order
FROM customer_facts f, segment_settings p
WHERE f.next_order_due > f.as_of
  AND f.next_order_due <= f.as_of + p.due_within_days;
COMMENT ON VIEW replenishment_due IS 'Customers whose next order (last order + mean repurchase cycle) is due within due_within_days after as_of.';

-- 8. RFM: each customer's scores and segment against the population at as_of, and the sizes.
CREATE OR REPLACE VIEW rfm_segments AS
SELECT f.customer_id, sc.r, sc.f, sc.m, sc.cell, clv.rfm_segment(sc) AS segment, f.total_spend
FROM customer_facts f
CROSS JOIN (SELECT clv.rfm_breaks(s, as_of) AS breaks FROM customer_facts) b
CROSS JOIN LATERAL clv.rfm_score(f.s, b.breaks, f.as_of) AS sc;
COMMENT ON VIEW rfm_segments IS 'RFM scores (quintiles of the customers who ordered by as_of) and canonical segment of each customer.';

CREATE OR REPLACE VIEW rfm_segment_overview AS
SELECT segment,
       count(*)                                                          AS customers,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1)                AS pct_customers,
       round(sum(total_spend)::numeric, 2)                               AS revenue,
       round((100 * sum(total_spend) / sum(sum(total_spend)) OVER ())::numeric, 1) AS pct_revenue
FROM rfm_segments
GROUP BY segment;
COMMENT ON VIEW rfm_segment_overview IS 'Customers and revenue per RFM segment.';
