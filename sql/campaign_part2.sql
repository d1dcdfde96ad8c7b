--
-- campaign_part2: Campaign as Adobe documents it, part 2 (doc/campaign_rules.md)
-- on the demo database (loaded by the demo test) and its Message Center
-- execution instance (schema mcexec): every key sequence, every cleanup
-- task, the instance's roles and their technical workflows, paused
-- workflows by NmsServer_PausedWorkflowPeriod, delivery parts past their
-- validity, workflow options not meant for production, application
-- objects, index hygiene; and a database without these tables or options
--
SET campmon.tables_mode = 'stats';
SET campmon.indexes_mode = 'stats';
SET campmon.reference_time = '2026-11-20 03:00:00';   -- the demo's "now"
\set VERBOSITY terse

--
-- 1. key sequences: by name (XtkNewId, NmsBroadLogId, NmsTrackingLogId, a
-- custom schema's auto_<...>_seq), by Campaign's GetNew<Name>Ids function,
-- by an integer column's default (32-bit: 2^31; a DBA's bigint identity:
-- 2^63); warning from 75%, critical from 90%
--
SELECT sequence_name, found_by, key_type, wrap_at, last_value, used_pct, readable
FROM campmon.key_sequences WHERE schema_name = 'public' ORDER BY 1;
SELECT target, status, value, threshold FROM campmon.checks WHERE check_name = 'key_sequence' ORDER BY 2, 3;
-- the thresholds are settings
SET campmon.sequence_warning_pct = 40;
SET campmon.sequence_critical_pct = 76;
SELECT target, status FROM campmon.checks WHERE check_name = 'key_sequence' AND status <> 'ok' ORDER BY 1;
RESET campmon.sequence_warning_pct;
RESET campmon.sequence_critical_pct;
-- a sequence whose own maximum is below the keys' wraps there; one found
-- by Campaign's function alone (no rule names it)
BEGIN;
ALTER SEQUENCE nmstrackinglogid MAXVALUE 210000000;
CREATE SEQUENCE cusorderid;
SELECT setval('cusorderid', 1900000000) IS NOT NULL AS set;
CREATE FUNCTION getnewcusorderids(integer) RETURNS text LANGUAGE sql AS $$SELECT ''$$;
SELECT sequence_name, found_by, wrap_at, used_pct FROM campmon.key_sequences
WHERE sequence_name IN ('nmstrackinglogid', 'cusorderid') ORDER BY 1;
SELECT target, status, value FROM campmon.checks WHERE check_name = 'key_sequence' AND target IN ('public.nmstrackinglogid', 'public.cusorderid') ORDER BY 1;
ROLLBACK;
-- a rule an admin who is no superuser writes covers only the sequences
-- that admin may read: a snapshot (taken as the extension's owner) never
-- reads more for it
CREATE ROLE regress_p2_admin IN ROLE campmon_admin;
CREATE SEQUENCE p2_secret_seq;
SET ROLE regress_p2_admin;
INSERT INTO campmon.sequence_rule (pattern, description) VALUES ('^p2_secret_seq$', 'not mine to read');
RESET ROLE;
SELECT count(*) AS covered_for_the_admin FROM campmon.key_sequences WHERE sequence_name = 'p2_secret_seq';
UPDATE campmon.sequence_rule SET edited_by = NULL WHERE pattern = '^p2_secret_seq$';  -- a superuser's now (the trigger stamps it)
SELECT count(*) AS covered_for_a_superuser, min(found_by) AS found_by FROM campmon.key_sequences WHERE sequence_name = 'p2_secret_seq';
DELETE FROM campmon.sequence_rule WHERE pattern = '^p2_secret_seq$';
DROP SEQUENCE p2_secret_seq;
-- the log tables against Adobe's billion (reltuples, no scan): a lower
-- ceiling shows the warning
SELECT target, status, value, threshold FROM campmon.checks WHERE check_name = 'log_table_rows' ORDER BY 1;
SET campmon.log_rows_max = 20000;
SELECT target, status, regexp_replace(message, '^.*: more than', 'more than') AS message
FROM campmon.checks WHERE check_name = 'log_table_rows' AND status <> 'ok';
RESET campmon.log_rows_max;
SET campmon.log_rows_max = 0;
-- the snapshots keep every key sequence's position and its wrap
DELETE FROM campmon.snapshot_taken;
SELECT campmon.snapshot() > 0 AS taken;
SELECT sequence_name, last_value, used, wrap_at FROM campmon.snapshot_sequence ORDER BY 1;
SELECT sequence_name, used_pct, note IS NOT NULL AS no_trend_yet FROM campmon.sequence_trends ORDER BY 1;
-- a reader without pg_stat_scan_tables sees the positions of the sequences
-- it may read only (row-level security on sequence_relid)
CREATE ROLE regress_p2_limited IN ROLE campmon_reader;
GRANT SELECT ON SEQUENCE nmsbroadlogid TO regress_p2_limited;
SET ROLE regress_p2_limited;
SELECT sequence_name FROM campmon.snapshot_sequence ORDER BY 1;
SELECT sequence_name FROM campmon.sequence_trends ORDER BY 1;
SELECT sequence_name, readable, last_value FROM campmon.key_sequences WHERE schema_name = 'public' ORDER BY 1;
SELECT target, status, left(message, 60) AS message FROM campmon.checks WHERE check_name = 'key_sequence' ORDER BY 1;
RESET ROLE;
DROP OWNED BY regress_p2_limited;
DROP ROLE regress_p2_limited;
DELETE FROM campmon.snapshot_taken;

--
-- 2. every cleanup task: a rule (or a check) with its option, Adobe's
-- default and the source
--
SELECT rule, coalesce(option_name, coalesce(delay_table || '.' || delay_column, '')) AS delay_from, default_delay, documented_default,
       CASE WHEN date_column IS NOT NULL THEN 'date ' || date_column ELSE 'orphan ' || key_column || ' -> ' || parent_table END AS shape,
       task
FROM campmon.purge_rule ORDER BY rule;
SELECT count(*) FILTER (WHERE source LIKE 'Adobe, "Database cleanup workflow"%') AS from_the_cleanup_page, count(*) AS rules
FROM campmon.purge_rule;
-- the demo's verdicts: 5 days behind where the cleanup stopped, the
-- workflow logs behind the longest History in days, an assumed default
-- only a warning, orphans of deleted jobs and workflows
SELECT check_name, target, status, value, substring(message from 'retention ([^(]*) \(') AS retention,
       substring(message from 'retention [^(]*\(([^;]*);') AS delay_from
FROM campmon.checks WHERE check_name IN ('purge_backlog', 'cleanup_orphans')
  AND target NOT IN ('public.nmsbroadlogrcp', 'public.nmsbroadlogmid', 'public.nmstrackinglogrcp', 'public.cusbroadlogcustomer')
ORDER BY 1, 2;
-- once the cleanup has done each task, each is ok
BEGIN;
DELETE FROM xtkreject WHERE tslog < '2026-05-24 03:00' OR ijobid NOT IN (SELECT ijobid FROM xtkjob);
DELETE FROM xtkworkflowlogin WHERE iworkflowid NOT IN (SELECT iworkflowid FROM xtkworkflow);
DELETE FROM nmsvisitor WHERE irecipientid = 0 AND iorigin = 0 AND tslastmodified < '2026-10-21 03:00';
DELETE FROM nmssubscription WHERE ideletestatus <> 0 AND tslastmodified < '2026-11-19 03:00';
DELETE FROM nmsprovidermsgid WHERE tscreated < '2026-05-24 03:00';
DELETE FROM nmsaddress WHERE istatus = 2 AND tslastmodified < '2026-11-19 03:00';
DELETE FROM nmstrackingstats WHERE tsstart < '2025-11-20 03:00';
DELETE FROM xtkworkflowlog WHERE tslog < '2026-10-06 03:00';
DELETE FROM xtkworkflowtask WHERE istatus <> 0 AND tscompletion < '2026-10-06 03:00';
SELECT check_name, status, count(*) FROM campmon.checks WHERE check_name IN ('purge_backlog', 'cleanup_orphans')
  AND target NOT IN ('public.nmsbroadlogrcp', 'public.nmsbroadlogmid', 'public.nmstrackinglogrcp', 'public.cusbroadlogcustomer')
GROUP BY 1, 2 ORDER BY 1, 2;
ROLLBACK;
-- an option set critical where it was assumed; an unreadable one says so
BEGIN;
INSERT INTO xtkoption (sname, sstringvalue, tslastmodified) VALUES ('NmsCleanup_TrackingStatPurgeDelay', '864000', now());
SELECT status, substring(message from 'retention [^(]*\(([^;]*);') AS delay_from FROM campmon.checks WHERE check_name = 'purge_backlog' AND target = 'public.nmstrackingstats';
UPDATE xtkoption SET sstringvalue = 'ten days' WHERE sname = 'NmsCleanup_TrackingStatPurgeDelay';
SELECT check_name, status, target, message FROM campmon.checks
WHERE check_name = 'campaign_option' OR (check_name = 'purge_backlog' AND target = 'public.nmstrackingstats') ORDER BY 1;
ROLLBACK;
-- the workflows' history: without History in days, Adobe's 30 days
BEGIN;
ALTER TABLE xtkworkflow DROP COLUMN ihistory;
SELECT status, value, substring(message from 'retention ([^(]*) \(') AS retention, substring(message from 'retention [^(]*\(([^;]*);') AS delay_from
FROM campmon.checks WHERE check_name = 'purge_backlog' AND target = 'public.xtkworkflowlog';
ROLLBACK;
-- a table the rules name that does not exist: no row; a column missing: a
-- warning row; a rule an admin wrote for a table it may not read: no row
BEGIN;
DROP TABLE nmsvisitor, xtkworkflowlogin;
ALTER TABLE xtkreject RENAME COLUMN ijobid TO ijobid_gone;
SELECT check_name, target, status, message FROM campmon.checks
WHERE target IN ('public.nmsvisitor', 'public.xtkworkflowlogin', 'public.xtkreject') ORDER BY 1, 2;
ROLLBACK;
CREATE TABLE p2_secret (id int, ts timestamp);
INSERT INTO p2_secret VALUES (1, '2020-01-01');
SET ROLE regress_p2_admin;
INSERT INTO campmon.purge_rule (rule, pattern, date_column, default_delay, task, source)
VALUES ('p2_secret', '^p2_secret$', 'ts', '1 day', 'a purge of my own', 'mine');
RESET ROLE;
SET campmon.work_table_schemas = 'public';
SELECT count(*) AS rows_for_the_admins_rule FROM campmon.checks WHERE target = 'public.p2_secret';
GRANT SELECT ON p2_secret TO regress_p2_admin;
SELECT status FROM campmon.checks WHERE target = 'public.p2_secret';
RESET campmon.work_table_schemas;
DELETE FROM campmon.purge_rule WHERE rule = 'p2_secret';
DROP TABLE p2_secret;
-- a rule's filter is identifiers, operators of a fixed list and numbers
INSERT INTO campmon.purge_rule (rule, pattern, date_column, filter_columns, filter_ops, filter_values, task, source)
VALUES ('p2_bad', '^x$', 'ts', '{a}', '{"; DROP TABLE x; --"}', '{1}', 't', 's');
INSERT INTO campmon.purge_rule (rule, pattern, date_column, key_column, task, source)
VALUES ('p2_bad', '^x$', 'ts', 'k', 't', 's');

--
-- 3. instance roles: the demo is a marketing instance that also archives
-- Message Center events (control) and holds mid-sourcing logs; mcexec is an
-- execution instance; a setting forces them
--
SELECT role, kind, name, source FROM campmon.instance_role_sign ORDER BY 1, 2, 3;
SELECT schema_name, role, how FROM campmon.instance_roles ORDER BY 1, 2;
SET campmon.work_table_schemas = 'mcexec';
SELECT schema_name, role, how FROM campmon.instance_roles ORDER BY 1, 2;
RESET campmon.work_table_schemas;
-- each role's technical workflows: the mid-sourcing platform's missing
-- here, mcSynch_ one row per execution instance it follows
SELECT target, status, value, threshold FROM campmon.checks WHERE check_name = 'technical_workflow' ORDER BY 1;
SELECT message FROM campmon.checks WHERE check_name = 'technical_workflow' AND target = 'deliveryIndicators';
-- forced: a marketing instance only (no mid-sourcing, no control row
-- missing), then an execution instance (its own workflows missing, the
-- marketing ones installed still judged, and said)
SET campmon.instance_roles = 'marketing';
SELECT target, status FROM campmon.checks WHERE check_name = 'technical_workflow' AND status <> 'ok' ORDER BY 1;
SET campmon.instance_roles = 'Execution';
SELECT target, status, left(message, 100) AS message FROM campmon.checks
WHERE check_name = 'technical_workflow' AND (status <> 'ok' OR message LIKE '%though this is no%') ORDER BY 1;
SET campmon.instance_roles = 'marketing, executor';
RESET campmon.instance_roles;
-- no sign at all: marketing, assumed and said
CREATE SCHEMA p2_bare;
CREATE TABLE p2_bare.xtkworkflow (iworkflowid int PRIMARY KEY, sinternalname text, istate smallint);
SET campmon.work_table_schemas = 'p2_bare';
SELECT schema_name, role, how FROM campmon.instance_roles;
RESET campmon.work_table_schemas;

--
-- 4. the execution instance (mcexec): its workflows, its events behind the
-- purge, NmsBroadLogId at 92 %, paused workflows against its own period
-- (NmsServer_PausedWorkflowPeriod, 14 days)
--
SET campmon.work_table_schemas = 'mcexec';
SELECT check_name, target, status, value, threshold FROM campmon.checks
WHERE check_name IN ('technical_workflow', 'workflows_paused', 'key_sequence', 'purge_backlog', 'log_table_rows', 'cleanup_workflow', 'cleanup_last_run')
ORDER BY 1, 2;
SELECT target, message FROM campmon.checks WHERE check_name IN ('workflows_paused', 'key_sequence') AND status <> 'ok' ORDER BY 1;
RESET campmon.work_table_schemas;
-- the marketing instance: Adobe's 7 days without the option; a period of
-- its own when set (4 periods: cleanupPausedWorkflows should have stopped
-- it); an unreadable one is a campaign_option row and 7 days
SELECT status, count(*), min(threshold) FROM campmon.checks WHERE check_name = 'workflows_paused' GROUP BY 1 ORDER BY 1;
BEGIN;
INSERT INTO xtkoption (sname, sstringvalue, tslastmodified) VALUES ('NmsServer_PausedWorkflowPeriod', '5', now());
SELECT status, count(*), min(threshold) FROM campmon.checks WHERE check_name = 'workflows_paused' GROUP BY 1 ORDER BY 1;
SELECT count(*) AS past_four_periods FROM campmon.checks WHERE check_name = 'workflows_paused' AND message LIKE '%over 4 periods (20 days)%';
UPDATE xtkoption SET sstringvalue = 'weekly' WHERE sname = 'NmsServer_PausedWorkflowPeriod';
SELECT check_name, status, target, message FROM campmon.checks WHERE check_name = 'campaign_option';
SELECT status, count(*), min(threshold) FROM campmon.checks WHERE check_name = 'workflows_paused' GROUP BY 1 ORDER BY 1;
ROLLBACK;

--
-- 5. delivery parts past their own validity, whatever their delivery's
-- state; ok once deleted; no row without the column
--
SELECT status, target, value, regexp_replace(message, '\(counted[^)]*\)', '(counted)') AS message
FROM campmon.checks WHERE check_name = 'delivery_parts_expired';
BEGIN;
DELETE FROM nmsdeliverypart WHERE tsvalidity < '2026-11-15 03:00';
SELECT status, value FROM campmon.checks WHERE check_name = 'delivery_parts_expired';
ALTER TABLE nmsdeliverypart DROP COLUMN tsvalidity;
SELECT count(*) AS rows_without_the_column FROM campmon.checks WHERE check_name = 'delivery_parts_expired';
ROLLBACK;

--
-- 6. workflow options not meant for production (keepResult, showSQL in
-- the workflow's XML; a column of xtkworkflow when it has one)
--
SELECT target, status, value, message FROM campmon.checks WHERE check_name = 'workflow_options' ORDER BY 1;
BEGIN;
UPDATE xtkworkflow SET mdata = replace(mdata, 'keepResult="true"', 'keepResult="false"');
ALTER TABLE xtkworkflow ADD COLUMN ishowsql smallint NOT NULL DEFAULT 0;
UPDATE campmon.workflow_option SET column_name = 'ishowsql' WHERE attribute = 'showSQL';
UPDATE xtkworkflow SET ishowsql = 1 WHERE sinternalname IN ('WKF024010', 'WKF024011');
SELECT target, status, value FROM campmon.checks WHERE check_name = 'workflow_options' ORDER BY 1;
ALTER TABLE xtkworkflow DROP COLUMN mdata, DROP COLUMN ishowsql;
SELECT count(*) AS rows_without_xml_or_column FROM campmon.checks WHERE check_name = 'workflow_options';
ROLLBACK;

--
-- 7. application objects: 1,200 folders, three deliveries over two years
-- old; more than 10 new deliveries a day
--
SELECT target, status, value, threshold FROM campmon.checks WHERE check_name = 'application_objects' ORDER BY 1;
BEGIN;
INSERT INTO nmsdelivery (ideliveryid, sinternalname, slabel, istate, tscreated, tslastmodified)
SELECT 1500000 + g, 'P2' || g, 'flash ' || g, 95, timestamp '2026-11-20 02:00' - g * interval '2 hours', now()
FROM generate_series(1, 80) g;
DELETE FROM xtkfolder WHERE ifolderid > 900;
SELECT target, status, value FROM campmon.checks WHERE check_name = 'application_objects' ORDER BY 1;
ROLLBACK;

--
-- 8. index hygiene: a DBA's copy of a Campaign index, a Campaign index made
-- redundant by a DBA's longer one; never a primary key, a unique index or a
-- replica identity; unused ones once the statistics have counted long enough
--
SELECT table_name, index_name, origin, finding, duplicate_of, keys, predicate, index_bytes > 0 AS sized,
       idx_scan IS NOT NULL AS scans_known, stats_since IS NOT NULL AS since_known, table_writes > 0 AS written,
       advice
FROM campmon.index_hygiene WHERE finding <> 'unused' AND table_name ~ '^(nms|xtk)' ORDER BY 1, 2;
CREATE TABLE p2_ix (id int PRIMARY KEY, a int NOT NULL, b int, c text);
-- named as Campaign names its indexes (p2_ix_<name>), or not (the DBA's)
CREATE UNIQUE INDEX p2_ix_a_key ON p2_ix (a);
CREATE INDEX dba_p2_a ON p2_ix (a);                  -- repeats the unique one: listed, the unique one never
CREATE INDEX dba_p2_id ON p2_ix (id);                -- repeats the primary key
CREATE INDEX p2_ix_b ON p2_ix (b);
CREATE INDEX dba_p2_bc ON p2_ix (b, c);              -- p2_ix_b leads it
CREATE INDEX p2_ix_b_part ON p2_ix (b) WHERE b > 0;  -- another predicate: no duplicate
CREATE INDEX p2_ix_lower ON p2_ix (lower(c));
CREATE INDEX dba_p2_lower ON p2_ix (lower(c));       -- the same expression: the DBA's goes
CREATE INDEX p2_ix_upper ON p2_ix (upper(c));        -- another expression
CREATE INDEX p2_ix_b_desc ON p2_ix (b DESC);         -- another order
CREATE INDEX ON p2_ix (c);                           -- PostgreSQL's name, p2_ix_c_idx: not Campaign's
ALTER TABLE p2_ix REPLICA IDENTITY USING INDEX p2_ix_a_key;
INSERT INTO p2_ix SELECT g, g, g % 7, md5(g::text) FROM generate_series(1, 500) g;
SELECT index_name, origin, finding, duplicate_of, keys, predicate FROM campmon.index_hygiene WHERE table_name = 'p2_ix' ORDER BY 2, 1;
-- unused: nothing scanned them, and the statistics count since this
-- server started -- long enough once campmon.index_unused_min_age is 0
SET campmon.index_unused_min_age = 0;
SET enable_seqscan = off;
SELECT count(*) FROM p2_ix WHERE b = 3 AND c > '';
RESET enable_seqscan;
SELECT pg_stat_force_next_flush();
SELECT index_name, finding, idx_scan FROM campmon.index_hygiene WHERE table_name = 'p2_ix' ORDER BY 1;
SELECT count(*) FILTER (WHERE p.indisprimary OR p.indisunique OR p.indisreplident) AS protected_listed, count(*) > 0 AS some_listed
FROM campmon.index_hygiene h JOIN pg_index p ON p.indexrelid = h.indexrelid;
-- in plan(): keep rows with the evidence, only with show_kept, never a command
SELECT action, target, command IS NULL AS no_command, expected_gain_bytes, lock_level,
       reason ~ '^index hygiene \(campmon.index_hygiene\), (duplicate|prefix|unused)' AND reason ~ 'campmon never drops an index' AS says_why
FROM campmon.plan(show_kept => true, targets => ARRAY['dba_p2_a', 'dba_p2_bc', 'p2_ix_b', 'p2_ix_a_key', 'p2_ix_pkey']::regclass[])
ORDER BY target;
SELECT count(*) AS hygiene_rows_without_show_kept FROM campmon.plan() WHERE reason LIKE 'index hygiene%';
RESET campmon.index_unused_min_age;
DROP TABLE p2_ix;
-- a bloated index nothing scanned: REINDEX, the reason pointing to index
-- hygiene; never "drop it" of a primary key
CREATE TABLE p2_rx (id int PRIMARY KEY, b int) WITH (autovacuum_enabled = false);
CREATE INDEX p2_rx_b ON p2_rx (b);
INSERT INTO p2_rx SELECT g, g FROM generate_series(1, 20000) g;
DELETE FROM p2_rx WHERE id % 10 <> 0;
VACUUM p2_rx;
SET campmon.indexes_mode = 'exact';
SET campmon.reindex_min_size = '8kB';
SELECT target, reason ~ 'never scanned' AS never_scanned, reason ~ 'drop' AND reason !~ 'never drops' AS says_drop,
       reason ~ 'enforces a key' AS stays, reason ~ 'campmon.index_hygiene' AS hygiene
FROM campmon.plan(actions => '{REINDEX INDEX CONCURRENTLY}', targets => ARRAY['p2_rx_pkey', 'p2_rx_b']::regclass[])
ORDER BY target;
RESET campmon.reindex_min_size;
RESET campmon.indexes_mode;
DROP TABLE p2_rx;

--
-- 8b. plan(): the tables of Adobe's routine rebuild list are rewritten from
-- campmon.bloat_warning_pct (another table from campmon.bloat_critical_pct),
-- VACUUM FULL when blocking is allowed, else REPACK or a keep row; the
-- list's tables that need no rewrite are keep rows; a list row an admin who
-- is no superuser wrote covers only the tables that admin owns
--
SELECT count(*) AS seeded_routine_tables, bool_and(source ~ 'RDBMS-specific recommendations') AS cited FROM campmon.routine_rebuild;
CREATE SCHEMA p2_rt;
CREATE TABLE p2_rt.xtkjoblog (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
CREATE TABLE p2_rt.nmsaddress (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
CREATE TABLE p2_rt.p2_custom (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
INSERT INTO p2_rt.xtkjoblog SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 20000) g;
INSERT INTO p2_rt.p2_custom SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 20000) g;
INSERT INTO p2_rt.nmsaddress SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 2000) g;
DELETE FROM p2_rt.xtkjoblog WHERE id % 5 < 2;           -- 40%: above the warning, below the critical
DELETE FROM p2_rt.p2_custom WHERE id % 5 < 2;
VACUUM (ANALYZE) p2_rt.xtkjoblog, p2_rt.p2_custom, p2_rt.nmsaddress;
SET campmon.work_table_schemas = 'p2_rt';
SET campmon.tables_mode = 'exact';
SET campmon.indexes_mode = 'exact';
SET campmon.reindex_min_size = '64kB';
SELECT table_name, bloat_pct BETWEEN current_setting('campmon.bloat_warning_pct')::numeric
                                 AND current_setting('campmon.bloat_critical_pct')::numeric AS between_thresholds
FROM campmon.tables WHERE schema_name = 'p2_rt' AND table_name <> 'nmsaddress' ORDER BY 1;
SELECT action, target, command, reason
FROM campmon.plan(allow_blocking => true, show_kept => true, actions => '{VACUUM (FULL),REPACK,keep}')
WHERE target LIKE 'p2_rt.%' ORDER BY target;
-- without allow_blocking: pg_repack's (a keep row here, without the extension)
SELECT action, target, reason ~ 'on Adobe''s routine rebuild list' AS routine_named, command IS NULL AS no_command
FROM campmon.plan(show_kept => true, actions => '{VACUUM (FULL),REPACK,keep}')
WHERE target LIKE 'p2_rt.%' AND reason LIKE 'a rewrite%' ORDER BY target;
-- an admin's row for a table another role owns changes nothing; once the
-- admin owns the table, it is rewritten from the warning threshold too
SET ROLE regress_p2_admin;
INSERT INTO campmon.routine_rebuild (table_name, source) VALUES ('p2_custom', 'a DBA''s much-updated table');
RESET ROLE;
SELECT count(*) AS custom_rewrites FROM campmon.plan(allow_blocking => true, actions => '{VACUUM (FULL)}') WHERE target = 'p2_rt.p2_custom';
ALTER TABLE p2_rt.p2_custom OWNER TO regress_p2_admin;
SELECT action, target FROM campmon.plan(allow_blocking => true, actions => '{VACUUM (FULL)}') WHERE target = 'p2_rt.p2_custom';
DELETE FROM campmon.routine_rebuild WHERE NOT seeded;
RESET campmon.reindex_min_size;
RESET campmon.indexes_mode;
RESET campmon.tables_mode;
RESET campmon.work_table_schemas;
DROP SCHEMA p2_rt CASCADE;

--
-- 9. a database without these tables or options: no rows, or warning rows
-- saying what is missing; never an error (check_failed)
--
CREATE TABLE p2_bare.xtkoption (sname text, sstringvalue text);
CREATE TABLE p2_bare.nmsdeliverypart (ideliverypartid int);
CREATE TABLE p2_bare.xtkreject (irejectid int);
SET campmon.work_table_schemas = 'p2_bare';
SELECT check_name, status, target, message FROM campmon.checks
WHERE check_name IN ('key_sequence', 'log_table_rows', 'purge_backlog', 'cleanup_orphans', 'technical_workflow', 'workflows_paused',
                     'delivery_parts_expired', 'workflow_options', 'application_objects', 'check_failed', 'campaign_option')
ORDER BY 1, 3;
SELECT count(*) AS index_hygiene_rows FROM campmon.index_hygiene WHERE schema_name = 'p2_bare';
RESET campmon.work_table_schemas;
DROP SCHEMA p2_bare CASCADE;
DROP ROLE regress_p2_admin;

-- every check this file shows is registered, with a source
SELECT check_name, category, source ~ 'Adobe' AS cites_adobe, settings FROM campmon.check_definitions
WHERE check_name IN ('key_sequence', 'key_sequence_wrap', 'log_table_rows', 'purge_backlog', 'cleanup_orphans', 'technical_workflow',
                     'workflows_paused', 'delivery_parts_expired', 'workflow_options', 'application_objects', 'campaign_option')
ORDER BY 1;
