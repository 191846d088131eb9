-- Ready-made segment views over customer_summaries(customer_id, s clv.customer_summary).
--
-- Every view reads its date and thresholds from the one-row table segment_settings:
-- as_of NULL means today; set it to analyse history (the demo uses the end of the CDNOW data).
-- Definitions: docs/segments.md; for BI tools: docs/bi.md. Re-running this file replaces the
-- views and keeps the settings; views made by a version before 0.3.0 have another shape (text
-- stages, fixed-scale numbers) and must be dropped first (DROP VIEW customer_facts CASCADE).

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

-- The summary of each customer who had ordered by as_of, cut at as_of: the relation for SQL
-- users (the summary type is for clv functions, not for BI tools). The views below read it.
CREATE OR REPLACE VIEW customer_summaries_as_of AS
SELECT c.customer_id, p.as_of, cut AS s
FROM customer_summaries c
CROSS JOIN (SELECT coalesce(as_of, current_date) AS as_of FROM segment_settings) p
CROSS JOIN LATERAL clv.summary_until(c.s, p.as_of) AS cut
WHERE cut IS NOT NULL;
COMMENT ON VIEW customer_summaries_as_of IS 'For SQL users, not BI tools: one row per customer who ordered by segment_settings.as_of, with the clv.customer_summary cut at as_of (orders after it left out).';

-- One row per customer who had ordered by as_of, every value a plain column of a built-in
-- type (the BI contract, docs/bi.md): the stage as text with its position in the lifecycle,
-- every number with decimals as numeric(38, scale) (38: the widest decimal BI tools and
-- warehouses take, so that no sum overflows in practice): money and ratios to 2 decimals,
-- days and percentages to 1. The lists below show these values and filter on the exact ones
-- (clv functions of the summary), so that rounding never moves a customer in or out.
CREATE OR REPLACE VIEW customer_facts AS
SELECT c.customer_id,
       c.as_of,
       stage::text                                                     AS stage,
       array_position(enum_range(NULL::clv.lifecycle), stage)          AS stage_order,
       clv.order_count(c.s)                                            AS orders,
       clv.purchase_days(c.s)                                          AS purchase_days,
       clv.first_order(c.s)                                            AS first_order,
       clv.last_order(c.s)                                             AS last_order,
       clv.days_since_last_order(c.s, c.as_of)                         AS days_since_last_order,
       clv.total_spend(c.s)::numeric(38,2)                             AS total_spend,
       clv.average_order_value(c.s)::numeric(38,2)                     AS average_order_value,
       clv.last_order_amount(c.s)::numeric(38,2)                       AS last_order_amount,
       clv.repurchase_cycle(c.s)::numeric(38,1)                        AS repurchase_cycle,
       clv.overdue_ratio(c.s, c.as_of)::numeric(38,2)                  AS overdue_ratio,
       clv.next_order_due(c.s)                                         AS next_order_due
FROM customer_summaries_as_of c
CROSS JOIN LATERAL clv.lifecycle_stage(c.s, c.as_of) AS stage;
COMMENT ON VIEW customer_facts IS 'One row per customer who ordered by segment_settings.as_of (key customer_id): lifecycle stage, counts, spend, repurchase cycle, overdue ratio and next due date as plain columns.';

-- 1. Lifecycle stages: customers and revenue per stage.
CREATE OR REPLACE VIEW lifecycle_overview AS
SELECT stage,
       stage_order,
       count(*)                                                          AS customers,
       (100.0 * count(*) / sum(count(*)) OVER ())::numeric(38,1)          AS pct_customers,
       sum(total_spend)::numeric(38,2)                                   AS revenue,
       (100 * sum(total_spend) / nullif(sum(sum(total_spend)) OVER (), 0))::numeric(38,1) AS pct_revenue
FROM customer_facts
GROUP BY stage, stage_order;
COMMENT ON VIEW lifecycle_overview IS 'One row per lifecycle stage that has customers at segment_settings.as_of (key stage): customers and revenue.';

