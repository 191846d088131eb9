-- Part of pg_clv's install script, included by src/models/fit_state.rs (extension_sql_file!).
CREATE TYPE fit_state;
