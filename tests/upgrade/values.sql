-- Every value a database holds or computes through pg_clv, as digests that two databases
-- print alike only when they hold the same bytes (scripts/major_upgrade_test.sh compares
-- PostgreSQL 15 with 18, a dump restored on 18, and a cluster upgraded with pg_upgrade):
--   * every row of every table, view and materialized view of schema public, in text form
--     (float8 prints its shortest exact form, so equal text is equal bits): the stored
--     summaries, models and RFM breaks, the change log, every prediction and segment view;
--   * the binary form (the type's send function) of every stored pg_clv value.
\pset footer off
\t on
SELECT format('SELECT %L AS relation, count(*) AS rows, md5(string_agg(t::text, %L ORDER BY t::text)) AS digest FROM public.%I t',
              c.relname, E'\n', c.relname)
FROM pg_catalog.pg_class c
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'm')
ORDER BY c.relname \gexec
SELECT format('SELECT %L AS column_bytes, count(*) AS rows, md5(string_agg(encode(%s(%I), %L), %L ORDER BY encode(%s(%I), %L))) AS digest FROM public.%I',
              c.relname || '.' || a.attname, t.typsend, a.attname, 'hex', E'\n', t.typsend, a.attname, 'hex', c.relname)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'm')
  AND t.typnamespace = 'clv'::regnamespace AND t.typtype = 'b'
ORDER BY c.relname, a.attnum \gexec
