--
-- vacuum: what stops VACUUM (campmon.vacuum_blockers, the page sampler,
-- xmin_horizon), what a reader may see of another role's session, the
-- autovacuum thresholds as autovacuum computes them (reloptions, TOAST),
-- wraparound ages honouring a table's own freeze age.  A second session
-- (dblink) holds a REPEATABLE READ snapshot; the TAP test
-- t/014_vacuum_blockers.pl plays every other kind of blocker.
--
\set VERBOSITY terse
-- (vac.held's 500 dead rows are under the floor of a VACUUM: what holds the
-- horizon is the point here, not the floor)
SET campmon.vacuum_min_dead_rows = 0;
CREATE EXTENSION dblink;
CREATE ROLE regress_vac_bi LOGIN;
CREATE ROLE regress_vac_reader IN ROLE campmon_reader;              -- sees what PostgreSQL shows any role
CREATE ROLE regress_vac_stats IN ROLE campmon_reader, pg_monitor;   -- pg_read_all_stats: sees the rest
CREATE SCHEMA vac;
GRANT USAGE ON SCHEMA vac TO regress_vac_bi, campmon_reader;
CREATE TABLE vac.held (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
INSERT INTO vac.held SELECT g, repeat('x', 100) FROM generate_series(1, 2000) g;
VACUUM ANALYZE vac.held;
GRANT SELECT ON vac.held TO regress_vac_bi, regress_vac_reader;
SELECT pg_stat_force_next_flush();

-- nothing holds the horizon: no blocker, the check is ok, every dead row removable
SELECT count(*) AS blockers FROM campmon.vacuum_blockers;
SELECT status, target, value, message FROM campmon.checks WHERE check_name = 'xmin_horizon';
DELETE FROM vac.held WHERE id % 4 = 0;
SELECT pages_sampled = pages AS every_page, removable, not_removable FROM campmon._dead_rows_now('vac.held'::regclass);
SELECT campmon._horizon_blocks('vac.held'::regclass, 'VACUUM') AS blocks;

-- a BI session opens a REPEATABLE READ transaction, then rows are deleted
SELECT dblink_connect('bi', format('host=%s port=%s dbname=%s user=regress_vac_bi application_name=bi_tool',
                                   split_part(current_setting('unix_socket_directories'), ',', 1),
                                   current_setting('port'), current_database()));
SELECT dblink_exec('bi', 'BEGIN ISOLATION LEVEL REPEATABLE READ');
SELECT n FROM dblink('bi', 'SELECT count(*) FROM vac.held') AS t(n bigint);
DELETE FROM vac.held WHERE id % 4 = 1;
SELECT pg_stat_force_next_flush();
-- the blocker, as a superuser sees it
SELECT kind, holds, user_name, application_name, state, query, since IS NOT NULL AS since_known,
       age > interval '0' OR age = interval '0' AS age_known, age_basis, xid_age >= 1 AS has_age, sets_horizon,
       regexp_replace(advice, '\d+', '<n>', 'g') AS advice
FROM campmon.vacuum_blockers;
-- the dead rows deleted since its snapshot are not removable; the earlier ones are
SELECT removable, not_removable FROM campmon._dead_rows_now('vac.held'::regclass);
-- VACUUM leaves them: "dead but not yet removable", and says so
VACUUM vac.held;
SELECT pg_stat_force_next_flush();
SELECT dead_rows_left, dead_rows_in_reach >= 500 AS in_reach,
       regexp_replace(regexp_replace(dead_rows_note, '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d', '<time>', 'g'),
                      'up to \d+ dead rows in \d+ tables', 'up to <n> dead rows in <n> tables') AS dead_rows_note
FROM campmon.vacuum_blockers;
SELECT regexp_replace(campmon._horizon_blocks('vac.held'::regclass, 'VACUUM'), 'pid \d+|\d+ transactions old', '<n>', 'g') AS blocks;
SELECT regexp_replace(campmon._horizon_note('vac.held'::regclass, 500), 'pid \d+|\d+ transactions old', '<n>', 'g') AS note;
-- plan() keeps the VACUUM that cannot gain, naming the blocker (it looks
-- at blockers older than campmon.vacuum_blocker_min_age)
SET campmon.vacuum_blocker_min_age = 0;
SELECT action, regexp_replace(reason, 'pid \d+|\d+ transactions old|in a sample of \d+ pages \(\d+ read\)|\(\d+ dead rows .*$', '<n>', 'g') AS reason
FROM campmon.plan(show_kept => true, actions => ARRAY['VACUUM'], targets => ARRAY['vac.held'::regclass]);
RESET campmon.vacuum_blocker_min_age;
SELECT action FROM campmon.plan(show_kept => true, actions => ARRAY['VACUUM'], targets => ARRAY['vac.held'::regclass]) AS young_blocker;
-- REINDEX CONCURRENTLY would wait for it, once it is older than campmon.vacuum_blocker_min_age
SELECT campmon._horizon_blocks('vac.held_pkey'::regclass, 'REINDEX INDEX CONCURRENTLY') IS NULL AS young_enough;
SET campmon.vacuum_blocker_min_age = 0;
SELECT regexp_replace(campmon._horizon_blocks('vac.held_pkey'::regclass, 'REINDEX INDEX CONCURRENTLY'), 'pid \d+|\d+ transactions old', '<n>', 'g') AS blocks;
SELECT campmon._horizon_held() AS plan_looks;
RESET campmon.vacuum_blocker_min_age;
SELECT campmon._horizon_held() AS plan_looks_at_a_young_one;
-- the check: ok while young, warning past campmon.xmin_horizon_warning_age
SELECT status, value >= 1 AS has_value FROM campmon.checks WHERE check_name = 'xmin_horizon';
SET campmon.xmin_horizon_warning_age = 0;
SELECT status, regexp_replace(message, 'pid \d+|\(\d+\)|\d+ transactions|open since [0-9: -]+|\d+ (s|min)\M|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d|up to \d+ dead rows in \d+', '<n>', 'g') AS message
FROM campmon.checks WHERE check_name = 'xmin_horizon';
-- a reader without pg_read_all_stats: the session's query, state and times
-- stay hidden, as pg_stat_activity hides them; the check rests on the ages it sees
SET ROLE regress_vac_reader;
SELECT kind, user_name, application_name, state, query, since, age, age_basis, xid_age >= 1 AS has_age, client FROM campmon.vacuum_blockers;
SELECT status, message LIKE '%hidden from regress_vac_reader%' AS says_hidden, message LIKE '%SELECT count(*)%' AS shows_query
FROM campmon.checks WHERE check_name = 'xmin_horizon';
RESET ROLE;
SET ROLE regress_vac_stats;
SELECT state, query FROM campmon.vacuum_blockers;
RESET ROLE;
-- a snapshot keeps the horizon's kind and age; its check row is pg_read_all_stats'
SELECT campmon.snapshot() > 0 AS snapshot_taken;
SELECT horizon_kind, horizon_xid_age >= 1 AS has_age, blockers, next_xid > 0 AS counter, xid_age >= 0 AS xid_age
FROM campmon.snapshot_horizon;
SET ROLE regress_vac_reader;
SELECT count(*) AS horizon_rows_seen FROM campmon.snapshot_check WHERE check_name = 'xmin_horizon';
SELECT count(*) AS horizon_figures_seen FROM campmon.snapshot_horizon;
RESET ROLE;
SET ROLE regress_vac_stats;
SELECT status AS horizon_row_status FROM campmon.snapshot_check WHERE check_name = 'xmin_horizon';
RESET ROLE;
RESET campmon.xmin_horizon_warning_age;
-- the report's section says who holds it
SELECT r LIKE '%<h2>What stops VACUUM</h2><table id="blockers">%regress_vac_bi%' AS report_names_it FROM campmon.report() r;

-- the blocker goes: nothing holds the horizon, the dead rows are removable
SELECT dblink_exec('bi', 'COMMIT');
SELECT dblink_disconnect('bi');
SELECT count(*) AS blockers FROM campmon.vacuum_blockers;
SELECT removable > 0 AS removable, not_removable FROM campmon._dead_rows_now('vac.held'::regclass);
SELECT campmon._horizon_blocks('vac.held'::regclass, 'VACUUM') AS blocks;
SET campmon.vacuum_blocker_min_age = 0;
SELECT action FROM campmon.plan(show_kept => true, actions => ARRAY['VACUUM'], targets => ARRAY['vac.held'::regclass]);
RESET campmon.vacuum_blocker_min_age;
SELECT status FROM campmon.checks WHERE check_name = 'xmin_horizon';

-- autovacuum's thresholds, as autovacuum computes them: the global
-- settings, a table's reloptions, a TOAST table's toast.* ones
CREATE TABLE vac.av_off (id int, v text) WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false);
CREATE TABLE vac.av_high (id int) WITH (autovacuum_enabled = false, autovacuum_vacuum_threshold = 100000);
CREATE TABLE vac.av_stale (id int) WITH (autovacuum_enabled = false, autovacuum_analyze_threshold = 10, autovacuum_analyze_scale_factor = 0);
INSERT INTO vac.av_off SELECT g, CASE WHEN g <= 100 THEN (SELECT string_agg(md5(g::text || i), '') FROM generate_series(1, 200) i) END
FROM generate_series(1, 1000) g;                                    -- 100 values out of line, in its TOAST table
INSERT INTO vac.av_high SELECT generate_series(1, 1000);
INSERT INTO vac.av_stale SELECT generate_series(1, 25);
DELETE FROM vac.av_off WHERE id <= 600;
DELETE FROM vac.av_high WHERE id <= 600;
SELECT pg_stat_force_next_flush();
SET campmon.autovacuum_debt_min_age = 0;
SELECT regexp_replace(label, 'pg_toast_\d+', 'pg_toast_<n>') AS label, is_toast, enabled, dead, vacuum_threshold,
       disabled_with_dead_rows, in_debt, stale_statistics
