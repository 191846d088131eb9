-- Part of pg_clv's install script, included by src/models/bgbb.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE TYPE bgbb_model;
