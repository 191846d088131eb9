-- Part of pg_clv's install script, included by src/models/btyd/mod.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE TYPE btyd_model (
    INPUT = btyd_model_in, OUTPUT = btyd_model_out, RECEIVE = btyd_model_recv, SEND = btyd_model_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended);
COMMENT ON TYPE btyd_model IS 'A Buy-Till-You-Die purchase model (bgnbd, mbgnbd or pareto_nbd): parameters, time unit, and how it was fitted (log-likelihood, standard errors, customers, convergence). Prints as JSON; published parameters can be entered as JSON.';
COMMENT ON FUNCTION btyd_model_in(cstring) IS 'Text input of clv.btyd_model (JSON: version, model, unit, params, and optionally the fit fields).';
COMMENT ON FUNCTION btyd_model_out(btyd_model) IS 'Text output of clv.btyd_model as JSON.';
COMMENT ON FUNCTION btyd_model_recv(internal) IS 'Binary input of clv.btyd_model (the versioned stored format).';
COMMENT ON FUNCTION btyd_model_send(btyd_model) IS 'Binary output of clv.btyd_model (the versioned stored format).';
