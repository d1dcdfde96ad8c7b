/*
 * plan/vacuum.sql -- phase 4: VACUUM (ANALYZE) of the tables where dead
 * rows pile up, VACUUM (FREEZE, ANALYZE) of those near wraparound.  Dead
 * rows above campmon.vacuum_min_dead_pct of the live ones, or few but wide
 * ones (dead bytes above that share of the table), and never below the
 * floor of campmon.vacuum_min_dead_rows or _size (35 dead rows of a small
 * table are autovacuum's business, not a step): VACUUM reclaims dead
 * rows, never free space alone, which only a rewrite gives back (phases 7
 * and 8).  Freeze when age(relfrozenxid) passes campmon.freeze_age_pct of
 * autovacuum_freeze_max_age, before an anti-wraparound vacuum does it at
 * the worst time.  Not the catalogs (phase 3), nor campmon's own history
 * (autovacuum's: every run writes it), nor a table this plan repacks (the
 * copy leaves its dead rows behind) unless it needs freezing.  plan() leaves
 * the tables vacuumed here out of phase 6: VACUUM (ANALYZE) analyzes them.
 */

CREATE OR REPLACE FUNCTION campmon._plan_vacuum(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH x AS (
    SELECT t.*, age(c.relfrozenxid) AS xid_age,
           age(c.relfrozenxid) > ctx.freeze_pct / 100 * ctx.freeze_max AS freeze
    FROM unnest(ctx.tables) t JOIN pg_class c ON c.oid = t.relid
)
SELECT 4, CASE WHEN t.freeze THEN 'VACUUM (FREEZE)' ELSE 'VACUUM' END,
       t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
       CASE WHEN t.freeze
            THEN format('transaction id age %s is past %s%% of autovacuum_freeze_max_age (%s): freeze before an anti-wraparound vacuum does it at the worst time',
                        t.xid_age, ctx.freeze_pct, ctx.freeze_max)
            -- the dead rows campmon.tables shows; PostgreSQL's running count
            -- only where the listing measured none, and then said so
            ELSE format('%s (%s)%s, %s%% bloat: VACUUM makes the space reusable (it does not shrink the file)',
                        campmon._count(coalesce(t.dead_rows, t.n_dead_tup), 'dead row'), pg_size_pretty(coalesce(t.dead_bytes, 0)),
                        CASE WHEN t.dead_rows IS NULL THEN ' by PostgreSQL''s statistics' ELSE '' END, t.bloat_pct) END,
       coalesce(t.dead_bytes, 0), 'SHARE UPDATE EXCLUSIVE', round(t.table_bytes / 200e6 + 0.1, 1),
       format('VACUUM (%sANALYZE) %I.%I', CASE WHEN t.freeze THEN 'FREEZE, ' ELSE '' END, t.schema_name, t.table_name),
       coalesce(t.dead_bytes, 0)
FROM x t
WHERE t.family <> 'catalog' AND t.table_bytes > 0
  AND t.schema_name <> 'campmon'        -- its own history: autovacuum's
  AND (t.freeze
       OR (coalesce(t.dead_rows, t.n_dead_tup, 0) > ctx.dead_pct / 100 * greatest(coalesce(t.live_rows, t.n_live_tup, 0), 1)
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
