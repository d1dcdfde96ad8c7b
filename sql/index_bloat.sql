--
-- index_bloat: B-tree measurement against pgstatindex, min_bytes against a
-- real REINDEX, sampled intervals, stats without page reads, other access
-- methods, invalid indexes
--
SET campmon.sample_seed = 11;

-- a delivery-log-like table: ids in insert order, a low-cardinality
-- delivery id (deduplicated), a text column, a multi-column index, and an
-- index made fragmented by random-order inserts
CREATE TABLE ix_log (id bigint PRIMARY KEY, delivery int, addr text, ts timestamp, rnd int)
    WITH (autovacuum_enabled = false);
CREATE INDEX ix_log_rnd ON ix_log (rnd) WITH (fillfactor = 70);   -- filled in random key order
INSERT INTO ix_log
SELECT g, g % 400, 'recipient' || (g * 7919 % 100000) || '@example.com',
       timestamp '2026-01-01' + g * interval '1 minute', (g * 2654435761) % 1000003
FROM generate_series(1::bigint, 120000) g;
CREATE INDEX ix_log_delivery ON ix_log (delivery);
CREATE INDEX ix_log_addr ON ix_log (addr);
CREATE INDEX ix_log_delivery_ts ON ix_log (delivery, ts);
-- purge by date, then VACUUM: empty and deleted pages at the old end
DELETE FROM ix_log WHERE id <= 60000;
VACUUM ix_log;
-- new rows in random key order: page splits, fragmentation
INSERT INTO ix_log
SELECT g, (g * 7) % 400, 'recipient' || (g * 104729 % 100000) || '@example.com',
       timestamp '2026-01-01' + g * interval '1 minute', (g * 2654435761) % 1000003
FROM generate_series(120001::bigint, 160000) g;

-- the fixtures have what is to be found
SELECT i AS index, p.deleted_pages > 0 AS has_deleted, p.leaf_fragmentation > 0 AS fragmented,
       p.avg_leaf_density < 85 AS sparse
FROM unnest('{ix_log_pkey,ix_log_delivery,ix_log_addr,ix_log_delivery_ts,ix_log_rnd}'::regclass[]) i,
     pgstatindex(i) p;

-- exact: every figure equals pgstatindex's
SELECT i AS index, c.method, c.is_estimate, c.access_method,
       c.index_bytes = p.index_size AS index_size,
       c.tree_level = p.tree_level AS tree_level,
       c.leaf_pages = p.leaf_pages AS leaf_pages,
       c.internal_pages = p.internal_pages AS internal_pages,
       c.empty_pages = p.empty_pages AS empty_pages,
       c.deleted_pages = p.deleted_pages AS deleted_pages,
       round(c.avg_leaf_density::numeric, 2) = p.avg_leaf_density::numeric AS density,
       round(c.leaf_fragmentation::numeric, 2) = p.leaf_fragmentation::numeric AS fragmentation
FROM unnest('{ix_log_pkey,ix_log_delivery,ix_log_addr,ix_log_delivery_ts,ix_log_rnd}'::regclass[]) i,
     campmon.index_bloat(i, 'exact') c, pgstatindex(i) p;

-- sampled: reads its sample, its intervals hold the exact values
SELECT i AS index, s.method, s.is_estimate, s.scanned_pages,
       s.avg_leaf_density_low <= e.avg_leaf_density AND e.avg_leaf_density <= s.avg_leaf_density_high AS density_holds,
       s.leaf_fragmentation_low <= e.leaf_fragmentation AND e.leaf_fragmentation <= s.leaf_fragmentation_high AS fragmentation_holds,
       s.bloat_pct_low <= e.bloat_pct AND e.bloat_pct <= s.bloat_pct_high AS bloat_holds,
       abs(s.avg_leaf_density - e.avg_leaf_density) < 5 AS density_within_5
FROM unnest('{ix_log_pkey,ix_log_addr,ix_log_delivery_ts,ix_log_rnd}'::regclass[]) i,
     campmon.index_bloat(i, 'sampled', 120) s, campmon.index_bloat(i, 'exact') e;

-- over 20 samples the density interval holds the exact value nearly always
CREATE FUNCTION idx_sampled_with_seed(r regclass, seed int, n int)
RETURNS TABLE (d numeric, lo numeric, hi numeric) LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('campmon.sample_seed', seed::text, true);
    RETURN QUERY SELECT b.avg_leaf_density, b.avg_leaf_density_low, b.avg_leaf_density_high
                 FROM campmon.index_bloat(r, 'sampled', n) b;
END $$;
SELECT count(DISTINCT s.d) > 10 AS distinct_samples,
       count(*) FILTER (WHERE s.lo <= e.avg_leaf_density AND e.avg_leaf_density <= s.hi) >= 17 AS coverage_ok
FROM campmon.index_bloat('ix_log_rnd', 'exact') e, generate_series(1, 20) k,
     LATERAL idx_sampled_with_seed('ix_log_rnd', k, 60) s;
SET campmon.sample_seed = 11;

-- a sample as large as the index reads every page and equals exact
SELECT s.scanned_pages = s.total_pages AS read_all, s.is_estimate,
       s.leaf_pages = e.leaf_pages AND s.deleted_pages = e.deleted_pages AS same_pages,
       s.avg_leaf_density = e.avg_leaf_density AS same_density, s.min_bytes = e.min_bytes AS same_min
