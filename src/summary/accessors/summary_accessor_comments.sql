-- Part of pg_clv's install script, included by src/summary/accessors.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
COMMENT ON FUNCTION order_count(customer_summary) IS 'Number of orders (rows aggregated), not purchase days.';
COMMENT ON FUNCTION purchase_days(customer_summary) IS 'Number of distinct calendar days with at least one order.';
COMMENT ON FUNCTION frequency(customer_summary) IS 'BTYD x: repeat purchase days (purchase days - 1), as lifetimes'' frequency with freq=''D''.';
COMMENT ON FUNCTION first_order(customer_summary) IS 'Date of the first order.';
COMMENT ON FUNCTION last_order(customer_summary) IS 'Date of the last order.';
COMMENT ON FUNCTION days_since_last_order(customer_summary, date) IS 'Marketing recency (RFM''s R): days from the last order on or before as_of to as_of. NULL if the customer had not ordered by as_of.';
COMMENT ON FUNCTION t_x(customer_summary, text) IS 'BTYD t_x (lifetimes'' recency): time from the first to the last purchase day, in ''days'' (default) or ''weeks''. Not the marketing recency: see days_since_last_order.';
COMMENT ON FUNCTION customer_age(customer_summary, date, text) IS 'BTYD T: time from the first purchase day to as_of, in ''days'' (default) or ''weeks''. NULL if as_of is before the first order.';
COMMENT ON FUNCTION total_spend(customer_summary) IS 'Sum of all order amounts (refunds included as negative amounts).';
COMMENT ON FUNCTION average_order_value(customer_summary) IS 'Total spend divided by the number of orders.';
COMMENT ON FUNCTION repeat_spend_mean(customer_summary) IS 'Mean spend per repeat purchase day (first purchase day excluded): lifetimes'' monetary_value and the Gamma-Gamma input. NULL for one-time buyers (lifetimes reports 0).';
COMMENT ON FUNCTION last_order_amount(customer_summary) IS 'Spend on the last purchase day (all orders of that day).';
COMMENT ON FUNCTION spend_between(customer_summary, date, date) IS 'Spend on days in [since, before): since inclusive, before exclusive. 0 when there is none.';
COMMENT ON FUNCTION orders_between(customer_summary, date, date) IS 'Orders on days in [since, before): since inclusive, before exclusive.';
COMMENT ON FUNCTION purchase_days_between(customer_summary, date, date) IS 'Purchase days in [since, before): the repeat purchases a BTYD model predicts for a holdout period that starts after the first order.';
COMMENT ON FUNCTION summary_until(customer_summary, date) IS 'The summary as of the end of cutoff (orders after cutoff dropped), for calibration/holdout splits. NULL if the customer had not ordered by then.';
COMMENT ON FUNCTION purchase_history(customer_summary) IS 'One row per purchase day: date, number of orders, spend.';
