--
-- campaign: families, work-table verdicts and checks on the demo database
-- (loaded by the demo test), plus names that look like work tables
--
SET campmon.tables_mode = 'exact';              -- repeatable figures in checks
SET campmon.indexes_mode = 'exact';             -- (the default's samples are tested in default_mode)
SET campmon.reference_time = '2026-11-20 03:00:00';   -- the demo's "now"

-- families are data: seeded rules, and every table of the demo has one
SELECT family, count(*) AS rules, bool_and(seeded) AS seeded FROM campmon.family GROUP BY 1 ORDER BY 1;
SELECT family, count(*) AS tables FROM campmon.tables WHERE schema_name = 'public' GROUP BY 1 ORDER BY 1;
SELECT table_name, family FROM campmon.tables
WHERE table_name IN ('nmsbroadlogrcp', 'nmstrackinglogrcp', 'nmsdelivery', 'xtkworkflow', 'xtkjoblog',
                     'nmsaddress', 'nmsrecipient', 'xtkoption', 'pg_class', 'pg_attribute', 'wkf_backup_20260115')
  AND schema_name IN ('public', 'pg_catalog')
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

-- every target of campmon.checks is a schema-qualified relation, a row of
-- one (relation:key: a workflow, a delivery, an option), or one of the
-- documented forms for what is no relation (tablespace:, extension:,
-- function:, setting:); none empty
SELECT count(DISTINCT check_name) >= 15 AS checks_with_rows,
       count(*) FILTER (WHERE NOT (
              (target ~ '^[^:.]+\.[^:.]+$' AND to_regclass(target) IS NOT NULL)
           OR (target ~ '^[^:.]+\.[^:.]+:.+$' AND to_regclass(split_part(target, ':', 1)) IS NOT NULL)
           OR target ~ '^(tablespace|extension|function|setting):.+$')
           OR target IS NULL) AS other_targets
FROM campmon.checks   -- (the server's own checks, by database, sql/vacuum.sql, left out)
WHERE check_name NOT IN (SELECT check_name FROM campmon.check_definitions WHERE category IN ('vacuum', 'wraparound'));
SELECT DISTINCT ON (check_name) check_name, target FROM campmon.checks
WHERE target ~ ':' ORDER BY check_name, target;

-- relation_last_write: files' newest modification, NULL for a view
SELECT campmon.relation_last_write('nmsdelivery') BETWEEN now() - interval '1 day' AND now() AS table_written,
       campmon.relation_last_write('campmon.stale_tables') IS NULL AS view_has_none;

-- no owner rule: judged by age (campmon.stale_min_age)
SELECT table_name, verdict FROM campmon.stale_tables WHERE rule IS NULL ORDER BY 1;
SET campmon.stale_min_age = 0;
SELECT table_name, verdict, reason LIKE 'no owner rule applies; not written for %' AS reason_ok
FROM campmon.stale_tables WHERE rule IS NULL ORDER BY 1;
RESET campmon.stale_min_age;

-- Campaign's own role owns its work tables: the tables this test creates as
-- a superuser are given to it (a superuser's tables are never work tables)
CREATE FUNCTION pg_temp.to_campaign() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n integer := 0;
BEGIN
    FOR r IN SELECT c.oid::regclass AS rel, c.relkind FROM pg_class c
             WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
               AND c.relkind IN ('r', 'v') AND c.relname ~* '^(wkf|wkdlv_|grp|wksimu_)'
               AND coalesce(obj_description(c.oid, 'pg_class'), '') NOT LIKE 'campmon demo look-alike%'
               AND c.relnamespace <> ALL (ARRAY['pg_catalog'::regnamespace, 'information_schema'::regnamespace])
             ORDER BY c.oid
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO regress_campaign', CASE r.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END, r.rel);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

-- names that look like work tables but are not, or not ours: never stale by accident
CREATE TABLE wkf_abc (id int);
CREATE TABLE "wkf99999999999999999999_1" (id int);
CREATE TABLE "WKF24038_1_1" (id int);                 -- upper case: Campaign's names are lower case
CREATE TABLE "wkf24038_7_1; DROP TABLE nmsdelivery" (id int);
CREATE SCHEMA other;
CREATE TABLE other.wkf24038_1_1 (id int);             -- workflow 24038 is finished, but wrong schema
CREATE VIEW wkf24038_8_1 AS SELECT 1 AS x;            -- the cleanup drops views too
SELECT pg_temp.to_campaign() AS given_to_campaign;
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
SELECT pg_temp.to_campaign() AS given_to_campaign;
SET campmon.work_table_schemas = 'camp2';
SELECT table_name, rule, verdict FROM campmon.stale_tables ORDER BY 1;
SELECT check_name, status, target, message FROM campmon.checks WHERE check_name IN ('campaign_schema', 'cleanup_workflow');
-- a database (here: a schema) without any Campaign table: empty, working
-- views, and one warning naming the schemas searched (a mistyped setting
-- would otherwise silence every Campaign check)
CREATE SCHEMA nothing;
SET campmon.work_table_schemas = 'nothing';
SELECT count(*) AS stale_rows FROM campmon.stale_tables;
SELECT check_name, status, target, message FROM campmon.checks WHERE status <> 'ok' AND check_name NOT IN ('table_bloat', 'index_bloat', 'index_larger_than_table', 'bloat_growth')
  -- (the server's own checks, sql/vacuum.sql, left out)
  AND check_name NOT IN (SELECT check_name FROM campmon.check_definitions WHERE category IN ('vacuum', 'wraparound'));
SET campmon.work_table_schemas = 'nothing, "No Such", public';
SELECT count(*) AS campaign_schema_rows FROM campmon.checks WHERE check_name = 'campaign_schema';
SET campmon.work_table_schemas = 'nothing, "No Such"';
SELECT target, message FROM campmon.checks WHERE check_name = 'campaign_schema';
RESET campmon.work_table_schemas;
-- a schema whose name needs quotes is named with them, as in search_path
CREATE SCHEMA "Camp Data";
CREATE TABLE "Camp Data".wkf5_1_1 (id int);
SELECT pg_temp.to_campaign() AS given_to_campaign;
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
WHERE check_name NOT IN ('index_larger_than_table', 'table_bloat', 'index_bloat', 'delivery_holding_tables', 'workflows_paused')
  AND check_name NOT IN (SELECT check_name FROM campmon.check_definitions WHERE category IN ('vacuum', 'wraparound'))
ORDER BY check_name, target;
SELECT check_name, status, count(*) FROM campmon.checks
WHERE check_name IN ('index_larger_than_table', 'table_bloat', 'index_bloat', 'delivery_holding_tables', 'workflows_paused')
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
WHERE check_name = 'purge_backlog' AND message ~ 'named by|always purged|Cleanup of tracking logs' ORDER BY target;
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

--
-- Campaign as Adobe documents it (doc/campaign_rules.md): one case per rule
--
-- 1. owner filter: a table of postgres, of any superuser or of a role of
-- campmon.never_work_table_owners is never a work table.  The demo's
-- superuser-owned copy of a finished workflow's work table is not listed,
-- not planned, and drop_work_table refuses it
SELECT relname, pg_get_userbyid(relowner) AS owner, (SELECT rolsuper FROM pg_roles WHERE oid = relowner) AS superuser,
       (SELECT count(*) FROM campmon.stale_tables s WHERE s.relid = c.oid) AS listed,
       (SELECT count(*) FROM campmon.plan(include_suspect => true, show_kept => true) p
        WHERE p.target_relid = c.oid AND p.action = 'DROP TABLE') AS drops_planned
FROM pg_class c WHERE relname LIKE 'wkf%\_0\_dba\_copy';
\set VERBOSITY default
SELECT campmon.drop_work_table(oid, true) FROM pg_class WHERE relname LIKE 'wkf%\_0\_dba\_copy';
\set VERBOSITY terse
-- any superuser, and the DBA's roles once named in the setting
CREATE ROLE regress_campaign_super SUPERUSER NOLOGIN;
CREATE ROLE regress_campaign_dba NOLOGIN;
CREATE TABLE wkf24038_70_1 (id int);
CREATE TABLE wkf24038_71_1 (id int);
ALTER TABLE wkf24038_70_1 OWNER TO regress_campaign_super;
ALTER TABLE wkf24038_71_1 OWNER TO regress_campaign_dba;
SELECT table_name, table_owner, verdict FROM campmon.stale_tables WHERE table_name IN ('wkf24038_70_1', 'wkf24038_71_1');
SET campmon.never_work_table_owners = 'regress_campaign_dba, "No Such Role"';
SELECT count(*) AS listed FROM campmon.stale_tables WHERE table_name IN ('wkf24038_70_1', 'wkf24038_71_1');
SELECT campmon.drop_work_table('wkf24038_71_1'::regclass);
RESET campmon.never_work_table_owners;
SELECT campmon.drop_work_table('wkf24038_71_1'::regclass) LIKE 'dropped public.wkf24038_71_1 (stale: %' AS dropped_once_not_named;
SELECT campmon.drop_work_table('wkf24038_70_1'::regclass);
SET campmon.never_work_table_owners = '"unclosed';
DROP TABLE wkf24038_70_1;
DROP ROLE regress_campaign_super, regress_campaign_dba;

-- 2. lists: deleted (ideletestatus <> 0), expired (tsexpirationdate past)
-- and orphans (no list of type > 0) are stale; a live list of type 1 holds
-- its table (the verdicts per demo case above); one reason of each
SELECT DISTINCT ON (v.demo_case) v.demo_case, s.verdict,
       regexp_replace(s.reason, 'list [0-9]+', 'list <id>', 'g') AS reason
FROM campmon.stale_tables s
CROSS JOIN LATERAL (SELECT regexp_replace(obj_description(s.relid, 'pg_class'), ' [0-9]+$', '') AS demo_case) v
WHERE s.rule = 'list' ORDER BY v.demo_case, s.relid;

-- 6. optional columns: an owner table without the columns used only in the
-- reason (ifailed, tslastmodified) keeps its rule; the reason is shorter
CREATE SCHEMA camp3;
CREATE TABLE camp3.xtkworkflow (iworkflowid int PRIMARY KEY, sinternalname text, istate smallint);
INSERT INTO camp3.xtkworkflow VALUES (1, 'w1', 20), (2, 'w2', 11);
CREATE TABLE camp3.wkf1_1_1 (id int);
CREATE TABLE camp3.wkf2_1_1 (id int);
SELECT pg_temp.to_campaign() AS given_to_campaign;
SET campmon.work_table_schemas = 'camp3';
SELECT table_name, rule, verdict, regexp_replace(reason, 'not written for [0-9a-z ]+:', 'not written for <age>:') AS reason
FROM campmon.stale_tables ORDER BY 1;
SELECT count(*) AS campaign_schema_warnings FROM campmon.checks WHERE check_name = 'campaign_schema';
-- the checks of a schema with only xtkworkflow: rows or warning rows, no error
SELECT check_name, status, target, left(message, 90) AS message FROM campmon.checks
WHERE check_name IN ('technical_workflow', 'workflows_failed', 'workflows_paused') ORDER BY 1, 3;
RESET campmon.work_table_schemas;
DROP SCHEMA camp3 CASCADE;

-- 3. delivery logs: the tables the delivery mappings name (a custom mapping
-- names cusbroadlogcustomer; nms:excludeLogRcp has no table), plus
-- nmsbroadlogmid; nmsbroadlogmsg is not a delivery log
SELECT target, regexp_replace(message, '^.*; ((named by|always purged)[^)]*\)).*$', '\1') AS found_by
FROM campmon.checks WHERE check_name = 'purge_backlog' AND message ~ 'named by|always purged' ORDER BY 1;
-- without a mapping table: the seeded name patterns, said in the message
BEGIN;
ALTER TABLE nmsdeliverymapping RENAME TO nmsdeliverymapping_gone;
SELECT target, message LIKE '%no delivery mapping table: found by the name pattern %' AS said
FROM campmon.checks WHERE check_name = 'purge_backlog' AND target ~ 'nms(broad|tracking)log' ORDER BY 1;
ROLLBACK;

-- 4. an assumed default never raises critical: far behind the tracking-log
-- purge, critical with the option set, warning once it is absent (Adobe
-- gives 180 days and one year: the longer is assumed, and said)
BEGIN;
SET LOCAL campmon.reference_time = '2028-01-01';
SELECT status FROM campmon.checks WHERE check_name = 'purge_backlog' AND target = 'public.nmstrackinglogrcp';
DELETE FROM xtkoption WHERE sname = 'NmsCleanup_TrackingLogPurgeDelay';
SELECT status, regexp_replace(message, '^.*retention ([^;]*; [^;]*);.*$', '\1') AS retention
FROM campmon.checks WHERE check_name = 'purge_backlog' AND target = 'public.nmstrackinglogrcp';
ROLLBACK;

-- 5. option values in typed columns: the deleted-deliveries delay is in
-- ilongvalue (said); a value that cannot be read is a warning row naming
-- the option, and its default is assumed
SELECT check_name, regexp_replace(message, '^.*\((NmsCleanup_Recycled[^)]*)\)$', '\1') AS delay
FROM campmon.checks WHERE check_name = 'deleted_deliveries_backlog';
BEGIN;
UPDATE xtkoption SET sstringvalue = 'six months' WHERE sname = 'NmsCleanup_BroadLogPurgeDelay';
UPDATE xtkoption SET sstringvalue = NULL, ilongvalue = NULL, tsvalue = NULL, mmemovalue = 'soon' WHERE sname = 'NmsCleanup_RecycledDeliveryPurgeDelay';
SELECT check_name, status, target, message FROM campmon.checks WHERE check_name = 'campaign_option' ORDER BY target;
SELECT status, message LIKE '%NmsCleanup_BroadLogPurgeDelay unreadable: 180 days assumed%' AS assumed
FROM campmon.checks WHERE check_name = 'purge_backlog' AND target = 'public.nmsbroadlogrcp';
ROLLBACK;

-- 7. families: sessions, Message Center, e-mail error statistics high-churn;
-- nmsmirrorpageinfo is mostly TOAST: its indexes outgrow the main fork,
-- not the table with its TOAST, so no "index larger than table"
SELECT table_name, family FROM campmon.tables
WHERE table_name IN ('xtksessioninfo', 'nmsrtevent', 'nmsbatchevent', 'nmseventhisto', 'nmsmirrorpageinfo', 'nmsdeliverymapping')
  AND schema_name = 'public'
ORDER BY 1;
SELECT family, pattern, high_churn FROM campmon.family WHERE pattern IN ('^nmsemailerrorstat', '^xtksessioninfo$') ORDER BY 1;
SELECT pg_indexes_size('nmsmirrorpageinfo') > pg_relation_size('nmsmirrorpageinfo') AS indexes_exceed_main_fork,
       pg_indexes_size('nmsmirrorpageinfo') < pg_table_size('nmsmirrorpageinfo') AS but_not_the_table_with_toast,
       (SELECT status FROM campmon.checks WHERE check_name = 'index_larger_than_table' AND target = 'public.nmsmirrorpageinfo') AS status;

-- technical workflows (campmon.technical_workflow, seeded with Adobe's list):
-- the demo's cleanup is paused in error (critical), operationMgt stopped,
-- deliverabilityUpdate late, the mid-sourcing counters not installed
SELECT internal_name, expected_period, severity, mid_sourcing_only, roles, name_is_prefix FROM campmon.technical_workflow ORDER BY 1;
SELECT target, status, value, threshold, message FROM campmon.checks WHERE check_name = 'technical_workflow' ORDER BY target;
-- every status: absent (warning), never started, in error, back on time
BEGIN;
UPDATE xtkworkflow SET sinternalname = 'tracking_old' WHERE sinternalname = 'tracking';
UPDATE xtkworkflow SET istate = 0 WHERE sinternalname = 'deliveryMgt';
UPDATE xtkworkflow SET ifailed = 1 WHERE sinternalname = 'defaultMidSourcingLog';
UPDATE xtkworkflow SET istate = 11, ifailed = 0, tsprocessing = '2026-11-20 01:00' WHERE sinternalname IN ('cleanup', 'operationMgt', 'deliverabilityUpdate');
SELECT target, status, left(message, 80) AS message FROM campmon.checks WHERE check_name = 'technical_workflow' ORDER BY target;
ROLLBACK;
-- a technical workflow of one's own is a configuration row
BEGIN;
UPDATE xtkworkflow SET sinternalname = 'offerMgt' WHERE sinternalname = 'aliasCleansing';
INSERT INTO campmon.technical_workflow (internal_name, expected_period, severity) VALUES ('offerMgt', '1 day', 'critical');
SELECT target, status FROM campmon.checks WHERE check_name = 'technical_workflow' AND target = 'offerMgt';
INSERT INTO campmon.technical_workflow (internal_name, expected_period) VALUES ('x', '0');
ROLLBACK;

-- workflows in error (count, the worst by name) and paused (7 days: Adobe's warning)
SELECT status, target, value, message FROM campmon.checks WHERE check_name = 'workflows_failed';
SELECT status, count(*), min(value), max(value) FROM campmon.checks WHERE check_name = 'workflows_paused' GROUP BY 1 ORDER BY 1;
SELECT target, status, value, message FROM campmon.checks WHERE check_name = 'workflows_paused' AND target IN ('cleanup', 'WKF024036', 'WKF024046') ORDER BY 1;

-- deliveries the cleanup should have closed or purged, the mirror pages and
-- sessions it should have purged (by its last run, NmsCleanup_LastCleanup)
SELECT check_name, status, target, value, message FROM campmon.checks
WHERE check_name IN ('deliveries_not_closed', 'delivery_parts_left', 'deleted_deliveries_backlog', 'mirror_page_backlog', 'session_backlog')
ORDER BY 1, 3;
-- and each back to ok once the cleanup has done its work
BEGIN;
UPDATE nmsdelivery SET istate = 95 WHERE istate BETWEEN 51 AND 84 AND tsvalidity < '2026-11-15 03:00';
DELETE FROM nmsdeliverypart WHERE ideliveryid IN (SELECT ideliveryid FROM nmsdelivery WHERE istate IN (85, 95));
DELETE FROM nmsdelivery WHERE ideletestatus <> 0 AND tslastmodified < '2026-11-08 03:00';
UPDATE nmsdelivery SET iwebrespurged = 1 WHERE tswebvalidity < '2026-11-15 03:00';
DELETE FROM xtksessioninfo WHERE tsexpiration < '2026-11-15 03:00';
SELECT check_name, status, target, value FROM campmon.checks
WHERE check_name IN ('deliveries_not_closed', 'delivery_parts_left', 'deleted_deliveries_backlog', 'mirror_page_backlog', 'session_backlog')
ORDER BY 1, 3;
ROLLBACK;
-- without NmsCleanup_LastCleanup, "now" is the cutoff
BEGIN;
DELETE FROM xtkoption WHERE sname = 'NmsCleanup_LastCleanup';
SELECT check_name, value, message LIKE '%by now%' OR message LIKE '%before now%' AS as_of_now FROM campmon.checks
WHERE check_name IN ('deliveries_not_closed', 'session_backlog') ORDER BY 1;
ROLLBACK;
-- estimates without a full scan: counted (small table), through an index
-- on the date column, else from a sample of about 100 pages
SELECT estimate, how FROM campmon._estimate_rows('xtksessioninfo', 'tsexpiration < ''2026-11-15''', 'tsexpiration');
SELECT estimate = (SELECT count(*) FROM nmsbroadlogrcp WHERE tslastmodified < '2026-07-01') AS exact, how
FROM campmon._estimate_rows('nmsbroadlogrcp', 'tslastmodified < ''2026-07-01''', 'tslastmodified');
SELECT estimate BETWEEN 0.5 * n AND 1.5 * n AS near_the_count, how LIKE 'estimated from a sample of about 100 pages%' AS sampled
FROM campmon._estimate_rows('nmsbroadlogrcp', 'istatus = 4', 'istatus'),
     (SELECT count(*) AS n FROM nmsbroadlogrcp WHERE istatus = 4) c;
-- a missing table or column: no row, or a warning row
BEGIN;
ALTER TABLE nmsdelivery RENAME COLUMN tsvalidity TO tsvalidity_gone;
ALTER TABLE xtksessioninfo RENAME COLUMN tsexpiration TO tsexpiration_gone;
DROP TABLE nmsmirrorpageinfo;
SELECT check_name, status, target, message FROM campmon.checks
WHERE check_name IN ('deliveries_not_closed', 'session_backlog', 'mirror_page_backlog') ORDER BY 1, 3;
ROLLBACK;

-- the identifier sequence xtknewid: 77% used in the demo (warning); 90% critical;
-- after a wrap, the negative half counts (setval is not transactional:
-- the demo's value is put back)
SELECT status, target, value, threshold, message FROM campmon.checks WHERE check_name = 'key_sequence' AND target = 'public.xtknewid';
SELECT setval('xtknewid', 1950000000) IS NOT NULL AS set;
SELECT status, value FROM campmon.checks WHERE check_name = 'key_sequence' AND target = 'public.xtknewid';
SELECT setval('xtknewid', 1000) IS NOT NULL AS set;
SELECT status, value FROM campmon.checks WHERE check_name = 'key_sequence' AND target = 'public.xtknewid';
ALTER SEQUENCE xtknewid MINVALUE -2147483648;
SELECT setval('xtknewid', -500000000) IS NOT NULL AS set;
SELECT status, value, message LIKE '%in the negative range after a wrap%' AS said FROM campmon.checks WHERE check_name = 'key_sequence' AND target = 'public.xtknewid';
SELECT setval('xtknewid', 1650000000) IS NOT NULL AS put_back;
ALTER SEQUENCE xtknewid MINVALUE 1;

-- alerts worth waking for: bloat is a warning or critical only above
-- campmon.bloat_alert_min_size (64MB by default); the demo's small hot
-- tables are ok, their figure in the message; with no floor, alerts
SELECT current_setting('campmon.bloat_alert_min_size') AS floor;
SELECT check_name, status, count(*) FROM campmon.checks WHERE check_name IN ('table_bloat', 'index_bloat') GROUP BY 1, 2 ORDER BY 1, 2;
SELECT status, value >= 60 AS above_critical_pct, regexp_replace(message, '^[0-9.]+% bloat \([^)]*\)', '<figures>') AS message
FROM campmon.checks WHERE check_name = 'table_bloat' AND target = 'public.nmsdeliverypart';
SET campmon.bloat_alert_min_size = 0;
-- (the demo's relations: the catalogs' indexes follow the server's past --
-- the OIDs a server has handed out decide where their keys land -- not the demo's)
SELECT check_name, status, count(*) FROM campmon.checks
WHERE check_name IN ('table_bloat', 'index_bloat') AND target NOT LIKE 'pg\_catalog.%' GROUP BY 1, 2 ORDER BY 1, 2;
SELECT target, status FROM campmon.checks
WHERE check_name = 'table_bloat' AND target IN ('public.nmsdeliverypart', 'public.xtkworkflowtask', 'pg_catalog.pg_attribute', 'public.nmsdelivery')
ORDER BY 1;
RESET campmon.bloat_alert_min_size;

-- a sampled figure is judged by its 95% interval, not by one draw: with the
-- threshold between the interval's low end and the estimate, no alert, and
-- the message says why; with the threshold at or below the low end, an alert
SET campmon.tables_mode = 'sampled';
SET campmon.sample_pages = 10;
SET campmon.sample_seed = 5;
SET campmon.bloat_alert_min_size = 0;
SELECT format('%I.%I', schema_name, table_name) AS judged_table, floor(bloat_pct)::int AS between_pct,
       floor(bloat_pct_low)::int AS below_pct
FROM campmon.tables
WHERE method = 'sampled' AND family IN (SELECT family FROM campmon.family WHERE high_churn)
  AND floor(bloat_pct) > bloat_pct_low AND floor(bloat_pct_low) >= 1 AND bloat_pct_high < 60
ORDER BY bloat_pct - bloat_pct_low DESC, 1 LIMIT 1 \gset
SET campmon.bloat_warning_pct = :between_pct;
SELECT status, message LIKE '%threshold lies within the sample''s 95% interval%judged by its low end%' AS says_why
FROM campmon.checks WHERE check_name = 'table_bloat' AND target = :'judged_table';
SET campmon.bloat_warning_pct = :below_pct;
SELECT status, message LIKE '%lies within%' AS says_within
FROM campmon.checks WHERE check_name = 'table_bloat' AND target = :'judged_table';
RESET campmon.bloat_warning_pct;
RESET campmon.bloat_alert_min_size;
RESET campmon.sample_seed;
RESET campmon.sample_pages;
SET campmon.tables_mode = 'exact';

-- the registry: every check_name campmon.checks emits here (this database
-- exercises most of them) has its row in campmon.check_definitions; one
-- paused, failed cleanup workflow is one alarm (cleanup_workflow), the
-- others referring to it
SELECT DISTINCT check_name AS unregistered FROM campmon.checks
EXCEPT SELECT check_name FROM campmon.check_definitions;
SELECT check_name, status, left(message, 90) AS message FROM campmon.checks
WHERE check_name LIKE '%workflow%' AND (target LIKE '%cleanup%' OR message LIKE '%cleanup%') ORDER BY 1;
