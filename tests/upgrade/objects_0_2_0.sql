-- What an analyst stores with what 0.2.0 added (after analyst_objects.sql, on the 0.2.0 demo,
-- whose summaries are kept fresh from a change log; run in a checkout of 0.2.0 for its data
-- files): BG/BB and sBG models fitted on their reference data, and a view that fits on read.
CREATE TABLE donations (x int, t_x int, n int, donors int);
\copy donations FROM 'data/donations/donations.csv' (FORMAT csv, HEADER)
CREATE TABLE cohort_survivors (segment text, period int, survivors bigint);
\copy cohort_survivors FROM 'data/sbg/survivors.csv' (FORMAT csv, HEADER)
CREATE TABLE discrete_models AS
SELECT (SELECT clv.bgbb_fit(x, t_x, n, donors) FROM donations) AS bgbb,
       (SELECT clv.sbg_fit(array_agg(survivors ORDER BY period)) FROM cohort_survivors WHERE segment = 'regular') AS sbg;
CREATE VIEW retention_on_read AS
SELECT segment, clv.sbg_fit(array_agg(survivors ORDER BY period)) AS m FROM cohort_survivors GROUP BY segment;
