-- heap_bench.sql: campmon's heap modes against pgstattuple on one bloated
-- table, measured in one run.  Run by bench/heap_bench.sh; psql variables:
--   rows  rows inserted before the purge (default 10000000: about 1.1 GB)
--   reps  interleaved timing rounds, median reported (default 7)
\set ON_ERROR_STOP 1
\if :{?rows} \else \set rows 10000000 \endif
\if :{?reps} \else \set reps 7 \endif
SET max_parallel_workers_per_gather = 0;
CREATE EXTENSION IF NOT EXISTS pgstattuple;
CREATE EXTENSION IF NOT EXISTS campmon;

\echo == building a Campaign-like delivery log of :rows rows
DROP TABLE IF EXISTS bench_broadlog;
CREATE TABLE bench_broadlog (
    ibroadlogid bigint, ideliveryid int, irecipientid int, imsgid int,
    istatus smallint, iflags int, tsevent timestamp, tslastmodified timestamp,
    saddress varchar(128)
) WITH (autovacuum_enabled = false);
INSERT INTO bench_broadlog
SELECT g, g / 20000, (g * 7919) % 5000000, g % 1000, 1, 0,
       timestamp '2026-01-01' + g * interval '2 seconds',
       timestamp '2026-01-01' + g * interval '2 seconds',
       'recipient' || ((g * 7919) % 5000000) || '@mail' || (g % 97) || '.example.com'
FROM generate_series(1::bigint, :rows) g;
-- purge by date: the oldest 45% go, then VACUUM makes their space free
DELETE FROM bench_broadlog WHERE ibroadlogid <= :rows * 0.45;
VACUUM bench_broadlog;
-- status updates on 8% of what is left: dead tuples spread over the table
UPDATE bench_broadlog SET istatus = 2, tslastmodified = tslastmodified + interval '1 day'
WHERE ibroadlogid % 13 = 0;
CHECKPOINT;
SELECT pg_size_pretty(pg_relation_size('bench_broadlog')) AS table_size,
       pg_relation_size('bench_broadlog') >= 1024 * 1024 * 1024 AS at_least_1gb;

CREATE TEMP TABLE timing (name text, ms double precision);
\ir timing.sql

\echo == timing (median of :reps interleaved rounds, after one warm-up run)
INSERT INTO runs VALUES
 ('pgstattuple',        $$SELECT * FROM pgstattuple('bench_broadlog')$$, 0, NULL),
 ('pgstattuple_approx', $$SELECT * FROM pgstattuple_approx('bench_broadlog')$$, 0, NULL),
 ('campmon exact',      $$SELECT * FROM campmon.table_bloat('bench_broadlog', 'exact')$$, 0, NULL),
 ('campmon approx',     $$SELECT * FROM campmon.table_bloat('bench_broadlog', 'approx')$$, 0, NULL),
 ('campmon sampled',    $$SELECT * FROM campmon.table_bloat('bench_broadlog', 'sampled')$$, 0, NULL),
 ('campmon stats',      $$SELECT * FROM campmon.table_bloat('bench_broadlog', 'stats')$$, 0, NULL);
\o /dev/null
SELECT pg_temp.time_rounds(:reps);
\o
INSERT INTO timing
SELECT label, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM runs WHERE round > 0 GROUP BY label;
SELECT name, round(ms::numeric, 1) AS ms,
       round((ms / (SELECT ms FROM timing WHERE name = 'pgstattuple'))::numeric, 4) AS time_ratio_to_pgstattuple,
       round(((SELECT ms FROM timing WHERE name = 'pgstattuple') / ms)::numeric, 1) AS speedup
FROM timing ORDER BY ms DESC;

\echo == exact against pgstattuple on this table (must be equal)
SELECT c.live_rows = p.tuple_count AND c.live_bytes = p.tuple_len
       AND c.dead_rows = p.dead_tuple_count AND c.dead_bytes = p.dead_tuple_len
       AND c.free_bytes = p.free_space AS exact_equals_pgstattuple,
       c.bloat_pct AS exact_bloat_pct, pg_size_pretty(c.bloat_bytes) AS bloat
FROM campmon.table_bloat('bench_broadlog', 'exact') c, pgstattuple('bench_broadlog') p;

\echo == sampled error against exact, over 20 samples (seeds 1..20)
CREATE TEMP TABLE exact AS SELECT * FROM campmon.table_bloat('bench_broadlog', 'exact');
CREATE FUNCTION pg_temp.sampled_with_seed(r regclass, seed int)
RETURNS TABLE (scanned_pages bigint, bloat_pct float8, bloat_pct_low float8, bloat_pct_high float8)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('campmon.sample_seed', seed::text, true);
    RETURN QUERY SELECT b.scanned_pages, b.bloat_pct, b.bloat_pct_low, b.bloat_pct_high
                 FROM campmon.table_bloat(r, 'sampled') b;
END $$;
CREATE TEMP TABLE samples AS
SELECT k AS seed, s.* FROM generate_series(1, 20) k, LATERAL pg_temp.sampled_with_seed('bench_broadlog', k) s;
SELECT min(s.scanned_pages) AS sample_pages,
       count(DISTINCT s.bloat_pct) AS distinct_samples,
       count(*) FILTER (WHERE abs(s.bloat_pct - e.bloat_pct) <= 2) || '/20' AS within_2_points,
       round(avg(abs(s.bloat_pct - e.bloat_pct))::numeric, 2) AS mean_abs_error_points,
       round(max(abs(s.bloat_pct - e.bloat_pct))::numeric, 2) AS max_abs_error_points,
       round(avg(s.bloat_pct_high - s.bloat_pct_low)::numeric, 2) AS mean_interval_width,
       count(*) FILTER (WHERE e.bloat_pct BETWEEN s.bloat_pct_low AND s.bloat_pct_high) || '/20' AS interval_holds_exact
FROM samples s, exact e;

\echo == targets (issue: sampled >= 50x faster than pgstattuple with |error| <= 2 points; exact ratio <= 1.0)
SELECT (SELECT ms FROM timing WHERE name = 'pgstattuple') / (SELECT ms FROM timing WHERE name = 'campmon sampled') >= 50 AS sampled_50x_faster,
       (SELECT max(abs(s.bloat_pct - e.bloat_pct)) FROM samples s, exact e) <= 2 AS sampled_error_within_2_points,
       (SELECT ms FROM timing WHERE name = 'campmon exact') <= (SELECT ms FROM timing WHERE name = 'pgstattuple') AS exact_not_slower;
DROP TABLE bench_broadlog;