-- 2. Wake-up list: loyal customers (not yet dormant) overdue by more than overdue_ratio_above
--    of their own repurchase cycle.
CREATE OR REPLACE VIEW wake_up_list AS
SELECT f.customer_id, f.purchase_days, f.repurchase_cycle, f.days_since_last_order, f.overdue_ratio,
       f.stage, f.stage_order, f.total_spend
FROM customer_facts f JOIN customer_summaries_as_of c USING (customer_id), segment_settings p
WHERE f.purchase_days >= p.loyal_min_purchase_days
  AND clv.overdue_ratio(c.s, c.as_of) > p.overdue_ratio_above
  AND f.stage <> 'dormant';
COMMENT ON VIEW wake_up_list IS 'One row per customer (key customer_id): loyal customers (loyal_min_purchase_days) past overdue_ratio_above of their usual repurchase cycle, not yet dormant.';

-- 3. Spend surge: loyal customers whose spend in the last month is at least spend_surge_factor
--    times their monthly mean of the three months before.
CREATE OR REPLACE VIEW spend_surge AS
SELECT customer_id, purchase_days, last_month_spend::numeric(38,2) AS last_month_spend,
       (previous_3_months_spend / 3)::numeric(38,2) AS previous_monthly_mean
FROM (
    SELECT f.customer_id, f.purchase_days, p.spend_surge_factor, p.loyal_min_purchase_days,
           clv.spend_between(c.s, (f.as_of + 1 - interval '1 month')::date, f.as_of + 1) AS last_month_spend,
           clv.spend_between(c.s, (f.as_of + 1 - interval '4 months')::date,
                                  (f.as_of + 1 - interval '1 month')::date) AS previous_3_months_spend
    FROM customer_facts f JOIN customer_summaries_as_of c USING (customer_id), segment_settings p
) windows
WHERE purchase_days >= loyal_min_purchase_days
  AND previous_3_months_spend > 0
  AND last_month_spend >= spend_surge_factor * previous_3_months_spend / 3;
COMMENT ON VIEW spend_surge IS 'One row per customer (key customer_id): loyal customers whose spend in the month ending at as_of is at least spend_surge_factor times their monthly mean of the three months before.';

-- 4. Shrinking basket: loyal customers whose last order (purchase day) was smaller than
--    last_basket_below times the mean of their previous purchase days.
CREATE OR REPLACE VIEW shrinking_basket AS
SELECT customer_id, purchase_days, last_order, last_order_amount, previous_mean::numeric(38,2) AS previous_mean
FROM (
    SELECT f.customer_id, f.purchase_days, f.last_order, f.last_order_amount, p.last_basket_below,
           p.loyal_min_purchase_days, clv.last_order_amount(c.s) AS exact_last_order_amount,
           (clv.total_spend(c.s) - clv.last_order_amount(c.s)) / (f.purchase_days - 1) AS previous_mean
    FROM customer_facts f JOIN customer_summaries_as_of c USING (customer_id), segment_settings p
    WHERE f.purchase_days >= 2
) facts
WHERE purchase_days >= loyal_min_purchase_days
  AND exact_last_order_amount < last_basket_below * previous_mean;
COMMENT ON VIEW shrinking_basket IS 'One row per customer (key customer_id): loyal customers whose last purchase day spent less than last_basket_below times the mean of their previous purchase days.';

-- 5. Up-sell list: frequent buyers whose average order value is below the median of all customers.
CREATE OR REPLACE VIEW upsell_list AS
SELECT f.customer_id, f.purchase_days, f.orders, f.average_order_value,
       m.median_order_value::numeric(38,2) AS median_order_value
FROM customer_facts f JOIN customer_summaries_as_of c USING (customer_id), segment_settings p,
     (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY clv.average_order_value(s)) AS median_order_value
      FROM customer_summaries_as_of) m
WHERE f.purchase_days >= p.loyal_min_purchase_days
  AND clv.average_order_value(c.s) < m.median_order_value;
