--
-- modes: approx against pgstattuple_approx, sampled and its interval,
-- stats without page reads, auto's choice, and what each mode reads
--
SET campmon.sample_seed = 42;       -- repeatable samples

-- a purge-by-date table: oldest rows deleted and vacuumed (free space at
-- the start, all-visible pages after), then fresh updates (dead tuples)
CREATE TABLE fx_log (id bigint, delivery int, status smallint, ts timestamp, addr text)
    WITH (autovacuum_enabled = false);
INSERT INTO fx_log
SELECT g, g % 50, 1, timestamp '2026-01-01' + g * interval '10 seconds',
       'recipient' || g || '@example.com'
FROM generate_series(1, 120000) g;
DELETE FROM fx_log WHERE ts < timestamp '2026-01-01' + 48000 * interval '10 seconds';
VACUUM fx_log;
UPDATE fx_log SET status = 2 WHERE id % 10 = 0;
SELECT count(pgstattuple('fx_log'));          -- settle pruning, see table_bloat.sql

-- approx: equal to pgstattuple_approx (same VM/FSM shortcut); tuple_count
-- is extrapolated the same way (pgstattuple_approx truncates, we round)
SELECT c.method, c.is_estimate,
       c.table_bytes = a.table_len AS table_len,
       c.scanned_pages < c.total_pages AS skipped_some,
       round(100.0 * c.scanned_pages / c.total_pages) = round(a.scanned_percent) AS scanned_percent,
       abs(c.live_rows - a.approx_tuple_count) <= 1 AS tuple_count,
       c.live_bytes = a.approx_tuple_len AS tuple_len,
       c.dead_rows = a.dead_tuple_count AS dead_tuple_count,
       c.dead_bytes = a.dead_tuple_len AS dead_tuple_len,
       c.free_bytes = a.approx_free_space AS free_space
FROM campmon.table_bloat('fx_log', 'approx') c, pgstattuple_approx('fx_log') a;

-- approx and exact agree on bloat within a point here
SELECT abs(a.bloat_pct - e.bloat_pct) < 1 AS approx_close_to_exact
FROM campmon.table_bloat('fx_log', 'approx') a, campmon.table_bloat('fx_log', 'exact') e;

-- sampled: reads exactly sample_pages pages, says so, and its 95% interval
-- holds the exact value
SELECT s.method, s.is_estimate, s.scanned_pages, s.total_pages > 300 AS larger_than_sample,
       s.bloat_pct_low <= s.bloat_pct AND s.bloat_pct <= s.bloat_pct_high AS ordered,
       s.bloat_pct_low <= e.bloat_pct AND e.bloat_pct <= s.bloat_pct_high AS holds_exact,
       abs(s.bloat_pct - e.bloat_pct) < 5 AS within_5_points,
       abs(s.live_rows - e.live_rows) < 0.1 * e.live_rows AS live_within_10pct
FROM campmon.table_bloat('fx_log', 'sampled', 150) s, campmon.table_bloat('fx_log', 'exact') e;

-- over 20 different samples the interval holds the exact value nearly
-- always (95% nominal; at least 17 of 20 leaves room for chance).  The seed
-- goes through a function argument so that each row really draws anew.
CREATE FUNCTION sampled_with_seed(r regclass, seed int, n int)
RETURNS TABLE (bloat_pct numeric, bloat_pct_low numeric, bloat_pct_high numeric, free_bytes bigint, live_bytes bigint)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('campmon.sample_seed', seed::text, true);
    RETURN QUERY SELECT b.bloat_pct, b.bloat_pct_low, b.bloat_pct_high, b.free_bytes, b.live_bytes
                 FROM campmon.table_bloat(r, 'sampled', n) b;
END $$;
-- (the intervals and the extrapolated bytes tell the draws apart: with
-- strata the estimates of this table fall on a few whole page counts, and
-- the percentages have two decimals)
SELECT count(DISTINCT (s.bloat_pct_low, s.bloat_pct_high, s.free_bytes, s.live_bytes)) > 10 AS distinct_samples,
       count(*) FILTER (WHERE s.bloat_pct_low <= e.bloat_pct AND e.bloat_pct <= s.bloat_pct_high) >= 17 AS coverage_ok
