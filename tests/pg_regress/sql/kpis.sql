-- Retention KPIs on the CDNOW sample, each checked against the plain SQL of its definition.
CREATE TABLE kpi_customers AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM cdnow_orders GROUP BY customer_id;

-- Repeat-purchase rate: share of customers with two or more purchase days by as_of.
SELECT as_of,
       round(clv.repeat_purchase_rate(s, as_of)::numeric, 6) AS rate,
       round(avg((clv.purchase_days_between(s, '1900-01-01', as_of + 1) >= 2)::int)
             FILTER (WHERE clv.first_order(s) <= as_of), 6) AS plain_sql
FROM kpi_customers, (VALUES (DATE '1997-01-31'), (DATE '1997-09-30'), (DATE '1998-06-30')) d(as_of)
GROUP BY as_of ORDER BY as_of;

-- Churn per quarter: of those who bought in the 90 days before the quarter, the share who did
-- not buy in it; and with "active" meaning the 30 days before.
SELECT q AS period_start,
       round(clv.churn_rate(s, q, (q + interval '3 months')::date)::numeric, 4) AS churn,
       round(avg((clv.purchase_days_between(s, q, (q + interval '3 months')::date) = 0)::int)
             FILTER (WHERE clv.purchase_days_between(s, q - 90, q) > 0), 4) AS plain_sql,
       round(clv.churn_rate(s, q, (q + interval '3 months')::date, 30)::numeric, 4) AS churn_active_30
FROM kpi_customers, (VALUES (DATE '1997-04-01'), (DATE '1997-07-01'), (DATE '1997-10-01'), (DATE '1998-01-01'), (DATE '1998-04-01')) d(q)
GROUP BY q ORDER BY q;

-- clv.churned is the same definition per customer.
SELECT clv.churned(s, '1997-07-01', '1997-10-01') AS churned, count(*) FROM kpi_customers GROUP BY 1 ORDER BY 1;

-- Revenue concentration: the top 10% (236 of 2,357 customers) against ORDER BY ... LIMIT.
SELECT f AS fraction,
       round(clv.revenue_share_top(s, f)::numeric, 6) AS share,
       (SELECT round((sum(spend) / (SELECT sum(clv.total_spend(s)) FROM kpi_customers))::numeric, 6)
        FROM (SELECT clv.total_spend(s) AS spend FROM kpi_customers ORDER BY 1 DESC
              LIMIT ceil(f * (SELECT count(*) FROM kpi_customers))) top) AS plain_sql
FROM kpi_customers, (VALUES (0.01::float8), (0.1), (0.2), (0.5), (1)) d(f)
GROUP BY f ORDER BY f;

-- The business profile late in the data (no new customers: everybody arrived in Q1 1997) and
-- at the end of the arrival quarter (everybody is new).
SELECT (clv.business_profile(s, '1998-06-30')).* FROM kpi_customers;
SELECT (clv.business_profile(s, '1997-03-31', 90)).* FROM kpi_customers;
-- A window that catches the arrivals' tail and the first repeat buyers.
SELECT (clv.business_profile(s, '1997-04-30', 60)).* FROM kpi_customers;
-- Its fields against plain SQL.
SELECT count(*) FILTER (WHERE clv.purchase_days_between(s, '1997-03-02', '1997-05-01') > 0) AS active,
       count(*) FILTER (WHERE clv.first_order(s) >= '1997-03-02') AS new,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY clv.repurchase_cycle(clv.summary_until(s, '1997-04-30')))::numeric, 4) AS median_cycle
FROM kpi_customers WHERE clv.first_order(s) <= '1997-04-30';

-- Cohort retention: the monthly triangle. Share of each first-order month's customers who
-- bought in each month since.
SELECT to_char(cohort, 'YYYY-MM') AS cohort, sum(total) FILTER (WHERE period = 0) AS customers,
       string_agg(to_char(100.0 * purchased / total, 'FM990.0'), ' ' ORDER BY period) AS retention_pct_by_month
