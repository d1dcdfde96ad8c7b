/*
 * checks/workflow_options.sql -- workflow_options: workflows with a
 * property Adobe says must never be set in production ("Workflow best
 * practices": keep the interim results between executions, log the SQL
 * queries in the journal).  The properties are data
 * (campmon.workflow_option): a column of xtkworkflow when the table has it,
 * else the attribute in the workflow's XML (mdata).  One row per property;
 * none when the table holds neither.
 */

CREATE OR REPLACE FUNCTION campmon._workflow_option_rows(wf regclass)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    w campmon.workflow_option;
    test text;
    problem text;
    n bigint;
    names text;
    templates text := CASE WHEN campmon._has_column(wf, 'iismodel') THEN ' AND coalesce(o.iismodel, 0) = 0' ELSE '' END;
BEGIN
    FOR w IN SELECT * FROM campmon.workflow_option ORDER BY attribute LOOP
        IF w.column_name IS NOT NULL AND campmon._has_column(wf, w.column_name) THEN
            test := format('coalesce(o.%I::integer, 0) <> 0', w.column_name);
            problem := campmon._unsafe_to_read(wf, ARRAY[w.column_name, 'sinternalname', 'istate']);
        ELSIF campmon._has_column(wf, 'mdata') THEN
            -- the attribute with the value true (or 1), as Campaign writes it
            test := 'o.mdata::text ~ $1';
            problem := campmon._unsafe_to_read(wf, ARRAY['mdata', 'sinternalname', 'istate']);
        ELSE
            CONTINUE;
        END IF;
        IF problem IS NOT NULL THEN
            RETURN QUERY SELECT 'workflow_options'::text, 'warning'::text, w.attribute, NULL::numeric, NULL::numeric,
                format('%s is not read: %s', wf, problem);
            CONTINUE;
        END IF;
        EXECUTE format($q$SELECT count(*), string_agg(x.label, ', ' ORDER BY x.k) FILTER (WHERE x.k <= 5)
                          FROM (SELECT format('%%s (%%s)', o.sinternalname,
                                              coalesce((SELECT os.label FROM campmon.owner_state os WHERE os.owner_table = 'xtkworkflow'
                                                        AND o.istate BETWEEN os.state_from AND os.state_to ORDER BY os.state_from LIMIT 1),
                                                       'state ' || o.istate)) AS label,
                                       row_number() OVER (ORDER BY o.sinternalname) AS k
                                FROM %s o WHERE %s%s) x$q$, wf, test, templates)
            INTO n, names
            USING format('[[:space:]]%s="(true|1)"', w.attribute);
        RETURN QUERY SELECT 'workflow_options'::text, CASE WHEN n > 0 THEN 'warning' ELSE 'ok' END, w.attribute,
            n::numeric, 0::numeric,
            CASE WHEN n = 0 THEN format('no workflow of %s has "%s" set', wf, w.label)
                 ELSE format('%s workflows of %s have "%s" set: %s%s; %s', n, wf, w.label, names,
                             CASE WHEN n > 5 THEN format(' and %s more', n - 5) ELSE '' END, w.advice) END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._workflow_option_rows(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._workflow_option_rows(regclass) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_workflow_options()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() WHERE wf IS NOT NULL LOOP
        BEGIN
            RETURN QUERY SELECT * FROM campmon._workflow_option_rows(c.wf);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'workflow_options'::text, 'warning'::text, c.wf::text, NULL::numeric, NULL::numeric,
                format('cannot read the workflows'' properties in %s: %s', c.wf, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_workflow_options() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_workflow_options() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('workflow_options', 'workflows',
    'Workflows with a property not meant for production (campmon.workflow_option: keep the interim results between executions, log the SQL queries), read in xtkworkflow''s column or the workflow''s XML (mdata); templates left out',
    'warning when any workflow has it; ok otherwise; no row when xtkworkflow holds neither the column nor mdata',
    '{campmon.workflow_option}',
    'Adobe, "Workflow best practices" (Logs: the option to keep interim results "must never be checked in a production workflow"; SQL logging for development only)',
    'Clear the property in the workflow''s properties (General tab: keep interim results; Execution tab: log SQL queries)',
    'campmon._check_workflow_options', 33);
