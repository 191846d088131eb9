-- What every column of the shipped views means (docs/bi.md), as COMMENT ON COLUMN: BI tools
-- (Superset, Metabase, dbt) import these as field descriptions. One entry per column name, as
-- a name means the same in every view and has one type (tests/pg_regress/sql/bi_contract.sql
-- checks both); an entry with a view name says more for that view. Run by sql/segments.sql,
-- sql/demo/setup.sql and sql/nightly_refresh.sql after they create their views; it comments
-- the columns of those of the shipped views and materialized views that are in the current
-- schema (never a view of yours), and can run again at any time.
DO $comments$
DECLARE
    col record;
BEGIN
    FOR col IN
        WITH meaning (view_name, column_name, comment) AS (VALUES
            (NULL, 'customer_id', 'The customer (key of the per-customer views).'),
            (NULL, 'as_of', 'The date the row is judged at: segment_settings.as_of, or today when that is NULL. Orders after it are left out.'),
            (NULL, 's', 'The customer''s clv.customer_summary, for clv functions in SQL (not for BI tools).'),
            ('customer_summaries_as_of', 's', 'The customer''s clv.customer_summary of the orders up to as_of, for clv functions in SQL (not for BI tools).'),
            ('customer_summaries_live', 's', 'The customer''s clv.customer_summary of all their orders, computed on read, for clv functions in SQL (not for BI tools).'),
            (NULL, 'stage', 'Lifecycle stage at as_of: new (first order within 30 days), active, at_risk (no order for 90 days), dormant (no order for 365 days); sort by stage_order.'),
            (NULL, 'stage_order', 'Position of the stage in the lifecycle (1 prospect, 2 new, 3 active, 4 at_risk, 5 dormant): sort stages by it.'),
            (NULL, 'orders', 'Number of orders up to as_of.'),
            (NULL, 'purchase_days', 'Number of distinct days with an order up to as_of (orders on one day count once).'),
            (NULL, 'first_order', 'Date of the first order.'),
            (NULL, 'last_order', 'Date of the last order up to as_of.'),
            (NULL, 'days_since_last_order', 'Days from the last order to as_of.'),
            (NULL, 'total_spend', 'Sum of the order amounts up to as_of (currency of the orders, to the cent).'),
            (NULL, 'average_order_value', 'Mean order amount up to as_of (currency of the orders, to the cent).'),
            (NULL, 'last_order_amount', 'Amount spent on the last purchase day up to as_of (currency of the orders, to the cent).'),
            (NULL, 'repurchase_cycle', 'Mean days between purchase days (days, 1 decimal); NULL with a single purchase day.'),
            (NULL, 'overdue_ratio', 'Days since the last order divided by the repurchase cycle (2 decimals): above 1, later than usual; NULL with a single purchase day.'),
            (NULL, 'next_order_due', 'Last order plus the repurchase cycle rounded to days: when the next order is expected; NULL with a single purchase day.'),
            (NULL, 'due_in_days', 'Days from as_of to next_order_due.'),
            (NULL, 'customers', 'Number of customers in the row''s group.'),
            ('lifecycle_overview', 'customers', 'Customers in this lifecycle stage at as_of.'),
            ('rfm_segment_overview', 'customers', 'Customers in this RFM segment at as_of.'),
            ('cohort_retention', 'customers', 'Customers of the cohort (first order in that month): the same in every period of the cohort.'),
            (NULL, 'pct_customers', 'Share of all customers at as_of in this group (percent, 1 decimal).'),
            (NULL, 'revenue', 'Sum of the order amounts of the group''s customers up to as_of (currency of the orders, to the cent).'),
            ('cohort_retention', 'revenue', 'Sum of the cohort''s order amounts in this month since the first order (currency of the orders, to the cent).'),
            (NULL, 'pct_revenue', 'Share of the revenue of all customers up to as_of that this group spent (percent, 1 decimal); NULL when the total is 0.'),
            (NULL, 'last_month_spend', 'Spend in the month ending at as_of (currency of the orders, to the cent).'),
            (NULL, 'previous_monthly_mean', 'Mean monthly spend in the three months before that month (currency of the orders, to the cent).'),
            (NULL, 'previous_mean', 'Mean spend of the purchase days before the last one (currency of the orders, to the cent).'),
            (NULL, 'median_order_value', 'Median of all customers'' average order value at as_of (currency of the orders, to the cent).'),
            (NULL, 'r', 'Recency score, 1 (longest ago) to 5 (most recent), quintiles of the customers who ordered by as_of.'),
            (NULL, 'f', 'Frequency score, 1 (fewest orders) to 5 (most), quintiles of the customers who ordered by as_of.'),
            (NULL, 'm', 'Monetary score, 1 (least spend) to 5 (most), quintiles of the customers who ordered by as_of.'),
            (NULL, 'cell', 'The three scores as one label, R then F then M (for example 545).'),
            (NULL, 'segment', 'Canonical RFM segment (Champions, Loyal Customers, ..., Lost; clv.rfm_default_rules()); NULL when no rule matches the scores.'),
            (NULL, 'cohort', 'Acquisition cohort: first day of the month of the customer''s first order.'),
            (NULL, 'period', 'Months since the cohort''s month (0 = the month of the first order), up to the month of as_of (which may be partial).'),
            (NULL, 'retained', 'Customers of the cohort who ordered in this month.'),
            (NULL, 'pct_retained', 'retained as a share of the cohort''s customers (percent, 1 decimal).'),
            (NULL, 'p_alive', 'Probability that the customer is still active at as_of (Pareto/NBD model of clv_models), 0 to 1.'),
            (NULL, 'purchases_next_365_days', 'Expected number of purchase days in the 365 days after as_of (Pareto/NBD model of clv_models).'),
            (NULL, 'churn_probability_90_days', 'Probability of no purchase in the 90 days after as_of (Pareto/NBD model of clv_models), 0 to 1.'),
            (NULL, 'expected_next_order_by', 'Date by which the model expects the next order (Pareto/NBD model of clv_models); NULL when it expects none.'),
            (NULL, 'purchases_next_365_days_lower', 'Lower 90% bound of purchases_next_365_days from the uncertainty of the model''s estimates (not of the customer''s behaviour; docs/models/uncertainty.md).'),
            (NULL, 'purchases_next_365_days_upper', 'Upper 90% bound of purchases_next_365_days from the uncertainty of the model''s estimates (not of the customer''s behaviour; docs/models/uncertainty.md).'),
            ('segment_forecast', 'purchases_next_365_days', 'Expected purchase days of the segment''s customers in the 365 days after as_of, in total (Pareto/NBD model of clv_models).'),
            ('segment_forecast', 'customers', 'Customers in this RFM segment at as_of.'),
            (NULL, 'value_next_12_months', 'Expected spend in the 12 months after as_of, discounted 1% a month (Pareto/NBD and Gamma-Gamma models of clv_models; currency of the orders, to the cent).')
        )
        , shipped (view_name) AS (VALUES
            ('customer_summaries_as_of'), ('customer_facts'), ('lifecycle_overview'), ('wake_up_list'),
            ('spend_surge'), ('shrinking_basket'), ('upsell_list'), ('vip_at_risk'), ('replenishment_due'),
            ('rfm_segments'), ('rfm_segment_overview'), ('cohort_retention'),
            ('customer_summaries_live'), ('customer_predictions'), ('customer_scores'), ('customer_scores_view'),
            ('segment_forecast')
        )
        SELECT c.relname, a.attname, coalesce(specific.comment, general.comment) AS comment
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        LEFT JOIN meaning specific ON specific.view_name = c.relname AND specific.column_name = a.attname
        LEFT JOIN meaning general ON general.view_name IS NULL AND general.column_name = a.attname
        JOIN shipped ON shipped.view_name = c.relname
        WHERE c.relnamespace = pg_catalog.current_schema()::regnamespace AND c.relkind IN ('v', 'm')
          AND coalesce(specific.comment, general.comment) IS NOT NULL
    LOOP
        EXECUTE pg_catalog.format('COMMENT ON COLUMN %I.%I IS %L', col.relname, col.attname, col.comment);
    END LOOP;
END
$comments$;
