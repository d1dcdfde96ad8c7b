/*
 * plan/reindex.sql -- phase 5: REINDEX INDEX CONCURRENTLY of the bloated
 * B-trees (campmon.reindex_min_bloat_pct and campmon.reindex_min_size of
 * bloat), rebuilt without blocking writes.  Not in the system schemas
 * (REINDEX CONCURRENTLY refuses the catalogs'), nor the indexes of a table
 * this plan rewrites: the rewrite rebuilds them.  Ordered by the reads the
 * rebuild saves (entries read since the statistics reset times bloat over
 * what is left), then those nothing read by their bytes, as phase 4.  The
 * reason says when an index was never scanned (campmon.index_hygiene weighs
 * whether it is needed; a key, unique, constraint or replica-identity index
 * always is) or backs a constraint.
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
              -- never "drop it": not of a key, a unique or constraint index
              -- (a foreign key's too) or the replica identity, which serve
              -- writes, not scans; of the others campmon.index_hygiene weighs
              -- the evidence, and campmon never drops an index
              CASE WHEN i.idx_scan IS DISTINCT FROM 0 THEN ''
                   WHEN x.needed
                   THEN '; never scanned since the statistics reset, but it enforces a key or constraint (or is the replica identity): it stays'
                   ELSE '; never scanned since the statistics reset: see campmon.index_hygiene (plan(show_kept => true)) before rebuilding it; campmon never drops an index' END,
              CASE WHEN i.constraint_name IS NOT NULL THEN format('; backs constraint %s', i.constraint_name)
                   WHEN x.replident THEN '; the table''s replica identity' ELSE '' END),
       i.bloat_bytes, 'SHARE UPDATE EXCLUSIVE', round(i.index_bytes / 50e6 + 0.5, 1),
       format('REINDEX INDEX CONCURRENTLY %I.%I', i.schema_name, i.index_name),
       -- the index entries its scans read since the statistics reset, times
       -- the extra leaf pages per entry its bloat makes them read
       -- (an index nothing read: after every one read, by its bloat)
       CASE WHEN coalesce(i.idx_tup_read, 0) > 0
            THEN least(i.idx_tup_read::numeric * i.bloat_pct / greatest(100 - i.bloat_pct, 1) + 1, 9e18)::bigint
            ELSE i.bloat_bytes - 9e18::bigint END
FROM unnest(ctx.indexes) i
CROSS JOIN LATERAL (
    SELECT coalesce(bool_or(pi.indisreplident), false) AS replident,
           i.is_unique OR i.constraint_name IS NOT NULL OR coalesce(bool_or(pi.indisreplident), false)
           OR EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid) AS needed
    FROM pg_index pi WHERE pi.indexrelid = i.indexrelid) x
WHERE i.is_valid AND i.access_method = 'btree'
  AND i.schema_name NOT IN ('pg_catalog', 'pg_toast', 'information_schema')
  -- a sampled figure by its 95% interval's low end, not one draw near the
  -- threshold (checks/bloat.sql: _bloat_judged)
  AND (campmon._bloat_judged(i.method, i.bloat_pct, i.bloat_pct_low, i.bloat_pct_high, ctx.reindex_pct, ctx.reindex_pct)).sure_pct >= ctx.reindex_pct
  AND i.bloat_bytes >= ctx.reindex_min
  -- a table this plan rewrites gets its indexes rebuilt with it
  AND NOT EXISTS (SELECT FROM unnest(ctx.rewritten) rw(relid) WHERE rw.relid = i.table_relid)
$$;

REVOKE ALL ON FUNCTION campmon._plan_reindex(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_reindex(campmon._plan_context) TO campmon_reader, pg_monitor;
