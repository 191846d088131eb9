-- Part of pg_clv's install script, included by src/models/btyd/mod.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
COMMENT ON FUNCTION model_parameters(btyd_model) IS 'The parameters of a purchase model with their standard errors (NULL when not estimable or entered by hand), one row each.';
COMMENT ON FUNCTION model_kind(btyd_model) IS 'bgnbd, mbgnbd or pareto_nbd.';
COMMENT ON FUNCTION model_converged(btyd_model) IS 'Whether the fit converged; NULL for a model entered by hand.';
COMMENT ON FUNCTION model_log_likelihood(btyd_model) IS 'Log-likelihood of the fitted parameters; NULL for a model entered by hand.';
COMMENT ON FUNCTION fit_statistics(btyd_model) IS 'One row to compare fitted models on the same data: model, number of parameters k, customers n, log-likelihood, AIC (2k - 2 ln L) and BIC (k ln n - 2 ln L), lower is better; converged. NULL fit columns for a model entered by hand.';