FROM campmon.autovacuum_tables WHERE schema_name = 'vac' OR label LIKE 'vac.%' ORDER BY label;
-- the checks: a row for each of the 10 worst of a kind (other suites'
-- tables compete here: autovacuum_debt has two kinds), and the summary
SELECT check_name, count(*) FILTER (WHERE target NOT IN ('autovacuum', 'autovacuum workers', 'statistics'))
                   BETWEEN 1 AND CASE check_name WHEN 'autovacuum_debt' THEN 20 ELSE 10 END AS table_rows,
       bool_and(status = 'warning') FILTER (WHERE target NOT IN ('autovacuum', 'autovacuum workers', 'statistics')) AS warnings
FROM campmon.checks WHERE check_name IN ('autovacuum_debt', 'stale_statistics') GROUP BY 1 ORDER BY 1;
SELECT check_name, target, status FROM campmon.checks WHERE check_name IN ('autovacuum_debt', 'stale_statistics')
  AND target IN ('autovacuum', 'statistics') ORDER BY 1;
-- a reader that may not read a table does not see it
SET ROLE regress_vac_reader;
SELECT count(*) AS av_tables_seen FROM campmon.autovacuum_tables WHERE label LIKE 'vac.av%';
RESET ROLE;
RESET campmon.autovacuum_debt_min_age;

