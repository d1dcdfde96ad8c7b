/*
 * plan/invalid_indexes.sql -- phase 2: DROP INDEX CONCURRENTLY of the
 * invalid indexes a failed CREATE INDEX CONCURRENTLY or REINDEX
 * CONCURRENTLY left behind (an *_ccnew, an interrupted pg_repack's
 * index_<oid>): every write still maintains them, and no read uses them.
 */

CREATE OR REPLACE FUNCTION campmon._plan_invalid_indexes(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 2, 'DROP INDEX CONCURRENTLY'::text, i.indexrelid, format('%I.%I', i.schema_name, i.index_name), i.family,
       format('invalid index on %s (a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY left it): it costs every write and serves no read',
              i.table_name),
       i.index_bytes, 'SHARE UPDATE EXCLUSIVE', 0.5::numeric, format('DROP INDEX CONCURRENTLY %I.%I', i.schema_name, i.index_name),
       i.index_bytes
FROM unnest(ctx.indexes) i
WHERE NOT i.is_valid AND i.schema_name NOT IN ('pg_catalog', 'pg_toast')
$$;

REVOKE ALL ON FUNCTION campmon._plan_invalid_indexes(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_invalid_indexes(campmon._plan_context) TO campmon_reader, pg_monitor;