FROM campmon.index_bloat('ix_log_rnd', 'sampled', 100000) s, campmon.index_bloat('ix_log_rnd', 'exact') e;

-- auto: exact when small, sampled above campmon.auto_exact_max_size
SELECT method FROM campmon.index_bloat('ix_log_pkey');
SET campmon.auto_exact_max_size = '256kB';
SELECT method, scanned_pages FROM campmon.index_bloat('ix_log_pkey', 'auto', 25);
RESET campmon.auto_exact_max_size;

-- pages read, from the backend's own counters: exact all, sampled its
-- sample (plus the metapage), stats none
CREATE FUNCTION index_pages_read(r regclass, m text, n int DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE before bigint := pg_stat_get_xact_blocks_fetched(r);
BEGIN
    PERFORM campmon.index_bloat(r, m, n);
    RETURN pg_stat_get_xact_blocks_fetched(r) - before;
END $$;
SELECT index_pages_read('ix_log_addr', 'exact') = pg_relation_size('ix_log_addr') / 8192 AS exact_reads_all,
       index_pages_read('ix_log_addr', 'sampled', 50) AS sampled_reads,
       index_pages_read('ix_log_addr', 'stats') AS stats_reads;

-- stats: an estimate without page reads; pages, density unknown
ANALYZE ix_log;
SELECT i AS index, s.method, s.is_estimate, s.scanned_pages, s.leaf_pages, s.avg_leaf_density,
       s.index_bytes = pg_relation_size(i) AS size,
       abs(s.bloat_pct - e.bloat_pct) < 15 AS within_15_points
FROM unnest('{ix_log_pkey,ix_log_delivery,ix_log_addr,ix_log_delivery_ts}'::regclass[]) i,
     campmon.index_bloat(i, 'stats') s, campmon.index_bloat(i, 'exact') e;

-- min_bytes against a real REINDEX (DESIGN: within 10%), exact and sampled
CREATE TEMP TABLE ix_predicted AS
SELECT i AS index, e.min_bytes AS exact_min, s.min_bytes AS sampled_min, e.bloat_pct > 5 AS bloated
FROM unnest('{ix_log_pkey,ix_log_delivery,ix_log_addr,ix_log_delivery_ts,ix_log_rnd}'::regclass[]) i,
     campmon.index_bloat(i, 'exact') e, campmon.index_bloat(i, 'sampled', 150) s;
REINDEX TABLE ix_log;
SELECT index, bloated,
       abs(exact_min::numeric / pg_relation_size(index) - 1) <= 0.10 AS exact_within_10pct,
       abs(sampled_min::numeric / pg_relation_size(index) - 1) <= 0.10 AS sampled_within_10pct
FROM ix_predicted ORDER BY 1;
-- and right after REINDEX, (almost) nothing left to reclaim
SELECT i AS index, c.bloat_pct < 5 AS compact, round(c.avg_leaf_density::numeric) AS density
FROM unnest('{ix_log_pkey,ix_log_delivery,ix_log_addr,ix_log_delivery_ts,ix_log_rnd}'::regclass[]) i,
     campmon.index_bloat(i, 'exact') c;

-- an empty index: its metapage, nothing to reclaim, density unknown
CREATE TABLE ix_empty (id int PRIMARY KEY);
SELECT m.mode, c.method, c.index_bytes, c.leaf_pages, c.avg_leaf_density, c.min_bytes, c.bloat_bytes, c.bloat_pct
FROM unnest('{exact,sampled,stats,auto}'::text[]) m(mode), campmon.index_bloat('ix_empty_pkey', m.mode) c;

-- other access methods: a row with the size, method 'unsupported'
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE ix_other (id int, tags int[], addr text, ts timestamp, pt point);
INSERT INTO ix_other SELECT g, ARRAY[g % 10, g % 7], 'a' || g, timestamp '2026-01-01' + g * interval '1 s', point(g, g)
FROM generate_series(1, 2000) g;
CREATE INDEX ix_other_gin ON ix_other USING gin (tags);
CREATE INDEX ix_other_hash ON ix_other USING hash (id);
CREATE INDEX ix_other_brin ON ix_other USING brin (ts);
CREATE INDEX ix_other_gist ON ix_other USING gist (pt);
CREATE INDEX ix_other_trgm ON ix_other USING gin (addr gin_trgm_ops);
SELECT i AS index, c.access_method, c.method, c.index_bytes = pg_relation_size(i) AS size,
       c.is_estimate, c.leaf_pages, c.avg_leaf_density, c.bloat_bytes
FROM unnest('{ix_other_gin,ix_other_hash,ix_other_brin,ix_other_gist,ix_other_trgm}'::regclass[]) i,
     campmon.index_bloat(i) c;

-- an invalid index left by a failed concurrent build: measured and flagged
CREATE TABLE ix_dup (id int);
INSERT INTO ix_dup SELECT g % 500 FROM generate_series(1, 5000) g;
CREATE UNIQUE INDEX CONCURRENTLY ix_dup_id ON ix_dup (id);
SELECT c.is_valid, c.is_ready, c.method, c.index_bytes > 0 AS has_size
FROM campmon.index_bloat('ix_dup_id', 'exact') c;
DROP INDEX ix_dup_id;
