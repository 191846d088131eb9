-- Part of pg_clv's install script, included by src/models/spend.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE TYPE spend_model (
    INPUT = spend_model_in, OUTPUT = spend_model_out, RECEIVE = spend_model_recv, SEND = spend_model_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended);
COMMENT ON TYPE spend_model IS 'A Gamma-Gamma spend model (p, q, v) and how it was fitted (customers used and excluded, log-likelihood, standard errors, convergence). Prints as JSON.';
COMMENT ON FUNCTION spend_model_in(cstring) IS 'Text input of clv.spend_model (JSON: version, model, params, and optionally the fit fields).';
COMMENT ON FUNCTION spend_model_out(spend_model) IS 'Text output of clv.spend_model as JSON.';
COMMENT ON FUNCTION spend_model_recv(internal) IS 'Binary input of clv.spend_model (the versioned stored format).';
COMMENT ON FUNCTION spend_model_send(spend_model) IS 'Binary output of clv.spend_model (the versioned stored format).';
