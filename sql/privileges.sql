--
-- privileges: campmon_reader measures the tables it may SELECT from; with
-- pg_stat_scan_tables (or pg_monitor) it measures every table; a role with
-- neither campmon role can do nothing.
--
CREATE ROLE regress_campmon_nobody;
CREATE ROLE regress_campmon_reader IN ROLE campmon_reader;
CREATE ROLE regress_campmon_scanner IN ROLE campmon_reader, pg_stat_scan_tables;
CREATE ROLE regress_campmon_monitor IN ROLE pg_monitor;

CREATE TABLE pv_secret (id int PRIMARY KEY, card text) WITH (autovacuum_enabled = false);
INSERT INTO pv_secret SELECT g, 'x' FROM generate_series(1, 100) g;
CREATE TABLE pv_shared (id int PRIMARY KEY) WITH (autovacuum_enabled = false);
INSERT INTO pv_shared SELECT generate_series(1, 100);
GRANT SELECT ON pv_shared TO regress_campmon_reader;

\set VERBOSITY default
-- no campmon role: no access at all; the error says which roles to grant
-- (in a session where campmon's library is loaded: preloaded with
-- session_preload_libraries, or after a campmon call; doc/safety.md)
SELECT campmon.version() IS NOT NULL AS library_loaded;
SET ROLE regress_campmon_nobody;
SELECT method FROM campmon.table_bloat('pv_shared', 'exact');
SELECT count(*) FROM campmon.tables;
RESET ROLE;

-- campmon_reader alone: tables it may SELECT from, not the others
SET ROLE regress_campmon_reader;
SELECT method, live_rows FROM campmon.table_bloat('pv_shared', 'exact');
SELECT method, live_rows FROM campmon.table_bloat('pv_secret', 'exact');
SELECT table_name FROM campmon.tables WHERE table_name LIKE 'pv\_%' ORDER BY 1;
SELECT method, leaf_items FROM campmon.index_bloat('pv_shared_pkey', 'exact');
SELECT method FROM campmon.index_bloat('pv_secret_pkey', 'exact');
SELECT index_name FROM campmon.indexes WHERE table_name LIKE 'pv\_%' ORDER BY 1;
RESET ROLE;

-- campmon_reader + pg_stat_scan_tables: every table, contents still hidden
SET ROLE regress_campmon_scanner;
SELECT method, live_rows FROM campmon.table_bloat('pv_secret', 'exact');
SELECT table_name FROM campmon.tables WHERE table_name LIKE 'pv\_%' ORDER BY 1;
SELECT method, leaf_items FROM campmon.index_bloat('pv_secret_pkey', 'exact');
SELECT index_name FROM campmon.indexes WHERE table_name LIKE 'pv\_%' ORDER BY 1;
SELECT count(*) FROM pv_secret;
RESET ROLE;

-- pg_monitor members are granted campmon's functions and views directly
SET ROLE regress_campmon_monitor;
SELECT method, live_rows FROM campmon.table_bloat('pv_secret', 'exact');
SELECT table_name FROM campmon.tables WHERE table_name LIKE 'pv\_%' ORDER BY 1;
RESET ROLE;

DROP TABLE pv_secret, pv_shared;
DROP ROLE regress_campmon_nobody, regress_campmon_reader, regress_campmon_scanner, regress_campmon_monitor;
