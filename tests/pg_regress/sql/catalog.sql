-- Catalog hygiene a DBA checks first. Every query below must return no rows.
CREATE TEMP VIEW extension_functions AS
SELECT p.oid, p.oid::regprocedure AS function, p.prokind, p.provolatile, p.proparallel, p.pronamespace
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_clv';

-- No function or aggregate is VOLATILE or anything but PARALLEL SAFE by accident: the only
-- exceptions are the summary refresh functions, which write the caller's tables
-- (docs/refresh.md) and say so in their comment.
SELECT function, provolatile, proparallel FROM extension_functions
WHERE (provolatile = 'v' OR proparallel <> 's')
  AND NOT (obj_description(oid, 'pg_proc') LIKE '%Writes tables: VOLATILE, PARALLEL UNSAFE.%'
           AND function::text ~ '^clv\.(log_order_changes|track_order_changes|rebuild_summaries|refresh_summaries)\(');

-- Every function and aggregate has a COMMENT.
SELECT function FROM extension_functions WHERE obj_description(oid, 'pg_proc') IS NULL;

-- Every type has a COMMENT. Not the array types PostgreSQL makes for each: on 18 (not on 15)
-- they are extension members too.
SELECT t.oid::regtype FROM pg_type t
JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_clv'
WHERE obj_description(t.oid, 'pg_type') IS NULL
  AND NOT EXISTS (SELECT FROM pg_type element WHERE element.typarray = t.oid);

-- Everything lives in schema clv, and the schema says what it is.
SELECT function FROM extension_functions WHERE pronamespace <> 'clv'::regnamespace;
SELECT obj_description('clv'::regnamespace, 'pg_namespace') IS NOT NULL AS schema_commented;

-- The public API: everything but aggregate support functions (commented as not for direct
-- use) and type input/output functions.
SELECT function, CASE prokind WHEN 'a' THEN 'aggregate' ELSE 'function' END AS kind
FROM extension_functions
WHERE obj_description(oid, 'pg_proc') NOT LIKE '%not for direct use%'
  AND oid NOT IN (SELECT unnest(ARRAY[typinput, typoutput, typreceive, typsend])::oid FROM pg_type)
ORDER BY function::text;

-- Predictions declare what they cost (in units of a built-in operator), so that the planner
-- scores large tables with parallel workers; everything else keeps the default (1, and 100
-- for the PL/pgSQL refresh functions).
SELECT p.function, p2.procost
FROM extension_functions p JOIN pg_proc p2 ON p2.oid = p.oid
WHERE p2.procost <> 1 ORDER BY p2.procost, p.function::text;

-- And an expensive scoring query over a large table gets a parallel plan with default settings.
CREATE TABLE scoring_plan AS
SELECT clv.customer_summary(DATE '2023-01-01' + i % 300, 10.0) AS s FROM generate_series(1, 200000) i GROUP BY i;
ANALYZE scoring_plan;
EXPLAIN (COSTS OFF)
SELECT clv.residual_value('{"version":1,"model":"bgnbd","unit":"days","params":{"r":0.9,"alpha":30,"a":0.7,"b":7}}'::clv.btyd_model,
                          '{"version":1,"model":"gamma_gamma","params":{"p":6,"q":3.7,"v":16}}'::clv.spend_model,
                          s, '2024-01-01', 0.1)
FROM scoring_plan;
DROP TABLE scoring_plan;

-- Nothing runs with its owner's rights, and every SQL or PL/pgSQL function pins its
-- search_path (docs/security.md).
SELECT function FROM extension_functions e JOIN pg_proc p ON p.oid = e.oid WHERE p.prosecdef;
SELECT function FROM extension_functions e JOIN pg_proc p ON p.oid = e.oid
JOIN pg_language l ON l.oid = p.prolang
WHERE l.lanname IN ('sql', 'plpgsql')
  AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false);
