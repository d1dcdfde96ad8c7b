-- scale_bench.sql: campmon's listings over a database with many work
-- tables.  psql variables: work_tables (default 40000).  Run by
-- bench/scale_bench.sh in a throw-away cluster.
\set ON_ERROR_STOP 1
\if :{?work_tables} \else \set work_tables 40000 \endif
CREATE EXTENSION IF NOT EXISTS campmon;

\echo == a small Campaign schema and :work_tables work tables
CREATE TABLE xtkworkflow (iworkflowid int PRIMARY KEY, sinternalname text, istate smallint, ifailed smallint, tslastmodified timestamp);
CREATE TABLE nmsdelivery (ideliveryid int PRIMARY KEY, istate smallint, ideletestatus smallint, tslastmodified timestamp);
CREATE TABLE xtkoption (sname text PRIMARY KEY, sstringvalue text);
INSERT INTO xtkworkflow SELECT g, 'wf' || g, (ARRAY[0, 11, 13, 20])[1 + g % 4], (g % 7 = 0)::int, '2026-11-01' FROM generate_series(1, 5000) g;
INSERT INTO nmsdelivery SELECT g, (ARRAY[0, 55, 85, 95, 100])[1 + g % 5], (g % 11 = 0)::int, '2026-11-01' FROM generate_series(1, 5000) g;
INSERT INTO xtkoption VALUES ('NmsCleanup_LastCleanup', '2026-11-20 03:00:00');

CREATE PROCEDURE pg_temp.make_work_tables(n int) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1 .. n LOOP
        IF i % 2 = 0 THEN
            EXECUTE format('CREATE TABLE wkf%s_%s_1 (iid int, irecipientid int, ssegmentcode varchar(32))', 1 + i % 6000, i);
        ELSE
            EXECUTE format('CREATE TABLE wkdlv_%s_%s (iid int, irecipientid int)', 1 + i % 6000, i);
        END IF;
        IF i % 500 = 0 THEN COMMIT; END IF;
    END LOOP;
END $$;
\timing on
CALL pg_temp.make_work_tables(:work_tables);
\timing off
SELECT count(*) AS relations FROM pg_class;

\echo == timings in a fresh session each (default modes), with the backend's peak memory
SELECT pg_backend_pid() AS pid \gset
\setenv CAMPMON_PID :pid
\! grep VmHWM /proc/$CAMPMON_PID/status
\timing on
SELECT count(*) AS stale_tables FROM campmon.stale_tables;
\timing off
\! grep VmHWM /proc/$CAMPMON_PID/status
\connect
SELECT pg_backend_pid() AS pid \gset
\setenv CAMPMON_PID :pid
\timing on
SELECT count(*) AS tables FROM campmon.tables;
\timing off
\! grep VmHWM /proc/$CAMPMON_PID/status
\connect
SELECT pg_backend_pid() AS pid \gset
\setenv CAMPMON_PID :pid
\timing on
SELECT count(*) AS indexes FROM campmon.indexes;
\timing off
\! grep VmHWM /proc/$CAMPMON_PID/status
\connect
SELECT pg_backend_pid() AS pid \gset
\setenv CAMPMON_PID :pid
\timing on
SELECT count(*) AS plan_steps FROM campmon.plan();
\timing off
\! grep VmHWM /proc/$CAMPMON_PID/status
\connect
SELECT pg_backend_pid() AS pid \gset
\setenv CAMPMON_PID :pid
\timing on
SELECT count(*) AS checks FROM campmon.checks;
\timing off
\! grep VmHWM /proc/$CAMPMON_PID/status
