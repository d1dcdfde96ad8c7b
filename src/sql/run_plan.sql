/*
 * run_plan.sql -- running a plan: start_plan() hands it to a background
 * worker that executes the steps at top level (plan_worker.c), run_plan
 * waits for it, cancel_run() stops it.  Every step is recorded
 * (runs.sql, history.sql).
 */

CREATE OR REPLACE FUNCTION campmon.start_plan(
    dry_run boolean DEFAULT true,
    families text[] DEFAULT NULL,
    actions text[] DEFAULT NULL,
    min_gain_bytes bigint DEFAULT 0,
    max_steps integer DEFAULT NULL,
    include_suspect boolean DEFAULT false,
    allow_blocking boolean DEFAULT false,
    lock_timeout interval DEFAULT NULL,
    statement_timeout interval DEFAULT NULL,
    time_budget interval DEFAULT NULL,
    targets regclass[] DEFAULT NULL,
    window_end timestamptz DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'campmon_start_plan'
LANGUAGE C CALLED ON NULL INPUT VOLATILE;

COMMENT ON FUNCTION campmon.start_plan(boolean, text[], text[], bigint, integer, boolean, boolean, interval, interval, interval, regclass[], timestamptz) IS
'Start running the maintenance plan in a background worker (dry run unless dry_run => false); returns the run id at once';

REVOKE ALL ON FUNCTION campmon.start_plan(boolean,text[],text[],bigint,integer,boolean,boolean,interval,interval,interval,regclass[],timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.start_plan(boolean,text[],text[],bigint,integer,boolean,boolean,interval,interval,interval,regclass[],timestamptz) TO campmon_admin;

-- run_plan returns once the worker has let the run lock go, not only once
-- the run's status is final (an immediate next run was sometimes refused).
CREATE OR REPLACE PROCEDURE campmon.run_plan(
    dry_run boolean DEFAULT true,
    families text[] DEFAULT NULL,
    actions text[] DEFAULT NULL,
    min_gain_bytes bigint DEFAULT 0,
    max_steps integer DEFAULT NULL,
    include_suspect boolean DEFAULT false,
    allow_blocking boolean DEFAULT false,
    lock_timeout interval DEFAULT NULL,
    statement_timeout interval DEFAULT NULL,
    time_budget interval DEFAULT NULL,
    targets regclass[] DEFAULT NULL,
    window_end timestamptz DEFAULT NULL,
    INOUT run_id bigint DEFAULT NULL,
    INOUT summary text DEFAULT NULL)
LANGUAGE plpgsql
AS $proc$
DECLARE
    st text;
    failed bigint;
    wpid integer;
    k integer;
BEGIN
    run_id := campmon.start_plan(dry_run, families, actions, min_gain_bytes, max_steps,
                                 include_suspect, allow_blocking, lock_timeout,
                                 statement_timeout, time_budget, targets, window_end);
    LOOP
        COMMIT;
        SELECT r.status, r.summary, r.worker_pid INTO st, summary, wpid FROM campmon.run r
        WHERE r.run_id OPERATOR(pg_catalog.=) run_plan.run_id;
        EXIT WHEN st OPERATOR(pg_catalog.<>) 'running' AND st OPERATOR(pg_catalog.<>) 'cancelling';
        -- a worker that died (an error, a crash of its own) cannot finish the
        -- run: say so rather than wait for ever (a pg_cron job would hang);
        -- _run_worker_gone marks it only when no worker holds the run lock
        IF wpid IS NOT NULL AND NOT EXISTS (SELECT FROM pg_catalog.pg_stat_activity a
                                            WHERE a.pid OPERATOR(pg_catalog.=) wpid) THEN
            PERFORM pg_catalog.pg_sleep(0.2);
            COMMIT;
            IF campmon._run_worker_gone(run_id) THEN
                COMMIT;
                RAISE EXCEPTION 'campmon run %: its background worker stopped before the run finished', run_id
                    USING ERRCODE = 'triggered_action_exception',
                          HINT = 'See the server log; the run and its unfinished steps are marked interrupted in campmon.history.';
            END IF;
            CONTINUE;
        END IF;
        PERFORM pg_catalog.pg_sleep(0.1);
    END LOOP;
    -- the worker writes the final status, then lets the run lock go: wait
    -- for that (a few ms; 5 s at most), so that a run started right after
    -- this one returns is not refused as "another campmon run is in progress"
    SELECT r.worker_pid INTO wpid FROM campmon.run r WHERE r.run_id OPERATOR(pg_catalog.=) run_plan.run_id;
    FOR k IN 1..500 LOOP
        EXIT WHEN NOT EXISTS (SELECT FROM pg_catalog.pg_locks l
                              WHERE l.pid OPERATOR(pg_catalog.=) wpid
                                AND l.locktype OPERATOR(pg_catalog.=) 'advisory'
                                AND l.database OPERATOR(pg_catalog.=) (SELECT d.oid FROM pg_catalog.pg_database d
                                                                       WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()));
        PERFORM pg_catalog.pg_sleep(0.01);
    END LOOP;
    SELECT pg_catalog.count(*) INTO failed FROM campmon.run_step s
    WHERE s.run_id OPERATOR(pg_catalog.=) run_plan.run_id AND s.outcome OPERATOR(pg_catalog.=) 'failed';
    IF failed OPERATOR(pg_catalog.>) 0 THEN
        RAISE EXCEPTION 'campmon run %: % failed', run_id, campmon._count(failed, 'step')
            USING ERRCODE = 'triggered_action_exception', DETAIL = summary,
                  HINT = pg_catalog.format('SELECT step, command, error FROM campmon.history WHERE run_id = %s AND outcome = ''failed'';', run_id);
    END IF;
    RAISE NOTICE 'campmon run %: %', run_id, summary;
END
$proc$;

COMMENT ON PROCEDURE campmon.run_plan(boolean, text[], text[], bigint, integer, boolean, boolean, interval, interval, interval, regclass[], timestamptz, bigint, text) IS
'Run the maintenance plan (dry run unless dry_run => false) and wait for it; returns run id and summary';

REVOKE ALL ON PROCEDURE campmon.run_plan(boolean,text[],text[],bigint,integer,boolean,boolean,interval,interval,interval,regclass[],timestamptz,bigint,text) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE campmon.run_plan(boolean,text[],text[],bigint,integer,boolean,boolean,interval,interval,interval,regclass[],timestamptz,bigint,text) TO campmon_admin;

-- the history's own writer (run_history.c): marks the run interrupted when
-- its worker is gone (no worker holds the run lock); run_plan calls it.  Its
-- SQL runs with pg_catalog's operators, never the caller's search_path (an
-- evil.=(bigint,bigint) in front of it sprang in hostile's trap test when a
-- worker ended between run_plan's status read and its pid check)
CREATE OR REPLACE FUNCTION campmon._run_worker_gone(run_id bigint) RETURNS boolean
AS 'MODULE_PATHNAME', 'campmon_run_worker_gone'
LANGUAGE C STRICT VOLATILE
SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION campmon._run_worker_gone(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._run_worker_gone(bigint) TO campmon_admin;

CREATE OR REPLACE FUNCTION campmon.cancel_run(run_id bigint) RETURNS boolean
AS 'MODULE_PATHNAME', 'campmon_cancel_run'
LANGUAGE C STRICT VOLATILE;

COMMENT ON FUNCTION campmon.cancel_run(bigint) IS 'Stop a running plan, between or inside steps';

REVOKE ALL ON FUNCTION campmon.cancel_run(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.cancel_run(bigint) TO campmon_admin;
