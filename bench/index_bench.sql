-- index_bench.sql: campmon's B-tree modes against pgstatindex on two large
-- indexes, measured in one run.  Run by bench/index_bench.sh; psql variables:
--   rows  rows inserted (default 10000000: two indexes of about 550 MB)
--   reps  interleaved timing rounds, median reported (default 7)
\set ON_ERROR_STOP 1
\if :{?rows} \else \set rows 10000000 \endif
\if :{?reps} \else \set reps 7 \endif
SET max_parallel_workers_per_gather = 0;
SET max_parallel_maintenance_workers = 0;
CREATE EXTENSION IF NOT EXISTS pgstattuple;
CREATE EXTENSION IF NOT EXISTS campmon;

\echo == building a delivery log of :rows rows with two indexes
DROP TABLE IF EXISTS bench_log;
CREATE TABLE bench_log (id bigint, ideliveryid int, tslastmodified timestamp, saddress text, skey text)
    WITH (autovacuum_enabled = false);
-- filled in random key order while rows arrive: page splits, fragmentation
CREATE INDEX bench_log_skey ON bench_log (skey);
INSERT INTO bench_log
SELECT g, g / 20000, timestamp '2026-01-01' + g * interval '2 seconds',
       'recipient' || ((g * 7919) % 5000000) || '@mail' || (g % 97) || '.example.com',
       md5(g::text)
FROM generate_series(1::bigint, :rows) g;
-- built once, then purged by date: half-empty leaves everywhere in the key space
CREATE INDEX bench_log_addr ON bench_log (saddress);
DELETE FROM bench_log WHERE id <= :rows * 0.45;
VACUUM bench_log;
CHECKPOINT;
-- a primary key of twice the rows, whose table had a row in 40 updated
-- since its VACUUM (an indexed column, so no HOT): no heap page is
-- all-visible, and the dead-row check reads the heap behind the entries
DROP TABLE IF EXISTS bench_pk;
CREATE TABLE bench_pk (id bigint PRIMARY KEY, n int, v text) WITH (autovacuum_enabled = false);
CREATE INDEX bench_pk_n ON bench_pk (n);
INSERT INTO bench_pk SELECT g, 0, repeat('x', 40) FROM generate_series(1::bigint, :rows * 2) g;
VACUUM bench_pk;
UPDATE bench_pk SET n = 1 WHERE id % 40 = 0;
CHECKPOINT;
SELECT i AS index, pg_size_pretty(pg_relation_size(i)) AS size, pg_relation_size(i) >= 300 * 1024 * 1024 AS at_least_300mb,
       p.avg_leaf_density, p.leaf_fragmentation, p.deleted_pages
FROM unnest('{bench_log_addr,bench_log_skey,bench_pk_pkey}'::regclass[]) i, pgstatindex(i) p;

CREATE TEMP TABLE timing (index text, name text, ms double precision);
\ir timing.sql

\echo == timing (median of :reps interleaved rounds, after one warm-up run)
INSERT INTO runs
SELECT i || '|' || f.name, format(f.q, i), 0, NULL
FROM unnest('{bench_log_addr,bench_log_skey,bench_pk_pkey}'::text[]) i,
     (VALUES ('pgstatindex',     'SELECT * FROM pgstatindex(%L)'),
             ('campmon exact',   'SELECT * FROM campmon.index_bloat(%L, ''exact'')'),
             ('campmon sampled', 'SELECT * FROM campmon.index_bloat(%L, ''sampled'')'),
             ('campmon stats',   'SELECT * FROM campmon.index_bloat(%L, ''stats'')')) f(name, q);
\o /dev/null
SELECT pg_temp.time_rounds(:reps);
\o
INSERT INTO timing
SELECT split_part(label, '|', 1), split_part(label, '|', 2), percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)
FROM runs WHERE round > 0 GROUP BY label;
SELECT t.index, t.name, round(t.ms::numeric, 1) AS ms,
       round((t.ms / p.ms)::numeric, 4) AS time_ratio_to_pgstatindex,
       round((p.ms / t.ms)::numeric, 1) AS speedup
