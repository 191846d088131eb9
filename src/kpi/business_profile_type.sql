-- Part of pg_clv's install script, included by src/kpi.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE TYPE business_profile AS (
    customers bigint,
    active_customers bigint,
    new_customers bigint,
    returning_customers bigint,
    new_revenue_share double precision,
    returning_revenue_share double precision,
    repeat_purchase_rate double precision,
    top_10pct_revenue_share double precision,
    median_repurchase_cycle_days double precision,
    label text
);
COMMENT ON TYPE business_profile IS 'What kind of business the customers describe at a date: customers, those active in the window, new and returning among them with their shares of the window''s revenue, repeat-purchase rate, top-10% revenue share, median repurchase cycle and a label. See clv.business_profile.';
