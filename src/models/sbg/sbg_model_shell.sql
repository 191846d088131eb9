-- Part of pg_clv's install script, included by src/models/sbg.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE TYPE sbg_model;
