-- accuracy_bench.sql: the shapes of bench/accuracy_bench.sh, then every
-- mode's figure for each, kept in acc_seen for accuracy_truth.sql (which
-- runs in a copy of this database).  :scale is rows per shape in
-- thousands.  Deterministic data; autovacuum is off in the bench's cluster
-- and on every table, so that the statistics stay as each shape leaves them.
\set ON_ERROR_STOP 1
CREATE EXTENSION IF NOT EXISTS campmon;
SELECT (:scale * 1000)::int AS n \gset
SELECT setseed(0.15);
-- before each VACUUM or ANALYZE: the counts of the statements before it
-- flushed, as they are in the field when maintenance comes later (run
-- within a second of the DML, PostgreSQL 15 counts that DML once more
-- after the ANALYZE: t_del_analyze shows it on purpose)
\set settle 'SELECT pg_stat_force_next_flush(); SELECT pg_sleep(1.05);'

-- tables --------------------------------------------------------------
-- purge by date: the oldest 40% deleted, vacuumed, analyzed
CREATE TABLE t_purged (id bigint, ts timestamp, status int, msg text) WITH (autovacuum_enabled = false);
INSERT INTO t_purged SELECT g, '2026-01-01'::timestamp + g * interval '1 min', g % 7, 'message ' || g FROM generate_series(1, :n) g;
CREATE INDEX i_purged ON t_purged (ts);
DELETE FROM t_purged WHERE id <= :n * 0.4;
:settle
VACUUM ANALYZE t_purged;
-- a third of the rows deleted at random
CREATE TABLE t_random (id bigint PRIMARY KEY, v text, k text) WITH (autovacuum_enabled = false);
INSERT INTO t_random SELECT g, repeat('v', (g * 7919) % 60), md5(g::text) FROM generate_series(1, :n) g;
CREATE INDEX i_text ON t_random (k);
DELETE FROM t_random WHERE (id * 2654435761) % 3 = 0;
:settle
VACUUM ANALYZE t_random;
-- values stored out of line (TOAST), half the rows deleted
CREATE TABLE t_toasted (id int, doc text) WITH (autovacuum_enabled = false);
ALTER TABLE t_toasted ALTER doc SET STORAGE EXTERNAL;
INSERT INTO t_toasted SELECT g, repeat(md5(g::text), 80) FROM generate_series(1, :n / 10) g;
DELETE FROM t_toasted WHERE id % 2 = 0;
:settle
VACUUM ANALYZE t_toasted;
-- mostly-NULL rows of 80 int4 columns, a fifth deleted
SELECT format('CREATE TABLE t_nulls80 (%s) WITH (autovacuum_enabled = false)', string_agg(format('c%s int4', i), ', ' ORDER BY i))
FROM generate_series(1, 80) i \gexec
SELECT format('INSERT INTO t_nulls80 SELECT %s FROM generate_series(1, %s) g',
              string_agg(format('CASE WHEN (g + %s) %% 10 = 0 THEN g END', i), ', ' ORDER BY i), :n)