FROM campmon.table_bloat('fx_log', 'exact') e,
     generate_series(1, 20) k,
     LATERAL sampled_with_seed('fx_log', k, 100) s;
SET campmon.sample_seed = 42;

-- the same seed draws the same sample
SELECT a.bloat_pct = b.bloat_pct AS repeatable
FROM campmon.table_bloat('fx_log', 'sampled', 100) a, campmon.table_bloat('fx_log', 'sampled', 100) b;

-- a sample at least as large as the table reads every page: exact figures,
-- a zero-width interval
SELECT s.scanned_pages = s.total_pages AS read_all, s.is_estimate,
       s.live_rows = e.live_rows AND s.dead_bytes = e.dead_bytes AND s.free_bytes = e.free_bytes AS same_counts,
       s.min_bytes = e.min_bytes AS same_min,
       s.bloat_pct_low = s.bloat_pct_high AS zero_width
FROM campmon.table_bloat('fx_log', 'sampled', 1000000) s, campmon.table_bloat('fx_log', 'exact') e;

-- the campmon.sample_pages GUC is the default sample size
SET campmon.sample_pages = 77;
SELECT scanned_pages FROM campmon.table_bloat('fx_log', 'sampled');
RESET campmon.sample_pages;

-- auto: exact at or below campmon.auto_exact_max_size, sampled above
SELECT method, scanned_pages = total_pages AS read_all FROM campmon.table_bloat('fx_log');
SET campmon.auto_exact_max_size = '1MB';
SELECT method, scanned_pages FROM campmon.table_bloat('fx_log', 'auto', 60);
RESET campmon.auto_exact_max_size;

-- stats: no page read at all, flagged as an estimate.  Before ANALYZE,
-- with no flushed statistics, the figures are unknown rather than guessed.
SELECT pg_stat_force_next_flush();  -- so the INSERT's counts wait for the next flush, a second later
CREATE TABLE fx_fresh (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO fx_fresh SELECT g, 'v' || g FROM generate_series(1, 5000) g;
SELECT method, is_estimate, scanned_pages, table_bytes > 0 AS has_size,
       live_rows IS NULL AS unknown_live, bloat_pct IS NULL AS unknown_bloat
FROM campmon.table_bloat('fx_fresh', 'stats');
ANALYZE fx_log;
SELECT s.method, s.is_estimate, s.scanned_pages,
       s.table_bytes = e.table_bytes AS same_size,
       abs(s.bloat_pct - e.bloat_pct) < 10 AS within_10_points
FROM campmon.table_bloat('fx_log', 'stats') s, campmon.table_bloat('fx_log', 'exact') e;

-- what each mode reads, from the backend's own buffer counters: exact every
-- page, sampled its sample, stats none
CREATE FUNCTION pages_read(r regclass, m text, n int DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE before bigint := pg_stat_get_xact_blocks_fetched(r);
BEGIN
    PERFORM campmon.table_bloat(r, m, n);
    RETURN pg_stat_get_xact_blocks_fetched(r) - before;
END $$;
SELECT pages_read('fx_log', 'exact') = pg_relation_size('fx_log') / 8192 AS exact_reads_all,
       pages_read('fx_log', 'sampled', 120) AS sampled_reads,
       pages_read('fx_log', 'stats') AS stats_reads;

-- sampled reads the same number of pages from a table several times
-- larger: its cost does not grow with the table
CREATE TABLE fx_big (LIKE fx_log) WITH (autovacuum_enabled = false);
INSERT INTO fx_big SELECT fx_log.* FROM fx_log, generate_series(1, 10);
SELECT pg_relation_size('fx_big') > 3 * pg_relation_size('fx_log') AS three_times_larger,
       pages_read('fx_big', 'sampled', 120) AS sampled_reads;
