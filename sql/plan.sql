--
-- plan: campmon.plan on what the demo and campaign tests left, quoting
-- through \gexec, dry and real runs by the background worker, re-checks at
-- execution time, sizes against predictions, privileges
--
SET campmon.tables_mode = 'exact';
SET campmon.indexes_mode = 'exact';
SET campmon.sample_seed = 5;

-- Campaign's own role owns its work tables: the ones this test creates as a
-- superuser are given to it (a superuser's tables are never work tables)
CREATE FUNCTION pg_temp.to_campaign() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n integer := 0;
BEGIN
    FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c
             WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
               AND c.relkind = 'r' AND c.relname ~ '^wkf'
               AND coalesce(obj_description(c.oid, 'pg_class'), '') NOT LIKE 'campmon demo look-alike%'
             ORDER BY c.oid
    LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO regress_campaign', r.rel);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

-- the plan: ordered phases (drops first), each step complete; how many
-- VACUUM/ANALYZE steps depends on when activity statistics were flushed
SELECT action, CASE WHEN action = 'DROP TABLE' THEN count(*) END AS drops, count(*) > 0 AS planned
FROM campmon.plan() GROUP BY action ORDER BY min(step);
SELECT count(*) FILTER (WHERE command IS NULL OR reason IS NULL OR lock_level IS NULL
                          OR expected_gain_bytes IS NULL OR estimated_seconds IS NULL) AS incomplete_steps,
       count(*) = count(DISTINCT step) AND min(step) = 1 AND max(step) = count(*) AS numbered
FROM campmon.plan();
-- (the first six after the drops and the catalogs, shown by name; whether
-- a catalog is over the floor of a VACUUM depends on its dead rows, which
-- a server's past and autovacuum change)
SELECT action, target, lock_level, command
FROM (SELECT * FROM campmon.plan() WHERE action <> 'DROP TABLE' AND target NOT LIKE 'pg\_catalog.%'
      ORDER BY step LIMIT 6) first_steps
ORDER BY target;
-- the catalogs after the drops: each of them gets rows the drops delete
-- (pg_statistic only those of analyzed tables), so a floor of one dead row
-- vacuums them; none under a floor no catalog reaches
SET campmon.vacuum_min_dead_rows = 1;
SELECT target, reason ~ 'this plan''s drops delete' AS counts_the_drops
FROM campmon.plan(actions => '{DROP TABLE,VACUUM}') WHERE target LIKE 'pg\_catalog.%' AND target <> 'pg_catalog.pg_statistic'
ORDER BY target;
SET campmon.vacuum_min_dead_rows = 100000000;
SET campmon.vacuum_min_dead_size = '100GB';
SELECT count(*) AS catalogs_under_the_floor FROM campmon.plan() WHERE target LIKE 'pg\_catalog.%';
RESET campmon.vacuum_min_dead_rows;
RESET campmon.vacuum_min_dead_size;

-- narrowing the plan
SELECT DISTINCT action FROM campmon.plan(actions => '{ANALYZE}');
SELECT DISTINCT family FROM campmon.plan(families => '{workflow}');
SELECT count(*) AS steps FROM campmon.plan(max_steps => 3);
SELECT bool_and(expected_gain_bytes >= 200000 OR action IN ('ANALYZE', 'VACUUM (FREEZE)')) AS gains_ok
FROM campmon.plan(min_gain_bytes => 200000);
-- suspect work tables only on request; held ones never, but shown as kept
SELECT count(*) FILTER (WHERE reason LIKE 'suspect:%') AS suspect_default,
       (SELECT count(*) FROM campmon.plan(include_suspect => true) WHERE reason LIKE 'suspect:%') AS suspect_on_request
FROM campmon.plan();
SELECT action, command IS NULL AS no_command,
       CASE WHEN reason LIKE 'index hygiene%' THEN 'index hygiene'
            WHEN reason LIKE 'on Adobe''s routine rebuild list%' THEN 'routine rebuild' ELSE 'other' END AS kind,
       count(*)
FROM campmon.plan(show_kept => true)
WHERE action = 'keep' GROUP BY 1, 2, 3 ORDER BY 3;
SELECT count(*) AS held_in_plan FROM campmon.plan(include_suspect => true) p
JOIN campmon.stale_tables s ON s.relid = p.target_relid WHERE s.verdict = 'held' AND p.action <> 'keep';

-- bad arguments
\set VERBOSITY default
SELECT * FROM campmon.plan(actions => '{TRUNCATE}');
-- an unknown family is refused, as an unknown action is (it planned nothing)
SELECT * FROM campmon.plan(families => '{broadlogs}');
CALL campmon.run_plan(families => '{workflow,Workflow}');
SELECT * FROM campmon.plan(max_steps => 0);
SELECT * FROM campmon.plan(min_gain_bytes => -1);
\set VERBOSITY terse

-- quoting: work tables with quotes, spaces, semicolons, and an upper-case
-- table to vacuum; the plan's commands run through \gexec
CREATE TABLE "wkf24038_9_1 ""quoted""" (id int);
CREATE TABLE "wkf24038_10_1 with spaces" (id int);
CREATE TABLE "wkf24038_11_1; DROP TABLE nmsdelivery; --" (id int);
SELECT pg_temp.to_campaign() AS given_to_campaign;
CREATE TABLE "Pl Upper ""Case""; x" (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO "Pl Upper ""Case""; x" SELECT g, repeat('x', 50) FROM generate_series(1, 20000) g;
DELETE FROM "Pl Upper ""Case""; x" WHERE id % 2 = 0;
-- the deleted rows reach the statistics now: flushed after the VACUUM
-- below, they would count as dead again
SELECT pg_stat_force_next_flush();
SELECT action, command FROM campmon.plan()
WHERE target LIKE '%24038\_9\_%' OR target LIKE '%24038\_10\_%' OR target LIKE '%24038\_11\_%' OR target LIKE '%Pl Upper%'
ORDER BY step;
SELECT command FROM campmon.plan()
WHERE target LIKE '%24038\_9\_%' OR target LIKE '%24038\_10\_%' OR target LIKE '%24038\_11\_%' OR target LIKE '%Pl Upper%'
ORDER BY step \gexec
SELECT count(*) AS quoted_tables_left FROM pg_class
WHERE relname LIKE 'wkf24038\_9\_%' OR relname LIKE 'wkf24038\_10\_%' OR relname LIKE 'wkf24038\_11\_%';
SELECT to_regclass('nmsdelivery') IS NOT NULL AS nmsdelivery_intact;
-- (that its VACUUM ran, not what it could remove: an ANALYZE of autovacuum
-- elsewhere in this database may hold back the horizon a while)
SELECT vacuum_count > 0 AS vacuumed FROM pg_stat_user_tables WHERE relname = 'Pl Upper "Case"; x';

-- a dry run changes nothing and records every step as skipped
SELECT count(*) AS stale_before FROM campmon.stale_tables WHERE verdict = 'stale';
CALL campmon.run_plan(actions => '{DROP TABLE}')\gset
\set dry_run_id :run_id
-- when run_plan returns, its worker holds the run lock no more: the next
-- run may start at once
SELECT count(*) AS run_lock_still_held FROM pg_locks l JOIN campmon.run r ON l.pid = r.worker_pid
WHERE r.run_id = :dry_run_id AND l.locktype = 'advisory';
SELECT r.dry_run, r.status, r.run_by = current_user AS run_by_me, s.outcome, s.error, count(*) > 0 AS steps
FROM campmon.run r JOIN campmon.run_step s USING (run_id) WHERE r.run_id = :dry_run_id GROUP BY 1, 2, 3, 4, 5;
SELECT count(*) AS stale_after_dry_run FROM campmon.stale_tables WHERE verdict = 'stale';
-- a run of one step says "1 step" (plural forms follow the count)
CALL campmon.run_plan(actions => '{DROP TABLE}', max_steps => 1)\gset
SELECT :'summary' AS summary;

-- a table whose workflow comes back to life after planning is not dropped:
-- the drop re-reads the verdict under the table's lock
CREATE TABLE wkf24038_12_1 (id int);
SELECT pg_temp.to_campaign() AS given_to_campaign;
SELECT oid AS revived FROM pg_class WHERE relname = 'wkf24038_12_1' \gset
SELECT verdict FROM campmon.stale_tables WHERE relid = :revived;
UPDATE xtkworkflow SET istate = 11 WHERE iworkflowid = 24038;
SELECT campmon.drop_work_table(:revived);
SELECT to_regclass('wkf24038_12_1') IS NOT NULL AS still_there;
-- and the worker's plan, made at run time, leaves it out altogether
CALL campmon.run_plan(dry_run => false, actions => '{DROP TABLE}')\gset
\set drop_run_id :run_id
SELECT outcome, count(*) FROM campmon.history WHERE run_id = :drop_run_id GROUP BY 1;
SELECT count(*) AS revived_in_run FROM campmon.history WHERE run_id = :drop_run_id AND target LIKE '%wkf24038\_12\_1';
SELECT to_regclass('wkf24038_12_1') IS NOT NULL AS still_there,
       (SELECT count(*) FROM campmon.stale_tables WHERE verdict = 'stale') AS stale_left;
UPDATE xtkworkflow SET istate = 20 WHERE iworkflowid = 24038;
SELECT campmon.drop_work_table(:revived);
DROP TABLE IF EXISTS wkf24038_12_1;

-- a superuser's look-alike of a stale work table (the demo's copy of a
-- finished workflow's table) is never dropped: the real run above left it,
-- and so does every DROP the plan gives, run through \gexec.  Owned by
-- Campaign's role, the same table would be stale: the name alone decides
-- nothing
SELECT oid AS lookalike, relname AS lookalike_name FROM pg_class WHERE relname LIKE 'wkf%\_0\_dba\_copy' \gset
SELECT count(*) AS lookalike_in_run FROM campmon.history WHERE run_id = :drop_run_id AND target LIKE '%dba\_copy';
SELECT count(*) AS lookalike_drops FROM campmon.plan(include_suspect => true, show_kept => true)
WHERE target_relid = :lookalike AND action = 'DROP TABLE';
SELECT command FROM campmon.plan(actions => '{DROP TABLE}', include_suspect => true) ORDER BY step \gexec
SELECT to_regclass(:'lookalike_name') IS NOT NULL AS lookalike_still_there,
       (SELECT count(*) FROM campmon.stale_tables WHERE verdict IN ('stale', 'suspect')) AS stale_or_suspect_left;
BEGIN;
ALTER TABLE :"lookalike_name" OWNER TO regress_campaign;
SELECT verdict FROM campmon.stale_tables WHERE relid = :lookalike;
ROLLBACK;

-- rewrites and rebuilds shrink tables and indexes as predicted (DESIGN:
-- tables within 5% of min_bytes after VACUUM FULL, indexes within 10% after
-- REINDEX); the test tables get a family of their own to keep runs to them
INSERT INTO campmon.family (family, pattern, description) VALUES ('pltest', '^pl_', 'plan test tables');
SET campmon.reindex_min_size = '64kB';
CREATE TABLE pl_rewrite (id int PRIMARY KEY, d int, v text) WITH (autovacuum_enabled = false);
INSERT INTO pl_rewrite SELECT g, g % 40, repeat(md5(g::text), 3) FROM generate_series(1, 60000) g;
CREATE INDEX pl_rewrite_d ON pl_rewrite (d);
DELETE FROM pl_rewrite WHERE id % 10 <> 0;
VACUUM pl_rewrite;
CREATE TABLE pl_dup (id int) WITH (autovacuum_enabled = false);
INSERT INTO pl_dup SELECT g % 100 FROM generate_series(1, 2000) g;
CREATE UNIQUE INDEX CONCURRENTLY pl_dup_id ON pl_dup (id);
SELECT action, target, lock_level, reason LIKE '%bloat%' OR reason LIKE 'invalid index%' AS reason_ok
FROM campmon.plan(allow_blocking => true, families => '{pltest}') ORDER BY step;
-- without allow_blocking no rewrite: the kept row says what it would give back, and how to get pg_repack
SELECT action, reason LIKE 'a rewrite would give back % REPACK needs the pg_repack extension: CREATE EXTENSION pg_repack (Debian package postgresql-15-repack)' AS reason_ok
FROM campmon.plan(show_kept => true, families => '{pltest}') WHERE action = 'keep';
-- (by name: REINDEX CONCURRENTLY builds a new index, with a new OID)
CREATE TEMP TABLE pl_predicted AS
SELECT 'pl_rewrite_d'::text AS rel, min_bytes FROM campmon.index_bloat('pl_rewrite_d', 'exact')
UNION ALL SELECT 'pl_rewrite_pkey', min_bytes FROM campmon.index_bloat('pl_rewrite_pkey', 'exact');
CALL campmon.run_plan(dry_run => false, families => '{pltest}',
                        actions => '{REINDEX INDEX CONCURRENTLY,DROP INDEX CONCURRENTLY}')\gset
\set rebuild_run_id :run_id
SELECT action, target, outcome FROM campmon.history WHERE run_id = :rebuild_run_id ORDER BY step;
SELECT rel, abs(min_bytes::numeric / pg_relation_size(rel::regclass) - 1) <= 0.10 AS index_as_predicted FROM pl_predicted ORDER BY 1;
SELECT to_regclass('pl_dup_id') IS NULL AS invalid_index_dropped;
INSERT INTO pl_predicted SELECT 'pl_rewrite', min_bytes FROM campmon.table_bloat('pl_rewrite', 'exact');
CALL campmon.run_plan(dry_run => false, allow_blocking => true, families => '{pltest}',
                        actions => '{VACUUM (FULL)}')\gset
\set rewrite_run_id :run_id
SELECT action, target, outcome, size_after < size_before AS shrank FROM campmon.history WHERE run_id = :rewrite_run_id;
SELECT abs(min_bytes::numeric / pg_relation_size(rel::regclass) - 1) <= 0.05 AS table_as_predicted
FROM pl_predicted WHERE rel = 'pl_rewrite';
SELECT last_analyze IS NOT NULL AS analyzed_after_rewrite FROM pg_stat_user_tables WHERE relname = 'pl_rewrite';
-- VACUUM is planned for dead rows, not for free space it cannot give back:
-- a table emptied and vacuumed has 90% bloat, and one dead row more does
-- not make it a VACUUM step again (it did, so every run vacuumed it); many
-- dead rows do
CREATE TABLE pl_free (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO pl_free SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g;
DELETE FROM pl_free WHERE id % 10 <> 0;
VACUUM pl_free;
DELETE FROM pl_free WHERE id = 10;
SELECT bloat_pct > 80 AS mostly_free, dead_rows FROM campmon.tables WHERE table_name = 'pl_free';
SELECT count(*) AS vacuum_for_free_space FROM campmon.plan(families => '{pltest}') WHERE target = 'public.pl_free' AND action = 'VACUUM';
DELETE FROM pl_free WHERE id % 20 = 0;
SELECT action, reason FROM campmon.plan(families => '{pltest}') WHERE target = 'public.pl_free' AND action = 'VACUUM';
DROP TABLE pl_free;

-- plans without noise (issue 28): no VACUUM below its floor
-- (campmon.vacuum_min_dead_rows, 1000, or campmon.vacuum_min_dead_size,
-- 1MB, of dead rows), whatever their share: 35 dead rows of 100 are 35%
CREATE TABLE pl_few (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO pl_few SELECT g, 'x' FROM generate_series(1, 100) g;
SELECT pg_stat_force_next_flush();
ANALYZE pl_few;
DELETE FROM pl_few WHERE id <= 35;
SELECT pg_stat_force_next_flush();
SELECT dead_rows FROM campmon.tables WHERE table_name = 'pl_few';
SELECT count(*) AS vacuum_under_floor FROM campmon.plan(families => '{pltest}') WHERE target = 'public.pl_few';
SET campmon.vacuum_min_dead_rows = 30;
SELECT action, reason FROM campmon.plan(families => '{pltest}') WHERE target = 'public.pl_few';
SET campmon.vacuum_min_dead_rows = 1000;
SET campmon.vacuum_min_dead_size = '1kB';
SELECT action FROM campmon.plan(families => '{pltest}') WHERE target = 'public.pl_few';
RESET campmon.vacuum_min_dead_rows;
RESET campmon.vacuum_min_dead_size;
-- ANALYZE of a small table only when its statistics are missing: 75 rows
-- changed (35 deleted, 40 updated) of 65 (115%) are under campmon.analyze_min_changed_rows (1000);
-- a table never analyzed is planned whatever its size
VACUUM pl_few;
UPDATE pl_few SET v = 'y' WHERE id <= 75;
SELECT pg_stat_force_next_flush();
SELECT n_mod_since_analyze AS changed FROM campmon.tables WHERE table_name = 'pl_few';
SELECT count(*) AS analyze_under_floor FROM campmon.plan(families => '{pltest}', actions => '{ANALYZE}') WHERE target = 'public.pl_few';
SET campmon.analyze_min_changed_rows = 10;
SELECT action, reason FROM campmon.plan(families => '{pltest}', actions => '{ANALYZE}') WHERE target = 'public.pl_few';
RESET campmon.analyze_min_changed_rows;
CREATE TABLE pl_few_new (id int);
INSERT INTO pl_few_new VALUES (1), (2);
SELECT action, reason FROM campmon.plan(families => '{pltest}', actions => '{ANALYZE}') WHERE target = 'public.pl_few_new';
DROP TABLE pl_few, pl_few_new;
-- never advice to drop an index something needs: a bloated, never-scanned
-- primary key backs its constraint, a unique index enforces uniqueness (a
-- replica identity is one); a plain index nothing needs may go; no
-- "unknown%" when the listing read no density (stats mode)
CREATE TABLE pl_unused (id int PRIMARY KEY, v int NOT NULL, w int) WITH (autovacuum_enabled = false);
CREATE UNIQUE INDEX pl_unused_v_u ON pl_unused (v);
CREATE INDEX pl_unused_w ON pl_unused (w);
INSERT INTO pl_unused SELECT g, g, g FROM generate_series(1, 60000) g;
DELETE FROM pl_unused WHERE id % 10 <> 0;
VACUUM pl_unused;
SELECT target, reason ~ 'consider dropping' AS drop_advice, reason ~ 'see campmon.index_hygiene' AS weigh_it,
       reason ~ 'backs constraint pl_unused_pkey' AS says_constraint
FROM campmon.plan(families => '{pltest}', actions => '{REINDEX INDEX CONCURRENTLY}') ORDER BY target;
SET campmon.indexes_mode = 'stats';
SELECT count(*) > 0 AS planned, count(*) FILTER (WHERE reason ~ 'unknown') AS unknown_in_reasons
FROM campmon.plan(families => '{pltest}', actions => '{REINDEX INDEX CONCURRENTLY}');
SET campmon.indexes_mode = 'exact';
DROP TABLE pl_unused;

-- VACUUM and ANALYZE steps are throttled as autovacuum is
-- (campmon.run_cost_delay, 2 ms by default): with a cost limit of 1 (set
-- for the database, which the worker's session reads) every page read
-- sleeps that long, so 10 ms makes a VACUUM of ~100 pages last over a
-- second; 0 runs it at full speed
INSERT INTO campmon.family (family, pattern, description, priority) VALUES ('plcost', '^pl_cost$', 'this test''s table', 1);
CREATE TABLE pl_cost (id int, v text) WITH (autovacuum_enabled = false);
-- (7000 rows: the second run's third of them is over the VACUUM floor)
INSERT INTO pl_cost SELECT g, repeat('x', 200) FROM generate_series(1, 7000) g;
DELETE FROM pl_cost WHERE id % 2 = 0;
SELECT current_database() AS db \gset
ALTER DATABASE :"db" SET vacuum_cost_limit = 1;
SET campmon.run_cost_delay = '10ms';
CALL campmon.run_plan(dry_run => false, families => '{plcost}', actions => '{VACUUM}')\gset
SELECT h.outcome, h.duration >= interval '0.5 s' AS throttled, r.options->'cost_delay_ms' AS cost_delay_ms
FROM campmon.history h JOIN campmon.run r USING (run_id) WHERE run_id = :run_id AND target = 'public.pl_cost';
DELETE FROM pl_cost WHERE id % 3 = 0;
-- (the DELETE's counts reach the statistics now: the step reads its dead rows there)
DO $flush$ BEGIN PERFORM pg_stat_force_next_flush(); END $flush$;
SET campmon.run_cost_delay = 0;
CALL campmon.run_plan(dry_run => false, families => '{plcost}', actions => '{VACUUM}')\gset
SELECT h.outcome, h.duration < interval '0.5 s' AS full_speed, r.options->'cost_delay_ms' AS cost_delay_ms
FROM campmon.history h JOIN campmon.run r USING (run_id) WHERE run_id = :run_id AND target = 'public.pl_cost';
-- what a VACUUM did, named as what it is: it made dead rows' space reusable
-- (reusable_bytes, in the proportion of dead rows it removed) and gave
-- (about) nothing back to the file system (released_bytes)
SELECT action, outcome, dead_rows_before > 0 AS had_dead, dead_rows_after AS dead_left,
       reusable_bytes > 0 AS made_reusable, abs(released_bytes) < 65536 AS file_kept
FROM campmon.history WHERE run_id = :run_id AND target = 'public.pl_cost';
ALTER DATABASE :"db" RESET vacuum_cost_limit;
RESET campmon.run_cost_delay;
DROP TABLE pl_cost;
DELETE FROM campmon.family WHERE family = 'plcost';

-- VACUUMs are ordered by the reads they save, not their bytes
-- (bench/payoff_bench.sh): a small table read all day, half of its rows
-- dead, comes before a larger one with more dead bytes that nothing reads
-- (only the DELETE's own scan).  Rows read since the statistics reset x dead
-- rows per live one: hot 100 scans x 200 rows, cold 6,000 rows once.
INSERT INTO campmon.family (family, pattern, description, priority) VALUES ('plorder', '^pl_ord_', 'this test''s tables', 1);
CREATE TABLE pl_ord_cold (id int, v text) WITH (autovacuum_enabled = false);
CREATE TABLE pl_ord_hot (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO pl_ord_cold SELECT g, repeat('c', 300) FROM generate_series(1, 6000) g;
INSERT INTO pl_ord_hot SELECT g, 'h' FROM generate_series(1, 400) g;
DELETE FROM pl_ord_cold WHERE id % 2 = 0;
DELETE FROM pl_ord_hot WHERE id % 2 = 0;
DO $$ BEGIN FOR i IN 1..100 LOOP PERFORM count(*) FROM pl_ord_hot; END LOOP; END $$;
-- (both under the floor of a VACUUM for this case: the order is the point)
SET campmon.vacuum_min_dead_rows = 0;
SET campmon.vacuum_min_dead_size = 0;
SELECT pg_stat_force_next_flush();
SELECT step - min(step) OVER () + 1 AS n, target, expected_gain_bytes > 100000 AS large_gain
FROM campmon.plan(families => '{plorder}', actions => '{VACUUM}', min_gain_bytes => 0) ORDER BY step;
RESET campmon.vacuum_min_dead_rows;
RESET campmon.vacuum_min_dead_size;
DROP TABLE pl_ord_cold, pl_ord_hot;
DELETE FROM campmon.family WHERE family = 'plorder';

-- a step's size_before is taken when it starts: the ANALYZE of a table
-- after a REINDEX of its index is not credited with what the REINDEX gave
-- back; size_after is the target's, found by name (the rebuilt index has a
-- new OID)
INSERT INTO campmon.family (family, pattern, description, priority) VALUES ('plboth', '^pl_both$', 'this test''s table', 1);
CREATE TABLE pl_both (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
INSERT INTO pl_both SELECT g, repeat('y', 100) FROM generate_series(1, 40000) g;
DELETE FROM pl_both WHERE id % 10 <> 0;
VACUUM pl_both;
SELECT pg_total_relation_size('pl_both') AS before_run \gset
CALL campmon.run_plan(dry_run => false, families => '{plboth}', actions => '{REINDEX INDEX CONCURRENTLY,ANALYZE}')\gset
SELECT action, target, outcome, size_before < :before_run AS measured_when_started,
       size_after = pg_total_relation_size(target::regclass) AS size_after_of_target, sign(released_bytes) AS gained
FROM campmon.history WHERE run_id = :run_id AND target LIKE 'public.pl\_both%' ORDER BY step;
-- a table the plan rewrites (VACUUM FULL) gets no REINDEX of its indexes:
-- the rewrite rebuilds them
INSERT INTO pl_both SELECT g, repeat('y', 100) FROM generate_series(40001, 100000) g;
DELETE FROM pl_both WHERE id > 40000 AND id % 20 <> 0;
VACUUM pl_both;
SELECT action, target FROM campmon.plan(allow_blocking => true, families => '{plboth}')
WHERE action IN ('REINDEX INDEX CONCURRENTLY', 'VACUUM (FULL)') ORDER BY step;
SELECT action, target FROM campmon.plan(allow_blocking => true, families => '{plboth}', actions => '{REINDEX INDEX CONCURRENTLY}')
ORDER BY step;
DROP TABLE pl_both;
DELETE FROM campmon.family WHERE family = 'plboth';
RESET campmon.reindex_min_size;
DELETE FROM campmon.family WHERE family = 'pltest';

-- campmon's own history tables, written by every run, are left to
-- autovacuum: no run vacuums or analyzes them
SELECT count(*) AS own_tables_planned FROM campmon.plan() WHERE target LIKE 'campmon.%';

-- a time budget, counted from the run's start (planning included): once
-- spent, no step starts
CALL campmon.run_plan(dry_run => false, actions => '{ANALYZE}', max_steps => 3, time_budget => '1 ms')\gset
SELECT outcome, error, count(*) FROM campmon.history WHERE run_id = :run_id GROUP BY 1, 2 ORDER BY 1;
-- a budget under a millisecond is one millisecond, not "no limit"; one over
-- 24.8 days (2^31 ms) is that long, not negative
CALL campmon.run_plan(dry_run => false, actions => '{ANALYZE}', max_steps => 3, time_budget => '0.2 ms')\gset
SELECT r.options->'time_budget_ms' AS budget_ms, h.outcome, count(*) FROM campmon.history h JOIN campmon.run r USING (run_id)
WHERE run_id = :run_id GROUP BY 1, 2 ORDER BY 2;
CALL campmon.run_plan(actions => '{ANALYZE}', max_steps => 1, time_budget => '30 days')\gset
SELECT options->'time_budget_ms' AS budget_ms FROM campmon.run WHERE run_id = :run_id;
-- never a rewrite of the delivery logs, however bloated
SET campmon.bloat_critical_pct = 5;
SET campmon.reindex_min_size = '8kB';
SELECT DISTINCT action, reason LIKE '%never on the delivery logs%' AS never_broadlog
FROM campmon.plan(allow_blocking => true, show_kept => true, families => '{broadlog}', actions => '{VACUUM (FULL),keep}')
WHERE reason NOT LIKE 'index hygiene%';
RESET campmon.bloat_critical_pct;
RESET campmon.reindex_min_size;

-- privileges: readers plan, admins run; a step the role may not run is a
-- keep row saying who may, never a step that fails the run
CREATE ROLE regress_campmon_planner IN ROLE campmon_reader;
CREATE ROLE regress_campmon_runner LOGIN IN ROLE campmon_admin;
CREATE TABLE pl_unanalyzed_1 (id int);
CREATE TABLE pl_unanalyzed_2 (id int);
INSERT INTO pl_unanalyzed_1 VALUES (1);
INSERT INTO pl_unanalyzed_2 VALUES (1);
-- both see them (a reader lists the tables it may read), neither owns them
GRANT SELECT ON pl_unanalyzed_1, pl_unanalyzed_2 TO regress_campmon_planner, regress_campmon_runner;
SET ROLE regress_campmon_planner;
SELECT action, reason FROM campmon.plan(show_kept => true) WHERE target LIKE 'public.pl\_unanalyzed\__' ORDER BY target;
SELECT count(*) AS steps_of_others FROM campmon.plan() WHERE target LIKE 'public.pl\_unanalyzed\__';
-- ... and what the nightly job's role would run (a report shows that)
SELECT action, target FROM campmon.plan(run_as => session_user) WHERE target LIKE 'public.pl\_unanalyzed\__' ORDER BY target;
SELECT count(*) FROM campmon.plan(run_as => 'regress_no_such_role');
CALL campmon.run_plan();
RESET ROLE;
SET ROLE campmon_admin;
CALL campmon.run_plan();
RESET ROLE;
SET ROLE regress_campmon_runner;
CALL campmon.run_plan(dry_run => false, actions => '{ANALYZE}', max_steps => 2);
RESET ROLE;
SELECT count(*) AS steps FROM campmon.history WHERE run_id = (SELECT max(run_id) FROM campmon.run);
SELECT run_by, status FROM campmon.run WHERE run_id = (SELECT max(run_id) FROM campmon.run);
-- who may maintain what, as PostgreSQL decides it
SELECT campmon._maintain_denied('pl_unanalyzed_1'::regclass, 'ANALYZE') IS NULL AS superuser_may;
SET ROLE regress_campmon_runner;
SELECT campmon._maintain_denied('pl_unanalyzed_1'::regclass, 'ANALYZE') AS runner_denied;
RESET ROLE;
DROP TABLE pl_unanalyzed_1, pl_unanalyzed_2;
DROP ROLE regress_campmon_planner, regress_campmon_runner;

-- cancelling a run that is not running
SELECT campmon.cancel_run(:dry_run_id) AS cancelled;
SELECT campmon.cancel_run(-1) AS cancelled_missing;
-- every run ended; none left running
SELECT status, count(*) FROM campmon.run GROUP BY 1 ORDER BY 1;
DROP TABLE pl_rewrite, pl_dup, "Pl Upper ""Case""; x";
