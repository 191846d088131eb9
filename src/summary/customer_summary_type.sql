-- Part of pg_clv's install script, included by src/summary/mod.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE TYPE customer_summary (
    INPUT = customer_summary_in,
    OUTPUT = customer_summary_out,
    RECEIVE = customer_summary_recv,
    SEND = customer_summary_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE customer_summary IS
'One customer''s purchase days, each with its order count and spend (exact to 6 decimals). Built by the aggregate clv.customer_summary(ordered_at, amount), merged by clv.rollup, read by accessors such as clv.frequency and clv.total_spend.';
COMMENT ON FUNCTION customer_summary_in(cstring) IS 'Text input of clv.customer_summary (the JSON that customer_summary_out prints).';
COMMENT ON FUNCTION customer_summary_out(customer_summary) IS 'Text output of clv.customer_summary as JSON.';
COMMENT ON FUNCTION customer_summary_recv(internal) IS 'Binary input of clv.customer_summary (the versioned stored format).';
COMMENT ON FUNCTION customer_summary_send(customer_summary) IS 'Binary output of clv.customer_summary (the versioned stored format).';
