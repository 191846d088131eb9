-- Part of pg_clv's install script, included by src/models/fit_state.rs (extension_sql_file!): the
-- functions named here are the Rust functions of that file.
CREATE TYPE fit_state (
    INPUT = fit_state_in,
    OUTPUT = fit_state_out,
    RECEIVE = fit_state_recv,
    SEND = fit_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE fit_state IS
'The partial state of pg_clv''s aggregates: of a fit (clv.bgnbd_fit and the others), the merged, weighted observations; of a KPI (clv.repeat_purchase_rate, clv.churn_rate, clv.revenue_share_top, clv.business_profile) or clv.rfm_breaks, its counts and values. A type of its own rather than internal so that Citus runs these aggregates on its shards and sends these states, not every customer, to the coordinator. Not for storing: the form may change between versions.';
COMMENT ON FUNCTION fit_state_in(cstring) IS 'Text input of clv.fit_state (base64 of the compact binary state, as fit_state_out prints it); checked by reading it.';
COMMENT ON FUNCTION fit_state_out(fit_state) IS 'Text output of clv.fit_state: base64 of the compact binary state.';
COMMENT ON FUNCTION fit_state_recv(internal) IS 'Binary input of clv.fit_state (the compact binary state); checked by reading it.';
COMMENT ON FUNCTION fit_state_send(fit_state) IS 'Binary output of clv.fit_state: the compact binary state.';
