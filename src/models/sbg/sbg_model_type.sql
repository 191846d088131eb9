-- Part of pg_clv's install script, included by src/models/sbg.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE TYPE sbg_model (
    INPUT = sbg_model_in, OUTPUT = sbg_model_out, RECEIVE = sbg_model_recv, SEND = sbg_model_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended);
COMMENT ON TYPE sbg_model IS 'A shifted-beta-geometric model of contractual retention (Fader & Hardie 2007): parameters alpha, beta of the Beta-distributed cancellation probability, and how it was fitted. Prints as JSON; published parameters can be entered as JSON.';
COMMENT ON FUNCTION sbg_model_in(cstring) IS 'Text input of clv.sbg_model (JSON: version, model, params, and optionally the fit fields).';
COMMENT ON FUNCTION sbg_model_out(sbg_model) IS 'Text output of clv.sbg_model as JSON.';
COMMENT ON FUNCTION sbg_model_recv(internal) IS 'Binary input of clv.sbg_model (the versioned stored format).';
COMMENT ON FUNCTION sbg_model_send(sbg_model) IS 'Binary output of clv.sbg_model (the versioned stored format).';