FROM timing t JOIN timing p ON p.index = t.index AND p.name = 'pgstatindex'
ORDER BY t.index, t.ms DESC;

\echo == exact against pgstatindex (must be equal)
SELECT i AS index,
       c.leaf_pages = p.leaf_pages AND c.internal_pages = p.internal_pages AND c.deleted_pages = p.deleted_pages
       AND c.empty_pages = p.empty_pages AND round(c.avg_leaf_density::numeric, 2) = p.avg_leaf_density::numeric
       AND round(c.leaf_fragmentation::numeric, 2) = p.leaf_fragmentation::numeric AS exact_equals_pgstatindex,
       round(c.bloat_pct::numeric, 2) AS bloat_pct, pg_size_pretty(c.bloat_bytes) AS bloat
FROM unnest('{bench_log_addr,bench_log_skey,bench_pk_pkey}'::regclass[]) i, campmon.index_bloat(i, 'exact') c, pgstatindex(i) p;

\echo == sampled error against exact, over 20 samples (seeds 1..20)
CREATE FUNCTION pg_temp.sampled_with_seed(r regclass, seed int)
RETURNS TABLE (scanned_pages bigint, d float8, dlo float8, dhi float8, f float8, flo float8, fhi float8, b float8)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('campmon.sample_seed', seed::text, true);
    RETURN QUERY SELECT x.scanned_pages, x.avg_leaf_density, x.avg_leaf_density_low, x.avg_leaf_density_high,
                        x.leaf_fragmentation, x.leaf_fragmentation_low, x.leaf_fragmentation_high, x.bloat_pct
                 FROM campmon.index_bloat(r, 'sampled') x;
END $$;
CREATE TEMP TABLE exact AS
SELECT i AS index, c.avg_leaf_density, c.leaf_fragmentation, c.bloat_pct
FROM unnest('{bench_log_addr,bench_log_skey,bench_pk_pkey}'::regclass[]) i, campmon.index_bloat(i, 'exact') c;
CREATE TEMP TABLE samples AS
SELECT e.index, k AS seed, s.* FROM exact e, generate_series(1, 20) k, LATERAL pg_temp.sampled_with_seed(e.index, k) s;
SELECT s.index, min(s.scanned_pages) AS pages_read,
       count(DISTINCT s.d) AS distinct_samples,
       round(avg(abs(s.d - e.avg_leaf_density))::numeric, 2) AS density_mean_abs_error,
       round(max(abs(s.d - e.avg_leaf_density))::numeric, 2) AS density_max_abs_error,
       count(*) FILTER (WHERE e.avg_leaf_density BETWEEN s.dlo AND s.dhi) || '/20' AS density_interval_holds,
       round(max(abs(s.f - e.leaf_fragmentation))::numeric, 2) AS fragmentation_max_abs_error,
       round(max(abs(s.b - e.bloat_pct))::numeric, 2) AS bloat_max_abs_error
FROM samples s JOIN exact e ON e.index = s.index GROUP BY s.index ORDER BY 1;

\echo == targets (issue 27: sampled >= 20x faster than pgstatindex with |density error| <= 3 points; exact >= 0.9x, no slower than pgstatindex / 0.9)
SELECT t.index,
       p.ms / t.ms >= 20 AS sampled_20x_faster,
       (SELECT max(abs(s.d - e.avg_leaf_density)) FROM samples s JOIN exact e ON e.index = s.index WHERE s.index::text = t.index) <= 3 AS density_error_within_3,
       x.ms <= p.ms / 0.9 AS exact_at_least_0_9x
FROM timing t JOIN timing p ON p.index = t.index AND p.name = 'pgstatindex'
JOIN timing x ON x.index = t.index AND x.name = 'campmon exact'
WHERE t.name = 'campmon sampled' ORDER BY 1;
DROP TABLE bench_log, bench_pk;
