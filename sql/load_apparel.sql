-- Loads CLVTools' apparel data (data/apparel) into
--   apparel_orders(customer_id int, ordered_at date, amount numeric) and
--   apparel_customers(customer_id int, gender int, channel int).
-- Run with psql from the repository root (\copy reads the files on the client side).
SET client_min_messages = warning;  -- quiet when the tables are not there yet
DROP TABLE IF EXISTS apparel_orders, apparel_customers;
RESET client_min_messages;
CREATE TABLE apparel_orders (customer_id int NOT NULL, ordered_at date NOT NULL, amount numeric NOT NULL);
\copy apparel_orders FROM 'data/apparel/apparel_orders.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE apparel_customers (customer_id int PRIMARY KEY, gender int NOT NULL, channel int NOT NULL);
\copy apparel_customers FROM 'data/apparel/apparel_covariates.csv' WITH (FORMAT csv, HEADER)
ANALYZE apparel_orders;
ANALYZE apparel_customers;
