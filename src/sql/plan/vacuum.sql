/*
 * plan/vacuum.sql -- phase 4: VACUUM (ANALYZE) of the tables where dead
 * rows pile up, VACUUM (FREEZE, ANALYZE) of those near wraparound.  Dead
 * rows above campmon.vacuum_min_dead_pct of the live ones, or few but wide
 * ones (dead bytes above that share of the table), and never below the
 * floor of campmon.vacuum_min_dead_rows or _size (35 dead rows of a small
 * table are autovacuum's business, not a step): VACUUM reclaims dead
 * rows, never free space alone, which only a rewrite gives back (phases 7
 * and 8).  Freeze when the table's transaction-ID or multixact age, or its
 * TOAST table's, passes campmon.freeze_age_pct of its freeze age
 * (freeze.sql: _freeze_needed), before an anti-wraparound vacuum does it at
 * the worst time -- any table then, the catalogs and campmon's own too.
 * Ordered by the reads the VACUUM saves, not its bytes
 * (bench/payoff_bench.sh: the small, constantly read deliveries table gave
 * the dashboard its speed and waited behind the delivery logs, which no
 * statement of preparation or of the dashboard reads whole): the rows the
 * table's scans returned since the statistics reset times its dead rows per
 * live row, each read having walked past that many dead versions; the
 * tables nothing read come after, by their dead bytes (the expected gain).
 * An order, not a promise: the gain stays in bytes.
 * Otherwise not the catalogs (phase 3), nor campmon's own history
 * (autovacuum's: every run writes it), nor a table this plan repacks (the
 * copy leaves its dead rows behind).  plan() leaves
 * the tables vacuumed here out of phase 6: VACUUM (ANALYZE) analyzes them.
 */

CREATE OR REPLACE FUNCTION campmon._plan_vacuum(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH f AS MATERIALIZED (SELECT * FROM campmon._freeze_needed(ctx.freeze_pct)),
x AS (
    SELECT t.*, f.reason AS freeze_reason, f.relid IS NOT NULL AS freeze,
           -- rows its scans returned since the statistics reset (pg_stat_all_tables'
           -- seq_tup_read + idx_tup_fetch), times its dead rows per live one
           least((pg_stat_get_tuples_returned(t.relid) + pg_stat_get_tuples_fetched(t.relid)
                  + coalesce((SELECT sum(pg_stat_get_tuples_fetched(i.indexrelid)) FROM pg_index i
                              WHERE i.indrelid = t.relid), 0))::numeric
                 * coalesce(t.dead_rows, t.n_dead_tup, 0)
                 / greatest(coalesce(t.live_rows, t.n_live_tup, 0), 1), 9e18)::bigint AS reads_key
    FROM unnest(ctx.tables) t LEFT JOIN f ON f.relid = t.relid
)
SELECT 4, CASE WHEN t.freeze THEN 'VACUUM (FREEZE)' ELSE 'VACUUM' END,
       t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
       CASE WHEN t.freeze THEN t.freeze_reason
            -- the dead rows campmon.tables shows; PostgreSQL's running count
            -- only where the listing measured none, and then said so
            ELSE format('%s (%s)%s, %s%% bloat: VACUUM makes the space reusable (it does not shrink the file)',
                        campmon._count(coalesce(t.dead_rows, t.n_dead_tup), 'dead row'), pg_size_pretty(coalesce(t.dead_bytes, 0)),
                        CASE WHEN t.dead_rows IS NULL THEN ' by PostgreSQL''s statistics' ELSE '' END, t.bloat_pct) END,
       coalesce(t.dead_bytes, 0), 'SHARE UPDATE EXCLUSIVE', round(t.table_bytes / 200e6 + 0.1, 1),
       format('VACUUM (%sANALYZE) %I.%I', CASE WHEN t.freeze THEN 'FREEZE, ' ELSE '' END, t.schema_name, t.table_name),
       -- a table nothing read: after every one read, by its dead bytes
       CASE WHEN t.reads_key > 0 THEN t.reads_key ELSE coalesce(t.dead_bytes, 0) - 9e18::bigint END
FROM x t
-- freezing: any table, the catalogs and campmon's own included (the
-- database's age is its oldest table's)
WHERE (t.freeze
       OR t.family <> 'catalog' AND t.table_bytes > 0
          AND t.schema_name <> 'campmon'        -- its own history: autovacuum's
          AND (coalesce(t.dead_rows, t.n_dead_tup, 0) > ctx.dead_pct / 100 * greatest(coalesce(t.live_rows, t.n_live_tup, 0), 1)
               -- dead rows that are few but wide (VACUUM reclaims dead rows, not free space)
               OR coalesce(t.dead_bytes, 0) >= greatest(ctx.dead_pct, 1) / 100 * t.table_bytes
                  AND coalesce(t.dead_rows, t.n_dead_tup, 0) > 0)
          -- and worth a step: below both floors autovacuum sees to it
          AND (coalesce(t.dead_rows, t.n_dead_tup, 0) >= greatest(ctx.vacuum_min_rows, 1)
               OR coalesce(t.dead_bytes, 0) >= greatest(ctx.vacuum_min_bytes, 1)))
  -- a table this plan repacks: the copy leaves its dead rows behind
  AND (t.freeze OR NOT EXISTS (SELECT FROM unnest(ctx.repacked) r(relid) WHERE r.relid = t.relid))
$$;

REVOKE ALL ON FUNCTION campmon._plan_vacuum(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_vacuum(campmon._plan_context) TO campmon_reader, pg_monitor;