COMMENT ON VIEW upsell_list IS 'One row per customer (key customer_id): frequent buyers (loyal_min_purchase_days) whose average order value is below the median of all customers.';

-- 6. High-value customers at risk: top spend decile (spend at or above the 90th percentile),
--    at risk or dormant. The list a retention team calls first.
CREATE OR REPLACE VIEW vip_at_risk AS
SELECT f.customer_id, f.stage, f.stage_order, f.total_spend, f.purchase_days, f.last_order, f.days_since_last_order
FROM customer_facts f JOIN customer_summaries_as_of c USING (customer_id),
     (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY clv.total_spend(s)) AS top_decile FROM customer_summaries_as_of) d
WHERE clv.total_spend(c.s) >= d.top_decile
  AND f.stage IN ('at_risk', 'dormant');
COMMENT ON VIEW vip_at_risk IS 'One row per customer (key customer_id): customers in the top spend decile (at or above the 90th percentile of spend) who are at risk or dormant.';

-- 7. Replenishment reminders: customers whose next order is due in the next due_within_days days.
CREATE OR REPLACE VIEW replenishment_due AS
SELECT f.customer_id, f.next_order_due, f.next_order_due - f.as_of AS due_in_days, f.repurchase_cycle,
       f.last_order
FROM customer_facts f, segment_settings p
WHERE f.next_order_due > f.as_of
  AND f.next_order_due <= f.as_of + p.due_within_days;
COMMENT ON VIEW replenishment_due IS 'One row per customer (key customer_id) whose next order (last order + mean repurchase cycle) is due within due_within_days after as_of.';

-- 8. RFM: each customer's scores and segment against the population at as_of, and the sizes.
CREATE OR REPLACE VIEW rfm_segments AS
SELECT f.customer_id, sc.r, sc.f, sc.m, sc.cell, clv.rfm_segment(sc) AS segment, f.total_spend
FROM customer_facts f
JOIN customer_summaries_as_of c USING (customer_id)
CROSS JOIN (SELECT clv.rfm_breaks(s, as_of) AS breaks FROM customer_summaries_as_of) b
CROSS JOIN LATERAL clv.rfm_score(c.s, b.breaks, c.as_of) AS sc;
COMMENT ON VIEW rfm_segments IS 'One row per customer (key customer_id): RFM scores (quintiles of the customers who ordered by as_of) and canonical segment of each customer.';

CREATE OR REPLACE VIEW rfm_segment_overview AS
SELECT segment,
       count(*)                                                          AS customers,
       (100.0 * count(*) / sum(count(*)) OVER ())::numeric(38,1)          AS pct_customers,
       sum(total_spend)::numeric(38,2)                                   AS revenue,
       (100 * sum(total_spend) / nullif(sum(sum(total_spend)) OVER (), 0))::numeric(38,1) AS pct_revenue
FROM rfm_segments
GROUP BY segment;
COMMENT ON VIEW rfm_segment_overview IS 'One row per RFM segment that has customers at segment_settings.as_of (key segment; NULL for scores no rule matches): customers and revenue.';

-- 9. Cohort retention in long form, the shape BI tools pivot into a triangle or heat map.
CREATE OR REPLACE VIEW cohort_retention AS
SELECT r.cohort,
       r.period,
       count(*)                                                           AS customers,
       count(*) FILTER (WHERE r.purchased)                                AS retained,
       (100.0 * count(*) FILTER (WHERE r.purchased) / count(*))::numeric(38,1) AS pct_retained,
       sum(r.spend)::numeric(38,2)                                        AS revenue
FROM customer_summaries_as_of c
CROSS JOIN LATERAL clv.retention_periods(c.s, 'month', c.as_of) AS r
GROUP BY r.cohort, r.period;
COMMENT ON VIEW cohort_retention IS 'One row per acquisition cohort and month since the first order (key cohort, period), up to segment_settings.as_of: cohort size, customers who purchased in that month, their share and revenue.';

-- What every column of these views means, one entry per column name (a name means the same
-- in every view); BI tools show these as field descriptions.
\ir column_comments.sql
