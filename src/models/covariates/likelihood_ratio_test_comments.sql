-- Part of pg_clv's install script, included by src/models/covariates.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
COMMENT ON FUNCTION likelihood_ratio_test(btyd_model, btyd_model) IS 'Likelihood-ratio test of a restricted purchase model (without some covariates, or with a constraint) against a full one of the same kind fitted on the same customers: statistic 2 (LL full - LL restricted), degrees of freedom (the difference in estimated parameters) and chi-square p-value.';
COMMENT ON FUNCTION likelihood_ratio_test(spend_model, spend_model) IS 'Likelihood-ratio test of a restricted spend model against a full one fitted on the same customers (statistic, degrees of freedom, chi-square p-value).';
