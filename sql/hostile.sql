--
-- hostile: every campmon function fed bad, odd and hostile arguments.  One
-- table of cases (function, call, role, expected SQLSTATE or 'ok'); each
-- case runs in a subtransaction that is rolled back, so a case cannot change
-- what the next one sees.  Then names that need quoting, work tables in a
-- schema campmon must not touch, and search_path traps set by an
-- unprivileged role.  Nothing may crash the backend.
--
SELECT campmon.version() IS NOT NULL AS library_loaded;   -- defines the campmon.* GUCs

-- fixtures: every kind of relation, in a schema of their own
CREATE SCHEMA ho;
SET search_path = ho, public;
CREATE TABLE ho_table (id int PRIMARY KEY, v text, ts timestamptz DEFAULT '2026-01-01') WITH (autovacuum_enabled = false);
INSERT INTO ho_table SELECT g, repeat(md5(g::text), 100 + g % 50) FROM generate_series(1, 300) g;   -- some values TOASTed
DELETE FROM ho_table WHERE id % 3 = 0;
CREATE INDEX ho_table_v ON ho_table (left(v, 10));
CREATE INDEX ho_table_ts ON ho_table (ts) WHERE id > 10;
CREATE INDEX ho_table_gin ON ho_table USING gin (to_tsvector('simple', left(v, 20)));
CREATE INDEX ho_table_hash ON ho_table USING hash (id);
CREATE INDEX ho_table_brin ON ho_table USING brin (ts);
CREATE INDEX ho_table_gist ON ho_table USING gist (int4range(id, id + 1));
CREATE INDEX ho_table_spgist ON ho_table USING spgist (left(v, 5));
CREATE UNIQUE INDEX ho_table_cover ON ho_table (id) INCLUDE (ts) WITH (fillfactor = 10, deduplicate_items = off);
-- an xtkoption-like table whose values sit in typed columns other than sstringvalue
CREATE TABLE ho_option (sname text, ilongvalue int, tsvalue timestamptz, mmemovalue text);
INSERT INTO ho_option VALUES ('NmsCleanup_X', 86400, NULL, NULL), ('Empty', NULL, NULL, ' '),
                             ('NmsCleanup_LastCleanup', NULL, '2026-01-01 00:00+00', NULL);
CREATE TABLE ho_empty (id int, flag boolean) WITH (autovacuum_enabled = false);
CREATE INDEX ho_empty_idx ON ho_empty (id);
CREATE TABLE ho_nocols () WITH (autovacuum_enabled = false);           -- rows of no column: bare tuple headers
INSERT INTO ho_nocols SELECT FROM generate_series(1, 2000);
CREATE TABLE ho_dropped (a int, b text, c int) WITH (fillfactor = 10, autovacuum_enabled = false);
INSERT INTO ho_dropped SELECT g, 'x', g FROM generate_series(1, 500) g;
ALTER TABLE ho_dropped DROP COLUMN a, DROP COLUMN b, DROP COLUMN c;  -- only dropped columns left
CREATE INDEX ho_dup ON ho_empty (flag);
INSERT INTO ho_empty SELECT NULL, true FROM generate_series(1, 1000);  -- one key, deduplicated
DELETE FROM ho_empty;                                                  -- ... and every row dead
-- (its counts reach the activity statistics now, not whenever this session next idles:
-- stats mode reads them)
DO $flush$ BEGIN PERFORM pg_stat_force_next_flush(); END $flush$;
SELECT format('CREATE TABLE ho_wide (%s) WITH (autovacuum_enabled = false)',
              string_agg(format('c%s int', g), ', ')) FROM generate_series(1, 1600) g \gexec
INSERT INTO ho_wide (c1, c1600) SELECT g, g FROM generate_series(1, 100) g;
ANALYZE ho_wide;
CREATE UNLOGGED TABLE ho_unlogged (id int PRIMARY KEY);
INSERT INTO ho_unlogged SELECT generate_series(1, 100);
CREATE TEMP TABLE ho_temp (id int PRIMARY KEY);
INSERT INTO ho_temp SELECT generate_series(1, 100);
CREATE VIEW ho_view AS SELECT 1 AS x;
CREATE MATERIALIZED VIEW ho_matview AS SELECT g AS x FROM generate_series(1, 10) g;
CREATE INDEX ho_matview_x ON ho_matview (x);
CREATE SEQUENCE ho_seq;
CREATE TYPE ho_type AS (a int, b text);
CREATE TABLE ho_parted (id int, ts date) PARTITION BY RANGE (ts);
CREATE TABLE ho_parted_2026 PARTITION OF ho_parted FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX ho_parted_idx ON ho_parted (id);
CREATE EXTENSION file_fdw SCHEMA ho;
CREATE SERVER ho_files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE ho_foreign (id int) SERVER ho_files OPTIONS (filename '/dev/null');
-- names that need quoting, in a schema whose name needs it too
CREATE SCHEMA "Ho ""Odd""; Schema";
SELECT format('CREATE TABLE %I.%I (id int, v text) WITH (autovacuum_enabled = false)', 'Ho "Odd"; Schema', n)
FROM unnest(ARRAY['Ho Upper "Quoted"; DROP TABLE ho.ho_table; --',
                  E'ho new\nline', E'ho tab\tand\rreturn', 'ho ünïcødé 表 🐘', E'ho back\\slash and ''quote''',
                  'ho.dot', ' ho leading and trailing ', 'ho_%_like_', 'SELECT', 'ho_' || repeat('x', 60)]) n
\gexec
CREATE TABLE ho_names AS
SELECT c.oid AS relid, c.relname::text AS name
FROM pg_class c WHERE c.relnamespace = '"Ho ""Odd""; Schema"'::regnamespace AND c.relkind = 'r';
SELECT count(*) AS odd_tables, max(octet_length(name)) AS longest_name_bytes FROM ho_names;
SELECT format('INSERT INTO %I.%I SELECT g, repeat(''x'', 40) FROM generate_series(1, 3000) g', 'Ho "Odd"; Schema', name),
       format('DELETE FROM %I.%I WHERE id %% 2 = 0', 'Ho "Odd"; Schema', name)
FROM ho_names ORDER BY name \gexec

-- roles: an admin, a reader, and a login role with no campmon role at all
CREATE ROLE regress_ho_admin LOGIN IN ROLE campmon_admin, pg_stat_scan_tables;
CREATE ROLE regress_ho_reader IN ROLE campmon_reader;
CREATE ROLE regress_ho_evil LOGIN;
GRANT USAGE ON SCHEMA ho TO regress_ho_admin, regress_ho_reader, regress_ho_evil;
GRANT SELECT ON ho_table TO regress_ho_reader;

