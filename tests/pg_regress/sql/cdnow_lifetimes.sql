SET datestyle = 'ISO';
-- clv.customer_summary reproduces lifetimes exactly on the CDNOW sample, for every customer.
-- References: data/cdnow/cdnow_customers_summary.csv (the published summary, weeks, 2 decimals)
-- and data/cdnow/lifetimes_summary_1997-09-30.csv (lifetimes 0.11.3's
-- summary_data_from_transaction_data, freq='D', with monetary_value; see scripts/reference/).
CREATE TABLE cdnow_summaries AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s FROM cdnow_orders GROUP BY customer_id;
CREATE TABLE cdnow_calibration AS
SELECT customer_id, clv.summary_until(s, '1997-09-30') AS cal, s FROM cdnow_summaries;

CREATE TABLE published (id int, frequency int, recency numeric, "T" numeric);
\copy published FROM '../../data/cdnow/cdnow_customers_summary.csv' (FORMAT csv, HEADER)
CREATE TABLE lifetimes (id int, frequency int, recency int, "T" int, monetary_value float8);
\copy lifetimes FROM '../../data/cdnow/lifetimes_summary_1997-09-30.csv' (FORMAT csv, HEADER)

-- x, t_x and T in weeks equal the published summary to its 2 decimals.
SELECT count(*) AS customers,
       count(*) FILTER (WHERE clv.frequency(cal) = p.frequency
                          AND round(clv.t_x(cal, 'weeks')::numeric, 2) = p.recency
                          AND round(clv.customer_age(s, '1997-09-30', 'weeks')::numeric, 2) = p."T") AS equal,
       count(*) FILTER (WHERE clv.frequency(cal) > 0) AS repeat_buyers,
       sum(clv.frequency(cal)) AS sum_x
FROM cdnow_calibration c FULL JOIN published p ON p.id = c.customer_id;

-- In days, and the repeat-spend mean (lifetimes' monetary_value, which is 0 for one-time buyers):
-- equal to lifetimes' floating-point result within 1e-9.
SELECT count(*) AS customers,
       count(*) FILTER (WHERE clv.frequency(cal) = l.frequency
                          AND clv.t_x(cal) = l.recency
                          AND clv.customer_age(s, '1997-09-30') = l."T"
                          AND abs(coalesce(clv.repeat_spend_mean(cal), 0) - l.monetary_value) < 1e-9) AS equal
FROM cdnow_calibration c FULL JOIN lifetimes l ON l.id = c.customer_id;

-- The whole history (to 1998-06-30) is kept: the calibration cut is a view of it.
SELECT min(clv.first_order(s)), max(clv.last_order(s)), sum(clv.order_count(s)) AS orders,
       round(sum(clv.total_spend(s))::numeric, 2) = (SELECT sum(amount) FROM cdnow_orders) AS spend_matches
FROM cdnow_summaries;
