/*
 * history.sql -- campmon.history: every step of every run, with what it
 * gave back.
 */

-- Two gains, never confused: released_bytes is what the files gave back to
-- the file system (size before minus size after: a DROP, a REINDEX, a
-- rewrite; about 0 for a VACUUM, which keeps the file); reusable_bytes is
-- the space a step made reusable inside the files -- for a VACUUM the dead
-- bytes the plan measured, in the proportion of dead rows PostgreSQL's
-- statistics say it removed (dead_rows_after: those it could not remove
-- yet, held by an old snapshot), for the other steps what they released.
CREATE OR REPLACE VIEW campmon.history AS
SELECT s.run_id, r.run_by, r.dry_run, r.status AS run_status, s.step, s.action, s.target, s.family,
       s.command, s.outcome, s.error, s.reason, s.lock_level, s.expected_gain_bytes,
       s.size_before, s.size_after,
       CASE WHEN s.size_before IS NOT NULL AND s.size_after IS NOT NULL
            THEN s.size_before - s.size_after END AS released_bytes,
       CASE WHEN s.outcome <> 'done' THEN 0
            WHEN s.action IN ('VACUUM', 'VACUUM (FREEZE)') THEN
                CASE WHEN s.dead_rows_before > 0 AND s.dead_rows_after IS NOT NULL
                     THEN round(coalesce(s.expected_gain_bytes, 0)
                                * least(greatest(s.dead_rows_before - s.dead_rows_after, 0)::numeric / s.dead_rows_before, 1))::bigint
                     WHEN s.dead_rows_before = 0 THEN 0 END
            WHEN s.size_before IS NOT NULL AND s.size_after IS NOT NULL
            THEN greatest(s.size_before - s.size_after, 0) END AS reusable_bytes,
       s.dead_rows_before, s.dead_rows_after,
       s.started_at, s.finished_at, s.finished_at - s.started_at AS duration,
       s.output,
       -- on a live database (run_gate.c): the plan's estimate, the WAL the
       -- step wrote, the rule that deferred or skipped it, how long and why
       -- it waited, how many times it asked for its lock
       s.estimated_seconds, s.wal_bytes, s.rule, s.waited, s.waited_for, s.attempts
FROM campmon.run_step s JOIN campmon.run r USING (run_id);

COMMENT ON VIEW campmon.history IS 'Every planned, executed or skipped step of campmon.run_plan, newest runs last';

REVOKE ALL ON campmon.history FROM PUBLIC;
GRANT SELECT ON campmon.history TO campmon_reader, pg_monitor;
