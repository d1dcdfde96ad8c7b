/*
 * checks/workflows.sql -- Campaign's technical workflows (the ones
 * campmon.technical_workflow lists for the roles of this instance:
 * campmon.instance_roles; paused, stopped, in error or late) and the other
 * workflows in error or paused (their work tables are never purged; Adobe's
 * periods from NmsServer_PausedWorkflowPeriod).  One fact, one row: the
 * cleanup workflow's state is cleanup_workflow's row (here a referral), a
 * technical workflow's is technical_workflow's (the counts of workflows in
 * error or paused leave them out and say how many they left).
 */

-- The workflows of xtkworkflow (wf, already judged safe to read) as a
-- subquery: internal name, state, in error, last activity (the latest of
-- tsprocessing and tslastmodified, those the table has), since (its
-- tslastmodified), technical (a row of campmon.technical_workflow names it).
-- NULL with a problem when the table cannot be used.
CREATE OR REPLACE FUNCTION campmon._workflow_source(wf regclass, OUT src text, OUT problem text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    act_cols text[];
BEGIN
    SELECT array_agg(c ORDER BY k) INTO act_cols
    FROM unnest('{tsprocessing,tslastmodified}'::text[]) WITH ORDINALITY u(c, k)
    WHERE campmon._has_column(wf, c);
    problem := campmon._unsafe_to_read(wf, act_cols);
    IF problem IS NULL AND (NOT campmon._has_column(wf, 'sinternalname') OR NOT campmon._has_column(wf, 'istate')) THEN
        problem := format('%s lacks sinternalname or istate: the workflows cannot be checked', wf);
    ELSIF problem IS NOT NULL THEN
        problem := format('%s is not read: %s', wf, problem);
    END IF;
    IF problem IS NOT NULL THEN
        RETURN;
    END IF;
    -- ifailed is optional: without it, no workflow counts as in error
    src := format($q$(SELECT o.sinternalname::text AS internal_name, o.istate::integer AS state, %s AS failed,
                             %s AS activity, %s AS since,
                             EXISTS (SELECT FROM campmon.technical_workflow tw
                                     WHERE tw.internal_name = o.sinternalname
                                        OR (tw.name_is_prefix AND left(o.sinternalname, length(tw.internal_name)) = tw.internal_name)) AS technical
                      FROM %s o)$q$,
                  CASE WHEN campmon._has_column(wf, 'ifailed') THEN 'coalesce(o.ifailed, 0) <> 0' ELSE 'false' END,
                  CASE WHEN act_cols IS NULL THEN 'NULL::timestamptz'
                       ELSE format('greatest(%s)', (SELECT string_agg(format('o.%I::timestamptz', c), ', ') FROM unnest(act_cols) c)) END,
                  CASE WHEN campmon._has_column(wf, 'tslastmodified') THEN 'o.tslastmodified::timestamptz' ELSE 'NULL::timestamptz' END,
                  wf);
END $fn$;

REVOKE ALL ON FUNCTION campmon._workflow_source(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._workflow_source(regclass) TO campmon_reader, pg_monitor;

-- One row per technical workflow this instance should run or has
-- installed: those of campmon.technical_workflow whose roles meet the
-- instance's (roles; hows: how each was found), and any other that is
-- installed; a prefix row (mcSynch_) gives a row per workflow it matches.
CREATE OR REPLACE FUNCTION campmon._technical_workflow_rows(src text, wf regclass, ref timestamptz, roles text[], hows text[])
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
BEGIN
    RETURN QUERY EXECUTE replace($q$
    WITH m AS (
        SELECT t.*, w.internal_name AS wname, w.state, w.failed, w.activity,
               t.roles IS NULL OR t.roles && $3 AS expected
        FROM campmon.technical_workflow t
        LEFT JOIN LATERAL (SELECT * FROM @SRC@ x
                           WHERE x.internal_name = t.internal_name
                              OR (t.name_is_prefix AND left(x.internal_name, length(t.internal_name)) = t.internal_name)) w ON true
    )
    SELECT 'technical_workflow'::text,
           -- the cleanup's state is cleanup_workflow's fact: a referral here
           CASE WHEN m.internal_name = 'cleanup' THEN 'ok'
                WHEN m.wname IS NULL THEN CASE WHEN m.mid_sourcing_only THEN 'ok' ELSE 'warning' END
                WHEN m.failed OR m.state IN (0, 13, 20) THEN m.severity
                WHEN m.state = 11 AND m.activity IS NULL THEN 'warning'
                WHEN m.state = 11 AND $1 - m.activity > 2 * m.expected_period THEN m.severity
                WHEN m.state = 11 THEN 'ok'
                ELSE 'warning' END,
           $2 || ':' || coalesce(m.wname, m.internal_name || CASE WHEN m.name_is_prefix THEN '*' ELSE '' END),
           round((extract(epoch FROM $1 - m.activity) / 3600)::numeric, 1),
           round((extract(epoch FROM 2 * m.expected_period) / 3600)::numeric, 1),
           CASE WHEN m.internal_name = 'cleanup'
                THEN 'the Database cleanup workflow: see check cleanup_workflow, which reports its state'
                WHEN m.wname IS NULL AND m.mid_sourcing_only
                THEN format('%s is not installed in %s: it runs only on instances that use mid-sourcing', m.internal_name, $2)
                WHEN m.wname IS NULL
                THEN format('no workflow %s%s in %s, expected of %s: is its package installed? (%s)',
                            CASE WHEN m.name_is_prefix THEN 'whose name starts with ' ELSE 'named ' END, m.internal_name, $2,
                            CASE WHEN m.roles IS NULL THEN 'every instance'
                                 ELSE format('%s instances (%s)', array_to_string(m.roles, ' and '),
                                             (SELECT string_agg(format('%s %s', x.r, x.h), '; ' ORDER BY x.r)
                                              FROM unnest($3, $4) x(r, h) WHERE x.r = ANY (m.roles))) END,
                            m.description)
                ELSE format('%s is %s%s; last activity %s (expected every %s; value and threshold in hours)%s',
                            m.wname,
                            coalesce((SELECT os.label FROM campmon.owner_state os WHERE os.owner_table = 'xtkworkflow'
                                      AND m.state BETWEEN os.state_from AND os.state_to ORDER BY os.state_from LIMIT 1),
                                     'in state ' || m.state),
                            CASE WHEN m.failed THEN ', in error: restart it once the error is fixed'
                                 WHEN m.state = 13 THEN ': resume it'
                                 WHEN m.state IN (0, 20) THEN ': start it'
                                 WHEN m.state = 11 AND $1 - m.activity > 2 * m.expected_period THEN ', but late'
                                 ELSE '' END,
                            CASE WHEN m.activity IS NULL THEN 'unknown (no tsprocessing or tslastmodified column)'
                                 ELSE format('%s ago (%s)', campmon._human(greatest($1 - m.activity, interval '0')),
                                             to_char(m.activity, 'YYYY-MM-DD HH24:MI')) END,
                            campmon._human(m.expected_period),
                            CASE WHEN NOT m.expected THEN format('; installed, though this is no %s instance (%s)',
                                                                 array_to_string(m.roles, ' or '),
                                                                 (SELECT string_agg(format('%s %s', x.r, x.h), '; ' ORDER BY x.r)
                                                                  FROM unnest($3, $4) x(r, h))) ELSE '' END) END
    FROM m
    WHERE m.expected OR m.wname IS NOT NULL
    ORDER BY 3$q$, '@SRC@', src) USING ref, wf::text, roles, hows;
END $fn$;

REVOKE ALL ON FUNCTION campmon._technical_workflow_rows(text,regclass,timestamptz,text[],text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._technical_workflow_rows(text,regclass,timestamptz,text[],text[]) TO campmon_reader, pg_monitor;

-- Paused workflows other than the technical ones: their work tables are
-- never purged.  Adobe: a warning after one period of
-- NmsServer_PausedWorkflowPeriod (7 days by default), and
-- cleanupPausedWorkflows stops them after 4 notifications (a month).
CREATE OR REPLACE FUNCTION campmon._paused_workflow_rows(src text, ref timestamptz, period interval, period_how text)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
BEGIN
    RETURN QUERY EXECUTE replace($q$
    SELECT 'workflows_paused'::text,
           CASE WHEN p.since IS NULL OR $1 - p.since > $2 THEN 'warning' ELSE 'ok' END,
           p.internal_name,
           round((extract(epoch FROM $1 - p.since) / 86400)::numeric, 1),
           round((extract(epoch FROM $2) / 86400)::numeric, 1),
           CASE WHEN p.since IS NULL THEN format('%s is paused, since when is unknown (no tslastmodified column)', p.internal_name)
                ELSE format('%s is paused since %s (%s%s; value and threshold in days: %s)%s', p.internal_name,
                            to_char(p.since, 'YYYY-MM-DD HH24:MI'), campmon._human(greatest($1 - p.since, interval '0')),
                            CASE WHEN p.failed THEN ', in error' ELSE '' END, $3,
                            CASE WHEN $1 - p.since > 4 * $2
                                 THEN format(': over 4 periods (%s), cleanupPausedWorkflows should have stopped it; its work tables stay until it is resumed or stopped',
                                             campmon._human(4 * $2))
                                 WHEN $1 - p.since > $2
                                 THEN ': its work tables stay until it is resumed or stopped'
                                 ELSE '' END) END
    FROM @SRC@ p
    -- a paused technical workflow (or the cleanup) is technical_workflow's
    -- (cleanup_workflow's) row
    WHERE p.state = 13 AND p.internal_name <> 'cleanup' AND NOT p.technical
    ORDER BY p.since NULLS FIRST, p.internal_name$q$, '@SRC@', src) USING ref, period, period_how;
END $fn$;

REVOKE ALL ON FUNCTION campmon._paused_workflow_rows(text,timestamptz,interval,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._paused_workflow_rows(text,timestamptz,interval,text) TO campmon_reader, pg_monitor;

-- Technical workflows, workflows in error, workflows paused, of schema s
-- (wf: its xtkworkflow, already judged safe to read for sinternalname,
-- istate, ifailed; opt: its xtkoption or NULL).
CREATE OR REPLACE FUNCTION campmon._workflow_checks(s text, wf regclass, opt regclass, ref timestamptz)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    ws record;
    roles text[];
    hows text[];
    o record;
    period interval;
    period_how text;
BEGIN
    SELECT * INTO ws FROM campmon._workflow_source(wf);
    IF ws.problem IS NOT NULL THEN
        RETURN QUERY SELECT 'technical_workflow'::text, 'warning'::text, wf::text, NULL::numeric, NULL::numeric, ws.problem;
        RETURN;
    END IF;

    SELECT array_agg(r.role ORDER BY r.role), array_agg(r.how ORDER BY r.role)
    INTO roles, hows FROM campmon._instance_roles(s, wf, opt) r;
    RETURN QUERY SELECT * FROM campmon._technical_workflow_rows(ws.src, wf, ref, roles, hows);

    -- workflows in error ("restart all workflows in failed status"), the
    -- longest in error first; the technical ones (and the cleanup) are
    -- technical_workflow's and cleanup_workflow's rows, counted apart
    RETURN QUERY EXECUTE replace($q$
    WITH x AS (
        SELECT format('%s%s', f.internal_name,
                      CASE WHEN f.since IS NOT NULL THEN ' since ' || to_char(f.since, 'YYYY-MM-DD') ELSE '' END) AS label,
               row_number() OVER (ORDER BY f.since NULLS LAST, f.internal_name) AS rank
        FROM @SRC@ f
        WHERE f.failed AND f.internal_name <> 'cleanup' AND NOT f.technical
    ),
    technical AS (
        SELECT count(*) AS n FROM @SRC@ f WHERE f.failed AND (f.internal_name = 'cleanup' OR f.technical)
    )
    SELECT 'workflows_failed'::text, CASE WHEN count(x.*) > 0 THEN 'warning' ELSE 'ok' END, $1,
           count(x.*)::numeric, 0::numeric,
           CASE WHEN count(x.*) = 0 THEN format('no workflow of %s is in error', $1)
                ELSE format('%s of %s %s in error: %s%s; fix and restart %s (their work tables stay until then)',
                            campmon._count(count(x.*), 'workflow'), $1, CASE WHEN count(x.*) = 1 THEN 'is' ELSE 'are' END,
                            string_agg(x.label, ', ' ORDER BY x.rank) FILTER (WHERE x.rank <= 5),
                            CASE WHEN count(x.*) > 5 THEN format(' and %s more', count(x.*) - 5) ELSE '' END,
                            CASE WHEN count(x.*) = 1 THEN 'it' ELSE 'them' END) END
           || (SELECT CASE WHEN t.n > 0 THEN format(' (besides %s in error: see technical_workflow and cleanup_workflow)',
                                                    campmon._count(t.n, 'technical workflow'))
                           ELSE '' END FROM technical t)
    FROM x$q$, '@SRC@', ws.src) USING wf::text;

    -- Adobe's period for paused workflows: NmsServer_PausedWorkflowPeriod
    -- (days between checks), 7 days when absent or unreadable
    SELECT * INTO o FROM campmon._option(opt, 'NmsServer_PausedWorkflowPeriod');
    IF o.value ~ '^\s*[0-9]{1,5}\s*$' AND trim(o.value)::integer > 0 THEN
        period := make_interval(days => trim(o.value)::integer);
        period_how := format('NmsServer_PausedWorkflowPeriod = %s days, from %s', trim(o.value), o.source_column);
    ELSE
        IF o.found THEN
            RETURN QUERY SELECT 'campaign_option'::text, 'warning'::text, format('%s:NmsServer_PausedWorkflowPeriod', opt), NULL::numeric, NULL::numeric,
                format('option NmsServer_PausedWorkflowPeriod has a value that is not a number of days (%s, from %s): Adobe''s 7 days are assumed',
                       coalesce(o.value, 'empty'), coalesce(o.source_column, 'no value column'));
        END IF;
        period := interval '7 days';
        period_how := format('NmsServer_PausedWorkflowPeriod %s: Adobe''s 7 days', CASE WHEN o.found THEN 'unreadable' ELSE 'absent' END);
    END IF;
    -- targets in the form of the workflow rows: <workflow table>:<internal name>
    RETURN QUERY SELECT p.check_name, p.status, wf::text || ':' || p.target, p.value, p.threshold, p.message
                 FROM campmon._paused_workflow_rows(ws.src, ref, period, period_how) p;
END $fn$;

REVOKE ALL ON FUNCTION campmon._workflow_checks(text,regclass,regclass,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._workflow_checks(text,regclass,regclass,timestamptz) TO campmon_reader, pg_monitor;

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
            RETURN QUERY SELECT * FROM campmon._workflow_checks(c.schema_name, c.wf, c.opt, ref);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'technical_workflow', 'warning', c.wf::text, NULL::numeric, NULL::numeric,
                format('cannot read the workflows of %s: %s', c.wf, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_workflows() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_workflows() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('technical_workflow', 'workflows',
    'Each technical workflow of campmon.technical_workflow the instance should run for its roles (campmon.instance_roles: marketing, Message Center execution or control, mid-sourcing) or has installed: paused, stopped, in error, or without activity for twice its expected period; the cleanup workflow is cleanup_workflow''s',
    'the row''s severity (warning or critical) when paused, stopped, in error or late; warning when missing although the instance''s roles expect it (ok when mid-sourcing only and absent); ok when running; no row for a workflow of another role that is not installed',
    '{campmon.technical_workflow,campmon.instance_roles,campmon.instance_role_sign}',
    'Adobe, "Technical workflows" (each package''s workflows and periods), "Message Center (Execution)", "Message Center (Control)", "Mid-sourcing platform" and "Monitoring workflow execution"',
    'Open the workflow, read its journal, fix the failing task, restart it; install the package when a workflow of this instance''s role is missing',
    'campmon._check_workflows', 30);
SELECT campmon._register_check('workflows_failed', 'workflows',
    'Workflows in error other than the technical ones (those are technical_workflow''s rows): their work tables stay until they are restarted or stopped',
    'warning when any is in error; ok otherwise',
    NULL,
    'Adobe, "Monitoring workflow execution" and "Workflow best practices" (restart the workflows in failed status)',
    'Fix and restart or stop the workflows in error',
    'campmon._check_workflows', 31);
SELECT campmon._register_check('workflows_paused', 'workflows',
    'Each paused workflow other than the technical ones: its work tables are never purged while it stays paused; after 4 periods cleanupPausedWorkflows should have stopped it',
    'warning when paused for more than one period of NmsServer_PausedWorkflowPeriod (7 days when absent, said), or since an unknown date; ok before',
    NULL,
    'Adobe, "Monitoring workflow execution" (Handling of paused workflows: a warning after 7 days, a stop after 4 notifications, periods set by NmsServer_PausedWorkflowPeriod) and "Configuring Campaign options"',
    'Ask the owners to resume or stop their paused workflows',
    'campmon._check_workflows', 32);
