-- interval_coverage.sql: coverage of the sampled 95% intervals of bloat_pct.
-- Run by bench/interval_coverage.sh; psql variable seeds (default 60).
\set ON_ERROR_STOP 1
\if :{?seeds} \else \set seeds 60 \endif
SET max_parallel_workers_per_gather = 0;
CREATE EXTENSION IF NOT EXISTS campmon;
\o /dev/null
SELECT setseed(0.15);
\o

\echo == building the shapes
-- full: freshly loaded, no bloat (about 383 pages: the case of issue 15)
CREATE TABLE cov_full (id bigint, delivery int, status smallint, ts timestamp, addr text)
    WITH (autovacuum_enabled = false);
INSERT INTO cov_full SELECT g, g % 50, 1, timestamp '2026-01-01' + g * interval '10 seconds',
       'recipient' || g || '@example.com' FROM generate_series(1, 40000) g;
-- purge: purge by date (oldest 40% deleted and vacuumed: free space
-- clustered at the start), then updates of 10% (dead tuples spread out)
CREATE TABLE cov_purge (LIKE cov_full) WITH (autovacuum_enabled = false);
INSERT INTO cov_purge SELECT * FROM cov_full;
INSERT INTO cov_purge SELECT id + 40000, delivery, status, ts, addr FROM cov_full;
DELETE FROM cov_purge WHERE id <= 32000;
VACUUM cov_purge;
UPDATE cov_purge SET status = 2 WHERE id % 10 = 0;
-- purge_dead: purge by date not yet vacuumed (dead rows clustered)
CREATE TABLE cov_purge_dead (LIKE cov_full) WITH (autovacuum_enabled = false);
INSERT INTO cov_purge_dead SELECT * FROM cov_full;
DELETE FROM cov_purge_dead WHERE id <= 16000;
-- scattered: 30% deleted at random and vacuumed
CREATE TABLE cov_scattered (LIKE cov_full) WITH (autovacuum_enabled = false);
INSERT INTO cov_scattered SELECT * FROM cov_full;
DELETE FROM cov_scattered WHERE random() < 0.3;
VACUUM cov_scattered;
-- mixed: rows of 10 to 600 bytes, 20% deleted at random
CREATE TABLE cov_mixed (id int, body text) WITH (autovacuum_enabled = false);
INSERT INTO cov_mixed SELECT g, repeat('m', 10 + (random() * 590)::int) FROM generate_series(1, 12000) g;
DELETE FROM cov_mixed WHERE random() < 0.2;
-- dropped: a wide dropped column, 20% deleted
CREATE TABLE cov_dropped (id int, wide text, n int) WITH (autovacuum_enabled = false);
INSERT INTO cov_dropped SELECT g, repeat('w', 120), g FROM generate_series(1, 20000) g;
ALTER TABLE cov_dropped DROP COLUMN wide;
DELETE FROM cov_dropped WHERE id % 5 = 0;
-- fillfactor 70 with HOT updates
CREATE TABLE cov_ff70 (LIKE cov_full) WITH (fillfactor = 70, autovacuum_enabled = false);
INSERT INTO cov_ff70 SELECT * FROM cov_full;
UPDATE cov_ff70 SET status = 3 WHERE id % 3 = 0;
-- the regression suite's table fixtures (sql/table_bloat.sql, min_bytes.sql,
-- modes.sql), as they build them
CREATE TABLE fx_narrow (id int, v int) WITH (autovacuum_enabled = false);
INSERT INTO fx_narrow SELECT g, g % 97 FROM generate_series(1, 50000) g;
DELETE FROM fx_narrow WHERE id % 3 = 0;
CREATE TABLE fx_mixed (id int, note text, ts timestamp) WITH (autovacuum_enabled = false);
INSERT INTO fx_mixed
SELECT g, repeat(md5(g::text), g % 7), timestamp '2026-01-01' + g * interval '1 minute'
FROM generate_series(1, 30000) g;
UPDATE fx_mixed SET note = note || 'x' WHERE id % 5 = 0;
DELETE FROM fx_mixed WHERE id BETWEEN 1 AND 9000;
CREATE TABLE fx_ff70 (id bigint, status smallint, label varchar(40))
    WITH (fillfactor = 70, autovacuum_enabled = false);
INSERT INTO fx_ff70 SELECT g, g % 5, 'delivery ' || g FROM generate_series(1, 20000) g;
UPDATE fx_ff70 SET status = status + 1 WHERE id % 2 = 0;
CREATE TABLE vf_ints (a int, b int, c bigint) WITH (autovacuum_enabled = false);
INSERT INTO vf_ints SELECT g, g % 13, g * 3 FROM generate_series(1, 60000) g;
DELETE FROM vf_ints WHERE a % 4 <> 0;
CREATE TABLE vf_text (id int, name text, city varchar(30), note text)
    WITH (autovacuum_enabled = false);
INSERT INTO vf_text
SELECT g, 'name ' || repeat('x', g % 60),
       CASE WHEN g % 3 = 0 THEN NULL ELSE 'city' || (g % 100) END,
       CASE WHEN g % 5 = 0 THEN repeat(md5(g::text), 1 + g % 20) END
FROM generate_series(1, 40000) g;
UPDATE vf_text SET name = name || '!' WHERE id % 2 = 0;
DELETE FROM vf_text WHERE id < 15000;
CREATE TABLE vf_ff80 (id bigint, status smallint, label varchar(40))
    WITH (fillfactor = 80, autovacuum_enabled = false);