-- wraparound: a table's own freeze ages (and its TOAST table's) are its limits
CREATE TABLE vac.own_freeze (id int, v text)
    WITH (autovacuum_freeze_max_age = 100000, toast.autovacuum_freeze_max_age = 150000,
          autovacuum_multixact_freeze_max_age = 200000);
SELECT counter, regexp_replace(name, 'pg_toast_\d+', 'pg_toast_<n>') AS name, freeze_max_age, failsafe_age, stop_age, note IS NOT NULL AS has_note
FROM campmon._wraparound(100000) WHERE name LIKE 'vac.own_freeze%' ORDER BY counter DESC, name;
SELECT counter, count(*) = (SELECT count(*) FROM pg_database) AS every_database,
       bool_and(age >= 0 AND remaining = stop_age - age) AS figures
FROM campmon.wraparound WHERE scope = 'database' GROUP BY counter ORDER BY counter DESC;
SELECT check_name, status FROM campmon.checks WHERE check_name IN ('xid_wraparound', 'multixact_wraparound')
GROUP BY 1, 2 ORDER BY 1, 2;

-- the counters' readings: a slot's xmin dated between two snapshots, and
-- the pace that gives the days left (synthetic readings, two days apart)
DELETE FROM campmon.snapshot_taken;
INSERT INTO campmon.snapshot_taken (snapshot_id, taken_at, synthetic) VALUES
    (900001, now() - interval '2 days', true), (900002, now() - interval '1 day', true), (900003, now() - interval '1 hour', true);
INSERT INTO campmon.snapshot_horizon (snapshot_id, next_xid, next_mxid, blockers)
SELECT s.snapshot_id, x.next_xid, x.next_mxid, 0
FROM campmon.snapshot_taken s
JOIN (VALUES (900001, campmon._full_xid(txid_current()::text::xid) - 2000000, 4294966000),
             (900002, campmon._full_xid(txid_current()::text::xid) - 1000000, 4294966500),
             (900003, campmon._full_xid(txid_current()::text::xid) - 41667, 4294967000)) x(id, next_xid, next_mxid) ON x.id = s.snapshot_id;
-- a transaction 1.5 million transactions ago: between the first two readings
SELECT abs(extract(epoch FROM since - (now() - interval '36 hours'))) < 3600 AS dated, basis LIKE 'estimated from campmon''s snapshots: the transaction counter passed it between % and %' AS says_how
FROM campmon._xid_time(campmon._full_xid(txid_current()::text::xid) - 1500000);
-- older than every reading: unknown, and why
SELECT since, basis LIKE 'unknown: older than campmon''s oldest snapshot (%)' AS says_why
FROM campmon._xid_time(campmon._full_xid(txid_current()::text::xid) - 3000000);
-- about a million transactions a day; the multixact counter (32 bits) wrapped since the last reading
SELECT xids_per_day BETWEEN 990000 AND 1010000 AS xid_pace, mxids_per_day < 2000 AS mxid_pace_across_the_wrap, note
FROM campmon._counter_pace();
SELECT counter, days_left BETWEEN 2000 AND 2200 AS days_left_from_the_pace FROM campmon.wraparound
WHERE scope = 'database' AND name = current_database() AND counter = 'xid';
DELETE FROM campmon.snapshot_taken;

DROP SCHEMA vac CASCADE;
DROP EXTENSION dblink;
DROP ROLE regress_vac_bi, regress_vac_reader, regress_vac_stats;
DELETE FROM campmon.snapshot_taken;
