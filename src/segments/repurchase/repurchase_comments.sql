-- Part of pg_clv's install script, included by src/segments/repurchase.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
COMMENT ON FUNCTION repurchase_cycle(customer_summary) IS 'Mean days between consecutive purchase days (t_x / x); NULL below two purchase days.';
COMMENT ON FUNCTION repurchase_cycle_median(customer_summary) IS 'Median days between consecutive purchase days; NULL below two purchase days.';
COMMENT ON FUNCTION next_order_due(customer_summary) IS 'Date the next order is due if the customer keeps their mean cycle: last order + round(repurchase_cycle). NULL below two purchase days.';
COMMENT ON FUNCTION overdue_ratio(customer_summary, date) IS 'Days since the last order at as_of divided by the mean cycle, both as of as_of (later orders ignored); above 1 = late. NULL below two purchase days by as_of.';
