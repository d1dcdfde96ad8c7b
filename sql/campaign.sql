--
-- campaign: families, work-table verdicts and checks on the demo database
-- (loaded by the demo test), plus names that look like work tables
--
SET campmon.tables_mode = 'exact';              -- repeatable figures in checks
SET campmon.reference_time = '2026-11-20 03:00:00';   -- the demo's "now"

-- families are data: seeded rules, and every table of the demo has one
SELECT family, count(*) AS rules, bool_and(seeded) AS seeded FROM campmon.family GROUP BY 1 ORDER BY 1;
SELECT family, count(*) AS tables FROM campmon.tables WHERE schema_name = 'public' GROUP BY 1 ORDER BY 1;
SELECT table_name, family FROM campmon.tables
WHERE table_name IN ('nmsbroadlogrcp', 'nmstrackinglogrcp', 'nmsdelivery', 'xtkworkflow', 'xtkjoblog',
                     'nmsaddress', 'nmsrecipient', 'xtkoption', 'pg_class', 'pg_attribute', 'wkf_backup_20260115')
ORDER BY 1;
SELECT DISTINCT family FROM campmon.indexes WHERE table_name IN ('nmsbroadlogrcp', 'pg_class') ORDER BY 1;

-- every demo work table with its verdict, by the case the demo built it
-- for (its comment; owner ids masked, states kept)
SELECT regexp_replace(obj_description(relid, 'pg_class'), ' [0-9]+$', ' <id>') AS demo_case,
       rule, verdict, count(*) AS tables
FROM campmon.stale_tables GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

-- one reason per rule and verdict (ids and ages masked)
SELECT DISTINCT ON (rule, verdict) rule, verdict,
       regexp_replace(regexp_replace(regexp_replace(reason, 'since [0-9-]+ [0-9:]+', 'since <date>'),
                      '[0-9]{3,}', '<id>', 'g'), 'written( for)? [0-9a-z ]+?(:| ago)', 'written\1 <age>\2') AS reason
FROM campmon.stale_tables ORDER BY rule, verdict, relid;

-- owner state code and label, total size, last write
SELECT table_name, owner_table, owner_id, owner_state, owner_state_label, verdict,
       total_bytes = pg_total_relation_size(relid) AS total_bytes_ok,
       last_write BETWEEN now() - interval '1 day' AND now() AS last_write_ok
FROM campmon.stale_tables
WHERE table_name IN (SELECT min(table_name) FROM campmon.stale_tables GROUP BY rule, verdict)
ORDER BY table_name;

-- relation_last_write: files' newest modification, NULL for a view
SELECT campmon.relation_last_write('nmsdelivery') BETWEEN now() - interval '1 day' AND now() AS table_written,
       campmon.relation_last_write('campmon.stale_tables') IS NULL AS view_has_none;

-- no owner rule: judged by age (campmon.stale_min_age)
SELECT table_name, verdict FROM campmon.stale_tables WHERE rule IS NULL ORDER BY 1;
SET campmon.stale_min_age = 0;
SELECT table_name, verdict, reason LIKE 'no owner rule applies; not written for %' AS reason_ok
FROM campmon.stale_tables WHERE rule IS NULL ORDER BY 1;
RESET campmon.stale_min_age;

-- names that look like work tables but are not, or not ours: never stale by accident
CREATE TABLE wkf_abc (id int);
CREATE TABLE "wkf99999999999999999999_1" (id int);
CREATE TABLE "WKF24038_1_1" (id int);                 -- upper case: Campaign's names are lower case
CREATE TABLE "wkf24038_7_1; DROP TABLE nmsdelivery" (id int);
CREATE SCHEMA other;
CREATE TABLE other.wkf24038_1_1 (id int);             -- workflow 24038 is finished, but wrong schema
CREATE VIEW wkf24038_8_1 AS SELECT 1 AS x;            -- the cleanup drops views too
SELECT table_name, table_kind, rule, owner_id, verdict
FROM campmon.stale_tables
WHERE table_name IN ('wkf_abc', 'wkf99999999999999999999_1', 'WKF24038_1_1', 'wkf24038_7_1; DROP TABLE nmsdelivery', 'wkf24038_8_1')
   OR schema_name = 'other'
