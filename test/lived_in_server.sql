--
-- lived_in_server.sql: make a throw-away server look like one a DBA has used
-- for a while, for `make installcheck` to run against a second time
-- (scripts/package.sh): other roles (a campmon_demo, a superuser, a member
-- of campmon_admin), a Campaign database where campmon is installed (so its
-- roles exist before the tests create the extension), and settings a DBA
-- chooses in postgresql.conf: campmon's thresholds, modes and schemas, and
-- PostgreSQL's own.  The tests must pass whatever of this a server has.
--
CREATE ROLE campmon_demo LOGIN;
CREATE ROLE alice SUPERUSER LOGIN;
CREATE ROLE bob LOGIN;
CREATE ROLE regress_someone_else;
CREATE ROLE dba CREATEROLE CREATEDB LOGIN;
CREATE DATABASE campaign;
\c campaign
CREATE EXTENSION pgstattuple;
CREATE EXTENSION campmon;
GRANT campmon_admin TO dba;
GRANT campmon_reader TO bob;
CREATE TABLE public.nmsbroadlogrcp (id int primary key);
\c postgres
LOAD 'campmon';
ALTER SYSTEM SET campmon.bloat_warning_pct = 45;
ALTER SYSTEM SET campmon.bloat_critical_pct = 70;
ALTER SYSTEM SET campmon.stale_min_age = '3d';
ALTER SYSTEM SET campmon.tables_mode = 'exact';
ALTER SYSTEM SET campmon.indexes_mode = 'stats';
ALTER SYSTEM SET campmon.sample_pages = 50;
ALTER SYSTEM SET campmon.work_table_schemas = 'public, extra';
ALTER SYSTEM SET work_mem = '64MB';
ALTER SYSTEM SET lc_monetary = 'C.UTF-8';
ALTER SYSTEM SET log_min_messages = 'notice';
ALTER SYSTEM SET statement_timeout = '10min';
ALTER SYSTEM SET default_statistics_target = 300;
SELECT pg_reload_conf();
