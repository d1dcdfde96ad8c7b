/*
 * checks/invalid_index.sql -- invalid_index: an index a failed CREATE INDEX
 * CONCURRENTLY or REINDEX CONCURRENTLY left behind; every write maintains
 * it and no read uses it.  plan() drops it (DROP INDEX CONCURRENTLY).
 */

CREATE OR REPLACE FUNCTION campmon._check_invalid_indexes()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
BEGIN
    RETURN QUERY
    SELECT 'invalid_index'::text, 'warning'::text, format('%I.%I', n.nspname, ic.relname), pg_relation_size(ic.oid)::numeric, 0::numeric,
           format('invalid index on %s (%s): a failed concurrent build left it; it slows every write and serves no read. campmon.plan() drops it (DROP INDEX CONCURRENTLY)',
                  x.indrelid::regclass, pg_size_pretty(pg_relation_size(ic.oid)))
    FROM pg_index x
    JOIN pg_class ic ON ic.oid = x.indexrelid
    JOIN pg_namespace n ON n.oid = ic.relnamespace
    WHERE NOT x.indisvalid AND n.nspname NOT IN ('pg_catalog', 'pg_toast')
      AND (ic.relpersistence <> 't' OR ic.relnamespace = pg_my_temp_schema())
    ORDER BY 3;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_invalid_indexes() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_invalid_indexes() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('invalid_index', 'indexes',
    'Invalid indexes left by a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY (often *_ccnew)',
    'warning per invalid index',
    NULL, 'PostgreSQL''s documentation, CREATE INDEX (building indexes concurrently: a failed build leaves an invalid index)',
    'campmon.plan() drops it (DROP INDEX CONCURRENTLY); then rebuild what was meant',
    'campmon._check_invalid_indexes', 80);
