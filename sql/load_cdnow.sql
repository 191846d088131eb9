-- Loads the CDNOW 1/10 sample (data/cdnow/CDNOW_sample.txt) into
--   cdnow_orders(customer_id int, ordered_at date, cds int, amount numeric(10,2)).
-- Run with psql from the repository root (\copy reads the file on the client side).
DROP TABLE IF EXISTS cdnow_orders;
CREATE TEMP TABLE cdnow_raw (line text);
\copy cdnow_raw FROM 'data/cdnow/CDNOW_sample.txt'
CREATE TABLE cdnow_orders AS
SELECT f[2]::int                    AS customer_id,
       to_date(f[3], 'YYYYMMDD')    AS ordered_at,
       f[4]::int                    AS cds,
       f[5]::numeric(10,2)          AS amount
FROM (SELECT regexp_split_to_array(btrim(line), '\s+') AS f FROM cdnow_raw) lines;
DROP TABLE cdnow_raw;
ANALYZE cdnow_orders;