FROM (SELECT cohort, period, count(*) FILTER (WHERE purchased) AS purchased, count(*) AS total
      FROM kpi_customers, clv.retention_periods(s, 'month', '1998-06-30')
      GROUP BY cohort, period) t
GROUP BY cohort ORDER BY cohort;
-- The same counts from the raw orders with date_trunc.
WITH firsts AS (SELECT customer_id, date_trunc('month', min(ordered_at)) AS cohort FROM cdnow_orders GROUP BY 1),
     plain AS (
        SELECT f.cohort::date AS cohort,
               ((extract(year FROM o.month) - extract(year FROM f.cohort)) * 12
                 + extract(month FROM o.month) - extract(month FROM f.cohort))::int AS period,
               count(DISTINCT o.customer_id) AS purchased
        FROM (SELECT customer_id, date_trunc('month', ordered_at) AS month FROM cdnow_orders) o JOIN firsts f USING (customer_id)
        GROUP BY 1, 2),
     ours AS (
        SELECT cohort, period, count(*) FILTER (WHERE purchased) AS purchased
        FROM kpi_customers, clv.retention_periods(s, 'month', '1998-06-30') GROUP BY 1, 2)
SELECT count(*) AS cells, count(*) FILTER (WHERE ours.purchased = coalesce(plain.purchased, 0)) AS equal
FROM ours LEFT JOIN plain USING (cohort, period);
-- Weeks start on Monday, and orders and spend per period add up to the summary's.
SELECT count(DISTINCT extract(isodow FROM period_start)) AS weekdays, min(extract(isodow FROM period_start)) AS isodow,
       sum(orders) = (SELECT sum(clv.order_count(s)) FROM kpi_customers) AS orders_add_up,
       round(sum(spend)::numeric, 2) = (SELECT round(sum(clv.total_spend(s))::numeric, 2) FROM kpi_customers) AS spend_adds_up
FROM kpi_customers, clv.retention_periods(s, 'weeks', '1998-06-30');
SELECT * FROM clv.retention_periods((SELECT s FROM kpi_customers WHERE customer_id = 4), 'quarter', '1998-06-30');

-- Parallel workers give the same answers, with partial aggregation in the plan.
CREATE TABLE kpi_serial AS
SELECT clv.repeat_purchase_rate(s, '1998-06-30') AS repeat_rate,
       clv.churn_rate(s, '1997-07-01', '1997-10-01') AS churn,
       clv.revenue_share_top(s, 0.1) AS top_share,
       clv.business_profile(s, '1997-04-30', 60)::text AS profile
FROM kpi_customers;
ANALYZE kpi_customers;
SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0; SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT clv.repeat_purchase_rate(s, '1998-06-30'), clv.churn_rate(s, '1997-07-01', '1997-10-01'),
       clv.revenue_share_top(s, 0.1), clv.business_profile(s, '1997-04-30', 60)
FROM kpi_customers;
SELECT clv.repeat_purchase_rate(s, '1998-06-30') = (SELECT repeat_rate FROM kpi_serial) AS repeat_rate_same,
       clv.churn_rate(s, '1997-07-01', '1997-10-01') = (SELECT churn FROM kpi_serial) AS churn_same,
       clv.revenue_share_top(s, 0.1) = (SELECT top_share FROM kpi_serial) AS top_share_same,
       clv.business_profile(s, '1997-04-30', 60)::text = (SELECT profile FROM kpi_serial) AS profile_same
FROM kpi_customers;
RESET max_parallel_workers_per_gather; RESET parallel_setup_cost; RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size; RESET parallel_leader_participation;

-- Bad input and edge cases.
-- No rows (or only NULL summaries): NULL, not an error, not zero.
SELECT clv.repeat_purchase_rate(s, '1998-06-30') AS repeat_rate, clv.churn_rate(s, '1997-07-01', '1997-10-01') AS churn,
       clv.revenue_share_top(s, 0.1) AS top_share, clv.business_profile(s, '1998-06-30') IS NULL AS no_profile
