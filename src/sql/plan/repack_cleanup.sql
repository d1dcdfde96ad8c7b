/*
 * plan/repack_cleanup.sql -- phase 2: what an interrupted pg_repack left
 * behind on a table (repack.sql recognises it), cleaned with pg_repack's
 * own cleanup.  Its trigger logs every write to the table until then.  Not
 * while a pg_repack works on the table: clean_repack_leftovers checks under
 * pg_repack's advisory lock.
 */

CREATE OR REPLACE FUNCTION campmon._plan_repack_cleanup(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 2, 'REPACK cleanup'::text, l.table_relid, l.target, coalesce(campmon.family_of(n.nspname, c.relname), 'other'),
       format('an interrupted pg_repack left %s behind (its trigger logs every write to the table meanwhile); pg_repack''s own cleanup',
              array_to_string(l.objects, ', ')),
       0::bigint, 'ACCESS EXCLUSIVE', 1.0,
       -- the leftovers of a dropped table by its OID (target is no name then)
       format('SELECT campmon.clean_repack_leftovers(%s)',
              CASE WHEN c.oid IS NOT NULL THEN quote_literal(l.target) || '::regclass'
                   ELSE l.table_relid::text || '::oid::regclass' END),
       0::bigint
FROM campmon._repack_leftovers() l
LEFT JOIN pg_class c ON c.oid = l.table_relid
LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
$$;

REVOKE ALL ON FUNCTION campmon._plan_repack_cleanup(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_repack_cleanup(campmon._plan_context) TO campmon_reader, pg_monitor;
