/*
 * history.sql -- campmon.history: every step of every run, with what it
 * gave back.
 */

CREATE OR REPLACE VIEW campmon.history AS
SELECT s.run_id, r.run_by, r.dry_run, r.status AS run_status, s.step, s.action, s.target, s.family,
       s.command, s.outcome, s.error, s.reason, s.lock_level, s.expected_gain_bytes,
       s.size_before, s.size_after,
       CASE WHEN s.size_before IS NOT NULL AND s.size_after IS NOT NULL
            THEN s.size_before - s.size_after END AS gained_bytes,
       s.started_at, s.finished_at, s.finished_at - s.started_at AS duration,
       s.output
FROM campmon.run_step s JOIN campmon.run r USING (run_id);

COMMENT ON VIEW campmon.history IS 'Every planned, executed or skipped step of campmon.run_plan, newest runs last';

REVOKE ALL ON campmon.history FROM PUBLIC;
GRANT SELECT ON campmon.history TO campmon_reader, pg_monitor;
