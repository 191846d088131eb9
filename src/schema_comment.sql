-- Part of pg_clv's install script, included by src/lib.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
COMMENT ON SCHEMA clv IS 'pg_clv: customer-retention analytics (summaries, RFM, lifecycle, BTYD models, CLV, KPIs)';
