-- Part of pg_clv's install script, included by src/summary/merge.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE OPERATOR + (LEFTARG = customer_summary, RIGHTARG = customer_summary, FUNCTION = summary_merge, COMMUTATOR = +);
COMMENT ON FUNCTION summary_merge(customer_summary, customer_summary) IS 'Two summaries of one customer''s orders as one, byte-identical to the summary of all their orders: days in both add up. NULL counts as no orders. The operator + is the same.';
COMMENT ON OPERATOR + (customer_summary, customer_summary) IS 'Merges two summaries of one customer (clv.summary_merge): summaries.s + EXCLUDED.s folds new orders into a stored summary.';
