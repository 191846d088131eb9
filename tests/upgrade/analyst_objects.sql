-- What an analyst builds with pg_clv besides the demo's objects (after sql/demo/setup.sql; on
-- 0.2.0 and 0.1.0 in scripts/upgrade_test.sh, on 15 before pg_upgrade to 18 in
-- scripts/major_upgrade_test.sh):
-- stored models and RFM breaks, and a view that fits on read.
CREATE TABLE stored_models AS
SELECT clv.bgnbd_fit(s, '1997-09-30', 'weeks') AS bgnbd, clv.mbgnbd_fit(s, '1998-06-30') AS mbgnbd,
       clv.gamma_gamma_fit(s, '1998-06-30') AS spend, clv.rfm_breaks(s, '1998-06-30') AS breaks
FROM customer_summaries;
CREATE VIEW model_on_read AS
SELECT clv.pareto_nbd_fit(s, '1998-06-30', 'weeks') AS purchases, clv.gamma_gamma_fit(s, '1998-06-30') AS spend
FROM customer_summaries;