ORDER BY 1;
SELECT count(*) AS upper_case_or_other_schema FROM campmon.stale_tables
WHERE table_name = 'WKF24038_1_1' OR schema_name = 'other';
-- listed once the DBA names the schema: no owner table there, so judged by age
SET campmon.work_table_schemas = 'public, other';
SELECT schema_name, table_name, rule, verdict FROM campmon.stale_tables WHERE schema_name = 'other';
RESET campmon.work_table_schemas;

-- a Campaign schema whose xtkworkflow lacks a column: its rule is skipped,
-- tables judged by age, a warning row in campmon.checks, no error
CREATE SCHEMA camp2;
CREATE TABLE camp2.xtkworkflow (iworkflowid int PRIMARY KEY, sinternalname text, ifailed smallint);
INSERT INTO camp2.xtkworkflow VALUES (1, 'cleanup', 0), (2, 'w2', 0);
CREATE TABLE camp2.wkf1_1_1 (id int);
CREATE TABLE camp2.wkf3_1_1 (id int);
SET campmon.work_table_schemas = 'camp2';
SELECT table_name, rule, verdict FROM campmon.stale_tables ORDER BY 1;
SELECT check_name, status, target, message FROM campmon.checks WHERE check_name IN ('campaign_schema', 'cleanup_workflow');
-- a database (here: a schema) without any Campaign table: empty, working views
CREATE SCHEMA nothing;
SET campmon.work_table_schemas = 'nothing';
SELECT count(*) AS stale_rows FROM campmon.stale_tables;
SELECT count(*) AS check_rows FROM campmon.checks;
RESET campmon.work_table_schemas;
-- a schema whose name needs quotes is named with them, as in search_path
CREATE SCHEMA "Camp Data";
CREATE TABLE "Camp Data".wkf5_1_1 (id int);
SET campmon.work_table_schemas = '"Camp Data", nothing';
SELECT campmon._work_table_schemas();
SELECT schema_name, table_name, verdict FROM campmon.stale_tables;
SET campmon.work_table_schemas = '"Camp Data';
SET campmon.work_table_schemas = 'public,,other';
-- SET's list form loses the quotes (extensions' settings cannot keep them)
SET campmon.work_table_schemas = "Camp Data", nothing;
RESET campmon.work_table_schemas;
DROP SCHEMA "Camp Data" CASCADE;

-- checks on the demo: cleanup paused in error and 5 days late, purge backlog
-- on the logs, stale and suspect work tables, bloated hot tables and catalogs
SELECT check_name, status, target, value, threshold FROM campmon.checks
WHERE check_name NOT IN ('index_larger_than_table', 'table_bloat', 'delivery_holding_tables')
ORDER BY check_name, target;
SELECT check_name, status, count(*) FROM campmon.checks
WHERE check_name IN ('index_larger_than_table', 'table_bloat', 'delivery_holding_tables')
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT target, status FROM campmon.checks
WHERE check_name = 'table_bloat' AND target IN ('public.nmsdeliverypart', 'public.xtkworkflowtask', 'pg_catalog.pg_attribute', 'public.nmsdelivery')
ORDER BY 1;
SELECT message FROM campmon.checks WHERE check_name IN ('cleanup_workflow', 'cleanup_last_run', 'stale_work_tables') ORDER BY check_name;
SELECT regexp_replace(message, '[0-9]+ rows \([0-9]+ kB\)', '<n> rows (<size>)') AS message
FROM campmon.checks WHERE check_name = 'purge_backlog' AND target = 'public.nmsbroadlogrcp';

