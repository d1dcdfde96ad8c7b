--
-- snapshots: campmon.snapshot() (content, bounds, retention, privileges),
-- the trend views against slopes computed by hand on fixed snapshot data,
-- the trend checks, campmon.report() (structure, escaping)
--
\set VERBOSITY terse
DELETE FROM campmon.snapshot_taken;
CREATE ROLE regress_snap_nobody;
CREATE ROLE regress_snap_reader IN ROLE campmon_reader, pg_stat_scan_tables;
-- a reader without pg_stat_scan_tables sees the figures of the tables it may read only
CREATE ROLE regress_snap_limited IN ROLE campmon_reader;
CREATE ROLE regress_snap_admin IN ROLE campmon_admin;

-- a family of our own in a schema of our own, a hostile name in it, an
-- unrelated small table (counted in 'other', no row of its own), two
-- xtknewid sequences (one past its wrap, in the negative range)
CREATE SCHEMA snap_s;
CREATE SCHEMA snap_t;
GRANT USAGE ON SCHEMA snap_s, snap_t TO campmon_reader;
INSERT INTO campmon.family (family, pattern, schema_name, priority) VALUES ('snaptest', '^snapfam_', 'snap_s', 1);
CREATE TABLE snap_s.snapfam_one (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
INSERT INTO snap_s.snapfam_one SELECT g, repeat('x', 100) FROM generate_series(1, 2000) g;
DELETE FROM snap_s.snapfam_one WHERE id % 2 = 0;
CREATE TABLE snap_s."snapfam_<script>alert(1)</script>""'é" (id int) WITH (autovacuum_enabled = false);
INSERT INTO snap_s."snapfam_<script>alert(1)</script>""'é" SELECT generate_series(1, 100);
CREATE TABLE snap_s.small_other (id int) WITH (autovacuum_enabled = false);
CREATE SEQUENCE snap_s.xtknewid;
SELECT setval('snap_s.xtknewid', 1000);
CREATE SEQUENCE snap_t.xtknewid MINVALUE -2147483648 CYCLE;
SELECT setval('snap_t.xtknewid', -2147483000);
ANALYZE snap_s.snapfam_one, snap_s."snapfam_<script>alert(1)</script>""'é", snap_s.small_other;
SET campmon.work_table_schemas = 'snap_s, snap_t';
-- campmon.tables lists what the caller may read: the admin that takes the
-- snapshots may read these
GRANT SELECT ON ALL TABLES IN SCHEMA snap_s TO regress_snap_admin;
GRANT SELECT ON ALL SEQUENCES IN SCHEMA snap_s, snap_t TO regress_snap_admin;

-- privileges: PUBLIC nothing, readers read, only admins take snapshots
SET ROLE regress_snap_nobody;
SELECT campmon.snapshot();
SELECT count(*) FROM campmon.snapshot_taken;
SELECT count(*) FROM campmon.relation_trends;
RESET ROLE;
SET ROLE regress_snap_reader;
SELECT campmon.snapshot();
SELECT count(*) FROM campmon.snapshot_taken;
DELETE FROM campmon.snapshot_taken;
RESET ROLE;
SET ROLE regress_snap_admin;
SELECT campmon.snapshot() > 0 AS taken;
RESET ROLE;
SET ROLE regress_snap_reader;
SELECT count(*) AS snapshots, bool_and(taken_by = 'regress_snap_admin') AS by_admin, bool_and(NOT synthetic) AS measured
FROM campmon.snapshot_taken;
RESET ROLE;

-- content: the family's tables and their indexes, sizes as the server says
SELECT r.kind, r.relation_name, r.table_name, r.family, r.tablespace,
       r.bytes = pg_relation_size(format('snap_s.%I', r.relation_name)) AS bytes_ok,
       r.total_bytes = CASE r.kind WHEN 'table' THEN pg_total_relation_size(format('snap_s.%I', r.relation_name))
                                   ELSE pg_relation_size(format('snap_s.%I', r.relation_name)) END AS total_ok,
       r.method, r.bloat_bytes IS NOT NULL AS has_bloat, r.dead_rows >= 0 OR r.kind = 'index' AS dead_rows_ok
FROM campmon.snapshot_relation r WHERE r.schema_name = 'snap_s' ORDER BY r.relation_name COLLATE "C";
-- the same figures as campmon.tables
SELECT r.bloat_bytes = t.bloat_bytes AND r.bloat_pct = t.bloat_pct AND r.method = t.method AS as_listing
FROM campmon.snapshot_relation r JOIN campmon.tables t ON t.relid = r.relid WHERE r.relation_name = 'snapfam_one';
-- catalogs kept, with their indexes; small unrelated tables not
SELECT count(*) FILTER (WHERE family = 'catalog' AND kind = 'table') > 50 AS catalogs,
       count(*) FILTER (WHERE family = 'catalog' AND kind = 'index') > 50 AS catalog_indexes,
       count(*) FILTER (WHERE relation_name = 'small_other') AS small_other
FROM campmon.snapshot_relation;
-- the snapshot sees every relation, whoever takes it
SELECT s.kept_relations = (SELECT count(*) FROM campmon.snapshot_relation) AS kept_counted,
       s.relations = (SELECT count(*) FROM campmon.tables) + (SELECT count(*) FROM campmon.indexes) AS relations_counted,
       s.total_bytes > 0 AS total_counted,
       s.tables_mode, s.indexes_mode, s.duration < interval '1 min' AS quick
FROM campmon.snapshot_taken s;
-- what a reader without pg_stat_scan_tables sees: the rows of the table it
-- may read (and its index), no totals, no check of another table
GRANT SELECT ON snap_s.snapfam_one TO regress_snap_limited;
SET ROLE regress_snap_limited;
SELECT kind, relation_name FROM campmon.snapshot_relation WHERE schema_name = 'snap_s' ORDER BY relation_name COLLATE "C";
SELECT count(*) AS groups_seen FROM campmon.snapshot_group;
SELECT count(*) AS other_tables_checks FROM campmon.snapshot_check WHERE target_relid IS NOT NULL AND target_relid <> 'snap_s.snapfam_one'::regclass
  AND target_relid NOT IN (SELECT oid FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace);   -- the catalogs: every role may read them
SELECT count(*) = (SELECT count(*) FROM campmon.snapshot_sequence) AS sequences_seen FROM campmon.snapshot_sequence;
SELECT campmon.relation_last_write('snap_s.small_other');
SELECT campmon.relation_last_write('snap_s.snapfam_one') IS NOT NULL AS own_last_write;
SELECT count(*) AS files_seen FROM campmon._relation_files(ARRAY['snap_s.snapfam_one'::regclass::oid, 'snap_s.small_other'::regclass, 'snap_s.snapfam_one_pkey'::regclass]);
RESET ROLE;
-- nobody but snapshot() writes a snapshot
SET ROLE regress_snap_admin;
INSERT INTO campmon.snapshot_taken (taken_at) VALUES (now());
DELETE FROM campmon.snapshot_taken;
RESET ROLE;
-- totals: the family's, the tables without a row (small_other among them),
-- the work tables by verdict as campmon.stale_tables says
SELECT g.grouping, g.name, g.tablespace, g.relations,
       g.total_bytes = (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
                        WHERE c.relnamespace = 'snap_s'::regnamespace AND c.relkind = 'r' AND c.relname LIKE 'snapfam\_%') AS total_ok
FROM campmon.snapshot_group g WHERE g.grouping = 'family' AND g.name = 'snaptest';
SELECT relations >= 1 AS has_other FROM campmon.snapshot_group WHERE grouping = 'other';
SELECT name, relations, total_bytes FROM campmon.snapshot_group WHERE grouping = 'work_tables' ORDER BY name;
-- every check row (the trend checks had no snapshot yet when it was taken)
SELECT count(*) AS checks_missing FROM (
    SELECT check_name, coalesce(target, ''), status FROM campmon.checks
    WHERE check_name NOT IN ('bloat_growth', 'tablespace_filling', 'key_sequence_wrap')
    EXCEPT SELECT check_name, target, status FROM campmon.snapshot_check) x;
SELECT count(*) AS checks_extra FROM (
    SELECT check_name, target, status FROM campmon.snapshot_check
    EXCEPT SELECT check_name, coalesce(target, ''), status FROM campmon.checks) x;
-- xtknewid: used out of 2^31, the negative range counted after the wrap
SELECT sequence_name, last_value, used, wrap_at FROM campmon.snapshot_sequence ORDER BY 1;
-- the tablespace under the database
SELECT tablespace, total_bytes > 0 AND available_bytes <= total_bytes AND free_bytes <= total_bytes AS sane
FROM campmon.snapshot_tablespace;
-- one snapshot: no trend, said so
SELECT relation_name, points, bytes_per_day, bloat_pct_per_day, days_to_critical, days_to_full, note
FROM campmon.relation_trends WHERE schema_name = 'snap_s' AND kind = 'table' ORDER BY relation_name COLLATE "C";
SELECT check_name, target, status, message FROM campmon.checks
WHERE check_name IN ('bloat_growth', 'tablespace_filling', 'key_sequence_wrap') ORDER BY 1, 2;

-- bounded: at most campmon.snapshot_max_relations rows, catalogs first
SET campmon.snapshot_max_relations = 40;
SELECT campmon.snapshot() AS bounded \gset
SELECT count(*) <= 40 AS bounded, bool_and(family = 'catalog') AS catalogs_first
FROM campmon.snapshot_relation WHERE snapshot_id = :bounded;
RESET campmon.snapshot_max_relations;
-- a size floor keeps a large table of no family
SET campmon.snapshot_min_size = '8kB';
SELECT campmon.snapshot() AS floor \gset
SELECT count(*) AS small_other_kept_when_empty FROM campmon.snapshot_relation WHERE snapshot_id = :floor AND relation_name = 'small_other';
INSERT INTO snap_s.small_other SELECT generate_series(1, 1000);
SELECT campmon.snapshot() AS floor \gset
SELECT count(*) AS small_other_kept FROM campmon.snapshot_relation WHERE snapshot_id = :floor AND relation_name = 'small_other';
RESET campmon.snapshot_min_size;

-- retention: snapshot() prunes what is older, rows and all
INSERT INTO campmon.snapshot_taken (taken_at, synthetic) VALUES (now() - interval '100 days', true), (now() - interval '80 days', true);
INSERT INTO campmon.snapshot_group SELECT snapshot_id, 'other', 'old', '', 1, 1 FROM campmon.snapshot_taken WHERE taken_at < now() - interval '50 days';
SET campmon.snapshot_retention = 0;
SELECT campmon.snapshot() IS NOT NULL AS kept_all;
SELECT count(*) AS old FROM campmon.snapshot_taken WHERE taken_at < now() - interval '50 days';
RESET campmon.snapshot_retention;
SHOW campmon.snapshot_retention;
SELECT campmon.snapshot() IS NOT NULL AS pruned;
SELECT round(extract(epoch FROM now() - taken_at) / 86400) AS old_days FROM campmon.snapshot_taken WHERE taken_at < now() - interval '50 days';
SELECT count(*) AS old_groups FROM campmon.snapshot_group WHERE name = 'old';
SET campmon.snapshot_retention = '30d';
SELECT campmon.snapshot() IS NOT NULL AS pruned;
SELECT count(*) AS old FROM campmon.snapshot_taken WHERE taken_at < now() - interval '29 days';
RESET campmon.snapshot_retention;
SET campmon.snapshot_retention = -1;

--
-- trends on fixed data: four snapshots a day apart; x = days from the
-- latest (-3, -2, -1, 0), slopes by least squares: sum((x - 1.5 mean) *
-- (y - mean)) / sum((x - mean)^2), with sum((x - mean)^2) = 5
--
DELETE FROM campmon.snapshot_taken;
SELECT count(*) AS empty_trends FROM campmon.relation_trends;
SELECT count(*) AS empty_checks FROM campmon.checks WHERE check_name IN ('bloat_growth', 'tablespace_filling', 'key_sequence_wrap');
INSERT INTO campmon.snapshot_taken (snapshot_id, taken_at, synthetic, total_bytes)
SELECT 900 + d, timestamptz '2026-01-01 00:00+00' + d * interval '1 day', true, (ARRAY[100000, 100000, 97000, 97000])[d + 1]
FROM generate_series(0, 3) d;
-- nmsbroadlogfx: bytes 1000 1100 1300 1400 (mean 1200; sum of products
-- 1.5*200 + 0.5*100 + 0.5*100 + 1.5*200 = 700): 140 a day; total bytes
-- twice that: 280; bloat 100 200 300 400: 100 a day; bloat_pct 10 20 30
-- 40: 10 points a day, critical (60) in (60 - 40) / 10 = 2.0 days; full
-- in 28000 available / 280 = 100.0 days
INSERT INTO campmon.snapshot_relation (snapshot_id, relid, kind, schema_name, relation_name, table_name, family, tablespace,
                                       bytes, total_bytes, bloat_bytes, bloat_pct, method)
SELECT 900 + d, 99001, 'table', 'fx', 'nmsbroadlogfx', 'nmsbroadlogfx', 'broadlog', 'pg_default',
       (ARRAY[1000, 1100, 1300, 1400])[d + 1], 2 * (ARRAY[1000, 1100, 1300, 1400])[d + 1], 100 * (d + 1), 10 * (d + 1), 'stats'
FROM generate_series(0, 3) d;
-- nmsbroadlogfy: 80 75 72 70 % (mean 74.25: -1.5*5.75 - 0.5*0.75 + 0.5*-2.25
-- + 1.5*-4.25 = -16.5, / 5 = -3.3 a day), past critical: 0 days; total bytes
-- 6000 6000 3500 3500 (-1000 a day: never full)
INSERT INTO campmon.snapshot_relation (snapshot_id, relid, kind, schema_name, relation_name, table_name, family, tablespace,
                                       bytes, total_bytes, bloat_bytes, bloat_pct, method)
SELECT 900 + d, 99002, 'table', 'fx', 'nmsbroadlogfy', 'nmsbroadlogfy', 'broadlog', 'pg_default',
       1000, (ARRAY[6000, 6000, 3500, 3500])[d + 1], 700, (ARRAY[80, 75, 72, 70])[d + 1], 'stats'
FROM generate_series(0, 3) d;
-- an index seen in the last two snapshots only: no trend; a hostile name
INSERT INTO campmon.snapshot_relation (snapshot_id, relid, kind, schema_name, relation_name, table_name, family, tablespace,
                                       bytes, total_bytes, bloat_bytes, bloat_pct, method)
SELECT 900 + d, 99003, 'index', 'fx', '<script>alert("x")</script>''é', 'nmsbroadlogfx', 'broadlog', 'pg_default',
       500, 500, 50 * d, 10 * d, 'stats'
FROM generate_series(2, 3) d;
-- family broadlog: 10000 bytes, bloat 1000 .. 4000: 10 points a day again
INSERT INTO campmon.snapshot_group (snapshot_id, grouping, name, tablespace, relations, total_bytes, bloat_bytes, dead_rows)
SELECT 900 + d, 'family', 'broadlog', 'pg_default', 2, 10000, 1000 * (d + 1), 5 FROM generate_series(0, 3) d;
INSERT INTO campmon.snapshot_group (snapshot_id, grouping, name, tablespace, relations, total_bytes)
SELECT 900 + d, 'work_tables', v, '', (ARRAY[9, 9, 4, 4])[d + 1], (ARRAY[900, 900, 400, 400])[d + 1]
FROM generate_series(0, 3) d, unnest(ARRAY['stale', 'held']) v;
-- available 31000 30000 29000 28000: -1000 a day, full in 28.0 days
INSERT INTO campmon.snapshot_tablespace SELECT 900 + d, 'pg_default', 100000, 40000, 31000 - 1000 * d FROM generate_series(0, 3) d;
-- fx.xtknewid 100,000 a day: (2^31 - 1,300,000) / 100,000 = 21461.8 days;
-- fy.xtknewid the same rate, 483,648 before the wrap: 4.8 days
INSERT INTO campmon.snapshot_sequence SELECT 900 + d, 'fx.xtknewid', 1000000 + 100000 * d, 1000000 + 100000 * d FROM generate_series(0, 3) d;
INSERT INTO campmon.snapshot_sequence SELECT 900 + d, 'fy.xtknewid', 2146700000 + 100000 * d, 2146700000 + 100000 * d FROM generate_series(0, 3) d;
-- a check ok, warning, critical, critical; another warning, ok, warning, warning
INSERT INTO campmon.snapshot_check SELECT 900 + d, timestamptz '2026-01-01 00:00+00' + d * interval '1 day', 'cleanup_last_run', 'x', (ARRAY['ok', 'warning', 'critical', 'critical'])[d + 1], d, 1
FROM generate_series(0, 3) d;
INSERT INTO campmon.snapshot_check SELECT 900 + d, timestamptz '2026-01-01 00:00+00' + d * interval '1 day', 'stale_work_tables', 'y', (ARRAY['warning', 'ok', 'warning', 'warning'])[d + 1], d, 1
FROM generate_series(0, 3) d;
-- a run between the second and the third snapshot: history says 2000
-- bytes back (5000 -> 3000), the snapshots 2500 on its target (6000 ->
-- 3500), 1000 of work tables (500 in each verdict), 3000 in all
INSERT INTO campmon.run (run_id, dry_run, status, started_at, finished_at)
VALUES (9001, false, 'done', '2026-01-02 02:00+00', '2026-01-02 03:00+00');
INSERT INTO campmon.run_step (run_id, step, action, target, target_relid, outcome, size_before, size_after)
VALUES (9001, 1, 'VACUUM FULL', 'fx.nmsbroadlogfy', 99002, 'done', 5000, 3000),
       (9001, 2, 'VACUUM', 'fx.nmsbroadlogfx', 99001, 'failed', NULL, NULL);
-- a second run, between the third and the fourth snapshot, rebuilt the
-- index with the hostile name: REINDEX CONCURRENTLY gave it a new OID (99993)
-- under its old name, and run_effects finds its snapshot rows by that name
INSERT INTO campmon.run (run_id, dry_run, status, started_at, finished_at)
VALUES (9002, false, 'done', '2026-01-03 02:00+00', '2026-01-03 03:00+00');
INSERT INTO campmon.run_step (run_id, step, action, target, target_relid, outcome, size_before, size_after)
VALUES (9002, 1, 'REINDEX INDEX CONCURRENTLY', format('%I.%I', 'fx', '<script>alert("x")</script>''é'), 99993, 'done', 500, 300);

SET ROLE regress_snap_reader;
SELECT schema_name, relation_name, kind, family, points, first_at, last_at, bytes, total_bytes, bloat_bytes, bloat_pct,
       bytes_per_day, total_bytes_per_day, bloat_bytes_per_day, bloat_pct_per_day, days_to_critical, days_to_full, note
FROM campmon.relation_trends ORDER BY relation_name COLLATE "C";
SELECT * FROM campmon.family_trends;
SELECT * FROM campmon.tablespace_trends;
SELECT * FROM campmon.sequence_trends ORDER BY 1;
SELECT * FROM campmon.check_timeline ORDER BY 1;
SELECT * FROM campmon.run_gains WHERE run_id = 9001;
-- relation by relation: the history's sizes, the snapshots' size and bloat
-- before and after (the failed step is not there)
SELECT * FROM campmon.run_effects WHERE run_id >= 9001 ORDER BY run_id, target;
-- a reader without pg_stat_scan_tables and no SELECT on them: none of them
SET ROLE regress_snap_limited;
SELECT count(*) AS run_effects_limited FROM campmon.run_effects WHERE run_id >= 9001;
RESET ROLE;

-- the trend checks (an alert floor of 0 so that bytes this small count)
SET campmon.bloat_alert_min_size = 0;
SET campmon.work_table_schemas = 'fx';
SELECT check_name, status, target, value, threshold, message FROM campmon.checks
WHERE check_name IN ('bloat_growth', 'tablespace_filling', 'key_sequence_wrap') ORDER BY 1, 3;
RESET campmon.bloat_alert_min_size;
SELECT check_name, status, target, message FROM campmon.checks WHERE check_name = 'bloat_growth' ORDER BY 3;
-- key_sequence says the snapshots' rate (100,000 a day) once they have one
CREATE SCHEMA fx;
CREATE SEQUENCE fx.xtknewid;
CREATE TABLE fx.xtkoption (sname text, sstringvalue text);   -- a Campaign schema to campmon.checks
SELECT setval('fx.xtknewid', 1300000) IS NOT NULL AS set;
SELECT status, substring(message from '90%\)[^;]*; (.*) \(found by') AS rate FROM campmon.checks WHERE check_name = 'key_sequence';
SET campmon.trend_full_critical_days = 30;
SET campmon.trend_wrap_critical_days = 1;
SELECT check_name, status, target FROM campmon.checks WHERE check_name IN ('tablespace_filling', 'key_sequence_wrap') ORDER BY 1, 3;
RESET campmon.trend_full_critical_days;
RESET campmon.trend_wrap_critical_days;
-- a window of 36 hours holds two snapshots: no trend, every check ok
SET campmon.trend_window = '36h';
SELECT relation_name, points, bytes_per_day, days_to_critical, note FROM campmon.relation_trends ORDER BY relation_name COLLATE "C";
SELECT check_name, status, target FROM campmon.checks WHERE check_name IN ('bloat_growth', 'tablespace_filling', 'key_sequence_wrap') ORDER BY 1, 3;
SELECT status, substring(message from '90%\)[^;]*; (.*) \(found by') AS rate FROM campmon.checks WHERE check_name = 'key_sequence';
RESET campmon.trend_window;
RESET campmon.work_table_schemas;
DROP SCHEMA fx CASCADE;

-- the report: its sections, every name escaped, no script
SET ROLE regress_snap_reader;
SELECT campmon.report() AS html \gset
RESET ROLE;
SELECT :'html' LIKE '<!DOCTYPE html>%' AS doctype,
       :'html' LIKE '%id="chart-family-bloat"%' AS family_chart,
       :'html' LIKE '%id="chart-work-tables"%' AS work_chart,
       :'html' LIKE '%id="reclaimable"%' AS reclaimable,
       :'html' LIKE '%id="chart-checks"%' AS checks_chart,
       :'html' LIKE '%id="forecasts"%' AS forecasts,
       :'html' LIKE '%id="runs"%' AS runs,
       :'html' ~ '<table id="run-effects">.*<tr data-run="9002"><td class="n">9002</td><td>fx.&quot;&lt;script&gt;alert\(&quot;&quot;x&quot;&quot;\)&lt;/script&gt;&#39;é&quot;</td>.*<td class="n">20% \(100 bytes\) → 30% \(150 bytes\)</td></tr><tr data-run="9001"><td class="n">9001</td><td>fx.nmsbroadlogfy</td><td>VACUUM FULL</td><td class="n">5000 bytes → 3000 bytes</td>' AS run_effects,
       :'html' LIKE '%id="plan"%' AS plan,
       :'html' LIKE '%id="synthetic-warning"%' AS synthetic_said,
       -- (quote_ident's quotes, then the HTML entities)
       :'html' LIKE '%&quot;&lt;script&gt;alert(&quot;&quot;x&quot;&quot;)&lt;/script&gt;&#39;é&quot;%' AS hostile_escaped,
       position('<script' IN :'html') AS script_tags,
       (length(:'html') - length(replace(:'html', 'class="series"', ''))) / length('class="series"') AS series;
SELECT campmon.report(0);
DELETE FROM campmon.snapshot_taken;
SELECT campmon.report() LIKE '%id="no-snapshot"%' AS no_snapshot_said;

-- a trend needs time as well as points: five snapshots two minutes apart,
-- the tablespace losing 1 GB between each, make no daily rate (once
-- "-1209 GB a day: full in 0.1 days", critical); with a day between, they do
INSERT INTO campmon.snapshot_taken (snapshot_id, taken_at, synthetic)
SELECT 950 + d, timestamptz '2026-02-01 00:00+00' + d * interval '2 min', true FROM generate_series(0, 4) d;
INSERT INTO campmon.snapshot_tablespace SELECT 950 + d, 'pg_default', 100e9, 50e9, 5e9 - 1e9 * d FROM generate_series(0, 4) d;
SELECT points, available_bytes_per_day, days_to_full, note FROM campmon.tablespace_trends;
SELECT status, message FROM campmon.checks WHERE check_name = 'tablespace_filling';
UPDATE campmon.snapshot_taken SET taken_at = timestamptz '2026-02-01 00:00+00' + (snapshot_id - 950) * interval '1 day' WHERE snapshot_id >= 950;
SELECT points, available_bytes_per_day, days_to_full, note FROM campmon.tablespace_trends;
SELECT status FROM campmon.checks WHERE check_name = 'tablespace_filling';
DELETE FROM campmon.snapshot_taken WHERE snapshot_id >= 950;

-- clean up
DELETE FROM campmon.run WHERE run_id IN (9001, 9002);
DELETE FROM campmon.family WHERE family = 'snaptest';
DROP SCHEMA snap_s, snap_t CASCADE;
DROP ROLE regress_snap_limited;
DROP ROLE regress_snap_nobody, regress_snap_reader, regress_snap_admin;
