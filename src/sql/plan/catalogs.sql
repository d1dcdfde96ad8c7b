/*
 * plan/catalogs.sql -- phase 3: VACUUM (ANALYZE) of the system catalogs
 * that work-table churn bloats (pg_class, pg_attribute, pg_type, pg_depend,
 * pg_statistic): every work table created and dropped leaves dead rows
 * there.  After the drops of phase 1, which leave more.
 */

CREATE OR REPLACE FUNCTION campmon._plan_catalogs(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 3, 'VACUUM'::text, t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
       format('catalog %s: %s%% bloat, %s dead rows (work tables created and dropped churn the catalogs)',
              t.table_name, t.bloat_pct, coalesce(t.dead_rows, t.n_dead_tup)),
       coalesce(t.dead_bytes, 0), 'SHARE UPDATE EXCLUSIVE', round(t.table_bytes / 200e6 + 0.1, 1),
       format('VACUUM (ANALYZE) %I.%I', t.schema_name, t.table_name), t.bloat_bytes
FROM unnest(ctx.tables) t
WHERE t.family = 'catalog'
  AND t.table_name IN ('pg_class', 'pg_attribute', 'pg_type', 'pg_depend', 'pg_statistic')
  -- dead rows (not free space, which VACUUM cannot give back), or
  -- the dead rows this plan's drops are about to leave there
  AND (coalesce(t.dead_bytes, 0) >= greatest(ctx.dead_pct, 1) / 100 * t.table_bytes
       OR coalesce(t.n_dead_tup, 0) > 0.2 * greatest(t.n_live_tup, 1)
       OR EXISTS (SELECT FROM unnest(ctx.work_tables) w
                  WHERE w.verdict = 'stale' OR (ctx.include_suspect AND w.verdict = 'suspect')))
$$;

REVOKE ALL ON FUNCTION campmon._plan_catalogs(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_catalogs(campmon._plan_context) TO campmon_reader, pg_monitor;
