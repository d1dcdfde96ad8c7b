/*
 * runs.sql -- campmon's own state: one row per run of a plan and one per
 * step.  Written by campmon's own code only (run_history.c: the worker,
 * cancel_run, run_plan), as the extension's owner: no role is granted
 * INSERT or UPDATE, so nobody can mark a run done that is not, or record a
 * worker for cancel_run to signal.  Dumped with the database.
 *
 * A run's status: running, cancelling (cancel_run asked), then done (no
 * step failed), done_with_failures (some steps done, some failed), failed
 * (steps failed and none was done), cancelled, interrupted (its worker was
 * cut off: a crash, a restart, a terminated worker).
 */

CREATE TABLE campmon.run (
    run_id        bigserial PRIMARY KEY,
    run_by        text NOT NULL DEFAULT current_user,
    dry_run       boolean NOT NULL,
    status        text NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'cancelling', 'done', 'done_with_failures', 'failed', 'cancelled', 'interrupted')),
    worker_pid    integer,
    started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at   timestamptz,
    options       jsonb,
    summary       text
);

COMMENT ON TABLE campmon.run IS 'Runs of campmon.run_plan: who, when, how it ended';

SELECT pg_catalog.pg_extension_config_dump('campmon.run', '');

SELECT pg_catalog.pg_extension_config_dump('campmon.run_run_id_seq', '');

REVOKE ALL ON SEQUENCE campmon.run_run_id_seq FROM PUBLIC;

REVOKE ALL ON campmon.run FROM PUBLIC;
GRANT SELECT ON campmon.run TO campmon_reader, pg_monitor;

CREATE TABLE campmon.run_step (
    run_id               bigint NOT NULL REFERENCES campmon.run ON DELETE CASCADE,
    step                 integer NOT NULL,
    action               text NOT NULL,
    target               text,
    target_relid         oid,
    family               text,
    reason               text,
    command              text,
    lock_level           text,
    expected_gain_bytes  bigint,
    outcome              text NOT NULL DEFAULT 'pending'
                         CHECK (outcome IN ('pending', 'running', 'done', 'skipped', 'failed', 'cancelled', 'interrupted')),
    error                text,
    output               text,          -- a REPACK step: the tail of pg_repack's output
    started_at           timestamptz,
    finished_at          timestamptz,
    size_before          bigint,
    size_after           bigint,
    dead_rows_before     bigint,        -- PostgreSQL's count of dead rows when the step started
    dead_rows_after      bigint,        -- ... and when it ended: after a VACUUM, those not yet removable
    estimated_seconds    numeric,       -- plan()'s estimate of its duration
    wal_bytes            bigint,        -- WAL it wrote (a REPACK step: the server's, while it ran)
    rule                 text,          -- the window, collision or pacing rule that deferred or skipped it (run_gate.c)
    waited               interval,      -- how long it waited before it ran or was skipped (rules, lock retries)
    waited_for           text,          -- what it waited for, and why
    attempts             integer,       -- how many times it asked for its lock (lock_timeout, then retries)
    PRIMARY KEY (run_id, step)
);

COMMENT ON TABLE campmon.run_step IS 'Every step of every run of campmon.run_plan, with its outcome';

SELECT pg_catalog.pg_extension_config_dump('campmon.run_step', '');

REVOKE ALL ON campmon.run_step FROM PUBLIC;
GRANT SELECT ON campmon.run_step TO campmon_reader, pg_monitor;
