-- Part of pg_clv's install script, included by src/models/btyd/predict.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
COMMENT ON FUNCTION p_alive(btyd_model, customer_summary, date) IS 'Probability that the customer is still active at as_of, from the orders up to as_of. NULL if the customer had not ordered by as_of. BG/NBD gives 1 for one-time buyers.';
COMMENT ON FUNCTION p_alive(btyd_model, double precision, double precision, double precision) IS 'Probability that a customer with repeat purchases x, t_x and age T (in the model''s unit) is still active.';
COMMENT ON FUNCTION expected_purchases(btyd_model, customer_summary, date, double precision) IS 'Expected number of purchases in the horizon (in the model''s time unit) after as_of, given the orders up to as_of.';
COMMENT ON FUNCTION expected_purchases(btyd_model, double precision, double precision, double precision, double precision) IS 'Expected number of purchases in the horizon after T, given x, t_x and T (all in the model''s unit).';
COMMENT ON FUNCTION expected_purchases(btyd_model, double precision) IS 'Expected number of repeat purchases of a new customer in the horizon after their first purchase (model''s unit).';
COMMENT ON FUNCTION prob_purchases(btyd_model, customer_summary, date, integer, double precision) IS 'Probability of exactly n purchases in the horizon (model''s unit) after as_of.';
COMMENT ON FUNCTION prob_purchases(btyd_model, double precision, double precision, double precision, integer, double precision) IS 'Probability of exactly n purchases in the horizon after T, given x, t_x and T (model''s unit).';
COMMENT ON FUNCTION prob_no_purchase(btyd_model, customer_summary, date, double precision) IS 'Probability of no purchase in the horizon (model''s unit) after as_of: the churn probability over that horizon.';
COMMENT ON FUNCTION prob_no_purchase(btyd_model, double precision, double precision, double precision, double precision) IS 'Probability of no purchase in the horizon after T, given x, t_x and T (model''s unit).';
COMMENT ON FUNCTION expected_next_order_date(btyd_model, customer_summary, date) IS 'The date by which the customer has ordered again with probability 1/2 (median of the waiting time, from the model and the orders up to as_of). NULL when the customer is more likely never to order again.';
