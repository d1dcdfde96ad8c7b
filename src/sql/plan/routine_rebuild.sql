/*
 * plan/routine_rebuild.sql -- keep rows (show_kept) for the tables of
 * Adobe's routine rebuild list (campmon.routine_rebuild: Adobe's typical
 * PostgreSQL maintenance plan rewrites them regularly, "RDBMS-specific
 * recommendations") that this plan does not rewrite because they do not
 * need it: bloat below campmon.bloat_warning_pct, or less than
 * campmon.reindex_min_size to gain.  A rewrite frees nothing there; the
 * list's tables that do need one are phases 7 and 8's (plan.sql lowers
 * their threshold to campmon.bloat_warning_pct), with the list named in
 * their reason.
 */

CREATE OR REPLACE FUNCTION campmon._plan_routine_rebuild(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 9, 'keep'::text, t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
       format('on Adobe''s routine rebuild list (campmon.routine_rebuild), no rewrite needed tonight: %s',
              CASE WHEN t.bloat_pct IS NULL THEN 'bloat unknown (no statistics yet: ANALYZE it)'
                   WHEN t.bloat_pct < ctx.routine_pct
                   THEN format('%s%% bloat, below campmon.bloat_warning_pct (%s%%)', t.bloat_pct, ctx.routine_pct)
                   ELSE format('%s%% bloat but only %s to gain, less than campmon.reindex_min_size (%s)',
                               t.bloat_pct, pg_size_pretty(t.bloat_bytes), pg_size_pretty(ctx.reindex_min)) END),
       0::bigint, NULL::text, 0::numeric, NULL::text, coalesce(t.table_bytes, 0)
FROM unnest(ctx.tables) t
WHERE ctx.show_kept
  AND t.relid = ANY (ctx.routine)
  AND NOT EXISTS (SELECT FROM unnest(ctx.rewrite_blocking) b WHERE b.relid = t.relid)
  AND NOT EXISTS (SELECT FROM unnest(ctx.rewrite_online) b WHERE b.relid = t.relid)
$$;

REVOKE ALL ON FUNCTION campmon._plan_routine_rebuild(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_routine_rebuild(campmon._plan_context) TO campmon_reader, pg_monitor;
