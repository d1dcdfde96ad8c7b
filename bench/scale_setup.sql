-- scale_setup.sql: a Campaign-like database of about :relations relations
-- for bench/scale_bench.sh.  80% of them are small work tables (wkf...,
-- wkdlv_...), a quarter of which have an index; as many tables again were
-- created and dropped before, so pg_class, pg_attribute and pg_type carry
-- the dead rows work-table churn leaves; and three large log tables (about
-- 100 MB each, with indexes) stand for Campaign's big ones.  Deterministic.
\set ON_ERROR_STOP 1
CREATE EXTENSION IF NOT EXISTS campmon;
SELECT (:relations * 0.8)::int AS work_tables \gset

CREATE TABLE xtkworkflow (iworkflowid int PRIMARY KEY, sinternalname text, istate smallint, ifailed smallint, tslastmodified timestamp);
CREATE TABLE nmsdelivery (ideliveryid int PRIMARY KEY, istate smallint, ideletestatus smallint, tslastmodified timestamp);
CREATE TABLE xtkoption (sname text PRIMARY KEY, sstringvalue text);
INSERT INTO xtkworkflow SELECT g, 'wf' || g, (ARRAY[0, 11, 13, 20])[1 + g % 4], (g % 7 = 0)::int, '2026-11-01' FROM generate_series(1, 5000) g;
INSERT INTO nmsdelivery SELECT g, (ARRAY[0, 55, 85, 95, 100])[1 + g % 5], (g % 11 = 0)::int, '2026-11-01' FROM generate_series(1, 5000) g;
INSERT INTO xtkoption VALUES ('NmsCleanup_LastCleanup', '2026-11-20 03:00:00');

-- the large tables: broadlog and tracking logs with deleted rows
CREATE TABLE nmsbroadlogrcp (ibroadlogid bigint PRIMARY KEY, ideliveryid int, irecipientid int, istatus smallint, tsevent timestamp, smessage text)
    WITH (autovacuum_enabled = false);
CREATE TABLE nmstrackinglogrcp (itrackinglogid bigint PRIMARY KEY, ideliveryid int, irecipientid int, iurlid int, tslog timestamp)
    WITH (autovacuum_enabled = false);
CREATE TABLE nmsrecipient (irecipientid int PRIMARY KEY, semail text, sfirstname text, slastname text, tslastmodified timestamp);
INSERT INTO nmsbroadlogrcp SELECT g, g % 5000, g % 200000, g % 7, '2026-11-01'::timestamp + g * interval '1 s', 'msg ' || g FROM generate_series(1, 1000000) g;
INSERT INTO nmstrackinglogrcp SELECT g, g % 5000, g % 200000, g % 50, '2026-11-01'::timestamp + g * interval '1 s' FROM generate_series(1, 1400000) g;
INSERT INTO nmsrecipient SELECT g, 'r' || g || '@example.com', 'first' || g, 'last' || g, '2026-11-01' FROM generate_series(1, 800000) g;
CREATE INDEX ON nmsbroadlogrcp (ideliveryid);
CREATE INDEX ON nmstrackinglogrcp (tslog);
CREATE INDEX ON nmsrecipient (semail);
DELETE FROM nmsbroadlogrcp WHERE ibroadlogid % 3 = 0;
DELETE FROM nmstrackinglogrcp WHERE itrackinglogid % 4 = 0;
ANALYZE nmsbroadlogrcp, nmstrackinglogrcp, nmsrecipient;

CREATE PROCEDURE pg_temp.make_work_tables(n int, churn boolean) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1 .. n LOOP
        IF churn THEN
            EXECUTE format('CREATE TABLE wkf_churn_%s (iid int, irecipientid int, ssegmentcode varchar(32))', i);
            EXECUTE format('DROP TABLE wkf_churn_%s', i);
        ELSIF i % 2 = 0 THEN
            EXECUTE format('CREATE TABLE wkf%s_%s_1 (iid int, irecipientid int, ssegmentcode varchar(32))', 1 + i % 6000, i);
            IF i % 4 = 0 THEN
                EXECUTE format('CREATE INDEX ON wkf%s_%s_1 (iid)', 1 + i % 6000, i);
            END IF;
        ELSE
            EXECUTE format('CREATE TABLE wkdlv_%s_%s (iid int, irecipientid int)', 1 + i % 6000, i);
        END IF;
        IF i % 500 = 0 THEN COMMIT; END IF;
    END LOOP;
END $$;
-- churn first (catalog bloat), then the work tables that stay, created by
-- Campaign's own role as in the field (a superuser's tables are never work
-- tables: campmon would leave them out)
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'campaign_bench') THEN CREATE ROLE campaign_bench NOLOGIN; END IF; END $$;
GRANT CREATE ON SCHEMA public TO campaign_bench;
SET ROLE campaign_bench;
CALL pg_temp.make_work_tables(:work_tables, true);
CALL pg_temp.make_work_tables(:work_tables, false);
RESET ROLE;
-- the cumulative statistics of the catalogs' dead rows reach campmon
SELECT pg_stat_force_next_flush();
