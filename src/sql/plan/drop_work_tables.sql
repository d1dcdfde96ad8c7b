/*
 * plan/drop_work_tables.sql -- phase 1: DROP TABLE of the work tables
 * Campaign's cleanup would drop (verdict stale; suspect ones only with
 * include_suspect), and keep rows for the work tables kept on purpose.
 * Work tables come first: they are dropped or kept, never vacuumed or
 * reindexed (plan() leaves them out of the listings the other phases read,
 * tens of thousands on a busy instance), and their drops leave the dead
 * catalog rows phase 3 vacuums.
 */

CREATE OR REPLACE FUNCTION campmon._plan_drop_work_tables(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 1, 'DROP TABLE'::text, w.relid,
       format('%I.%I', w.schema_name, w.table_name),
       campmon.family_of(w.schema_name, w.table_name),
       w.verdict || ': ' || w.reason,
       w.total_bytes, 'ACCESS EXCLUSIVE', 0.05::numeric,
       -- through drop_work_table: the verdict is read again under the
       -- table's lock, whoever runs it (\gexec, the worker)
       format('SELECT campmon.drop_work_table(%L::regclass%s)', format('%I.%I', w.schema_name, w.table_name),
              CASE WHEN w.verdict = 'suspect' THEN ', include_suspect => true' ELSE '' END),
       w.total_bytes
FROM unnest(ctx.work_tables) w
WHERE w.verdict = 'stale' OR (ctx.include_suspect AND w.verdict = 'suspect')
UNION ALL
-- work tables kept on purpose: reported, never dropped
SELECT 9, 'keep', w.relid, format('%I.%I', w.schema_name, w.table_name),
       campmon.family_of(w.schema_name, w.table_name),
       w.verdict || ': ' || w.reason, 0, NULL, 0, NULL, 0
FROM unnest(ctx.work_tables) w
WHERE ctx.show_kept AND (w.verdict = 'held' OR (NOT ctx.include_suspect AND w.verdict = 'suspect'))
$$;

REVOKE ALL ON FUNCTION campmon._plan_drop_work_tables(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_drop_work_tables(campmon._plan_context) TO campmon_reader, pg_monitor;
