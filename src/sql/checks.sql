/*
 * checks.sql -- campmon.checks: the alerts, one row per check and target
 * with a status (ok, warning, critical), a value and a message that says
 * what to do.  Check names and columns are stable: BI tools read them.
 *
 * The checks themselves live one file per check or small family of checks
 * under src/sql/checks/, each with a producer function campmon._check_<x>()
 * returning rows of campmon.checks and its rows in the registry
 * (campmon.check_definitions, check_registry.sql).  campmon.checks is the
 * registry's producers, called in their order: a list and a loop.
 */

-- A check's row in the registry (the check files call it as they are
-- installed or updated: the registry follows the code).
CREATE OR REPLACE FUNCTION campmon._register_check(check_name text, category text, watches text, statuses text,
                                                   settings text[], source text, advice text,
                                                   produced_by text, run_order integer)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
INSERT INTO campmon.check_definitions AS d
VALUES (check_name, category, watches, statuses, coalesce(settings, '{}'), source, advice, produced_by, run_order)
ON CONFLICT ON CONSTRAINT check_definitions_pkey DO UPDATE
SET category = EXCLUDED.category, watches = EXCLUDED.watches, statuses = EXCLUDED.statuses,
    settings = EXCLUDED.settings, source = EXCLUDED.source, advice = EXCLUDED.advice,
    produced_by = EXCLUDED.produced_by, run_order = EXCLUDED.run_order $$;

REVOKE ALL ON FUNCTION campmon._register_check(text,text,text,text,text[],text,text,text,integer) FROM PUBLIC;

-- Every producer of the registry, in its order.  A producer that fails (a
-- Campaign table of an unexpected shape, say) gives a check_failed row and
-- the others still answer; a cancel or a statement timeout still stops all.
CREATE OR REPLACE FUNCTION campmon._checks()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '2MB'
AS $fn$
DECLARE
    producer text;
BEGIN
    FOR producer IN SELECT d.produced_by FROM campmon.check_definitions d
                    GROUP BY d.produced_by ORDER BY min(d.run_order), d.produced_by LOOP
        BEGIN
            RETURN QUERY EXECUTE format('SELECT * FROM %s()', producer);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'check_failed'::text, 'warning'::text, 'function:' || producer, NULL::numeric, NULL::numeric,
                format('%s could not run: %s', producer, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._checks() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._checks() TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.checks AS
SELECT * FROM campmon._checks();

COMMENT ON VIEW campmon.checks IS
'Alert rows (check_name, status ok|warning|critical, target, value, threshold, message), one producer per check or family of checks as campmon.check_definitions lists them (doc/checks.md)';

REVOKE ALL ON campmon.checks FROM PUBLIC;
GRANT SELECT ON campmon.checks TO campmon_reader, pg_monitor;

SELECT campmon._register_check('check_failed', 'configuration',
    'A check that could not run at all (an error inside its producer): the other checks still answer',
    'warning when a producer failed; the row names it and the error',
    NULL, 'campmon itself',
    'Read the error: a Campaign table of an unexpected shape, a missing privilege; report it if it is campmon''s',
    'campmon._check_failed', 1000);

-- check_failed has no producer of its own (the loop writes it): an empty one
CREATE OR REPLACE FUNCTION campmon._check_failed()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT NULL::text, NULL::text, NULL::text, NULL::numeric, NULL::numeric, NULL::text WHERE false $$;

REVOKE ALL ON FUNCTION campmon._check_failed() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_failed() TO campmon_reader, pg_monitor;
