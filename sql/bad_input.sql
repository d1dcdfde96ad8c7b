--
-- bad_input: every wrong argument gets a clear error with its SQLSTATE and
-- a hint; nothing crashes.  One row per case: the call, then what it said.
--
CREATE VIEW bi_view AS SELECT 1 AS x;
CREATE MATERIALIZED VIEW bi_matview AS SELECT 1 AS x;
CREATE SEQUENCE bi_seq;
CREATE TABLE bi_table (id int PRIMARY KEY);
CREATE TABLE bi_parted (id int, ts date) PARTITION BY RANGE (ts);
CREATE TABLE bi_parted_2026 PARTITION OF bi_parted FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX bi_parted_idx ON bi_parted (id);
CREATE FOREIGN DATA WRAPPER bi_fdw;
CREATE SERVER bi_server FOREIGN DATA WRAPPER bi_fdw;
CREATE FOREIGN TABLE bi_foreign (id int) SERVER bi_server;
CREATE TYPE bi_type AS (a int, b text);

CREATE FUNCTION outcome(call text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    msg text; hint text; state text;
BEGIN
    EXECUTE call;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
    RETURN state || ': ' || regexp_replace(msg, 'OID \d+', 'OID <n>')
        || CASE WHEN hint <> '' THEN E'\n  HINT: ' || hint ELSE '' END;
END $$;

SELECT c.call, outcome(c.call)
FROM (VALUES
    ($$SELECT campmon.table_bloat('bi_table', 'fast')$$),
    ($$SELECT campmon.table_bloat('bi_table', 'EXACT')$$),
    ($$SELECT campmon.table_bloat('bi_table', NULL)$$),
    ($$SELECT campmon.table_bloat(NULL)$$),
    ($$SELECT campmon.table_bloat('bi_table', 'sampled', 0)$$),
    ($$SELECT campmon.table_bloat('bi_table', 'sampled', -5)$$),
    ($$SELECT campmon.table_bloat('bi_table', 'exact', 100)$$),
    ($$SELECT campmon.table_bloat('bi_table', 'sampled', 2147483647)$$),
    ($$SELECT campmon.table_bloat('bi_view')$$),
    ($$SELECT campmon.table_bloat('bi_matview')$$),
    ($$SELECT campmon.table_bloat('bi_seq')$$),
    ($$SELECT campmon.table_bloat('bi_table_pkey')$$),
    ($$SELECT campmon.table_bloat('bi_parted')$$),
    ($$SELECT campmon.table_bloat('bi_parted_idx')$$),
    ($$SELECT campmon.table_bloat('bi_foreign')$$),
    ($$SELECT campmon.table_bloat('bi_type')$$),
    ($$SELECT campmon.table_bloat('bi_parted_2026')$$),
    ($$SELECT campmon.table_bloat(0)$$),
    ($$SELECT campmon.table_bloat(4294967295)$$),
    ($$SELECT campmon.table_bloat('no_such_table')$$),
    ($$SELECT campmon.table_bloat('bi_table'::regclass, 'stats', NULL)$$),
    ($$SELECT campmon.try_table_bloat(0)$$),
    ($$SELECT campmon.try_table_bloat('bi_view'::regclass, 'fast')$$),
    ($$SELECT campmon.index_bloat('bi_table_pkey', 'fast')$$),
    ($$SELECT campmon.index_bloat('bi_table_pkey', 'approx')$$),
    ($$SELECT campmon.index_bloat('bi_table_pkey', NULL)$$),
    ($$SELECT campmon.index_bloat(NULL)$$),
    ($$SELECT campmon.index_bloat('bi_table_pkey', 'sampled', 0)$$),
    ($$SELECT campmon.index_bloat('bi_table_pkey', 'stats', 10)$$),
    ($$SELECT campmon.index_bloat('bi_table')$$),
    ($$SELECT campmon.index_bloat('bi_view')$$),
    ($$SELECT campmon.index_bloat('bi_seq')$$),
    ($$SELECT campmon.index_bloat('bi_parted_idx')$$),
    ($$SELECT campmon.index_bloat('bi_parted')$$),
    ($$SELECT campmon.index_bloat(0)$$),
    ($$SELECT campmon.index_bloat('bi_table_pkey', 'sampled', 2147483647)$$),
    ($$SELECT campmon.try_index_bloat(0)$$),
    ($$SELECT campmon.try_index_bloat('bi_table'::regclass)$$)
) c(call);

-- try_table_bloat: no row (and no error) for what table_bloat rejects
SELECT t AS rel, (SELECT count(*) FROM campmon.try_table_bloat(t)) AS rows
FROM unnest('{bi_view,bi_matview,bi_seq,bi_table_pkey,bi_parted,bi_foreign,bi_type}'::regclass[]) t;
SELECT t AS rel, (SELECT count(*) FROM campmon.try_index_bloat(t)) AS rows
FROM unnest('{bi_table,bi_view,bi_seq,bi_parted_idx,bi_parted}'::regclass[]) t;
SELECT (SELECT count(*) FROM campmon.try_table_bloat(0)) AS rows_for_missing,
       (SELECT count(*) FROM campmon.try_table_bloat(NULL)) AS rows_for_null,
       (SELECT count(*) FROM campmon.try_table_bloat('bi_table'::regclass)) AS rows_for_table;

-- the errors as psql shows them, with detail and hint
\set VERBOSITY default
SELECT * FROM campmon.table_bloat('bi_parted');
SELECT * FROM campmon.table_bloat('bi_view');
SELECT * FROM campmon.table_bloat('bi_table', 'fast');
SELECT * FROM campmon.index_bloat('bi_table');
SELECT * FROM campmon.table_bloat('bi_table_pkey');
