/*
 * checks/workflows.sql -- Campaign's technical workflows (the ones
 * campmon.technical_workflow lists: paused, stopped, in error or late) and
 * the other workflows in error or paused (their work tables are never
 * purged).  One fact, one row: the cleanup workflow's state is
 * cleanup_workflow's row (here a referral), a technical workflow's is
 * technical_workflow's (the counts of workflows in error or paused leave
 * them out and say how many they left).
 */

-- Technical workflows (campmon.technical_workflow), workflows in error,
-- workflows paused (Adobe: a warning after 7 days), from xtkworkflow
-- (wf, already judged safe to read for sinternalname, istate, ifailed).
-- A workflow's last activity is the latest of its tsprocessing and
-- tslastmodified, those the table has.
CREATE OR REPLACE FUNCTION campmon._workflow_checks(wf regclass, ref timestamptz)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    act_cols text[];
    activity text;
    since text;
    problem text;
    src text;
BEGIN
    SELECT array_agg(c ORDER BY k) INTO act_cols
    FROM unnest('{tsprocessing,tslastmodified}'::text[]) WITH ORDINALITY u(c, k)
    WHERE campmon._has_column(wf, c);
    problem := campmon._unsafe_to_read(wf, act_cols);
    IF problem IS NOT NULL THEN
        RETURN QUERY SELECT 'technical_workflow', 'warning', wf::text, NULL::numeric, NULL::numeric,
            format('%s is not read: %s', wf, problem);
        RETURN;
    END IF;
    activity := CASE WHEN act_cols IS NULL THEN 'NULL::timestamptz'
                     ELSE format('greatest(%s)', (SELECT string_agg(format('o.%I::timestamptz', c), ', ') FROM unnest(act_cols) c)) END;
    since := CASE WHEN campmon._has_column(wf, 'tslastmodified') THEN 'o.tslastmodified::timestamptz' ELSE 'NULL::timestamptz' END;
    IF NOT campmon._has_column(wf, 'sinternalname') OR NOT campmon._has_column(wf, 'istate') THEN
        RETURN QUERY SELECT 'technical_workflow', 'warning', wf::text, NULL::numeric, NULL::numeric,
            format('%s lacks sinternalname or istate: the workflows cannot be checked', wf);
        RETURN;
    END IF;

    -- ifailed is optional: without it, no workflow counts as in error
    src := format('(SELECT o.sinternalname::text AS internal_name, o.istate::integer AS state, %s AS failed, %s AS activity, %s AS since FROM %s o)',
                  CASE WHEN campmon._has_column(wf, 'ifailed') THEN 'coalesce(o.ifailed, 0) <> 0' ELSE 'false' END,
                  activity, since, wf);

    -- one row per configured technical workflow
    RETURN QUERY EXECUTE replace($q$
    SELECT 'technical_workflow'::text,
           -- the cleanup's state is cleanup_workflow's fact: a referral here
           CASE WHEN t.internal_name = 'cleanup' THEN 'ok'
                WHEN w.internal_name IS NULL THEN CASE WHEN t.mid_sourcing_only THEN 'ok' ELSE 'warning' END
                WHEN w.failed OR w.state IN (0, 13, 20) THEN t.severity
                WHEN w.state = 11 AND w.activity IS NULL THEN 'warning'
                WHEN w.state = 11 AND $1 - w.activity > 2 * t.expected_period THEN t.severity
                WHEN w.state = 11 THEN 'ok'
                ELSE 'warning' END,
           $2 || ':' || t.internal_name,
           round((extract(epoch FROM $1 - w.activity) / 3600)::numeric, 1),
           round((extract(epoch FROM 2 * t.expected_period) / 3600)::numeric, 1),
           CASE WHEN t.internal_name = 'cleanup'
                THEN 'the Database cleanup workflow: see check cleanup_workflow, which reports its state'
                WHEN w.internal_name IS NULL AND t.mid_sourcing_only
                THEN format('%s is not installed in %s: it runs only on instances that use mid-sourcing', t.internal_name, $2)
                WHEN w.internal_name IS NULL
                THEN format('no workflow named %s in %s: is its package installed? (%s)', t.internal_name, $2, t.description)
                ELSE format('%s is %s%s; last activity %s (expected every %s; value and threshold in hours)',
                            t.internal_name,
                            coalesce((SELECT os.label FROM campmon.owner_state os WHERE os.owner_table = 'xtkworkflow'
                                      AND w.state BETWEEN os.state_from AND os.state_to ORDER BY os.state_from LIMIT 1),
                                     'in state ' || w.state),
                            CASE WHEN w.failed THEN ', in error: restart it once the error is fixed'
                                 WHEN w.state = 13 THEN ': resume it'
                                 WHEN w.state IN (0, 20) THEN ': start it'
                                 WHEN w.state = 11 AND $1 - w.activity > 2 * t.expected_period THEN ', but late'
                                 ELSE '' END,
                            CASE WHEN w.activity IS NULL THEN 'unknown (no tsprocessing or tslastmodified column)'
                                 ELSE format('%s ago (%s)', campmon._human(greatest($1 - w.activity, interval '0')),
                                             to_char(w.activity, 'YYYY-MM-DD HH24:MI')) END,
                            campmon._human(t.expected_period)) END
    FROM campmon.technical_workflow t
    LEFT JOIN LATERAL (SELECT * FROM @SRC@ x WHERE x.internal_name = t.internal_name LIMIT 1) w ON true
    ORDER BY t.internal_name$q$, '@SRC@', src) USING ref, wf::text;

    -- workflows in error ("restart all workflows in failed status"), the
    -- longest in error first; the technical ones (and the cleanup) are
    -- technical_workflow's and cleanup_workflow's rows, counted apart
    RETURN QUERY EXECUTE replace($q$
    WITH x AS (
        SELECT format('%s%s', f.internal_name,
                      CASE WHEN f.since IS NOT NULL THEN ' since ' || to_char(f.since, 'YYYY-MM-DD') ELSE '' END) AS label,
               row_number() OVER (ORDER BY f.since NULLS LAST, f.internal_name) AS rank
        FROM @SRC@ f
        WHERE f.failed AND f.internal_name <> 'cleanup'
          AND NOT EXISTS (SELECT FROM campmon.technical_workflow tw WHERE tw.internal_name = f.internal_name)
    ),
    technical AS (
        SELECT count(*) AS n FROM @SRC@ f
        WHERE f.failed AND (f.internal_name = 'cleanup'
                            OR EXISTS (SELECT FROM campmon.technical_workflow tw WHERE tw.internal_name = f.internal_name))
    )
    SELECT 'workflows_failed'::text, CASE WHEN count(x.*) > 0 THEN 'warning' ELSE 'ok' END, $2,
           count(x.*)::numeric, 0::numeric,
           CASE WHEN count(x.*) = 0 THEN format('no workflow of %s is in error', $2)
                ELSE format('%s of %s %s in error: %s%s; fix and restart %s (their work tables stay until then)',
                            campmon._count(count(x.*), 'workflow'), $2, CASE WHEN count(x.*) = 1 THEN 'is' ELSE 'are' END,
                            string_agg(x.label, ', ' ORDER BY x.rank) FILTER (WHERE x.rank <= 5),
                            CASE WHEN count(x.*) > 5 THEN format(' and %s more', count(x.*) - 5) ELSE '' END,
                            CASE WHEN count(x.*) = 1 THEN 'it' ELSE 'them' END) END
           || (SELECT CASE WHEN t.n > 0 THEN format(' (besides %s in error: see technical_workflow and cleanup_workflow)',
                                                    campmon._count(t.n, 'technical workflow'))
                           ELSE '' END FROM technical t)
    FROM x$q$, '@SRC@', src) USING ref, wf::text;

    -- paused workflows: their work tables are never purged; Adobe warns
    -- after 7 days, and cleanupPausedWorkflows stops them after a month
    RETURN QUERY EXECUTE replace($q$
    SELECT 'workflows_paused'::text,
           CASE WHEN p.since IS NULL OR $1 - p.since > interval '7 days' THEN 'warning' ELSE 'ok' END,
           $2 || ':' || p.internal_name,
           round((extract(epoch FROM $1 - p.since) / 86400)::numeric, 1), 7::numeric,
           CASE WHEN p.since IS NULL THEN format('%s is paused, since when is unknown (no tslastmodified column)', p.internal_name)
                ELSE format('%s is paused since %s (%s%s; value and threshold in days)%s', p.internal_name,
                            to_char(p.since, 'YYYY-MM-DD HH24:MI'), campmon._human(greatest($1 - p.since, interval '0')),
                            CASE WHEN p.failed THEN ', in error' ELSE '' END,
                            CASE WHEN $1 - p.since > interval '30 days'
                                 THEN ': over a month, cleanupPausedWorkflows should have stopped it; its work tables stay until it is resumed or stopped'
                                 WHEN $1 - p.since > interval '7 days'
                                 THEN ': its work tables stay until it is resumed or stopped'
                                 ELSE '' END) END
    FROM @SRC@ p
    -- a paused technical workflow (or the cleanup) is technical_workflow's
    -- (cleanup_workflow's) row
    WHERE p.state = 13 AND p.internal_name <> 'cleanup'
      AND NOT EXISTS (SELECT FROM campmon.technical_workflow tw WHERE tw.internal_name = p.internal_name)
    ORDER BY p.since NULLS FIRST, p.internal_name$q$, '@SRC@', src) USING ref, wf::text;
END $fn$;

REVOKE ALL ON FUNCTION campmon._workflow_checks(regclass,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._workflow_checks(regclass,timestamptz) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_workflows()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    ref timestamptz := campmon._reference_time();
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() WHERE wf IS NOT NULL LOOP
        BEGIN
            RETURN QUERY SELECT * FROM campmon._workflow_checks(c.wf, ref);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'technical_workflow', 'warning', c.wf::text, NULL::numeric, NULL::numeric,
                format('cannot read the workflows of %s: %s', c.wf, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_workflows() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_workflows() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('technical_workflow', 'workflows',
    'Each technical workflow of campmon.technical_workflow (tracking, deliveryMgt, mid-sourcing...): paused, stopped, in error, or without activity for twice its expected period; the cleanup workflow is cleanup_workflow''s',
    'the row''s severity (warning or critical) when paused, stopped, in error or late; warning when missing (ok when mid-sourcing only and absent); ok when running',
    '{campmon.technical_workflow}',
    'Adobe, "Technical workflows" (keep them running without errors) and "Monitoring workflow execution"',
    'Open the workflow, read its journal, fix the failing task, restart it',
    'campmon._check_workflows', 30);
SELECT campmon._register_check('workflows_failed', 'workflows',
    'Workflows in error other than the technical ones (those are technical_workflow''s rows): their work tables stay until they are restarted or stopped',
    'warning when any is in error; ok otherwise',
    NULL,
    'Adobe, "Monitoring workflow execution" and "Workflow best practices" (restart the workflows in failed status)',
    'Fix and restart or stop the workflows in error',
    'campmon._check_workflows', 31);
SELECT campmon._register_check('workflows_paused', 'workflows',
    'Each paused workflow other than the technical ones: its work tables are never purged while it stays paused',
    'warning when paused for more than 7 days (or since an unknown date); ok before',
    NULL,
    'Adobe, "Monitoring workflow execution" (paused workflows; cleanupPausedWorkflows stops them after a month)',
    'Ask the owners to resume or stop their paused workflows',
    'campmon._check_workflows', 32);
