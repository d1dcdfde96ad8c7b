--
-- indexes_view: campmon.indexes lists every index, in a cheap mode by
-- default, with its table, constraint, validity and use
--
CREATE TABLE iv_log (id bigint PRIMARY KEY, code text UNIQUE, d int, tags int[])
    WITH (autovacuum_enabled = false);
INSERT INTO iv_log SELECT g, 'c' || g, g % 50, ARRAY[g % 3] FROM generate_series(1, 20000) g;
CREATE INDEX iv_log_d ON iv_log (d);
CREATE INDEX iv_log_tags ON iv_log USING gin (tags);
DELETE FROM iv_log WHERE id <= 15000;
VACUUM iv_log;
SET campmon.sample_seed = 3;            -- repeatable samples (the default mode samples iv_log's B-trees)
SET enable_seqscan = off;
SELECT count(*) FROM iv_log WHERE id = 16000;     -- one index scan
RESET enable_seqscan;
SELECT pg_stat_force_next_flush();                -- counted once this backend is idle

-- the column list BI tools rely on
SELECT attnum, attname, format_type(atttypid, atttypmod)
FROM pg_attribute WHERE attrelid = 'campmon.indexes'::regclass AND attnum > 0 ORDER BY attnum;

-- every index of the database, catalogs' included
SELECT count(*) = (SELECT count(*) FROM pg_class WHERE relkind = 'i' AND relpersistence <> 't') AS every_index
FROM campmon.indexes;
SELECT count(*) > 100 AS has_catalog_indexes FROM campmon.indexes WHERE schema_name = 'pg_catalog';

-- what the view says of each index of iv_log: in the default mode,
-- adaptive, its B-trees are sampled (iv_log was never analyzed), every page
-- of them here; the GIN index has its size only
SELECT index_name, table_name, access_method, method, is_valid, is_primary, is_unique, constraint_name,
       index_bytes = pg_relation_size(indexrelid) AS size, leaf_pages, idx_scan > 0 AS used
FROM campmon.indexes WHERE table_name = 'iv_log' ORDER BY index_name;

-- its mode follows campmon.indexes_mode
SET campmon.indexes_mode = 'exact';
SELECT i.index_name, i.method, i.leaf_pages = p.leaf_pages AS leaf_pages,
       i.avg_leaf_density = p.avg_leaf_density::numeric AS density, i.bloat_pct > 50 AS bloated
FROM campmon.indexes i, pgstatindex(i.indexrelid) p
WHERE i.table_name = 'iv_log' AND i.access_method = 'btree' ORDER BY 1;
RESET campmon.indexes_mode;
SET campmon.indexes_mode = 'approx';
SET campmon.indexes_mode = 'bogus';