-- One case: run call (after setup, as role) in a subtransaction that is
-- always rolled back; 'ok' and the first column of the first row, or the
-- SQLSTATE and the message (OIDs and TOAST names masked, long ones cut).
CREATE FUNCTION ho.outcome(call text, as_role text DEFAULT NULL, setup text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    msg text; state text; v text;
BEGIN
    BEGIN
        IF as_role IS NOT NULL THEN
            EXECUTE pg_catalog.format('SET LOCAL ROLE %I', as_role);
        END IF;
        IF setup IS NOT NULL THEN
            EXECUTE setup;
        END IF;
        IF call ~* '^\s*(select|values|with)\M' THEN
            EXECUTE call INTO v;
        ELSE
            EXECUTE call;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'ZZ999', MESSAGE = coalesce(v, '<NULL>');
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    END;
    msg := regexp_replace(regexp_replace(msg, 'OID \d+', 'OID <n>', 'g'), 'pg_toast_\d+', 'pg_toast_<n>', 'g');
    msg := CASE WHEN length(msg) > 110 THEN left(msg, 100) || '...' ELSE msg END;
    IF state = 'ZZ999' THEN
        RETURN 'ok: ' || msg;
    END IF;
    RETURN state || ': ' || msg;
END $$;

CREATE TABLE ho.hostile_case (
    id       serial,
    fn       text NOT NULL,          -- the campmon function under test
    call     text NOT NULL,
    as_role  text,                   -- NULL: the superuser running the test
    setup    text,                   -- run first, in the same subtransaction
    expected text NOT NULL           -- SQLSTATE, or ok
);

INSERT INTO ho.hostile_case (fn, call, expected) VALUES
-- table_bloat(rel regclass, mode text, sample_pages int)
('table_bloat', $$SELECT method FROM campmon.table_bloat(NULL)$$, '22004'),
('table_bloat', $$SELECT method FROM campmon.table_bloat(NULL, NULL, NULL)$$, '22004'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', NULL)$$, '22004'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', 'sampled', NULL)$$, 'ok'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', 'auto', NULL)$$, 'ok'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', '')$$, '22023'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', 'EXACT')$$, '22023'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', ' exact')$$, '22023'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', E'exact\n')$$, '22023'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', 'exact''; DROP TABLE ho.ho_table; --')$$, '22023'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', 'sämpled')$$, '22023'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', repeat('x', 100000))$$, '22023'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', 'unsupported')$$, '22023'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', 'sampled', 0)$$, '22023'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', 'sampled', -1)$$, '22023'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', 'sampled', -2147483648)$$, '22023'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', 'sampled', 2147483648)$$, '42883'),
('table_bloat', $$SELECT scanned_pages = total_pages FROM campmon.table_bloat('ho_table', 'sampled', 2147483647)$$, 'ok'),
('table_bloat', $$SELECT scanned_pages FROM campmon.table_bloat('ho_table', 'sampled', 1)$$, 'ok'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', 'auto', 1)$$, 'ok'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', 'exact', 1)$$, '22023'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', 'approx', 1)$$, '22023'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table', 'stats', 1)$$, '22023'),
('table_bloat', $$SELECT method FROM campmon.table_bloat(0)$$, '42P01'),
('table_bloat', $$SELECT method FROM campmon.table_bloat(4294967295)$$, '42P01'),
('table_bloat', $$SELECT method FROM campmon.table_bloat(-1)$$, '42P01'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('int4'::regtype::oid)$$, '42P01'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('no_such_table')$$, '42P01'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_view')$$, '42809'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_matview')$$, '42809'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_seq')$$, '42809'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_type')$$, '42809'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_parted')$$, '42809'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_parted_idx')$$, '42809'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_foreign')$$, '42809'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table_pkey')$$, '42809'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_table_gin')$$, '42809'),
('table_bloat', $$SELECT method FROM campmon.table_bloat((SELECT reltoastrelid FROM pg_class WHERE oid = 'ho_table'::regclass))$$, 'ok'),
('table_bloat', $$SELECT method FROM campmon.table_bloat((SELECT indexrelid FROM pg_index WHERE indrelid = (SELECT reltoastrelid FROM pg_class WHERE oid = 'ho_table'::regclass)))$$, '42809'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('pg_toast.pg_toast_1262')$$, 'ok'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('pg_database', 'exact')$$, 'ok'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('pg_class', 'approx')$$, 'ok'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_parted_2026', 'sampled')$$, 'ok'),
('table_bloat', $$SELECT live_rows FROM campmon.table_bloat('ho_temp', 'exact')$$, 'ok'),
('table_bloat', $$SELECT live_rows FROM campmon.table_bloat('ho_unlogged', 'exact')$$, 'ok'),
('table_bloat', $$SELECT dead_rows FROM campmon.table_bloat('ho_empty', 'exact')$$, 'ok'),
('table_bloat', $$SELECT bloat_pct_high FROM campmon.table_bloat('ho_empty', 'sampled', 3)$$, 'ok'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_empty', 'approx')$$, 'ok'),
('table_bloat', $$SELECT min_bytes FROM campmon.table_bloat('ho_empty', 'stats')$$, 'ok'),
('table_bloat', $$SELECT live_rows FROM campmon.table_bloat('ho_nocols', 'exact')$$, 'ok'),
('table_bloat', $$SELECT min_bytes FROM campmon.table_bloat('ho_nocols', 'exact')$$, 'ok'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_nocols', 'sampled', 1)$$, 'ok'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_nocols', 'stats')$$, 'ok'),
('table_bloat', $$SELECT live_rows FROM campmon.table_bloat('ho_dropped', 'exact')$$, 'ok'),
('table_bloat', $$SELECT fillfactor FROM campmon.table_bloat('ho_dropped', 'stats')$$, 'ok'),
('table_bloat', $$SELECT live_rows FROM campmon.table_bloat('ho_wide', 'exact')$$, 'ok'),
('table_bloat', $$SELECT min_bytes > 0 FROM campmon.table_bloat('ho_wide', 'stats')$$, 'ok'),
('table_bloat', $$SELECT method FROM campmon.table_bloat('ho_empty')$$, 'ok'),
('table_bloat', $$SELECT count(*) FROM ho.ho_names n, campmon.table_bloat(n.relid, 'exact') b WHERE b.live_rows = 1500$$, 'ok'),
('table_bloat', $$SELECT count(*) FROM ho.ho_names n, campmon.table_bloat(format('%I.%I', 'Ho "Odd"; Schema', n.name)::regclass, 'sampled', 2) b$$, 'ok'),
-- try_table_bloat(rel oid, mode text, sample_pages int): no row where table_bloat fails on the relation
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat(NULL)$$, 'ok'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat(NULL, NULL)$$, '22004'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat(NULL, 'fast')$$, '22023'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat(NULL, 'stats', 5)$$, '22023'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat('ho_table'::regclass, NULL)$$, '22004'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat('ho_table'::regclass, 'fast')$$, '22023'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat('ho_table'::regclass, 'sampled', 0)$$, '22023'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat('ho_table'::regclass, 'stats', 5)$$, '22023'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat(0)$$, 'ok'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat(4294967295, 'exact')$$, 'ok'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat('ho_view'::regclass)$$, 'ok'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat('ho_matview'::regclass)$$, 'ok'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat('ho_seq'::regclass)$$, 'ok'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat('ho_type'::regclass)$$, 'ok'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat('ho_parted'::regclass)$$, 'ok'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat('ho_foreign'::regclass)$$, 'ok'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat('ho_table_pkey'::regclass)$$, 'ok'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat((SELECT reltoastrelid FROM pg_class WHERE oid = 'ho_table'::regclass))$$, 'ok'),
('try_table_bloat', $$SELECT count(*) FROM campmon.try_table_bloat('ho_empty'::regclass, 'sampled', 2147483647)$$, 'ok'),
('try_table_bloat', $$SELECT count(*) FROM pg_class c, campmon.try_table_bloat(c.oid, 'stats') b WHERE c.relnamespace IN ('ho'::regnamespace, '"Ho ""Odd""; Schema"'::regnamespace)$$, 'ok'),
-- index_bloat(idx regclass, mode text, sample_pages int)
('index_bloat', $$SELECT method FROM campmon.index_bloat(NULL)$$, '22004'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_pkey', NULL)$$, '22004'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_pkey', 'approx')$$, '22023'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_pkey', 'Exact')$$, '22023'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_pkey', 'exact; SELECT 1')$$, '22023'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_pkey', 'sampled', 0)$$, '22023'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_pkey', 'sampled', -7)$$, '22023'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_pkey', 'exact', 10)$$, '22023'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_pkey', 'stats', 10)$$, '22023'),
('index_bloat', $$SELECT scanned_pages = total_pages FROM campmon.index_bloat('ho_table_pkey', 'sampled', 2147483647)$$, 'ok'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_pkey', 'auto', 2147483647)$$, 'ok'),
('index_bloat', $$SELECT scanned_pages FROM campmon.index_bloat('ho_table_pkey', 'sampled', 1)$$, 'ok'),
('index_bloat', $$SELECT method FROM campmon.index_bloat(0)$$, '42P01'),
('index_bloat', $$SELECT method FROM campmon.index_bloat(4294967295)$$, '42P01'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table')$$, '42809'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_view')$$, '42809'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_matview')$$, '42809'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_seq')$$, '42809'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_type')$$, '42809'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_parted')$$, '42809'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_parted_idx')$$, '42809'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_foreign')$$, '42809'),
('index_bloat', $$SELECT method FROM campmon.index_bloat((SELECT reltoastrelid FROM pg_class WHERE oid = 'ho_table'::regclass))$$, '42809'),
('index_bloat', $$SELECT method FROM campmon.index_bloat((SELECT indexrelid FROM pg_index WHERE indrelid = (SELECT reltoastrelid FROM pg_class WHERE oid = 'ho_table'::regclass)), 'exact')$$, 'ok'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('pg_database_oid_index', 'exact')$$, 'ok'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_gin')$$, 'ok'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_hash', 'exact')$$, 'ok'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_brin', 'sampled', 1)$$, 'ok'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_gist', 'stats')$$, 'ok'),
('index_bloat', $$SELECT access_method FROM campmon.index_bloat('ho_table_spgist')$$, 'ok'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_gin', 'approx')$$, '22023'),
('index_bloat', $$SELECT leaf_items FROM campmon.index_bloat('ho_table_v', 'exact')$$, 'ok'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_ts', 'sampled', 2)$$, 'ok'),
('index_bloat', $$SELECT fillfactor FROM campmon.index_bloat('ho_table_cover', 'exact')$$, 'ok'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_table_cover', 'stats')$$, 'ok'),
('index_bloat', $$SELECT leaf_items FROM campmon.index_bloat('ho_dup', 'exact')$$, 'ok'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_dup', 'stats')$$, 'ok'),
('index_bloat', $$SELECT leaf_pages FROM campmon.index_bloat('ho_empty_idx', 'exact')$$, 'ok'),
('index_bloat', $$SELECT scanned_pages FROM campmon.index_bloat('ho_empty_idx', 'sampled')$$, 'ok'),
('index_bloat', $$SELECT method FROM campmon.index_bloat('ho_matview_x', 'exact')$$, 'ok'),
('index_bloat', $$SELECT leaf_items FROM campmon.index_bloat('ho_unlogged_pkey', 'exact')$$, 'ok'),
('index_bloat', $$SELECT leaf_items FROM campmon.index_bloat('ho_temp_pkey', 'exact')$$, 'ok'),
('index_bloat', $$SELECT method FROM campmon.index_bloat((SELECT indexrelid FROM pg_index WHERE indrelid = 'ho_parted_2026'::regclass))$$, 'ok'),
-- try_index_bloat(idx oid, mode text, sample_pages int)
('try_index_bloat', $$SELECT count(*) FROM campmon.try_index_bloat(NULL)$$, 'ok'),
('try_index_bloat', $$SELECT count(*) FROM campmon.try_index_bloat('ho_table_pkey'::regclass, NULL)$$, '22004'),
('try_index_bloat', $$SELECT count(*) FROM campmon.try_index_bloat('ho_table_pkey'::regclass, 'approx')$$, '22023'),
('try_index_bloat', $$SELECT count(*) FROM campmon.try_index_bloat('ho_table_pkey'::regclass, 'sampled', 0)$$, '22023'),
('try_index_bloat', $$SELECT count(*) FROM campmon.try_index_bloat(0)$$, 'ok'),
('try_index_bloat', $$SELECT count(*) FROM campmon.try_index_bloat('ho_table'::regclass)$$, 'ok'),
('try_index_bloat', $$SELECT count(*) FROM campmon.try_index_bloat('ho_parted_idx'::regclass)$$, 'ok'),
('try_index_bloat', $$SELECT count(*) FROM campmon.try_index_bloat('ho_type'::regclass)$$, 'ok'),
('try_index_bloat', $$SELECT count(*) FROM campmon.try_index_bloat('ho_table_gin'::regclass, 'exact')$$, 'ok'),
('try_index_bloat', $$SELECT count(*) FROM pg_index x, campmon.try_index_bloat(x.indexrelid, 'exact') b WHERE x.indrelid = 'ho_table'::regclass$$, 'ok'),
-- relation_last_write(rel regclass)
('relation_last_write', $$SELECT campmon.relation_last_write(NULL)$$, 'ok'),
('relation_last_write', $$SELECT campmon.relation_last_write(0)$$, '42P01'),
('relation_last_write', $$SELECT campmon.relation_last_write(4294967295)$$, '42P01'),
('relation_last_write', $$SELECT campmon.relation_last_write('ho_table') IS NOT NULL$$, 'ok'),
('relation_last_write', $$SELECT campmon.relation_last_write('ho_view')$$, 'ok'),
('relation_last_write', $$SELECT campmon.relation_last_write('ho_type')$$, 'ok'),
('relation_last_write', $$SELECT campmon.relation_last_write('ho_parted')$$, 'ok'),
('relation_last_write', $$SELECT campmon.relation_last_write('ho_foreign')$$, 'ok'),
('relation_last_write', $$SELECT campmon.relation_last_write('ho_seq') IS NOT NULL$$, 'ok'),
('relation_last_write', $$SELECT campmon.relation_last_write('ho_temp') IS NOT NULL$$, 'ok'),
('relation_last_write', $$SELECT campmon.relation_last_write('ho_unlogged') IS NOT NULL$$, 'ok'),
('relation_last_write', $$SELECT campmon.relation_last_write('pg_class') IS NOT NULL$$, 'ok'),
('relation_last_write', $$SELECT campmon.relation_last_write('pg_database') IS NOT NULL$$, 'ok'),
('relation_last_write', $$SELECT campmon.relation_last_write('ho_empty') IS NOT NULL$$, 'ok'),
-- version()
('version', $$SELECT campmon.version() ~ '^\d+\.\d+'$$, 'ok'),
-- _human(i interval)
('_human', $$SELECT campmon._human(NULL)$$, 'ok'),
('_human', $$SELECT campmon._human('-5 days')$$, 'ok'),
('_human', $$SELECT campmon._human('0')$$, 'ok'),
('_human', $$SELECT campmon._human('59.999 s')$$, 'ok'),
('_human', $$SELECT campmon._human('1 day 23:59:59')$$, 'ok'),
('_human', $$SELECT campmon._human('-178000000 years')$$, 'ok'),
('_human', $$SELECT campmon._human('178000000 years')$$, 'ok'),
('_human', $$SELECT campmon._human('2147483647 days 2562047788 hours')$$, 'ok'),
('_human', $$SELECT campmon._human('1 mon -1 s')$$, 'ok'),
-- _relation_files(relids oid[])
('_relation_files', $$SELECT count(*) FROM campmon._relation_files(NULL)$$, 'ok'),
('_relation_files', $$SELECT count(*) FROM campmon._relation_files('{}')$$, 'ok'),
('_relation_files', $$SELECT count(*) FROM campmon._relation_files(ARRAY[NULL, NULL]::oid[])$$, 'ok'),
('_relation_files', $$SELECT count(*) FROM campmon._relation_files(ARRAY[0, 4294967295]::oid[])$$, 'ok'),
('_relation_files', $$SELECT count(*) FROM campmon._relation_files(ARRAY[['ho_table'::regclass, 'ho_table'::regclass], [NULL, 'ho_view'::regclass]]::oid[])$$, 'ok'),
('_relation_files', $$SELECT string_agg(bytes::text || '/' || (last_write IS NULL), ',' ORDER BY relid) FROM campmon._relation_files(ARRAY['ho_view'::regclass, 'ho_type'::regclass, 'ho_parted'::regclass, 'ho_foreign'::regclass]::oid[])$$, 'ok'),
('_relation_files', $$SELECT bool_and(bytes > 0) FROM campmon._relation_files(ARRAY['pg_class'::regclass, 'pg_database'::regclass, 'ho_temp'::regclass, 'ho_unlogged'::regclass]::oid[])$$, 'ok'),
('_relation_files', $$SELECT count(*) > 0 FROM campmon._relation_files(ARRAY(SELECT g::oid FROM generate_series(1, 200000) g))$$, 'ok'),
('_relation_files', $$SELECT count(*) FROM campmon._relation_files('[5:6]={1259,1259}'::oid[])$$, 'ok'),
-- _literal_prefix(pattern text), _like_prefix(pattern text), _valid_regex(pattern text)
('_literal_prefix', $$SELECT campmon._literal_prefix(NULL)$$, 'ok'),
('_literal_prefix', $$SELECT campmon._literal_prefix('')$$, 'ok'),
('_literal_prefix', $$SELECT campmon._literal_prefix('^wkf_a*')$$, 'ok'),
('_literal_prefix', $$SELECT campmon._literal_prefix('^(')$$, 'ok'),
('_literal_prefix', $$SELECT campmon._literal_prefix(E'^wk\\d')$$, 'ok'),
('_literal_prefix', $$SELECT bool_and(campmon._literal_prefix(p) = coalesce((regexp_match(p, '^\^([A-Za-z0-9_]+)(?![*+?{])'))[1], '')) FROM unnest(ARRAY['^wkdlv_([0-9]+)_', '^ab*', '^a+', '^ab{2}', '^a?', '^nmsbroadlog', 'nms', '^', '^_x_', '^x.y', E'^\u00e9t', '^A1_b2?c']) p$$, 'ok'),
('_like_prefix', $$SELECT campmon._like_prefix(NULL)$$, 'ok'),
('_like_prefix', $$SELECT campmon._like_prefix('^wk_dlv%')$$, 'ok'),
('_like_prefix', $$SELECT campmon._like_prefix('no anchor')$$, 'ok'),
('_valid_regex', $$SELECT campmon._valid_regex(NULL)$$, 'ok'),
('_valid_regex', $$SELECT campmon._valid_regex('(')$$, '2201B'),
('_valid_regex', $$SELECT campmon._valid_regex('a{1,1000}')$$, '2201B'),
('_valid_regex', $$SELECT campmon._valid_regex('(a+)+$')$$, 'ok'),
-- _match_id(name text, pattern text, prefix text)
('_match_id', $$SELECT campmon._match_id(NULL, '^wkf([0-9]+)_', 'wkf')$$, 'ok'),
('_match_id', $$SELECT campmon._match_id('wkf12_1', NULL, 'wkf')$$, 'ok'),
('_match_id', $$SELECT campmon._match_id('wkf12_1', '^wkf([0-9]+)_', NULL)$$, 'ok'),
('_match_id', $$SELECT campmon._match_id('wkf12_1', '^wkf([0-9]+)_', 'wkf')$$, 'ok'),
('_match_id', $$SELECT campmon._match_id('wkf12_1', '(', '')$$, '2201B'),
('_match_id', $$SELECT campmon._match_id('wkf12_1', '^wkf[0-9]+_', '')$$, 'ok'),
('_match_id', $$SELECT campmon._match_id('wkf12_1', '^wkf([a-z]*)12', '')$$, 'ok'),
('_match_id', $$SELECT campmon._match_id('wkf123456789012345678_1', '^wkf([0-9]+)_', 'wkf')$$, 'ok'),
('_match_id', $$SELECT campmon._match_id('wkf999999999999999999_1', '^wkf([0-9]+)_', 'wkf')$$, 'ok'),
('_match_id', $$SELECT campmon._match_id('wkf', '^wkf([0-9]+)_', 'wkf_and_more')$$, 'ok'),
('_match_id', $$SELECT campmon._match_id('wkf१२_1', '^wkf([[:digit:]]+)_', 'wkf')$$, 'ok'),
('_match_id', $$SELECT campmon._match_id('wkf12_表', '^wkf([0-9]+)_表$', 'wkf')$$, 'ok'),
('_match_id', $$SELECT campmon._match_id(repeat('a', 30) || 'b', '^((a+)+)$', '')$$, 'ok'),
-- _seconds(name text), _reference_time()
('_seconds', $$SELECT campmon._seconds(NULL)$$, 'ok'),
('_seconds', $$SELECT campmon._seconds('campmon.no_such_setting')$$, 'ok'),
('_seconds', $$SELECT campmon._seconds('campmon.stale_min_age')$$, 'ok'),
('_seconds', $$SELECT campmon._seconds('DateStyle')$$, '22P02'),
('_seconds', $$SELECT campmon._seconds('datestyle')$$, 'ok'),
('_reference_time', $$SELECT campmon._reference_time() IS NOT NULL$$, 'ok'),
-- _count(n numeric, singular text, plural text): the number of the noun
('_count', $$SELECT campmon._count(1, 'work table')$$, 'ok'),
('_count', $$SELECT campmon._count(0, 'work table')$$, 'ok'),
('_count', $$SELECT campmon._count(2, 'delivery', 'deliveries')$$, 'ok'),
('_count', $$SELECT campmon._count(NULL, 'row')$$, 'ok'),
('_count', $$SELECT campmon._count(1.5, NULL)$$, 'ok'),
-- _check_families(families text[]): unknown families refused with a hint
('_check_families', $$SELECT campmon._check_families(NULL)$$, 'ok'),
('_check_families', $$SELECT campmon._check_families('{}')$$, 'ok'),
('_check_families', $$SELECT campmon._check_families('{broadlog,other,catalog}')$$, 'ok'),
('_check_families', $$SELECT campmon._check_families('{broadlogs}')$$, '22023'),
('_check_families', $$SELECT campmon._check_families(ARRAY[NULL])$$, '22023'),
('_check_families', $$SELECT campmon._check_families(ARRAY['x''; DROP TABLE ho.ho_table; --'])$$, '22023'),
-- family_of(schema_name text, table_name text)
('family_of', $$SELECT campmon.family_of(NULL, NULL)$$, 'ok'),
('family_of', $$SELECT campmon.family_of('public', 'wkf1_x')$$, 'ok'),
('family_of', $$SELECT campmon.family_of('pg_catalog', 'pg_class')$$, 'ok'),
('family_of', $$SELECT campmon.family_of('pg_toast', 'nmsbroadlog')$$, 'ok'),
('family_of', $$SELECT campmon.family_of('x''; DROP TABLE ho.ho_table; --', E'nmsbroadlog\n')$$, 'ok'),
('family_of', $$SELECT campmon.family_of('public', 'NMSBROADLOG')$$, 'ok'),
-- _rule_problem(r work_table_rule, schema_name text)
('_rule_problem', $$SELECT campmon._rule_problem(NULL, 'public')$$, '22004'),
('_rule_problem', $$SELECT campmon._rule_problem(w, NULL) FROM campmon.work_table_rule w WHERE rule = 'workflow'$$, '22004'),
('_rule_problem', $$SELECT campmon._rule_problem(w, 'no such schema') FROM campmon.work_table_rule w WHERE rule = 'workflow'$$, 'ok'),
('_rule_problem', $$SELECT campmon._rule_problem(w, 'ho_work') FROM campmon.work_table_rule w WHERE rule = 'workflow'$$, 'ok'),
('_rule_problem', $$SELECT campmon._rule_problem(ROW('r', '(', 'ho_table', 'x', 'no_col', NULL, NULL, NULL, NULL, NULL, NULL, '{}', '{}', 'stale', NULL, 1, NULL, false, NULL)::campmon.work_table_rule, 'ho')$$, 'ok'),
('_rule_problem', $$SELECT campmon._rule_problem(ROW('r', '^x([0-9]+)', 'ho_table', 'x', 'id', NULL, NULL, 'no_failed', 'no_since', NULL, NULL, '{}', '{}', 'stale', NULL, 1, NULL, false, NULL)::campmon.work_table_rule, 'ho') IS NULL$$, 'ok'),
('_rule_problem', $$SELECT campmon._rule_problem(ROW('r', '^x([0-9]+)', 'ho_table', 'x', 'id', NULL, NULL, NULL, NULL, 'no_expiry', NULL, '{}', '{}', 'stale', NULL, 1, NULL, false, NULL)::campmon.work_table_rule, 'ho')$$, 'ok'),
('_rule_problem', $$SELECT campmon._rule_problem(ROW('r', '^x([0-9]+)', 'ho_table', 'x', 'id', NULL, NULL, NULL, NULL, NULL, 'v"; DROP TABLE ho.ho_table; --', '{}', '{}', 'stale', NULL, 1, NULL, false, NULL)::campmon.work_table_rule, 'ho')$$, 'ok'),
-- _stale_tables(), _checks()
('_stale_tables', $$SELECT count(*) FROM campmon._stale_tables() WHERE schema_name = 'ho_work'$$, 'ok'),
('_stale_tables', $$SELECT count(*) >= 0 FROM campmon._stale_tables()$$, 'ok'),
('_checks', $$SELECT count(*) >= 0 FROM campmon._checks()$$, 'ok'),
-- _purge_backlog(rel, r purge_rule, options, ref, found_by): rules built from jsonb (the table's shape may grow)
('_purge_backlog', $$SELECT status FROM campmon._purge_backlog(NULL, NULL, NULL, NULL, NULL)$$, 'ok'),
('_purge_backlog', $$SELECT status FROM campmon._purge_backlog('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "option_name": "x"}'), NULL, '2026-06-01', NULL)$$, 'ok'),
('_purge_backlog', $$SELECT status FROM campmon._purge_backlog('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "-100 years", "seeded": false, "date_column": "ts", "option_name": "x"}'), NULL, '2026-06-01', 'x')$$, 'ok'),
('_purge_backlog', $$SELECT status FROM campmon._purge_backlog('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": null, "seeded": false, "date_column": "ts", "option_name": "x"}'), NULL, NULL, NULL)$$, 'ok'),
('_purge_backlog', $$SELECT message FROM campmon._purge_backlog('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts\"; DROP TABLE ho.ho_table; --", "option_name": "x"}'), NULL, now(), 'x')$$, 'ok'),
('_purge_backlog', $$SELECT status FROM campmon._purge_backlog('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "v", "option_name": "x"}'), NULL, now(), 'x')$$, '22007'),
('_purge_backlog', $$SELECT status FROM campmon._purge_backlog('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "id", "option_name": "x"}'), NULL, now(), 'x')$$, '42846'),
('_purge_backlog', $$SELECT status FROM campmon._purge_backlog('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "option_name": "x"}'), 'ho_table', now(), 'x')$$, 'ok'),
('_purge_backlog', $$SELECT status FROM campmon._purge_backlog('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "option_name": "NmsCleanup_X", "default_note": "note"}'), 'ho.ho_option', now(), 'x')$$, 'ok'),
('_purge_backlog', $$SELECT status FROM campmon._purge_backlog('ho_view', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "x", "option_name": "x"}'), NULL, now(), 'x')$$, '0A000'),
('_purge_backlog', $$SELECT status FROM campmon._purge_backlog('ho_empty', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "id", "option_name": "x"}'), NULL, now(), 'x')$$, '42846'),
('_purge_backlog', $$SELECT status FROM campmon._purge_backlog('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "option_name": "x"}'), NULL, now(), 'x')$$, 'ok'),
('_purge_backlog', $$SELECT message FROM campmon._purge_backlog('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "filter_columns": ["id", "no_such"], "filter_ops": [">", "="], "filter_values": [1, 2]}'), NULL, now(), 'x')$$, 'ok'),
('_purge_backlog', $$SELECT status FROM campmon._purge_backlog('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "filter_columns": ["id"], "filter_ops": [">"], "filter_values": [10]}'), NULL, '2027-01-01', 'x')$$, 'ok'),
('_purge_backlog', $$SELECT status FROM campmon._purge_backlog('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "delay_table": "ho_table", "delay_column": "id"}'), NULL, '2027-01-01', 'x')$$, 'ok'),
('_purge_backlog', $$SELECT status FROM campmon._purge_backlog('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "delay_table": "no table\"; --", "delay_column": "x"}'), NULL, now(), 'x')$$, 'ok'),
-- _purge_delay(s, r, options), _purge_filter(rel, r)
('_purge_delay', $$SELECT * FROM campmon._purge_delay(NULL, NULL, NULL)$$, 'ok'),
('_purge_delay', $$SELECT delay, assumed FROM campmon._purge_delay('ho', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "option_name": "NmsCleanup_X"}'), 'ho.ho_option')$$, 'ok'),
('_purge_delay', $$SELECT how FROM campmon._purge_delay('ho', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "delay_table": "ho_table", "delay_column": "id"}'), NULL)$$, 'ok'),
('_purge_delay', $$SELECT how FROM campmon._purge_delay('ho', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "delay_table": "ho_view", "delay_column": "x"}'), NULL)$$, 'ok'),
('_purge_delay', $$SELECT how FROM campmon._purge_delay('ho', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "delay_table": "ho_table", "delay_column": "v"}'), NULL)$$, '42883'),
('_purge_filter', $$SELECT campmon._purge_filter(NULL, NULL)$$, 'ok'),
('_purge_filter', $$SELECT campmon._purge_filter('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "filter_columns": ["id", "id"], "filter_ops": [">", "<>"], "filter_values": [-9223372036854775808, 0]}'))$$, 'ok'),
('_purge_filter', $$SELECT campmon._purge_filter('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "filter_columns": ["id\"; DROP TABLE ho.ho_table; --"], "filter_ops": ["="], "filter_values": [1]}'))$$, 'ok'),
-- _cleanup_orphans(rel, r, found_by)
('_cleanup_orphans', $$SELECT count(*) FROM campmon._cleanup_orphans(NULL, NULL, NULL)$$, '22004'),
('_cleanup_orphans', $$SELECT value FROM campmon._cleanup_orphans('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "key_column": "id", "parent_table": "ho_table", "parent_column": "id"}'), 'x')$$, 'ok'),
('_cleanup_orphans', $$SELECT value FROM campmon._cleanup_orphans('ho_empty', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "key_column": "id", "parent_table": "ho_table", "parent_column": "id"}'), 'x')$$, 'ok'),
('_cleanup_orphans', $$SELECT message FROM campmon._cleanup_orphans('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "key_column": "id", "parent_table": "ho_view", "parent_column": "x"}'), 'x')$$, 'ok'),
('_cleanup_orphans', $$SELECT message FROM campmon._cleanup_orphans('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "key_column": "id", "parent_table": "no such\"; --", "parent_column": "x"}'), 'x')$$, 'ok'),
('_cleanup_orphans', $$SELECT message FROM campmon._cleanup_orphans('ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "key_column": "v", "parent_table": "ho_table", "parent_column": "id"}'), 'x')$$, '42883'),
-- _purge_tables(s, r purge_rule): mapped tables, else by pattern
('_purge_tables', $$SELECT count(*) FROM campmon._purge_tables(NULL, NULL)$$, '22004'),
('_purge_tables', $$SELECT count(*) FROM campmon._purge_tables('public', NULL)$$, 'ok'),
('_purge_tables', $$SELECT count(*) FROM campmon.purge_rule p, campmon._purge_tables('no such schema', p)$$, 'ok'),
('_purge_tables', $$SELECT string_agg(rel::text, ',' ORDER BY rel::text) FROM campmon.purge_rule p, campmon._purge_tables('public', p)$$, 'ok'),
('_purge_tables', $$SELECT string_agg(rel::text, ',' ORDER BY rel::text) FROM campmon._purge_tables('ho', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^ho_", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts", "option_name": "x", "mapping_columns": ["sbroadlogschema"], "extra_schemas": ["x:hoTable"]}'))$$, 'ok'),
('_purge_tables', $$SELECT string_agg(rel::text, ',' ORDER BY rel::text) FROM campmon._purge_tables('ho', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^ho_e|^ho_t", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "ts"}'))$$, 'ok'),
-- _never_work_table_owner_names(), _never_work_table_owners(): postgres, superusers, the setting's roles
('_never_work_table_owner_names', $$SELECT campmon._never_work_table_owner_names()::text$$, 'ok'),
('_never_work_table_owners', $$SELECT cardinality(campmon._never_work_table_owners()) >= 1$$, 'ok'),
-- _has_column(rel, col), _option_columns(), _option(opt, name), _option_seconds(v)
('_has_column', $$SELECT campmon._has_column(NULL, NULL)$$, 'ok'),
('_has_column', $$SELECT campmon._has_column(0, 'x')$$, 'ok'),
('_has_column', $$SELECT campmon._has_column('ho_table', 'id'), campmon._has_column('ho_table', 'ctid'), campmon._has_column('ho_dropped', 'b')$$, 'ok'),
('_option_columns', $$SELECT campmon._option_columns()::text$$, 'ok'),
('_option', $$SELECT * FROM campmon._option(NULL, NULL)$$, 'ok'),
('_option', $$SELECT * FROM campmon._option('ho_table', 'x')$$, 'ok'),
('_option', $$SELECT * FROM campmon._option('ho_view', 'x')$$, 'ok'),
('_option', $$SELECT found, value, source_column FROM campmon._option('ho.ho_option', 'NmsCleanup_X')$$, 'ok'),
('_option', $$SELECT found, value, source_column FROM campmon._option('ho.ho_option', 'Empty')$$, 'ok'),
('_option', $$SELECT found FROM campmon._option('ho.ho_option', $o$x'; DROP TABLE ho.ho_table; --$o$)$$, 'ok'),
('_option_seconds', $$SELECT campmon._option_seconds(NULL), campmon._option_seconds(''), campmon._option_seconds(' 12.5 '), campmon._option_seconds('-1'), campmon._option_seconds('1e9'), campmon._option_seconds('9999999999999'), campmon._option_seconds('180d')$$, 'ok'),
-- _estimate_rows(rel, predicate, key_column): counted, through an index, or from a sample
('_estimate_rows', $$SELECT * FROM campmon._estimate_rows(NULL, NULL, NULL)$$, '22004'),
('_estimate_rows', $$SELECT * FROM campmon._estimate_rows('ho_table', 'id > 10', 'id')$$, 'ok'),
('_estimate_rows', $$SELECT * FROM campmon._estimate_rows('ho_table', 'no_such_column > 0', NULL)$$, '42703'),
('_estimate_rows', $$SELECT * FROM campmon._estimate_rows('ho_empty', 'true', 'no_such_column')$$, 'ok'),
-- _last_cleanup(opt)
('_last_cleanup', $$SELECT campmon._last_cleanup(NULL)$$, 'ok'),
('_last_cleanup', $$SELECT campmon._last_cleanup('ho_table')$$, 'ok'),
('_last_cleanup', $$SELECT campmon._last_cleanup('ho.ho_option')$$, 'ok'),
-- _workflow_checks(s, wf, opt, ref) and its parts, _delivery_checks(s, opt, ref), _session_backlog(s, opt, ref)
('_workflow_checks', $$SELECT count(*) FROM campmon._workflow_checks(NULL, NULL, NULL, now())$$, 'ok'),
('_workflow_checks', $$SELECT count(*) FROM campmon._workflow_checks('ho_work', 'ho_work.xtkworkflow', NULL, now())$$, 'ok'),
('_workflow_checks', $$SELECT count(*) FROM campmon._workflow_checks('ho_work', 'ho_work.xtkworkflow', 'ho.ho_option', NULL)$$, 'ok'),
('_workflow_checks', $$SELECT count(*) FROM campmon._workflow_checks('ho', 'ho_table', 'ho_table', now())$$, 'ok'),
('_workflow_checks', $$SELECT count(*) FROM campmon._workflow_checks('x"; --', 'ho_view', NULL, now())$$, 'ok'),
('_workflow_source', $$SELECT problem FROM campmon._workflow_source(NULL)$$, 'ok'),
('_workflow_source', $$SELECT problem FROM campmon._workflow_source('ho_table')$$, 'ok'),
('_workflow_source', $$SELECT problem FROM campmon._workflow_source('ho_view')$$, 'ok'),
('_workflow_source', $$SELECT src IS NOT NULL FROM campmon._workflow_source('ho_work.xtkworkflow')$$, 'ok'),
('_technical_workflow_rows', $$SELECT count(*) FROM campmon._technical_workflow_rows(NULL, NULL, NULL, NULL, NULL)$$, '22004'),
('_technical_workflow_rows', $$SELECT count(*) FROM campmon._technical_workflow_rows((SELECT src FROM campmon._workflow_source('ho_work.xtkworkflow')), 'ho_work.xtkworkflow', now(), '{execution}', '{x}')$$, 'ok'),
('_technical_workflow_rows', $$SELECT count(*) FROM campmon._technical_workflow_rows((SELECT src FROM campmon._workflow_source('ho_work.xtkworkflow')), 'ho_work.xtkworkflow', NULL, NULL, NULL)$$, 'ok'),
('_technical_workflow_rows', $$SELECT count(*) FROM campmon._technical_workflow_rows('(SELECT 1) x; DROP TABLE ho.ho_table; --', 'ho_table', now(), NULL, NULL)$$, '42601'),
('_paused_workflow_rows', $$SELECT count(*) FROM campmon._paused_workflow_rows(NULL, NULL, NULL, NULL)$$, '22004'),
('_paused_workflow_rows', $$SELECT count(*) FROM campmon._paused_workflow_rows((SELECT src FROM campmon._workflow_source('ho_work.xtkworkflow')), now(), '-1 day', NULL)$$, 'ok'),
('_paused_workflow_rows', $$SELECT count(*) FROM campmon._paused_workflow_rows((SELECT src FROM campmon._workflow_source('ho_work.xtkworkflow')), now(), NULL, 'x')$$, 'ok'),
('_instance_roles', $$SELECT count(*) FROM campmon._instance_roles(NULL, NULL, NULL)$$, '22004'),
('_instance_roles', $$SELECT string_agg(role, ',') FROM campmon._instance_roles('ho_work', 'ho_work.xtkworkflow', 'ho.ho_option')$$, 'ok'),
('_instance_roles', $$SELECT string_agg(role, ',') FROM campmon._instance_roles('x"; DROP TABLE ho.ho_table; --', 'ho_table', 'ho_view')$$, 'ok'),
('_workflow_option_rows', $$SELECT count(*) FROM campmon._workflow_option_rows(NULL)$$, 'ok'),
('_workflow_option_rows', $$SELECT count(*) FROM campmon._workflow_option_rows('ho_table')$$, 'ok'),
('_workflow_option_rows', $$SELECT count(*) FROM campmon._workflow_option_rows('ho_work.xtkworkflow')$$, 'ok'),
('_application_objects', $$SELECT count(*) FROM campmon._application_objects(NULL, NULL)$$, '22004'),
('_application_objects', $$SELECT count(*) FROM campmon._application_objects('ho_work', now())$$, 'ok'),
('_application_objects', $$SELECT count(*) FROM campmon._application_objects('public', NULL)$$, 'ok'),
('_delivery_checks', $$SELECT count(*) FROM campmon._delivery_checks(NULL, NULL, NULL)$$, '22004'),
('_delivery_checks', $$SELECT count(*) FROM campmon._delivery_checks('ho_work', NULL, now())$$, 'ok'),
('_delivery_checks', $$SELECT count(*) FROM campmon._delivery_checks('public', 'ho_table', NULL)$$, 'ok'),
('_session_backlog', $$SELECT count(*) FROM campmon._session_backlog(NULL, NULL, NULL)$$, '22004'),
('_session_backlog', $$SELECT count(*) FROM campmon._session_backlog('public', NULL, now())$$, 'ok'),
-- key sequences, log tables, index hygiene, an editor's reach
('_key_sequences', $$SELECT count(*) >= 0 FROM campmon._key_sequences()$$, 'ok'),
('_key_sequences', $$SELECT string_agg(sequence_name, ',' ORDER BY sequence_name) FROM campmon._key_sequences() WHERE schema_name = 'ho_work'$$, 'ok'),
('_key_sequence_row', $$SELECT count(*) FROM campmon._key_sequence_row(NULL, NULL, NULL)$$, '22004'),
('_key_sequence_row', $$SELECT status FROM campmon.key_sequences k, campmon._key_sequence_row(k, -1, 1000) LIMIT 1$$, 'ok'),
('_key_sequence_row', $$SELECT status FROM campmon._key_sequence_row(ROW('ho', 'x"; --', 0, 'x', 'integer', 0, -5, -5, 'NaN', true)::campmon.key_sequences, 75, 90)$$, 'ok'),
('_log_table_rows', $$SELECT count(*) FROM campmon._log_table_rows(NULL, NULL)$$, '22004'),
('_log_table_rows', $$SELECT count(*) FROM campmon._log_table_rows('public', 0)$$, 'ok'),
('_log_table_rows', $$SELECT count(*) FROM campmon._log_table_rows('x"; --', 1)$$, 'ok'),
('_index_hygiene_rows', $$SELECT count(*) >= 0 FROM campmon._index_hygiene_rows(NULL)$$, 'ok'),
('_index_hygiene_rows', $$SELECT count(*) >= 0 FROM campmon._index_hygiene_rows('-1000 years')$$, 'ok'),
('_index_hygiene_rows', $$SELECT count(*) FROM campmon._index_hygiene_rows('0') WHERE finding <> 'unused' AND schema_name = 'ho'$$, 'ok'),
('_editor_may_read', $$SELECT campmon._editor_may_read(NULL, NULL), campmon._editor_may_read('no such role', 1259), campmon._editor_may_read('regress_ho_evil', 'ho.ho_table'::regclass), campmon._editor_may_read('regress_ho_reader', 'ho.ho_table'::regclass)$$, 'ok'),
-- _size_of(rel oid)
('_size_of', $$SELECT campmon._size_of(NULL)$$, 'ok'),
('_size_of', $$SELECT campmon._size_of(0)$$, 'ok'),
('_size_of', $$SELECT campmon._size_of('ho_view'::regclass)$$, 'ok'),
('_size_of', $$SELECT campmon._size_of('ho_table'::regclass) > 0$$, 'ok'),
-- plan(families, actions, min_gain_bytes, max_steps, include_suspect, allow_blocking, show_kept)
('plan', $$SELECT count(*) >= 0 FROM campmon.plan(NULL, NULL, NULL)$$, '22023'),
('plan', $$SELECT count(*) >= 0 FROM campmon.plan(NULL, NULL, 0, NULL, NULL, NULL, NULL)$$, 'ok'),
('plan', $$SELECT count(*) FROM campmon.plan(families => '{}')$$, 'ok'),
('plan', $$SELECT count(*) FROM campmon.plan(families => ARRAY[NULL]::text[])$$, '22023'),
('plan', $$SELECT count(*) FROM campmon.plan(families => ARRAY['x''); DROP TABLE ho.ho_table; --'])$$, '22023'),
('plan', $$SELECT count(*) FROM campmon.plan(actions => '{}')$$, 'ok'),
('plan', $$SELECT count(*) FROM campmon.plan(actions => ARRAY[NULL]::text[])$$, '22023'),
('plan', $$SELECT count(*) FROM campmon.plan(actions => ARRAY['TRUNCATE'])$$, '22023'),
('plan', $$SELECT count(*) FROM campmon.plan(actions => ARRAY['drop table'])$$, '22023'),
('plan', $$SELECT count(*) FROM campmon.plan(actions => ARRAY['DROP TABLE '])$$, '22023'),
('plan', $$SELECT count(*) FROM campmon.plan(actions => ARRAY['DROP TABLE; DELETE FROM ho.ho_table'])$$, '22023'),
('plan', $$SELECT count(*) >= 0 FROM campmon.plan(actions => ARRAY['keep', 'keep'])$$, 'ok'),
('plan', $$SELECT count(*) >= 0 FROM campmon.plan(actions => '{{ANALYZE},{VACUUM}}', families => '{other}')$$, 'ok'),
('plan', $$SELECT count(*) FROM campmon.plan(min_gain_bytes => -1)$$, '22023'),
('plan', $$SELECT count(*) FROM campmon.plan(min_gain_bytes => -9223372036854775808)$$, '22023'),
('plan', $$SELECT count(*) FROM campmon.plan(min_gain_bytes => 9223372036854775807, actions => ARRAY['DROP TABLE', 'REINDEX INDEX CONCURRENTLY'])$$, 'ok'),
('plan', $$SELECT count(*) FROM campmon.plan(max_steps => 0)$$, '22023'),
('plan', $$SELECT count(*) FROM campmon.plan(max_steps => -2147483648)$$, '22023'),
('plan', $$SELECT count(*) <= 1 FROM campmon.plan(max_steps => 1)$$, 'ok'),
('plan', $$SELECT count(*) >= 0 FROM campmon.plan(max_steps => 2147483647)$$, 'ok'),
('plan', $$SELECT count(*) >= 0 FROM campmon.plan(include_suspect => NULL, allow_blocking => NULL, show_kept => NULL)$$, 'ok'),
('plan', $$SELECT count(*) >= 0 FROM campmon.plan(allow_blocking => true, show_kept => true, include_suspect => true)$$, 'ok'),
-- _plan_prepare(families, actions, min_gain_bytes, include_suspect, allow_blocking, show_kept, runner): what plan()'s phases share
('_plan_prepare', $$SELECT cardinality((campmon._plan_prepare(NULL, NULL, 0, false, false, false, current_user)).tables) > 0$$, 'ok'),
('_plan_prepare', $$SELECT (campmon._plan_prepare(NULL, NULL, NULL, NULL, NULL, NULL, NULL)).runner_super IS NULL$$, 'ok'),
('_plan_prepare', $$SELECT cardinality((campmon._plan_prepare('{}', ARRAY[NULL]::text[], -1, true, true, true, 'no such role')).work_tables) >= 0$$, 'ok'),
-- plan()'s phases, _plan_<phase>(ctx): no context, one with nothing but flags, plan()'s, one every flag widens
('_plan_drop_work_tables', $$SELECT count(*) FROM campmon._plan_drop_work_tables(NULL)$$, 'ok'),
('_plan_drop_work_tables', $$SELECT count(*) FROM campmon._plan_drop_work_tables(jsonb_populate_record(NULL::campmon._plan_context, '{"show_kept": true, "include_suspect": true, "allow_blocking": true, "repack": true, "runner_super": true}'))$$, 'ok'),
('_plan_drop_work_tables', $$SELECT count(*) >= 0 FROM campmon._plan_drop_work_tables(campmon._plan_prepare(NULL, NULL, 0, false, false, false, current_user))$$, 'ok'),
('_plan_drop_work_tables', $$SELECT count(*) >= 0 FROM campmon._plan_drop_work_tables(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
('_plan_invalid_indexes', $$SELECT count(*) FROM campmon._plan_invalid_indexes(NULL)$$, 'ok'),
('_plan_invalid_indexes', $$SELECT count(*) FROM campmon._plan_invalid_indexes(jsonb_populate_record(NULL::campmon._plan_context, '{"show_kept": true, "include_suspect": true, "allow_blocking": true, "repack": true, "runner_super": true}'))$$, 'ok'),
('_plan_invalid_indexes', $$SELECT count(*) >= 0 FROM campmon._plan_invalid_indexes(campmon._plan_prepare(NULL, NULL, 0, false, false, false, current_user))$$, 'ok'),
('_plan_invalid_indexes', $$SELECT count(*) >= 0 FROM campmon._plan_invalid_indexes(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
('_plan_repack_cleanup', $$SELECT count(*) FROM campmon._plan_repack_cleanup(NULL)$$, 'ok'),
('_plan_repack_cleanup', $$SELECT count(*) FROM campmon._plan_repack_cleanup(jsonb_populate_record(NULL::campmon._plan_context, '{"show_kept": true, "include_suspect": true, "allow_blocking": true, "repack": true, "runner_super": true}'))$$, 'ok'),
('_plan_repack_cleanup', $$SELECT count(*) >= 0 FROM campmon._plan_repack_cleanup(campmon._plan_prepare(NULL, NULL, 0, false, false, false, current_user))$$, 'ok'),
('_plan_repack_cleanup', $$SELECT count(*) >= 0 FROM campmon._plan_repack_cleanup(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
-- _plan_catalog_rows_dropped(ctx): the catalog rows phase 3 expects the drops to delete
('_plan_catalog_rows_dropped', $$SELECT count(*) FROM campmon._plan_catalog_rows_dropped(NULL)$$, 'ok'),
('_plan_catalog_rows_dropped', $$SELECT sum(dropped_rows) = 0 FROM campmon._plan_catalog_rows_dropped(jsonb_populate_record(NULL::campmon._plan_context, '{"include_suspect": true, "actions": ["VACUUM"]}'))$$, 'ok'),
('_plan_catalog_rows_dropped', $$SELECT count(*) = 5 FROM campmon._plan_catalog_rows_dropped(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
('_plan_catalogs', $$SELECT count(*) FROM campmon._plan_catalogs(NULL)$$, 'ok'),
('_plan_catalogs', $$SELECT count(*) FROM campmon._plan_catalogs(jsonb_populate_record(NULL::campmon._plan_context, '{"show_kept": true, "include_suspect": true, "allow_blocking": true, "repack": true, "runner_super": true}'))$$, 'ok'),
('_plan_catalogs', $$SELECT count(*) >= 0 FROM campmon._plan_catalogs(campmon._plan_prepare(NULL, NULL, 0, false, false, false, current_user))$$, 'ok'),
('_plan_catalogs', $$SELECT count(*) >= 0 FROM campmon._plan_catalogs(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
('_plan_vacuum', $$SELECT count(*) FROM campmon._plan_vacuum(NULL)$$, 'ok'),
('_plan_vacuum', $$SELECT count(*) FROM campmon._plan_vacuum(jsonb_populate_record(NULL::campmon._plan_context, '{"show_kept": true, "include_suspect": true, "allow_blocking": true, "repack": true, "runner_super": true}'))$$, 'ok'),
('_plan_vacuum', $$SELECT count(*) >= 0 FROM campmon._plan_vacuum(campmon._plan_prepare(NULL, NULL, 0, false, false, false, current_user))$$, 'ok'),
('_plan_vacuum', $$SELECT count(*) >= 0 FROM campmon._plan_vacuum(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
('_plan_reindex', $$SELECT count(*) FROM campmon._plan_reindex(NULL)$$, 'ok'),
('_plan_reindex', $$SELECT count(*) FROM campmon._plan_reindex(jsonb_populate_record(NULL::campmon._plan_context, '{"show_kept": true, "include_suspect": true, "allow_blocking": true, "repack": true, "runner_super": true}'))$$, 'ok'),
('_plan_reindex', $$SELECT count(*) >= 0 FROM campmon._plan_reindex(campmon._plan_prepare(NULL, NULL, 0, false, false, false, current_user))$$, 'ok'),
('_plan_reindex', $$SELECT count(*) >= 0 FROM campmon._plan_reindex(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
('_plan_analyze', $$SELECT count(*) FROM campmon._plan_analyze(NULL)$$, 'ok'),
('_plan_analyze', $$SELECT count(*) FROM campmon._plan_analyze(jsonb_populate_record(NULL::campmon._plan_context, '{"show_kept": true, "include_suspect": true, "allow_blocking": true, "repack": true, "runner_super": true}'))$$, 'ok'),
('_plan_analyze', $$SELECT count(*) >= 0 FROM campmon._plan_analyze(campmon._plan_prepare(NULL, NULL, 0, false, false, false, current_user))$$, 'ok'),
('_plan_analyze', $$SELECT count(*) >= 0 FROM campmon._plan_analyze(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
('_plan_repack', $$SELECT count(*) FROM campmon._plan_repack(NULL)$$, 'ok'),
('_plan_repack', $$SELECT count(*) FROM campmon._plan_repack(jsonb_populate_record(NULL::campmon._plan_context, '{"show_kept": true, "include_suspect": true, "allow_blocking": true, "repack": true, "runner_super": true}'))$$, 'ok'),
('_plan_repack', $$SELECT count(*) >= 0 FROM campmon._plan_repack(campmon._plan_prepare(NULL, NULL, 0, false, false, false, current_user))$$, 'ok'),
('_plan_repack', $$SELECT count(*) >= 0 FROM campmon._plan_repack(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
('_plan_vacuum_full', $$SELECT count(*) FROM campmon._plan_vacuum_full(NULL)$$, 'ok'),
('_plan_vacuum_full', $$SELECT count(*) FROM campmon._plan_vacuum_full(jsonb_populate_record(NULL::campmon._plan_context, '{"show_kept": true, "include_suspect": true, "allow_blocking": true, "repack": true, "runner_super": true}'))$$, 'ok'),
('_plan_vacuum_full', $$SELECT count(*) >= 0 FROM campmon._plan_vacuum_full(campmon._plan_prepare(NULL, NULL, 0, false, false, false, current_user))$$, 'ok'),
('_plan_vacuum_full', $$SELECT count(*) >= 0 FROM campmon._plan_vacuum_full(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
('_plan_routine_rebuild', $$SELECT count(*) FROM campmon._plan_routine_rebuild(NULL)$$, 'ok'),
('_plan_routine_rebuild', $$SELECT count(*) >= 0 FROM campmon._plan_routine_rebuild(jsonb_populate_record(NULL::campmon._plan_context, '{"show_kept": true, "include_suspect": true, "allow_blocking": true, "repack": true, "runner_super": true}'))$$, 'ok'),
('_plan_routine_rebuild', $$SELECT count(*) FROM campmon._plan_routine_rebuild(campmon._plan_prepare(NULL, NULL, 0, false, false, false, current_user))$$, 'ok'),
('_plan_routine_rebuild', $$SELECT count(*) >= 0 FROM campmon._plan_routine_rebuild(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
('_plan_index_hygiene', $$SELECT count(*) FROM campmon._plan_index_hygiene(NULL)$$, 'ok'),
('_plan_index_hygiene', $$SELECT count(*) >= 0 FROM campmon._plan_index_hygiene(jsonb_populate_record(NULL::campmon._plan_context, '{"show_kept": true, "include_suspect": true, "allow_blocking": true, "repack": true, "runner_super": true}'))$$, 'ok'),
('_plan_index_hygiene', $$SELECT count(*) FROM campmon._plan_index_hygiene(campmon._plan_prepare(NULL, NULL, 0, false, false, false, current_user))$$, 'ok'),
('_plan_index_hygiene', $$SELECT count(*) >= 0 FROM campmon._plan_index_hygiene(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
-- _list_table(rel oid, mode text, sample_pages int), _list_index(idx oid, ...): the views' rows
('_list_table', $$SELECT count(*) FROM campmon._list_table(NULL, 'stats', NULL)$$, 'ok'),
('_list_table', $$SELECT count(*) FROM campmon._list_table(0, 'stats', NULL)$$, 'ok'),
('_list_table', $$SELECT count(*) FROM campmon._list_table('ho_table'::regclass, 'stats', NULL)$$, 'ok'),
('_list_table', $$SELECT count(*) FROM campmon._list_table('ho_table'::regclass, 'exact', NULL)$$, 'ok'),
('_list_table', $$SELECT count(*) FROM campmon._list_table('ho_table'::regclass, 'sampled', 2)$$, 'ok'),
('_list_table', $$SELECT count(*) FROM campmon._list_table('ho_view'::regclass, 'stats', NULL)$$, 'ok'),
('_list_table', $$SELECT count(*) FROM campmon._list_table('ho_table_pkey'::regclass, 'stats', NULL)$$, 'ok'),
('_list_table', $$SELECT count(*) FROM campmon._list_table('ho_table'::regclass, 'fast', NULL)$$, '22023'),
('_list_table', $$SELECT count(*) FROM campmon._list_table('ho_table'::regclass, NULL, NULL)$$, '22004'),
('_list_table', $$SELECT count(*) FROM campmon._list_table('ho_table'::regclass, 'stats', 5)$$, '22023'),
('_list_index', $$SELECT count(*) FROM campmon._list_index(NULL, 'stats', NULL)$$, 'ok'),
('_list_index', $$SELECT count(*) FROM campmon._list_index(0, 'stats', NULL)$$, 'ok'),
('_list_index', $$SELECT count(*) FROM campmon._list_index('ho_table_pkey'::regclass, 'stats', NULL)$$, 'ok'),
('_list_index', $$SELECT count(*) FROM campmon._list_index('ho_table_pkey'::regclass, 'exact', NULL)$$, 'ok'),
('_list_index', $$SELECT count(*) FROM campmon._list_index('ho_table_gin'::regclass, 'stats', NULL)$$, 'ok'),
('_list_index', $$SELECT count(*) FROM campmon._list_index('ho_table'::regclass, 'stats', NULL)$$, 'ok'),
('_list_index', $$SELECT count(*) FROM campmon._list_index('ho_table_pkey'::regclass, 'approx', NULL)$$, '22023'),
('_list_index', $$SELECT count(*) FROM campmon._list_index('ho_table_pkey'::regclass, NULL, NULL)$$, '22004'),
-- _unsafe_to_read(rel regclass, cols text[]): why campmon must not read a relation, NULL when it may
('_unsafe_to_read', $$SELECT campmon._unsafe_to_read(NULL, NULL)$$, 'ok'),
('_unsafe_to_read', $$SELECT campmon._unsafe_to_read(0, NULL)$$, 'ok'),
('_unsafe_to_read', $$SELECT campmon._unsafe_to_read('ho_table', ARRAY['id', 'v', NULL, 'no_such_column'])$$, 'ok'),
('_unsafe_to_read', $$SELECT campmon._unsafe_to_read('ho_view', '{}')$$, 'ok'),
('_unsafe_to_read', $$SELECT campmon._unsafe_to_read('ho_matview', '{}')$$, 'ok'),
('_unsafe_to_read', $$SELECT campmon._unsafe_to_read('ho_foreign', '{}')$$, 'ok'),
('_unsafe_to_read', $$SELECT campmon._unsafe_to_read('ho_parted', '{}')$$, 'ok'),
('_unsafe_to_read', $$SELECT campmon._unsafe_to_read('ho_seq', '{}')$$, 'ok'),
-- _total_bytes(rel oid): the size of what exists, 0 for what does not
('_total_bytes', $$SELECT campmon._total_bytes(NULL)$$, 'ok'),
('_total_bytes', $$SELECT campmon._total_bytes(0)$$, 'ok'),
('_total_bytes', $$SELECT campmon._total_bytes(4294967295)$$, 'ok'),
('_total_bytes', $$SELECT campmon._total_bytes('ho_table'::regclass) = pg_total_relation_size('ho_table')$$, 'ok'),
('_total_bytes', $$SELECT campmon._total_bytes('ho_view'::regclass)$$, 'ok'),
('_total_bytes', $$SELECT campmon._total_bytes('ho_parted'::regclass)$$, 'ok'),
('_total_bytes', $$SELECT campmon._total_bytes('ho_foreign'::regclass)$$, 'ok'),
('_total_bytes', $$SELECT campmon._total_bytes('ho_table_pkey'::regclass) = pg_total_relation_size('ho_table_pkey')$$, 'ok'),
('_total_bytes', $$SELECT campmon._total_bytes('pg_class'::regclass) = pg_total_relation_size('pg_class')$$, 'ok'),
-- _bloat_judged(...): a sampled figure by its interval's low end, anything else by itself; NULLs and NaN
('_bloat_judged', $$SELECT (campmon._bloat_judged('sampled', 31, 27, 35, 30, 60)).sure_pct = 27$$, 'ok'),
('_bloat_judged', $$SELECT (campmon._bloat_judged('sampled', 31, 27, 35, 30, 60)).note LIKE '%30% threshold lies within%'$$, 'ok'),
('_bloat_judged', $$SELECT (campmon._bloat_judged('exact', 31, 27, 35, 30, 60)).sure_pct = 31$$, 'ok'),
('_bloat_judged', $$SELECT campmon._bloat_judged(NULL, NULL, NULL, NULL, NULL, NULL)$$, 'ok'),
('_bloat_judged', $$SELECT campmon._bloat_judged('sampled', 'NaN', 'NaN', 'Infinity', 'NaN', -1)$$, 'ok'),
-- _unreadable_checks(): nothing unreadable here (t/006_corruption.pl has the damaged pages)
('_unreadable_checks', $$SELECT count(*) FROM campmon._unreadable_checks()$$, 'ok'),
-- _repack_leftovers(), _repack_checks(): pg_repack is not installed here
('_repack_leftovers', $$SELECT count(*) FROM campmon._repack_leftovers()$$, 'ok'),
('_check_repack_leftovers', $$SELECT count(*) FROM campmon._check_repack_leftovers()$$, 'ok'),
-- _campaign_schemas(): the schemas with Campaign's tables, their look-alikes judged
('_campaign_schemas', $$SELECT count(*) >= 0 FROM campmon._campaign_schemas()$$, 'ok'),
-- _register_check(...): the extension's owner's only (the check files call it)
('_register_check', $$SELECT campmon._register_check('x', 'no such category', 'w', 's', NULL, 'src', 'adv', 'campmon._check_x', 1)$$, '23514'),
('_register_check', $$SELECT campmon._register_check('Bad Name', 'bloat', 'w', 's', NULL, 'src', 'adv', 'campmon._check_x', 1)$$, '23514'),
('_register_check', $$SELECT campmon._register_check('x', 'bloat', 'w', 's', NULL, 'src', 'adv', 'public.evil', 1)$$, '23514'),
('_register_check', $$SELECT campmon._register_check(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)$$, '23502'),
-- _repack_foreign_code(rel oid): built-in expressions, odd relations, nothing
('_repack_foreign_code', $$SELECT campmon._repack_foreign_code('ho_table'::regclass) IS NULL$$, 'ok'),
('_repack_foreign_code', $$SELECT campmon._repack_foreign_code('ho_wide'::regclass)$$, 'ok'),
('_repack_foreign_code', $$SELECT campmon._repack_foreign_code(NULL)$$, 'ok'),
('_repack_foreign_code', $$SELECT campmon._repack_foreign_code(0)$$, 'ok'),
('_repack_foreign_code', $$SELECT campmon._repack_foreign_code(4294967295)$$, 'ok'),
('_repack_foreign_code', $$SELECT campmon._repack_foreign_code('ho_view'::regclass)$$, 'ok'),
('_repack_foreign_code', $$SELECT campmon._repack_foreign_code('ho_type'::regtype::oid)$$, 'ok'),
-- clean_repack_leftovers(rel regclass): pg_repack is not installed here; a superuser's only
('clean_repack_leftovers', $$SELECT campmon.clean_repack_leftovers()$$, 'ok'),
('clean_repack_leftovers', $$SELECT campmon.clean_repack_leftovers(NULL)$$, 'ok'),
('clean_repack_leftovers', $$SELECT campmon.clean_repack_leftovers(4294967295)$$, 'ok'),
('clean_repack_leftovers', $$SELECT campmon.clean_repack_leftovers('ho_view')$$, 'ok'),
-- tablespace_space(spc oid)
('tablespace_space', $$SELECT total_bytes > 0 AND available_bytes <= free_bytes FROM campmon.tablespace_space((SELECT oid FROM pg_tablespace WHERE spcname = 'pg_default'))$$, 'ok'),
('tablespace_space', $$SELECT count(*) FROM campmon.tablespace_space(NULL)$$, 'ok'),
('tablespace_space', $$SELECT * FROM campmon.tablespace_space(0)$$, '42704'),
('tablespace_space', $$SELECT * FROM campmon.tablespace_space(4294967295)$$, '42704'),
-- drop_work_table(rel oid, include_suspect boolean)
('drop_work_table', $$SELECT campmon.drop_work_table(NULL)$$, '22004'),
('drop_work_table', $$SELECT campmon.drop_work_table(0)$$, 'ok'),
('drop_work_table', $$SELECT campmon.drop_work_table(4294967295, NULL)$$, 'ok'),
('drop_work_table', $$SELECT campmon.drop_work_table('ho_table'::regclass)$$, '55000'),
('drop_work_table', $$SELECT campmon.drop_work_table('ho_table_pkey'::regclass)$$, '55000'),
('drop_work_table', $$SELECT campmon.drop_work_table('ho_seq'::regclass)$$, '55000'),
('drop_work_table', $$SELECT campmon.drop_work_table('ho_type'::regclass)$$, '55000'),
('drop_work_table', $$SELECT campmon.drop_work_table('ho_view'::regclass)$$, '55000'),
('drop_work_table', $$SELECT campmon.drop_work_table('ho_matview'::regclass)$$, '55000'),
('drop_work_table', $$SELECT campmon.drop_work_table('ho_foreign'::regclass)$$, '55000'),
('drop_work_table', $$SELECT campmon.drop_work_table('ho_parted'::regclass)$$, '55000'),
('drop_work_table', $$SELECT campmon.drop_work_table('pg_class'::regclass)$$, '55000'),
('drop_work_table', $$SELECT campmon.drop_work_table((SELECT reltoastrelid FROM pg_class WHERE oid = 'ho_table'::regclass))$$, '55000'),
('drop_work_table', $$SELECT campmon.drop_work_table('ho_work."wkf990001_1 ""quoted"""'::regclass, NULL)$$, '55000'),
('drop_work_table', $$SELECT campmon.drop_work_table('ho_work."WKF990001_9 upper"'::regclass)$$, '55000'),
('drop_work_table', $$SELECT campmon.drop_work_table('ho_work.wkf990002_1'::regclass)$$, '55000'),
-- start_plan(dry_run, families, actions, min_gain_bytes, max_steps, include_suspect, allow_blocking,
--            lock_timeout, statement_timeout, time_budget): only calls that fail before a worker starts
('start_plan', $$SELECT campmon.start_plan(actions => ARRAY['TRUNCATE'])$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(actions => ARRAY[NULL]::text[])$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(actions => ARRAY[$a$VACUUM'); SELECT pg_sleep(60); --$a$])$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(actions => ARRAY[$a$x"}', NULL); SELECT 1; --\$a$])$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(max_steps => 0)$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(max_steps => -1)$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(min_gain_bytes => -1)$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(lock_timeout => '-1 s')$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(lock_timeout => '1000 years')$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(lock_timeout => '-178000000 years')$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(statement_timeout => '-1 ms')$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(statement_timeout => '25 days')$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(time_budget => '-1 s')$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(time_budget => '178000000 years')$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(time_budget => '-1 ms')$$, '22023'),
-- run_plan (procedure; calls that fail before it commits)
('run_plan', $$CALL campmon.run_plan(actions => ARRAY['DROP DATABASE'])$$, '22023'),
('run_plan', $$CALL campmon.run_plan(max_steps => 0)$$, '22023'),
('run_plan', $$CALL campmon.run_plan(min_gain_bytes => -5)$$, '22023'),
('run_plan', $$CALL campmon.run_plan(lock_timeout => '-5 min')$$, '22023'),
('run_plan', $$CALL campmon.run_plan(statement_timeout => '100 years')$$, '22023'),
('run_plan', $$CALL campmon.run_plan(time_budget => '-1 day')$$, '22023'),
('run_plan', $$CALL campmon.run_plan(dry_run => 'maybe')$$, '22P02'),
-- cancel_run(run_id bigint)
('cancel_run', $$SELECT campmon.cancel_run(NULL)$$, 'ok'),
('cancel_run', $$SELECT campmon.cancel_run(0)$$, '42704'),
('cancel_run', $$SELECT campmon.cancel_run(-1)$$, '42704'),
('cancel_run', $$SELECT campmon.cancel_run(9223372036854775807)$$, '42704'),
('cancel_run', $$SELECT campmon.cancel_run(-9223372036854775808)$$, '42704'),
('cancel_run', $$SELECT campmon.cancel_run(9223372036854775808)$$, '42883'),
-- _target_relation(target text), _may_see_figures(rel oid)
('_target_relation', $$SELECT campmon._target_relation(NULL)$$, 'ok'),
('_target_relation', $$SELECT campmon._target_relation('ho.ho_table') = 'ho.ho_table'::regclass$$, 'ok'),
('_target_relation', $$SELECT campmon._target_relation('a.b.c.d')$$, 'ok'),
('_target_relation', $$SELECT campmon._target_relation('"unclosed.x')$$, 'ok'),
('_target_relation', $$SELECT campmon._target_relation('"Ho ""Odd""; Schema".x')$$, 'ok'),
('_target_relation', $$SELECT campmon._target_relation(repeat('x.', 1000))$$, 'ok'),
('_may_see_figures', $$SELECT campmon._may_see_figures(NULL)$$, 'ok'),
('_may_see_figures', $$SELECT campmon._may_see_figures(0)$$, 'ok'),
('_may_see_figures', $$SELECT campmon._may_see_figures('pg_class'::regclass)$$, 'ok'),
-- _snapshot_take(taken_by name): only in one's own name
('_snapshot_take', $$SELECT campmon._snapshot_take(NULL)$$, '42501'),
('_snapshot_take', $$SELECT campmon._snapshot_take('no such role')$$, '42704'),
-- _maintain_denied(rel regclass, action text)
('_maintain_denied', $$SELECT campmon._maintain_denied(NULL, NULL)$$, 'ok'),
('_maintain_denied', $$SELECT campmon._maintain_denied(0, 'VACUUM')$$, 'ok'),
('_maintain_denied', $$SELECT campmon._maintain_denied('pg_class'::regclass, 'no such action')$$, 'ok'),
('_maintain_denied', $$SELECT campmon._maintain_denied('ho_table_pkey'::regclass, 'REINDEX INDEX CONCURRENTLY')$$, 'ok'),
-- _stamp_editor() is a trigger; _editor_trusted(editor name)
('_stamp_editor', $$SELECT campmon._stamp_editor()$$, '0A000'),
('_editor_trusted', $$SELECT campmon._editor_trusted(NULL)$$, 'ok'),
('_editor_trusted', $$SELECT campmon._editor_trusted('no such role')$$, 'ok'),
('_editor_trusted', $$SELECT campmon._editor_trusted(current_user)$$, 'ok'),
('_editor_trusted', $$SELECT campmon._editor_trusted(repeat('x', 100))$$, 'ok'),
-- _run_worker_gone(run_id bigint): only ever marks a run whose worker is gone
('_run_worker_gone', $$SELECT campmon._run_worker_gone(NULL)$$, 'ok'),
('_run_worker_gone', $$SELECT campmon._run_worker_gone(-1)$$, 'ok'),
('_run_worker_gone', $$SELECT campmon._run_worker_gone(9223372036854775807)$$, 'ok');

-- settings first, then the call (same subtransaction)
INSERT INTO ho.hostile_case (fn, setup, call, expected) VALUES
('table_bloat', 'SET campmon.auto_exact_max_size = 0', $$SELECT method FROM campmon.table_bloat('ho_empty')$$, 'ok'),
('table_bloat', 'SET campmon.auto_exact_max_size = 0', $$SELECT method FROM campmon.table_bloat('ho_nocols')$$, 'ok'),
('table_bloat', 'SET campmon.auto_exact_max_size = ''2147483647''', $$SELECT method FROM campmon.table_bloat('ho_table')$$, 'ok'),
('table_bloat', 'SET campmon.sample_pages = 1', $$SELECT scanned_pages FROM campmon.table_bloat('ho_table', 'sampled')$$, 'ok'),
('table_bloat', 'SET campmon.sample_pages = 0', $$SELECT method FROM campmon.table_bloat('ho_table', 'sampled')$$, '22023'),
('table_bloat', 'SET campmon.sample_pages = ''-1''', $$SELECT method FROM campmon.table_bloat('ho_table', 'sampled')$$, '22023'),
('table_bloat', 'SET campmon.auto_exact_max_size = ''-1''', $$SELECT method FROM campmon.table_bloat('ho_table')$$, '22023'),
('table_bloat', 'SET campmon.sample_seed = ''-2147483648''', $$SELECT method FROM campmon.table_bloat('ho_table', 'sampled', 2)$$, 'ok'),
('table_bloat', 'SET campmon.tables_mode = ''approx; DROP TABLE x''', $$SELECT 1$$, '22023'),
('table_bloat', 'SET campmon.tables_mode = ''''', $$SELECT 1$$, '22023'),
('table_bloat', 'SET campmon.no_such_setting = 1', $$SELECT 1$$, '42602'),
('index_bloat', 'SET campmon.indexes_mode = ''approx''', $$SELECT 1$$, '22023'),
('index_bloat', 'SET campmon.index_sample_pages = 1', $$SELECT scanned_pages FROM campmon.index_bloat('ho_table_pkey', 'sampled')$$, 'ok'),
('index_bloat', 'SET campmon.index_sample_pages = 1', $$SELECT leaf_items > 0 FROM campmon.index_bloat('ho_table_pkey', 'exact')$$, 'ok'),
('index_bloat', 'SET campmon.auto_exact_max_size = 0', $$SELECT method FROM campmon.index_bloat('ho_empty_idx')$$, 'ok'),
('_reference_time', $$SET campmon.reference_time = '2026-01-02 03:04:05+00'$$, $$SELECT campmon._reference_time() = '2026-01-02 03:04:05+00'$$, 'ok'),
('_reference_time', $$SET campmon.reference_time = 'not a time'$$, $$SELECT campmon._reference_time()$$, '22023'),
('_reference_time', $$SET campmon.reference_time = 'infinity'$$, $$SELECT campmon._reference_time()::text$$, '22023'),
('_reference_time', $$SET campmon.reference_time = '2026-13-45'$$, $$SELECT 1$$, '22023'),
('_reference_time', $$SET campmon.reference_time = ''$$, $$SELECT campmon._reference_time() = now()$$, 'ok'),
('_checks', $$SET campmon.reference_time = 'not a time'$$, $$SELECT count(*) >= 0 FROM campmon._checks()$$, '22023'),
('_checks', $$SET campmon.work_table_schemas = ''$$, $$SELECT count(*) FROM campmon._checks() c
    WHERE c.check_name NOT IN (SELECT d.check_name FROM campmon.check_definitions d WHERE d.category IN ('vacuum', 'wraparound'))$$, 'ok'),
('_checks', $$SET campmon.work_table_schemas = 'ho_work'$$, $$SELECT count(*) > 0 FROM campmon._checks()$$, 'ok'),
('_stale_tables', $$SET campmon.work_table_schemas = ''$$, $$SELECT count(*) FROM campmon._stale_tables()$$, 'ok'),
('_stale_tables', $$SET campmon.work_table_schemas = ',,, ,'$$, $$SELECT count(*) FROM campmon._stale_tables()$$, '22023'),
('_stale_tables', $$SET campmon.work_table_schemas = '"Ho Work'$$, $$SELECT 1$$, '22023'),
('_stale_tables', $$SET campmon.work_table_schemas = '"Ho Work"'$$, $$SELECT count(*) = 1 FROM campmon._stale_tables() WHERE schema_name = 'Ho Work'$$, 'ok'),
('_stale_tables', $$SET campmon.work_table_schemas = 'ho_work'$$, $$SELECT count(*) FROM campmon._stale_tables()$$, 'ok'),
('_stale_tables', $$SET campmon.work_table_schemas = 'evil'$$, $$SELECT count(*) FROM campmon._stale_tables()$$, 'ok'),
('_stale_tables', $$SET campmon.work_table_schemas = '"Ho Work"'$$, $$SELECT count(*) FROM campmon._stale_tables()$$, 'ok'),
('_stale_tables', $$SET campmon.work_table_schemas = "Ho Work", ho_work$$, $$SELECT count(*) FROM campmon._stale_tables()$$, '22023'),
('_stale_tables', $$SET campmon.work_table_schemas = '"Ho Work", ho_work'$$, $$SELECT count(*) FROM campmon._stale_tables()$$, 'ok'),
('_work_table_schemas', $$SET campmon.work_table_schemas = '"Ho Work", HO_work,public'$$, $$SELECT campmon._work_table_schemas()::text$$, 'ok'),
('_work_table_schemas', $$SET campmon.work_table_schemas = ''$$, $$SELECT campmon._work_table_schemas()::text$$, 'ok'),
('_stale_tables', $$SET campmon.stale_min_age = 0$$, $$SELECT count(*) >= 0 FROM campmon._stale_tables()$$, 'ok'),
('_stale_tables', $$SET campmon.stale_min_age = '-1'$$, $$SELECT 1$$, '22023'),
('plan', $$SET campmon.tables_mode = 'exact'; SET campmon.indexes_mode = 'exact'$$, $$SELECT count(*) > 0 FROM campmon.plan(families => ARRAY['other']) WHERE target LIKE 'ho.%'$$, 'ok'),
('plan', $$SET campmon.bloat_critical_pct = 0; SET campmon.reindex_min_size = 0; SET campmon.vacuum_full_max_size = 0$$,
        $$SELECT count(*) >= 0 FROM campmon.plan(allow_blocking => true, show_kept => true)$$, 'ok'),
('plan', $$SET campmon.freeze_age_pct = 1; SET campmon.vacuum_min_dead_pct = 0; SET campmon.analyze_min_changed_pct = 0$$,
        $$SELECT count(*) >= 0 FROM campmon.plan(actions => ARRAY['VACUUM (FREEZE)'])$$, 'ok'),
('plan', 'SET campmon.freeze_age_pct = 0', $$SELECT 1$$, '22023'),
('plan', 'SET campmon.bloat_critical_pct = 101', $$SELECT 1$$, '22023'),
('plan', 'SET campmon.reindex_min_size = ''-1''', $$SELECT 1$$, '22023'),
('start_plan', 'SET campmon.run_lock_timeout = ''-1''', $$SELECT 1$$, '22023'),
('start_plan', 'SET campmon.run_time_budget = ''-1''', $$SELECT 1$$, '22023'),
('drop_work_table', $$SET campmon.work_table_schemas = 'ho_work'; SET campmon.never_work_table_owners = 'regress_campaign'$$, $$SELECT campmon.drop_work_table('ho_work.wkf990002_1'::regclass)$$, '55000'),
('drop_work_table', $$SET campmon.work_table_schemas = 'ho_work'; SET campmon.never_work_table_owners = '"no such role", regress_ho_evil'$$, $$SELECT campmon.drop_work_table('ho_work.wkf990002_1'::regclass)$$, 'ok'),
('drop_work_table', $$SET campmon.never_work_table_owners = '"unclosed'$$, $$SELECT 1$$, '22023'),
('_never_work_table_owner_names', $$SET campmon.never_work_table_owners = '"Ho Role", HO_dba,x'$$, $$SELECT campmon._never_work_table_owner_names()::text$$, 'ok'),
('_never_work_table_owners', $$SET campmon.never_work_table_owners = 'regress_ho_evil'$$, $$SELECT 'regress_ho_evil'::regrole::oid = ANY (campmon._never_work_table_owners())$$, 'ok'),
('_stale_tables', $$SET campmon.work_table_schemas = 'ho_work'; SET campmon.never_work_table_owners = 'regress_campaign'$$, $$SELECT count(*) FROM campmon._stale_tables()$$, 'ok'),
('_checks', 'SET campmon.bloat_alert_min_size = ''-1''', $$SELECT 1$$, '22023'),
('_instance_roles', $$SET campmon.instance_roles = 'execution, control,execution'$$, $$SELECT string_agg(role || ' ' || how, ', ' ORDER BY role) FROM campmon._instance_roles('ho', NULL, NULL)$$, 'ok'),
('_instance_roles', $$SET campmon.instance_roles = 'executor'$$, $$SELECT 1$$, '22023'),
('_instance_roles', $$SET campmon.instance_roles = 'marketing; DROP TABLE ho.ho_table'$$, $$SELECT 1$$, '22023'),
('_instance_roles', $$SET campmon.instance_roles = '"marketing"'$$, $$SELECT string_agg(role, ',') FROM campmon._instance_roles('ho', NULL, NULL)$$, 'ok'),
('_key_sequence_row', 'SET campmon.sequence_warning_pct = 101', $$SELECT 1$$, '22023'),
('_key_sequence_row', 'SET campmon.sequence_critical_pct = ''-1''', $$SELECT 1$$, '22023'),
('_log_table_rows', 'SET campmon.log_rows_max = 0', $$SELECT 1$$, '22023'),
('_index_hygiene_rows', 'SET campmon.index_unused_min_age = ''-1''', $$SELECT 1$$, '22023'),
('_index_hygiene_rows', 'SET campmon.index_unused_min_age = 0', $$SELECT count(*) >= 0 FROM campmon.index_hygiene$$, 'ok'),
('_checks', 'SET campmon.bloat_alert_min_size = 0', $$SELECT count(*) > 0 FROM campmon._checks() WHERE check_name = 'table_bloat'$$, 'ok'),
('drop_work_table', $$SET campmon.work_table_schemas = 'ho_work'$$, $$SELECT campmon.drop_work_table('ho_work."WKF990001_9 upper"'::regclass)$$, '55000'),
('drop_work_table', $$SET campmon.work_table_schemas = 'ho_work'$$, $$SELECT campmon.drop_work_table('ho_work.wkf990003_1'::regclass)$$, '55000'),
('drop_work_table', $$SET campmon.work_table_schemas = 'ho_work'$$, $$SELECT campmon.drop_work_table('ho_work.wkf990003_1'::regclass, true)$$, 'ok'),
('drop_work_table', $$SET campmon.work_table_schemas = 'ho_work'$$, $$SELECT campmon.drop_work_table('ho_work.wkf990004_1'::regclass)$$, '55000');

-- every role: a role with no campmon role may call nothing; a reader may
-- measure and plan but not run or drop
INSERT INTO ho.hostile_case (fn, as_role, call, expected) VALUES
('table_bloat', 'regress_ho_evil', $$SELECT method FROM campmon.table_bloat('ho.ho_table')$$, '42501'),
('try_table_bloat', 'regress_ho_evil', $$SELECT count(*) FROM campmon.try_table_bloat(0)$$, '42501'),
('index_bloat', 'regress_ho_evil', $$SELECT method FROM campmon.index_bloat('ho.ho_table_pkey')$$, '42501'),
('try_index_bloat', 'regress_ho_evil', $$SELECT count(*) FROM campmon.try_index_bloat(0)$$, '42501'),
('relation_last_write', 'regress_ho_evil', $$SELECT campmon.relation_last_write('pg_class')$$, '42501'),
('version', 'regress_ho_evil', $$SELECT campmon.version()$$, '42501'),
('_human', 'regress_ho_evil', $$SELECT campmon._human('1 day')$$, '42501'),
('_relation_files', 'regress_ho_evil', $$SELECT count(*) FROM campmon._relation_files(ARRAY[1259]::oid[])$$, '42501'),
('_literal_prefix', 'regress_ho_evil', $$SELECT campmon._literal_prefix('^x')$$, '42501'),
('_like_prefix', 'regress_ho_evil', $$SELECT campmon._like_prefix('^x')$$, '42501'),
('_valid_regex', 'regress_ho_evil', $$SELECT campmon._valid_regex('x')$$, '42501'),
('_match_id', 'regress_ho_evil', $$SELECT campmon._match_id('wkf1_', '^wkf([0-9]+)_', 'wkf')$$, '42501'),
('_seconds', 'regress_ho_evil', $$SELECT campmon._seconds('campmon.stale_min_age')$$, '42501'),
('_reference_time', 'regress_ho_evil', $$SELECT campmon._reference_time()$$, '42501'),
('family_of', 'regress_ho_evil', $$SELECT campmon.family_of('public', 'x')$$, '42501'),
('_count', 'regress_ho_evil', $$SELECT campmon._count(1, 'x')$$, '42501'),
('_check_families', 'regress_ho_evil', $$SELECT campmon._check_families('{other}')$$, '42501'),
('_rule_problem', 'regress_ho_evil', $$SELECT campmon._rule_problem(NULL, 'public')$$, '42501'),
('_stale_tables', 'regress_ho_evil', $$SELECT count(*) FROM campmon._stale_tables()$$, '42501'),
('_stale_tables', 'regress_ho_evil', $$SELECT count(*) FROM campmon.stale_tables$$, '42501'),
('_checks', 'regress_ho_evil', $$SELECT count(*) FROM campmon.checks$$, '42501'),
('_purge_backlog', 'regress_ho_evil', $$SELECT count(*) FROM campmon._purge_backlog('pg_class', NULL, NULL, now(), NULL)$$, '42501'),
('_purge_delay', 'regress_ho_evil', $$SELECT count(*) FROM campmon._purge_delay('public', NULL, NULL)$$, '42501'),
('_purge_filter', 'regress_ho_evil', $$SELECT campmon._purge_filter('pg_class', NULL)$$, '42501'),
('_cleanup_orphans', 'regress_ho_evil', $$SELECT count(*) FROM campmon._cleanup_orphans('pg_class', NULL, NULL)$$, '42501'),
('_key_sequences', 'regress_ho_evil', $$SELECT count(*) FROM campmon.key_sequences$$, '42501'),
('_key_sequence_row', 'regress_ho_evil', $$SELECT count(*) FROM campmon._key_sequence_row(NULL, 1, 2)$$, '42501'),
('_log_table_rows', 'regress_ho_evil', $$SELECT count(*) FROM campmon._log_table_rows('public', 1)$$, '42501'),
('_index_hygiene_rows', 'regress_ho_evil', $$SELECT count(*) FROM campmon.index_hygiene$$, '42501'),
('_instance_roles', 'regress_ho_evil', $$SELECT count(*) FROM campmon.instance_roles$$, '42501'),
('_editor_may_read', 'regress_ho_evil', $$SELECT campmon._editor_may_read(NULL, NULL)$$, '42501'),
('_workflow_source', 'regress_ho_evil', $$SELECT problem FROM campmon._workflow_source('pg_class')$$, '42501'),
('_technical_workflow_rows', 'regress_ho_evil', $$SELECT count(*) FROM campmon._technical_workflow_rows('x', NULL, NULL, NULL, NULL)$$, '42501'),
('_paused_workflow_rows', 'regress_ho_evil', $$SELECT count(*) FROM campmon._paused_workflow_rows('x', NULL, NULL, NULL)$$, '42501'),
('_workflow_option_rows', 'regress_ho_evil', $$SELECT count(*) FROM campmon._workflow_option_rows('pg_class')$$, '42501'),
('_application_objects', 'regress_ho_evil', $$SELECT count(*) FROM campmon._application_objects('public', now())$$, '42501'),
('_purge_tables', 'regress_ho_evil', $$SELECT count(*) FROM campmon._purge_tables('public', NULL)$$, '42501'),
('_never_work_table_owner_names', 'regress_ho_evil', $$SELECT campmon._never_work_table_owner_names()$$, '42501'),
('_never_work_table_owners', 'regress_ho_evil', $$SELECT campmon._never_work_table_owners()$$, '42501'),
('_has_column', 'regress_ho_evil', $$SELECT campmon._has_column('pg_class', 'oid')$$, '42501'),
('_option_columns', 'regress_ho_evil', $$SELECT campmon._option_columns()$$, '42501'),
('_option', 'regress_ho_evil', $$SELECT * FROM campmon._option(NULL, NULL)$$, '42501'),
('_option_seconds', 'regress_ho_evil', $$SELECT campmon._option_seconds('1')$$, '42501'),
('_estimate_rows', 'regress_ho_evil', $$SELECT * FROM campmon._estimate_rows('pg_class', 'true', NULL)$$, '42501'),
('_last_cleanup', 'regress_ho_evil', $$SELECT campmon._last_cleanup(NULL)$$, '42501'),
('_workflow_checks', 'regress_ho_evil', $$SELECT count(*) FROM campmon._workflow_checks(NULL, NULL, NULL, now())$$, '42501'),
('_delivery_checks', 'regress_ho_evil', $$SELECT count(*) FROM campmon._delivery_checks('public', NULL, now())$$, '42501'),
('_session_backlog', 'regress_ho_evil', $$SELECT count(*) FROM campmon._session_backlog('public', NULL, now())$$, '42501'),
('_size_of', 'regress_ho_evil', $$SELECT campmon._size_of(1259)$$, '42501'),
('plan', 'regress_ho_evil', $$SELECT count(*) FROM campmon.plan()$$, '42501'),
('_plan_prepare', 'regress_ho_evil', $$SELECT campmon._plan_prepare(NULL, NULL, 0, false, false, false, current_user) IS NOT NULL$$, '42501'),
('_plan_drop_work_tables', 'regress_ho_evil', $$SELECT count(*) FROM campmon._plan_drop_work_tables(NULL)$$, '42501'),
('_plan_invalid_indexes', 'regress_ho_evil', $$SELECT count(*) FROM campmon._plan_invalid_indexes(NULL)$$, '42501'),
('_plan_repack_cleanup', 'regress_ho_evil', $$SELECT count(*) FROM campmon._plan_repack_cleanup(NULL)$$, '42501'),
('_plan_catalogs', 'regress_ho_evil', $$SELECT count(*) FROM campmon._plan_catalogs(NULL)$$, '42501'),
('_plan_vacuum', 'regress_ho_evil', $$SELECT count(*) FROM campmon._plan_vacuum(NULL)$$, '42501'),
('_plan_reindex', 'regress_ho_evil', $$SELECT count(*) FROM campmon._plan_reindex(NULL)$$, '42501'),
('_plan_analyze', 'regress_ho_evil', $$SELECT count(*) FROM campmon._plan_analyze(NULL)$$, '42501'),
('_plan_repack', 'regress_ho_evil', $$SELECT count(*) FROM campmon._plan_repack(NULL)$$, '42501'),
('_plan_vacuum_full', 'regress_ho_evil', $$SELECT count(*) FROM campmon._plan_vacuum_full(NULL)$$, '42501'),
('_plan_routine_rebuild', 'regress_ho_evil', $$SELECT count(*) FROM campmon._plan_routine_rebuild(NULL)$$, '42501'),
('_plan_index_hygiene', 'regress_ho_evil', $$SELECT count(*) FROM campmon._plan_index_hygiene(NULL)$$, '42501'),
('drop_work_table', 'regress_ho_evil', $$SELECT campmon.drop_work_table(0)$$, '42501'),
('start_plan', 'regress_ho_evil', $$SELECT campmon.start_plan()$$, '42501'),
('run_plan', 'regress_ho_evil', $$CALL campmon.run_plan()$$, '42501'),
('cancel_run', 'regress_ho_evil', $$SELECT campmon.cancel_run(1)$$, '42501'),
('table_bloat', 'regress_ho_reader', $$SELECT live_rows FROM campmon.table_bloat('ho.ho_table', 'exact')$$, 'ok'),
('table_bloat', 'regress_ho_reader', $$SELECT method FROM campmon.table_bloat('ho.ho_empty')$$, '42501'),
('table_bloat', 'regress_ho_reader', $$SELECT method FROM campmon.table_bloat((SELECT reltoastrelid FROM pg_class WHERE oid = 'ho.ho_table'::regclass))$$, '42501'),
('try_table_bloat', 'regress_ho_reader', $$SELECT count(*) FROM campmon.try_table_bloat('ho.ho_empty'::regclass)$$, 'ok'),
('index_bloat', 'regress_ho_reader', $$SELECT method FROM campmon.index_bloat('ho.ho_table_gin')$$, 'ok'),
('index_bloat', 'regress_ho_reader', $$SELECT method FROM campmon.index_bloat('ho.ho_empty_idx')$$, '42501'),
('try_index_bloat', 'regress_ho_reader', $$SELECT count(*) FROM campmon.try_index_bloat('ho.ho_empty_idx'::regclass)$$, 'ok'),
('_purge_backlog', 'regress_ho_reader', $$SELECT status FROM campmon._purge_backlog('ho.ho_empty', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "date_column": "id", "option_name": "x"}'), NULL, now(), 'x')$$, 'ok'),
('_cleanup_orphans', 'regress_ho_reader', $$SELECT message FROM campmon._cleanup_orphans('ho.ho_table', jsonb_populate_record(NULL::campmon.purge_rule, '{"rule": "x", "pattern": "^x", "task": "a task", "source": "src", "default_delay": "1 day", "seeded": false, "key_column": "id", "parent_table": "ho_empty", "parent_column": "id"}'), 'x')$$, 'ok'),
('_workflow_checks', 'regress_ho_reader', $$SELECT count(*) FROM campmon._workflow_checks('ho_work', 'ho_work.xtkworkflow', NULL, now())$$, '42501'),
('_key_sequence_row', 'regress_ho_reader', $$SELECT count(*) FROM campmon.key_sequences k, campmon._key_sequence_row(k, 75, 90)$$, 'ok'),
('_index_hygiene_rows', 'regress_ho_reader', $$SELECT count(*) FROM campmon.index_hygiene WHERE schema_name = 'ho' AND table_name <> 'ho_table'$$, 'ok'),
('plan', 'regress_ho_reader', $$SELECT count(*) >= 0 FROM campmon.plan()$$, 'ok'),
('_plan_prepare', 'regress_ho_reader', $$SELECT cardinality((campmon._plan_prepare(NULL, NULL, 0, false, false, true, current_user)).tables) >= 0$$, 'ok'),
('_plan_vacuum', 'regress_ho_reader', $$SELECT count(*) >= 0 FROM campmon._plan_vacuum(campmon._plan_prepare(NULL, NULL, 0, false, false, true, current_user))$$, 'ok'),
('_plan_repack', 'regress_ho_reader', $$SELECT count(*) >= 0 FROM campmon._plan_repack(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
('_plan_routine_rebuild', 'regress_ho_reader', $$SELECT count(*) >= 0 FROM campmon._plan_routine_rebuild(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
('_plan_index_hygiene', 'regress_ho_reader', $$SELECT count(*) >= 0 FROM campmon._plan_index_hygiene(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user))$$, 'ok'),
('drop_work_table', 'regress_ho_reader', $$SELECT campmon.drop_work_table(0)$$, '42501'),
('start_plan', 'regress_ho_reader', $$SELECT campmon.start_plan()$$, '42501'),
('run_plan', 'regress_ho_reader', $$CALL campmon.run_plan()$$, '42501'),
('cancel_run', 'regress_ho_reader', $$SELECT campmon.cancel_run(1)$$, '42501'),
('_run_worker_gone', 'regress_ho_reader', $$SELECT campmon._run_worker_gone(1)$$, '42501'),
('_maintain_denied', 'regress_ho_reader', $$SELECT campmon._maintain_denied('pg_class'::regclass, 'VACUUM') IS NOT NULL$$, 'ok'),
('_snapshot_take', 'regress_ho_evil', $$SELECT campmon._snapshot_take(current_user)$$, '42501'),
('_snapshot_take', 'regress_ho_reader', $$SELECT campmon._snapshot_take(current_user)$$, '42501'),
('_may_see_figures', 'regress_ho_reader', $$SELECT campmon._may_see_figures('ho.ho_table'::regclass) AND NOT campmon._may_see_figures('ho.ho_empty'::regclass)$$, 'ok'),
('_maintain_denied', 'regress_ho_reader', $$SELECT campmon._maintain_denied('pg_authid'::regclass, 'VACUUM') IS NOT NULL$$, 'ok'),
('_maintain_denied', 'regress_ho_reader', $$SELECT campmon._maintain_denied('ho.ho_table'::regclass, 'REPACK') IS NOT NULL$$, 'ok'),
('_run_worker_gone', 'regress_ho_evil', $$SELECT campmon._run_worker_gone(1)$$, '42501'),
('drop_work_table', 'regress_ho_admin', $$SELECT campmon.drop_work_table('ho.ho_table'::regclass)$$, '55000'),
('clean_repack_leftovers', 'regress_ho_admin', $$SELECT campmon.clean_repack_leftovers()$$, '42501'),
('clean_repack_leftovers', 'regress_ho_reader', $$SELECT campmon.clean_repack_leftovers()$$, '42501'),
('drop_work_table', 'regress_ho_admin', $$SELECT campmon.drop_work_table('pg_class'::regclass)$$, '55000'),
('drop_work_table', 'regress_ho_admin', $$SELECT campmon.drop_work_table((SELECT oid FROM pg_class WHERE relname = 'wkf990005_1'))$$, '55000'),
('cancel_run', 'regress_ho_admin', $$SELECT campmon.cancel_run(-1)$$, '42704'),
('start_plan', 'regress_ho_admin', $$SELECT campmon.start_plan(max_steps => 0)$$, '22023');

-- a run on a live database: its window, its pacing and collision settings,
-- the rules' readers, the progress view, the calibrated estimates, the
-- cadences (as their roles see them)
INSERT INTO ho.hostile_case (fn, call, expected) VALUES
('start_plan', $$SELECT campmon.start_plan(window_end => now() - interval '1 s')$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(window_end => 'infinity')$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(window_end => '-infinity')$$, '22023'),
('start_plan', $$SELECT campmon.start_plan(window_end => 'epoch')$$, '22023'),
('run_plan', $$CALL campmon.run_plan(window_end => now())$$, '22023'),
('_cadence_due', $$SELECT count(*) >= 0 FROM campmon._cadence_due()$$, 'ok'),
('_cleanup_at_work', $$SELECT count(*) >= 0 FROM campmon._cleanup_at_work()$$, 'ok'),
('_step_rates', $$SELECT count(*) >= 0 FROM campmon._step_rates()$$, 'ok'),
('_estimated_seconds', $$SELECT seconds FROM campmon._estimated_seconds(NULL, NULL, NULL, NULL)$$, 'ok'),
('_estimated_seconds', $$SELECT seconds FROM campmon._estimated_seconds('VACUUM', 1000, 0.5, NULL)$$, 'ok'),
('_estimated_seconds', $$SELECT seconds FROM campmon._estimated_seconds('VACUUM', -1, 0.5, ARRAY[('VACUUM', 10, 0, 0, NULL, NULL, NULL)::campmon.step_rates])$$, 'ok'),
('_estimated_seconds', $$SELECT seconds || ' ' || basis FROM campmon._estimated_seconds('VACUUM', 2000000, 0.5, ARRAY[('VACUUM', 10, 1, 1000000, 5, now(), 1000000)::campmon.step_rates])$$, 'ok'),
('_estimated_seconds', $$SELECT seconds FROM campmon._estimated_seconds('VACUUM', 9223372036854775807, 0.5, ARRAY[('VACUUM', 10, 1, 1, 5, now(), 9223372036854775807)::campmon.step_rates])$$, 'ok'),
('_estimated_seconds', $$SELECT seconds || ' ' || basis FROM campmon._estimated_seconds('VACUUM', 2000001, 0.5, ARRAY[('VACUUM', 10, 1, 1000000, 5, now(), 1000000)::campmon.step_rates])$$, 'ok'),
('_repack_progress', $$SELECT phase FROM campmon._repack_progress(NULL, NULL)$$, 'ok'),
('_repack_progress', $$SELECT phase FROM campmon._repack_progress('ho.ho_table'::regclass, $a$x'; SELECT 1; --$a$)$$, 'ok'),
('_repack_progress', $$SELECT phase FROM campmon._repack_progress(4294967295, '')$$, 'ok'),
('_step_progress', $$SELECT basis FROM campmon._step_progress(NULL, NULL, NULL)$$, 'ok'),
('_step_progress', $$SELECT basis FROM campmon._step_progress(pg_backend_pid(), 'VACUUM', 'ho.ho_table'::regclass)$$, 'ok'),
('_check_maintenance_overdue', $$SELECT count(*) >= 0 FROM campmon._check_maintenance_overdue()$$, 'ok'),
-- plan()'s cadence phase: no context or no cadence, one with nothing but
-- flags, every table due (overdue or not), a due row for no table
('_plan_cadence_note', $$SELECT campmon._plan_cadence_note(NULL, NULL, NULL)$$, 'ok'),
('_plan_cadence_note', $$SELECT count(*) FROM campmon._plan_cadence_note(ARRAY(SELECT d FROM campmon.maintenance_due d), 'ho.ho_table'::regclass, 'rebuild')$$, 'ok'),
('_plan_cadence_note', $$SELECT campmon._plan_cadence_note(ARRAY[jsonb_populate_record(NULL::campmon.maintenance_due, '{"relid": 0, "maintenance": "reindex", "overdue": true}')], 0, 'reindex')$$, 'ok'),
('_plan_cadence_rewrites', $$SELECT campmon._plan_cadence_rewrites(NULL, NULL) IS NULL$$, 'ok'),
('_plan_cadence_rewrites', $$SELECT cardinality((campmon._plan_cadence_rewrites(jsonb_populate_record(NULL::campmon._plan_context, '{"show_kept": true, "include_suspect": true, "allow_blocking": true, "repack": true, "runner_super": true}'), ARRAY(SELECT d FROM campmon.maintenance_due d))).rewrite_online)$$, 'ok'),
('_plan_cadence_rewrites', $$SELECT cardinality((campmon._plan_cadence_rewrites(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user), ARRAY(SELECT d FROM campmon.maintenance_due d))).rewrite_online) >= 0$$, 'ok'),
('_plan_cadence_reindex', $$SELECT count(*) FROM campmon._plan_cadence_reindex(NULL, NULL)$$, 'ok'),
('_plan_cadence_reindex', $$SELECT count(*) FROM campmon._plan_cadence_reindex(jsonb_populate_record(NULL::campmon._plan_context, '{"show_kept": true, "include_suspect": true, "allow_blocking": true, "repack": true, "runner_super": true}'), ARRAY(SELECT d FROM campmon.maintenance_due d))$$, 'ok'),
('_plan_cadence_reindex', $$SELECT count(*) >= 0 FROM campmon._plan_cadence_reindex(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user), ARRAY(SELECT d FROM campmon.maintenance_due d))$$, 'ok'),
('_plan_cadence_vacuum', $$SELECT count(*) FROM campmon._plan_cadence_vacuum(NULL, NULL, NULL)$$, 'ok'),
('_plan_cadence_vacuum', $$SELECT count(*) FROM campmon._plan_cadence_vacuum(jsonb_populate_record(NULL::campmon._plan_context, '{"show_kept": true, "include_suspect": true, "allow_blocking": true, "repack": true, "runner_super": true}'), ARRAY(SELECT d FROM campmon.maintenance_due d), '{}')$$, 'ok'),
('_plan_cadence_vacuum', $$SELECT count(*) >= 0 FROM campmon._plan_cadence_vacuum(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user), ARRAY(SELECT d FROM campmon.maintenance_due d), ARRAY(SELECT s FROM campmon._plan_vacuum(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user)) s))$$, 'ok');

INSERT INTO ho.hostile_case (fn, setup, call, expected) VALUES
('start_plan', $$SET campmon.maintenance_window = '25:00-01:00'$$, $$SELECT 1$$, '22023'),
('start_plan', $$SET campmon.maintenance_window = '01:00-01:00'$$, $$SELECT 1$$, '22023'),
('start_plan', $$SET campmon.maintenance_window = '01:00-'$$, $$SELECT 1$$, '22023'),
('start_plan', $$SET campmon.maintenance_window = '01:00-05:00; DROP TABLE ho.ho_table'$$, $$SELECT 1$$, '22023'),
('start_plan', $$SET campmon.maintenance_window = '01:60-05:00'$$, $$SELECT 1$$, '22023'),
('start_plan', $$SET campmon.maintenance_window = '24:00-05:00'$$, $$SELECT current_setting('campmon.maintenance_window')$$, 'ok'),
('start_plan', $$SET campmon.maintenance_window = ' 22:30 - 1:45 '$$, $$SELECT current_setting('campmon.maintenance_window')$$, 'ok'),
('start_plan', $$SET campmon.run_autovacuum = 'cancel'$$, $$SELECT 1$$, '22023'),
('start_plan', $$SET campmon.run_backup_applications = '"unclosed'$$, $$SELECT 1$$, '22023'),
('start_plan', $$SET campmon.run_lock_retries = 101$$, $$SELECT 1$$, '22023'),
('start_plan', $$SET campmon.run_collision_wait = '-1'$$, $$SELECT 1$$, '22023'),
('start_plan', $$SET campmon.run_max_replay_lag = '-1'$$, $$SELECT 1$$, '22023'),
('_cleanup_at_work', $$SET campmon.work_table_schemas = 'ho_work'$$, $$SELECT count(*) || ' ' || count(task_running) FROM campmon._cleanup_at_work()$$, 'ok'),
('_cadence_due', $$SET campmon.reindex_min_size = 0; INSERT INTO campmon.maintenance_cadence (table_pattern, maintenance, every, source) VALUES ('^ho_table$', 'vacuum', '1 hour', 'ho')$$,
        $$SELECT string_agg(maintenance || ' ' || overdue, ',') FROM campmon._cadence_due() WHERE table_name = 'ho_table'$$, 'ok'),
('_cadence_due', $$INSERT INTO campmon.maintenance_cadence (table_pattern, maintenance, every, source) VALUES ('(', 'vacuum', '1 day', 'ho')$$, $$SELECT 1$$, '2201B'),
('_cadence_due', $$INSERT INTO campmon.maintenance_cadence (family, table_pattern, maintenance, every, source) VALUES ('x', 'x', 'vacuum', '1 day', 'ho')$$, $$SELECT 1$$, '23514'),
('_cadence_due', $$INSERT INTO campmon.maintenance_cadence (family, maintenance, every, source) VALUES ('x', 'truncate', '1 day', 'ho')$$, $$SELECT 1$$, '23514'),
('_cadence_due', $$INSERT INTO campmon.maintenance_cadence (family, maintenance, every, source) VALUES ('x', 'vacuum', '1 minute', 'ho')$$, $$SELECT 1$$, '23514');

INSERT INTO ho.hostile_case (fn, as_role, call, expected) VALUES
('_cadence_due', 'regress_ho_evil', $$SELECT count(*) FROM campmon._cadence_due()$$, '42501'),
('_plan_cadence_note', 'regress_ho_evil', $$SELECT campmon._plan_cadence_note(NULL, NULL, NULL)$$, '42501'),
('_plan_cadence_rewrites', 'regress_ho_evil', $$SELECT campmon._plan_cadence_rewrites(NULL, NULL) IS NULL$$, '42501'),
('_plan_cadence_reindex', 'regress_ho_evil', $$SELECT count(*) FROM campmon._plan_cadence_reindex(NULL, NULL)$$, '42501'),
('_plan_cadence_vacuum', 'regress_ho_evil', $$SELECT count(*) FROM campmon._plan_cadence_vacuum(NULL, NULL, NULL)$$, '42501'),
('_plan_cadence_reindex', 'regress_ho_reader', $$SELECT count(*) >= 0 FROM campmon._plan_cadence_reindex(campmon._plan_prepare(NULL, NULL, 0, true, true, true, current_user), ARRAY(SELECT d FROM campmon.maintenance_due d))$$, 'ok'),
('_cleanup_at_work', 'regress_ho_evil', $$SELECT count(*) FROM campmon._cleanup_at_work()$$, '42501'),
('_step_rates', 'regress_ho_evil', $$SELECT count(*) FROM campmon.step_rates$$, '42501'),
('_estimated_seconds', 'regress_ho_evil', $$SELECT seconds FROM campmon._estimated_seconds('VACUUM', 1, 1, NULL)$$, '42501'),
('_repack_progress', 'regress_ho_evil', $$SELECT phase FROM campmon._repack_progress(0, '')$$, '42501'),
('_step_progress', 'regress_ho_evil', $$SELECT count(*) FROM campmon.progress$$, '42501'),
('_cadence_due', 'regress_ho_reader', $$SELECT count(*) >= 0 FROM campmon._cadence_due()$$, 'ok'),
('_cadence_due', 'regress_ho_reader', $$INSERT INTO campmon.maintenance_cadence (family, maintenance, every, source) VALUES ('x', 'vacuum', '1 day', 'ho')$$, '42501'),
('_cadence_due', 'regress_ho_admin', $$WITH i AS (INSERT INTO campmon.maintenance_cadence (table_pattern, maintenance, every, source, edited_by) VALUES ('.', 'reindex', '1 day', 'ho', 'postgres') RETURNING edited_by) SELECT edited_by FROM i$$, 'ok'),
('_step_progress', 'regress_ho_reader', $$SELECT count(*) >= 0 FROM campmon.progress$$, 'ok'),
('_step_rates', 'regress_ho_reader', $$SELECT count(*) >= 0 FROM campmon.step_rates$$, 'ok'),
('_cleanup_at_work', 'regress_ho_reader', $$SELECT count(*) >= 0 FROM campmon._cleanup_at_work()$$, 'ok'),
('start_plan', 'regress_ho_admin', $$SELECT campmon.start_plan(window_end => now() - interval '1 day')$$, '22023');

-- work tables: a Campaign-like schema whose workflows 990001 and 990002 are
-- gone (their work tables are stale), 990003 finished and 990004 running
CREATE SCHEMA ho_work;
CREATE TABLE ho_work.xtkworkflow (iworkflowid bigint PRIMARY KEY, sinternalname text, istate int, ifailed int, tslastmodified timestamptz);
INSERT INTO ho_work.xtkworkflow VALUES (990003, 'wf3', 95, 0, '2026-01-01'), (990004, 'wf4', 11, 0, '2026-01-01');
SELECT format('CREATE TABLE ho_work.%I (id int)', n)
FROM unnest(ARRAY['wkf990001_1 "quoted"', 'wkf990001_2; DROP TABLE ho.ho_table; --', E'wkf990001_3\nnew line',
                  'wkf990001_4 ünïcødé 表', E'wkf990001_5\\back''slash', 'wkf990001_6.dot', 'wkf990001_7 ',
                  'wkf990001_8_' || repeat('x', 51), 'WKF990001_9 upper', 'wkf990002_1', 'wkf990003_1', 'wkf990004_1']) n
\gexec
-- a schema whose name needs quoting cannot be named in campmon.work_table_schemas (a known limitation)
CREATE SCHEMA "Ho Work";
CREATE TABLE "Ho Work".wkf990006_1 (id int);
-- Campaign's role owns its work tables (a superuser's tables are never work tables)
SELECT format('ALTER TABLE %s OWNER TO regress_campaign', c.oid::regclass) FROM pg_class c
WHERE c.relnamespace IN ('ho_work'::regnamespace, '"Ho Work"'::regnamespace) AND c.relkind = 'r' AND c.relname ~* '^wkf'
ORDER BY c.oid \gexec
-- an unprivileged role's work-table look-alikes, outside the work-table schemas
CREATE SCHEMA evil AUTHORIZATION regress_ho_evil;
SET ROLE regress_ho_evil;
CREATE TABLE evil.wkf990005_1 (id int);
CREATE TABLE evil.wkdlv_990005_1 (id int);
CREATE VIEW evil.grp990005 AS SELECT 1 AS x;
CREATE TABLE evil.xtkworkflow (iworkflowid bigint, sinternalname text, istate int, ifailed int, tslastmodified timestamptz);
RESET ROLE;

-- an extra stale rule for the suspect case: workflow 990003 (state 95) is suspect
INSERT INTO campmon.work_table_rule (rule, pattern, owner_table, owner_noun, owner_key, state_column, since_column,
                                     stale_states, suspect_states, priority)
VALUES ('ho_rule', '^wkf(99000[34])_', 'xtkworkflow', 'workflow', 'iworkflowid', 'istate', 'tslastmodified', '{}', '{95}', 1);

-- snapshots, trends and the report (issue 17): a snapshot of this hostile
-- database (work tables with quotes, newlines, semicolons in their names),
-- a report over it that holds no script; the helpers with bad input
INSERT INTO ho.hostile_case (fn, as_role, setup, call, expected) VALUES
('snapshot', NULL, $$SET campmon.work_table_schemas = 'ho_work'$$, $$SELECT campmon.snapshot() > 0$$, 'ok'),
('snapshot', 'regress_ho_admin', NULL, $$SELECT campmon.snapshot() > 0$$, 'ok'),
('snapshot', 'regress_ho_reader', NULL, $$SELECT campmon.snapshot()$$, '42501'),
('snapshot', 'regress_ho_evil', NULL, $$SELECT campmon.snapshot()$$, '42501'),
('report', NULL, $$SET campmon.work_table_schemas = 'ho_work'; SELECT campmon.snapshot(); SELECT campmon.snapshot()$$,
 $$SELECT position('<script' IN r) = 0 AND r LIKE '<!DOCTYPE html>%</html>' FROM campmon.report(1) r$$, 'ok'),
('report', 'regress_ho_reader', NULL, $$SELECT campmon.report() LIKE '%id="no-snapshot"%'$$, 'ok'),
('report', NULL, NULL, $$SELECT campmon.report(NULL)$$, '22023'),
('report', NULL, NULL, $$SELECT campmon.report(-1)$$, '22023'),
('report', NULL, NULL, $$SELECT campmon.report(2147483647)$$, '22023'),
('report', 'regress_ho_evil', NULL, $$SELECT campmon.report()$$, '42501'),
('_html', NULL, NULL, $$SELECT campmon._html('<a href="x">''&')$$, 'ok'),
('_html', NULL, NULL, $$SELECT campmon._html(NULL)$$, 'ok'),
('_html', 'regress_ho_evil', NULL, $$SELECT campmon._html('x')$$, '42501'),
('_chart_label', NULL, NULL, $$SELECT campmon._chart_label('NaN', 'bytes') || campmon._chart_label(1e30, 'count') || campmon._chart_label(NULL, NULL)$$, 'ok'),
('_chart_label', NULL, NULL, $$SELECT campmon._chart_label(1536, 'bytes')$$, 'ok'),
('_chart_label', 'regress_ho_evil', NULL, $$SELECT campmon._chart_label(1, 'count')$$, '42501'),
('_svg_multiples', NULL, NULL, $$SELECT campmon._svg_multiples('<x>', '"t"', 'bytes', NULL, NULL, NULL)$$, 'ok'),
('_svg_multiples', NULL, NULL, $$SELECT position('<script' IN campmon._svg_multiples('a', 'b', 'count', ARRAY['<script>', NULL, 'x'], ARRAY[now(), now(), now() - interval '1 day'], ARRAY[1, 'NaN', NULL]::float8[])) = 0$$, 'ok'),
('_svg_multiples', NULL, NULL, $$SELECT campmon._svg_multiples('a', 'b', 'count', ARRAY['a'], ARRAY['infinity'::timestamptz], ARRAY[1]::float8[]) IS NOT NULL$$, 'ok'),
('_svg_multiples', 'regress_ho_evil', NULL, $$SELECT campmon._svg_multiples('a', 'b', 'count', NULL, NULL, NULL)$$, '42501'),
('_svg_text', NULL, NULL, $$SELECT campmon._svg_text(1, 2, '"c"', NULL, 10, '<script>x</script>')$$, 'ok'),
('_svg_text', NULL, NULL, $$SELECT campmon._svg_text(NULL, NULL, NULL, NULL, NULL, NULL)$$, 'ok'),
('_svg_text', 'regress_ho_evil', NULL, $$SELECT campmon._svg_text(1, 2, 'c', 'start', 10, 'x')$$, '42501'),
('_time_ticks', NULL, NULL, $$SELECT count(*) FROM campmon._time_ticks(0, 86400 * 21, 6)$$, 'ok'),
('_time_ticks', NULL, NULL, $$SELECT count(*) FROM campmon._time_ticks(0, 1e300, 6)$$, 'ok'),
('_time_ticks', NULL, NULL, $$SELECT count(*) FROM campmon._time_ticks(10, 0, 6)$$, 'ok'),
('_time_ticks', NULL, NULL, $$SELECT count(*) FROM campmon._time_ticks(0, 3600, 0)$$, 'ok'),
('_time_ticks', NULL, NULL, $$SELECT count(*) FROM campmon._time_ticks(NULL, 'NaN', 2147483647)$$, 'ok'),
('_time_ticks', 'regress_ho_evil', NULL, $$SELECT count(*) FROM campmon._time_ticks(0, 1, 1)$$, '42501'),
('_report_family', NULL, NULL, $$SELECT campmon._report_family(NULL) IS NOT NULL$$, 'ok'),
('_report_family', 'regress_ho_evil', NULL, $$SELECT campmon._report_family(now())$$, '42501'),
('_report_work_tables', NULL, NULL, $$SELECT campmon._report_work_tables('-infinity') IS NOT NULL$$, 'ok'),
('_report_work_tables', 'regress_ho_evil', NULL, $$SELECT campmon._report_work_tables(now())$$, '42501'),
('_report_reclaimable', NULL, NULL, $$SELECT campmon._report_reclaimable(NULL, NULL) IS NOT NULL$$, 'ok'),
('_report_reclaimable', 'regress_ho_evil', NULL, $$SELECT campmon._report_reclaimable(now(), 1)$$, '42501'),
('_report_timeline_segments', NULL, NULL, $$SELECT count(*) FROM campmon._report_timeline_segments('-infinity', 'infinity')$$, 'ok'),
('_report_timeline_segments', 'regress_ho_evil', NULL, $$SELECT count(*) FROM campmon._report_timeline_segments(now(), now())$$, '42501'),
('_report_timeline', NULL, NULL, $$SELECT campmon._report_timeline(NULL, NULL) IS NOT NULL$$, 'ok'),
('_report_timeline', NULL, NULL, $$SELECT campmon._report_timeline('-infinity', 'infinity') IS NOT NULL$$, 'ok'),
('_report_timeline', 'regress_ho_evil', NULL, $$SELECT campmon._report_timeline(now(), now())$$, '42501'),
('_report_checks_now', NULL, NULL, $$SELECT campmon._report_checks_now() IS NOT NULL$$, 'ok'),
('_report_checks_now', 'regress_ho_evil', NULL, $$SELECT campmon._report_checks_now()$$, '42501'),
('_report_forecasts', NULL, NULL, $$SELECT campmon._report_forecasts() IS NOT NULL$$, 'ok'),
('_report_forecasts', 'regress_ho_evil', NULL, $$SELECT campmon._report_forecasts()$$, '42501'),
('_report_runs', NULL, NULL, $$SELECT campmon._report_runs() IS NOT NULL$$, 'ok'),
('_report_runs', 'regress_ho_evil', NULL, $$SELECT campmon._report_runs()$$, '42501'),
('_report_plan', NULL, NULL, $$SELECT campmon._report_plan() LIKE '%plan%'$$, 'ok'),
('_report_plan', 'regress_ho_evil', NULL, $$SELECT campmon._report_plan()$$, '42501'),
('_svg_spark', NULL, NULL, $$SELECT campmon._svg_spark(ARRAY[1, NULL, 3]::float8[]) LIKE '<svg%'$$, 'ok'),
('_svg_spark', NULL, NULL, $$SELECT campmon._svg_spark(NULL)$$, 'ok'),
('_svg_spark', 'regress_ho_evil', NULL, $$SELECT campmon._svg_spark(NULL)$$, '42501'),
('_report_run_effects', NULL, NULL, $$SELECT campmon._report_run_effects(NULL) ~ 'id="run-effects"' AND position('<script' IN campmon._report_run_effects('-infinity')) = 0$$, 'ok'),
('_report_run_effects', 'regress_ho_reader', NULL, $$SELECT campmon._report_run_effects('infinity') LIKE '%id="run-effects"%'$$, 'ok'),
('_report_run_effects', 'regress_ho_evil', NULL, $$SELECT campmon._report_run_effects(now())$$, '42501'),
('_no_trend', NULL, NULL, $$SELECT campmon._no_trend(1, 3, '<7 days>', '1 min', '1 day')$$, 'ok'),
('_no_trend', NULL, NULL, $$SELECT campmon._no_trend(5, 3, '7 days', '8 min', '1 day')$$, 'ok'),
('_no_trend', NULL, NULL, $$SELECT campmon._no_trend(NULL, NULL, NULL, NULL, NULL)$$, 'ok'),
('_no_trend', 'regress_ho_evil', NULL, $$SELECT campmon._no_trend(1, 3, 'x')$$, '42501'),
('_setting_num', NULL, NULL, $$SELECT campmon._setting_num('campmon.trend_min_points')$$, 'ok'),
('_setting_num', NULL, NULL, $$SELECT campmon._setting_num('no.such_setting')$$, 'ok'),
('_setting_num', 'regress_ho_evil', NULL, $$SELECT campmon._setting_num('campmon.trend_min_points')$$, '42501'),
('_trend_snapshots', NULL, $$SET campmon.trend_window = '1s'$$, $$SELECT count(*) FROM campmon._trend_snapshots()$$, 'ok'),
('_trend_snapshots', 'regress_ho_evil', NULL, $$SELECT count(*) FROM campmon._trend_snapshots()$$, '42501'),
('_register_check', 'regress_ho_admin', NULL, $$SELECT campmon._register_check('x', 'bloat', 'w', 's', NULL, 'src', 'adv', 'campmon._check_x', 1)$$, '42501');

-- what stops VACUUM, wraparound, autovacuum (issue 24): the views' helpers
-- with bad input, as a reader (who sees only what PostgreSQL shows it) and
-- refused to a role without campmon
INSERT INTO ho.hostile_case (fn, as_role, setup, call, expected) VALUES
('_dead_rows_now', NULL, NULL, $$SELECT pages_read <= pages_sampled AND pages_sampled <= 64 FROM campmon._dead_rows_now('ho_table'::regclass)$$, 'ok'),
('_dead_rows_now', NULL, NULL, $$SELECT pages_sampled FROM campmon._dead_rows_now('ho_table'::regclass, 1)$$, 'ok'),
('_dead_rows_now', NULL, NULL, $$SELECT pages FROM campmon._dead_rows_now('ho_table'::regclass, 0)$$, '22023'),
('_dead_rows_now', NULL, NULL, $$SELECT pages FROM campmon._dead_rows_now('ho_table'::regclass, -2147483648)$$, '22023'),
('_dead_rows_now', NULL, NULL, $$SELECT pages FROM campmon._dead_rows_now('ho_table'::regclass, NULL)$$, 'ok'),
('_dead_rows_now', NULL, NULL, $$SELECT pages IS NULL FROM campmon._dead_rows_now(NULL)$$, 'ok'),
('_dead_rows_now', NULL, NULL, $$SELECT pages IS NULL FROM campmon._dead_rows_now(0)$$, 'ok'),
('_dead_rows_now', NULL, NULL, $$SELECT pages IS NULL FROM campmon._dead_rows_now('ho_view'::regclass)$$, 'ok'),
('_dead_rows_now', NULL, NULL, $$SELECT pages IS NULL FROM campmon._dead_rows_now('ho_table_pkey'::regclass)$$, 'ok'),
('_dead_rows_now', NULL, NULL, $$SELECT pages IS NULL FROM campmon._dead_rows_now('ho_parted'::regclass)$$, 'ok'),
('_dead_rows_now', NULL, NULL, $$SELECT pages FROM campmon._dead_rows_now('ho_nocols'::regclass)$$, 'ok'),
('_dead_rows_now', NULL, NULL, $$SELECT removable + not_removable FROM campmon._dead_rows_now('ho_empty'::regclass)$$, 'ok'),
('_dead_rows_now', NULL, NULL, $$SELECT pages FROM campmon._dead_rows_now('ho_temp'::regclass)$$, 'ok'),
('_dead_rows_now', NULL, NULL, $$SELECT pages > 0 FROM campmon._dead_rows_now('pg_class'::regclass)$$, 'ok'),
('_dead_rows_now', 'regress_ho_reader', NULL, $$SELECT pages > 0 FROM campmon._dead_rows_now('ho_table'::regclass)$$, 'ok'),
('_dead_rows_now', 'regress_ho_reader', NULL, $$SELECT pages IS NULL FROM campmon._dead_rows_now('ho_empty'::regclass)$$, 'ok'),
('_dead_rows_now', 'regress_ho_evil', NULL, $$SELECT pages FROM campmon._dead_rows_now('ho_table'::regclass)$$, '42501'),
('_full_xid', NULL, NULL, $$SELECT campmon._full_xid(NULL) IS NULL$$, 'ok'),
('_full_xid', NULL, NULL, $$SELECT campmon._full_xid('3') > 0$$, 'ok'),
('_full_xid', NULL, NULL, $$SELECT campmon._full_xid('4294967295') IS NOT NULL$$, 'ok'),
('_full_xid', 'regress_ho_evil', NULL, $$SELECT campmon._full_xid('3')$$, '42501'),
('_xid_time', NULL, NULL, $$SELECT since IS NULL FROM campmon._xid_time(NULL)$$, 'ok'),
('_xid_time', NULL, NULL, $$SELECT since IS NULL FROM campmon._xid_time(-9223372036854775808)$$, 'ok'),
('_xid_time', NULL, NULL, $$SELECT since IS NULL FROM campmon._xid_time(9223372036854775807)$$, 'ok'),
('_xid_time', 'regress_ho_reader', NULL, $$SELECT count(*) FROM campmon._xid_time(1)$$, 'ok'),
('_xid_time', 'regress_ho_evil', NULL, $$SELECT since FROM campmon._xid_time(1)$$, '42501'),
('_vacuum_blockers', NULL, NULL, $$SELECT count(*) >= 0 FROM campmon._vacuum_blockers()$$, 'ok'),
('_vacuum_blockers', 'regress_ho_reader', NULL, $$SELECT count(*) >= 0 FROM campmon.vacuum_blockers$$, 'ok'),
('_vacuum_blockers', 'regress_ho_evil', NULL, $$SELECT count(*) FROM campmon.vacuum_blockers$$, '42501'),
('_blocker_detail', NULL, NULL, $$SELECT campmon._blocker_detail(NULL::campmon.vacuum_blockers) IS NULL$$, 'ok'),
('_blocker_detail', NULL, NULL, $$SELECT campmon._blocker_detail(ROW('transaction', 'rows', 1, E'<b>\n', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '5', 3, NULL, ''';--', NULL, 0, NULL, true, NULL)::campmon.vacuum_blockers)$$, 'ok'),
('_blocker_detail', 'regress_ho_evil', NULL, $$SELECT campmon._blocker_detail(NULL::campmon.vacuum_blockers)$$, '42501'),
('_blocker_label', NULL, NULL, $$SELECT campmon._blocker_label(NULL, NULL, NULL, NULL, NULL, NULL, NULL)$$, 'ok'),
('_blocker_label', NULL, NULL, $$SELECT campmon._blocker_label('prepared transaction', NULL, 'x', NULL, E'it''s\n%s', 7, '2026-01-01')$$, 'ok'),
('_blocker_label', 'regress_ho_evil', NULL, $$SELECT campmon._blocker_label(NULL, NULL, NULL, NULL, NULL, NULL, NULL)$$, '42501'),
('_horizon_held', NULL, NULL, $$SELECT campmon._horizon_held() IS NOT NULL$$, 'ok'),
('_horizon_held', NULL, $$SET campmon.vacuum_blocker_min_age = 0$$, $$SELECT campmon._horizon_held() IS NOT NULL$$, 'ok'),
('_horizon_held', 'regress_ho_evil', NULL, $$SELECT campmon._horizon_held()$$, '42501'),
('_horizon_blocks', NULL, NULL, $$SELECT campmon._horizon_blocks('ho_table'::regclass, 'VACUUM')$$, 'ok'),
('_horizon_blocks', NULL, NULL, $$SELECT campmon._horizon_blocks('ho_table'::regclass, 'VACUUM', false)$$, 'ok'),
('_horizon_blocks', NULL, NULL, $$SELECT campmon._horizon_blocks('ho_table_pkey'::regclass, 'REINDEX INDEX CONCURRENTLY')$$, 'ok'),
('_horizon_blocks', NULL, NULL, $$SELECT campmon._horizon_blocks('ho_table'::regclass, 'REPACK')$$, 'ok'),
('_horizon_blocks', NULL, NULL, $$SELECT campmon._horizon_blocks(NULL, NULL, NULL)$$, 'ok'),
('_horizon_blocks', NULL, NULL, $$SELECT campmon._horizon_blocks(0, 'VACUUM')$$, 'ok'),
('_horizon_blocks', NULL, NULL, $$SELECT campmon._horizon_blocks('ho_view'::regclass, 'VACUUM')$$, 'ok'),
('_horizon_blocks', NULL, NULL, $$SELECT campmon._horizon_blocks('ho_table'::regclass, E'VACUUM''; DROP TABLE ho.ho_table; --')$$, 'ok'),
('_horizon_blocks', 'regress_ho_reader', NULL, $$SELECT campmon._horizon_blocks('ho_empty'::regclass, 'VACUUM')$$, 'ok'),
('_horizon_blocks', 'regress_ho_evil', NULL, $$SELECT campmon._horizon_blocks('ho_table'::regclass, 'VACUUM')$$, '42501'),
('_plan_held', NULL, NULL, $$SELECT count(*) FROM campmon._plan_held(NULL, true, NULL, NULL, NULL)$$, 'ok'),
('_plan_held', NULL, NULL, $$SELECT count(*) FROM campmon._plan_held(ARRAY[ROW(4, 'VACUUM', 'ho.ho_table'::regclass, 'ho.ho_table', 'other', 'r', 0, NULL, 0, NULL, 0)]::campmon._plan_step[], false, NULL, NULL, NULL)$$, 'ok'),
('_plan_held', NULL, NULL, $$SELECT count(*) FILTER (WHERE why IS NULL) FROM campmon._plan_held(ARRAY[ROW(4, 'VACUUM', 'ho.ho_table'::regclass, 'ho.ho_table', 'other', 'r', 0, NULL, 0, NULL, 0), ROW(4, 'VACUUM', 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), ROW(1, 'DROP TABLE', 'ho.ho_table'::regclass, 'x', 'x', 'x', 0, NULL, 0, NULL, 0)]::campmon._plan_step[], true, NULL, NULL, NULL)$$, 'ok'),
('_plan_held', NULL, NULL, $$SELECT count(*) FROM campmon._plan_held(ARRAY[ROW(4, 'VACUUM', 'ho.ho_table'::regclass, 'ho.ho_table', 'other', 'r', 0, NULL, 0, NULL, 0)]::campmon._plan_step[], true, ARRAY['nope'], NULL, NULL)$$, 'ok'),
('_plan_held', 'regress_ho_evil', NULL, $$SELECT count(*) FROM campmon._plan_held(NULL, true, NULL, NULL, NULL)$$, '42501'),
('_horizon_note', NULL, NULL, $$SELECT campmon._horizon_note('ho_table'::regclass, 0)$$, 'ok'),
('_horizon_note', NULL, NULL, $$SELECT campmon._horizon_note(NULL, 5)$$, 'ok'),
('_horizon_note', NULL, NULL, $$SELECT campmon._horizon_note('ho_table'::regclass, 5) LIKE '5 dead rows left%'$$, 'ok'),
('_horizon_note', NULL, NULL, $$SELECT campmon._horizon_note(4294967295, -1)$$, 'ok'),
('_horizon_note', 'regress_ho_evil', NULL, $$SELECT campmon._horizon_note('ho_table'::regclass, 5)$$, '42501'),
('_wraparound_stop_age', NULL, NULL, $$SELECT campmon._wraparound_stop_age()$$, 'ok'),
('_wraparound_stop_age', 'regress_ho_evil', NULL, $$SELECT campmon._wraparound_stop_age()$$, '42501'),
('_counter_pace', NULL, NULL, $$SELECT xids_per_day IS NULL AND note IS NOT NULL FROM campmon._counter_pace()$$, 'ok'),
('_counter_pace', NULL, $$SET campmon.trend_min_span = 0; SET campmon.trend_min_points = 2$$, $$SELECT count(*) FROM campmon._counter_pace()$$, 'ok'),
('_counter_pace', 'regress_ho_evil', NULL, $$SELECT count(*) FROM campmon._counter_pace()$$, '42501'),
('_reloption', NULL, NULL, $$SELECT campmon._reloption(ARRAY['fillfactor=50', 'autovacuum_enabled=false'], 'autovacuum_enabled')$$, 'ok'),
('_reloption', NULL, NULL, $$SELECT campmon._reloption(NULL, NULL)$$, 'ok'),
('_reloption', NULL, NULL, $$SELECT campmon._reloption(ARRAY['no equal sign', '=x', 'a=b=c'], 'a')$$, 'ok'),
('_reloption', 'regress_ho_evil', NULL, $$SELECT campmon._reloption(NULL, NULL)$$, '42501'),
('_freeze_needed', NULL, NULL, $$SELECT count(*) FROM campmon._freeze_needed(80)$$, 'ok'),
('_freeze_needed', NULL, NULL, $$SELECT count(*) FROM campmon._freeze_needed(NULL)$$, 'ok'),
('_freeze_needed', NULL, NULL, $$SELECT count(*) > 0 AND bool_and(reason LIKE 'transaction id age % is past -1% of autovacuum_freeze_max_age (200000000)%') FROM campmon._freeze_needed(-1)$$, 'ok'),
('_freeze_needed', 'regress_ho_reader', NULL, $$SELECT count(*) FROM campmon._freeze_needed(80)$$, 'ok'),
('_freeze_needed', 'regress_ho_evil', NULL, $$SELECT count(*) FROM campmon._freeze_needed(80)$$, '42501'),
('_wraparound_tables', NULL, NULL, $$SELECT count(*) FROM campmon._wraparound_tables(100000) WHERE label LIKE 'ho.ho_table (TOAST pg_toast.%'$$, 'ok'),
('_wraparound_tables', NULL, NULL, $$SELECT count(*) FROM campmon._wraparound_tables(100000) WHERE temp_note IS NOT NULL$$, 'ok'),
('_wraparound_tables', NULL, NULL, $$SELECT count(*) FROM campmon._wraparound_tables(0)$$, 'ok'),
('_wraparound_tables', NULL, NULL, $$SELECT count(*) > 0 FROM campmon._wraparound_tables(NULL::integer)$$, 'ok'),
('_wraparound_tables', NULL, NULL, $$SELECT count(*) FROM campmon._wraparound_tables(-1)$$, '2201W'),
('_wraparound_tables', 'regress_ho_evil', NULL, $$SELECT count(*) FROM campmon._wraparound_tables()$$, '42501'),
('_wraparound', NULL, NULL, $$SELECT count(*) FROM campmon._wraparound(0) WHERE scope = 'table'$$, 'ok'),
('_wraparound', NULL, NULL, $$SELECT count(*) > 10 FROM campmon._wraparound(NULL::integer) WHERE scope = 'table'$$, 'ok'),
('_wraparound', NULL, NULL, $$SELECT count(*) FROM campmon._wraparound(-1)$$, '2201W'),
('_wraparound', 'regress_ho_reader', NULL, $$SELECT count(*) > 0 FROM campmon.wraparound$$, 'ok'),
('_wraparound', 'regress_ho_evil', NULL, $$SELECT count(*) FROM campmon.wraparound$$, '42501'),
('_autovacuum_tables', NULL, NULL, $$SELECT count(*) >= 0 FROM campmon.autovacuum_tables$$, 'ok'),
('_autovacuum_tables', NULL, NULL, $$SELECT count(*) FILTER (WHERE disabled_with_dead_rows AND enabled) FROM campmon.autovacuum_tables$$, 'ok'),
('_autovacuum_tables', NULL, $$SET campmon.stale_statistics_factor = 1000; SET campmon.autovacuum_debt_min_age = 0$$, $$SELECT count(*) FILTER (WHERE stale_statistics) >= 0 FROM campmon.autovacuum_tables$$, 'ok'),
('_autovacuum_tables', 'regress_ho_reader', NULL, $$SELECT count(*) FROM campmon.autovacuum_tables WHERE relid = 'ho_empty'::regclass$$, 'ok'),
('_autovacuum_tables', 'regress_ho_evil', NULL, $$SELECT count(*) FROM campmon.autovacuum_tables$$, '42501'),
('_report_vacuum', NULL, NULL, $$SELECT position('<script' IN r) = 0 AND r LIKE '<h2>What stops VACUUM</h2>%' FROM campmon._report_vacuum(now() - interval '1 day') r$$, 'ok'),
('_report_vacuum', NULL, NULL, $$SELECT campmon._report_vacuum(NULL) IS NOT NULL$$, 'ok'),
('_report_vacuum', 'regress_ho_evil', NULL, $$SELECT campmon._report_vacuum(now())$$, '42501'),
('_may_see_session_figures', NULL, NULL, $$SELECT campmon._may_see_session_figures('xmin_horizon', '')$$, 'ok'),
('_may_see_session_figures', 'regress_ho_reader', NULL, $$SELECT campmon._may_see_session_figures('xmin_horizon', '')$$, 'ok'),
('_may_see_session_figures', 'regress_ho_reader', NULL, $$SELECT campmon._may_see_session_figures('autovacuum_debt', 'autovacuum workers')$$, 'ok'),
('_may_see_session_figures', 'regress_ho_reader', NULL, $$SELECT campmon._may_see_session_figures(NULL, NULL)$$, 'ok'),
('_may_see_session_figures', 'regress_ho_evil', NULL, $$SELECT campmon._may_see_session_figures('x', 'y')$$, '42501');

-- every check producer the registry names: as a superuser and as a reader,
-- refused to a role without campmon
INSERT INTO ho.hostile_case (fn, as_role, call, expected)
SELECT DISTINCT substring(d.produced_by FROM '^campmon\.(.*)$'), r.role, format('SELECT count(*) >= 0 FROM %s()', d.produced_by), r.expected
FROM campmon.check_definitions d
CROSS JOIN (VALUES (NULL, 'ok'), ('regress_ho_reader', 'ok'), ('regress_ho_evil', '42501')) r(role, expected);

-- the cases: everything as recorded, then the cases whose SQLSTATE differs from the expected one
SET client_min_messages = error;   -- WARNINGs of try_*_bloat, NOTICEs of plans
CREATE TEMP TABLE ho_result AS
SELECT c.id, c.fn, c.as_role, c.setup, c.call, c.expected, ho.outcome(c.call, c.as_role, c.setup) AS outcome
FROM ho.hostile_case c ORDER BY c.id;
RESET client_min_messages;
\pset format unaligned
\pset fieldsep ' | '
SELECT fn, coalesce(as_role, '') AS "role", coalesce(setup || '; ', '') || call AS call, outcome
FROM ho_result ORDER BY id;
\pset format aligned
SELECT fn, count(*) AS cases, count(*) FILTER (WHERE expected <> 'ok') AS error_cases,
       count(*) FILTER (WHERE split_part(outcome, ':', 1) <> expected) AS unexpected
FROM ho_result GROUP BY fn ORDER BY fn COLLATE "C";
SELECT id, fn, call, expected, outcome AS unexpected_outcome
FROM ho_result WHERE split_part(outcome, ':', 1) <> expected ORDER BY id;
-- every function of campmon has cases
SELECT p.proname AS function_without_cases FROM pg_proc p
WHERE p.pronamespace = 'campmon'::regnamespace AND p.proname NOT IN (SELECT fn FROM ho.hostile_case) ORDER BY p.proname COLLATE "C";
-- nothing a case did survived it
SELECT count(*) AS ho_tables_left, to_regclass('ho.ho_table') IS NOT NULL AS ho_table_intact FROM pg_class
WHERE relnamespace = 'ho_work'::regnamespace AND relkind = 'r';

-- Quoting: plan() names every target with format('%I.%I'); each target
-- parses back to its schema and name, and the commands run through \gexec.
RESET search_path;
SET campmon.work_table_schemas = 'ho_work';
SET campmon.tables_mode = 'exact';
SELECT format('%I.%I', schema_name, table_name) AS work_table, rule, verdict
FROM campmon.stale_tables ORDER BY format('%I.%I', schema_name, table_name) COLLATE "C";
SELECT action, command FROM campmon.plan(actions => ARRAY['DROP TABLE'], include_suspect => true) ORDER BY command COLLATE "C";
SELECT action, command FROM campmon.plan()
WHERE target_relid IN (SELECT relid FROM ho.ho_names) ORDER BY action, command COLLATE "C";
SELECT count(*) AS steps,
       count(*) FILTER (WHERE parse_ident(p.target) = ARRAY[n.nspname::text, c.relname::text]) AS targets_parsing_back,
       count(*) FILTER (WHERE p.target::regclass = p.target_relid) AS targets_naming_their_relid
FROM campmon.plan(include_suspect => true) p
JOIN pg_class c ON c.oid = p.target_relid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('ho_work', 'Ho "Odd"; Schema');
SELECT command FROM campmon.plan(include_suspect => true)
WHERE target_relid IN (SELECT relid FROM ho.ho_names UNION ALL SELECT oid FROM pg_class WHERE relnamespace = 'ho_work'::regnamespace)
ORDER BY command COLLATE "C" \gexec
SELECT c.relname AS work_tables_left FROM pg_class c WHERE c.relnamespace = 'ho_work'::regnamespace AND c.relkind = 'r' ORDER BY c.relname COLLATE "C";
SELECT count(*) AS odd_tables, count(*) FILTER (WHERE b.dead_rows = 0) AS vacuumed,
       count(*) FILTER (WHERE s.last_analyze IS NOT NULL OR s.last_vacuum IS NOT NULL) AS in_statistics
FROM ho.ho_names n CROSS JOIN LATERAL campmon.table_bloat(n.relid, 'exact') b
LEFT JOIN pg_stat_user_tables s ON s.relid = n.relid;
SELECT to_regclass('ho.ho_table') IS NOT NULL AS ho_table_intact;

-- Work tables live in campmon.work_table_schemas only: an unprivileged
-- role's look-alikes in its own schema are not listed, not planned, not
-- checked, and drop_work_table refuses them (before taking any lock)
SELECT count(*) AS evil_listed FROM campmon.stale_tables WHERE schema_name = 'evil';
RESET campmon.work_table_schemas;
SELECT count(*) AS evil_listed_by_default FROM campmon.stale_tables WHERE schema_name = 'evil';
SELECT count(*) AS evil_planned FROM campmon.plan(include_suspect => true, show_kept => true, allow_blocking => true)
WHERE target LIKE 'evil.%';
SELECT count(*) AS evil_checked FROM campmon.checks WHERE target LIKE 'evil.%';
SELECT r AS evil_relation, ho.outcome(format('SELECT campmon.drop_work_table(%s, true)', r::oid)) AS as_superuser,
       ho.outcome(format('SELECT campmon.drop_work_table(%s, true)', r::oid), 'regress_ho_admin') AS as_admin
FROM unnest(ARRAY['evil.wkf990005_1', 'evil.wkdlv_990005_1', 'evil.grp990005']::regclass[]) r;
SELECT count(*) AS evil_tables_left FROM pg_class WHERE relnamespace = 'evil'::regnamespace AND relkind IN ('r', 'v');

-- Search-path traps.  The unprivileged role may create in public (the
-- default before PostgreSQL 15, kept by pg_upgrade): it plants functions
-- that a careless lookup would prefer to pg_catalog's (exact argument types
-- beat VARIADIC "any" and implicit casts), and in its own schema the same
-- and operators, for a session that puts that schema before pg_catalog.
-- Every trap records who sprung it; campmon must spring none.
GRANT CREATE ON SCHEMA public TO regress_ho_evil;
SET ROLE regress_ho_evil;
GRANT USAGE ON SCHEMA evil TO PUBLIC;
CREATE TABLE evil.trap_log (trap text, sprung_by text, PRIMARY KEY (trap, sprung_by));
GRANT INSERT ON evil.trap_log TO PUBLIC;
CREATE FUNCTION evil.sprung(trap text) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN INSERT INTO evil.trap_log VALUES (trap, current_user) ON CONFLICT DO NOTHING; RETURN true; END $$;
CREATE FUNCTION public.jsonb_build_object(text, text, text, integer, text, integer, text, integer) RETURNS jsonb
LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('public.jsonb_build_object'); RETURN jsonb_build_object($1, $2, $3, $4, $5, $6, $7, $8); END $$;
CREATE FUNCTION public.quote_ident(name) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('public.quote_ident'); RETURN quote_ident($1::text); END $$;
CREATE FUNCTION public.format(text, text, text) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('public.format'); RETURN format($1, $2, $3); END $$;
CREATE FUNCTION public.format(text, name, name) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('public.format'); RETURN format($1, $2, $3); END $$;
CREATE FUNCTION public.lower(name) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('public.lower'); RETURN lower($1::text); END $$;
CREATE FUNCTION public.texteq_trap(text, text) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('public.='); RETURN texteq($1, $2); END $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.texteq_trap);
-- in its own schema: operators, an aggregate, functions and views named as pg_catalog's
CREATE FUNCTION evil.t_texteq(text, text) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('evil.=(text,text)'); RETURN texteq($1, $2); END $$;
CREATE FUNCTION evil.t_textne(text, text) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('evil.<>(text,text)'); RETURN textne($1, $2); END $$;
CREATE FUNCTION evil.t_int8eq(bigint, bigint) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('evil.=(bigint,bigint)'); RETURN int8eq($1, $2); END $$;
CREATE FUNCTION evil.t_int4eq(integer, integer) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('evil.=(integer,integer)'); RETURN int4eq($1, $2); END $$;
CREATE FUNCTION evil.t_int84gt(bigint, integer) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('evil.>(bigint,integer)'); RETURN int84gt($1, $2); END $$;
CREATE FUNCTION evil.t_textcat(text, text) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('evil.||(text,text)'); RETURN textcat($1, $2); END $$;
CREATE FUNCTION evil.t_textlike(text, text) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('evil.~~(text,text)'); RETURN textlike($1, $2); END $$;
CREATE FUNCTION evil.t_textregexeq(text, text) RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('evil.~(text,text)'); RETURN textregexeq($1, $2); END $$;
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.t_texteq);
CREATE OPERATOR evil.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.t_textne);
CREATE OPERATOR evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.t_int8eq);
CREATE OPERATOR evil.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.t_int4eq);
CREATE OPERATOR evil.> (LEFTARG = bigint, RIGHTARG = integer, FUNCTION = evil.t_int84gt);
CREATE OPERATOR evil.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.t_textcat);
CREATE OPERATOR evil.~~ (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.t_textlike);
CREATE OPERATOR evil.~ (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.t_textregexeq);
CREATE FUNCTION evil.count_step(bigint) RETURNS bigint LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('evil.count(*)'); RETURN $1 + 1; END $$;
CREATE AGGREGATE evil.count(*) (SFUNC = evil.count_step, STYPE = bigint, INITCOND = '0');
CREATE FUNCTION evil.quote_ident(text) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('evil.quote_ident'); RETURN quote_ident($1); END $$;
CREATE FUNCTION evil.lower(text) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('evil.lower'); RETURN lower($1); END $$;
CREATE FUNCTION evil.current_setting(text) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('evil.current_setting'); RETURN current_setting($1); END $$;
CREATE FUNCTION evil.jsonb_build_object(text, text, text, integer, text, integer, text, integer) RETURNS jsonb
LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('evil.jsonb_build_object'); RETURN jsonb_build_object($1, $2, $3, $4, $5, $6, $7, $8); END $$;
CREATE VIEW evil.pg_settings AS SELECT * FROM pg_catalog.pg_settings WHERE evil.sprung('evil.pg_settings');
CREATE VIEW evil.pg_stat_activity AS SELECT * FROM pg_catalog.pg_stat_activity WHERE evil.sprung('evil.pg_stat_activity');
GRANT SELECT ON evil.pg_settings, evil.pg_stat_activity TO PUBLIC;
RESET ROLE;
-- a run is over once its worker has gone: it releases the run lock after
-- recording the run's end, and the next run needs that lock
CREATE FUNCTION ho.wait_for_run(id bigint) RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE st text;
BEGIN
    LOOP
        SELECT r.status INTO st FROM campmon.run r WHERE r.run_id = id;
        EXIT WHEN st NOT IN ('running', 'cancelling')
              AND NOT EXISTS (SELECT FROM pg_stat_activity WHERE backend_type = 'campmon run');
        PERFORM pg_sleep(0.05);
    END LOOP;
    RETURN st;
END $$;

-- 1. default search_path ("$user", public): as the admin, then as a superuser
SET client_min_messages = warning;    -- the run ids in the plans' NOTICEs
SET ROLE regress_ho_admin;
SHOW search_path;
SELECT count(*) > 0 AS measured FROM pg_class c, campmon.try_table_bloat(c.oid, 'exact') b
WHERE c.relnamespace = '"Ho ""Odd""; Schema"'::regnamespace;
SELECT count(*) > 0 AS listed FROM campmon.tables;
SELECT count(*) > 0 AS listed FROM campmon.indexes;
SELECT count(*) >= 0 AS listed FROM campmon.stale_tables;
SELECT count(*) >= 0 AS listed FROM campmon.checks;
SELECT count(*) >= 0 AS planned FROM campmon.plan(include_suspect => true, show_kept => true, allow_blocking => true);
CALL campmon.run_plan(families => ARRAY['list'], actions => ARRAY['REPACK']) \gset
SELECT ho.wait_for_run(:run_id) AS run_status, summary FROM campmon.run WHERE run_id = :run_id;
SELECT ho.wait_for_run(campmon.start_plan(families => ARRAY['list'], actions => ARRAY['REPACK'])) AS run_status;
SELECT campmon.cancel_run(:run_id) AS cancelled;
RESET ROLE;
CALL campmon.run_plan(families => ARRAY['list'], actions => ARRAY['REPACK']) \gset
SELECT ho.wait_for_run(:run_id) AS run_status, summary FROM campmon.run WHERE run_id = :run_id;
SELECT campmon.drop_work_table(0) AS dropped;
SELECT * FROM evil.trap_log ORDER BY trap COLLATE "C", sprung_by COLLATE "C";

-- 2. a session that puts the role's schema before pg_catalog
\o /dev/null
SET ROLE regress_ho_admin;
SET search_path = evil, pg_catalog, public;
SELECT b.method FROM pg_catalog.pg_class c, campmon.try_table_bloat(c.oid, 'exact') b LIMIT 5;
SELECT * FROM campmon.tables;
SELECT * FROM campmon.indexes;
SELECT * FROM campmon.stale_tables;
SELECT * FROM campmon.checks;
SELECT * FROM campmon.plan(include_suspect => true, show_kept => true, allow_blocking => true);
CALL campmon.run_plan(families => ARRAY['list'], actions => ARRAY['REPACK']) \gset
SELECT ho.wait_for_run(:run_id);
SELECT ho.wait_for_run(campmon.start_plan(families => ARRAY['list'], actions => ARRAY['REPACK']));
SELECT campmon.cancel_run(:run_id);
SELECT campmon.drop_work_table(0);
RESET ROLE;
SET search_path = evil, pg_catalog, public;
CALL campmon.run_plan(families => ARRAY['list'], actions => ARRAY['REPACK']) \gset
SELECT ho.wait_for_run(:run_id);
SELECT campmon.cancel_run(:run_id);
-- what run_plan calls, in its caller's search_path, when a worker is gone
-- (its history UPDATE compares run ids and statuses over campmon.run's rows)
SELECT campmon._run_worker_gone(0);
SELECT campmon.relation_last_write('pg_class'), campmon._human('1 day'), campmon.family_of('public', 'wkf1_');
\o
RESET search_path;
RESET client_min_messages;
SELECT * FROM evil.trap_log ORDER BY trap COLLATE "C", sprung_by COLLATE "C";
-- the traps work (they are not simply unreachable): a query of our own springs them
SET search_path = evil, pg_catalog, public;
SELECT count(*) AS n FROM (VALUES ('a')) v(x) WHERE x = 'a';
RESET search_path;
SELECT trap FROM evil.trap_log ORDER BY trap COLLATE "C";

-- 3. Campaign look-alikes in a work schema where a role may create: the
-- owner tables and options campmon reads by name, made by that role as a
-- view, a table with a row-level security policy, and a table whose key
-- column has the role's own type with an implicit cast to bigint -- each
-- would run the role's function as the admin reading campmon's views.
-- campmon reads none of them: their rules are skipped (tables judged by
-- age) and campmon.checks says why.
CREATE SCHEMA evil_camp AUTHORIZATION regress_ho_evil;
SET ROLE regress_ho_evil;
GRANT USAGE ON SCHEMA evil_camp TO PUBLIC;
CREATE VIEW evil_camp.xtkworkflow AS
SELECT 1::bigint AS iworkflowid, 'cleanup'::text AS sinternalname, 20 AS istate, 0 AS ifailed, now() AS tslastmodified
WHERE evil.sprung('view evil_camp.xtkworkflow');
CREATE VIEW evil_camp.xtkoption AS
SELECT 'NmsCleanup_LastCleanup'::text AS sname, '2026-01-01'::text AS sstringvalue WHERE evil.sprung('view evil_camp.xtkoption');
CREATE TABLE evil_camp.nmsdelivery (ideliveryid bigint, istate int, ideletestatus int, tslastmodified timestamptz);
INSERT INTO evil_camp.nmsdelivery VALUES (2, 85, 0, '2026-01-01');
ALTER TABLE evil_camp.nmsdelivery ENABLE ROW LEVEL SECURITY;
CREATE POLICY everyone ON evil_camp.nmsdelivery USING (evil.sprung('policy on evil_camp.nmsdelivery'));
CREATE TYPE evil_camp.id AS (v bigint);
CREATE FUNCTION evil_camp.id_to_bigint(evil_camp.id) RETURNS bigint LANGUAGE plpgsql SET search_path = pg_catalog AS
$$ BEGIN PERFORM evil.sprung('cast evil_camp.id to bigint'); RETURN ($1).v; END $$;
CREATE CAST (evil_camp.id AS bigint) WITH FUNCTION evil_camp.id_to_bigint(evil_camp.id) AS IMPLICIT;
CREATE TABLE evil_camp.nmsgroup (igroupid evil_camp.id, tslastmodified timestamptz, ideletestatus int, tsexpirationdate timestamptz, itype int);
INSERT INTO evil_camp.nmsgroup VALUES (ROW(3), '2026-01-01', 0, NULL, 1);
CREATE TABLE evil_camp.nmsbroadlogrcp (ibroadlogid bigint, tslastmodified evil_camp.id);
GRANT SELECT ON ALL TABLES IN SCHEMA evil_camp TO PUBLIC;
CREATE TABLE evil_camp.wkf1_1_1 (id int);
CREATE TABLE evil_camp.wkdlv_2_1 (id int);
CREATE TABLE evil_camp.grp3 (id int);
RESET ROLE;
-- the settings that decide what a run may drop are a superuser's: an admin
-- cannot point campmon at another schema (nor could a database owner with
-- ALTER DATABASE ... SET)
SET ROLE regress_ho_admin;
SET campmon.work_table_schemas = 'evil_camp';
RESET ROLE;
SET campmon.work_table_schemas = 'evil_camp';
SET ROLE regress_ho_admin;
SELECT table_name, rule, verdict FROM campmon.stale_tables ORDER BY 1;
SELECT check_name, status, target, message FROM campmon.checks
WHERE check_name IN ('campaign_schema', 'purge_backlog', 'cleanup_workflow', 'cleanup_last_run') ORDER BY 1, 3;
SELECT action, target FROM campmon.plan(include_suspect => true) WHERE target LIKE 'evil_camp.%' ORDER BY 1, 2;
RESET ROLE;
RESET campmon.work_table_schemas;
SELECT count(*) AS traps_sprung_by_campmon FROM evil.trap_log WHERE trap LIKE '%evil_camp%';
-- the traps work: reading the look-alikes as the admin springs each
SET ROLE regress_ho_admin;
SELECT count(*) FROM evil_camp.xtkworkflow;
SELECT count(*) FROM evil_camp.nmsdelivery;
SELECT count(*) FROM evil_camp.nmsgroup g WHERE g.igroupid = 3::bigint;
RESET ROLE;
SELECT trap, sprung_by FROM evil.trap_log WHERE trap LIKE '%evil_camp%' ORDER BY trap COLLATE "C";
DROP SCHEMA evil_camp CASCADE;

-- Every SQL and PL/pgSQL function of campmon runs with search_path
-- pg_catalog, pg_temp; the procedure run_plan cannot (transaction control)
-- and schema-qualifies its operators instead; the C functions that run SQL
-- (start_plan, cancel_run, the worker) set that search_path themselves.
-- No function is SECURITY DEFINER.
SELECT p.oid::regprocedure AS without_fixed_search_path, l.lanname, p.prokind
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'campmon'::regnamespace
  AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)
ORDER BY l.lanname, p.oid::regprocedure::text;   -- by name, not creation order
SELECT count(*) AS security_definer_without_search_path FROM pg_proc
WHERE pronamespace = 'campmon'::regnamespace AND prosecdef
  AND NOT coalesce(array_to_string(proconfig, ',') LIKE '%search_path=%', false);
SELECT count(*) AS security_definer FROM pg_proc WHERE pronamespace = 'campmon'::regnamespace AND prosecdef;

-- still connected, nothing left behind
SELECT 1 AS alive;
DROP OPERATOR public.= (text, text);
DROP FUNCTION public.texteq_trap(text, text), public.jsonb_build_object(text, text, text, integer, text, integer, text, integer),
              public.quote_ident(name), public.format(text, text, text), public.format(text, name, name), public.lower(name);
REVOKE CREATE ON SCHEMA public FROM regress_ho_evil;
DELETE FROM campmon.work_table_rule WHERE rule = 'ho_rule';
DROP SCHEMA evil, ho, ho_work, "Ho Work", "Ho ""Odd""; Schema" CASCADE;
DROP TABLE ho_temp;
DROP ROLE regress_ho_admin, regress_ho_reader, regress_ho_evil;
