-- Part of pg_clv's install script, included by src/models/sbg.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
COMMENT ON FUNCTION sbg_fit(bigint[]) IS 'Fits the shifted-beta-geometric model on one cohort''s survivor counts: customers still active at the start of periods 0, 1, ..., n (non-increasing, 2 to 1201 counts). A fit that does not converge is returned with converged false and a WARNING.';
COMMENT ON FUNCTION survival(sbg_model, integer) IS 'sBG: share of a new cohort still active after period (0 to 1200) periods, B(alpha, beta + period) / B(alpha, beta).';
COMMENT ON FUNCTION retention_rate(sbg_model, integer) IS 'sBG: share of the customers active in period - 1 who renew into period (1 to 1200): (beta + period - 1) / (alpha + beta + period - 1), rising with tenure.';
COMMENT ON FUNCTION retention_curve(sbg_model, integer) IS 'sBG: survival and retention rate for periods 0 to periods, one row each, for charts (retention_rate is NULL for period 0).';
COMMENT ON FUNCTION expected_lifetime(sbg_model) IS 'sBG: mean number of periods a new customer pays, (alpha + beta - 1) / (alpha - 1); ERROR 22003 when alpha <= 1, where the mean is infinite.';
COMMENT ON FUNCTION derl(sbg_model, double precision, integer) IS 'sBG: discounted expected residual lifetime of a customer who has renewed renewals times (Fader & Hardie 2010 eq. 6): the expected number of their future payments, the next undiscounted and each later one discounted by another 1 + discount_rate.';
