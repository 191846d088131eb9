-- The demo's objects over cdnow_orders: the per-customer summary as a view and as a
-- materialized table (what a production setup refreshes nightly).
CREATE EXTENSION IF NOT EXISTS pg_clv;

CREATE OR REPLACE VIEW customer_summaries_live AS
SELECT customer_id, clv.customer_summary(ordered_at, amount) AS s
FROM cdnow_orders
GROUP BY customer_id;
COMMENT ON VIEW customer_summaries_live IS 'One clv.customer_summary per customer, computed on read.';

DROP TABLE IF EXISTS customer_summaries CASCADE;
CREATE TABLE customer_summaries AS SELECT * FROM customer_summaries_live;
ALTER TABLE customer_summaries ADD PRIMARY KEY (customer_id);
COMMENT ON TABLE customer_summaries IS 'Stored per-customer summaries; refresh with TRUNCATE + INSERT ... SELECT * FROM customer_summaries_live.';

-- The segment views, judged at the end of the CDNOW data rather than today.
\ir ../segments.sql
UPDATE segment_settings SET as_of = '1998-06-30';
