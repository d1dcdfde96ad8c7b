-- accuracy_bench.sql: the shapes of bench/accuracy_bench.sh, then every
-- mode's figure for each, kept in acc_seen for accuracy_truth.sql (which
-- runs in a copy of this database), and the default's spread over 20
-- listings in acc_spread.  :scale is rows per shape in
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

-- issue 27: shapes for each cause of the models -----------------------
-- keys by what nbtree stores: a numeric key and a float key (no equal-image
-- support: never deduplicated), text of 300 values (deduplicated), the same
-- under a nondeterministic collation (not), INCLUDE, a partial index whose
-- entries are distinct where its table's n_distinct says runs of five, a
-- partial index on two of seven values, an expression index, several
-- columns (few and many combinations), ten keys whose runs span many
-- leaves, runs of three, NULL keys; inserted in random order, a third
-- deleted, vacuumed and analyzed
DROP COLLATION IF EXISTS acc_ci;
CREATE COLLATION acc_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE t_keys (id int, amount numeric(12,2), ratio float8, code text, code_ci text COLLATE acc_ci,
                     grp int, flag bool, status int, batch int, email text, nul int, low int, tri int)
  WITH (autovacuum_enabled = false);
CREATE INDEX i_numeric ON t_keys (amount);
CREATE INDEX i_float ON t_keys (ratio);
CREATE INDEX i_text_dedup ON t_keys (code);
CREATE INDEX i_text_ci ON t_keys (code_ci);
CREATE INDEX i_include ON t_keys (grp) INCLUDE (id);
CREATE INDEX i_partial_distinct ON t_keys (batch) WHERE id % 5 = 1;
CREATE INDEX i_partial_two ON t_keys (status) WHERE status IN (1, 2);
CREATE INDEX i_expr ON t_keys (lower(email));
CREATE INDEX i_multi_few ON t_keys (grp, flag);
CREATE INDEX i_multi_many ON t_keys (status, low, grp);
CREATE INDEX i_low10 ON t_keys (low);
CREATE INDEX i_tri ON t_keys (tri);
CREATE INDEX i_nulls ON t_keys (nul);
INSERT INTO t_keys
SELECT g, (g % 200) * 1.25, (g % 100) / 7.0, 'code-' || (g % 300), 'Code-' || (g % 300),
       g % 50, g % 20 = 0, g % 7, g / 5, 'User' || (g % 5000) || '@Example.com',
       CASE WHEN g % 10 < 7 THEN NULL ELSE g END, g % 10, g / 3
FROM (SELECT g FROM generate_series(1, :n) g ORDER BY md5(g::text)) s;
DELETE FROM t_keys WHERE id % 3 = 0;
:settle
VACUUM ANALYZE t_keys;
-- a unique index gathering the versions of each row (updates that change
-- an indexed column, no HOT), half of them dead, not vacuumed
CREATE TABLE t_versions (id int PRIMARY KEY, n int, pad text) WITH (autovacuum_enabled = false, fillfactor = 100);
CREATE INDEX i_versions_n ON t_versions (n);
INSERT INTO t_versions SELECT g, 0, repeat('v', 60) FROM generate_series(1, :n / 2) g;
:settle
ANALYZE t_versions;
UPDATE t_versions SET n = n + 1;
UPDATE t_versions SET n = n + 1 WHERE id % 2 = 0;
-- TOAST: values of 2,112 bytes (a full chunk and 116 bytes), half replaced
-- and vacuumed (the statistics count full chunks)
CREATE TABLE t_toast_churn (id int, doc text) WITH (autovacuum_enabled = false);
ALTER TABLE t_toast_churn ALTER doc SET STORAGE EXTERNAL;
INSERT INTO t_toast_churn SELECT g, (SELECT string_agg(md5(g || ':' || i), '') FROM generate_series(1, 66) i)
FROM generate_series(1, :n / 20) g;
UPDATE t_toast_churn SET doc = (SELECT string_agg(md5(id || '/' || i), '') FROM generate_series(1, 66) i) WHERE id % 2 = 0;
:settle
VACUUM ANALYZE t_toast_churn;
-- a large table purged unevenly: its first tenth nearly emptied, then
-- patches of a thousand rows deleted at random (a third of them), its last
-- fifth untouched; vacuumed and analyzed
CREATE TABLE t_uneven (id int, ts timestamp, v text) WITH (autovacuum_enabled = false);
INSERT INTO t_uneven SELECT g, timestamp '2026-01-01' + g * interval '1 s', repeat('u', 50 + g % 60)
FROM generate_series(1, :n * 10) g;
DELETE FROM t_uneven WHERE (id <= :n and id % 10 <> 0)
   OR (id > :n AND id <= :n * 8 AND (id / 1000 * 2654435761::bigint) % 3 = 0);
