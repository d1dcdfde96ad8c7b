/*
 * plan/cadence.sql -- what a maintenance cadence says is overdue
 * (campmon.maintenance_due: Adobe's "Tables to maintain" and "Types of
 * maintenance", or the DBA's), planned even below the bloat thresholds:
 *   rebuild  the table joins the rewrites before phases 7 and 8 run
 *            (_plan_cadence_rewrites): REPACK online, with every pg_repack
 *            requirement and guard, or VACUUM (FULL) only when blocking is
 *            allowed and it may take the table; a keep row says why not;
 *   reindex  REINDEX INDEX CONCURRENTLY of each B-tree whose last rebuild is
 *            older than the cadence (phase 5), unless phase 5 rebuilds it
 *            for its bloat or the table is rewritten;
 *   vacuum   VACUUM (ANALYZE) (phase 4) of a table no other step of the plan
 *            vacuums or rewrites.
 * Online forms only unless the caller allows blocking steps; plan() keeps
 * only what its role may run.  Each reason starts with the cadence and when
 * it was last done (_plan_cadence_note).
 */

-- "due by its cadence: re-index every 14 days (Adobe, "Tables to
-- maintain"), last done 23 days ago", or NULL when nothing is due.
CREATE OR REPLACE FUNCTION campmon._plan_cadence_note(due campmon.maintenance_due[], rel oid, what text)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT format('due by its cadence: %s every %s (%s), %s', CASE d.maintenance WHEN 'reindex' THEN 're-index' ELSE d.maintenance END,
              campmon._human(d.every), split_part(d.source, ':', 1),
              CASE WHEN d.last_done IS NULL THEN 'none recorded'
                   ELSE format('last done %s ago', campmon._human(now() - d.last_done)) END)
FROM unnest(due) d
WHERE d.relid = rel AND d.maintenance = what AND d.overdue
LIMIT 1 $$;

REVOKE ALL ON FUNCTION campmon._plan_cadence_note(campmon.maintenance_due[],oid,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_cadence_note(campmon.maintenance_due[],oid,text) TO campmon_reader, pg_monitor;

-- Overdue rebuilds of the plan's tables (not catalogs, not campmon's own)
-- join the rewrites phases 7 (online) and 8 (blocking) plan, as plan() splits
-- bloated tables between them.
CREATE OR REPLACE FUNCTION campmon._plan_cadence_rewrites(ctx campmon._plan_context, due campmon.maintenance_due[])
RETURNS campmon._plan_context
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
BEGIN
    WITH d AS (
        SELECT t, ctx.allow_blocking AND t.family <> 'broadlog' AND t.table_bytes <= ctx.full_max AS is_rewrite
        FROM unnest(ctx.tables) t
        WHERE t.family <> 'catalog' AND t.schema_name <> 'campmon'
          AND EXISTS (SELECT FROM unnest(due) x WHERE x.relid = t.relid AND x.maintenance = 'rebuild' AND x.overdue)
          AND NOT EXISTS (SELECT FROM unnest(ctx.rewrite_blocking) b WHERE b.relid = t.relid)
          AND NOT EXISTS (SELECT FROM unnest(ctx.rewrite_online) b WHERE b.relid = t.relid))
    SELECT ctx.rewrite_blocking || ARRAY(SELECT d.t FROM d WHERE d.is_rewrite),
           ctx.rewrite_online || ARRAY(SELECT d.t FROM d WHERE NOT d.is_rewrite)
    INTO ctx.rewrite_blocking, ctx.rewrite_online;
    RETURN ctx;
END $fn$;