-- every status of each cleanup check, by changing the demo's rows
BEGIN;
UPDATE xtkoption SET sstringvalue = '2026-11-19 20:00:00' WHERE sname = 'NmsCleanup_LastCleanup';
UPDATE xtkoption SET sstringvalue = '1' WHERE sname = 'XtkCleanup_NoStats';
UPDATE xtkworkflow SET istate = 11, ifailed = 0 WHERE sinternalname = 'cleanup';
UPDATE xtkoption SET sstringvalue = '31536000' WHERE sname = 'NmsCleanup_BroadLogPurgeDelay';
SELECT check_name, status, target FROM campmon.checks
WHERE check_name IN ('cleanup_last_run', 'cleanup_statistics', 'cleanup_workflow') OR target = 'public.nmsbroadlogrcp' AND check_name = 'purge_backlog'
ORDER BY 1;
UPDATE xtkoption SET sstringvalue = '2026-11-01 00:00:00' WHERE sname = 'NmsCleanup_LastCleanup';
UPDATE xtkoption SET sstringvalue = '2' WHERE sname = 'XtkCleanup_NoStats';
UPDATE xtkworkflow SET istate = 20 WHERE sinternalname = 'cleanup';
UPDATE xtkoption SET sstringvalue = '864000' WHERE sname = 'NmsCleanup_BroadLogPurgeDelay';
SELECT check_name, status, target FROM campmon.checks
WHERE check_name IN ('cleanup_last_run', 'cleanup_statistics', 'cleanup_workflow') OR target = 'public.nmsbroadlogrcp' AND check_name = 'purge_backlog'
ORDER BY 1;
UPDATE xtkoption SET sstringvalue = 'not a date' WHERE sname = 'NmsCleanup_LastCleanup';
DELETE FROM xtkworkflow WHERE sinternalname = 'cleanup';
DELETE FROM xtkoption WHERE sname = 'NmsCleanup_BroadLogPurgeDelay';    -- default retention applies
SELECT check_name, status, target, message FROM campmon.checks
WHERE check_name IN ('cleanup_last_run', 'cleanup_workflow') OR target = 'public.nmsbroadlogrcp' AND check_name = 'purge_backlog'
ORDER BY 1;
ROLLBACK;
-- a purge rule that does not fit its table (an integer "date" column) is a
-- warning row of its own; every other check still answers
BEGIN;
UPDATE campmon.purge_rule SET date_column = 'ideliveryid' WHERE pattern = '^nmstrackinglog';
SELECT check_name, status, target, message FROM campmon.checks
WHERE check_name = 'purge_backlog' ORDER BY target;
SELECT count(DISTINCT check_name) > 5 AS other_checks_answer FROM campmon.checks;
ROLLBACK;
-- an invalid index (a failed concurrent build) is a warning
CREATE TABLE cm_dup (id int);
INSERT INTO cm_dup VALUES (1), (1);
CREATE UNIQUE INDEX CONCURRENTLY cm_dup_id ON cm_dup (id);
SELECT check_name, status, target, value, message FROM campmon.checks WHERE check_name = 'invalid_index';
DROP TABLE cm_dup;
SELECT count(*) AS invalid_index_rows FROM campmon.checks WHERE check_name = 'invalid_index';

-- configuration: readers read it, admins change it, seeded rows are not
-- dumped (pg_extension_config_dump), an invalid pattern is refused
SELECT e.extconfig::regclass[] AS dumped, e.extcondition FROM pg_extension e WHERE e.extname = 'campmon';
CREATE ROLE regress_campmon_admin IN ROLE campmon_admin;
CREATE ROLE regress_campmon_reader2 IN ROLE campmon_reader;
SET ROLE regress_campmon_reader2;
SELECT count(*) > 0 AS reads FROM campmon.family;
INSERT INTO campmon.family (family, pattern) VALUES ('broadlog', '^mylog');
RESET ROLE;
SET ROLE regress_campmon_admin;
INSERT INTO campmon.family (family, pattern, description) VALUES ('broadlog', '^mylog', 'our own delivery logs');
INSERT INTO campmon.family (family, pattern) VALUES ('broadlog', '^(unclosed');
RESET ROLE;
CREATE TABLE mylog_2026 (id int);
SELECT table_name, family FROM campmon.tables WHERE table_name = 'mylog_2026';
DELETE FROM campmon.family WHERE NOT seeded;
DROP TABLE mylog_2026;
DROP ROLE regress_campmon_admin, regress_campmon_reader2;

DROP SCHEMA other, camp2, nothing CASCADE;
DROP TABLE wkf_abc, "wkf99999999999999999999_1", "WKF24038_1_1", "wkf24038_7_1; DROP TABLE nmsdelivery";
DROP VIEW wkf24038_8_1;
