--
-- min_bytes: the size a table takes right after VACUUM FULL, checked
-- against a real VACUUM FULL (DESIGN: within 5%)
--
SET campmon.sample_seed = 7;

CREATE TABLE vf_ints (a int, b int, c bigint) WITH (autovacuum_enabled = false);
INSERT INTO vf_ints SELECT g, g % 13, g * 3 FROM generate_series(1, 60000) g;
DELETE FROM vf_ints WHERE a % 4 <> 0;                          -- 75% deleted

CREATE TABLE vf_text (id int, name text, city varchar(30), note text)
    WITH (autovacuum_enabled = false);
INSERT INTO vf_text
SELECT g, 'name ' || repeat('x', g % 60),
       CASE WHEN g % 3 = 0 THEN NULL ELSE 'city' || (g % 100) END,
       CASE WHEN g % 5 = 0 THEN repeat(md5(g::text), 1 + g % 20) END
FROM generate_series(1, 40000) g;
UPDATE vf_text SET name = name || '!' WHERE id % 2 = 0;
DELETE FROM vf_text WHERE id < 15000;                          -- purge by age

CREATE TABLE vf_ff80 (id bigint, status smallint, label varchar(40))
    WITH (fillfactor = 80, autovacuum_enabled = false);
INSERT INTO vf_ff80 SELECT g, g % 5, 'part ' || g FROM generate_series(1, 30000) g;
UPDATE vf_ff80 SET status = 9;                                 -- every row moves

CREATE TABLE vf_toast (id int, doc text) WITH (autovacuum_enabled = false);
ALTER TABLE vf_toast ALTER COLUMN doc SET STORAGE EXTERNAL;
INSERT INTO vf_toast
SELECT g, (SELECT string_agg(md5((g * 1000 + k)::text), '') FROM generate_series(1, 60 + g % 200) k)
FROM generate_series(1, 400) g;
DELETE FROM vf_toast WHERE id % 2 = 0;

CREATE TEMP TABLE predicted AS
SELECT t AS rel, e.min_bytes AS exact_min, s.min_bytes AS sampled_min,
       e.toast_min_bytes AS toast_min, e.bloat_pct > 20 AS bloated
FROM unnest('{vf_ints,vf_text,vf_ff80,vf_toast}'::regclass[]) t,
     campmon.table_bloat(t, 'exact') e,
     campmon.table_bloat(t, 'sampled', 40) s;

VACUUM FULL vf_ints;
VACUUM FULL vf_text;
VACUUM FULL vf_ff80;
VACUUM FULL vf_toast;

-- exact mode replays VACUUM FULL's page filling: equal on a quiescent table
SELECT p.rel, p.bloated,
       p.exact_min = pg_relation_size(p.rel) AS exact_equal,
       abs(p.exact_min::numeric / pg_relation_size(p.rel) - 1) <= 0.05 AS exact_within_5pct,
       abs(p.sampled_min::numeric / pg_relation_size(p.rel) - 1) <= 0.05 AS sampled_within_5pct
FROM predicted p ORDER BY 1;

-- the TOAST relation's min_bytes against its size after the rewrite
SELECT abs(p.toast_min::numeric / pg_relation_size(c.reltoastrelid) - 1) <= 0.05 AS toast_within_5pct
FROM predicted p JOIN pg_class c ON c.oid = p.rel WHERE p.rel = 'vf_toast'::regclass;

-- right after VACUUM FULL nothing is left to reclaim
SELECT t AS rel, bloat_bytes, bloat_pct
FROM unnest('{vf_ints,vf_text,vf_ff80,vf_toast}'::regclass[]) t, campmon.table_bloat(t, 'exact');