REVOKE ALL ON FUNCTION campmon._plan_cadence_rewrites(campmon._plan_context,campmon.maintenance_due[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_cadence_rewrites(campmon._plan_context,campmon.maintenance_due[]) TO campmon_reader, pg_monitor;

-- Overdue re-indexes: the B-trees phase 5 leaves (below its thresholds),
-- of tables this plan does not rewrite.
CREATE OR REPLACE FUNCTION campmon._plan_cadence_reindex(ctx campmon._plan_context, due campmon.maintenance_due[])
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 5, 'REINDEX INDEX CONCURRENTLY'::text, i.indexrelid, format('%I.%I', i.schema_name, i.index_name), i.family,
       format('%s; %s bloat (%s of %s), below campmon.reindex_min_bloat_pct or campmon.reindex_min_size',
              campmon._plan_cadence_note(due, i.table_relid, 'reindex'),
              coalesce(i.bloat_pct || '%', 'unknown'), pg_size_pretty(coalesce(i.bloat_bytes, 0)), pg_size_pretty(i.index_bytes)),
       coalesce(i.bloat_bytes, 0), 'SHARE UPDATE EXCLUSIVE', round(i.index_bytes / 50e6 + 0.5, 1),
       format('REINDEX INDEX CONCURRENTLY %I.%I', i.schema_name, i.index_name), coalesce(i.bloat_bytes, 0)
FROM unnest(due) d
JOIN unnest(ctx.indexes) i ON i.indexrelid = ANY (d.due_indexes)
WHERE d.maintenance = 'reindex' AND d.overdue
  AND i.is_valid AND i.access_method = 'btree'
  AND i.schema_name NOT IN ('pg_catalog', 'pg_toast', 'information_schema', 'campmon')
  -- phase 5 rebuilds it for its bloat
  AND NOT coalesce(i.bloat_pct >= ctx.reindex_pct AND i.bloat_bytes >= ctx.reindex_min, false)
  -- a rewrite of the table rebuilds its indexes
  AND NOT EXISTS (SELECT FROM unnest(ctx.rewritten) rw(relid) WHERE rw.relid = i.table_relid)
$$;

REVOKE ALL ON FUNCTION campmon._plan_cadence_reindex(campmon._plan_context,campmon.maintenance_due[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_cadence_reindex(campmon._plan_context,campmon.maintenance_due[]) TO campmon_reader, pg_monitor;

-- Overdue vacuums: VACUUM (ANALYZE) of the tables no step of the plan so far
-- (early: phases 4, 7, 8) vacuums or rewrites.
CREATE OR REPLACE FUNCTION campmon._plan_cadence_vacuum(ctx campmon._plan_context, due campmon.maintenance_due[],
                                                       early campmon._plan_step[])
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 4, 'VACUUM'::text, t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
       format('%s: %s (%s)%s', campmon._plan_cadence_note(due, t.relid, 'vacuum'),
              campmon._count(coalesce(t.dead_rows, t.n_dead_tup, 0), 'dead row'), pg_size_pretty(coalesce(t.dead_bytes, 0)),
              coalesce(', ' || t.bloat_pct || '% bloat', '')),
       coalesce(t.dead_bytes, 0), 'SHARE UPDATE EXCLUSIVE', round(t.table_bytes / 200e6 + 0.1, 1),
       format('VACUUM (ANALYZE) %I.%I', t.schema_name, t.table_name), coalesce(t.dead_bytes, 0)
FROM unnest(due) d
JOIN unnest(ctx.tables) t ON t.relid = d.relid
WHERE d.maintenance = 'vacuum' AND d.overdue
  AND t.family <> 'catalog' AND t.schema_name <> 'campmon'
  AND NOT EXISTS (SELECT FROM unnest(early) e
                  WHERE e.relid = t.relid AND e.action IN ('VACUUM', 'VACUUM (FREEZE)', 'VACUUM (FULL)', 'REPACK'))
$$;

REVOKE ALL ON FUNCTION campmon._plan_cadence_vacuum(campmon._plan_context,campmon.maintenance_due[],campmon._plan_step[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_cadence_vacuum(campmon._plan_context,campmon.maintenance_due[],campmon._plan_step[]) TO campmon_reader, pg_monitor;