FROM generate_series(1, 80) i \gexec
DELETE FROM t_nulls80 WHERE c5 IS NOT NULL OR c6 IS NOT NULL;
:settle
VACUUM ANALYZE t_nulls80;
-- a wide column dropped: a rewrite stores it as NULL
CREATE TABLE t_dropped (id int, payload text, note text) WITH (autovacuum_enabled = false);
INSERT INTO t_dropped SELECT g, repeat('p', 200), 'n' || g FROM generate_series(1, :n / 2) g;
ALTER TABLE t_dropped DROP COLUMN payload;
:settle
ANALYZE t_dropped;
-- fillfactor 70 and HOT updates
CREATE TABLE t_ff_hot (id int PRIMARY KEY, counter int, v text) WITH (fillfactor = 70, autovacuum_enabled = false);
INSERT INTO t_ff_hot SELECT g, 0, repeat('h', 40) FROM generate_series(1, :n) g;
UPDATE t_ff_hot SET counter = counter + 1;
UPDATE t_ff_hot SET counter = counter + 1 WHERE id % 2 = 0;
:settle
VACUUM ANALYZE t_ff_hot;
-- never analyzed nor vacuumed: varchar(128) holding 20 characters, a fifth deleted
CREATE TABLE t_never (id int, code varchar(128)) WITH (autovacuum_enabled = false);
INSERT INTO t_never SELECT g, lpad(g::text, 20, 'x') FROM generate_series(1, :n) g;
DELETE FROM t_never WHERE id % 5 = 0;
-- stale statistics: analyzed with short values, then every row made long
CREATE TABLE t_stale (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO t_stale SELECT g, 'short' FROM generate_series(1, :n / 2) g;
:settle
ANALYZE t_stale;
UPDATE t_stale SET v = repeat('y', 100) WHERE id % 4 <> 0;
:settle
VACUUM t_stale;
-- a DELETE closely followed by ANALYZE (n_live_tup subtracts it twice)
CREATE TABLE t_del_analyze (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO t_del_analyze SELECT g, repeat('x', 30) FROM generate_series(1, :n) g;
SELECT pg_stat_force_next_flush();
SELECT pg_sleep(0.2);
ANALYZE t_del_analyze;
DELETE FROM t_del_analyze WHERE id % 10 < 3;
ANALYZE t_del_analyze;
-- half the rows dead, not vacuumed (analyzed): the index's entries of dead rows
CREATE TABLE t_dead (id int, grp int, v text) WITH (autovacuum_enabled = false);
INSERT INTO t_dead SELECT g, g % 100, repeat('d', 20) FROM generate_series(1, :n) g;
CREATE INDEX i_dead ON t_dead (id);
DELETE FROM t_dead WHERE id % 2 = 0;
SELECT pg_stat_force_next_flush();
SELECT pg_sleep(1.1);
:settle
ANALYZE t_dead;
-- partitions purged unevenly
CREATE TABLE t_part (id int, ts date, v text) PARTITION BY RANGE (id);
SELECT format('CREATE TABLE t_part_%s PARTITION OF t_part FOR VALUES FROM (%s) TO (%s) WITH (autovacuum_enabled = false)',
              p, (p - 1) * :n / 4, p * :n / 4)
FROM generate_series(1, 4) p \gexec
INSERT INTO t_part SELECT g, '2026-01-01'::date + g / 1000, repeat('q', 30) FROM generate_series(0, :n - 1) g;
DELETE FROM t_part WHERE id % 4 < (id * 4 / :n);
:settle
VACUUM ANALYZE t_part;
-- clean: loaded, analyzed
CREATE TABLE t_clean (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO t_clean SELECT g, md5(g::text) FROM generate_series(1, :n) g;
:settle
VACUUM ANALYZE t_clean;
-- catalog churn: work tables created and dropped
CREATE PROCEDURE pg_temp.churn(k int) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1 .. k LOOP
        EXECUTE format('CREATE TABLE wkf_churn_%s (iid int, irecipientid int, ssegmentcode varchar(32))', i);
        EXECUTE format('DROP TABLE wkf_churn_%s', i);
        IF i % 500 = 0 THEN COMMIT; END IF;
    END LOOP;
END $$;
CALL pg_temp.churn(:scale * 20);

-- B-trees (besides i_purged, i_text, i_dead above) ----------------------
-- random keys inserted in random order, nothing deleted
CREATE TABLE t_bt (id int, r int, grp int, a int, b text) WITH (autovacuum_enabled = false);
CREATE INDEX i_random ON t_bt (r);
CREATE INDEX i_ff70 ON t_bt (id) WITH (fillfactor = 70);
INSERT INTO t_bt SELECT g, (g * 2654435761::bigint % 2147483647)::int, g % 50, g % 1000, 'b' || (g % 777)
FROM generate_series(1, :n) g;
-- deduplicated (50 values), multi-column
CREATE INDEX i_dedup ON t_bt (grp);
CREATE INDEX i_multi ON t_bt (a, b);
DELETE FROM t_bt WHERE id % 3 = 0;
:settle
VACUUM ANALYZE t_bt;

SELECT pg_stat_force_next_flush();
SELECT pg_sleep(1.1);

-- what every mode says ---------------------------------------------------
CREATE TABLE acc_shape (kind text, shape text, rel regclass);
INSERT INTO acc_shape VALUES
    ('table', 'purged by date', 't_purged'), ('table', 'random deletes', 't_random'),
    ('table', 'TOASTed (main)', 't_toasted'), ('table', 'mostly NULL, 80 columns', 't_nulls80'),
    ('table', 'dropped column', 't_dropped'), ('table', 'fillfactor 70 + HOT', 't_ff_hot'),
    ('table', 'never analyzed', 't_never'), ('table', 'stale statistics', 't_stale'),
    ('table', 'DELETE then ANALYZE', 't_del_analyze'), ('table', '50% dead, not vacuumed', 't_dead'),
    ('table', 'partition 1', 't_part_1'), ('table', 'partition 2', 't_part_2'),
    ('table', 'partition 3', 't_part_3'), ('table', 'partition 4', 't_part_4'),
    ('table', 'clean', 't_clean'), ('table', 'B-tree table', 't_bt'),
    ('table', 'catalog churn: pg_class', 'pg_class'), ('table', 'catalog churn: pg_attribute', 'pg_attribute'),
    ('table', 'catalog churn: pg_type', 'pg_type'), ('table', 'catalog churn: pg_depend', 'pg_depend'),
    ('btree', 'purged by date', 'i_purged'), ('btree', 'random deletes (pkey)', 't_random_pkey'),
    ('btree', 'text (md5)', 'i_text'), ('btree', 'random inserts', 'i_random'),
    ('btree', 'fillfactor 70', 'i_ff70'), ('btree', 'deduplicated', 'i_dedup'),
    ('btree', 'multi-column', 'i_multi'), ('btree', '50% dead rows', 'i_dead'),
    ('btree', 'HOT table pkey', 't_ff_hot_pkey'),
    ('btree', 'catalog churn: pg_class_oid_index', 'pg_class_oid_index'),
    ('btree', 'catalog churn: pg_attribute_relid_attnum_index', 'pg_attribute_relid_attnum_index');

CREATE TABLE acc_seen (kind text, shape text, mode text, method text, bytes bigint, bloat_pct double precision, basis text);
SET campmon.sample_seed = 1;
INSERT INTO acc_seen
SELECT s.kind, s.shape, 'default', t.method, t.table_bytes, t.bloat_pct, t.basis
FROM acc_shape s JOIN campmon.tables t ON t.relid = s.rel WHERE s.kind = 'table';
INSERT INTO acc_seen
SELECT s.kind, s.shape, 'default', i.method, i.index_bytes, i.bloat_pct, i.basis
FROM acc_shape s JOIN campmon.indexes i ON i.indexrelid = s.rel WHERE s.kind = 'btree';
SET campmon.tables_mode = 'stats';
SET campmon.indexes_mode = 'stats';
INSERT INTO acc_seen
SELECT s.kind, s.shape, 'stats', t.method, t.table_bytes, t.bloat_pct, t.basis
FROM acc_shape s JOIN campmon.tables t ON t.relid = s.rel WHERE s.kind = 'table';
INSERT INTO acc_seen
SELECT s.kind, s.shape, 'stats', i.method, i.index_bytes, i.bloat_pct, i.basis
FROM acc_shape s JOIN campmon.indexes i ON i.indexrelid = s.rel WHERE s.kind = 'btree';
RESET campmon.tables_mode;
RESET campmon.indexes_mode;
INSERT INTO acc_seen
SELECT s.kind, s.shape, m, b.method, b.table_bytes, b.bloat_pct, b.basis
FROM acc_shape s, unnest('{exact,sampled}'::text[]) m, campmon.table_bloat(s.rel, m) b WHERE s.kind = 'table';
INSERT INTO acc_seen
SELECT s.kind, s.shape, m, b.method, b.index_bytes, b.bloat_pct, b.basis
FROM acc_shape s, unnest('{exact,sampled}'::text[]) m, campmon.index_bloat(s.rel, m) b WHERE s.kind = 'btree';
-- and a sample of 300 pages (sampled above reads the default 3000 and 1000,
-- every page of most shapes here)
INSERT INTO acc_seen
SELECT s.kind, s.shape, 'sampled 300', b.method, b.table_bytes, b.bloat_pct, b.basis
FROM acc_shape s, campmon.table_bloat(s.rel, 'sampled', 300) b WHERE s.kind = 'table';
INSERT INTO acc_seen
SELECT s.kind, s.shape, 'sampled 300', b.method, b.index_bytes, b.bloat_pct, b.basis
FROM acc_shape s, campmon.index_bloat(s.rel, 'sampled', 300) b WHERE s.kind = 'btree';
