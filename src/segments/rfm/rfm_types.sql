-- Part of pg_clv's install script, included by src/segments/rfm.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
CREATE TYPE rfm_breaks (
    INPUT = rfm_breaks_in, OUTPUT = rfm_breaks_out, RECEIVE = rfm_breaks_recv, SEND = rfm_breaks_send,
    INTERNALLENGTH = VARIABLE, STORAGE = extended);
COMMENT ON TYPE rfm_breaks IS 'RFM cut points of a population at a date (bins - 1 per dimension), from the aggregate clv.rfm_breaks; prints as JSON.';
COMMENT ON FUNCTION rfm_breaks_in(cstring) IS 'Text input of clv.rfm_breaks (the JSON that rfm_breaks_out prints).';
COMMENT ON FUNCTION rfm_breaks_out(rfm_breaks) IS 'Text output of clv.rfm_breaks as JSON.';
COMMENT ON FUNCTION rfm_breaks_recv(internal) IS 'Binary input of clv.rfm_breaks (the versioned stored format).';
COMMENT ON FUNCTION rfm_breaks_send(rfm_breaks) IS 'Binary output of clv.rfm_breaks (the versioned stored format).';
CREATE TYPE rfm_score AS (r integer, f integer, m integer, cell text, bins integer);
COMMENT ON TYPE rfm_score IS 'RFM scores 1..bins (R: most recent = highest), the ''545''-style cell, and the number of bins.';
