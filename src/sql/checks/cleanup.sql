/*
 * checks/cleanup.sql -- Campaign's Database cleanup workflow: when it last
 * ran (NmsCleanup_LastCleanup), whether it runs its VACUUM ANALYZE
 * (XtkCleanup_NoStats), and the workflow itself (paused, in error, stopped).
 * When the cleanup stops, work tables pile up, purges fall behind and bloat
 * grows: this is the first thing to watch (Adobe: "Database cleanup
 * workflow", "Technical workflows").  cleanup_workflow owns the cleanup
 * workflow's state: the workflow checks refer to it.
 */

CREATE OR REPLACE FUNCTION campmon._check_cleanup()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    ref timestamptz := campmon._reference_time();
    max_age interval := campmon._seconds('campmon.cleanup_max_age');
    v text;
    ts timestamptz;
    rec record;
    problem text;
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        -- the cleanup workflow's last run
        IF c.opt IS NOT NULL THEN
            BEGIN
                SELECT x.value INTO v FROM campmon._option(c.opt, 'NmsCleanup_LastCleanup') x;
                IF v IS NULL THEN
                    RETURN QUERY SELECT 'cleanup_last_run', 'warning', format('%s:NmsCleanup_LastCleanup', c.opt), NULL::numeric,
                        round(extract(epoch FROM max_age) / 3600), 'the cleanup has never recorded a run (option NmsCleanup_LastCleanup is absent)';
                ELSE
                    ts := v::timestamptz;
                    RETURN QUERY SELECT 'cleanup_last_run',
                        CASE WHEN ref - ts > 3 * max_age THEN 'critical' WHEN ref - ts > max_age THEN 'warning' ELSE 'ok' END,
                        format('%s:NmsCleanup_LastCleanup', c.opt),
                        round((extract(epoch FROM ref - ts) / 3600)::numeric, 1),
                        round((extract(epoch FROM max_age) / 3600)::numeric, 1),
                        format('the cleanup last ran %s ago (%s; value and threshold in hours, campmon.cleanup_max_age)',
                               campmon._human(ref - ts), v);
                END IF;
            EXCEPTION WHEN OTHERS THEN
                RETURN QUERY SELECT 'cleanup_last_run', 'warning', format('%s:NmsCleanup_LastCleanup', c.opt), NULL::numeric, NULL::numeric,
                    format('cannot read the last cleanup time: %s', SQLERRM);
            END;

            -- statistics skipped by the cleanup
            BEGIN
                SELECT x.value INTO v FROM campmon._option(c.opt, 'XtkCleanup_NoStats') x;
                RETURN QUERY SELECT 'cleanup_statistics',
                    CASE WHEN trim(v) IN ('1', '2') THEN 'warning' ELSE 'ok' END,
                    format('%s:XtkCleanup_NoStats', c.opt), nullif(trim(coalesce(v, '0')), '')::numeric, 0::numeric,
                    CASE trim(v)
                        WHEN '1' THEN 'the cleanup skips its VACUUM ANALYZE (XtkCleanup_NoStats = 1): statistics and free space are left to autovacuum'
                        WHEN '2' THEN 'the cleanup runs ANALYZE only, no VACUUM (XtkCleanup_NoStats = 2)'
                        ELSE 'the cleanup runs its VACUUM ANALYZE' END;
            EXCEPTION WHEN OTHERS THEN
                RETURN QUERY SELECT 'cleanup_statistics', 'warning', format('%s:XtkCleanup_NoStats', c.opt), NULL::numeric, NULL::numeric,
                    format('cannot read option XtkCleanup_NoStats: %s', SQLERRM);
            END;
        END IF;

        -- the cleanup workflow itself (a workflow rule that cannot be
        -- applied is campaign_schema's row)
        CONTINUE WHEN c.wf IS NULL;
        problem := campmon._rule_problem((SELECT x FROM campmon.work_table_rule x WHERE x.rule = 'workflow'), c.schema_name);
        CONTINUE WHEN problem IS NOT NULL AND problem <> 'missing';
        BEGIN
            EXECUTE format('SELECT istate::integer AS istate, coalesce(ifailed, 0)::integer AS ifailed FROM %s WHERE sinternalname = %L', c.wf, 'cleanup')
                INTO rec;
            IF rec IS NULL THEN
                RETURN QUERY SELECT 'cleanup_workflow', 'warning', format('%s:cleanup', c.wf), NULL::numeric, NULL::numeric,
                    'no workflow named cleanup: is the Database cleanup workflow installed?';
            ELSE
                RETURN QUERY SELECT 'cleanup_workflow',
                    CASE WHEN rec.ifailed <> 0 OR rec.istate IN (13, 20) THEN 'critical'
                         WHEN rec.istate = 11 THEN 'ok' ELSE 'warning' END,
                    format('%s:cleanup', c.wf), rec.istate::numeric, 11::numeric,
                    format('the Database cleanup workflow is %s (state %s)%s%s',
                           coalesce((SELECT os.label FROM campmon.owner_state os WHERE os.owner_table = 'xtkworkflow'
                                     AND rec.istate BETWEEN os.state_from AND os.state_to LIMIT 1), 'in state ' || rec.istate),
                           rec.istate,
                           CASE WHEN rec.ifailed <> 0 THEN ', in error: its later tasks do not run, so work tables and bloat accumulate' ELSE '' END,
                           CASE WHEN rec.istate IN (13, 20) AND rec.ifailed = 0 THEN ': nothing is purged or dropped until it runs again' ELSE '' END);
            END IF;
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'cleanup_workflow', 'warning', format('%s:cleanup', c.wf), NULL::numeric, NULL::numeric,
                format('cannot read the cleanup workflow: %s', SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_cleanup() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_cleanup() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('cleanup_last_run', 'cleanup',
    'When Campaign''s Database cleanup workflow last ran (option NmsCleanup_LastCleanup)',
    'warning when older than campmon.cleanup_max_age or never recorded; critical beyond three times that',
    '{campmon.cleanup_max_age,campmon.reference_time}',
    'Adobe, "Database cleanup workflow" (it runs daily) and "Technical workflows"',
    'Open the Database cleanup workflow (Administration > Production > Technical workflows), read its log, fix the failing task and restart it',
    'campmon._check_cleanup', 20);
SELECT campmon._register_check('cleanup_statistics', 'cleanup',
    'Whether the cleanup runs its VACUUM ANALYZE (option XtkCleanup_NoStats)',
    'warning when XtkCleanup_NoStats is 1 (no VACUUM ANALYZE) or 2 (ANALYZE only); else ok',
    NULL,
    'Adobe, "Database cleanup workflow" (the statistics task and XtkCleanup_NoStats)',
    'Let the cleanup run its statistics task, or make sure campmon''s plan runs VACUUM and ANALYZE every night',
    'campmon._check_cleanup', 21);
SELECT campmon._register_check('cleanup_workflow', 'cleanup',
    'The Database cleanup workflow itself (xtkworkflow, internal name cleanup): its state and error flag; the one row for its state (technical_workflow and the workflow counts refer to it)',
    'critical when paused, finished or in error; warning when missing or in another state; ok when started',
    NULL,
    'Adobe, "Database cleanup workflow" and "Technical workflows": it must run without errors',
    'Restart the cleanup after fixing the cause in its log; until it runs, nothing is purged or dropped',
    'campmon._check_cleanup', 22);
