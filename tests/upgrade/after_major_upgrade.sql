-- A day after the move to a new major (scripts/major_upgrade_test.sh runs this on the cluster
-- upgraded with pg_upgrade and on one built on the new major, and compares): orders are
-- added, corrected and deleted, the change log's triggers record them, the nightly refresh
-- (sql/nightly_refresh.sql) folds them into the stored summaries and refreshes the
-- materialized scores. Prints what must hold.
\pset footer off
SET client_min_messages = warning;
INSERT INTO cdnow_orders (customer_id, ordered_at, amount)
VALUES (1, '1998-06-20', 25.50), (1, '1998-06-27', 12.00), (100000, '1998-06-28', 80.00);
UPDATE cdnow_orders SET amount = amount + 1 WHERE customer_id = 2;
DELETE FROM cdnow_orders WHERE customer_id = 3;
SELECT count(*) AS changes_logged FROM cdnow_orders_clv_changes;
CALL nightly_clv_refresh();
SELECT count(*) AS changes_left FROM cdnow_orders_clv_changes;
-- Stored summaries against summaries computed from every order: none differs.
SELECT count(*) AS summaries_unlike_a_rebuild
FROM customer_summaries c FULL JOIN customer_summaries_live l USING (customer_id)
WHERE c.s::text IS DISTINCT FROM l.s::text;
SELECT count(*) AS customers, count(*) FILTER (WHERE customer_id = 100000) AS new_customer,
       count(*) FILTER (WHERE customer_id = 3) AS deleted_customer
FROM customer_summaries;
-- The materialized scores equal the view they materialize.
SELECT count(*) AS scores_unlike_predictions
FROM (TABLE customer_scores EXCEPT ALL TABLE customer_predictions) d;
SELECT customer_id, round(p_alive::numeric, 6) AS p_alive, round(value_next_12_months::numeric, 2) AS value
FROM customer_scores WHERE customer_id IN (1, 2, 100000) ORDER BY customer_id;
