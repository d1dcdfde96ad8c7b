--
-- wide_keys: the REINDEX size model on keys near nbtree's limit (2,704
-- bytes) and at fillfactor 10 -- each mode returns at once (the model's
-- level loop once never ended), with 0 <= bloat_pct <= 100 and within 10
-- points of what a real REINDEX gives back
--
SET campmon.sample_seed = 5;
SET statement_timeout = '5s';     -- a hang fails here, it does not stall the suite

-- 300 keys of 2,400 bytes kept inline: two per leaf, three per internal page
CREATE TABLE wk_wide (t text) WITH (autovacuum_enabled = false);
ALTER TABLE wk_wide ALTER COLUMN t SET STORAGE MAIN;
INSERT INTO wk_wide
SELECT string_agg(md5(g || '-' || i), '') FROM generate_series(1, 300) g, generate_series(1, 75) i GROUP BY g;
CREATE INDEX wk_wide_t ON wk_wide (t);

-- 800-byte keys at fillfactor 10: one item per leaf
CREATE TABLE wk_ff10 (t text) WITH (autovacuum_enabled = false);
INSERT INTO wk_ff10
SELECT string_agg(md5(g || '-' || i), '') FROM generate_series(1, 2300) g, generate_series(1, 25) i GROUP BY g;
CREATE INDEX wk_ff10_t ON wk_ff10 (t) WITH (fillfactor = 10);

-- keys of every width up to the limit, half of them deleted: bloat to find
CREATE TABLE wk_mixed (id int, t text) WITH (autovacuum_enabled = false);
ALTER TABLE wk_mixed ALTER COLUMN t SET STORAGE MAIN;
INSERT INTO wk_mixed
SELECT g, left(repeat(md5(g::text), 85), 100 + (g * 7919) % 2600) FROM generate_series(1, 3000) g;
CREATE INDEX wk_mixed_t ON wk_mixed (t);
DELETE FROM wk_mixed WHERE id % 2 = 0;
VACUUM wk_mixed;
-- the same wide keys with the column's default storage: stored out of line
-- in the table (pg_statistic's width is a TOAST pointer's), whole in the index
CREATE TABLE wk_toast (t text) WITH (autovacuum_enabled = false);
INSERT INTO wk_toast SELECT t FROM wk_wide;
CREATE INDEX wk_toast_t ON wk_toast (t);
ANALYZE wk_wide, wk_ff10, wk_mixed, wk_toast;

-- stats mode makes no estimate from a TOAST pointer's width (it showed 98%
-- bloat on this freshly built index), says why, and plans nothing from it;
-- a mode that reads pages measures it
SELECT m AS mode, b.method, b.min_bytes IS NULL AS no_estimate, b.bloat_pct, left(b.basis, 80) AS basis
FROM unnest('{stats,exact}'::text[]) m, campmon.index_bloat('wk_toast_t', m) b ORDER BY 1;
SET campmon.indexes_mode = 'stats';
SELECT method, bloat_pct IS NULL AS no_estimate, basis LIKE 'no estimate%' AS says_why
FROM campmon.indexes WHERE index_name = 'wk_toast_t';
-- the listings' default mode, adaptive, samples it for that reason; a
-- sample of 64 of its 227 pages (150 leaves of two keys, 76 internal pages
-- of three) says it may be fresh: its interval reaches down to it
RESET campmon.indexes_mode;
SELECT method, bloat_pct_low < 5 AS fresh, basis LIKE 'sample of % pages: no estimate from statistics%' AS says_why
FROM campmon.indexes WHERE index_name = 'wk_toast_t';
SET campmon.reindex_min_size = 8;    -- 64 kB: the 1.8 MB index would be planned at 98%
SELECT count(*) AS planned FROM campmon.plan() WHERE target LIKE '%wk\_toast%';
RESET campmon.reindex_min_size;

CREATE TEMP TABLE wk_before AS
SELECT i AS index, m AS mode, b.index_bytes, b.min_bytes, b.bloat_pct
FROM unnest('{wk_wide_t,wk_ff10_t,wk_mixed_t,wk_toast_t}'::regclass[]) i,
     unnest('{exact,sampled,auto,stats}'::text[]) m,
     campmon.index_bloat(i, m) b;

-- every figure is sane: at least the metapage and a leaf, bloat within 0..100
SELECT index, mode, min_bytes >= 2 * 8192 AS min_sane,
       bloat_pct BETWEEN 0 AND 100 AS pct_sane
FROM wk_before WHERE min_bytes IS NOT NULL ORDER BY 1, 2;

-- the truth: a real REINDEX
CREATE TEMP TABLE wk_truth AS
SELECT i AS index, pg_relation_size(i) AS before FROM unnest('{wk_wide_t,wk_ff10_t,wk_mixed_t,wk_toast_t}'::regclass[]) i;
REINDEX TABLE wk_wide;
REINDEX TABLE wk_ff10;
REINDEX TABLE wk_mixed;
REINDEX TABLE wk_toast;
SELECT b.index, b.mode,
       abs(b.bloat_pct - 100.0 * (1 - pg_relation_size(b.index)::numeric / t.before)) <= 10 AS within_10_points
FROM wk_before b JOIN wk_truth t USING (index)
WHERE (b.mode <> 'stats' OR b.index <> 'wk_mixed_t'::regclass)   -- stats cannot see the deleted half
  AND b.bloat_pct IS NOT NULL
ORDER BY 1, 2;

-- the listing answers for them too
SELECT index_name, bloat_pct BETWEEN 0 AND 100 AS pct_sane
FROM campmon.indexes WHERE index_name LIKE 'wk\_%' ORDER BY 1;
RESET statement_timeout;
DROP TABLE wk_wide, wk_ff10, wk_mixed, wk_toast;
