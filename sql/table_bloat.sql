--
-- table_bloat, exact mode: equal to pgstattuple on quiescent tables
--
-- Fixtures: deterministic data, autovacuum off so that nothing changes
-- them between the two measurements.
CREATE TABLE fx_narrow (id int, v int) WITH (autovacuum_enabled = false);
INSERT INTO fx_narrow SELECT g, g % 97 FROM generate_series(1, 50000) g;
DELETE FROM fx_narrow WHERE id % 3 = 0;

CREATE TABLE fx_mixed (id int, note text, ts timestamp) WITH (autovacuum_enabled = false);
INSERT INTO fx_mixed
SELECT g, repeat(md5(g::text), g % 7), timestamp '2026-01-01' + g * interval '1 minute'
FROM generate_series(1, 30000) g;
UPDATE fx_mixed SET note = note || 'x' WHERE id % 5 = 0;
DELETE FROM fx_mixed WHERE id BETWEEN 1 AND 9000;      -- purge of the oldest rows

CREATE TABLE fx_ff70 (id bigint, status smallint, label varchar(40))
    WITH (fillfactor = 70, autovacuum_enabled = false);
INSERT INTO fx_ff70 SELECT g, g % 5, 'delivery ' || g FROM generate_series(1, 20000) g;
UPDATE fx_ff70 SET status = status + 1 WHERE id % 2 = 0;

-- TOAST: incompressible 6 kB values, a third of them deleted
CREATE TABLE fx_toast (id int, doc text) WITH (autovacuum_enabled = false);
ALTER TABLE fx_toast ALTER COLUMN doc SET STORAGE EXTERNAL;
INSERT INTO fx_toast
SELECT g, (SELECT string_agg(md5((g * 1000 + k)::text), '') FROM generate_series(1, 190) k)
FROM generate_series(1, 300) g;
DELETE FROM fx_toast WHERE id % 3 = 0;

CREATE TABLE fx_empty (id int);

-- pgstattuple's own scan may prune HOT chains (heap_page_prune_opt); one
-- call first settles the pages so that both functions read the same bytes.
SELECT count(pgstattuple(t))
FROM unnest('{fx_narrow,fx_mixed,fx_ff70,fx_toast,fx_empty,pg_class,pg_attribute,pg_type,pg_depend}'::regclass[]) t;

-- the fixtures have dead tuples and free space to find
SELECT t AS rel, p.dead_tuple_count > 0 AS has_dead, p.free_space > 0 AS has_free
FROM unnest('{fx_narrow,fx_mixed,fx_ff70,fx_toast}'::regclass[]) t, pgstattuple(t) p;

SELECT t AS rel,
       c.method, c.is_estimate,
       c.table_bytes = p.table_len AS table_len,
       c.live_rows = p.tuple_count AS tuple_count,
       c.live_bytes = p.tuple_len AS tuple_len,
       c.dead_rows = p.dead_tuple_count AS dead_tuple_count,
       c.dead_bytes = p.dead_tuple_len AS dead_tuple_len,
       c.free_bytes = p.free_space AS free_space,
       c.scanned_pages = c.total_pages AS read_all
FROM unnest('{fx_narrow,fx_mixed,fx_ff70,fx_toast,fx_empty}'::regclass[]) t,
     campmon.table_bloat(t, 'exact') c, pgstattuple(t) p;

-- the TOAST relation is measured exactly too, and reported in its columns
SELECT c.toast_relid = (SELECT reltoastrelid FROM pg_class WHERE oid = 'fx_toast'::regclass)::regclass AS toast_relid,
       c.toast_method,
       c.toast_bytes = p.table_len AS table_len,
       c.toast_live_bytes = p.tuple_len AS tuple_len,
       c.toast_dead_bytes = p.dead_tuple_len AS dead_tuple_len,
       c.toast_free_bytes = p.free_space AS free_space,
       c.toast_dead_bytes > 0 AS has_dead
FROM campmon.table_bloat('fx_toast', 'exact') c,
     pgstattuple((SELECT reltoastrelid FROM pg_class WHERE oid = 'fx_toast'::regclass)) p;

-- a TOAST table can be passed directly
SELECT method, live_bytes > 0 AS has_rows, toast_relid IS NULL AS no_toast_of_its_own
FROM campmon.table_bloat((SELECT reltoastrelid FROM pg_class WHERE oid = 'fx_toast'::regclass), 'exact');

-- an empty table: every figure 0, no division by zero, in every mode
SELECT m.mode, c.method, c.table_bytes, c.scanned_pages, c.live_rows, c.dead_rows,
       c.free_bytes, c.min_bytes, c.bloat_bytes, c.bloat_pct
FROM unnest('{exact,approx,sampled,stats,auto}'::text[]) m(mode),
     campmon.table_bloat('fx_empty', m.mode) c;

-- the derived figures follow their definitions
SELECT t AS rel,
       c.bloat_bytes = c.table_bytes - c.min_bytes AS bloat_is_table_less_min,
       c.bloat_pct = round(100.0 * c.bloat_bytes / c.table_bytes, 2) AS pct_definition,
       c.min_bytes % 8192 = 0 AS whole_pages,
       c.fillfactor
FROM unnest('{fx_narrow,fx_mixed,fx_ff70,fx_toast}'::regclass[]) t,
     campmon.table_bloat(t, 'exact') c;

-- rows inserted or deleted by a transaction in progress count as
-- pgstattuple counts them (dirty snapshot): inserted ones as live
BEGIN;
INSERT INTO fx_narrow SELECT g, 0 FROM generate_series(1, 100) g;
SELECT c.live_rows = p.tuple_count AS same_live, c.dead_rows = p.dead_tuple_count AS same_dead
FROM campmon.table_bloat('fx_narrow', 'exact') c, pgstattuple('fx_narrow') p;
ROLLBACK;

-- a temporary table of our own session is measured from local buffers
CREATE TEMP TABLE fx_temp AS SELECT g AS id FROM generate_series(1, 1000) g;
DELETE FROM fx_temp WHERE id <= 500;
SELECT c.live_rows = p.tuple_count AS live, c.dead_rows = p.dead_tuple_count AS dead,
       c.free_bytes = p.free_space AS free
FROM campmon.table_bloat('fx_temp', 'exact') c, pgstattuple('fx_temp') p;

-- system catalogs (work-table churn bloats them in Campaign)
SELECT t AS rel, c.method, c.live_rows = p.tuple_count AS tuple_count, c.free_bytes = p.free_space AS free_space
FROM unnest('{pg_class,pg_attribute,pg_type,pg_depend}'::regclass[]) t,
     campmon.table_bloat(t, 'exact') c, pgstattuple(t) p;
