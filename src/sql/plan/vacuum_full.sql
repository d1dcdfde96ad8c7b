/*
 * plan/vacuum_full.sql -- phase 8: VACUUM (FULL, ANALYZE), the blocking
 * rewrite, where VACUUM cannot give the space back: only when asked
 * (allow_blocking), never the delivery logs, never above
 * campmon.vacuum_full_max_size (the vendor's 5 GB) -- plan() gives it
 * those bloated tables, the others are phase 7's.  It holds ACCESS
 * EXCLUSIVE the whole time: smallest first.  plan() leaves the tables
 * rewritten here out of phases 5 and 6 (the rewrite rebuilds their
 * indexes, and ANALYZE follows it).
 */

CREATE OR REPLACE FUNCTION campmon._plan_vacuum_full(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 8, 'VACUUM (FULL)'::text, t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
       format('%s%% bloat: only a rewrite gives %s back to the file system; blocks every read and write of the table while it runs, followed by ANALYZE',
              t.bloat_pct, pg_size_pretty(t.bloat_bytes)),
       t.bloat_bytes, 'ACCESS EXCLUSIVE', round(t.table_bytes / 100e6 + 0.5, 1),
       format('VACUUM (FULL, ANALYZE) %I.%I', t.schema_name, t.table_name),
       -t.table_bytes          -- smallest first
FROM unnest(ctx.rewrite_blocking) t
$$;

REVOKE ALL ON FUNCTION campmon._plan_vacuum_full(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_vacuum_full(campmon._plan_context) TO campmon_reader, pg_monitor;
