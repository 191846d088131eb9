-- Merging summaries and the incremental refresh of stored summaries (docs/refresh.md); the
-- property test tests/refresh/property.py checks exactness on random histories.
SET extra_float_digits = 0;

-- Merge: two parts of one customer's orders give the summary of all of them; NULL is no orders.
-- The operator is clv.+ (plain + with schema clv on the search_path).
WITH orders(part, ordered_at, amount) AS (VALUES
    (1, DATE '2024-01-01', 10.0), (1, '2024-01-05', 5.5), (2, '2024-01-05', 4.5), (2, '2024-02-01', -3.0)),
parts AS (SELECT part, clv.customer_summary(ordered_at, amount) AS s FROM orders GROUP BY part)
SELECT (SELECT s FROM parts WHERE part = 1) OPERATOR(clv.+) (SELECT s FROM parts WHERE part = 2) AS merged,
       clv.summary_merge((SELECT s FROM parts WHERE part = 1), (SELECT s FROM parts WHERE part = 2))::text
           = (SELECT clv.customer_summary(ordered_at, amount)::text FROM orders) AS equals_all_orders,
       clv.summary_merge(NULL, (SELECT s FROM parts WHERE part = 2))::text = (SELECT s::text FROM parts WHERE part = 2) AS null_is_no_orders,
       clv.summary_merge(NULL, NULL) IS NULL AS both_null;
SELECT regress.error_of($$SELECT s OPERATOR(clv.+) s FROM (SELECT '{"version":1,"days":[["2024-01-01",4294967295,1]]}'::clv.customer_summary AS s) x$$) AS order_count_overflow;

-- Tracking, rebuilding and refreshing a table whose name needs quoting.
CREATE TABLE "Shop Orders; DROP TABLE x" (buyer int, "when" timestamptz, paid numeric(12,2));
INSERT INTO "Shop Orders; DROP TABLE x"
SELECT customer_id, ordered_at, amount FROM cdnow_orders WHERE customer_id <= 200 AND ordered_at < '1997-06-01';
SELECT clv.track_order_changes('"Shop Orders; DROP TABLE x"', 'buyer', 'when', 'paid') AS change_table;
CREATE TABLE shop_summaries (buyer int PRIMARY KEY, summary clv.customer_summary NOT NULL);
SELECT clv.rebuild_summaries('"Shop Orders; DROP TABLE x"', 'shop_summaries', '"Shop Orders; DROP TABLE x_clv_changes"',
                             'buyer', 'when', 'paid', 'summary') AS customers;
-- A month of new orders, a refund turned into a purchase, a cancelled order, a reassigned one.
INSERT INTO "Shop Orders; DROP TABLE x"
SELECT customer_id, ordered_at, amount FROM cdnow_orders WHERE customer_id <= 200 AND ordered_at >= '1997-06-01' AND ordered_at < '1997-07-01';
UPDATE "Shop Orders; DROP TABLE x" SET paid = -paid WHERE buyer = 3;
DELETE FROM "Shop Orders; DROP TABLE x" WHERE buyer = 4;
UPDATE "Shop Orders; DROP TABLE x" SET buyer = 201 WHERE buyer = 5;
SELECT count(*) AS logged FROM "Shop Orders; DROP TABLE x_clv_changes";
-- A hostile search_path, whose = on integers is always false, ahead of pg_catalog: the refresh
-- still uses pg_catalog's and pg_clv's objects.
CREATE SCHEMA hostile;
CREATE FUNCTION hostile.never_equal(int, int) RETURNS boolean LANGUAGE sql AS 'SELECT false';
CREATE OPERATOR hostile.= (LEFTARG = int, RIGHTARG = int, FUNCTION = hostile.never_equal);
SET search_path = hostile, pg_catalog, public;
SELECT 1 = 1 AS hostile_equality;
SELECT * FROM clv.refresh_summaries('"Shop Orders; DROP TABLE x"', 'shop_summaries', '"Shop Orders; DROP TABLE x_clv_changes"',
                                    'buyer', 'when', 'paid', 'summary');
RESET search_path;
SELECT count(*) AS customers, count(*) FILTER (WHERE s.summary::text IS DISTINCT FROM r.s::text) AS differing_from_a_rebuild
FROM shop_summaries s FULL JOIN (SELECT buyer, clv.customer_summary("when", paid) AS s FROM "Shop Orders; DROP TABLE x" GROUP BY buyer) r USING (buyer);
-- TRUNCATE is logged as "rebuild everything".
TRUNCATE "Shop Orders; DROP TABLE x";
SELECT * FROM clv.refresh_summaries('"Shop Orders; DROP TABLE x"', 'shop_summaries', '"Shop Orders; DROP TABLE x_clv_changes"',
                                    'buyer', 'when', 'paid', 'summary');
SELECT count(*) AS customers_after_truncate FROM shop_summaries;

-- Bad input.
SELECT regress.error_of($$SELECT clv.track_order_changes('shop_summaries')$$) AS no_such_columns;
SELECT regress.error_of($$SELECT clv.track_order_changes('no_such_table')$$) AS no_such_table;
-- One column named for two parts (here the summaries' customer and summary columns).
SELECT regress.error_of($$SELECT clv.rebuild_summaries('"Shop Orders; DROP TABLE x"', 'shop_summaries',
                        '"Shop Orders; DROP TABLE x_clv_changes"', 'buyer', 'when', 'paid', 'buyer')$$) AS same_column_twice;
DROP SCHEMA hostile CASCADE;
DROP TABLE "Shop Orders; DROP TABLE x", "Shop Orders; DROP TABLE x_clv_changes", shop_summaries;
