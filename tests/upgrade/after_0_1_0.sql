-- What an analyst had built with pg_clv 0.1.0 besides the demo's objects (run on 0.1.0, after
-- 0.1.0's sql/demo/setup.sql): stored models and RFM breaks, and a view that fits on read.
CREATE TABLE stored_models AS
SELECT clv.bgnbd_fit(s, '1997-09-30', 'weeks') AS bgnbd, clv.mbgnbd_fit(s, '1998-06-30') AS mbgnbd,
       clv.gamma_gamma_fit(s, '1998-06-30') AS spend, clv.rfm_breaks(s, '1998-06-30') AS breaks
FROM customer_summaries;
CREATE VIEW model_on_read AS
SELECT clv.pareto_nbd_fit(s, '1998-06-30', 'weeks') AS purchases, clv.gamma_gamma_fit(s, '1998-06-30') AS spend
FROM customer_summaries;
