-- Part of pg_clv's install script, included by src/segments/rfm.rs (extension_sql_file!): the functions
-- named here are the #[pg_extern] functions of that file.
CREATE TYPE rfm_breaks;
