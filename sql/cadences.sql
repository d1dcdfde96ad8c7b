--
-- cadences: Adobe's maintenance cadences as data (campmon.maintenance_cadence),
-- read against the history (campmon.maintenance_due, the check
-- maintenance_overdue), the plan steps they add below the bloat thresholds
-- (a REINDEX CONCURRENTLY, a rewrite that is REPACK or, blocking allowed,
-- VACUUM FULL, else a keep row saying why), what an admin's cadence may
-- reach; and plan()'s estimates calibrated from the history
-- (campmon.step_rates).  The history is made up here (as its owner): runs
-- weeks old.
--
SET TimeZone = 'UTC';                     -- ages in days, whatever the daylight saving
SET campmon.tables_mode = 'exact';
SET campmon.indexes_mode = 'exact';
SET campmon.reindex_min_size = '8kB';     -- small test tables count

-- a delivery log (family broadlog: re-index every 14 days, rebuild every 30)
-- and a Message Center event table (message_center: weekly, monthly), neither
-- bloated enough for a threshold; a table of another role
CREATE TABLE nmsbroadlogcad (ibroadlogid int PRIMARY KEY, ideliveryid int, tslastmodified timestamptz) WITH (autovacuum_enabled = false);
INSERT INTO nmsbroadlogcad SELECT g, g % 50, '2026-01-01' FROM generate_series(1, 5000) g;
CREATE INDEX nmsbroadlogcad_delivery ON nmsbroadlogcad (ideliveryid);
CREATE TABLE nmsrteventcad (ieventid int PRIMARY KEY, istatus int) WITH (autovacuum_enabled = false);
INSERT INTO nmsrteventcad SELECT g, g % 3 FROM generate_series(1, 5000) g;
CREATE ROLE regress_cad_owner;
CREATE ROLE regress_cad_admin LOGIN IN ROLE campmon_admin;
CREATE TABLE cad_other (id int PRIMARY KEY) WITH (autovacuum_enabled = false);
INSERT INTO cad_other SELECT generate_series(1, 5000);
ALTER TABLE cad_other OWNER TO regress_cad_owner;
CREATE TABLE cad_own (id int PRIMARY KEY) WITH (autovacuum_enabled = false);
INSERT INTO cad_own SELECT generate_series(1, 5000);
ALTER TABLE cad_own OWNER TO regress_cad_admin;
ANALYZE nmsbroadlogcad, nmsrteventcad, cad_other, cad_own;

-- the seeds: each with its source
SELECT coalesce(family, table_pattern) AS tables, maintenance, every, left(source, 40) AS source
FROM campmon.maintenance_cadence WHERE seeded ORDER BY 1, 2;

BEGIN;
-- the history of the tests before this one (their runs' steps would
-- calibrate the estimates the reasons end with) set aside
DELETE FROM campmon.run;
-- campmon's history began 40 days ago (a run that vacuumed something else)
INSERT INTO campmon.run (run_id, dry_run, status, started_at, finished_at)
VALUES (-1, false, 'done', now() - interval '40 days', now() - interval '40 days');
INSERT INTO campmon.run_step (run_id, step, action, target, target_relid, outcome, started_at, finished_at, size_before)
VALUES (-1, 1, 'VACUUM', 'public.elsewhere', 0, 'done', now() - interval '40 days', now() - interval '40 days', 1);

-- nothing recorded for 40 days: everything due is overdue
SELECT table_name, maintenance, every, last_done IS NULL AS none_recorded, overdue, cardinality(due_indexes) AS due_indexes
FROM campmon.maintenance_due WHERE table_name LIKE '%cad%' ORDER BY 1, 2;
SELECT status, target, value, threshold, message FROM campmon.checks
WHERE check_name = 'maintenance_overdue' AND target LIKE '%cad%' ORDER BY target;

-- the plan: REINDEX of the overdue B-trees (below the thresholds: phase 5
-- would not), the rewrites as keep rows (no pg_repack here; the delivery
-- logs never get VACUUM FULL, the others only with allow_blocking)
SELECT action, target, reason
FROM campmon.plan(show_kept => true) WHERE target LIKE '%cad%' ORDER BY target, action;
SELECT action, target, lock_level, left(reason, 90) AS reason
FROM campmon.plan(allow_blocking => true) WHERE target LIKE '%cad%' ORDER BY target, action;

-- re-indexed 20 days ago: still overdue (every 14 days), said with the date;
-- the rebuild of the table 3 days ago re-indexed it too, and is recent
INSERT INTO campmon.run_step (run_id, step, action, target, target_relid, outcome, started_at, finished_at, size_before) VALUES
 (-1, 2, 'REINDEX INDEX CONCURRENTLY', 'public.nmsbroadlogcad_pkey', 1, 'done', now() - interval '20 days', now() - interval '20 days', 1),
 (-1, 3, 'REINDEX INDEX CONCURRENTLY', 'public.nmsbroadlogcad_delivery', 1, 'done', now() - interval '20 days', now() - interval '20 days', 1);