:settle
VACUUM ANALYZE t_uneven;
-- the same, updated at its end after ANALYZE, not vacuumed: dead rows where
-- the sample's last strata are
CREATE TABLE t_uneven_dead (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO t_uneven_dead SELECT g, repeat('d', 80) FROM generate_series(1, :n * 3) g;
:settle
ANALYZE t_uneven_dead;
UPDATE t_uneven_dead SET v = repeat('e', 80) WHERE id > :n * 2 AND id % 4 <> 0;
-- statistics left wrong together by an ANALYZE that a bulk insert
-- overlapped (its report, sent after the insert's commit, overwrote the
-- counts: reltuples and n_live_tup both miss the rows), as an autovacuum's
-- analyze does: the ANALYZE is held after its sample by an index
-- expression waiting on an advisory lock, from other sessions (dblink)
CREATE EXTENSION IF NOT EXISTS dblink;
CREATE FUNCTION acc_gate(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS
$$ BEGIN PERFORM pg_advisory_lock_shared(27027); PERFORM pg_advisory_unlock_shared(27027); RETURN $1; END $$;
CREATE TABLE t_race (id int, v text) WITH (autovacuum_enabled = false);
INSERT INTO t_race SELECT g, repeat('r', 60) FROM generate_series(1, :n) g;
CREATE INDEX i_race_gate ON t_race (acc_gate(id));
:settle
VACUUM ANALYZE t_race;
SELECT format('dbname=%s port=%s host=%s', current_database(), current_setting('port'),
              split_part(current_setting('unix_socket_directories'), ',', 1)) AS conn \gset
SELECT dblink_connect('ins', :'conn'), dblink_connect('gate', :'conn'), dblink_connect('an', :'conn');
SELECT dblink_exec('ins', 'BEGIN');
SELECT dblink_exec('ins', format('INSERT INTO t_race SELECT g, repeat(''r'', 60) FROM generate_series(%s, %s) g', :n + 1, :n * 3 / 2));
SELECT * FROM dblink('gate', 'SELECT pg_advisory_lock(27027)::text') AS r(res text);
SELECT dblink_send_query('an', 'ANALYZE t_race');
SELECT pg_sleep(1);
SELECT * FROM dblink('ins', 'SELECT pg_stat_force_next_flush()::text') AS r(res text);
SELECT dblink_exec('ins', 'COMMIT');
SELECT pg_sleep(0.5);
SELECT * FROM dblink('gate', 'SELECT pg_advisory_unlock(27027)') AS r(res bool);
SELECT * FROM dblink_get_result('an') AS r(res text);
SELECT dblink_disconnect('ins'), dblink_disconnect('gate'), dblink_disconnect('an');

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
    ('btree', 'catalog churn: pg_attribute_relid_attnum_index', 'pg_attribute_relid_attnum_index'),
    ('table', 'B-tree keys table', 't_keys'), ('table', 'row versions, not vacuumed', 't_versions'),
    ('table', 'TOAST churn (main)', 't_toast_churn'), ('table', 'uneven purge, large', 't_uneven'),
    ('table', 'uneven: dead rows at the end', 't_uneven_dead'), ('table', 'ANALYZE overwritten by a load', 't_race'),
    ('toast', 'TOASTed, 2,560-byte values', 't_toasted'), ('toast', 'TOAST churn, 2,112-byte values', 't_toast_churn'),
    ('btree', 'numeric key', 'i_numeric'), ('btree', 'float key', 'i_float'),
    ('btree', 'text, 300 values (dedup)', 'i_text_dedup'), ('btree', 'text, nondeterministic collation', 'i_text_ci'),
    ('btree', 'INCLUDE', 'i_include'), ('btree', 'partial, distinct entries', 'i_partial_distinct'),
    ('btree', 'partial, two values', 'i_partial_two'), ('btree', 'expression lower(email)', 'i_expr'),
    ('btree', 'two columns, few pairs', 'i_multi_few'), ('btree', 'three columns', 'i_multi_many'),
    ('btree', 'ten keys spanning leaves', 'i_low10'), ('btree', 'runs of three', 'i_tri'),
    ('btree', 'NULL keys, 70%', 'i_nulls'), ('btree', 'unique, row versions', 't_versions_pkey'),
    ('btree', 'row versions, dedup', 'i_versions_n');

CREATE TABLE acc_seen (kind text, shape text, mode text, method text, bytes bigint, bloat_pct double precision, basis text,
                       low double precision, high double precision);
-- the default as a DBA gets it: no campmon.sample_seed, each sample seeded
-- from its relation's state
CREATE FUNCTION pg_temp.seen(mode text) RETURNS SETOF acc_seen LANGUAGE sql AS $$
    SELECT s.kind, s.shape, mode, t.method, t.table_bytes, t.bloat_pct, t.basis, t.bloat_pct_low, t.bloat_pct_high
    FROM acc_shape s JOIN campmon.tables t ON t.relid = s.rel WHERE s.kind = 'table'
    UNION ALL
    SELECT s.kind, s.shape, mode, t.method, t.toast_bytes, t.toast_bloat_pct, t.basis, NULL, NULL
    FROM acc_shape s JOIN campmon.tables t ON t.relid = s.rel WHERE s.kind = 'toast'
    UNION ALL
    SELECT s.kind, s.shape, mode, i.method, i.index_bytes, i.bloat_pct, i.basis, i.bloat_pct_low, i.bloat_pct_high
    FROM acc_shape s JOIN campmon.indexes i ON i.indexrelid = s.rel WHERE s.kind = 'btree' $$;
INSERT INTO acc_seen SELECT * FROM pg_temp.seen('default');
-- the spread of the default over 20 listings: of the same state (the
-- relation's own seed, as a DBA listing twice gets), and over 20 other
-- seeds (campmon.sample_seed 1..20: how far one sample may fall from
-- another, i.e. from a slightly different state)
CREATE TABLE acc_spread (kind text, shape text, seeds text, k int, bloat_pct double precision);
INSERT INTO acc_spread SELECT s.kind, s.shape, 'same state', k, s.bloat_pct
FROM generate_series(1, 20) k, LATERAL pg_temp.seen('default') s;
CREATE FUNCTION pg_temp.seen_seeded(seed int) RETURNS SETOF acc_seen LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('campmon.sample_seed', seed::text, true);
    RETURN QUERY SELECT * FROM pg_temp.seen('default');
END $$;
INSERT INTO acc_spread SELECT s.kind, s.shape, 'seeds 1-20', k, s.bloat_pct
FROM generate_series(1, 20) k, LATERAL pg_temp.seen_seeded(k) s;
SET campmon.tables_mode = 'stats';
SET campmon.indexes_mode = 'stats';
INSERT INTO acc_seen SELECT * FROM pg_temp.seen('stats');
RESET campmon.tables_mode;
RESET campmon.indexes_mode;
INSERT INTO acc_seen
SELECT s.kind, s.shape, m, b.method, b.table_bytes, b.bloat_pct, b.basis, b.bloat_pct_low, b.bloat_pct_high
FROM acc_shape s, unnest('{exact,sampled}'::text[]) m, campmon.table_bloat(s.rel, m) b WHERE s.kind = 'table';
INSERT INTO acc_seen
SELECT s.kind, s.shape, m, b.toast_method, b.toast_bytes, b.toast_bloat_pct, b.basis, NULL, NULL
FROM acc_shape s, unnest('{exact,sampled}'::text[]) m, campmon.table_bloat(s.rel, m) b WHERE s.kind = 'toast';
INSERT INTO acc_seen
SELECT s.kind, s.shape, m, b.method, b.index_bytes, b.bloat_pct, b.basis, b.bloat_pct_low, b.bloat_pct_high
FROM acc_shape s, unnest('{exact,sampled}'::text[]) m, campmon.index_bloat(s.rel, m) b WHERE s.kind = 'btree';
-- and a sample of 300 pages (sampled above reads the default 3000 and 1000,
-- every page of most shapes here)
INSERT INTO acc_seen
SELECT s.kind, s.shape, 'sampled 300', b.method, b.table_bytes, b.bloat_pct, b.basis, b.bloat_pct_low, b.bloat_pct_high
FROM acc_shape s, campmon.table_bloat(s.rel, 'sampled', 300) b WHERE s.kind = 'table';
INSERT INTO acc_seen
SELECT s.kind, s.shape, 'sampled 300', b.toast_method, b.toast_bytes, b.toast_bloat_pct, b.basis, NULL, NULL
FROM acc_shape s, campmon.table_bloat(s.rel, 'sampled', 300) b WHERE s.kind = 'toast';
INSERT INTO acc_seen
SELECT s.kind, s.shape, 'sampled 300', b.method, b.index_bytes, b.bloat_pct, b.basis, b.bloat_pct_low, b.bloat_pct_high
FROM acc_shape s, campmon.index_bloat(s.rel, 'sampled', 300) b WHERE s.kind = 'btree';
