-- Part of pg_clv's install script, included by src/models/spend.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
COMMENT ON FUNCTION expected_spend(spend_model, customer_summary, date) IS 'Expected spend per purchase day of the customer (Gamma-Gamma conditional mean, FHL 2005): a weighted mean of the population mean and the customer''s own repeat spend, from the orders up to as_of. One-time buyers get the population mean; a repeat spend that is not positive counts as 0. NULL if no order by as_of.';
COMMENT ON FUNCTION expected_spend(spend_model, double precision, double precision) IS 'Expected spend per purchase day for x repeat purchase days with mean spend mean_spend.';
COMMENT ON FUNCTION customer_value(btyd_model, spend_model, customer_summary, date, integer, double precision) IS 'Discounted customer lifetime value over the next months (30-day months): expected purchases in each month times expected spend per purchase, discounted by (1 + monthly_discount_rate)^month. As lifetimes'' customer_lifetime_value(freq=''D''). NULL if no order by as_of.';
COMMENT ON FUNCTION model_parameters(spend_model) IS 'The parameters p, q, v of a spend model with their standard errors, one row each.';
COMMENT ON FUNCTION model_kind(spend_model) IS 'gamma_gamma.';
COMMENT ON FUNCTION model_converged(spend_model) IS 'Whether the fit converged; NULL for a model entered by hand.';
COMMENT ON FUNCTION model_log_likelihood(spend_model) IS 'Log-likelihood of the fitted parameters; NULL for a model entered by hand.';
COMMENT ON FUNCTION residual_value(btyd_model, spend_model, customer_summary, date, double precision) IS 'Residual customer value after as_of: discounted expected residual transactions (clv.dert, at the effective annual_discount_rate) times the expected spend per purchase (Fader, Hardie and Lee 2005). NULL if the customer had not ordered by as_of.';
COMMENT ON FUNCTION fit_statistics(spend_model) IS 'One row to compare fitted models on the same data: model, number of parameters k, customers n, log-likelihood, AIC (2k - 2 ln L) and BIC (k ln n - 2 ln L), lower is better; converged. NULL fit columns for a model entered by hand.';