SELECT target, status, value, left(message, 100) AS message FROM campmon.checks
WHERE check_name = 'maintenance_overdue' AND target LIKE 'public.nmsbroadlogcad%' ORDER BY target;
INSERT INTO campmon.run_step (run_id, step, action, target, target_relid, outcome, started_at, finished_at, size_before)
VALUES (-1, 4, 'VACUUM (FULL)', 'public.nmsrteventcad', 'nmsrteventcad'::regclass, 'done', now() - interval '3 days', now() - interval '3 days', 1);
SELECT table_name, maintenance, overdue, last_how FROM campmon.maintenance_due WHERE table_name LIKE 'nms%cad' ORDER BY 1, 2;
SELECT count(*) AS steps_for_the_rebuilt_table FROM campmon.plan() WHERE target LIKE 'public.nmsrteventcad%';

-- a DBA's cadence: a lower priority wins; NULL switches a seed off
INSERT INTO campmon.maintenance_cadence (family, maintenance, every, priority, source)
VALUES ('broadlog', 'reindex', '30 days', 50, 'our team: monthly'), ('broadlog', 'rebuild', NULL, 50, 'rebuilt by hand');
SELECT table_name, maintenance, every, overdue, source FROM campmon.maintenance_due WHERE table_name = 'nmsbroadlogcad' ORDER BY 2;

-- an admin's cadence reaches only the tables whose owner's privileges it
-- has: its own table, not another role's (a superuser's run would do it)
SET ROLE regress_cad_admin;
INSERT INTO campmon.maintenance_cadence (table_pattern, maintenance, every, source, edited_by)
VALUES ('^cad_', 'vacuum', '1 day', 'admin''s wish', 'postgres');
SELECT edited_by FROM campmon.maintenance_cadence WHERE table_pattern = '^cad_';
RESET ROLE;
SELECT table_name, maintenance, overdue FROM campmon.maintenance_due WHERE table_name LIKE 'cad%' ORDER BY 1;
SELECT action, target FROM campmon.plan() WHERE target LIKE 'public.cad%' ORDER BY target;
-- a superuser's row reaches every table
UPDATE campmon.maintenance_cadence SET edited_by = current_user WHERE table_pattern = '^cad_';
SELECT table_name, maintenance, overdue FROM campmon.maintenance_due WHERE table_name LIKE 'cad%' ORDER BY 1;
ROLLBACK;

-- estimates: campmon's constants with no history of a kind; with three
-- steps or more, this server's rate (bytes of the target with TOAST and
-- indexes per second, and a fixed cost), the reason says which
CREATE TABLE cad_dead (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
INSERT INTO cad_dead SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g;
DELETE FROM cad_dead WHERE id % 2 = 0;
BEGIN;
DELETE FROM campmon.run;
SELECT action, estimated_seconds, right(reason, 40) AS basis FROM campmon.plan(targets => ARRAY['cad_dead'::regclass]);
INSERT INTO campmon.run (run_id, dry_run, status, started_at, finished_at, options)
VALUES (-2, false, 'done', now() - interval '1 day', now() - interval '1 day', '{"cost_delay_ms": 2}');
-- VACUUM: 1 s + 1 MB/s; a step that waited for its lock does not count
INSERT INTO campmon.run_step (run_id, step, action, target, outcome, started_at, finished_at, size_before, attempts)
SELECT -2, g, 'VACUUM', 'public.x' || g, 'done', now() - interval '1 day',
       now() - interval '1 day' + make_interval(secs => 1 + g), g * 1048576, 1
FROM generate_series(1, 4) g;
INSERT INTO campmon.run_step (run_id, step, action, target, outcome, started_at, finished_at, size_before, attempts)
VALUES (-2, 5, 'VACUUM', 'public.slow', 'done', now() - interval '1 day', now(), 1048576, 3);
SELECT action, steps, fixed_seconds, pg_size_pretty(bytes_per_second) AS rate, mean_abs_error_pct FROM campmon.step_rates;
SELECT action, estimated_seconds = round(1 + campmon._total_bytes('cad_dead'::regclass) / 1048576.0, 2) AS from_the_rate,
       right(reason, 70) AS basis
FROM campmon.plan(targets => ARRAY['cad_dead'::regclass]);
-- runs throttled otherwise (campmon.run_cost_delay) teach a VACUUM nothing
SET campmon.run_cost_delay = 0;
SELECT count(*) AS vacuum_rates_at_another_throttle FROM campmon.step_rates WHERE action = 'VACUUM';
SELECT action, right(reason, 40) AS basis FROM campmon.plan(targets => ARRAY['cad_dead'::regclass]);
RESET campmon.run_cost_delay;
ROLLBACK;

DROP TABLE nmsbroadlogcad, nmsrteventcad, cad_other, cad_own, cad_dead;
DROP ROLE regress_cad_owner, regress_cad_admin;
