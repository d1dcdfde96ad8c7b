/*
 * plan/analyze.sql -- phase 6: ANALYZE of the tables whose statistics went
 * stale: never analyzed (the planner works blind; Campaign's queries suffer
 * most on its big tables: no ANALYZE time, and pg_class.reltuples unset or
 * no pg_stats row -- the times alone are empty on a standby), or more than
 * campmon.analyze_min_changed_pct of the rows changed since and at least
 * campmon.analyze_min_changed_rows (a small table's few changes are
 * autovacuum's business, not a step).  Not where a step of this plan
 * analyzes the table anyway: VACUUM (ANALYZE) of phase 4, a rewrite of
 * phase 7 or 8.
 */

CREATE OR REPLACE FUNCTION campmon._plan_analyze(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH t AS (
    SELECT t.*,
           -- statistics missing: ANALYZE never ran, as the catalogs say it
           -- (replicated, and kept through a crash); the activity
           -- statistics' last ANALYZE time alone is empty on a hot standby
           -- and after a crash, where every table would look never analyzed
           t.last_analyze IS NULL AND t.last_autoanalyze IS NULL
           AND (c.reltuples < 0
                OR NOT EXISTS (SELECT FROM pg_stats s WHERE s.schemaname = t.schema_name AND s.tablename = t.table_name)) AS missing
    FROM unnest(ctx.tables) t JOIN pg_class c ON c.oid = t.relid
    WHERE t.family <> 'catalog' AND t.table_bytes > 0
      AND t.schema_name <> 'campmon')       -- its own history: autovacuum's
SELECT 6, 'ANALYZE'::text, t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
       CASE WHEN t.missing
            THEN 'never analyzed: the planner works blind (Campaign''s queries suffer most on its big tables)'
            ELSE format('%s changed since the last ANALYZE (%s%% of the table)', campmon._count(t.n_mod_since_analyze, 'row'),
                        round(100.0 * t.n_mod_since_analyze / greatest(coalesce(t.live_rows, t.n_live_tup, 0), 1))) END,
       0::bigint, 'SHARE UPDATE EXCLUSIVE', 0.5, format('ANALYZE %I.%I', t.schema_name, t.table_name), 0::bigint
FROM t
WHERE (t.missing
       -- enough changed rows to matter: 4 changed rows of a 2-row table are 200%
       -- and change no plan (statistics missing are planned whatever the size)
       OR t.n_mod_since_analyze > ctx.analyze_pct / 100 * greatest(coalesce(t.live_rows, t.n_live_tup, 0), 1)
          AND t.n_mod_since_analyze >= ctx.analyze_min_rows)
  -- not when a VACUUM (ANALYZE) or VACUUM (FULL, ANALYZE) of this plan analyzes it
  AND NOT EXISTS (SELECT FROM unnest(ctx.vacuumed) v(relid) WHERE v.relid = t.relid)
  AND NOT EXISTS (SELECT FROM unnest(ctx.rewritten) rw(relid) WHERE rw.relid = t.relid)
$$;

REVOKE ALL ON FUNCTION campmon._plan_analyze(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_analyze(campmon._plan_context) TO campmon_reader, pg_monitor;
