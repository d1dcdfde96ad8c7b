/*
 * checks/work_tables.sql -- the work tables (campmon.stale_tables): how many
 * Campaign's cleanup would drop (stale), how many are probably dead but
 * not covered by it (suspect), held ones nobody writes, and the deliveries
 * that still hold tables.  One evaluation of the stale-table analysis for
 * all of them (0.8 s at 50,000 relations): one producer for the family.
 */

CREATE OR REPLACE FUNCTION campmon._check_work_tables()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '2MB'
AS $fn$
DECLARE
    held_idle interval := campmon._seconds('campmon.held_max_idle');
    stale_crit integer := current_setting('campmon.stale_tables_critical')::integer;
BEGIN
    IF NOT EXISTS (SELECT FROM campmon._campaign_schemas()) THEN
        RETURN;
    END IF;

    -- work tables: one evaluation of campmon.stale_tables for every check
    RETURN QUERY
    WITH st AS MATERIALIZED (SELECT * FROM campmon._stale_tables()),
    per_verdict AS (
        SELECT v.verdict, count(st.relid) AS n, coalesce(sum(st.total_bytes), 0)::bigint AS b
        FROM (VALUES ('stale'), ('suspect')) v(verdict) LEFT JOIN st ON st.verdict = v.verdict
        GROUP BY v.verdict
    ),
    held_idle AS (
        SELECT count(*) AS n, coalesce(sum(st.total_bytes), 0)::bigint AS b FROM st
        WHERE st.verdict = 'held' AND st.idle > held_idle
    ),
    deliveries AS (
        SELECT format('%I.%I', st.schema_name, st.owner_table) AS owner_table, st.owner_id,
               count(*) AS n, sum(st.total_bytes)::bigint AS b, min(st.reason) AS reason
        FROM st WHERE st.rule = 'delivery' AND st.verdict = 'stale'
          AND st.reason NOT LIKE '%no longer exists%'
        GROUP BY 1, st.owner_id
    )
    SELECT 'stale_work_tables'::text,
           CASE WHEN p.n >= stale_crit THEN 'critical' WHEN p.n > 0 THEN 'warning' ELSE 'ok' END,
           'campmon.stale_tables'::text, p.n::numeric, stale_crit::numeric,
           format('%s (%s) that Campaign''s cleanup would drop %s still there: see campmon.stale_tables',
                  campmon._count(p.n, 'work table'), pg_size_pretty(p.b), CASE WHEN p.n = 1 THEN 'is' ELSE 'are' END)
    FROM per_verdict p WHERE p.verdict = 'stale'
    UNION ALL
    SELECT 'suspect_work_tables', CASE WHEN p.n > 0 THEN 'warning' ELSE 'ok' END,
           'campmon.stale_tables', p.n::numeric, 0::numeric,
           format('%s (%s) %s probably dead but not covered by Campaign''s cleanup: see campmon.stale_tables',
                  campmon._count(p.n, 'work table'), pg_size_pretty(p.b), CASE WHEN p.n = 1 THEN 'is' ELSE 'are' END)
    FROM per_verdict p WHERE p.verdict = 'suspect'
    UNION ALL
    SELECT 'held_idle_work_tables', CASE WHEN h.n > 0 THEN 'warning' ELSE 'ok' END,
           'campmon.stale_tables', h.n::numeric, round(extract(epoch FROM held_idle) / 86400)::numeric,
           format('%s (%s) %s not been written for more than %s (campmon.held_max_idle; threshold in days): %s keep them',
                  campmon._count(h.n, 'held work table'), pg_size_pretty(h.b), CASE WHEN h.n = 1 THEN 'has' ELSE 'have' END,
                  campmon._human(held_idle), CASE WHEN h.n = 1 THEN 'its owner' ELSE 'their owners' END)
    FROM held_idle h
    UNION ALL
    SELECT 'deliveries_holding_tables', CASE WHEN count(d.owner_id) > 0 THEN 'warning' ELSE 'ok' END,
           'campmon.stale_tables', count(d.owner_id)::numeric, 0::numeric,
           format('%s still %s %s (%s): the cleanup has not run since, or failed',
                  campmon._count(count(d.owner_id), 'stopped, deleted or unsent delivery', 'stopped, deleted or unsent deliveries'),
                  CASE WHEN count(d.owner_id) = 1 THEN 'has' ELSE 'have' END,
                  campmon._count(coalesce(sum(d.n), 0), 'work table'), pg_size_pretty(coalesce(sum(d.b), 0)))
    FROM deliveries d
    UNION ALL
    (SELECT 'delivery_holding_tables', 'warning', format('%s:%s', d.owner_table, d.owner_id), d.n::numeric, 0::numeric,
            format('%s; yet %s (%s) %s still there', d.reason, campmon._count(d.n, 'work table'), pg_size_pretty(d.b),
                   CASE WHEN d.n = 1 THEN 'is' ELSE 'are' END)
     FROM deliveries d ORDER BY d.b DESC, d.owner_id LIMIT 10);
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_work_tables() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_work_tables() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('stale_work_tables', 'work tables',
    'Work tables (wkf…, wkdlv_…, grp…, wksimu_…) that Campaign''s cleanup would drop and are still there',
    'warning when any; critical from campmon.stale_tables_critical of them',
    '{campmon.stale_tables_critical,campmon.work_table_rule,campmon.work_table_schemas}',
    'Adobe, "Database cleanup workflow" (the work-table task: owner deleted or done)',
    'Fix the cleanup; campmon.plan() drops them meanwhile (DROP TABLE, re-checked under lock)',
    'campmon._check_work_tables', 90);
SELECT campmon._register_check('suspect_work_tables', 'work tables',
    'Work tables probably dead but not covered by the cleanup (owner in a state it keeps, or no owner rule and unwritten for campmon.stale_min_age)',
    'warning when any; ok otherwise',
    '{campmon.stale_min_age}',
    'campmon''s own rule beside Adobe''s cleanup (the cleanup keeps them)',
    'Check with their owners; plan(include_suspect => true) drops them',
    'campmon._check_work_tables', 91);
SELECT campmon._register_check('held_idle_work_tables', 'work tables',
    'Work tables held by a live owner but unwritten for longer than campmon.held_max_idle',
    'warning when any; ok otherwise',
    '{campmon.held_max_idle}',
    'campmon''s own rule (a paused or failed workflow keeps its tables: Adobe, "Workflow best practices")',
    'Ask their owners to finish or stop the workflows and deliveries that hold them',
    'campmon._check_work_tables', 92);
SELECT campmon._register_check('deliveries_holding_tables', 'work tables',
    'Stopped, deleted or unsent deliveries that still have work tables',
    'warning when any; ok otherwise',
    NULL, 'Adobe, "Database cleanup workflow" (delivery states 0, 85, 100 and deleted deliveries)',
    'The cleanup has not run since, or failed: fix it',
    'campmon._check_work_tables', 93);
SELECT campmon._register_check('delivery_holding_tables', 'work tables',
    'The ten deliveries with the most bytes of such work tables, one row each',
    'warning per delivery',
    NULL, 'Adobe, "Database cleanup workflow"',
    'As deliveries_holding_tables',
    'campmon._check_work_tables', 94);
