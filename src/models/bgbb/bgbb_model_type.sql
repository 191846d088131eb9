-- Part of pg_clv's install script, included by src/models/bgbb.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE TYPE bgbb_model (
    INPUT = bgbb_model_in, OUTPUT = bgbb_model_out, RECEIVE = bgbb_model_recv, SEND = bgbb_model_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended);
COMMENT ON TYPE bgbb_model IS 'A BG/BB model (Fader, Hardie & Shang 2010) of repeat transactions at discrete opportunities: parameters alpha, beta (transaction probability) and gamma, delta (dropout probability), and how it was fitted. Prints as JSON; published parameters can be entered as JSON.';
COMMENT ON FUNCTION bgbb_model_in(cstring) IS 'Text input of clv.bgbb_model (JSON: version, model, params, and optionally the fit fields).';
COMMENT ON FUNCTION bgbb_model_out(bgbb_model) IS 'Text output of clv.bgbb_model as JSON.';
COMMENT ON FUNCTION bgbb_model_recv(internal) IS 'Binary input of clv.bgbb_model (the versioned stored format).';
COMMENT ON FUNCTION bgbb_model_send(bgbb_model) IS 'Binary output of clv.bgbb_model (the versioned stored format).';
