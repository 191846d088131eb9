-- Part of pg_clv's install script, included by src/models/bgbb.rs (extension_sql_file!): the functions
-- named here are the Rust functions of that file.
COMMENT ON FUNCTION p_alive(bgbb_model, integer, integer, integer) IS 'BG/BB: probability that a customer with x transactions in n opportunities, the last at t_x, is alive at the next opportunity (n + 1; Fader, Hardie & Shang 2010 eq. 11).';
COMMENT ON FUNCTION p_alive_ahead(bgbb_model, integer, integer, integer, integer, boolean) IS 'BG/BB: probability that the customer is alive at opportunity n + 1 + opportunities, whatever they do in between; with assume_no_purchase, given no transaction in between.';
COMMENT ON FUNCTION expected_purchases(bgbb_model, integer, integer, integer, integer) IS 'BG/BB: expected transactions in the next opportunities (Fader, Hardie & Shang 2010 eq. 13).';
COMMENT ON FUNCTION dert(bgbb_model, integer, integer, integer, double precision) IS 'BG/BB: discounted expected residual transactions, the next opportunity discounted by 1 + discount_rate, each later one by another such factor (Fader, Hardie & Shang 2010 eq. 14).';
