--
-- tables_view: campmon.tables lists every ordinary table, in a cheap mode by
-- default, with stable column names
--
CREATE TABLE tv_log (id int, ts timestamp, note text) WITH (autovacuum_enabled = false);
INSERT INTO tv_log SELECT g, timestamp '2026-01-01' + g * interval '1 hour', repeat('n', g % 50)
FROM generate_series(1, 20000) g;
CREATE INDEX tv_log_ts ON tv_log (ts);
DELETE FROM tv_log WHERE id <= 10000;
VACUUM tv_log;
ANALYZE tv_log;
CREATE TABLE tv_parted (id int) PARTITION BY RANGE (id);
CREATE TABLE tv_parted_1 PARTITION OF tv_parted FOR VALUES FROM (0) TO (1000);
CREATE VIEW tv_view AS SELECT * FROM tv_log;
CREATE MATERIALIZED VIEW tv_matview AS SELECT 1 AS x;

-- the column list BI tools rely on
SELECT attnum, attname, format_type(atttypid, atttypmod)
FROM pg_attribute WHERE attrelid = 'campmon.tables'::regclass AND attnum > 0 ORDER BY attnum;

-- ordinary tables (partitions included) and catalogs; no views, matviews,
-- partitioned parents, indexes
SELECT table_name FROM campmon.tables WHERE table_name LIKE 'tv\_%' ORDER BY 1;
SELECT count(*) > 50 AS has_catalogs FROM campmon.tables WHERE schema_name = 'pg_catalog';
SELECT count(*) = (SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relpersistence <> 't') AS every_table
FROM campmon.tables;

-- default mode adaptive: statistics analyzed and not modified since, but
-- which leave half the table unaccounted for (the purge VACUUM made free
-- space of): a claim of bloat, verified by a sample of its pages (64, or
-- more when its interval is wide: every page here); sizes, TOAST, indexes
-- and activity
SELECT method, regexp_replace(basis, '^sample of \d+ of', 'sample of N of') AS basis,
       table_bytes = pg_relation_size('tv_log') AS table_bytes,
       toast_bytes = pg_relation_size((SELECT reltoastrelid FROM pg_class WHERE relname = 'tv_log')) AS toast_bytes,
       indexes_bytes = pg_indexes_size('tv_log') AS indexes_bytes,
       total_bytes = pg_total_relation_size('tv_log') AS total_bytes,
       abs(live_rows - 10000) < 500 AS live_rows_10000, bloat_pct > 30 AS bloated,
       last_vacuum IS NOT NULL AS vacuumed, vacuum_count
FROM campmon.tables WHERE table_name = 'tv_log';

-- the view's mode follows campmon.tables_mode
SET campmon.tables_mode = 'exact';
SELECT t.method, t.live_rows = p.tuple_count AS exact_live, t.free_bytes = p.free_space AS exact_free
FROM campmon.tables t, pgstattuple('tv_log') p WHERE t.table_name = 'tv_log';
-- one figure in the view and the function: percentages numeric, rounded to
-- two decimals in both (the bytes keep full precision)
SELECT t.bloat_pct = b.bloat_pct AS same_pct, pg_typeof(b.bloat_pct) AS type, scale(b.bloat_pct) AS decimals,
       b.bloat_pct = round(100.0 * b.bloat_bytes / b.table_bytes, 2) AS from_the_bytes
FROM campmon.tables t, campmon.table_bloat('tv_log', 'exact') b WHERE t.table_name = 'tv_log';
SELECT pg_typeof(avg_leaf_density) AS density, scale(avg_leaf_density) AS decimals, pg_typeof(leaf_fragmentation) AS fragmentation
FROM campmon.index_bloat('tv_log_ts', 'exact');
-- every function that takes a relation takes a regclass: a name will do
SELECT method FROM campmon.try_table_bloat('tv_log', 'exact');
SELECT method FROM campmon.try_index_bloat('tv_log_ts', 'exact');
SELECT p.oid::regprocedure AS takes_an_oid FROM pg_proc p, unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, k)
WHERE p.pronamespace = 'campmon'::regnamespace AND a.t IN ('oid'::regtype, 'oid[]'::regtype)
ORDER BY 1;
SET campmon.tables_mode = 'approx';
SELECT method, is_estimate FROM campmon.tables WHERE table_name = 'tv_log';
RESET campmon.tables_mode;

-- a temporary table of this session is listed, other sessions' are not
CREATE TEMP TABLE tv_temp (id int);
SELECT table_name, schema_name LIKE 'pg_temp%' AS temp_schema FROM campmon.tables WHERE table_name = 'tv_temp';
