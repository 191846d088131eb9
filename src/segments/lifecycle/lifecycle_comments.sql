-- Part of pg_clv's install script, included by src/segments/lifecycle.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
COMMENT ON FUNCTION lifecycle_stage(customer_summary, date, integer, integer, integer, double precision) IS
'Lifecycle stage at as_of from the orders up to then: dormant when the last order is at least dormant_after (365) days old, at_risk when at least at_risk_after (90) days old (or at_risk_cycles times the customer''s own mean repurchase cycle, when given and known), new when the first order is fewer than new_within (30) days old, else active. NULL if no order by as_of; NULL thresholds mean the defaults.';
COMMENT ON FUNCTION lifecycle_stage(date, customer_summary, date, integer, integer, integer, double precision) IS
'Lifecycle stage with the signup date: prospect for a customer who signed up by as_of without an order by then (summary NULL or later orders only); otherwise as lifecycle_stage(summary, as_of, ...). NULL if not signed up by as_of.';