FROM kpi_customers WHERE false;
SELECT clv.repeat_purchase_rate(NULL::clv.customer_summary, '1998-06-30') AS only_nulls;
-- Nobody had ordered by as_of, or nobody was active before the period.
SELECT clv.repeat_purchase_rate(s, '1996-12-31') AS before_everyone,
       clv.churn_rate(s, '1996-10-01', '1997-01-01') AS nobody_active,
       clv.business_profile(s, '1996-12-31') IS NULL AS no_profile_yet
FROM kpi_customers;
-- Nobody bought in the window: label 'inactive', revenue shares NULL.
SELECT (p).active_customers, (p).new_revenue_share, (p).returning_revenue_share, (p).label
FROM (SELECT clv.business_profile(s, '2001-01-01', 30) AS p FROM kpi_customers) t;
-- Reversed or empty periods, bad fractions, windows and units: 22023 with a clear message.
SELECT regress.error_of($$SELECT clv.churn_rate(s, '1997-10-01', '1997-07-01') FROM kpi_customers$$);
SELECT regress.error_of($$SELECT clv.churn_rate(s, '1997-10-01', '1997-10-01') FROM kpi_customers$$);
SELECT regress.error_of($$SELECT clv.churn_rate(s, '1997-07-01', '1997-10-01', 0) FROM kpi_customers$$);
SELECT regress.error_of($$SELECT clv.churn_rate(s, NULL, '1997-10-01') FROM kpi_customers$$);
SELECT regress.error_of($$SELECT clv.churned(s, '1997-10-01', '1997-07-01') FROM kpi_customers$$);
SELECT regress.error_of($$SELECT clv.churn_rate(s, '1997-07-01', 'infinity') FROM kpi_customers$$);
SELECT regress.error_of(format('SELECT clv.revenue_share_top(s, %s) FROM kpi_customers', f))
FROM (VALUES ('0'), ('-0.1'), ('1.5'), ('''NaN'''), ('NULL')) v(f);
SELECT regress.error_of($$SELECT clv.revenue_share_top(s, CASE WHEN customer_id < 10 THEN 0.1 ELSE 0.2 END) FROM kpi_customers$$);
SELECT regress.error_of($$SELECT clv.repeat_purchase_rate(s, CASE WHEN customer_id < 10 THEN DATE '1998-01-01' ELSE '1998-06-30' END) FROM kpi_customers$$);
SELECT regress.error_of($$SELECT clv.business_profile(s, '1998-06-30', 0) FROM kpi_customers$$);
SELECT regress.error_of($$SELECT clv.business_profile(s, 'infinity') FROM kpi_customers$$);
SELECT regress.error_of($$SELECT * FROM clv.retention_periods((SELECT s FROM kpi_customers LIMIT 1), 'fortnight', '1998-06-30')$$);
SELECT regress.error_of($$SELECT * FROM clv.retention_periods((SELECT s FROM kpi_customers LIMIT 1), 'year', '5000000-01-01')$$);
-- as_of before the first order: no rows; NULL arguments: no rows (the function is strict).
SELECT count(*) AS rows_before_first_order FROM clv.retention_periods((SELECT s FROM kpi_customers WHERE customer_id = 1), 'month', '1996-12-31');
SELECT count(*) AS rows_for_null FROM clv.retention_periods(NULL, 'month', '1998-06-30');
-- Refunds count as negative spend: a top share above 1 is possible and honest.
SELECT clv.revenue_share_top(s, 0.5) AS top_half_share
FROM (SELECT id, clv.customer_summary(day, amount) AS s
      FROM (VALUES (1, DATE '2024-01-01', 30.0), (2, DATE '2024-01-01', -10.0)) o(id, day, amount) GROUP BY id) c;
