--
-- default_mode: the listings' default mode, adaptive, keeps the catalog
-- statistics where they can be trusted and samples a relation where they
-- cannot (never analyzed, modified a lot since ANALYZE, live-row counts
-- that disagree, rows that do not fit the table); each row says which in
-- method and basis (the lock side: specs/concurrent_writes.spec).  Every figure is
-- checked against a real VACUUM FULL / REINDEX at the end, and the pure
-- catalog mode (stats) is shown to be off on the same tables, so that the
-- checks can fail.
--
LOAD 'campmon';
SET campmon.sample_seed = 11;
SHOW campmon.tables_mode;
SHOW campmon.indexes_mode;
SHOW campmon.listing_page_budget;

-- never analyzed nor vacuumed: a varchar(128) holding 20 characters (the
-- statistics take its typical width, 82 bytes), a fifth of the rows deleted
CREATE TABLE dm_never (id int, code varchar(128)) WITH (autovacuum_enabled = false);
INSERT INTO dm_never SELECT g, lpad(g::text, 20, 'x') FROM generate_series(1, 7000) g;
DELETE FROM dm_never WHERE id % 5 = 0;
-- vacuumed (reltuples is set) but never analyzed
CREATE TABLE dm_unanalyzed (id int, code varchar(128)) WITH (autovacuum_enabled = false);
INSERT INTO dm_unanalyzed SELECT g, lpad(g::text, 20, 'x') FROM generate_series(1, 7000) g;
DELETE FROM dm_unanalyzed WHERE id % 5 = 0;
VACUUM dm_unanalyzed;
CREATE INDEX dm_unanalyzed_code ON dm_unanalyzed (code);
DELETE FROM dm_unanalyzed WHERE id % 5 = 1;
VACUUM dm_unanalyzed;
-- modified a lot since ANALYZE: analyzed with 5-byte values, then every
-- row updated to 100 bytes and vacuumed (the statistics keep the old width)
CREATE TABLE dm_modified (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO dm_modified SELECT g, 'short' FROM generate_series(1, 3000) g;
ANALYZE dm_modified;
UPDATE dm_modified SET v = repeat('y', 100);
VACUUM dm_modified;
-- a DELETE closely followed by ANALYZE: PostgreSQL 15 subtracts it from
-- n_live_tup once more when the deleting session flushes its counts
CREATE TABLE dm_disagree (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO dm_disagree SELECT g, repeat('x', 30) FROM generate_series(1, 6000) g;
SELECT pg_stat_force_next_flush();
ANALYZE dm_disagree;
DELETE FROM dm_disagree WHERE id % 10 < 3;
ANALYZE dm_disagree;
-- mostly-NULL rows of 80 int4 columns (8 values a row), analyzed: the
-- statistics can be trusted, and their width estimate must fit the table
SELECT format('CREATE TABLE dm_nulls (%s) WITH (autovacuum_enabled = false)',
              string_agg(format('c%s int4', i), ', ' ORDER BY i))
FROM generate_series(1, 80) i \gexec
SELECT format('INSERT INTO dm_nulls SELECT %s FROM generate_series(1, 5000) g',
              string_agg(format('CASE WHEN (g + %s) %% 10 = 0 THEN g END', i), ', ' ORDER BY i))
FROM generate_series(1, 80) i \gexec
DELETE FROM dm_nulls WHERE c10 IS NOT NULL OR c20 IS NOT NULL;
VACUUM dm_nulls;
SELECT pg_stat_force_next_flush();
SELECT pg_sleep(0.1);
ANALYZE dm_nulls;
-- statistics whose row width does not fit the table: ANALYZE's width made
-- ten times too large (as a width from before a column was emptied would
-- be), nothing modified since; the estimated rewrite is larger than the table
CREATE TABLE dm_nofit (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO dm_nofit SELECT g, repeat('f', 40) FROM generate_series(1, 6000) g;
DELETE FROM dm_nofit WHERE id % 4 = 0;
SELECT pg_stat_force_next_flush();
SELECT pg_sleep(0.1);
VACUUM ANALYZE dm_nofit;
UPDATE pg_statistic SET stawidth = stawidth * 10 WHERE starelid = 'dm_nofit'::regclass AND staattnum = 2;
-- the same shape analyzed and untouched since: statistics, no page read
CREATE TABLE dm_trusted (id int, code varchar(128)) WITH (autovacuum_enabled = false);
INSERT INTO dm_trusted SELECT g, lpad(g::text, 20, 'x') FROM generate_series(1, 7000) g;
SELECT pg_stat_force_next_flush();
SELECT pg_sleep(0.1);
ANALYZE dm_trusted;
SELECT pg_stat_force_next_flush();

-- what each mode says, kept for the comparison with VACUUM FULL below
CREATE TEMP TABLE dm_seen AS
SELECT 'adaptive'::text AS mode, table_name AS rel, method, basis, bloat_pct, table_bytes AS before, live_rows
FROM campmon.tables WHERE table_name LIKE 'dm\_%';
SET campmon.tables_mode = 'stats';
INSERT INTO dm_seen
SELECT 'stats', table_name, method, basis, bloat_pct, table_bytes, live_rows
FROM campmon.tables WHERE table_name LIKE 'dm\_%';
RESET campmon.tables_mode;

-- which rows were sampled, and why
SELECT rel, method, regexp_replace(regexp_replace(basis, ' \([^)]*\)', '', 'g'), '\d+', 'N', 'g') AS basis
FROM dm_seen WHERE mode = 'adaptive' ORDER BY rel;

-- no page budget: the statistics, with the reason they were not sampled;
-- live-row counts that disagree are then taken from reltuples (ANALYZE)
SET campmon.listing_page_budget = 0;
SELECT table_name, method, basis LIKE 'statistics, not sampled (campmon.listing_page_budget spent): %' AS says_why,
       CASE WHEN table_name = 'dm_disagree'
            THEN live_rows = (SELECT reltuples FROM pg_class WHERE relname = table_name)::bigint END AS reltuples_trusted
FROM campmon.tables WHERE table_name IN ('dm_never', 'dm_disagree', 'dm_modified') ORDER BY 1;
-- a budget of one sample: the largest tables that need one are sampled
-- while it lasts, the others not
SET campmon.listing_page_budget = 64;
SELECT sum(l.scanned_pages + coalesce(l.toast_scanned_pages, 0)) BETWEEN 1 AND 64 AS within_budget,
       count(*) FILTER (WHERE l.method = 'sampled') >= 1 AS some_sampled,
       count(*) FILTER (WHERE l.basis LIKE 'statistics, not sampled (campmon.listing_page_budget spent)%') >= 3 AS others_not
FROM pg_class c, campmon._list_table(c.oid, 'adaptive', NULL) l WHERE c.relkind = 'r';
RESET campmon.listing_page_budget;
-- the single-relation functions refuse the listings' mode
SELECT * FROM campmon.table_bloat('dm_never', 'adaptive');
-- table_bloat's stats mode estimates a row as the listings' stats mode does
-- (the mostly-NULL rows too): the same figure for every table here
SELECT c.relname, l.min_bytes = b.min_bytes AS same_min_bytes
FROM pg_class c, campmon._list_table(c.oid, 'stats', NULL) l, campmon.table_bloat(c.oid, 'stats') b
WHERE c.relkind = 'r' AND c.relpersistence = 'p' AND c.relname LIKE 'dm\_%' ORDER BY 1;

-- the indexes: the one of a never-analyzed table is sampled
CREATE TEMP TABLE dm_iseen AS
SELECT 'adaptive'::text AS mode, index_name AS rel, method, basis, bloat_pct, index_bytes AS before
FROM campmon.indexes WHERE index_name = 'dm_unanalyzed_code';
SET campmon.indexes_mode = 'stats';
INSERT INTO dm_iseen
SELECT 'stats', index_name, method, basis, bloat_pct, index_bytes
FROM campmon.indexes WHERE index_name = 'dm_unanalyzed_code';
RESET campmon.indexes_mode;
SELECT rel, method, basis FROM dm_iseen WHERE mode = 'adaptive';

-- the truth: a real VACUUM FULL and REINDEX
VACUUM FULL dm_never;
VACUUM FULL dm_unanalyzed;
VACUUM FULL dm_modified;
VACUUM FULL dm_disagree;
VACUUM FULL dm_nulls;
VACUUM FULL dm_trusted;
VACUUM FULL dm_nofit;
REINDEX INDEX dm_unanalyzed_code;
CREATE TEMP TABLE dm_truth AS
SELECT rel, 100.0 * (before - pg_relation_size(rel::regclass)) / before AS bloat_pct
FROM dm_seen WHERE mode = 'adaptive'
UNION ALL
SELECT rel, 100.0 * (before - pg_relation_size(rel::regclass)) / before
FROM dm_iseen WHERE mode = 'adaptive';

-- the default's figure within 3 points of the truth (5 for dm_modified,
-- larger than its 64-page sample); stats mode's was not, wherever the
-- default sampled (else the default need not have read any page)
SELECT t.rel, a.method, t.bloat_pct > 5 AS has_bloat,
       abs(a.bloat_pct - t.bloat_pct) <= CASE WHEN t.rel = 'dm_modified' THEN 5 ELSE 3 END AS default_within,
       coalesce(abs(s.bloat_pct - t.bloat_pct) <= 3, false) AS stats_within
FROM dm_truth t
JOIN (SELECT * FROM dm_seen UNION ALL SELECT mode, rel, method, basis, bloat_pct, before, NULL::bigint FROM dm_iseen) a
  ON a.rel = t.rel AND a.mode = 'adaptive'
JOIN (SELECT * FROM dm_seen UNION ALL SELECT mode, rel, method, basis, bloat_pct, before, NULL::bigint FROM dm_iseen) s
  ON s.rel = t.rel AND s.mode = 'stats'
ORDER BY 1;

DROP TABLE dm_never, dm_unanalyzed, dm_modified, dm_disagree, dm_nulls, dm_trusted, dm_nofit;

-- an empty table (most work tables are) gets its row in the page-reading
-- modes without being opened: the same row as try_table_bloat's
CREATE TABLE dm_empty (id int, t text) WITH (fillfactor = 50);
SELECT m, row(b.*)::text = (SELECT row(l.relid, l.method, l.is_estimate, l.fillfactor, l.table_bytes, l.total_pages,
          l.scanned_pages, l.live_rows, l.dead_rows, l.live_bytes, l.dead_bytes, l.free_bytes, l.min_bytes,
          l.bloat_bytes, l.bloat_pct, l.bloat_pct_low, l.bloat_pct_high, l.toast_relid, l.toast_method, l.toast_bytes,
          l.toast_scanned_pages, l.toast_live_bytes, l.toast_dead_bytes, l.toast_free_bytes, l.toast_min_bytes,
          l.toast_bloat_bytes, l.toast_bloat_pct, l.basis)::text
          FROM campmon._list_table('dm_empty'::regclass, m, NULL) l) AS same_row
FROM unnest('{auto,exact,approx,sampled}'::text[]) m, campmon.try_table_bloat('dm_empty'::regclass, m) b ORDER BY 1;
DROP TABLE dm_empty;
