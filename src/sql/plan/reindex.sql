/*
 * plan/reindex.sql -- phase 5: REINDEX INDEX CONCURRENTLY of the bloated
 * B-trees (campmon.reindex_min_bloat_pct and campmon.reindex_min_size of
 * bloat), rebuilt without blocking writes.  Not in the system schemas
 * (REINDEX CONCURRENTLY refuses the catalogs'), nor the indexes of a table
 * this plan rewrites: the rewrite rebuilds them.  The reason says when an
 * index was never scanned (dropping it may be the better step: never said
 * of an index that enforces uniqueness, backs a constraint or is the
 * replica identity) or backs a constraint.
 */

CREATE OR REPLACE FUNCTION campmon._plan_reindex(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 5, 'REINDEX INDEX CONCURRENTLY'::text, i.indexrelid, format('%I.%I', i.schema_name, i.index_name), i.family,
       format('%s%% bloat (%s of %s)%s%s%s', i.bloat_pct, pg_size_pretty(i.bloat_bytes), pg_size_pretty(i.index_bytes),
              -- a density only where the listing read one (never "unknown%")
              CASE WHEN i.avg_leaf_density IS NOT NULL THEN format(', leaf density %s%%', i.avg_leaf_density) ELSE '' END,
              -- dropping it is advice only for an index nothing needs: not one
              -- that enforces uniqueness, backs a constraint (a foreign key's
              -- too) or is the table's replica identity
              CASE WHEN i.idx_scan = 0 AND NOT x.needed
                   THEN '; never scanned since the statistics reset: consider dropping it instead' ELSE '' END,
              CASE WHEN i.constraint_name IS NOT NULL THEN format('; backs constraint %s', i.constraint_name)
                   WHEN x.replident THEN '; the table''s replica identity' ELSE '' END),
       i.bloat_bytes, 'SHARE UPDATE EXCLUSIVE', round(i.index_bytes / 50e6 + 0.5, 1),
       format('REINDEX INDEX CONCURRENTLY %I.%I', i.schema_name, i.index_name), i.bloat_bytes
FROM unnest(ctx.indexes) i
CROSS JOIN LATERAL (
    SELECT coalesce(bool_or(pi.indisreplident), false) AS replident,
           i.is_unique OR i.constraint_name IS NOT NULL OR coalesce(bool_or(pi.indisreplident), false)
           OR EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid) AS needed
    FROM pg_index pi WHERE pi.indexrelid = i.indexrelid) x
WHERE i.is_valid AND i.access_method = 'btree'
  AND i.schema_name NOT IN ('pg_catalog', 'pg_toast', 'information_schema')
  AND i.bloat_pct >= ctx.reindex_pct AND i.bloat_bytes >= ctx.reindex_min
  -- a table this plan rewrites gets its indexes rebuilt with it
  AND NOT EXISTS (SELECT FROM unnest(ctx.rewritten) rw(relid) WHERE rw.relid = i.table_relid)
$$;

REVOKE ALL ON FUNCTION campmon._plan_reindex(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_reindex(campmon._plan_context) TO campmon_reader, pg_monitor;
