/*
 * checks/sessions.sql -- session_backlog: sessions (xtksessioninfo) that
 * expired before the cleanup's last run, which it deletes; a backlog says
 * the cleanup's session task does not run.
 */

-- Sessions (xtksessioninfo) that expired before the cleanup's last run:
-- it deletes them (tsexpiration < now).
CREATE OR REPLACE FUNCTION campmon._session_backlog(s text, opt regclass, ref timestamptz)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    rel regclass := to_regclass(format('%I.xtksessioninfo', s));
    last_cleanup timestamptz := campmon._last_cleanup(opt);
    cutoff timestamptz;
    problem text;
    est record;
BEGIN
    IF rel IS NULL THEN
        RETURN;
    END IF;
    problem := coalesce(CASE WHEN NOT campmon._has_column(rel, 'tsexpiration') THEN format('%s has no column tsexpiration', rel) END,
                        campmon._unsafe_to_read(rel, ARRAY['tsexpiration']),
                        CASE WHEN NOT has_table_privilege(rel, 'SELECT') THEN format('%s may not be read by %s', rel, current_user) END);
    IF problem IS NOT NULL THEN
        RETURN QUERY SELECT 'session_backlog', 'warning', rel::text, NULL::numeric, NULL::numeric,
            format('%s is not read: %s', rel, problem);
        RETURN;
    END IF;
    cutoff := least(ref, coalesce(last_cleanup, ref));
    SELECT * INTO est FROM campmon._estimate_rows(rel, format('tsexpiration::timestamptz < %L', cutoff), 'tsexpiration');
    RETURN QUERY SELECT 'session_backlog', CASE WHEN est.estimate > 0 THEN 'warning' ELSE 'ok' END, rel::text, est.estimate, 0::numeric,
        format('%s expired before %s (%s)%s', campmon._count(est.estimate, 'session'),
               CASE WHEN last_cleanup IS NULL OR last_cleanup >= ref THEN 'now'
                    ELSE format('the cleanup''s last run (%s)', to_char(last_cleanup, 'YYYY-MM-DD HH24:MI')) END,
               est.how, CASE WHEN est.estimate > 0 THEN ': the cleanup deletes them (XtkSessionInfo, tsexpiration)' ELSE '' END);
END $fn$;

REVOKE ALL ON FUNCTION campmon._session_backlog(text,regclass,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._session_backlog(text,regclass,timestamptz) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_sessions()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    ref timestamptz := campmon._reference_time();
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        BEGIN
            RETURN QUERY SELECT * FROM campmon._session_backlog(c.schema_name, c.opt, ref);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'session_backlog', 'warning', format('%I.xtksessioninfo', c.schema_name), NULL::numeric, NULL::numeric,
                format('cannot check the sessions of schema %s: %s', c.schema_name, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_sessions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_sessions() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('session_backlog', 'cleanup',
    'Sessions (xtksessioninfo) that expired before the cleanup''s last run and are still there',
    'warning when any; ok otherwise',
    NULL, 'Adobe, "Database cleanup workflow" (sessions)',
    'The cleanup''s session purge is late: fix the cleanup',
    'campmon._check_sessions', 60);
