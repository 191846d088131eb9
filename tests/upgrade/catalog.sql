-- Every object of the extension pg_clv with what defines it, its comment and its dependencies,
-- one sorted line each: two databases print the same lines when their pg_clv catalogs are the
-- same (scripts/upgrade_test.sh compares an updated database with a fresh one).
WITH extension AS (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'pg_clv'),
members AS (
    SELECT d.classid, d.objid FROM pg_catalog.pg_depend d, extension e
    WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.refobjid = e.oid AND d.deptype = 'e'
)
SELECT line FROM (
    SELECT pg_catalog.pg_describe_object(m.classid, m.objid, 0) || ' | ' || coalesce(CASE m.classid
        WHEN 'pg_catalog.pg_proc'::pg_catalog.regclass THEN (
            SELECT concat_ws(' ', 'returns', pg_catalog.pg_get_function_result(p.oid), p.prokind, p.provolatile,
                             p.proparallel, p.proisstrict, p.prosecdef, p.proleakproof, p.procost, p.prorows,
                             p.prosrc, p.probin, p.proargnames::text, pg_catalog.pg_get_expr(p.proargdefaults, 0),
                             p.proconfig::text)
            FROM pg_catalog.pg_proc p WHERE p.oid = m.objid)
        WHEN 'pg_catalog.pg_type'::pg_catalog.regclass THEN (
            SELECT concat_ws(' ', t.typtype, t.typlen, t.typbyval, t.typalign, t.typstorage, t.typcategory,
                             t.typinput, t.typoutput, t.typreceive, t.typsend,
                             (SELECT string_agg(a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                              FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0),
                             (SELECT string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder)
                              FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid))
            FROM pg_catalog.pg_type t WHERE t.oid = m.objid)
        WHEN 'pg_catalog.pg_operator'::pg_catalog.regclass THEN (
            SELECT concat_ws(' ', o.oprcode, o.oprcom::pg_catalog.regoperator, o.oprresult::pg_catalog.regtype)
            FROM pg_catalog.pg_operator o WHERE o.oid = m.objid)
        END, '') || ' | ' || coalesce(pg_catalog.obj_description(m.objid, m.classid::pg_catalog.regclass::text), '') AS line
    FROM members m
    UNION ALL
    SELECT 'aggregate ' || a.aggfnoid::pg_catalog.regprocedure || ' | ' ||
           concat_ws(' ', a.aggkind, a.aggnumdirectargs, a.aggtransfn::pg_catalog.oid::pg_catalog.regprocedure,
                     a.aggfinalfn::pg_catalog.oid::pg_catalog.regprocedure, a.aggcombinefn::pg_catalog.oid::pg_catalog.regprocedure,
                     a.aggserialfn, a.aggdeserialfn, a.aggmtransfn, a.aggfinalextra, a.aggfinalmodify,
                     a.aggtranstype::pg_catalog.regtype, a.aggtransspace, a.agginitval)
    FROM pg_catalog.pg_aggregate a JOIN members m ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND m.objid = a.aggfnoid
    UNION ALL
    SELECT 'depends ' || pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) || ' -> ' ||
           pg_catalog.pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) || ' ' || d.deptype::text
    FROM pg_catalog.pg_depend d JOIN members m ON m.classid = d.classid AND m.objid = d.objid
    WHERE d.deptype <> 'e'
    UNION ALL
    SELECT 'schema clv | ' || coalesce(pg_catalog.obj_description('clv'::pg_catalog.regnamespace, 'pg_namespace'), '')
) lines
ORDER BY line COLLATE "C";
