-- Runs first (see schedule): the extension and the CDNOW sample, shared by all tests.
\set ON_ERROR_STOP 1
CREATE EXTENSION pg_clv;
\cd ../..
\i sql/load_cdnow.sql
\cd tests/pg_regress
SELECT count(*) AS orders, count(DISTINCT customer_id) AS customers FROM cdnow_orders;
-- The SQLSTATE and message a query raises, or 'no error': how the tests show bad input.
CREATE SCHEMA regress;
CREATE FUNCTION regress.error_of(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE query;
    RETURN 'no error';
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
