-- Part of pg_clv's install script, included by src/segments/lifecycle.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE TYPE lifecycle AS ENUM ('prospect', 'new', 'active', 'at_risk', 'dormant');
COMMENT ON TYPE lifecycle IS 'Customer lifecycle stage, in order: prospect (signed up, no order), new, active, at_risk, dormant. See clv.lifecycle_stage.';
