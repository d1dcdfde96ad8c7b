/*
 * runs.sql -- campmon's own state: one row per run of a plan and one per
 * step, written by the background worker (plan_worker.c).  Dumped with the
 * database.
 */

CREATE TABLE campmon.run (
    run_id        bigserial PRIMARY KEY,
    run_by        text NOT NULL DEFAULT current_user,
    dry_run       boolean NOT NULL,
    status        text NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'cancelling', 'done', 'cancelled', 'interrupted', 'failed')),
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
GRANT USAGE ON SEQUENCE campmon.run_run_id_seq TO campmon_admin;

REVOKE ALL ON campmon.run FROM PUBLIC;
GRANT INSERT, UPDATE ON campmon.run TO campmon_admin;
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
    PRIMARY KEY (run_id, step)
);

COMMENT ON TABLE campmon.run_step IS 'Every step of every run of campmon.run_plan, with its outcome';

SELECT pg_catalog.pg_extension_config_dump('campmon.run_step', '');

REVOKE ALL ON campmon.run_step FROM PUBLIC;
GRANT INSERT, UPDATE ON campmon.run_step TO campmon_admin;
GRANT SELECT ON campmon.run_step TO campmon_reader, pg_monitor;