INSERT INTO vf_ff80 SELECT g, g % 5, 'part ' || g FROM generate_series(1, 30000) g;
UPDATE vf_ff80 SET status = 9;
CREATE TABLE fx_log (id bigint, delivery int, status smallint, ts timestamp, addr text)
    WITH (autovacuum_enabled = false);
INSERT INTO fx_log
SELECT g, g % 50, 1, timestamp '2026-01-01' + g * interval '10 seconds',
       'recipient' || g || '@example.com'
FROM generate_series(1, 120000) g;
DELETE FROM fx_log WHERE ts < timestamp '2026-01-01' + 48000 * interval '10 seconds';
VACUUM fx_log;
UPDATE fx_log SET status = 2 WHERE id % 10 = 0;

-- B-trees: on the purged table, random keys after random deletes, a
-- deduplicated one, and one on a table with half its rows dead
CREATE INDEX cov_purge_id ON cov_purge (id);
CREATE INDEX cov_purge_addr ON cov_purge (addr);
CREATE INDEX cov_purge_delivery ON cov_purge (delivery);
CREATE TABLE cov_rnd (k text) WITH (autovacuum_enabled = false);
CREATE INDEX cov_rnd_k ON cov_rnd (k);
INSERT INTO cov_rnd SELECT md5(g::text) FROM generate_series(1, 40000) g;
DELETE FROM cov_rnd WHERE random() < 0.4;
VACUUM cov_rnd;
CREATE TABLE cov_dead (id int PRIMARY KEY, v int) WITH (autovacuum_enabled = false);
INSERT INTO cov_dead SELECT g, g FROM generate_series(1, 60000) g;
\o /dev/null
SELECT pg_stat_force_next_flush();
\o
\c
DELETE FROM cov_dead WHERE id % 2 = 0;
\o /dev/null
SELECT pg_stat_force_next_flush();
\o
\c
SET max_parallel_workers_per_gather = 0;
-- prune what can be pruned, so that every sample sees the same pages
\o /dev/null
SELECT count(*) FROM cov_purge, cov_purge_dead, cov_scattered, cov_mixed, cov_dropped, cov_ff70,
    fx_narrow, fx_mixed, fx_ff70, vf_ints, vf_text, vf_ff80, fx_log
WHERE false;
\o
CHECKPOINT;

CREATE FUNCTION pg_temp.sample(r regclass, kind text, seed int, n int)
RETURNS TABLE (pct float8, lo float8, hi float8) LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('campmon.sample_seed', seed::text, true);
    IF kind = 'table' THEN
        RETURN QUERY SELECT b.bloat_pct, b.bloat_pct_low, b.bloat_pct_high
                     FROM campmon.table_bloat(r, 'sampled', n) b;
    ELSE
        RETURN QUERY SELECT b.bloat_pct, b.bloat_pct_low, b.bloat_pct_high
                     FROM campmon.index_bloat(r, 'sampled', n) b;
    END IF;
END $$;

CREATE TEMP TABLE shapes AS
SELECT r::regclass AS rel, 'table' AS kind, e.total_pages AS pages, e.bloat_pct AS exact
FROM unnest('{cov_full,cov_purge,cov_purge_dead,cov_scattered,cov_mixed,cov_dropped,cov_ff70,
               fx_narrow,fx_mixed,fx_ff70,vf_ints,vf_text,vf_ff80,fx_log}'::regclass[]) r,
     campmon.table_bloat(r, 'exact') e
UNION ALL
SELECT r::regclass, 'index', e.total_pages, e.bloat_pct
FROM unnest('{cov_purge_id,cov_purge_addr,cov_purge_delivery,cov_rnd_k,cov_dead_pkey}'::regclass[]) r,
     campmon.index_bloat(r, 'exact') e;

-- sample sizes: 10%, 40% and 78% of the pages (300 of 383)
CREATE TEMP TABLE draws AS
SELECT s.rel, s.kind, s.pages, s.exact, n, k, d.*
FROM shapes s,
     LATERAL (SELECT DISTINCT greatest(10, (s.pages * f)::int) AS n
              FROM unnest('{0.10,0.40,0.78}'::float8[]) f) sz,
     generate_series(1, :seeds) k,
     LATERAL pg_temp.sample(s.rel, s.kind, k, n) d;

\echo == coverage of the 95% interval of bloat_pct (exact value inside)
SELECT rel AS shape, kind, pages, n AS sample_pages, round(exact::numeric, 1) AS exact_pct,
       count(*) FILTER (WHERE lo <= exact AND exact <= hi) || '/' || count(*) AS covered,
       round(100.0 * count(*) FILTER (WHERE lo <= exact AND exact <= hi) / count(*), 1) AS coverage_pct,
       round(avg(abs(pct - exact))::numeric, 2) AS mean_abs_error,
       round(avg(hi - lo)::numeric, 2) AS mean_width
FROM draws GROUP BY rel, kind, pages, n, exact ORDER BY kind DESC, rel::text, n;

SELECT count(*) AS cases,
       count(*) FILTER (WHERE c >= 0.93) AS cases_at_least_93pct,
       round((100 * min(c))::numeric, 1) AS worst_coverage_pct
FROM (SELECT count(*) FILTER (WHERE lo <= exact AND exact <= hi)::float8 / count(*) AS c
      FROM draws GROUP BY rel, n) x;
