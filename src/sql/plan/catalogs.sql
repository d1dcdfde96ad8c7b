/*
 * plan/catalogs.sql -- phase 3: VACUUM (ANALYZE) of the system catalogs
 * that work-table churn bloats (pg_class, pg_attribute, pg_type, pg_depend,
 * pg_statistic): every work table created and dropped leaves dead rows
 * there.  After the drops of phase 1, which leave more: a catalog is
 * vacuumed for its dead rows now plus the rows those drops delete from it,
 * counted from pg_class, and only above the floor of a
 * VACUUM (campmon.vacuum_min_dead_rows or _size, as in phase 4): "VACUUM
 * pg_statistic, 0 dead rows" because one work table is stale is noise.
 */

-- The rows each churned catalog holds for the relations this plan drops
-- (the stale work tables, the suspect ones too with include_suspect; none
-- when the plan's actions leave DROP TABLE out), with their indexes and
-- TOAST tables: the dead rows the drops leave there.  Counted from pg_class
-- alone, as PostgreSQL creates them (a table's and a TOAST table's six
-- system columns, a row type and its array type, a dependency on the
-- schema or the table, the statistics of an analyzed table's columns):
-- reading pg_attribute or pg_depend for 40,000 work tables would cost the
-- plan more than the VACUUM it decides on.
CREATE OR REPLACE FUNCTION campmon._plan_catalog_rows_dropped(ctx campmon._plan_context)
RETURNS TABLE (catalog text, dropped_rows bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH d AS MATERIALIZED (
    SELECT w.relid FROM unnest(ctx.work_tables) w
    WHERE (w.verdict = 'stale' OR (ctx.include_suspect AND w.verdict = 'suspect'))
      AND (ctx.actions IS NULL OR 'DROP TABLE' = ANY (ctx.actions))),
r AS MATERIALIZED (
    -- the tables, their TOAST tables, the indexes of both
    SELECT c.oid, c.relkind, c.relnatts, c.reltype,
           pg_stat_get_last_analyze_time(c.oid) IS NOT NULL OR pg_stat_get_last_autoanalyze_time(c.oid) IS NOT NULL AS analyzed
    FROM pg_class c
    WHERE c.oid IN (SELECT d.relid FROM d)
       OR c.oid IN (SELECT t.reltoastrelid FROM pg_class t JOIN d ON t.oid = d.relid)
       OR c.oid IN (SELECT i.indexrelid FROM pg_index i
                    WHERE i.indrelid IN (SELECT d.relid FROM d
                                         UNION ALL SELECT t.reltoastrelid FROM pg_class t JOIN d ON t.oid = d.relid)))
SELECT 'pg_class', (SELECT count(*) FROM r)
UNION ALL
SELECT 'pg_attribute', (SELECT coalesce(sum(r.relnatts + CASE WHEN r.relkind IN ('r', 't', 'm') THEN 6 ELSE 0 END), 0)::bigint FROM r)
UNION ALL
SELECT 'pg_type', (SELECT 2 * count(*) FILTER (WHERE r.reltype <> 0) FROM r)
UNION ALL
SELECT 'pg_depend', (SELECT count(*) + count(*) FILTER (WHERE r.reltype <> 0) FROM r)
UNION ALL
SELECT 'pg_statistic', (SELECT coalesce(sum(r.relnatts) FILTER (WHERE r.relkind = 'r' AND r.analyzed), 0)::bigint FROM r)
$$;

REVOKE ALL ON FUNCTION campmon._plan_catalog_rows_dropped(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_catalog_rows_dropped(campmon._plan_context) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._plan_catalogs(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH t AS (
    -- dead rows: the listing's; or PostgreSQL's count where it is higher --
    -- the backends' own catalog reads prune these pages all day, leaving
    -- line pointers and index entries that only a VACUUM clears
    SELECT t.*, greatest(coalesce(t.dead_rows, 0), coalesce(t.n_dead_tup, 0)) AS dead,
           coalesce(t.dead_rows, t.n_dead_tup, 0) AS dead_measured, coalesce(k.dropped_rows, 0) AS dropped
    FROM unnest(ctx.tables) t
    LEFT JOIN campmon._plan_catalog_rows_dropped(ctx) k ON k.catalog = t.table_name
    WHERE t.family = 'catalog' AND t.schema_name = 'pg_catalog'
      AND t.table_name IN ('pg_class', 'pg_attribute', 'pg_type', 'pg_depend', 'pg_statistic'))
SELECT 3, 'VACUUM'::text, t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
       format('catalog %s: %s%% bloat, %s%s (work tables created and dropped churn the catalogs)',
              t.table_name, t.bloat_pct,
              campmon._count(t.dead, 'dead row')
              || CASE WHEN t.dead > t.dead_measured
                      THEN format(' by PostgreSQL''s statistics (%s in the listing: pruned pages leave their line pointers and index entries to VACUUM)', t.dead_measured)
                      ELSE '' END,
              CASE WHEN t.dropped > 0 THEN format(', and about %s this plan''s drops delete', campmon._count(t.dropped, 'row')) ELSE '' END),
       coalesce(t.dead_bytes, 0), 'SHARE UPDATE EXCLUSIVE', round(t.table_bytes / 200e6 + 0.1, 1),
       format('VACUUM (ANALYZE) %I.%I', t.schema_name, t.table_name), t.bloat_bytes
FROM t
-- one that needs freezing is phase 4's (VACUUM (FREEZE))
WHERE t.relid NOT IN (SELECT f.relid FROM campmon._freeze_needed(ctx.freeze_pct) f)
-- dead rows (not free space, which VACUUM cannot give back), now or once
-- this plan's drops ran, above the floor of a VACUUM
  AND (coalesce(t.dead_bytes, 0) >= greatest(ctx.dead_pct, 1) / 100 * t.table_bytes
       OR t.dead > ctx.dead_pct / 100 * greatest(coalesce(t.live_rows, t.n_live_tup, 0), 1)
       OR t.dropped > 0)
  AND (t.dead + t.dropped >= greatest(ctx.vacuum_min_rows, 1)
       OR coalesce(t.dead_bytes, 0) >= greatest(ctx.vacuum_min_bytes, 1))
$$;

REVOKE ALL ON FUNCTION campmon._plan_catalogs(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_catalogs(campmon._plan_context) TO campmon_reader, pg_monitor;
