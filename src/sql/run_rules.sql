/*
 * run_rules.sql -- what the run's collision rules read from Campaign's own
 * tables (the rules themselves are C: run_collisions.c): whether the
 * Database cleanup workflow is at work.
 */

-- Per Campaign schema: the role that owns its workflow table (Campaign's
-- own role: its VACUUM or ANALYZE is the cleanup's statistics task; NULL
-- for a superuser, whom Campaign never connects as), and, when a task of
-- the workflow named cleanup started within the last day and has not
-- completed (xtkworkflowtask: iworkflowid, a start and a completion
-- column), what it is.  Campaign's tables are read only where that runs no
-- other role's code (campmon._unsafe_to_read); a table that cannot be read
-- says nothing (NULL).
CREATE OR REPLACE FUNCTION campmon._cleanup_at_work()
RETURNS TABLE (schema_name text, campaign_role oid, task_running text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    task regclass;
    done_col text;
    start_col text;
    n bigint;
    first_start timestamptz;
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() s WHERE s.wf_table IS NOT NULL LOOP
        schema_name := c.schema_name;
        campaign_role := (SELECT cl.relowner FROM pg_class cl JOIN pg_roles r ON r.oid = cl.relowner
                          WHERE cl.oid = c.wf_table AND NOT r.rolsuper);
        task_running := NULL;
        task := to_regclass(format('%I.xtkworkflowtask', c.schema_name));
        SELECT u.x INTO done_col FROM unnest('{tscompleted,tscompletion,tsend}'::text[]) WITH ORDINALITY u(x, k)
        WHERE campmon._has_column(task, u.x) ORDER BY u.k LIMIT 1;
        SELECT u.x INTO start_col FROM unnest('{tscreated,tsstart}'::text[]) WITH ORDINALITY u(x, k)
        WHERE campmon._has_column(task, u.x) ORDER BY u.k LIMIT 1;
        IF c.wf IS NOT NULL AND task IS NOT NULL AND done_col IS NOT NULL AND start_col IS NOT NULL
           AND campmon._has_column(task, 'iworkflowid') AND campmon._has_column(c.wf, 'iworkflowid')
           AND campmon._unsafe_to_read(task, ARRAY['iworkflowid', done_col, start_col]) IS NULL
           AND campmon._unsafe_to_read(c.wf, ARRAY['iworkflowid', 'sinternalname']) IS NULL
           AND has_table_privilege(task, 'SELECT') AND has_table_privilege(c.wf, 'SELECT') THEN
            EXECUTE format('SELECT count(*), min(t.%2$I::timestamptz) FROM %1$s t '
                           'WHERE t.%3$I IS NULL AND t.%2$I::timestamptz > now() - interval ''1 day'' '
                           'AND t.iworkflowid IN (SELECT w.iworkflowid FROM %4$s w WHERE w.sinternalname = ''cleanup'')',
                           task, start_col, done_col, c.wf)
                INTO n, first_start;
            IF n > 0 THEN
                task_running := format('%s task%s of workflow cleanup started %s ago and not completed (%s.%s is NULL)',
                                       n, CASE WHEN n = 1 THEN '' ELSE 's' END,
                                       campmon._human(now() - first_start), task, done_col);
            END IF;
        END IF;
        RETURN NEXT;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._cleanup_at_work() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._cleanup_at_work() TO campmon_reader, pg_monitor;
