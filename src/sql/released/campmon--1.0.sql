/* campmon--1.0.sql: generated from src/sql/ by the Makefile -- do not edit */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION campmon" to load this file. \quit

-- ==== src/sql/roles.sql

/*
 * roles.sql -- campmon's two roles and the schema's privileges.
 *
 * campmon_reader reads the views, the measurement functions and the
 * history; campmon_admin is a reader that may also plan, run and edit the
 * configuration.  PUBLIC gets nothing; members of pg_monitor read.  Every
 * later file grants its own objects to these roles, right after them.
 */

-- Roles are cluster-wide: create them once, keep them when the extension is
-- dropped (other databases of the cluster may use them).
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'campmon_reader') THEN
        CREATE ROLE campmon_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'campmon_admin') THEN
        CREATE ROLE campmon_admin NOLOGIN;
    END IF;
    IF NOT pg_catalog.pg_has_role('campmon_admin', 'campmon_reader', 'MEMBER') THEN
        GRANT campmon_reader TO campmon_admin;
    END IF;
END
$roles$;

COMMENT ON ROLE campmon_reader IS 'campmon: may read campmon''s views and call its measurement functions';
COMMENT ON ROLE campmon_admin IS 'campmon: campmon_reader, and may plan and run maintenance';

REVOKE ALL ON SCHEMA campmon FROM PUBLIC;
GRANT USAGE ON SCHEMA campmon TO campmon_reader, pg_monitor;

-- ==== src/sql/helpers.sql

/*
 * helpers.sql -- small functions the other files use: the library's
 * version, durations and counts for messages, campmon's settings read as intervals,
 * Campaign's "now", and the pattern helpers of the configuration tables
 * (literal prefix, LIKE prefix, owner id in a work-table name, regex check),
 * and how a bloat figure is judged against a threshold (a sample by its
 * interval).
 */

CREATE OR REPLACE FUNCTION campmon.version() RETURNS text
AS 'MODULE_PATHNAME', 'campmon_version'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION campmon.version() IS 'Version of the campmon library';

REVOKE ALL ON FUNCTION campmon.version() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.version() TO campmon_reader, pg_monitor;

-- A duration for messages: "5 days 2 h", "3 h 20 min", "12 min".
CREATE OR REPLACE FUNCTION campmon._human(i interval) RETURNS text
AS 'MODULE_PATHNAME', 'campmon_human'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

REVOKE ALL ON FUNCTION campmon._human(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._human(interval) TO campmon_reader, pg_monitor;

-- A count with its noun in the right number, for messages: "1 work table",
-- "2 work tables", "1 delivery" / "3 deliveries" (plural given when not
-- the singular plus s).
CREATE OR REPLACE FUNCTION campmon._count(n numeric, singular text, plural text DEFAULT NULL) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT n::text || ' ' || CASE WHEN n = 1 THEN singular ELSE coalesce(plural, singular || 's') END
$$;

REVOKE ALL ON FUNCTION campmon._count(numeric,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._count(numeric,text,text) TO campmon_reader, pg_monitor;

-- A campmon GUC counted in seconds (loads the library so that it exists).
CREATE OR REPLACE FUNCTION campmon._seconds(name text) RETURNS interval
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM campmon.version();
    RETURN make_interval(secs => (SELECT setting::double precision FROM pg_settings s WHERE s.name = $1));
END $$;

REVOKE ALL ON FUNCTION campmon._seconds(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._seconds(text) TO campmon_reader, pg_monitor;

-- "Now" for Campaign dates: campmon.reference_time when set.
CREATE OR REPLACE FUNCTION campmon._reference_time() RETURNS timestamptz
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM campmon.version();
    RETURN coalesce(nullif(current_setting('campmon.reference_time'), '')::timestamptz, now());
END $$;

REVOKE ALL ON FUNCTION campmon._reference_time() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._reference_time() TO campmon_reader, pg_monitor;

-- The literal prefix of a pattern (C: the rule family_of uses).
CREATE OR REPLACE FUNCTION campmon._literal_prefix(pattern text) RETURNS text
AS 'MODULE_PATHNAME', 'campmon_literal_prefix'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

REVOKE ALL ON FUNCTION campmon._literal_prefix(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._literal_prefix(text) TO campmon_reader, pg_monitor;

-- A LIKE pattern for the names a regex with that literal prefix can match.
CREATE OR REPLACE FUNCTION campmon._like_prefix(pattern text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT replace(campmon._literal_prefix(pattern), '_', '\_') || '%' $$;

ALTER FUNCTION campmon._like_prefix(text) SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION campmon._like_prefix(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._like_prefix(text) TO campmon_reader, pg_monitor;

-- The owner id in a work-table name: the pattern's first group, if 1 to 18
-- digits (C: called for every work table and rule).
CREATE OR REPLACE FUNCTION campmon._match_id(name text, pattern text, prefix text) RETURNS bigint
AS 'MODULE_PATHNAME', 'campmon_match_id'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

REVOKE ALL ON FUNCTION campmon._match_id(text,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._match_id(text,text,text) TO campmon_reader, pg_monitor;

-- A pattern the regex engine accepts (the configuration tables check theirs).
CREATE OR REPLACE FUNCTION campmon._valid_regex(pattern text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$ SELECT ('' ~ pattern) IS NOT NULL $$;

ALTER FUNCTION campmon._valid_regex(text) SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION campmon._valid_regex(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._valid_regex(text) TO campmon_reader, pg_monitor;

-- What a bloat figure is judged by (the checks, checks/bloat.sql, and the
-- plan's thresholds, plan.sql and plan/reindex.sql): a sampled one (method 'sampled') by the
-- low end of its 95% interval, so that a single draw near a threshold does
-- not decide an alert; any other by the figure itself (exact and approx
-- read every page, stats has no interval).  note is what the message adds
-- when a threshold lies within the interval.
CREATE OR REPLACE FUNCTION campmon._bloat_judged(method text, pct double precision, low double precision,
                                                 high double precision, warn_pct numeric, crit_pct numeric,
                                                 OUT sure_pct double precision, OUT note text)
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE WHEN method = 'sampled' AND low IS NOT NULL THEN least(low, pct) ELSE pct END,
       CASE WHEN method = 'sampled' AND low IS NOT NULL AND high IS NOT NULL
                 AND ((low < warn_pct AND high >= warn_pct) OR (low < crit_pct AND high >= crit_pct))
            THEN format('; the %s%% threshold lies within the sample''s 95%% interval (%s-%s%%): judged by its low end (mode exact reads every page)',
                        CASE WHEN low < warn_pct AND high >= warn_pct THEN warn_pct ELSE crit_pct END,
                        round(low::numeric, 1), round(high::numeric, 1))
            ELSE '' END
$$;

REVOKE ALL ON FUNCTION campmon._bloat_judged(text, double precision, double precision, double precision, numeric, numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._bloat_judged(text, double precision, double precision, double precision, numeric, numeric) TO campmon_reader, pg_monitor;

-- ==== src/sql/tablespace.sql

/*
 * tablespace.sql -- the file system under a tablespace (tablespace.c):
 * total, free and available bytes.  The snapshots record it (days_to_full,
 * the tablespace_filling check); anything that must know whether a rewrite
 * fits may ask it.
 */

CREATE OR REPLACE FUNCTION campmon.tablespace_space(
    spc oid,
    OUT total_bytes bigint,
    OUT free_bytes bigint,
    OUT available_bytes bigint)
AS 'MODULE_PATHNAME', 'campmon_tablespace_space'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION campmon.tablespace_space(oid) IS
'Total, free and available (to the server, not root) bytes of the file system under a tablespace, by statvfs() of its directory';

REVOKE ALL ON FUNCTION campmon.tablespace_space(oid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.tablespace_space(oid) TO campmon_reader, pg_monitor;

-- ==== src/sql/freeze.sql

/*
 * freeze.sql -- which tables need freezing, and why: a table's
 * transaction-ID age (age(relfrozenxid)) or multixact age
 * (mxid_age(relminmxid)), or its TOAST table's, past campmon.freeze_age_pct
 * of the age at which autovacuum must freeze it -- autovacuum_freeze_max_age
 * and autovacuum_multixact_freeze_max_age, or the table's own lower value
 * in its reloptions (a TOAST table's toast.* ones).  plan() freezes them
 * (VACUUM (FREEZE) freezes the table and its TOAST table) before an
 * anti-wraparound autovacuum does it at the worst time (PostgreSQL,
 * "Routine Vacuuming", "Preventing Transaction ID Wraparound Failures",
 * "Multixacts and Wraparound").
 */

-- A table's own value of a storage parameter (an autovacuum setting in
-- its reloptions; a TOAST table's are its toast.* ones), or NULL
CREATE OR REPLACE FUNCTION campmon._reloption(reloptions text[], option text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT o.option_value FROM pg_options_to_table(reloptions) o WHERE o.option_name = option LIMIT 1 $$;

REVOKE ALL ON FUNCTION campmon._reloption(text[],text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._reloption(text[],text) TO campmon_reader, pg_monitor;

-- The tables (ordinary and materialized views, not temporary: autovacuum
-- and campmon cannot reach another session's) past campmon.freeze_age_pct
-- of one of their freeze ages, each with every reason in words.  One
-- narrow pass of pg_class; names, TOAST tables and reloptions only for the
-- few that may need it.
CREATE OR REPLACE FUNCTION campmon._freeze_needed(freeze_pct numeric)
RETURNS TABLE (relid oid, reason text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH g AS MATERIALIZED (
    -- the settings and the global limits, computed once (not per relation)
    SELECT current_setting('autovacuum_freeze_max_age')::bigint AS xmax,
           current_setting('autovacuum_multixact_freeze_max_age')::bigint AS mmax,
           floor(freeze_pct / 100 * current_setting('autovacuum_freeze_max_age')::bigint)::bigint AS xlim,
           floor(freeze_pct / 100 * current_setting('autovacuum_multixact_freeze_max_age')::bigint)::bigint AS mlim
),
-- the few that may need it, in one pass of pg_class (50,000 relations at
-- Campaign): past the global ages, or with an age of their own in their
-- reloptions
cand AS MATERIALIZED (
    SELECT c.oid, c.relkind FROM pg_class c CROSS JOIN g
    WHERE c.relkind IN ('r', 'm', 't') AND c.relpersistence <> 't'
      AND (c.reloptions IS NOT NULL OR age(c.relfrozenxid) > g.xlim OR mxid_age(c.relminmxid) > g.mlim)
),
-- their tables: a candidate table, the table of a candidate TOAST table
-- (pg_class read again only when there is one)
tabs AS (
    SELECT cand.oid FROM cand WHERE cand.relkind IN ('r', 'm')
    UNION
    SELECT p.oid FROM pg_class p
    WHERE EXISTS (SELECT FROM cand WHERE cand.relkind = 't')
      AND p.reltoastrelid IN (SELECT cand.oid FROM cand WHERE cand.relkind = 't')
),
c AS (
    -- their TOAST tables looked up by OID (a join hashed all of pg_class)
    SELECT c.oid, c.reloptions AS opts, age(c.relfrozenxid)::bigint AS xa, mxid_age(c.relminmxid)::bigint AS ma,
           (SELECT t.reloptions FROM pg_class t WHERE t.oid = c.reltoastrelid) AS topts,
           (SELECT age(t.relfrozenxid)::bigint FROM pg_class t WHERE t.oid = c.reltoastrelid) AS txa,
           (SELECT mxid_age(t.relminmxid)::bigint FROM pg_class t WHERE t.oid = c.reltoastrelid) AS tma
    FROM pg_class c WHERE c.oid IN (SELECT tabs.oid FROM tabs)
),
l AS (
    SELECT c.*,
           CASE WHEN c.opts IS NULL THEN g.xmax ELSE least(g.xmax, campmon._reloption(c.opts, 'autovacuum_freeze_max_age')::bigint) END AS xl,
           CASE WHEN c.opts IS NULL THEN g.mmax ELSE least(g.mmax, campmon._reloption(c.opts, 'autovacuum_multixact_freeze_max_age')::bigint) END AS ml,
           CASE WHEN c.topts IS NULL THEN g.xmax ELSE least(g.xmax, campmon._reloption(c.topts, 'autovacuum_freeze_max_age')::bigint) END AS txl,
           CASE WHEN c.topts IS NULL THEN g.mmax ELSE least(g.mmax, campmon._reloption(c.topts, 'autovacuum_multixact_freeze_max_age')::bigint) END AS tml,
           g.xmax, g.mmax
    FROM c CROSS JOIN g
)
SELECT l.oid,
       concat_ws('; ',
           CASE WHEN l.xa > freeze_pct / 100 * l.xl
                THEN format('transaction id age %s is past %s%% of %s (%s)', l.xa, freeze_pct,
                            CASE WHEN l.xl < l.xmax THEN 'its own autovacuum_freeze_max_age' ELSE 'autovacuum_freeze_max_age' END, l.xl) END,
           CASE WHEN l.txa > freeze_pct / 100 * l.txl
                THEN format('its TOAST table''s transaction id age %s is past %s%% of %s (%s)', l.txa, freeze_pct,
                            CASE WHEN l.txl < l.xmax THEN 'its own autovacuum_freeze_max_age' ELSE 'autovacuum_freeze_max_age' END, l.txl) END,
           CASE WHEN l.ma > freeze_pct / 100 * l.ml
                THEN format('multixact age %s is past %s%% of %s (%s)', l.ma, freeze_pct,
                            CASE WHEN l.ml < l.mmax THEN 'its own autovacuum_multixact_freeze_max_age' ELSE 'autovacuum_multixact_freeze_max_age' END, l.ml) END,
           CASE WHEN l.tma > freeze_pct / 100 * l.tml
                THEN format('its TOAST table''s multixact age %s is past %s%% of %s (%s)', l.tma, freeze_pct,
                            CASE WHEN l.tml < l.mmax THEN 'its own autovacuum_multixact_freeze_max_age' ELSE 'autovacuum_multixact_freeze_max_age' END, l.tml) END)
       || ': freeze before an anti-wraparound vacuum does it at the worst time'
FROM l
WHERE l.xa > freeze_pct / 100 * l.xl OR l.txa > freeze_pct / 100 * l.txl
   OR l.ma > freeze_pct / 100 * l.ml OR l.tma > freeze_pct / 100 * l.tml $$;

REVOKE ALL ON FUNCTION campmon._freeze_needed(numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._freeze_needed(numeric) TO campmon_reader, pg_monitor;

-- ==== src/sql/measure.sql

/*
 * measure.sql -- the measurement functions: table_bloat and index_bloat
 * (one relation, any mode; C in table_bloat.c, index_bloat.c), their
 * try_ variants that return no row for a relation that vanished, and the
 * lock-free relation-file facts (last write, total bytes) the listings,
 * the plan and the history use.
 */

CREATE OR REPLACE FUNCTION campmon.table_bloat(
    rel regclass,
    mode text DEFAULT 'auto',
    sample_pages integer DEFAULT NULL,
    OUT relid regclass,
    OUT method text,
    OUT is_estimate boolean,
    OUT fillfactor integer,
    OUT table_bytes bigint,
    OUT total_pages bigint,
    OUT scanned_pages bigint,
    OUT live_rows bigint,
    OUT dead_rows bigint,
    OUT live_bytes bigint,
    OUT dead_bytes bigint,
    OUT free_bytes bigint,
    OUT min_bytes bigint,
    OUT bloat_bytes bigint,
    OUT bloat_pct numeric,
    OUT bloat_pct_low numeric,
    OUT bloat_pct_high numeric,
    OUT toast_relid regclass,
    OUT toast_method text,
    OUT toast_bytes bigint,
    OUT toast_scanned_pages bigint,
    OUT toast_live_bytes bigint,
    OUT toast_dead_bytes bigint,
    OUT toast_free_bytes bigint,
    OUT toast_min_bytes bigint,
    OUT toast_bloat_bytes bigint,
    OUT toast_bloat_pct numeric,
    OUT basis text)
RETURNS record
AS 'MODULE_PATHNAME', 'campmon_table_bloat'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION campmon.table_bloat(regclass, text, integer) IS
'Bloat of one table and its TOAST relation; mode auto, exact, approx, sampled or stats';

REVOKE ALL ON FUNCTION campmon.table_bloat(regclass,text,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.table_bloat(regclass,text,integer) TO campmon_reader, pg_monitor;

-- Same row, but NULL (no error) for a relation that is gone, is not a
-- table, is another session's temporary table or may not be measured by
-- the caller.  For listings over pg_class, such as campmon.tables.
CREATE OR REPLACE FUNCTION campmon.try_table_bloat(
    rel regclass,
    mode text DEFAULT 'auto',
    sample_pages integer DEFAULT NULL)
RETURNS TABLE (
    relid regclass,
    method text,
    is_estimate boolean,
    fillfactor integer,
    table_bytes bigint,
    total_pages bigint,
    scanned_pages bigint,
    live_rows bigint,
    dead_rows bigint,
    live_bytes bigint,
    dead_bytes bigint,
    free_bytes bigint,
    min_bytes bigint,
    bloat_bytes bigint,
    bloat_pct numeric,
    bloat_pct_low numeric,
    bloat_pct_high numeric,
    toast_relid regclass,
    toast_method text,
    toast_bytes bigint,
    toast_scanned_pages bigint,
    toast_live_bytes bigint,
    toast_dead_bytes bigint,
    toast_free_bytes bigint,
    toast_min_bytes bigint,
    toast_bloat_bytes bigint,
    toast_bloat_pct numeric,
    basis text)
AS 'MODULE_PATHNAME', 'campmon_try_table_bloat'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE ROWS 1;

COMMENT ON FUNCTION campmon.try_table_bloat(regclass, text, integer) IS
'Like table_bloat, but no row instead of an error for relations that cannot be measured';

REVOKE ALL ON FUNCTION campmon.try_table_bloat(regclass,text,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.try_table_bloat(regclass,text,integer) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon.index_bloat(
    idx regclass,
    mode text DEFAULT 'auto',
    sample_pages integer DEFAULT NULL,
    OUT indexrelid regclass,
    OUT table_relid regclass,
    OUT access_method text,
    OUT method text,
    OUT is_estimate boolean,
    OUT is_valid boolean,
    OUT is_ready boolean,
    OUT fillfactor integer,
    OUT index_bytes bigint,
    OUT total_pages bigint,
    OUT scanned_pages bigint,
    OUT tree_level integer,
    OUT leaf_pages bigint,
    OUT internal_pages bigint,
    OUT empty_pages bigint,
    OUT deleted_pages bigint,
    OUT avg_leaf_density numeric,
    OUT avg_leaf_density_low numeric,
    OUT avg_leaf_density_high numeric,
    OUT leaf_fragmentation numeric,
    OUT leaf_fragmentation_low numeric,
    OUT leaf_fragmentation_high numeric,
    OUT leaf_items bigint,
    OUT min_bytes bigint,
    OUT bloat_bytes bigint,
    OUT bloat_pct numeric,
    OUT bloat_pct_low numeric,
    OUT bloat_pct_high numeric,
    OUT basis text)
RETURNS record
AS 'MODULE_PATHNAME', 'campmon_index_bloat'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION campmon.index_bloat(regclass, text, integer) IS
'Density, fragmentation and bloat of one B-tree index; mode auto, exact, sampled or stats';

REVOKE ALL ON FUNCTION campmon.index_bloat(regclass,text,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.index_bloat(regclass,text,integer) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon.try_index_bloat(
    idx regclass,
    mode text DEFAULT 'auto',
    sample_pages integer DEFAULT NULL)
RETURNS TABLE (
    indexrelid regclass,
    table_relid regclass,
    access_method text,
    method text,
    is_estimate boolean,
    is_valid boolean,
    is_ready boolean,
    fillfactor integer,
    index_bytes bigint,
    total_pages bigint,
    scanned_pages bigint,
    tree_level integer,
    leaf_pages bigint,
    internal_pages bigint,
    empty_pages bigint,
    deleted_pages bigint,
    avg_leaf_density numeric,
    avg_leaf_density_low numeric,
    avg_leaf_density_high numeric,
    leaf_fragmentation numeric,
    leaf_fragmentation_low numeric,
    leaf_fragmentation_high numeric,
    leaf_items bigint,
    min_bytes bigint,
    bloat_bytes bigint,
    bloat_pct numeric,
    bloat_pct_low numeric,
    bloat_pct_high numeric,
    basis text)
AS 'MODULE_PATHNAME', 'campmon_try_index_bloat'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE ROWS 1;

COMMENT ON FUNCTION campmon.try_index_bloat(regclass, text, integer) IS
'Like index_bloat, but no row instead of an error for indexes that cannot be measured';

REVOKE ALL ON FUNCTION campmon.try_index_bloat(regclass,text,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.try_index_bloat(regclass,text,integer) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon.relation_last_write(rel regclass) RETURNS timestamptz
AS 'MODULE_PATHNAME', 'campmon_relation_last_write'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION campmon.relation_last_write(regclass) IS
'When the files of a relation were last written (NULL for a relation without files)';

REVOKE ALL ON FUNCTION campmon.relation_last_write(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.relation_last_write(regclass) TO campmon_reader, pg_monitor;

-- The facts of many relations, in one pass over pg_class.
CREATE OR REPLACE FUNCTION campmon._relation_files(relids regclass[])
RETURNS TABLE (relid oid, bytes bigint, last_write timestamptz)
AS 'MODULE_PATHNAME', 'campmon_relation_files'
LANGUAGE C VOLATILE PARALLEL SAFE;

REVOKE ALL ON FUNCTION campmon._relation_files(regclass[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._relation_files(regclass[]) TO campmon_reader, pg_monitor;

-- The size of a relation with its TOAST table and indexes, as
-- pg_total_relation_size, from the files and without a lock (0 once gone):
-- the run worker records it when each step starts and ends, and must not
-- wait behind a lock held on the target to do so.
CREATE OR REPLACE FUNCTION campmon._total_bytes(rel regclass) RETURNS bigint
AS 'MODULE_PATHNAME', 'campmon_total_bytes'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

REVOKE ALL ON FUNCTION campmon._total_bytes(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._total_bytes(regclass) TO campmon_reader, pg_monitor;


-- Size of a relation and everything that goes with it, 0 once it is gone.
CREATE OR REPLACE FUNCTION campmon._size_of(rel regclass) RETURNS bigint
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT coalesce(pg_total_relation_size(rel), 0) $$;

REVOKE ALL ON FUNCTION campmon._size_of(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._size_of(regclass) TO campmon_reader, pg_monitor;

-- ==== src/sql/campaign_config.sql

/*
 * campaign_config.sql -- Campaign knowledge as data: the configuration
 * tables a DBA may edit (families of tables, work-table rules, the labels
 * of owners' states, the cleanup's purge rules, the key sequences, the signs
 * of an instance's role, the technical workflows, the workflow options not
 * meant for production, Adobe's routine rebuild list).  Rows that come with the
 * extension (campaign_seeds.sql) have seeded = true and are not dumped;
 * rows a DBA adds are dumped with the database (pg_extension_config_dump)
 * and restored.  To change a seeded rule, add a row with a lower priority
 * number.
 */

CREATE TABLE campmon.family (
    family       text NOT NULL CHECK (family ~ '^[a-z_]+$'),
    pattern      text NOT NULL CHECK (campmon._valid_regex(pattern)),
    schema_name  text,
    priority     integer NOT NULL DEFAULT 100,
    high_churn   boolean NOT NULL DEFAULT false,
    description  text,
    seeded       boolean NOT NULL DEFAULT false,
    edited_by    name
);

COMMENT ON TABLE campmon.family IS
'Table families by name pattern (regular expression on the table name); first match by priority wins; schema_name NULL: any schema but pg_catalog, information_schema, pg_toast';

CREATE UNIQUE INDEX family_rule ON campmon.family (pattern, coalesce(schema_name, ''));

-- Who wrote a row that decides what a run may drop (campmon.family's
-- work-table and list patterns, campmon.work_table_rule): set on every
-- INSERT and UPDATE, whatever the statement says.  A row a non-superuser
-- wrote applies only to the tables that role could drop itself (it has the
-- privileges of their owner): configuration written by a less privileged
-- role never widens what a superuser's run drops (campmon._stale_tables).
-- Only a superuser may name another editor: a restore (pg_restore copies
-- the rows a DBA added, edited_by included) keeps who wrote them.
CREATE FUNCTION campmon._stamp_editor() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       OR NEW.edited_by IS NULL
       OR (TG_OP = 'UPDATE' AND NEW.edited_by IS NOT DISTINCT FROM OLD.edited_by) THEN
        NEW.edited_by := current_user;
    END IF;
    RETURN NEW;
END $$;

REVOKE ALL ON FUNCTION campmon._stamp_editor() FROM PUBLIC;

CREATE TRIGGER stamp_editor BEFORE INSERT OR UPDATE ON campmon.family
FOR EACH ROW EXECUTE FUNCTION campmon._stamp_editor();

SELECT pg_catalog.pg_extension_config_dump('campmon.family', 'WHERE NOT seeded');

REVOKE ALL ON campmon.family FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.family TO campmon_admin;
GRANT SELECT ON campmon.family TO campmon_reader, pg_monitor;

CREATE TABLE campmon.work_table_rule (
    rule            text PRIMARY KEY CHECK (rule ~ '^[a-z_]+$'),
    pattern         text NOT NULL CHECK (campmon._valid_regex(pattern)),
    owner_table     text NOT NULL,
    owner_noun      text NOT NULL,
    owner_key       text NOT NULL,
    state_column    text,
    deleted_column  text,
    failed_column   text,
    since_column    text,
    expires_column  text,
    exists_column   text,
    stale_states    integer[] NOT NULL DEFAULT '{}',
    suspect_states  integer[] NOT NULL DEFAULT '{}',
    missing_owner   text NOT NULL DEFAULT 'stale' CHECK (missing_owner IN ('stale', 'suspect', 'held')),
    held_advice     text,
    priority        integer NOT NULL DEFAULT 100,
    description     text,
    seeded          boolean NOT NULL DEFAULT false,
    edited_by       name
);

COMMENT ON TABLE campmon.work_table_rule IS
'Work tables and their owners: pattern is a regular expression on the table name whose first group is the owner id; the owner''s state decides the verdict.  Decision columns (owner_key, state_column, deleted_column, expires_column, exists_column) are required; failed_column and since_column only add to the reason';

COMMENT ON COLUMN campmon.work_table_rule.expires_column IS
'Owner date column: the owner is stale once it is at or before campmon''s "now" (lists: tsexpirationdate)';
COMMENT ON COLUMN campmon.work_table_rule.exists_column IS
'Owner column that must be greater than 0 for the owner row to count (lists: itype, as the cleanup''s orphan task); else judged as a missing owner';

COMMENT ON COLUMN campmon.work_table_rule.edited_by IS
'The role that last wrote the row (set by a trigger): a rule of a role that is not a superuser applies only to tables that role could drop itself';

CREATE TRIGGER stamp_editor BEFORE INSERT OR UPDATE ON campmon.work_table_rule
FOR EACH ROW EXECUTE FUNCTION campmon._stamp_editor();

SELECT pg_catalog.pg_extension_config_dump('campmon.work_table_rule', 'WHERE NOT seeded');

REVOKE ALL ON campmon.work_table_rule FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.work_table_rule TO campmon_admin;
GRANT SELECT ON campmon.work_table_rule TO campmon_reader, pg_monitor;

CREATE TABLE campmon.owner_state (
    owner_table  text NOT NULL,
    state_from   integer NOT NULL,
    state_to     integer NOT NULL,
    label        text NOT NULL,
    seeded       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (owner_table, state_from),
    CHECK (state_from <= state_to)
);

COMMENT ON TABLE campmon.owner_state IS 'Labels of the owners'' state codes';

SELECT pg_catalog.pg_extension_config_dump('campmon.owner_state', 'WHERE NOT seeded');

REVOKE ALL ON campmon.owner_state FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.owner_state TO campmon_admin;
GRANT SELECT ON campmon.owner_state TO campmon_reader, pg_monitor;

-- The cleanup's purges and deletions (Adobe, "Database cleanup workflow"),
-- one row per task and table pattern.  Two shapes: a date rule (date_column:
-- rows older than the delay should be gone; filter_* narrow the rows the
-- task deletes) and an orphan rule (key_column: rows whose key names no row
-- of parent_table should be gone).  Everything a rule names is an
-- identifier, an operator of a fixed list or a number: no SQL text comes
-- from this table.  A rule a non-superuser wrote (edited_by) applies only to
-- the tables that role may read itself.
CREATE TABLE campmon.purge_rule (
    rule                text PRIMARY KEY CHECK (rule ~ '^[a-z][a-z0-9_]*$'),
    pattern             text NOT NULL CHECK (campmon._valid_regex(pattern)),
    date_column         text,
    option_name         text,
    default_delay       interval NOT NULL DEFAULT '0',
    documented_default  interval,
    delay_table         text,
    delay_column        text,
    filter_columns      text[] NOT NULL DEFAULT '{}',
    filter_ops          text[] NOT NULL DEFAULT '{}' CHECK (filter_ops <@ '{=,<>,<,>,<=,>=}'),
    filter_values       bigint[] NOT NULL DEFAULT '{}',
    key_column          text,
    parent_table        text,
    parent_column       text,
    mapping_columns     text[],
    extra_schemas       text[] NOT NULL DEFAULT '{}',
    task                text NOT NULL,
    source              text NOT NULL,
    default_note        text,
    seeded              boolean NOT NULL DEFAULT false,
    edited_by           name,
    CHECK (cardinality(filter_columns) = cardinality(filter_ops) AND cardinality(filter_ops) = cardinality(filter_values)),
    CHECK ((date_column IS NOT NULL AND key_column IS NULL AND parent_table IS NULL AND parent_column IS NULL)
           OR (date_column IS NULL AND key_column IS NOT NULL AND parent_table IS NOT NULL AND parent_column IS NOT NULL
               AND option_name IS NULL AND delay_table IS NULL AND mapping_columns IS NULL)),
    CHECK ((delay_table IS NULL) = (delay_column IS NULL))
);

COMMENT ON TABLE campmon.purge_rule IS
'What Campaign''s cleanup deletes, per task: date rules (rows of the tables matching pattern older than the delay: the xtkoption option_name in seconds, else the largest delay_column of delay_table in days, else default_delay, never critical when assumed) and orphan rules (rows whose key_column names no row of parent_table).  Delivery and tracking logs are the tables nmsdeliverymapping names in mapping_columns (nms:broadLogRcp is table nmsbroadlogrcp) plus extra_schemas';

COMMENT ON COLUMN campmon.purge_rule.mapping_columns IS
'Columns of nmsdeliverymapping naming the purged schemas (NULL: tables found by pattern only)';
COMMENT ON COLUMN campmon.purge_rule.extra_schemas IS
'Schemas purged although no mapping names them (nms:broadLogMid, mid-sourcing)';
COMMENT ON COLUMN campmon.purge_rule.documented_default IS
'The default Adobe documents for the option (NULL: none documented; default_delay is then campmon''s assumption, said in the message)';
COMMENT ON COLUMN campmon.purge_rule.default_note IS
'Said in the message when the option is absent (why default_delay was assumed)';
COMMENT ON COLUMN campmon.purge_rule.delay_column IS
'Delay in days read from this column of delay_table (in the same schema): the largest value, so that no row is called late that one owner still keeps (workflow history, ihistory)';
COMMENT ON COLUMN campmon.purge_rule.filter_columns IS
'The task deletes only the rows where each filter_columns[i] filter_ops[i] filter_values[i] holds';
COMMENT ON COLUMN campmon.purge_rule.edited_by IS
'The role that last wrote the row (set by a trigger): a rule of a role that is not a superuser applies only to tables that role may read';

CREATE TRIGGER stamp_editor BEFORE INSERT OR UPDATE ON campmon.purge_rule
FOR EACH ROW EXECUTE FUNCTION campmon._stamp_editor();

SELECT pg_catalog.pg_extension_config_dump('campmon.purge_rule', 'WHERE NOT seeded');

REVOKE ALL ON campmon.purge_rule FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.purge_rule TO campmon_admin;
GRANT SELECT ON campmon.purge_rule TO campmon_reader, pg_monitor;

-- Sequences behind Campaign's keys, by name (Adobe, "Key management in
-- schemas": XtkNewId, NmsBroadLogId, NmsTrackingLogId, any pkSequence);
-- besides these, campmon finds the sequences a GetNew<Name>Ids function
-- names and those integer columns' defaults call (key_sequences.sql).
CREATE TABLE campmon.sequence_rule (
    pattern      text PRIMARY KEY CHECK (campmon._valid_regex(pattern)),
    key_type     text NOT NULL DEFAULT 'integer' CHECK (key_type IN ('smallint', 'integer', 'bigint')),
    description  text,
    source       text,
    seeded       boolean NOT NULL DEFAULT false,
    edited_by    name
);

COMMENT ON TABLE campmon.sequence_rule IS
'Key sequences by name (regular expression on the sequence name, in the work-table schemas) and the type of the keys they feed: Campaign''s keys are 32-bit integers';

CREATE TRIGGER stamp_editor BEFORE INSERT OR UPDATE ON campmon.sequence_rule
FOR EACH ROW EXECUTE FUNCTION campmon._stamp_editor();

SELECT pg_catalog.pg_extension_config_dump('campmon.sequence_rule', 'WHERE NOT seeded');

REVOKE ALL ON campmon.sequence_rule FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.sequence_rule TO campmon_admin;
GRANT SELECT ON campmon.sequence_rule TO campmon_reader, pg_monitor;

-- What tells a Campaign instance's role (roles.sql): a table holding rows,
-- a workflow (by internal name, or name prefix), an option.  A setting
-- (campmon.instance_roles) overrides the detection.
CREATE TABLE campmon.instance_role_sign (
    role         text NOT NULL CHECK (role IN ('marketing', 'execution', 'control', 'mid_sourcing')),
    kind         text NOT NULL CHECK (kind IN ('table_rows', 'workflow', 'workflow_prefix', 'option')),
    name         text NOT NULL,
    description  text,
    source       text NOT NULL,
    seeded       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (role, kind, name)
);

COMMENT ON TABLE campmon.instance_role_sign IS
'Signs of a Campaign instance role: a table with rows (pg_class.reltuples, no scan), a workflow of that internal name (or name prefix), an xtkoption of that name';

SELECT pg_catalog.pg_extension_config_dump('campmon.instance_role_sign', 'WHERE NOT seeded');

REVOKE ALL ON campmon.instance_role_sign FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.instance_role_sign TO campmon_admin;
GRANT SELECT ON campmon.instance_role_sign TO campmon_reader, pg_monitor;

-- Workflow options that are not meant for production (Adobe, "Workflow best
-- practices"): a column of xtkworkflow when the table has it, else the
-- attribute in the workflow's XML (mdata).
CREATE TABLE campmon.workflow_option (
    attribute    text PRIMARY KEY CHECK (attribute ~ '^[A-Za-z][A-Za-z0-9]*$'),
    column_name  text CHECK (column_name ~ '^[a-z][a-z0-9_]*$'),
    label        text NOT NULL,
    advice       text NOT NULL,
    source       text NOT NULL,
    seeded       boolean NOT NULL DEFAULT false
);

COMMENT ON TABLE campmon.workflow_option IS
'Workflow properties that must not be set on a production workflow: xtkworkflow.column_name <> 0 when the table has that column, else attribute="true" (or "1") in xtkworkflow.mdata';

SELECT pg_catalog.pg_extension_config_dump('campmon.workflow_option', 'WHERE NOT seeded');

REVOKE ALL ON campmon.workflow_option FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.workflow_option TO campmon_admin;
GRANT SELECT ON campmon.workflow_option TO campmon_reader, pg_monitor;

-- Adobe's routine VACUUM (FULL, ANALYZE) list ("RDBMS-specific
-- recommendations", PostgreSQL maintenance plan): plan() rewrites them from
-- campmon.bloat_warning_pct rather than bloat_critical_pct (REPACK when
-- pg_repack may, else VACUUM FULL with allow_blocking), smallest first,
-- never the delivery logs; a keep row for each that needs no rewrite.
CREATE TABLE campmon.routine_rebuild (
    table_name   text PRIMARY KEY CHECK (table_name ~ '^[a-z][a-z0-9_]*$'),
    source       text NOT NULL,
    seeded       boolean NOT NULL DEFAULT false,
    edited_by    name
);

COMMENT ON TABLE campmon.routine_rebuild IS
'Tables Adobe lists for a routine VACUUM (FULL, ANALYZE) (in each work-table schema that has them); a DBA may add the tables of their own data model that are much updated.  A row a non-superuser wrote applies only to the tables that role owns';

CREATE TRIGGER stamp_editor BEFORE INSERT OR UPDATE ON campmon.routine_rebuild
FOR EACH ROW EXECUTE FUNCTION campmon._stamp_editor();

SELECT pg_catalog.pg_extension_config_dump('campmon.routine_rebuild', 'WHERE NOT seeded');

REVOKE ALL ON campmon.routine_rebuild FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.routine_rebuild TO campmon_admin;
GRANT SELECT ON campmon.routine_rebuild TO campmon_reader, pg_monitor;

-- Campaign's technical workflows: what campmon.checks' technical_workflow
-- rows expect of each (a row per configured workflow).
CREATE TABLE campmon.technical_workflow (
    internal_name      text PRIMARY KEY,
    expected_period    interval NOT NULL CHECK (expected_period > interval '0'),
    severity           text NOT NULL DEFAULT 'warning' CHECK (severity IN ('warning', 'critical')),
    mid_sourcing_only  boolean NOT NULL DEFAULT false,
    roles              text[] CHECK (roles <@ '{marketing,execution,control,mid_sourcing}'),
    name_is_prefix     boolean NOT NULL DEFAULT false,
    description        text,
    source             text,
    seeded             boolean NOT NULL DEFAULT false
);

COMMENT ON TABLE campmon.technical_workflow IS
'Technical workflows (xtkworkflow.sinternalname) that must run: paused, stopped, in error, or without activity for twice expected_period gives a row of this severity; mid_sourcing_only ones are ok when not installed; roles: the instance roles that run it (NULL: every role); name_is_prefix: every workflow whose internal name starts with internal_name (mcSynch_<account>)';

SELECT pg_catalog.pg_extension_config_dump('campmon.technical_workflow', 'WHERE NOT seeded');

REVOKE ALL ON campmon.technical_workflow FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.technical_workflow TO campmon_admin;
GRANT SELECT ON campmon.technical_workflow TO campmon_reader, pg_monitor;

-- ==== src/sql/campaign_seeds.sql

/*
 * campaign_seeds.sql -- the seed rows of campaign_config.sql's tables:
 * Campaign Classic's defaults as Adobe documents them (README, "Where the
 * rules come from").
 */

INSERT INTO campmon.family (family, pattern, schema_name, priority, high_churn, description, seeded) VALUES
 ('broadlog',   '^nmsbroadlog',        NULL, 10, true,  'delivery logs: one row per message, purged by date', true),
 ('tracking',   '^nmstrackinglog',     NULL, 10, true,  'tracking logs: one row per open or click, purged by date', true),
 ('tracking',   '^nmstrackingurl',     NULL, 10, false, 'tracked URLs', true),
 ('configuration', '^nmsdeliverymapping$', NULL, 5, false, 'delivery mappings: which log tables a target population uses; few rows', true),
 ('delivery',   '^nmsdelivery',        NULL, 10, true,  'deliveries, their parts and statistics: few rows, frequent updates', true),
 ('delivery',   '^nmsmirrorpage',      NULL, 10, true,  'mirror pages of delivered messages (nmsmirrorpageinfo: mostly TOAST)', true),
 ('delivery',   '^nmsemailerrorstat',  NULL, 10, true,  'email error statistics: inserted, updated, aggregated and deleted by the cleanup', true),
 ('session',    '^xtksessioninfo$',    NULL, 10, true,  'user sessions: very many inserts and deletes', true),
 ('message_center', '^nms(rtevent|batchevent|eventhisto)', NULL, 10, true,
                'Message Center events: queued, updated as processed, purged (execution) or archived (control)', true),
 ('workflow',   '^xtkworkflow',        NULL, 10, true,  'workflow engine: workflows, tasks, jobs, events, logs', true),
 ('workflow',   '^xtkjob',             NULL, 10, true,  'jobs and their logs', true),
 ('recipient',  '^nmsaddress$',        NULL, 10, true,  'quarantined addresses', true),
 ('recipient',  '^nmsrecipient',       NULL, 10, false, 'recipients', true),
 ('work_table', '^wkf',                NULL, 20, false, 'workflow work tables (wkf<id>_..., wkfhisto<id>...)', true),
 ('work_table', '^wkdlv_',             NULL, 20, false, 'delivery work tables (wkdlv_<id>_<n>)', true),
 ('work_table', '^wksimu_',            NULL, 20, false, 'simulation work tables (wksimu_<id>_...)', true),
 ('list',       '^grp[0-9]+$',         NULL, 20, false, 'list tables (grp<groupId>)', true),
 ('catalog',    '^pg_(class|attribute|type|depend|statistic)$', 'pg_catalog', 10, true,
                'system catalogs that work-table churn bloats', true),
 ('catalog',    '.',                   'pg_catalog', 50, false, 'other system catalogs', true),
 ('campmon',    '.',                   'campmon', 5, false,
                'campmon''s own tables: the run history, the snapshots, the configuration (autovacuum''s: no plan maintains them, no report lists them as reclaimable)', true),
 ('catalog',    '.',                   'information_schema', 50, false, 'information schema', true);

INSERT INTO campmon.work_table_rule
 (rule, pattern, owner_table, owner_noun, owner_key, state_column, deleted_column, failed_column, since_column,
  expires_column, exists_column, stale_states, suspect_states, missing_owner, held_advice, priority, description, seeded) VALUES
 ('workflow_history', '^wkfhisto([0-9]+)', 'xtkworkflow', 'workflow', 'iworkflowid', 'istate', NULL, 'ifailed', 'tslastmodified', NULL, NULL,
  '{}', '{}', 'stale', 'it holds the incremental query history of a live workflow; it goes when the workflow is deleted',
  10, 'incremental-query history of a workflow: dropped only once the workflow is deleted', true),
 ('workflow', '^wkf([0-9]+)_', 'xtkworkflow', 'workflow', 'iworkflowid', 'istate', NULL, 'ifailed', 'tslastmodified', NULL, NULL,
  '{20}', '{}', 'stale', 'resume or stop the workflow (and fix its error) so that the cleanup can drop its work tables',
  20, 'workflow work tables: dropped unless the workflow exists and is not finished (istate 20)', true),
 ('delivery', '^wkdlv_([0-9]+)_', 'nmsdelivery', 'delivery', 'ideliveryid', 'istate', 'ideletestatus', NULL, 'tslastmodified', NULL, NULL,
  '{0,85,100}', '{95}', 'stale', 'let the delivery finish, or fix or delete it if it failed, so that the cleanup can drop its work tables',
  20, 'delivery work tables: dropped unless the delivery exists, is not deleted and is not in state 0, 85 or 100', true),
 ('list', '^grp([0-9]+)$', 'nmsgroup', 'list', 'igroupid', NULL, 'ideletestatus', NULL, 'tslastmodified', 'tsexpirationdate', 'itype',
  '{}', '{}', 'stale', 'delete the list, or let it expire, when it is no longer needed',
  20, 'list tables: dropped once the list is deleted (ideletestatus <> 0) or expired (tsexpirationdate), or when no list of type > 0 has its id', true),
 ('simulation', '^wksimu_([0-9]+)_', 'nmssimulation', 'simulation', 'isimulationid', 'istate', NULL, NULL, 'tslastmodified', NULL, NULL,
  '{}', '{}', 'stale', 'delete the simulation when it is no longer needed',
  20, 'simulation work tables: dropped once the simulation is deleted', true);

INSERT INTO campmon.owner_state VALUES
 ('xtkworkflow', 0, 0, 'being edited', true),
 ('xtkworkflow', 11, 11, 'started', true),
 ('xtkworkflow', 13, 13, 'paused', true),
 ('xtkworkflow', 20, 20, 'finished', true),
 ('nmsdelivery', 0, 0, 'being edited', true),
 ('nmsdelivery', 1, 50, 'in preparation', true),
 ('nmsdelivery', 51, 75, 'start pending, in progress, in recovery, pause requested or paused', true),
 ('nmsdelivery', 85, 85, 'stopped', true),
 ('nmsdelivery', 95, 95, 'finished', true),
 ('nmsdelivery', 100, 100, 'deleted', true);

-- The cleanup's tasks (Adobe, "Database cleanup workflow"), one rule per
-- task and table.  Delivery logs: the schemas the delivery mappings name
-- (sbroadlogschema, sbroadlogexclschema) plus nms:broadLogMid; nmsbroadlogmsg
-- is not a delivery log (a small table of SMTP qualifications, not purged by
-- date), hence the fallback pattern's exception.  Tracking logs: the
-- mappings' strackinglogschema.  Where Adobe documents no default for an
-- option, one year is assumed (the longest retention Adobe gives for any
-- log) and said; an assumed default never raises critical.
INSERT INTO campmon.purge_rule (rule, pattern, date_column, option_name, default_delay, documented_default,
                                delay_table, delay_column, filter_columns, filter_ops, filter_values,
                                key_column, parent_table, parent_column, mapping_columns, extra_schemas,
                                task, source, default_note, seeded) VALUES
 ('delivery_logs', '^nmsbroadlog(?!msg$)', 'tslastmodified', 'NmsCleanup_BroadLogPurgeDelay', '180 days', '180 days',
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, '{sbroadlogschema,sbroadlogexclschema}', '{nms:broadLogMid}',
  'Cleanup of delivery logs', 'Adobe, "Database cleanup workflow" (Cleanup of delivery logs); the default from "Data model best practices"',
  'Adobe''s default, 180 days', true),
 ('tracking_logs', '^nmstrackinglog', 'tslog', 'NmsCleanup_TrackingLogPurgeDelay', '365 days', '180 days',
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, '{strackinglogschema}', '{}',
  'Cleanup of tracking logs', 'Adobe, "Database cleanup workflow" (Cleanup of tracking logs); "Data model best practices" gives 180 days',
  'Adobe documents both 180 days and one year: the longer is assumed', true),
 ('provider_message_ids', '^nmsprovidermsgid$', 'tscreated', 'NmsCleanup_BroadLogPurgeDelay', '180 days', '180 days',
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of delivery logs (NmsProviderMsgId)', 'Adobe, "Database cleanup workflow" (Cleanup of delivery logs, its last step)',
  'the delivery logs'' delay, Adobe''s default 180 days', true),
 ('tracking_statistics', '^nmstrackingstats$', 'tsstart', 'NmsCleanup_TrackingStatPurgeDelay', '365 days', NULL,
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of tracking logs (NmsTrackingStats)', 'Adobe, "Database cleanup workflow" (Cleanup of tracking logs; deployment wizard: Consolidated tracking)',
  'Adobe documents no default: one year assumed', true),
 ('import_rejects', '^xtkreject$', 'tslog', 'NmsCleanup_RejectsPurgeDelay', '365 days', NULL,
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of rejects generated by imports', 'Adobe, "Database cleanup workflow" (Cleanup of rejects generated by imports; deployment wizard: Import rejects)',
  'Adobe documents no default: one year assumed', true),
 ('import_rejects_orphans', '^xtkreject$', NULL, NULL, '0', NULL,
  NULL, NULL, '{}', '{}', '{}', 'ijobid', 'xtkjob', 'ijobid', NULL, '{}',
  'Cleanup of rejects generated by imports (orphan rejects)', 'Adobe, "Database cleanup workflow" (Cleanup of rejects generated by imports: rejects whose job is gone)',
  NULL, true),
 ('workflow_logs', '^xtkworkflowlog$', 'tslog', NULL, '30 days', '30 days',
  'xtkworkflow', 'ihistory', '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of workflow instances (logs)', 'Adobe, "Database cleanup workflow" (Cleanup of workflow instances: each workflow''s History in days, default 30)',
  'Adobe''s default History in days, 30', true),
 ('workflow_tasks', '^xtkworkflowtask$', 'tscompletion', NULL, '30 days', '30 days',
  'xtkworkflow', 'ihistory', '{istatus}', '{<>}', '{0}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of workflow instances (finished tasks)', 'Adobe, "Database cleanup workflow" (Cleanup of workflow instances: tasks with iStatus <> 0)',
  'Adobe''s default History in days, 30', true),
 ('workflow_events', '^xtkworkflowevent$', 'tsprocessing', NULL, '30 days', '30 days',
  'xtkworkflow', 'ihistory', '{istatus}', '{>}', '{2}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of workflow instances (finished events)', 'Adobe, "Database cleanup workflow" (Cleanup of workflow instances: events with iStatus > 2)',
  'Adobe''s default History in days, 30', true),
 ('workflow_logins', '^xtkworkflowlogin$', NULL, NULL, '0', NULL,
  NULL, NULL, '{}', '{}', '{}', 'iworkflowid', 'xtkworkflow', 'iworkflowid', NULL, '{}',
  'Cleanup of workflow logins', 'Adobe, "Database cleanup workflow" (Cleanup of workflow logins: logins of workflows that no longer exist)',
  NULL, true),
 ('visitors', '^nmsvisitor$', 'tslastmodified', 'NmsCleanup_VisitorPurgeDelay', '30 days', '30 days',
  NULL, NULL, '{irecipientid,iorigin}', '{=,=}', '{0,0}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of visitors', 'Adobe, "Database cleanup workflow" (Cleanup of visitors: visitors of no recipient and origin 0; its query uses 30 days)',
  'Adobe''s default, 30 days', true),
 ('npai', '^nmsaddress$', 'tslastmodified', NULL, '0', '0',
  NULL, NULL, '{istatus}', '{=}', '{2}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of NPAI', 'Adobe, "Database cleanup workflow" (Cleanup of NPAI: addresses valid again, status 2, are deleted at the next cleanup)',
  'no delay: each cleanup deletes the addresses that became valid since the one before', true),
 ('subscriptions', '^nmssubscription$', 'tslastmodified', NULL, '0', '0',
  NULL, NULL, '{ideletestatus}', '{<>}', '{0}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of subscriptions', 'Adobe, "Database cleanup workflow" (Cleanup of subscriptions: those the user deleted, iDeleteStatus <> 0)',
  'no delay: each cleanup deletes the subscriptions deleted since the one before', true),
 ('app_subscriptions', '^nmsappsubscriptionrcp$', 'tslastmodified', 'NmsCleanup_AppSubscriptionRcpPurgeDelay', '365 days', NULL,
  NULL, NULL, '{idisabled}', '{=}', '{1}', NULL, NULL, NULL, NULL, '{}',
  'Subscription cleanup (NMAC)', 'Adobe, "Database cleanup workflow" (Subscription cleanup (NMAC): disabled subscriptions not updated since the delay)',
  'Adobe documents no default: one year assumed', true),
 ('audit_trail', '^xtkaudit$', 'tschanged', 'XtkCleanup_AuditTrailPurgeDelay', '365 days', NULL,
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of Audit trail', 'Adobe, "Database cleanup workflow" (Cleanup of Audit trail; deployment wizard: Audit trail)',
  'Adobe documents no default: one year assumed', true),
 ('events', '^nms(rt|batch)event$', 'tscreated', 'NmsCleanup_EventPurgeDelay', '365 days', NULL,
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleansing expired events (execution instance)', 'Adobe, "Database cleanup workflow" (Cleansing expired events; deployment wizard: Events, Message Center only)',
  'Adobe documents no default: one year assumed', true),
 ('archived_events', '^nmseventhisto$', 'tscreated', 'NmsCleanup_EventHistoPurgeDelay', '365 days', NULL,
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleansing expired events (control instance archive)', 'Adobe, "Database cleanup workflow" (Cleansing expired events; deployment wizard: Archived events, Message Center only)',
  'Adobe documents no default: one year assumed', true),
 ('propositions', '^nmsproposition', 'tslastmodified', 'NmsCleanup_PropositionPurgeDelay', '365 days', NULL,
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of propositions', 'Adobe, "Database cleanup workflow" (Cleanup of propositions, Interaction module; deployment wizard: Offer propositions)',
  'Adobe documents no default: one year assumed', true),
 ('email_errors', '^nmsemailerror$', NULL, NULL, '0', NULL,
  NULL, NULL, '{}', '{}', '{}', 'imxip', 'nmsemailerrorstat', 'imxip', NULL, '{}',
  'Cleanup of the NmsEmailError table', 'Adobe, "Database cleanup workflow" (Cleanup of the NmsEmailError table: errors of no MX left in NmsEmailErrorStat)',
  NULL, true),
 ('mx_domains', '^nmsmxdomain$', NULL, NULL, '0', NULL,
  NULL, NULL, '{}', '{}', '{}', 'imxip', 'nmsemailerrorstat', 'imxip', NULL, '{}',
  'Cleanup of the NmsMxDomain table', 'Adobe, "Database cleanup workflow" (Cleanup of the NmsMxDomain table: domains of no MX left in NmsEmailErrorStat)',
  NULL, true);

-- Key sequences by name (Adobe, "Key management in schemas"): XtkNewId,
-- the logs' own NmsBroadLogId and NmsTrackingLogId, and the sequences
-- Campaign generates for custom schemas (XtkSequence_AutoGeneration:
-- auto_<namespace><schema>_seq); keys are 32-bit integers
INSERT INTO campmon.sequence_rule (pattern, key_type, description, source, seeded) VALUES
 ('^xtknewid$', 'integer', 'XtkNewId: the identifiers shared by Campaign''s tables (every out-of-the-box schema''s before ACC 18.10)',
  'Adobe, "Key management in schemas" and "Application objects"', true),
 ('^nmsbroadlogid$', 'integer', 'NmsBroadLogId: the delivery logs'' own sequence, "the tables that contain the most records"',
  'Adobe, "Key management in schemas"', true),
 ('^nmstrackinglogid$', 'integer', 'NmsTrackingLogId: the tracking logs'' own sequence',
  'Adobe, "Key management in schemas"', true),
 ('^auto_[a-z0-9_]+_seq$', 'integer', 'auto_<namespace><schema>_seq: generated for a custom schema with autopk and no pkSequence',
  'Adobe, "Configuring Campaign options" (XtkSequence_AutoGeneration)', true);

-- Signs of an instance's role: the workflows its packages install ("Technical
-- workflows", "Message Center (Execution)", "Message Center (Control)",
-- "Mid-sourcing platform") and the tables "Tables to maintain" ties to a role
INSERT INTO campmon.instance_role_sign (role, kind, name, description, source, seeded) VALUES
 ('marketing', 'workflow', 'operationMgt', 'Campaign jobs (Marketing campaigns package)', 'Adobe, "Technical workflows"', true),
 ('marketing', 'workflow', 'deliveryMgt', 'Jobs on deliveries in campaigns (Marketing campaigns package)', 'Adobe, "Technical workflows"', true),
 ('marketing', 'table_rows', 'nmsoperation', 'marketing campaigns (operations)', 'Adobe, "Technical workflows" (Marketing campaigns package)', true),
 ('execution', 'workflow', 'rtEventsProcessing', 'Processing real time events (Transactional message execution)', 'Adobe, "Message Center (Execution)"', true),
 ('execution', 'workflow', 'batchEventsProcessing', 'Processing batch events (Transactional message execution)', 'Adobe, "Message Center (Execution)"', true),
 ('execution', 'workflow', 'updateEventsStatus', 'Update event status (Transactional message execution)', 'Adobe, "Message Center (Execution)"', true),
 ('execution', 'table_rows', 'nmsrtevent', 'the real-time event queue', 'Adobe, "Tables to maintain" (NmsRtEvent, Message Center execution instance)', true),
 ('execution', 'table_rows', 'nmsbatchevent', 'the batch event queue', 'Adobe, "Event description" (nms:batchEvent)', true),
 ('execution', 'option', 'NmsExecutionInstanceId', 'the execution instance''s identifier', 'Adobe, "Configuring Campaign options" (NmsExecutionInstanceId)', true),
 ('control', 'workflow_prefix', 'mcSynch_', 'Message Center <external account> (Transactional message control)', 'Adobe, "Message Center (Control)"', true),
 ('control', 'workflow', 'agg_messageCenter_full', 'MessageCenter full aggregate calculation (Transactional message control)', 'Adobe, "Technical workflows"', true),
 ('control', 'table_rows', 'nmseventhisto', 'the archive of every execution instance''s events', 'Adobe, "Tables to maintain" (NmsEventHisto, Message Center control instance)', true),
 ('mid_sourcing', 'workflow', 'deliveryIndicators', 'Delivery indicators (Mid-sourcing platform)', 'Adobe, "Mid-sourcing platform"', true),
 ('mid_sourcing', 'table_rows', 'nmsbroadlogmid', 'the delivery logs of a mid-sourcing instance', 'Adobe, "Tables to maintain" (NmsBroadLogMid, on a mid-sourcing instance)', true);

-- Workflow properties for development only (Adobe, "Workflow best
-- practices"); they are attributes of the workflow's XML
INSERT INTO campmon.workflow_option (attribute, column_name, label, advice, source, seeded) VALUES
 ('keepResult', NULL, 'Keep the result of interim populations between two executions',
  'clear it: its work tables stay between executions, the database grows and backups slow down',
  'Adobe, "Workflow best practices" (Logs: "must never be checked in a production workflow")', true),
 ('showSQL', NULL, 'Log SQL queries in the journal',
  'clear it: every SQL query goes to the workflow''s log (xtkworkflowlog grows)',
  'Adobe, "Workflow best practices" (Logs: for development only, not on production)', true);

-- Adobe's typical PostgreSQL maintenance plan, to run regularly
INSERT INTO campmon.routine_rebuild (table_name, source, seeded)
SELECT t, 'Adobe, "RDBMS-specific recommendations" (PostgreSQL, simple maintenance: a typical plan to run regularly)', true
FROM unnest('{nmsdelivery,nmsdeliverystat,xtkworkflow,xtkworkflowevent,xtkworkflowjob,xtkworkflowlog,xtkworkflowtask,xtkjoblog,xtkjob,nmsaddress,nmsdeliverypart,nmsmirrorpageinfo}'::text[]) t;

-- Technical workflows (Adobe, "Technical workflows" and the package pages):
-- roles NULL for the Delivery package's (every instance), the role of the
-- package otherwise; where Adobe documents no period, campmon assumes one
-- and says so
INSERT INTO campmon.technical_workflow (internal_name, expected_period, severity, mid_sourcing_only, roles, name_is_prefix, description, source, seeded) VALUES
 ('cleanup', '1 day', 'critical', false, NULL, false, 'Database cleanup: daily at 4 am by default; when it fails, its later tasks do not run', 'Adobe, "Technical workflows" and "Database cleanup workflow"', true),
 ('tracking', '1 hour', 'warning', false, NULL, false, 'Tracking: recovery and consolidation of tracking logs, hourly by default', 'Adobe, "Technical workflows"', true),
 ('deliverabilityUpdate', '1 day', 'warning', false, NULL, false, 'Update for deliverability: nightly (bounce qualification rules, domains and MXs)', 'Adobe, "Technical workflows"', true),
 ('cleanupPausedWorkflows', '7 days', 'warning', false, NULL, false, 'Paused workflows cleanup: every Monday at 5 am by default', 'Adobe, "Technical workflows" and "Monitoring workflow execution"', true),
 ('aliasCleansing', '1 day', 'warning', false, NULL, false, 'Alias cleansing: daily at 3 am by default', 'Adobe, "Technical workflows" (Delivery package)', true),
 ('forecasting', '1 day', 'warning', false, NULL, false, 'Forecasting: daily at 1 am by default (provisional delivery logs)', 'Adobe, "Technical workflows" (Delivery package)', true),
 ('reportingAggregates', '1 day', 'warning', false, NULL, false, 'Reporting aggregates: daily at 2 am by default', 'Adobe, "Technical workflows" (Delivery package)', true),
 ('billing', '1 month', 'warning', false, '{marketing}', false, 'Billing: the 25th of every month, on the marketing instance', 'Adobe, "Technical workflows"', true),
 ('operationMgt', '1 day', 'warning', false, '{marketing}', false, 'Campaign jobs: Adobe documents no period; campmon expects activity daily', 'Adobe, "Technical workflows" (Marketing campaigns package)', true),
 ('deliveryMgt', '1 day', 'warning', false, '{marketing}', false, 'Jobs on deliveries in campaigns: Adobe documents no period; campmon expects activity daily', 'Adobe, "Technical workflows" (Marketing campaigns package)', true),
 ('defaultMidSourcingLog', '1 hour', 'critical', true, '{marketing}', false, 'Mid-sourcing (delivery logs): hourly by default', 'Adobe, "Technical workflows" (Transfer to Mid-sourcing package)', true),
 ('defaultMidSourcingDlv', '10 minutes', 'warning', true, '{marketing}', false, 'Mid-sourcing (delivery counters): every ten minutes by default', 'Adobe, "Technical workflows" (Transfer to Mid-sourcing package)', true),
 ('rtEventsProcessing', '1 hour', 'critical', false, '{execution}', false, 'Processing real time events: Adobe documents no period; it runs continuously, campmon expects activity hourly', 'Adobe, "Message Center (Execution)"', true),
 ('batchEventsProcessing', '1 hour', 'critical', false, '{execution}', false, 'Processing batch events: Adobe documents no period; campmon expects activity hourly', 'Adobe, "Message Center (Execution)"', true),
 ('updateEventsStatus', '1 hour', 'warning', false, '{execution}', false, 'Update event status: Adobe documents no period; campmon expects activity hourly', 'Adobe, "Message Center (Execution)"', true),
 ('mcSynch_', '1 hour', 'warning', false, '{control}', true, 'Message Center <external account> (one per execution instance): hourly', 'Adobe, "Message Center (Control)"', true),
 ('agg_messageCenter_full', '1 day', 'warning', false, '{control}', false, 'MessageCenter full aggregate calculation: daily at 3 am by default', 'Adobe, "Technical workflows" (Transactional message control)', true),
 ('deliveryIndicators', '1 hour', 'warning', false, '{mid_sourcing}', false, 'Delivery indicators: hourly by default', 'Adobe, "Technical workflows" (Mid-sourcing platform package)', true);

-- ==== src/sql/cadences.sql

/*
 * cadences.sql -- maintenance cadences as data: how often a family of
 * tables (or the tables a pattern names) should be re-indexed, rebuilt or
 * vacuumed whatever its bloat, seeded with Adobe's documented cadences,
 * each with its source.  A DBA edits them (campmon_admin); rows that come
 * with the extension have seeded = true and are not dumped, a DBA's rows
 * are.  The check maintenance_overdue reads them against the history
 * (campmon._cadence_due), and plan() plans what is overdue.
 *
 * A cadence never widens what a run does to other roles' tables: every row
 * records who wrote it (a trigger, whatever the statement says), and a row
 * a role that is not a superuser wrote applies only to the tables whose
 * owner's privileges it has -- the tables it could re-index or vacuum
 * itself.  The plan still holds only steps its run role may run, and only
 * online ones (REINDEX CONCURRENTLY, REPACK) unless blocking is allowed.
 */

CREATE TABLE campmon.maintenance_cadence (
    family         text CHECK (family ~ '^[a-z_]+$'),
    table_pattern  text CHECK (table_pattern IS NULL OR campmon._valid_regex(table_pattern)),
    maintenance    text NOT NULL CHECK (maintenance IN ('reindex', 'rebuild', 'vacuum')),
    every          interval CHECK (every >= interval '1 hour'),
    priority       integer NOT NULL DEFAULT 100,
    source         text NOT NULL,
    seeded         boolean NOT NULL DEFAULT false,
    edited_by      name,
    CHECK ((family IS NULL) <> (table_pattern IS NULL))
);

COMMENT ON TABLE campmon.maintenance_cadence IS
'How often tables should be re-indexed, rebuilt or vacuumed whatever their bloat: by family (campmon.family) or by a regular expression on the table name; for a table and a maintenance the row with the lowest priority applies (every NULL: none); a non-superuser''s row applies only to tables whose owner''s privileges it has';

COMMENT ON COLUMN campmon.maintenance_cadence.maintenance IS
'reindex: its B-tree indexes rebuilt (REINDEX INDEX CONCURRENTLY, or a rebuild of the table); rebuild: the table rewritten (REPACK or VACUUM FULL); vacuum: a VACUUM (campmon''s, a manual one or autovacuum''s)';

COMMENT ON COLUMN campmon.maintenance_cadence.every IS
'The cadence; NULL: no cadence (a DBA''s row with a lower priority switches a seeded one off)';

COMMENT ON COLUMN campmon.maintenance_cadence.edited_by IS
'The role that last wrote the row (set by a trigger): a row of a role that is not a superuser applies only to tables whose owner''s privileges that role has';

CREATE UNIQUE INDEX maintenance_cadence_rule
    ON campmon.maintenance_cadence (coalesce(family, ''), coalesce(table_pattern, ''), maintenance, priority);

CREATE TRIGGER stamp_editor BEFORE INSERT OR UPDATE ON campmon.maintenance_cadence
FOR EACH ROW EXECUTE FUNCTION campmon._stamp_editor();

SELECT pg_catalog.pg_extension_config_dump('campmon.maintenance_cadence', 'WHERE NOT seeded');

REVOKE ALL ON campmon.maintenance_cadence FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.maintenance_cadence TO campmon_admin;
GRANT SELECT ON campmon.maintenance_cadence TO campmon_reader, pg_monitor;

-- Adobe's cadences (doc/campaign_rules.md, "Maintenance cadences").
INSERT INTO campmon.maintenance_cadence (family, table_pattern, maintenance, every, priority, source, seeded) VALUES
 ('broadlog', NULL, 'reindex', '14 days', 100,
  'Adobe, "Tables to maintain": re-index NmsBroadLogRcp (and every YyyBroadLogXxx, NmsBroadLogMid) regularly, every other week to start with', true),
 ('broadlog', NULL, 'rebuild', '30 days', 100,
  'Adobe, "Tables to maintain": rebuild NmsBroadLogRcp completely from time to time, once a month or when performance is impacted (NmsBroadLogMid: "very important to rebuild it from time to time")', true),
 ('message_center', NULL, 'reindex', '7 days', 100,
  'Adobe, "Tables to maintain": regularly recreate the index of NmsRtEvent (NmsEventHisto is similar); "Types of maintenance": re-index frequently updated tables once a week', true),
 ('message_center', NULL, 'rebuild', '30 days', 100,
  'Adobe, "Tables to maintain": rebuild NmsRtEvent regularly; "Types of maintenance": full table rebuilds once a month', true),
 ('delivery', NULL, 'reindex', '7 days', 100,
  'Adobe, "Tables to maintain": indexes of NmsDelivery, NmsDeliveryPart and NmsDeliveryStat tend to fragment rapidly; "Types of maintenance": re-index frequently updated tables once a week', true),
 ('workflow', NULL, 'reindex', '7 days', 100,
  'Adobe, "Tables to maintain": XtkWorkflow* are updated, inserted and purged all the time; "Types of maintenance": re-index frequently updated tables once a week', true),
 ('session', NULL, 'reindex', '7 days', 100,
  'Adobe, "Tables to maintain": XtkSessionInfo has very many insertions and deletions; "Types of maintenance": re-index frequently updated tables once a week', true),
 (NULL, '^nmsaddress$', 'reindex', '7 days', 100,
  'Adobe, "Tables to maintain": NmsAddress is updated frequently by the quarantine process; "Types of maintenance": re-index frequently updated tables once a week', true);

-- ==== src/sql/campaign.sql

/*
 * campaign.sql -- Campaign knowledge used everywhere: the family of a
 * table name, the schemas work tables live in, whose tables are never
 * work tables, whether a relation found by a Campaign name is safe to
 * read, and the options of xtkoption.
 */

-- The family of a name, in C (family.c): the listings call it for every
-- relation, and campmon.family is read once per query.
CREATE OR REPLACE FUNCTION campmon.family_of(schema_name text, table_name text) RETURNS text
AS 'MODULE_PATHNAME', 'campmon_family_of'
LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION campmon.family_of(text, text) IS 'Campaign family of a table name (campmon.family), else other';

REVOKE ALL ON FUNCTION campmon.family_of(text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.family_of(text,text) TO campmon_reader, pg_monitor;

-- A list of family names given to plan() (and so run_plan, start_plan):
-- each must be a family campmon.family_of can answer, else an error naming
-- the known ones -- a misspelt family would plan nothing, silently.
CREATE OR REPLACE FUNCTION campmon._check_families(families text[]) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f text;
    known text[] := (SELECT array_agg(DISTINCT x ORDER BY x)
                     FROM (SELECT family FROM campmon.family UNION ALL SELECT 'other') k(x));
BEGIN
    FOREACH f IN ARRAY coalesce(families, '{}') LOOP
        IF f IS NULL OR NOT f = ANY (known) THEN
            RAISE EXCEPTION 'unknown family "%"', f USING ERRCODE = 'invalid_parameter_value',
                HINT = 'Families are: ' || array_to_string(known, ', ') || ' (campmon.family; other is every other table).';
        END IF;
    END LOOP;
END $$;

REVOKE ALL ON FUNCTION campmon._check_families(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_families(text[]) TO campmon_reader, pg_monitor;

-- campmon.work_table_schemas read as search_path is: names that need them
-- in double quotes, unquoted names case-folded.
CREATE OR REPLACE FUNCTION campmon._work_table_schemas() RETURNS text[]
AS 'MODULE_PATHNAME', 'campmon_work_table_schemas_array'
LANGUAGE C STABLE PARALLEL SAFE;

REVOKE ALL ON FUNCTION campmon._work_table_schemas() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._work_table_schemas() TO campmon_reader, pg_monitor;

-- Campaign tables are found by name in the work schemas, where a role may
-- be able to create objects: a look-alike must not make campmon run that
-- role's code as whoever reads campmon's views (an admin, a pg_cron job).
-- Reading a relation runs no one's code when it is a table (not a view,
-- nor a foreign table), has no row-level security (policies are
-- expressions), and the columns read have built-in types (a type of the
-- role's own may come with an implicit cast, or an operator, of its own).
-- NULL when it may be read, else why not.
CREATE OR REPLACE FUNCTION campmon._unsafe_to_read(rel regclass, cols text[]) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT CASE
    WHEN c.oid IS NULL THEN 'missing'
    WHEN c.relkind NOT IN ('r', 'p') THEN
        format('%s is not a table (%s): reading it could run the code of its owner %s', rel,
               CASE c.relkind WHEN 'v' THEN 'a view' WHEN 'm' THEN 'a materialized view'
                              WHEN 'f' THEN 'a foreign table' ELSE 'relkind ' || c.relkind::text END,
               pg_get_userbyid(c.relowner))
    WHEN c.relrowsecurity THEN
        format('%s has row-level security: its policies could run the code of its owner %s', rel, pg_get_userbyid(c.relowner))
    ELSE (SELECT format('column %s of %s has type %s, not a built-in one: its casts and operators could run the code of their owner',
                        a.attname, rel, format_type(a.atttypid, a.atttypmod))
          FROM pg_attribute a
          WHERE a.attrelid = c.oid AND a.attname = ANY (cols) AND a.attnum > 0 AND NOT a.attisdropped
            AND a.atttypid >= 16384     -- FirstNormalObjectId: created after initdb
          ORDER BY a.attnum LIMIT 1)
END
FROM (SELECT rel AS r) x LEFT JOIN pg_class c ON c.oid = x.r $$;

REVOKE ALL ON FUNCTION campmon._unsafe_to_read(regclass,text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._unsafe_to_read(regclass,text[]) TO campmon_reader, pg_monitor;

-- Roles whose tables are never work tables: the cleanup lists candidates
-- with pg_get_userbyid(relowner) <> 'postgres'; campmon also leaves out
-- every superuser's tables and those of the roles in
-- campmon.never_work_table_owners (the DBA's own).  Unknown names are
-- ignored (the setting may name a role that exists on another server).
CREATE OR REPLACE FUNCTION campmon._never_work_table_owner_names() RETURNS text[]
AS 'MODULE_PATHNAME', 'campmon_never_work_table_owners_array'
LANGUAGE C STABLE PARALLEL SAFE;

REVOKE ALL ON FUNCTION campmon._never_work_table_owner_names() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._never_work_table_owner_names() TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._never_work_table_owners() RETURNS oid[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT coalesce(array_agg(r.oid ORDER BY r.oid), '{}')
FROM pg_roles r
WHERE r.rolsuper OR r.rolname = 'postgres' OR r.rolname = ANY (campmon._never_work_table_owner_names()) $$;

REVOKE ALL ON FUNCTION campmon._never_work_table_owners() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._never_work_table_owners() TO campmon_reader, pg_monitor;

-- Whether configuration a role wrote may decide drops anywhere: the
-- extension's own rows (NULL) and a superuser's.  Others' rows apply only to
-- the tables they could drop themselves (campaign_config.sql).
CREATE OR REPLACE FUNCTION campmon._editor_trusted(editor name) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT editor IS NULL OR EXISTS (SELECT FROM pg_roles r WHERE r.rolname = editor AND r.rolsuper) $$;

REVOKE ALL ON FUNCTION campmon._editor_trusted(name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._editor_trusted(name) TO campmon_reader, pg_monitor;

-- Whether configuration a role wrote may make campmon read a relation: the
-- extension's rows and a superuser's, or a role that may read it itself (a
-- role dropped since may read nothing).  What a less privileged editor adds
-- never makes a snapshot, taken as the extension's owner, read more.
CREATE OR REPLACE FUNCTION campmon._editor_may_read(editor name, rel oid) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE WHEN campmon._editor_trusted(editor) THEN true
            WHEN NOT EXISTS (SELECT FROM pg_roles r WHERE r.rolname = editor) OR rel IS NULL THEN false
            ELSE coalesce(has_table_privilege(editor, rel, 'SELECT'), false) END $$;

REVOKE ALL ON FUNCTION campmon._editor_may_read(name,oid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._editor_may_read(name,oid) TO campmon_reader, pg_monitor;

-- Whether a relation has a (live) column of that name.
CREATE OR REPLACE FUNCTION campmon._has_column(rel regclass, col text) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT EXISTS (SELECT FROM pg_attribute a
               WHERE a.attrelid = rel AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped) $$;

REVOKE ALL ON FUNCTION campmon._has_column(regclass,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._has_column(regclass,text) TO campmon_reader, pg_monitor;

-- The typed value columns of xtkoption, in the order a value is looked for.
CREATE OR REPLACE FUNCTION campmon._option_columns() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT '{sstringvalue,ilongvalue,ddoublevalue,tsvalue,mmemovalue}'::text[] $$;

ALTER FUNCTION campmon._option_columns() SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION campmon._option_columns() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._option_columns() TO campmon_reader, pg_monitor;

-- An option of xtkoption (opt, already judged safe to read): found when a
-- row has that sname; its value is the first non-empty one of the typed
-- columns the table has (sstringvalue, ilongvalue, ddoublevalue, tsvalue,
-- mmemovalue), and source_column says which.
CREATE OR REPLACE FUNCTION campmon._option(opt regclass, option_name text)
RETURNS TABLE (found boolean, value text, source_column text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    vals text;
BEGIN
    IF opt IS NULL OR option_name IS NULL OR NOT campmon._has_column(opt, 'sname') THEN
        RETURN QUERY SELECT false, NULL::text, NULL::text;
        RETURN;
    END IF;
    SELECT string_agg(format('(%s, o.%I::text, %L)', k, c, c), ', ' ORDER BY k) INTO vals
    FROM unnest(campmon._option_columns()) WITH ORDINALITY u(c, k)
    WHERE campmon._has_column(opt, c);
    IF vals IS NULL THEN
        RETURN QUERY EXECUTE format('SELECT true, NULL::text, NULL::text FROM %s o WHERE o.sname = %L LIMIT 1', opt, option_name);
    ELSE
        RETURN QUERY EXECUTE format(
            'SELECT true, x.v, x.c FROM %s o LEFT JOIN LATERAL (SELECT v, c FROM (VALUES %s) x(k, v, c) WHERE nullif(trim(v), '''') IS NOT NULL ORDER BY k LIMIT 1) x ON true WHERE o.sname = %L LIMIT 1',
            opt, vals, option_name);
    END IF;
    IF NOT FOUND THEN
        RETURN QUERY SELECT false, NULL::text, NULL::text;
    END IF;
END $fn$;

REVOKE ALL ON FUNCTION campmon._option(regclass,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._option(regclass,text) TO campmon_reader, pg_monitor;

-- A delay option's value (seconds, as Campaign stores them) as an
-- interval; NULL when it is not a number of seconds.
CREATE OR REPLACE FUNCTION campmon._option_seconds(v text) RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN v ~ '^\s*[0-9]{1,12}(\.[0-9]+)?\s*$' THEN make_interval(secs => trim(v)::double precision) END $$;

ALTER FUNCTION campmon._option_seconds(text) SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION campmon._option_seconds(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._option_seconds(text) TO campmon_reader, pg_monitor;

-- ==== src/sql/listings.sql

/*
 * listings.sql -- campmon.tables and campmon.indexes: every table and
 * index of the database with its size and bloat.  They read the catalogs
 * once per query (sizes, and in stats mode the whole row) instead of
 * opening every relation: flat memory and linear time at 50,000
 * relations, and no wait behind a table locked by TRUNCATE or VACUUM FULL
 * in the default mode.  The row functions are C (catalog_stats.c).
 */

-- campmon.tables' row of one table: try_table_bloat's columns, then
-- indexes_bytes and total_bytes (as pg_indexes_size and
-- pg_total_relation_size, from file sizes).  Internal: for the view.
CREATE OR REPLACE FUNCTION campmon._list_table(
    rel regclass,
    mode text,
    sample_pages integer)
RETURNS TABLE (
    relid regclass,
    method text,
    is_estimate boolean,
    fillfactor integer,
    table_bytes bigint,
    total_pages bigint,
    scanned_pages bigint,
    live_rows bigint,
    dead_rows bigint,
    live_bytes bigint,
    dead_bytes bigint,
    free_bytes bigint,
    min_bytes bigint,
    bloat_bytes bigint,
    bloat_pct numeric,
    bloat_pct_low numeric,
    bloat_pct_high numeric,
    toast_relid regclass,
    toast_method text,
    toast_bytes bigint,
    toast_scanned_pages bigint,
    toast_live_bytes bigint,
    toast_dead_bytes bigint,
    toast_free_bytes bigint,
    toast_min_bytes bigint,
    toast_bloat_bytes bigint,
    toast_bloat_pct numeric,
    basis text,
    indexes_bytes bigint,
    total_bytes bigint)
AS 'MODULE_PATHNAME', 'campmon_list_table'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL RESTRICTED ROWS 1;

REVOKE ALL ON FUNCTION campmon._list_table(regclass,text,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._list_table(regclass,text,integer) TO campmon_reader, pg_monitor;

-- The activity columns straight from pg_stat_get_*() for the listed rows:
-- joining pg_stat_all_tables/pg_stat_all_indexes computed them (and cached
-- the statistics entry) for every relation of the database first.
CREATE OR REPLACE VIEW campmon.tables AS
SELECT
    c.oid                                   AS relid,
    n.nspname::text                         AS schema_name,
    c.relname::text                         AS table_name,
    b.method,
    b.is_estimate,
    b.table_bytes,
    COALESCE(b.toast_bytes, 0)              AS toast_bytes,
    b.indexes_bytes,
    b.total_bytes,
    b.live_rows,
    b.dead_rows,
    b.live_bytes,
    b.dead_bytes,
    b.free_bytes,
    b.min_bytes,
    b.bloat_bytes,
    b.bloat_pct,
    b.bloat_pct_low,
    b.bloat_pct_high,
    b.toast_bloat_bytes,
    b.toast_bloat_pct,
    pg_catalog.pg_stat_get_live_tuples(c.oid)           AS n_live_tup,
    pg_catalog.pg_stat_get_dead_tuples(c.oid)           AS n_dead_tup,
    pg_catalog.pg_stat_get_mod_since_analyze(c.oid)     AS n_mod_since_analyze,
    pg_catalog.pg_stat_get_last_vacuum_time(c.oid)      AS last_vacuum,
    pg_catalog.pg_stat_get_last_autovacuum_time(c.oid)  AS last_autovacuum,
    pg_catalog.pg_stat_get_last_analyze_time(c.oid)     AS last_analyze,
    pg_catalog.pg_stat_get_last_autoanalyze_time(c.oid) AS last_autoanalyze,
    pg_catalog.pg_stat_get_vacuum_count(c.oid)          AS vacuum_count,
    pg_catalog.pg_stat_get_autovacuum_count(c.oid)      AS autovacuum_count,
    pg_catalog.pg_stat_get_analyze_count(c.oid)         AS analyze_count,
    pg_catalog.pg_stat_get_autoanalyze_count(c.oid)     AS autoanalyze_count,
    campmon.family_of(n.nspname, c.relname) AS family,
    b.basis
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL campmon._list_table(
    c.oid,
    COALESCE(pg_catalog.current_setting('campmon.tables_mode', true), 'adaptive'),
    NULL) b
WHERE c.relkind = 'r'
  AND (c.relpersistence <> 't' OR c.relnamespace = pg_catalog.pg_my_temp_schema());

COMMENT ON VIEW campmon.tables IS
'Every table of the database with sizes, bloat (campmon.tables_mode) and vacuum/analyze activity';

REVOKE ALL ON campmon.tables FROM PUBLIC;
GRANT SELECT ON campmon.tables TO campmon_reader, pg_monitor;

-- campmon.indexes' measurement of one index (try_index_bloat's row); in
-- stats mode from the catalogs read once per query.  Internal: for the view.
CREATE OR REPLACE FUNCTION campmon._list_index(
    idx regclass,
    mode text,
    sample_pages integer)
RETURNS TABLE (
    indexrelid regclass,
    table_relid regclass,
    access_method text,
    method text,
    is_estimate boolean,
    is_valid boolean,
    is_ready boolean,
    fillfactor integer,
    index_bytes bigint,
    total_pages bigint,
    scanned_pages bigint,
    tree_level integer,
    leaf_pages bigint,
    internal_pages bigint,
    empty_pages bigint,
    deleted_pages bigint,
    avg_leaf_density numeric,
    avg_leaf_density_low numeric,
    avg_leaf_density_high numeric,
    leaf_fragmentation numeric,
    leaf_fragmentation_low numeric,
    leaf_fragmentation_high numeric,
    leaf_items bigint,
    min_bytes bigint,
    bloat_bytes bigint,
    bloat_pct numeric,
    bloat_pct_low numeric,
    bloat_pct_high numeric,
    basis text)
AS 'MODULE_PATHNAME', 'campmon_list_index'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL RESTRICTED ROWS 1;

REVOKE ALL ON FUNCTION campmon._list_index(regclass,text,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._list_index(regclass,text,integer) TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.indexes AS
SELECT
    i.oid                                     AS indexrelid,
    n.nspname::text                           AS schema_name,
    i.relname::text                           AS index_name,
    x.indrelid                                AS table_relid,
    t.relname::text                           AS table_name,
    b.access_method,
    b.method,
    b.is_estimate,
    x.indisvalid                              AS is_valid,
    x.indisready                              AS is_ready,
    x.indisprimary                            AS is_primary,
    x.indisunique                             AS is_unique,
    con.conname::text                         AS constraint_name,
    b.index_bytes,
    b.tree_level,
    b.leaf_pages,
    b.internal_pages,
    b.empty_pages,
    b.deleted_pages,
    b.avg_leaf_density,
    b.leaf_fragmentation,
    b.leaf_items,
    b.min_bytes,
    b.bloat_bytes,
    b.bloat_pct,
    b.bloat_pct_low,
    b.bloat_pct_high,
    pg_catalog.pg_stat_get_numscans(x.indexrelid)         AS idx_scan,
    pg_catalog.pg_stat_get_tuples_returned(x.indexrelid)  AS idx_tup_read,
    pg_catalog.pg_stat_get_tuples_fetched(x.indexrelid)   AS idx_tup_fetch,
    campmon.family_of(tn.nspname, t.relname)  AS family,
    b.basis
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = i.relnamespace
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
CROSS JOIN LATERAL campmon._list_index(
    x.indexrelid,
    COALESCE(pg_catalog.current_setting('campmon.indexes_mode', true), 'adaptive'),
    NULL) b
LEFT JOIN pg_catalog.pg_constraint con
       ON con.conindid = x.indexrelid AND con.contype IN ('p', 'u', 'x')
WHERE i.relkind = 'i'
  AND (i.relpersistence <> 't' OR i.relnamespace = pg_catalog.pg_my_temp_schema());

COMMENT ON VIEW campmon.indexes IS
'Every index of the database with size, density, fragmentation, bloat (campmon.indexes_mode), validity and use';

REVOKE ALL ON campmon.indexes FROM PUBLIC;
GRANT SELECT ON campmon.indexes TO campmon_reader, pg_monitor;

-- ==== src/sql/stale_tables.sql

/*
 * stale_tables.sql -- campmon.stale_tables: every table a workflow,
 * delivery, list or simulation left behind, with its owner's state and
 * the verdict (stale, suspect, in use) that the plan and drop_work_table
 * act on.
 */

-- A work-table rule whose owner table is not safe to read is skipped (its
-- tables judged by age), and campmon.checks says why.  Only the columns the
-- verdict needs are required (owner key, state, deleted, expiry, type); the
-- failed and since columns only add to the reason, and the reason is
-- shorter without them.
CREATE OR REPLACE FUNCTION campmon._rule_problem(r campmon.work_table_rule, schema_name text)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    owner regclass := to_regclass(format('%I.%I', schema_name, r.owner_table));
    col text;
BEGIN
    IF owner IS NULL THEN
        RETURN 'missing';
    END IF;
    FOREACH col IN ARRAY ARRAY[r.owner_key, r.state_column, r.deleted_column, r.expires_column, r.exists_column] LOOP
        CONTINUE WHEN col IS NULL;
        IF NOT campmon._has_column(owner, col) THEN
            RETURN format('%s has no column %s', owner, col);
        END IF;
    END LOOP;
    IF NOT has_table_privilege(owner, 'SELECT') THEN
        RETURN format('%s may not be read by %s', owner, current_user);
    END IF;
    RETURN campmon._unsafe_to_read(owner, ARRAY[r.owner_key, r.state_column, r.deleted_column, r.expires_column,
                                                r.exists_column, r.failed_column, r.since_column]);
END $$;

REVOKE ALL ON FUNCTION campmon._rule_problem(campmon.work_table_rule,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._rule_problem(campmon.work_table_rule,text) TO campmon_reader, pg_monitor;

-- campmon's own catalog queries join and sort one row per relation: with
-- the server's work_mem (often 64MB and more on a Campaign instance) every
-- hash and sort of them could hold that much at 50,000 relations (111 MB
-- for campmon.stale_tables at work_mem = 64MB, 29 MB at 2MB, for the same
-- time).  plan(), _stale_tables() and _checks() run with work_mem = 2MB,
-- which bounds their memory whatever the server's.
CREATE OR REPLACE FUNCTION campmon._stale_tables(only_relid regclass DEFAULT NULL)
RETURNS TABLE (
    relid oid, schema_name text, table_name text, table_kind text, table_owner text,
    rule text, owner_table text, owner_id bigint, owner_state integer, owner_state_label text,
    verdict text, reason text, total_bytes bigint, last_write timestamptz, idle interval)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
-- the owner lookups join thousands of work tables with thousands of owners;
-- the planner cannot know (CTE and function row estimates), so say it
SET enable_nestloop = off
-- bounded memory whatever the server's work_mem (see plan())
SET work_mem = '2MB'
AS $fn$
DECLARE
    schemas text[];
    min_age interval := campmon._seconds('campmon.stale_min_age');
    ref timestamptz := campmon._reference_time();
    never_owners oid[] := campmon._never_work_table_owners();
    owner regclass;
    name_filter text;
    r campmon.work_table_rule;
    editor_ok text;
    s text;
    k integer := 0;
    ids text := '';
    parts text[] := '{}';
    sql text;
BEGIN
    schemas := campmon._work_table_schemas();

    -- the names a work table may have: one regular expression for the
    -- patterns superusers wrote (or the extension seeded), one per other
    -- editor, which applies only to the tables that editor could drop
    -- itself (it has the privileges of their owner; campaign_config.sql)
    SELECT string_agg(CASE WHEN e.trusted THEN format('c.relname ~ %L', e.re)
                           ELSE format('(c.relname ~ %L AND pg_has_role(%L::name, c.relowner, ''USAGE''))', e.re, e.editor) END,
                      ' OR ')
    INTO name_filter
    FROM (SELECT x.trusted, CASE WHEN x.trusted THEN NULL ELSE x.editor END AS editor,
                 string_agg('(' || x.p || ')', '|') AS re
          FROM (SELECT p, editor, campmon._editor_trusted(editor) AS trusted
                FROM (SELECT f.pattern AS p, f.edited_by AS editor FROM campmon.family f WHERE f.family IN ('work_table', 'list')
                      UNION SELECT w.pattern, w.edited_by FROM campmon.work_table_rule w) y) x
          WHERE x.trusted OR EXISTS (SELECT FROM pg_roles ro WHERE ro.rolname = x.editor)
          GROUP BY 1, 2) e;
    IF name_filter IS NULL THEN
        RETURN;
    END IF;

    -- one part per rule and schema whose owner table can be read; the
    -- owner id each such rule reads in a name is computed once, in c0
    FOR r IN SELECT * FROM campmon.work_table_rule ORDER BY priority, rule LOOP
        FOREACH s IN ARRAY schemas LOOP
            CONTINUE WHEN campmon._rule_problem(r, s) IS NOT NULL;
            owner := to_regclass(format('%I.%I', s, r.owner_table));
            -- a rule of a role that is not a superuser: only for the tables it could drop
            editor_ok := CASE WHEN campmon._editor_trusted(r.edited_by) THEN 'true'
                              WHEN NOT EXISTS (SELECT FROM pg_roles ro WHERE ro.rolname = r.edited_by) THEN 'false'
                              ELSE format('pg_has_role(%L::name, w.owner_oid, ''USAGE'')', r.edited_by) END;
            k := k + 1;
            ids := ids || format(', CASE WHEN n.nspname = %L THEN campmon._match_id(c.relname, %L, %L) END AS id_%s',
                                 s, r.pattern, campmon._literal_prefix(r.pattern), k);
            parts := parts || format($part$
SELECT w.relid, w.schema_name, w.table_name, w.table_kind, w.table_owner, w.total_bytes, w.last_write,
       %1$L::text AS rule, %2$L::text AS owner_table, w.id_%15$s AS owner_id, %3$s AS priority,
       o.%4$I IS NOT NULL AS owner_exists, %17$s AS owner_counts, %18$s AS exists_value,
       %5$s AS state, %6$s AS deleted, %7$s AS failed, %8$s AS since, %19$s AS expires,
       %9$L::int[] AS stale_states, %10$L::int[] AS suspect_states, %11$L::text AS missing_owner,
       %12$L::text AS owner_noun, %13$L::text AS held_advice, %20$L::text AS exists_column
FROM w
LEFT JOIN %14$I.%16$I o ON o.%4$I = w.id_%15$s
WHERE w.id_%15$s IS NOT NULL AND %21$s$part$,
                r.rule, r.owner_table, r.priority, r.owner_key,
                CASE WHEN r.state_column IS NULL THEN 'NULL::integer' ELSE format('o.%I::integer', r.state_column) END,
                CASE WHEN r.deleted_column IS NULL THEN 'false' ELSE format('coalesce(o.%I, 0) <> 0', r.deleted_column) END,
                -- optional columns: absent, the reason only gets shorter
                CASE WHEN r.failed_column IS NULL OR NOT campmon._has_column(owner, r.failed_column) THEN 'false'
                     ELSE format('coalesce(o.%I, 0) <> 0', r.failed_column) END,
                CASE WHEN r.since_column IS NULL OR NOT campmon._has_column(owner, r.since_column) THEN 'NULL::timestamptz'
                     ELSE format('o.%I::timestamptz', r.since_column) END,
                r.stale_states, r.suspect_states, r.missing_owner, r.owner_noun, r.held_advice,
                s, k, r.owner_table,
                CASE WHEN r.exists_column IS NULL THEN 'true' ELSE format('coalesce(o.%I, 0) > 0', r.exists_column) END,
                CASE WHEN r.exists_column IS NULL THEN 'NULL::bigint' ELSE format('o.%I::bigint', r.exists_column) END,
                CASE WHEN r.expires_column IS NULL THEN 'NULL::timestamptz'
                     ELSE format('CASE WHEN o.%1$I::timestamptz <= %2$L::timestamptz THEN o.%1$I::timestamptz END',
                                 r.expires_column, ref) END,
                r.exists_column, editor_ok);
        END LOOP;
    END LOOP;

    sql := format($q$
WITH c0 AS MATERIALIZED (
    SELECT c.oid AS relid, c.reltoastrelid, n.nspname::text AS schema_name, c.relname::text AS table_name,
           CASE c.relkind WHEN 'v' THEN 'view' ELSE 'table' END AS table_kind,
           pg_get_userbyid(c.relowner)::text AS table_owner, c.relowner AS owner_oid %5$s
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY (%1$L::text[]) AND c.relkind IN ('r', 'v') AND (%2$s)
      -- never a work table: owned by postgres, a superuser or a role of
      -- campmon.never_work_table_owners (the cleanup: relowner <> 'postgres')
      AND c.relowner <> ALL (%6$L::oid[])
      -- one table only (drop_work_table's verdict under its lock)
      AND (%7$L::oid IS NULL OR c.oid = %7$L::oid)
),
-- each work table with its TOAST table and the indexes of both
parts AS (
    SELECT relid, relid AS part FROM c0
    UNION ALL SELECT relid, reltoastrelid FROM c0 WHERE reltoastrelid <> 0
    UNION ALL SELECT c0.relid, i.indexrelid FROM c0 JOIN pg_index i ON i.indrelid = c0.relid
    UNION ALL SELECT c0.relid, i.indexrelid FROM c0 JOIN pg_index i ON i.indrelid = c0.reltoastrelid
),
files AS (
    SELECT p.relid, sum(f.bytes)::bigint AS total_bytes, max(f.last_write) AS last_write
    FROM parts p
    JOIN campmon._relation_files((SELECT array_agg(part) FROM parts)) f ON f.relid = p.part
    GROUP BY p.relid
),
w AS MATERIALIZED (
    SELECT c0.*, coalesce(files.total_bytes, 0) AS total_bytes, files.last_write
    FROM c0 LEFT JOIN files ON files.relid = c0.relid
),
matched AS (
    SELECT DISTINCT ON (relid) * FROM (%3$s) x ORDER BY relid, priority, rule
),
-- labels of the (few) owner states that occur
labels AS (
    SELECT s.owner_table, s.state,
           coalesce((SELECT os.label FROM campmon.owner_state os
                     WHERE os.owner_table = s.owner_table AND s.state BETWEEN os.state_from AND os.state_to
                     ORDER BY os.state_from LIMIT 1), 'state ' || s.state) AS label
    FROM (SELECT DISTINCT owner_table, state FROM matched WHERE state IS NOT NULL) s
)
SELECT m.relid, m.schema_name, m.table_name, m.table_kind, m.table_owner,
       m.rule, m.owner_table, m.owner_id, m.state, l.label,
       v.verdict, v.reason, m.total_bytes, m.last_write, now() - m.last_write
FROM matched m
LEFT JOIN labels l ON l.owner_table = m.owner_table AND l.state = m.state
CROSS JOIN LATERAL (SELECT
    CASE
        WHEN NOT m.owner_exists OR NOT m.owner_counts THEN m.missing_owner
        WHEN m.deleted THEN 'stale'
        WHEN m.expires IS NOT NULL THEN 'stale'
        WHEN m.state = ANY (m.stale_states) THEN 'stale'
        WHEN m.state = ANY (m.suspect_states) THEN 'suspect'
        ELSE 'held'
    END AS verdict,
    CASE
        WHEN NOT m.owner_exists THEN
            format('%%s %%s no longer exists: Campaign''s cleanup drops its work tables', m.owner_noun, m.owner_id)
        WHEN NOT m.owner_counts THEN
            format('%%s %%s has %%s = %%s: Campaign''s cleanup counts only owners with %%s > 0 and drops the others'' work tables as orphans',
                   m.owner_noun, m.owner_id, m.exists_column, coalesce(m.exists_value::text, 'NULL'), m.exists_column)
        WHEN m.deleted THEN
            format('%%s %%s is deleted: Campaign''s cleanup drops its work tables', m.owner_noun, m.owner_id)
        WHEN m.expires IS NOT NULL THEN
            format('%%s %%s expired on %%s: Campaign''s cleanup drops its work tables', m.owner_noun, m.owner_id,
                   to_char(m.expires, 'YYYY-MM-DD HH24:MI'))
        WHEN m.state = ANY (m.stale_states) THEN
            format('%%s %%s is %%s: Campaign''s cleanup drops its work tables', m.owner_noun, m.owner_id,
                   CASE WHEN l.label = 'state ' || m.state THEN l.label ELSE format('%%s (state %%s)', l.label, m.state) END)
        WHEN m.state = ANY (m.suspect_states) THEN
            format('%%s %%s is %%s: Campaign''s cleanup keeps its work tables, but nothing uses them any more', m.owner_noun, m.owner_id,
                   CASE WHEN l.label = 'state ' || m.state THEN l.label ELSE format('%%s (state %%s)', l.label, m.state) END)
        ELSE
            format('held by %%s %%s%%s%%s%%s%%s: %%s',
                   m.owner_noun, m.owner_id,
                   CASE WHEN m.state IS NULL THEN ''
                        WHEN l.label = 'state ' || m.state THEN format(', state %%s', m.state)
                        ELSE format(', %%s (state %%s)', l.label, m.state) END,
                   CASE WHEN m.failed THEN ', in error' ELSE '' END,
                   CASE WHEN m.since IS NOT NULL THEN format(' since %%s', to_char(m.since, 'YYYY-MM-DD HH24:MI')) ELSE '' END,
                   CASE WHEN m.last_write IS NOT NULL THEN format('; not written for %%s', campmon._human(now() - m.last_write)) ELSE '' END,
                   m.held_advice)
    END AS reason) v
UNION ALL
SELECT w.relid, w.schema_name, w.table_name, w.table_kind, w.table_owner,
       NULL, NULL, NULL, NULL, NULL,
       CASE WHEN w.last_write < now() - %4$L::interval THEN 'suspect' ELSE 'held' END,
       CASE
           WHEN w.last_write IS NULL THEN
               'no owner rule applies and its age is unknown (no file): kept'
           WHEN w.last_write < now() - %4$L::interval THEN
               format('no owner rule applies; not written for %%s (campmon.stale_min_age = %%s): probably dead, check before dropping',
                      campmon._human(now() - w.last_write), campmon._human(%4$L::interval))
           ELSE
               format('no owner rule applies; written %%s ago: kept until unwritten for campmon.stale_min_age (%%s)',
                      campmon._human(now() - w.last_write), campmon._human(%4$L::interval))
       END,
       w.total_bytes, w.last_write, now() - w.last_write
FROM w
WHERE w.relid NOT IN (SELECT relid FROM matched)
$q$,
        schemas, name_filter,
        CASE WHEN cardinality(parts) = 0
             THEN 'SELECT w.relid, w.schema_name, w.table_name, w.table_kind, w.table_owner, w.total_bytes, w.last_write, NULL::text AS rule, NULL::text AS owner_table, NULL::bigint AS owner_id, 0 AS priority, false AS owner_exists, false AS owner_counts, NULL::bigint AS exists_value, NULL::integer AS state, false AS deleted, false AS failed, NULL::timestamptz AS since, NULL::timestamptz AS expires, NULL::int[] AS stale_states, NULL::int[] AS suspect_states, NULL::text AS missing_owner, NULL::text AS owner_noun, NULL::text AS held_advice, NULL::text AS exists_column FROM w WHERE false'
             ELSE array_to_string(parts, E'\nUNION ALL\n') END,
        min_age, ids, never_owners, only_relid::oid);
    RETURN QUERY EXECUTE sql;
END $fn$;

REVOKE ALL ON FUNCTION campmon._stale_tables(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._stale_tables(regclass) TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.stale_tables AS
SELECT * FROM campmon._stale_tables();

COMMENT ON VIEW campmon.stale_tables IS
'Every work table with its owner, the owner''s state and a verdict: stale (Campaign''s cleanup would drop it), suspect (probably dead), held (kept, and by what); tables of postgres, of superusers and of campmon.never_work_table_owners are never work tables';

REVOKE ALL ON campmon.stale_tables FROM PUBLIC;
GRANT SELECT ON campmon.stale_tables TO campmon_reader, pg_monitor;

-- ==== src/sql/repack.sql

/*
 * repack.sql -- what an interrupted pg_repack leaves behind, for
 * campmon.checks (repack_leftovers) and plan() (its cleanup step).
 *
 * pg_repack copies a table into repack.table_<oid>, logs the writes made
 * meanwhile into repack.log_<oid> through a trigger named repack_trigger
 * on the table, and swaps at the end.  Killed in between (kill -9, a crash,
 * a lost connection), it leaves the three behind, and the trigger keeps
 * logging every write to the table.  campmon cleans them up table by table
 * with pg_repack's own cleanup function (clean_repack_leftovers), which is
 * what pg_repack's client runs after an error, rather than the documented
 * DROP EXTENSION pg_repack CASCADE of every table's.  (An invalid index it
 * left, index_<oid>, is phase 2's DROP INDEX CONCURRENTLY.)
 *
 * And what a REPACK may touch at all: pg_repack runs as the run's role (it
 * needs a superuser) and builds and fills the copy's indexes as that role,
 * where VACUUM FULL, CLUSTER and REINDEX switch to the table's owner.  So a
 * table is repacked only when everything its rebuild can evaluate was
 * written by a superuser (_repack_foreign_code); the worker checks it again
 * while pg_repack holds the table's lock (run_repack_guard.c).
 */

-- The first piece of code a rebuild of the table could run that a role
-- other than a superuser wrote, as "function f(integer) of towner, in index
-- t_idx", or NULL when there is none.  What a rebuild evaluates: its
-- indexes' expressions and predicates (the functions, the operators' functions
-- and the types they name), and for its columns' types and those types' own
-- parts (a domain's constraints, a composite's columns, a range's functions)
-- whatever they call.  pg_depend holds each of those references.  Code is
-- another role's when its function is in a trusted language (SQL, PL/pgSQL...:
-- any role may write those) and not owned by a superuser; functions in C or
-- internal code can only be created by a superuser.  Operator classes and
-- families need a superuser to be created and are not followed.
CREATE OR REPLACE FUNCTION campmon._repack_foreign_code(rel regclass) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH RECURSIVE reached(classid, objid, origin) AS (
    SELECT 'pg_class'::regclass::oid, i.indexrelid, format('index %s', i.indexrelid::regclass)
    FROM pg_index i WHERE i.indrelid = rel
    UNION
    SELECT 'pg_type'::regclass::oid, a.atttypid, format('column %I of %s', a.attname, rel::regclass)
    FROM pg_attribute a WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped
    UNION
    SELECT e.refclassid, e.refobjid, r.origin
    FROM reached r
    CROSS JOIN LATERAL (
        -- what an object's definition references
        SELECT d.refclassid, d.refobjid FROM pg_depend d
        WHERE d.classid = r.classid AND d.objid = r.objid
          AND (d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass, 'pg_type'::regclass)
               -- a composite type is its relation's row
               OR d.refclassid = 'pg_class'::regclass AND d.classid = 'pg_type'::regclass)
        UNION ALL
        -- an operator runs its function
        SELECT 'pg_proc'::regclass, o.oprcode::oid FROM pg_operator o
        WHERE r.classid = 'pg_operator'::regclass AND o.oid = r.objid AND o.oprcode <> 0
        UNION ALL
        -- a domain checks its constraints (whose expressions pg_depend holds)
        SELECT 'pg_constraint'::regclass, c.oid FROM pg_constraint c
        WHERE r.classid = 'pg_type'::regclass AND c.contypid = r.objid
        UNION ALL
        -- a composite type's relation has its columns' types
        SELECT 'pg_type'::regclass, a.atttypid FROM pg_attribute a
        WHERE r.classid = 'pg_class'::regclass AND a.attrelid = r.objid AND a.attnum > 0 AND NOT a.attisdropped
          AND EXISTS (SELECT FROM pg_class c WHERE c.oid = r.objid AND c.relkind = 'c')) e
)
SELECT format('function %s of %s, in %s', p.oid::regprocedure, pg_get_userbyid(p.proowner), r.origin)
FROM reached r
JOIN pg_proc p ON p.oid = r.objid
JOIN pg_language l ON l.oid = p.prolang
WHERE r.classid = 'pg_proc'::regclass
  AND l.lanpltrusted
  AND NOT EXISTS (SELECT FROM pg_roles o WHERE o.oid = p.proowner AND o.rolsuper)
ORDER BY r.origin, p.oid
LIMIT 1 $$;

REVOKE ALL ON FUNCTION campmon._repack_foreign_code(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._repack_foreign_code(regclass) TO campmon_reader, pg_monitor;

-- pg_repack's leftovers, recognised by what pg_repack itself creates, never
-- by a name a user may choose: triggers that call pg_repack's own trigger
-- function, and the log_<oid> and table_<oid> tables and pk_<oid> types in
-- pg_repack's own schema (members of the extension pg_repack, where only
-- the superuser who created it may create anything).  A table owner's own
-- trigger named repack_trigger is not one.
CREATE OR REPLACE FUNCTION campmon._repack_leftovers()
RETURNS TABLE (table_relid oid, target text, objects text[])
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH members AS (
        SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
        WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'pg_repack'
    ),
    repack_schema AS (
        SELECT n.oid AS nsp FROM pg_namespace n
        JOIN members m ON m.classid = 'pg_namespace'::regclass AND m.objid = n.oid
        WHERE n.nspname = 'repack'
    ),
    trigger_function AS (
        SELECT p.oid FROM pg_proc p JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
        WHERE p.proname = 'repack_trigger'
    ),
    left_behind AS (
        -- the trigger on the table being repacked
        SELECT t.tgrelid::text::numeric AS relid, format('trigger %I on %s', t.tgname, t.tgrelid::regclass) AS object
        FROM pg_trigger t JOIN trigger_function f ON f.oid = t.tgfoid
        UNION ALL
        -- its copy and its log, named after its OID
        SELECT substring(c.relname FROM '^(?:log|table)_([0-9]+)$')::numeric,
               format('%I.%I', n.nspname, c.relname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN repack_schema r ON r.nsp = c.relnamespace
        WHERE c.relkind = 'r' AND c.relname ~ '^(log|table)_[0-9]{1,10}$'
        UNION ALL
        -- the type of its primary key
        SELECT substring(t.typname FROM '^pk_([0-9]+)$')::numeric, format('type %I.%I', n.nspname, t.typname)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        JOIN repack_schema r ON r.nsp = t.typnamespace
        WHERE t.typtype = 'c' AND t.typname ~ '^pk_[0-9]{1,10}$'
    )
    SELECT l.relid::text::oid,
           coalesce(format('%I.%I', n.nspname, c.relname), format('(dropped table %s)', l.relid)),
           array_agg(l.object ORDER BY l.object)
    FROM left_behind l
    LEFT JOIN pg_class c ON c.oid = l.relid::text::oid
    LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE l.relid <= 4294967295
      -- not while a pg_repack works on the table: it holds its advisory
      -- lock (16185446, OID - 2^31) for as long as it does
      AND NOT EXISTS (SELECT FROM pg_locks k
                      WHERE k.locktype = 'advisory' AND k.classid = 16185446 AND k.objsubid = 2 AND k.granted
                        AND k.objid = ((l.relid + 2147483648) % 4294967296)::text::oid
                        AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database()))
    GROUP BY 1, 2
$$;

REVOKE ALL ON FUNCTION campmon._repack_leftovers() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._repack_leftovers() TO campmon_reader, pg_monitor;

-- Clean what an interrupted pg_repack left on one table (NULL: on every
-- table), as pg_repack's own client cleans up after an error:
-- repack.repack_drop(table, 4) drops its log, its type, its trigger and its
-- copy.  A table a pg_repack is working on is left alone: pg_repack holds
-- an advisory lock on it (16185446, OID - 2^31) for as long as it works,
-- and this takes the same lock first.  Leftovers of a dropped table are
-- dropped by name.  The run's REPACK cleanup steps call it; so does the
-- worker after it stopped a REPACK step.  pg_repack's objects are a
-- superuser's: so is this.
CREATE OR REPLACE FUNCTION campmon.clean_repack_leftovers(rel regclass DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    l record;
    key integer;
    cleaned text[] := '{}';
    busy text[] := '{}';
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'permission denied to clean pg_repack''s leftovers' USING ERRCODE = 'insufficient_privilege',
            DETAIL = 'pg_repack''s objects belong to the superuser who ran it, and its cleanup function is a superuser''s.',
            HINT = 'Run it as a superuser (the nightly job''s role).';
    END IF;
    FOR l IN SELECT * FROM campmon._repack_leftovers() x WHERE rel IS NULL OR x.table_relid = rel ORDER BY 1 LOOP
        key := (l.table_relid::bigint - 2147483648)::integer;
        IF NOT pg_try_advisory_lock(16185446, key) THEN
            busy := busy || l.target;
            CONTINUE;
        END IF;
        BEGIN
            IF EXISTS (SELECT FROM pg_class WHERE oid = l.table_relid) THEN
                PERFORM repack.repack_drop(l.table_relid, 4);
            ELSE
                EXECUTE format('DROP TABLE IF EXISTS repack.%I, repack.%I CASCADE',
                               'log_' || l.table_relid, 'table_' || l.table_relid);
                EXECUTE format('DROP TYPE IF EXISTS repack.%I', 'pk_' || l.table_relid);
            END IF;
        EXCEPTION WHEN OTHERS THEN
            PERFORM pg_advisory_unlock(16185446, key);
            RAISE;
        END;
        PERFORM pg_advisory_unlock(16185446, key);
        cleaned := cleaned || l.target;
    END LOOP;
    RETURN CASE WHEN cardinality(cleaned) = 0 AND cardinality(busy) = 0 THEN 'no pg_repack leftovers'
                ELSE concat_ws('; ',
                               CASE WHEN cardinality(cleaned) > 0 THEN 'cleaned ' || array_to_string(cleaned, ', ') END,
                               CASE WHEN cardinality(busy) > 0 THEN 'left alone, a pg_repack works on it: ' || array_to_string(busy, ', ') END)
           END;
END $fn$;

COMMENT ON FUNCTION campmon.clean_repack_leftovers(regclass) IS
'Drop what an interrupted pg_repack left on a table (NULL: every table), as pg_repack cleans up; not while a pg_repack works on it';

REVOKE ALL ON FUNCTION campmon.clean_repack_leftovers(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.clean_repack_leftovers(regclass) TO campmon_admin;

-- ==== src/sql/check_registry.sql

/*
 * check_registry.sql -- the list of campmon's checks: one row per
 * check_name that campmon.checks may emit, with what it watches, when it
 * is ok, warning or critical, the settings that set its thresholds, where
 * the rule comes from and what the DBA should do.  Each check's file
 * (src/sql/checks/) registers its rows (campmon._register_check), and
 * campmon.checks calls each producer the registry names; doc/checks.md is
 * generated from it (scripts/checks_doc.sh).  Rows come with the
 * extension, so they are not dumped.
 */

CREATE TABLE campmon.check_definitions (
    check_name   text PRIMARY KEY CHECK (check_name ~ '^[a-z][a-z0-9_]*$'),
    category     text NOT NULL CHECK (category IN ('bloat', 'work tables', 'cleanup', 'workflows', 'deliveries',
                                                   'purge', 'sequences', 'indexes', 'vacuum', 'wraparound',
                                                   'trends', 'configuration', 'maintenance', 'repack')),
    watches      text NOT NULL,         -- what it watches, in a sentence
    statuses     text NOT NULL,         -- when it is ok, warning, critical
    settings     text[] NOT NULL DEFAULT '{}',  -- the settings (or tables) that set its thresholds
    source       text NOT NULL,         -- where the rule comes from (Adobe's page, PostgreSQL's documentation), in words
    advice       text NOT NULL,         -- what the DBA should do about it
    produced_by  text NOT NULL CHECK (produced_by ~ '^campmon\._check_[a-z0-9_]+$'),  -- the function whose rows these are
    run_order    integer NOT NULL       -- producers run in this order (their rows come out in it)
);

COMMENT ON TABLE campmon.check_definitions IS
'Every check campmon.checks may emit: category, what it watches, statuses, threshold settings, source, advice, and the function that produces it (doc/checks.md)';

REVOKE ALL ON campmon.check_definitions FROM PUBLIC;
GRANT SELECT ON campmon.check_definitions TO campmon_reader, pg_monitor;

-- ==== src/sql/campaign_facts.sql

/*
 * campaign_facts.sql -- what the Campaign checks (src/sql/checks/) read
 * of a Campaign schema: the schemas that hold Campaign's tables with the
 * xtkoption and xtkworkflow tables safe to read (campmon._unsafe_to_read:
 * reading them runs no one's code), the cleanup's last run, the log tables
 * a purge rule covers, and a row count that never scans a large table.
 */

-- The work-table schemas that hold Campaign's tables (an xtkoption, an
-- xtkworkflow or an nmsdelivery), with their xtkoption and xtkworkflow
-- (opt_table, wf_table), and the same when they may be read (opt, wf: NULL
-- with a problem saying why when not -- a view, a policy, a type of
-- someone's, or no SELECT).
CREATE OR REPLACE FUNCTION campmon._campaign_schemas()
RETURNS TABLE (schema_name text, opt regclass, wf regclass, opt_table regclass, wf_table regclass,
               opt_problem text, wf_problem text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    s text;
    o regclass;
    w regclass;
    op text;
    wp text;
BEGIN
    FOREACH s IN ARRAY campmon._work_table_schemas() LOOP
        o := to_regclass(format('%I.xtkoption', s));
        w := to_regclass(format('%I.xtkworkflow', s));
        CONTINUE WHEN o IS NULL AND w IS NULL AND to_regclass(format('%I.nmsdelivery', s)) IS NULL;
        op := CASE WHEN o IS NOT NULL THEN
                       coalesce(campmon._unsafe_to_read(o, 'sname'::text || campmon._option_columns()),
                                CASE WHEN NOT has_table_privilege(o, 'SELECT') THEN format('%s may not be read by %s', o, current_user) END)
              END;
        wp := CASE WHEN w IS NOT NULL THEN campmon._unsafe_to_read(w, ARRAY['sinternalname', 'istate', 'ifailed']) END;
        schema_name := s;
        opt := CASE WHEN op IS NULL THEN o END;
        wf := CASE WHEN wp IS NULL THEN w END;
        opt_table := o;
        wf_table := w;
        opt_problem := op;
        wf_problem := wp;
        RETURN NEXT;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._campaign_schemas() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._campaign_schemas() TO campmon_reader, pg_monitor;

-- Rows of rel matching predicate (built by campmon, never from
-- configuration), without a full scan of a large table: counted when the
-- table is small (128 pages at most), through an index whose first column
-- is key_column (up to 100,000 rows), else estimated from a sample of
-- about 100 pages.  how says which.
CREATE OR REPLACE FUNCTION campmon._estimate_rows(rel regclass, predicate text, key_column text)
RETURNS TABLE (estimate numeric, how text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET enable_seqscan = off
AS $fn$
DECLARE
    pages bigint := pg_relation_size(rel) / 8192;
    n bigint;
    sampled bigint;
    pct numeric;
BEGIN
    IF rel IS NULL OR predicate IS NULL THEN
        RAISE EXCEPTION 'rel and predicate must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF pages <= 128 THEN
        EXECUTE format('SELECT count(*) FROM %s WHERE %s', rel, predicate) INTO n;
        RETURN QUERY SELECT n::numeric, 'counted'::text;
        RETURN;
    END IF;
    IF key_column IS NOT NULL AND EXISTS (
            SELECT FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
            WHERE i.indrelid = rel AND a.attname = key_column AND am.amname = 'btree' AND i.indisvalid
              AND i.indpred IS NULL) THEN
        EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT 100001) x', rel, predicate) INTO n;
        IF n <= 100000 THEN
            RETURN QUERY SELECT n::numeric, format('counted through an index on %s', key_column);
            RETURN;
        END IF;
    END IF;
    pct := least(100.0, round(100.0 * 100 / pages, 6));
    EXECUTE format('SELECT count(*) FILTER (WHERE %s), count(*) FROM %s TABLESAMPLE SYSTEM (%s) REPEATABLE (1)',
                   predicate, rel, pct) INTO n, sampled;
    RETURN QUERY SELECT round(n * 100.0 / pct), format('estimated from a sample of about 100 pages (%s of %s rows matched)', n, sampled);
END $fn$;

REVOKE ALL ON FUNCTION campmon._estimate_rows(regclass,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._estimate_rows(regclass,text,text) TO campmon_reader, pg_monitor;

-- The cleanup's last run (NmsCleanup_LastCleanup), NULL when unknown.
CREATE OR REPLACE FUNCTION campmon._last_cleanup(opt regclass) RETURNS timestamptz
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    v text;
BEGIN
    SELECT o.value INTO v FROM campmon._option(opt, 'NmsCleanup_LastCleanup') o;
    RETURN v::timestamptz;
EXCEPTION WHEN data_exception THEN
    RETURN NULL;
END $fn$;

REVOKE ALL ON FUNCTION campmon._last_cleanup(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._last_cleanup(regclass) TO campmon_reader, pg_monitor;

-- The log tables a purge rule covers in schema s: those the delivery
-- mappings name (mapping_columns of nmsdeliverymapping; a schema name such
-- as nms:broadLogRcp is table nmsbroadlogrcp) plus extra_schemas; with no
-- readable mapping table (or a rule without mapping columns), the tables
-- whose name matches the rule's pattern.  found_by says which.
CREATE OR REPLACE FUNCTION campmon._purge_tables(s text, r campmon.purge_rule)
RETURNS TABLE (rel regclass, found_by text)
LANGUAGE plpgsql STABLE
ROWS 5
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    mapping regclass := to_regclass(format('%I.nmsdeliverymapping', s));
    cols text[];
    problem text;
    names text[];
BEGIN
    IF mapping IS NOT NULL AND r.mapping_columns IS NOT NULL THEN
        SELECT array_agg(c ORDER BY k) INTO cols FROM unnest(r.mapping_columns) WITH ORDINALITY u(c, k)
        WHERE campmon._has_column(mapping, c);
        problem := coalesce(CASE WHEN cols IS NULL THEN format('%s has none of the columns %s', mapping, array_to_string(r.mapping_columns, ', ')) END,
                            campmon._unsafe_to_read(mapping, cols),
                            CASE WHEN NOT has_table_privilege(mapping, 'SELECT') THEN format('%s may not be read by %s', mapping, current_user) END);
        IF problem IS NULL THEN
            EXECUTE format('SELECT array_agg(DISTINCT lower(replace(trim(x.v), '':'', ''''))) FROM %s m CROSS JOIN LATERAL (VALUES %s) x(v) WHERE nullif(trim(x.v), '''') IS NOT NULL',
                           mapping, (SELECT string_agg(format('(m.%I::text)', c), ', ') FROM unnest(cols) c))
                INTO names;
            RETURN QUERY
            SELECT c.oid::regclass,
                   CASE WHEN t.name = ANY (coalesce(names, '{}')) THEN format('named by %s (%s)', mapping, array_to_string(cols, ', '))
                        ELSE 'always purged (not in the delivery mappings)' END
            FROM (SELECT unnest(coalesce(names, '{}')) AS name
                  UNION SELECT lower(replace(e, ':', '')) FROM unnest(r.extra_schemas) e) t
            JOIN pg_namespace n ON n.nspname = s
            JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t.name AND c.relkind IN ('r', 'p')
            ORDER BY c.relname;
            RETURN;
        END IF;
        problem := format('%s is not used (%s)', mapping, problem);
    END IF;
    -- the pattern's literal prefix narrows the names first (a LIKE on
    -- 50,000 names costs a tenth of the regular expression); a pattern
    -- with alternatives may match names without it
    RETURN QUERY
    SELECT c.oid::regclass,
           CASE WHEN r.mapping_columns IS NULL THEN format('found by the name pattern %s', r.pattern)
                ELSE format('%s: found by the name pattern %s', coalesce(problem, 'no delivery mapping table'), r.pattern) END
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = s AND c.relkind IN ('r', 'p')
      AND c.relname LIKE CASE WHEN strpos(r.pattern, '|') > 0 THEN '%' ELSE campmon._like_prefix(r.pattern) END
      AND c.relname ~ r.pattern
    ORDER BY c.relname;
END $fn$;

REVOKE ALL ON FUNCTION campmon._purge_tables(text,campmon.purge_rule) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._purge_tables(text,campmon.purge_rule) TO campmon_reader, pg_monitor;

-- ==== src/sql/key_sequences.sql

/*
 * key_sequences.sql -- campmon.key_sequences: the sequences behind
 * Campaign's keys in the work-table schemas, how far each has gone towards
 * the wrap of the keys it feeds, and how campmon found it.  Campaign's keys
 * are 32-bit (Adobe, "Key management in schemas", "Data model best
 * practices"): XtkNewId is shared, the delivery and tracking logs have
 * NmsBroadLogId and NmsTrackingLogId, any schema may name its own
 * pkSequence, which comes with a function GetNew<Name>Ids.  A sequence is a
 * key sequence when
 *   - its name matches campmon.sequence_rule (seeded with those names),
 *   - a function getnew<name>ids exists in its schema (Campaign's rule), or
 *   - an integer column's default calls it (serial, identity, nextval).
 * The keys wrap at the smallest of the types it feeds (32-bit for Campaign's
 * own) and of the sequence's own maximum.  Reading it runs no one's code:
 * catalogs and pg_sequences only.
 */

-- One row per key sequence of the work-table schemas.  wrap_at: the
-- identifiers there are before the wrap (2^31 for 32-bit keys); used: those
-- handed out (a negative last_value, after a switch to negative ids, counts
-- the negative half consumed: last_value + wrap_at); last_value NULL when
-- never used or not readable (readable says which).
CREATE OR REPLACE FUNCTION campmon._key_sequences()
RETURNS TABLE (schema_name text, sequence_name text, sequence_relid oid, found_by text, key_type text,
               wrap_at numeric, last_value bigint, used numeric, used_pct numeric, readable boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH seq AS MATERIALIZED (
    -- from pg_sequence (a few rows), not from the 50,000 of pg_class
    SELECT c.oid, n.nspname::text AS nsp, c.relname::text AS name, s.seqmax, s.seqtypid
    FROM pg_sequence s
    JOIN pg_class c ON c.oid = s.seqrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY (campmon._work_table_schemas())
),
-- the columns whose defaults call the sequence (nextval in a default, or an
-- identity column's own sequence)
fed AS (
    SELECT q.oid, a.atttypid, format('%s.%I', a.attrelid::regclass, a.attname) AS col
    FROM seq q
    JOIN pg_depend d ON d.refobjid = q.oid AND d.refclassid = 'pg_class'::regclass AND d.classid = 'pg_attrdef'::regclass
    JOIN pg_attrdef ad ON ad.oid = d.objid
    JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
    UNION
    SELECT q.oid, a.atttypid, format('%s.%I (identity)', a.attrelid::regclass, a.attname)
    FROM seq q
    JOIN pg_depend d ON d.objid = q.oid AND d.classid = 'pg_class'::regclass AND d.deptype = 'i'
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid AND a.attidentity <> ''
),
found AS (
    SELECT q.oid,
           -- how it was found, in the order of the rules above
           (SELECT r.pattern FROM campmon.sequence_rule r
            WHERE q.name ~ r.pattern
              -- a rule a non-superuser wrote covers the sequences that role may read
              AND campmon._editor_may_read(r.edited_by, q.oid)
            ORDER BY r.seeded, r.pattern LIMIT 1) AS rule,
           (SELECT r.key_type FROM campmon.sequence_rule r
            WHERE q.name ~ r.pattern
              AND campmon._editor_may_read(r.edited_by, q.oid)
            ORDER BY r.seeded, r.pattern LIMIT 1) AS rule_type,
           (SELECT p.proname::text FROM pg_proc p JOIN pg_namespace pn ON pn.oid = p.pronamespace
            WHERE pn.nspname = q.nsp AND p.proname IN ('getnew' || q.name || 's', 'getnew' || q.name || 'ids')
            ORDER BY p.proname LIMIT 1) AS getnew,
           (SELECT string_agg(f.col, ', ' ORDER BY f.col) FROM fed f WHERE f.oid = q.oid AND f.atttypid IN (20, 21, 23)) AS cols,
           (SELECT min(CASE f.atttypid WHEN 21 THEN 1 WHEN 23 THEN 2 WHEN 20 THEN 3 END) FROM fed f WHERE f.oid = q.oid) AS col_type
    FROM seq q
),
typed AS (
    SELECT q.*, f.rule, f.getnew, f.cols,
           -- the narrowest type among the columns it feeds, Campaign's 32 bits
           -- for the sequences Campaign names, else the sequence's own type
           coalesce(f.col_type,
                    CASE f.rule_type WHEN 'smallint' THEN 1 WHEN 'integer' THEN 2 WHEN 'bigint' THEN 3 END,
                    CASE WHEN f.getnew IS NOT NULL THEN 2 END,
                    CASE q.seqtypid WHEN 21 THEN 1 WHEN 23 THEN 2 ELSE 3 END) AS width,
           concat_ws('; ',
                     CASE WHEN f.rule IS NOT NULL THEN format('its name (campmon.sequence_rule %s)', f.rule) END,
                     CASE WHEN f.getnew IS NOT NULL THEN format('Campaign''s function %s', f.getnew) END,
                     CASE WHEN f.cols IS NOT NULL THEN format('the default of %s', f.cols) END) AS how
    FROM seq q JOIN found f ON f.oid = q.oid
    WHERE f.rule IS NOT NULL OR f.getnew IS NOT NULL OR f.cols IS NOT NULL
)
SELECT t.nsp, t.name, t.oid, t.how,
       (ARRAY['smallint', 'integer', 'bigint'])[t.width],
       w.wrap_at, ps.last_value,
       CASE WHEN ps.last_value IS NULL THEN 0
            WHEN ps.last_value < 0 THEN ps.last_value + w.wrap_at
            ELSE ps.last_value END,
       round(100 * CASE WHEN ps.last_value IS NULL THEN 0
                        WHEN ps.last_value < 0 THEN ps.last_value + w.wrap_at
                        ELSE ps.last_value END / w.wrap_at, 2),
       has_sequence_privilege(t.oid, 'SELECT') OR has_sequence_privilege(t.oid, 'USAGE')
FROM typed t
CROSS JOIN LATERAL (SELECT greatest(least((ARRAY[32768::numeric, 2147483648, 9223372036854775808])[t.width],
                                          t.seqmax::numeric + 1), 1) AS wrap_at) w
LEFT JOIN pg_sequences ps ON ps.schemaname = t.nsp AND ps.sequencename = t.name
ORDER BY 1, 2 $$;

REVOKE ALL ON FUNCTION campmon._key_sequences() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._key_sequences() TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.key_sequences AS
SELECT * FROM campmon._key_sequences();

COMMENT ON VIEW campmon.key_sequences IS
'The sequences behind Campaign''s keys in the work-table schemas (by name, GetNew<Name>Ids function, or integer column default): identifiers before the wrap, used, percent used (doc/campaign_rules.md)';

REVOKE ALL ON campmon.key_sequences FROM PUBLIC;
GRANT SELECT ON campmon.key_sequences TO campmon_reader, pg_monitor;

-- ==== src/sql/instance_roles.sql

/*
 * instance_roles.sql -- what kind of Campaign instance a schema holds:
 * marketing, Message Center execution, Message Center control, mid-sourcing
 * (Adobe: "Technical workflows", "Transactional messaging architecture",
 * "Tables to maintain").  Each role has its own technical workflows
 * (campmon.technical_workflow.roles), so campmon must know which to expect.
 * The roles are detected from the signs campmon.instance_role_sign lists --
 * a table holding rows (pg_class.reltuples: no scan), a workflow of the
 * role's packages, an option -- or forced by campmon.instance_roles.  A
 * Campaign schema that shows no sign of any role is taken for a marketing
 * instance, and the reason says it was assumed.
 */

-- The roles of the instance whose Campaign tables are in schema s (wf, opt:
-- its xtkworkflow and xtkoption, already judged safe to read, or NULL).
CREATE OR REPLACE FUNCTION campmon._instance_roles(s text, wf regclass, opt regclass)
RETURNS TABLE (role text, how text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    forced text;
    sg record;
    rel regclass;
    present boolean;
    names text[] := '{}';
    found_roles text[] := '{}';
    found_signs text[] := '{}';
BEGIN
    PERFORM campmon.version();      -- defines the campmon.* settings
    forced := current_setting('campmon.instance_roles');
    IF forced <> '' THEN
        RETURN QUERY
        SELECT x.r, 'set by campmon.instance_roles'::text
        -- read as the setting's check did: quotes dropped, case folded
        FROM (SELECT DISTINCT lower(trim(both ' "' FROM u)) AS r FROM unnest(string_to_array(forced, ',')) u) x
        WHERE x.r <> '' ORDER BY 1;
        RETURN;
    END IF;
    -- the workflows that exist, read once
    IF wf IS NOT NULL AND campmon._has_column(wf, 'sinternalname') THEN
        EXECUTE format('SELECT coalesce(array_agg(DISTINCT w.sinternalname::text), ''{}'') FROM %s w WHERE w.sinternalname = ANY ($1) OR w.sinternalname::text LIKE ANY ($2)', wf)
            INTO names
            USING (SELECT array_agg(g.name) FROM campmon.instance_role_sign g WHERE g.kind = 'workflow'),
                  (SELECT array_agg(replace(replace(replace(g.name, '\', '\\'), '%', '\%'), '_', '\_') || '%')
                   FROM campmon.instance_role_sign g WHERE g.kind = 'workflow_prefix');
    END IF;
    FOR sg IN SELECT * FROM campmon.instance_role_sign ORDER BY role, kind, name LOOP
        present := false;
        IF sg.kind = 'table_rows' THEN
            rel := to_regclass(format('%I.%I', s, sg.name));
            present := EXISTS (SELECT FROM pg_class c WHERE c.oid = rel AND c.relkind IN ('r', 'p')
                               AND (c.reltuples > 0 OR (c.reltuples < 0 AND c.relpages > 0)));
        ELSIF sg.kind = 'workflow' THEN
            present := sg.name = ANY (names);
        ELSIF sg.kind = 'workflow_prefix' THEN
            present := EXISTS (SELECT FROM unnest(names) n WHERE left(n, length(sg.name)) = sg.name);
        ELSIF sg.kind = 'option' THEN
            present := (SELECT o.found FROM campmon._option(opt, sg.name) o);
        END IF;
        IF present THEN
            found_roles := found_roles || sg.role;
            found_signs := found_signs || CASE sg.kind WHEN 'table_rows' THEN format('%s has rows', sg.name)
                                                       WHEN 'workflow' THEN format('workflow %s', sg.name)
                                                       WHEN 'workflow_prefix' THEN format('workflow %s...', sg.name)
                                                       ELSE format('option %s', sg.name) END;
        END IF;
    END LOOP;
    IF cardinality(found_roles) = 0 THEN
        RETURN QUERY SELECT 'marketing'::text, 'assumed: no sign of any role (campmon.instance_role_sign)'::text;
        RETURN;
    END IF;
    RETURN QUERY SELECT x.r, 'detected: ' || string_agg(x.sg, ', ' ORDER BY x.sg)
                 FROM unnest(found_roles, found_signs) x(r, sg) GROUP BY x.r ORDER BY x.r;
END $fn$;

REVOKE ALL ON FUNCTION campmon._instance_roles(text,regclass,regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._instance_roles(text,regclass,regclass) TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.instance_roles AS
SELECT c.schema_name, r.role, r.how
FROM campmon._campaign_schemas() c
CROSS JOIN LATERAL campmon._instance_roles(c.schema_name, c.wf, c.opt) r;

COMMENT ON VIEW campmon.instance_roles IS
'The role of the Campaign instance in each Campaign schema (marketing, execution, control, mid_sourcing): forced by campmon.instance_roles, else detected from campmon.instance_role_sign, else marketing assumed; how says which';

REVOKE ALL ON campmon.instance_roles FROM PUBLIC;
GRANT SELECT ON campmon.instance_roles TO campmon_reader, pg_monitor;

-- ==== src/sql/cadence_due.sql

/*
 * cadence_due.sql -- which tables a maintenance cadence
 * (campmon.maintenance_cadence) applies to, when each was last re-indexed,
 * rebuilt or vacuumed, and whether that is overdue: what the check
 * maintenance_overdue reports and what plan() plans below the bloat
 * thresholds.
 *
 * When something was last done comes from campmon's history (a step done by
 * a run that was not a dry run): a table's re-index is as old as its least
 * recently rebuilt B-tree index (REINDEX INDEX CONCURRENTLY of it, found by
 * its name, or a rebuild of the table: REPACK, VACUUM (FULL)); a vacuum
 * also counts PostgreSQL's own record of the table's last manual and
 * automatic vacuum.  What campmon did not see (a rebuild by hand) is not
 * known: when nothing is recorded, a cadence is overdue only once campmon's
 * history is older than the cadence, and the message says "not recorded".
 * Tables smaller than campmon.reindex_min_size are left out (nothing to
 * gain), as are tables of other roles for a cadence a non-superuser wrote
 * and tables the caller may not measure (campmon.tables' rule).
 */

CREATE OR REPLACE FUNCTION campmon._cadence_due()
RETURNS TABLE (relid oid, schema_name text, table_name text, family text, maintenance text,
               every interval, source text, last_done timestamptz, last_how text,
               history_since timestamptz, overdue boolean, due_indexes oid[])
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
#variable_conflict use_column
BEGIN
-- plpgsql: installed before the history's tables (runs.sql), read at run time
RETURN QUERY
-- the steps that count, within the longest cadence (older ones are overdue
-- anyway): not the drops, tens of thousands a night on a neglected database
WITH hist AS MATERIALIZED (
    SELECT s.action, s.target, s.target_relid, max(s.finished_at) AS at
    FROM campmon.run_step s JOIN campmon.run r USING (run_id)
    WHERE s.outcome = 'done' AND NOT r.dry_run
      AND s.action IN ('REINDEX INDEX CONCURRENTLY', 'REPACK', 'VACUUM (FULL)', 'VACUUM', 'VACUUM (FREEZE)')
      AND s.finished_at >= now() - (SELECT coalesce(max(m.every), interval '0') FROM campmon.maintenance_cadence m)
    GROUP BY 1, 2, 3
),
since AS (SELECT min(r.started_at) AS at FROM campmon.run r WHERE NOT r.dry_run),
t AS (
    SELECT c.oid, n.nspname::text AS nsp, c.relname::text AS rel, c.relowner,
           campmon.family_of(n.nspname, c.relname) AS fam
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname !~ '^pg_temp_' AND n.nspname <> 'campmon'
      -- the tables the caller may measure (campmon.tables' rule)
      AND (pg_has_role(current_user, 'pg_stat_scan_tables', 'USAGE') OR has_table_privilege(c.oid, 'SELECT'))
),
-- the cadence of each table and maintenance: the lowest priority, then the shortest
applies AS (
    SELECT DISTINCT ON (t.oid, m.maintenance) t.*, m.maintenance, m.every, m.source
    FROM t JOIN campmon.maintenance_cadence m
      ON (m.family = t.fam OR t.rel ~ m.table_pattern)
     AND (campmon._editor_trusted(m.edited_by)
          OR (EXISTS (SELECT FROM pg_roles ro WHERE ro.rolname = m.edited_by)
              AND pg_has_role(m.edited_by, t.relowner, 'USAGE')))
    ORDER BY t.oid, m.maintenance, m.priority, m.every NULLS LAST
),
-- large enough to count, from the files: no lock (a table someone holds
-- ACCESS EXCLUSIVE must not make plan() wait), and only for the tables a
-- cadence names
sized AS (
    SELECT a.* FROM applies a
    WHERE campmon._total_bytes(a.oid) >= (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.reindex_min_size')
),
rebuilt AS (
    SELECT a.oid, max(h.at) AS at, (array_agg(h.action ORDER BY h.at DESC))[1] AS how
    FROM sized a JOIN hist h ON h.target_relid = a.oid AND h.action IN ('REPACK', 'VACUUM (FULL)')
    GROUP BY a.oid
),
idx AS (
    SELECT a.oid, i.indexrelid,
           greatest((SELECT max(h.at) FROM hist h WHERE h.action = 'REINDEX INDEX CONCURRENTLY'
                     AND h.target = format('%I.%I', a.nsp, ic.relname)),
                    (SELECT rb.at FROM rebuilt rb WHERE rb.oid = a.oid)) AS at
    FROM sized a JOIN pg_index i ON i.indrelid = a.oid AND i.indisvalid
    JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
    WHERE a.maintenance = 'reindex'
),
last AS (
    SELECT a.*,
           CASE a.maintenance
               WHEN 'rebuild' THEN (SELECT rb.at FROM rebuilt rb WHERE rb.oid = a.oid)
               WHEN 'reindex' THEN (SELECT CASE WHEN bool_and(x.at IS NOT NULL) THEN min(x.at) END FROM idx x WHERE x.oid = a.oid)
               ELSE greatest((SELECT max(h.at) FROM hist h WHERE h.target_relid = a.oid
                              AND h.action IN ('VACUUM', 'VACUUM (FREEZE)', 'VACUUM (FULL)', 'REPACK')),
                             pg_stat_get_last_vacuum_time(a.oid), pg_stat_get_last_autovacuum_time(a.oid)) END AS done_at,
           CASE a.maintenance
               WHEN 'rebuild' THEN (SELECT format('%s (campmon.history)', rb.how) FROM rebuilt rb WHERE rb.oid = a.oid)
               WHEN 'reindex' THEN 'REINDEX of its least recently rebuilt index, or a rebuild of the table (campmon.history)'
               ELSE 'the latest of campmon.history''s VACUUM and PostgreSQL''s last vacuum and autovacuum' END AS how
    FROM sized a
    WHERE a.every IS NOT NULL
      -- nothing to re-index in a table without a B-tree
      AND (a.maintenance <> 'reindex' OR EXISTS (SELECT FROM idx x WHERE x.oid = a.oid))
)
SELECT l.oid, l.nsp, l.rel, l.fam, l.maintenance, l.every, l.source, l.done_at,
       CASE WHEN l.done_at IS NOT NULL THEN l.how END,
       (SELECT at FROM since),
       coalesce(l.done_at, (SELECT at FROM since), 'infinity') < now() - l.every,
       CASE WHEN l.maintenance = 'reindex'
            THEN ARRAY(SELECT x.indexrelid FROM idx x WHERE x.oid = l.oid
                         AND coalesce(x.at, (SELECT at FROM since), 'infinity') < now() - l.every
                       ORDER BY x.indexrelid) END
FROM last l
ORDER BY l.nsp, l.rel, l.maintenance;
END $fn$;

REVOKE ALL ON FUNCTION campmon._cadence_due() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._cadence_due() TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.maintenance_due AS SELECT * FROM campmon._cadence_due();

COMMENT ON VIEW campmon.maintenance_due IS
'Per table and maintenance a cadence of campmon.maintenance_cadence applies to: when it was last done (campmon.history, PostgreSQL''s last vacuums), and whether it is overdue; plan() plans the overdue ones';

REVOKE ALL ON campmon.maintenance_due FROM PUBLIC;
GRANT SELECT ON campmon.maintenance_due TO campmon_reader, pg_monitor;

-- ==== src/sql/checks.sql

/*
 * checks.sql -- campmon.checks: the alerts, one row per check and target
 * with a status (ok, warning, critical), a value and a message that says
 * what to do.  Check names and columns are stable: BI tools read them.
 *
 * The checks themselves live one file per check or small family of checks
 * under src/sql/checks/, each with a producer function campmon._check_<x>()
 * returning rows of campmon.checks and its rows in the registry
 * (campmon.check_definitions, check_registry.sql).  campmon.checks is the
 * registry's producers, called in their order: a list and a loop.
 */

-- A check's row in the registry (the check files call it as they are
-- installed or updated: the registry follows the code).
CREATE OR REPLACE FUNCTION campmon._register_check(check_name text, category text, watches text, statuses text,
                                                   settings text[], source text, advice text,
                                                   produced_by text, run_order integer)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
INSERT INTO campmon.check_definitions AS d
VALUES (check_name, category, watches, statuses, coalesce(settings, '{}'), source, advice, produced_by, run_order)
ON CONFLICT ON CONSTRAINT check_definitions_pkey DO UPDATE
SET category = EXCLUDED.category, watches = EXCLUDED.watches, statuses = EXCLUDED.statuses,
    settings = EXCLUDED.settings, source = EXCLUDED.source, advice = EXCLUDED.advice,
    produced_by = EXCLUDED.produced_by, run_order = EXCLUDED.run_order $$;

REVOKE ALL ON FUNCTION campmon._register_check(text,text,text,text,text[],text,text,text,integer) FROM PUBLIC;

-- Every producer of the registry, in its order.  A producer that fails (a
-- Campaign table of an unexpected shape, say) gives a check_failed row and
-- the others still answer; a cancel or a statement timeout still stops all.
CREATE OR REPLACE FUNCTION campmon._checks()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '2MB'
AS $fn$
DECLARE
    producer text;
BEGIN
    FOR producer IN SELECT d.produced_by FROM campmon.check_definitions d
                    GROUP BY d.produced_by ORDER BY min(d.run_order), d.produced_by LOOP
        BEGIN
            RETURN QUERY EXECUTE format('SELECT * FROM %s()', producer);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'check_failed'::text, 'warning'::text, 'function:' || producer, NULL::numeric, NULL::numeric,
                format('%s could not run: %s', producer, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._checks() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._checks() TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.checks AS
SELECT * FROM campmon._checks();

COMMENT ON VIEW campmon.checks IS
'Alert rows (check_name, status ok|warning|critical, target, value, threshold, message), one producer per check or family of checks as campmon.check_definitions lists them (doc/checks.md)';

REVOKE ALL ON campmon.checks FROM PUBLIC;
GRANT SELECT ON campmon.checks TO campmon_reader, pg_monitor;

SELECT campmon._register_check('check_failed', 'configuration',
    'A check that could not run at all (an error inside its producer): the other checks still answer',
    'warning when a producer failed; the row names it and the error',
    NULL, 'campmon itself',
    'Read the error: a Campaign table of an unexpected shape, a missing privilege; report it if it is campmon''s',
    'campmon._check_failed', 1000);

-- check_failed has no producer of its own (the loop writes it): an empty one
CREATE OR REPLACE FUNCTION campmon._check_failed()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT NULL::text, NULL::text, NULL::text, NULL::numeric, NULL::numeric, NULL::text WHERE false $$;

REVOKE ALL ON FUNCTION campmon._check_failed() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_failed() TO campmon_reader, pg_monitor;

-- ==== src/sql/checks/application_objects.sql

/*
 * checks/application_objects.sql -- application_objects: the limits of
 * Adobe's "Application objects" page -- fewer than 1,000 folders, fewer
 * than 1,000 deliveries at any time, none older than two years, and more
 * than 10 new deliveries a day to be checked against the business.  Counted
 * without a full scan of a large table (campmon._estimate_rows); a table
 * that does not exist gives no row.
 */

CREATE OR REPLACE FUNCTION campmon._application_objects(s text, ref timestamptz)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    folders regclass := to_regclass(format('%I.xtkfolder', s));
    dlv regclass := to_regclass(format('%I.nmsdelivery', s));
    problem text;
    est record;
    real_rows text;
BEGIN
    IF folders IS NOT NULL THEN
        problem := coalesce(campmon._unsafe_to_read(folders, '{}'),
                            CASE WHEN NOT has_table_privilege(folders, 'SELECT') THEN format('%s may not be read by %s', folders, current_user) END);
        IF problem IS NOT NULL THEN
            RETURN QUERY SELECT 'application_objects'::text, 'warning'::text, 'folders'::text, NULL::numeric, 1000::numeric,
                format('%s is not read: %s', folders, problem);
        ELSE
            real_rows := CASE WHEN campmon._has_column(folders, 'ifolderid') THEN 'ifolderid <> 0' ELSE 'true' END;
            SELECT * INTO est FROM campmon._estimate_rows(folders, real_rows, NULL);
            RETURN QUERY SELECT 'application_objects'::text, CASE WHEN est.estimate >= 1000 THEN 'warning' ELSE 'ok' END,
                'folders'::text, est.estimate, 1000::numeric,
                format('%s folders in %s (%s)%s', est.estimate, folders, est.how,
                       CASE WHEN est.estimate >= 1000 THEN ': Adobe advises fewer than 1,000, more slow the client console down; find who creates so many' ELSE '' END);
        END IF;
    END IF;

    IF dlv IS NULL THEN
        RETURN;
    END IF;
    problem := coalesce(campmon._unsafe_to_read(dlv, ARRAY['ideliveryid', 'tscreated']),
                        CASE WHEN NOT has_table_privilege(dlv, 'SELECT') THEN format('%s may not be read by %s', dlv, current_user) END);
    IF problem IS NOT NULL THEN
        RETURN QUERY SELECT 'application_objects'::text, 'warning'::text, 'deliveries'::text, NULL::numeric, 1000::numeric,
            format('%s is not read: %s', dlv, problem);
        RETURN;
    END IF;
    -- Campaign's row of id 0 (the outer-join stand-in) is no delivery
    real_rows := CASE WHEN campmon._has_column(dlv, 'ideliveryid') THEN 'ideliveryid <> 0' ELSE 'true' END;
    SELECT * INTO est FROM campmon._estimate_rows(dlv, real_rows, NULL);
    RETURN QUERY SELECT 'application_objects'::text, CASE WHEN est.estimate >= 1000 THEN 'warning' ELSE 'ok' END,
        'deliveries'::text, est.estimate, 1000::numeric,
        format('%s deliveries in %s (%s)%s', est.estimate, dlv, est.how,
               CASE WHEN est.estimate >= 1000 THEN ': Adobe advises fewer than 1,000 at any time (continuous deliveries create fewer)' ELSE '' END);
    IF NOT campmon._has_column(dlv, 'tscreated') THEN
        RETURN;
    END IF;
    SELECT * INTO est FROM campmon._estimate_rows(dlv, format('%s AND tscreated::timestamptz < %L', real_rows, ref - interval '2 years'), 'tscreated');
    RETURN QUERY SELECT 'application_objects'::text, CASE WHEN est.estimate > 0 THEN 'warning' ELSE 'ok' END,
        'deliveries older than two years'::text, est.estimate, 0::numeric,
        format('%s deliveries of %s were created more than two years ago (%s)%s', est.estimate, dlv, est.how,
               CASE WHEN est.estimate > 0 THEN ': Adobe advises purging them from the instance' ELSE '' END);
    SELECT * INTO est FROM campmon._estimate_rows(dlv, format('%s AND tscreated::timestamptz >= %L AND tscreated::timestamptz < %L',
                                                              real_rows, ref - interval '7 days', ref), 'tscreated');
    RETURN QUERY SELECT 'application_objects'::text, CASE WHEN est.estimate / 7 > 10 THEN 'warning' ELSE 'ok' END,
        'deliveries a day'::text, round(est.estimate / 7, 1), 10::numeric,
        format('%s deliveries a day created over the last 7 days (%s)%s', round(est.estimate / 7, 1), est.how,
               CASE WHEN est.estimate / 7 > 10 THEN ': more than 10 a day is to be checked against the business (continuous deliveries create fewer)' ELSE '' END);
END $fn$;

REVOKE ALL ON FUNCTION campmon._application_objects(text,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._application_objects(text,timestamptz) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_application_objects()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    ref timestamptz := campmon._reference_time();
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        BEGIN
            RETURN QUERY SELECT * FROM campmon._application_objects(c.schema_name, ref);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'application_objects'::text, 'warning'::text, quote_ident(c.schema_name), NULL::numeric, NULL::numeric,
                format('cannot count the application objects of schema %s: %s', c.schema_name, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_application_objects() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_application_objects() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('application_objects', 'configuration',
    'Adobe''s limits on application objects, one row each: folders (xtkfolder), deliveries (nmsdelivery), deliveries created more than two years ago, new deliveries a day over the last week',
    'warning from 1,000 folders, from 1,000 deliveries, when any delivery is older than two years, above 10 new deliveries a day; ok otherwise; no row for a table that does not exist',
    NULL,
    'Adobe, "Application objects" (Folders: fewer than 1,000; Deliveries: fewer than 1,000 at any time, more than 10 a day checked against the business, those older than two years purged)',
    'Purge old deliveries and folders; use continuous deliveries; find the operators who create the most objects',
    'campmon._check_application_objects', 55);

-- ==== src/sql/checks/autovacuum.sql

/*
 * checks/autovacuum.sql -- whether autovacuum keeps up: autovacuum_debt
 * (tables past their own vacuum thresholds -- the global settings and their
 * reloptions -- and not vacuumed for longer than a setting; autovacuum
 * disabled on a table with dead rows past its threshold; autovacuum off;
 * every worker busy while tables wait; an anti-wraparound autovacuum
 * running) and stale_statistics (tables whose rows changed well past their
 * autoanalyze threshold since the last ANALYZE), from
 * campmon.autovacuum_tables (autovacuum.sql: the thresholds as autovacuum
 * computes them).  Prior art: check_postgres' last_autovacuum and
 * last_autoanalyze actions watch the times alone.
 */

CREATE OR REPLACE FUNCTION campmon._check_autovacuum()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    min_age interval := campmon._seconds('campmon.autovacuum_debt_min_age');
    factor numeric := campmon._setting_num('campmon.stale_statistics_factor');
    av_on boolean := current_setting('autovacuum')::boolean AND current_setting('track_counts')::boolean;
    debt integer;
    r record;
    sees boolean := pg_has_role(current_user, 'pg_read_all_stats', 'USAGE');
BEGIN
    -- one pass of the catalogs and statistics for both checks
    -- (campmon.autovacuum_tables is installed after the checks: plpgsql
    -- finds it when called)
    RETURN QUERY
    WITH a AS MATERIALIZED (SELECT * FROM campmon.autovacuum_tables),
    d AS (SELECT a.*, row_number() OVER (ORDER BY a.dead DESC, a.label) AS n FROM a WHERE a.in_debt),
    x AS (SELECT a.*, row_number() OVER (ORDER BY a.dead DESC, a.label) AS n FROM a WHERE a.disabled_with_dead_rows),
    st AS (SELECT a.*, a.changed / greatest(a.analyze_threshold, 1) AS ratio,
                  row_number() OVER (ORDER BY a.changed / greatest(a.analyze_threshold, 1) DESC, a.label) AS n FROM a
           WHERE a.stale_statistics),
    nd AS (SELECT count(*) AS n, string_agg(d.label, ', ' ORDER BY d.n) FILTER (WHERE d.n <= 3) AS worst FROM d),
    nx AS (SELECT count(*) AS n FROM x),
    ns AS (SELECT count(*) AS n, string_agg(st.label, ', ' ORDER BY st.n) FILTER (WHERE st.n <= 3) AS worst FROM st)
    SELECT 'autovacuum_debt'::text, 'warning'::text, d.label,
           round((extract(epoch FROM now() - coalesce(d.vacuumed_at, d.seen_before)) / 3600)::numeric, 1),
           round((extract(epoch FROM min_age) / 3600)::numeric, 1),
           format('%s dead rows (threshold %s)%s, %s: autovacuum has not vacuumed it for %s (value and threshold in hours)',
                  d.dead, round(d.vacuum_threshold),
                  CASE WHEN d.inserted > d.insert_threshold THEN format(', %s rows inserted since its last vacuum (threshold %s)', d.inserted, round(d.insert_threshold)) ELSE '' END,
                  CASE WHEN d.vacuumed_at IS NULL THEN 'never vacuumed' ELSE 'last vacuumed ' || to_char(d.vacuumed_at, 'YYYY-MM-DD HH24:MI') END,
                  campmon._human(now() - coalesce(d.vacuumed_at, d.seen_before)))
    FROM d WHERE d.n <= 10
    UNION ALL
    SELECT 'autovacuum_debt', 'warning', x.label, x.dead::numeric, round(x.vacuum_threshold),
           format('autovacuum is disabled on it (autovacuum_enabled = false in its reloptions) and it has %s dead rows, past its threshold %s: only an anti-wraparound vacuum or a manual VACUUM (campmon.plan()) cleans it (value and threshold in dead rows)',
                  x.dead, round(x.vacuum_threshold))
    FROM x WHERE x.n <= 10
    UNION ALL
    SELECT 'autovacuum_debt', CASE WHEN NOT av_on OR nd.n > 0 OR nx.n > 0 THEN 'warning' ELSE 'ok' END,
           'autovacuum', nd.n::numeric, 0::numeric,
           concat_ws('; ',
               CASE WHEN NOT current_setting('track_counts')::boolean THEN 'track_counts is off: autovacuum cannot see what changed and runs only to prevent wraparound'
                    WHEN NOT current_setting('autovacuum')::boolean THEN 'autovacuum is off: only anti-wraparound vacuums run, dead rows pile up until a manual VACUUM' END,
               format('%s table%s past %s autovacuum threshold%s and not vacuumed for over %s%s', nd.n, CASE WHEN nd.n = 1 THEN '' ELSE 's' END,
                      CASE WHEN nd.n = 1 THEN 'its' ELSE 'their' END, CASE WHEN nd.n = 1 THEN '' ELSE 's' END,
                      campmon._human(min_age), coalesce(' (the most dead rows: ' || nd.worst || ')', '')),
               CASE WHEN nx.n > 0 THEN format('%s with autovacuum disabled and dead rows past the threshold', nx.n) END)
           || ' (value: tables in debt)'
    FROM nd CROSS JOIN nx
    UNION ALL
    SELECT 'stale_statistics', 'warning', st.label, round(st.ratio, 1), factor,
           format('%s rows changed since %s, %s times its autoanalyze threshold (%s): the planner''s estimates for it are stale; ANALYZE it (campmon.plan() plans it)',
                  st.changed, coalesce('its last ANALYZE (' || to_char(st.analyzed_at, 'YYYY-MM-DD HH24:MI') || ')', 'it was created (never analyzed)'),
                  round(st.ratio, 1), round(st.analyze_threshold))
    FROM st WHERE st.n <= 10
    UNION ALL
    SELECT 'stale_statistics', CASE WHEN ns.n > 0 THEN 'warning' ELSE 'ok' END, 'statistics', ns.n::numeric, 0::numeric,
           format('%s table%s changed since %s last ANALYZE by %s times %s autoanalyze threshold or more, for over %s%s (value: tables)',
                  ns.n, CASE WHEN ns.n = 1 THEN '' ELSE 's' END, CASE WHEN ns.n = 1 THEN 'its' ELSE 'their' END, factor,
                  CASE WHEN ns.n = 1 THEN 'its' ELSE 'their' END, campmon._human(min_age),
                  coalesce(' (the most: ' || ns.worst || ')', ''))
    FROM ns;
    -- the workers (their rows in pg_stat_activity are pg_read_all_stats')
    IF NOT sees THEN
        RETURN QUERY SELECT 'autovacuum_debt'::text, 'ok'::text, 'autovacuum workers'::text, NULL::numeric,
            current_setting('autovacuum_max_workers')::numeric,
            format('the autovacuum workers are not visible to %s (pg_stat_activity shows them to pg_read_all_stats)', current_user);
    ELSE
        SELECT count(*) AS busy,
               string_agg(substring(a.query FROM '^autovacuum: VACUUM (?:ANALYZE )?(\S+) \(to prevent wraparound\)'), ', ')
                 FILTER (WHERE a.query LIKE '%(to prevent wraparound)%') AS wrap
        INTO r
        FROM pg_stat_activity a WHERE a.backend_type = 'autovacuum worker';
        debt := 0;
        IF r.busy >= current_setting('autovacuum_max_workers')::integer THEN
            -- do tables wait meanwhile?
            SELECT count(*) INTO debt FROM campmon.autovacuum_tables a WHERE a.in_debt;
        END IF;
        RETURN QUERY SELECT 'autovacuum_debt'::text,
            CASE WHEN r.wrap IS NOT NULL OR (r.busy >= current_setting('autovacuum_max_workers')::integer AND debt > 0)
                 THEN 'warning' ELSE 'ok' END,
            'autovacuum workers'::text, r.busy::numeric, current_setting('autovacuum_max_workers')::numeric,
            concat_ws('; ',
                format('%s of %s autovacuum workers busy%s', r.busy, current_setting('autovacuum_max_workers'),
                       CASE WHEN r.busy >= current_setting('autovacuum_max_workers')::integer AND debt > 0
                            THEN ' while tables wait: raise autovacuum_max_workers, or let campmon''s nightly run vacuum the largest' ELSE '' END),
                CASE WHEN r.wrap IS NOT NULL
                     THEN format('an anti-wraparound autovacuum runs on %s: it does not give way to other lock requests (DDL, LOCK TABLE, a VACUUM FULL waits behind it), and cancelling it only delays it', r.wrap) END);
    END IF;

END $fn$;

REVOKE ALL ON FUNCTION campmon._check_autovacuum() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_autovacuum() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('autovacuum_debt', 'vacuum',
    'Whether autovacuum keeps up: tables past their own vacuum thresholds (dead rows, or rows inserted since the last vacuum; global settings and reloptions) and not vacuumed for longer than a setting (the 10 with the most dead rows, and a summary row ''autovacuum''); autovacuum disabled on a table with dead rows past its threshold; autovacuum or track_counts off; every worker busy while tables wait, or an anti-wraparound autovacuum running (row ''autovacuum workers'')',
    'warning for each such table, when autovacuum is off, when every worker is busy while tables wait, or while an anti-wraparound autovacuum runs; ok otherwise',
    '{campmon.autovacuum_debt_min_age}',
    'PostgreSQL, "Routine Vacuuming", "The Autovacuum Daemon" (the vacuum, insert and analyze thresholds, per-table storage parameters, anti-wraparound vacuums); Campaign work tables and lists are left out (dropped, not vacuumed)',
    'Look at what stops autovacuum: campmon.vacuum_blockers (it runs but removes nothing), its throttling (autovacuum_vacuum_cost_limit), autovacuum_max_workers; lower a large table''s scale factor in its reloptions; meanwhile campmon''s nightly run vacuums what the plan lists',
    'campmon._check_autovacuum', 145);
SELECT campmon._register_check('stale_statistics', 'vacuum',
    'Tables whose rows changed since their last ANALYZE (n_mod_since_analyze) by several times their autoanalyze threshold (global settings and reloptions), for longer than campmon.autovacuum_debt_min_age: the 10 worst and a summary row ''statistics''',
    'warning for each such table, and on the summary row when there is any; ok otherwise',
    '{campmon.stale_statistics_factor,campmon.autovacuum_debt_min_age}',
    'PostgreSQL, "Routine Vacuuming", "Updating Planner Statistics" and the autoanalyze threshold; Adobe, "RDBMS-specific recommendations" (always ANALYZE) and the seeds'' "monitor table statistics"',
    'ANALYZE them (campmon.plan() plans an ANALYZE for tables changed by campmon.analyze_min_changed_pct); for a large table that changes steadily, lower autovacuum_analyze_scale_factor in its reloptions',
    'campmon._check_autovacuum', 146);

-- ==== src/sql/checks/bloat.sql

/*
 * checks/bloat.sql -- bloat of Campaign's high-churn tables and their
 * B-trees (table_bloat, index_bloat), and relations whose pages cannot be
 * read (unreadable_page).  Candidates by name first (a relation's family is
 * its first matching rule, campmon.family_of in C), then measured in the
 * listings' modes; warning and critical only above
 * campmon.bloat_alert_min_size (a 300 kB table at 91% is no alert).
 * A sampled figure is judged by its 95% interval, not by one draw: it is
 * a warning or critical only when the interval's low end reaches the
 * threshold, and the message says so when the threshold lies within the
 * interval (mode exact decides; the value column stays the estimate).
 */

CREATE OR REPLACE FUNCTION campmon._check_bloat()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '2MB'
AS $fn$
DECLARE
    schemas text[] := campmon._work_table_schemas();
    warn_pct numeric := current_setting('campmon.bloat_warning_pct')::numeric;
    crit_pct numeric := current_setting('campmon.bloat_critical_pct')::numeric;
    alert_min bigint := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.bloat_alert_min_size');
BEGIN
    RETURN QUERY SELECT * FROM campmon._unreadable_checks();
    IF NOT EXISTS (SELECT FROM campmon._campaign_schemas()) THEN
        RETURN;
    END IF;
    -- bloat of the high-churn tables and their B-tree indexes: candidates
    -- by name first (a LIKE on the pattern's literal prefix, then the
    -- pattern), then measured; warning and critical only above
    -- campmon.bloat_alert_min_size (a 300 kB table at 91% is no alert)
    -- (a relation's family is its first matching rule, campmon.family_of
    -- in C: one call per relation, 40 ms at 50,000, where testing every
    -- rule's pattern on every name took 600 ms; then that family's
    -- high-churn rules decide)
    RETURN QUERY
    WITH pre AS MATERIALIZED (
        SELECT c.oid, ns.nspname::text AS nspname, c.relname::text AS relname, campmon.family_of(ns.nspname, c.relname) AS family
        FROM pg_class c
        JOIN pg_namespace ns ON ns.oid = c.relnamespace
        WHERE c.relkind = 'r'
          AND (ns.nspname = ANY (schemas)
               OR ns.nspname IN (SELECT fam.schema_name FROM campmon.family fam WHERE fam.high_churn))
    ),
    t AS MATERIALIZED (
        SELECT p.oid, p.nspname, p.relname, p.family
        FROM pre p
        WHERE p.family IN (SELECT fam.family FROM campmon.family fam WHERE fam.high_churn)
          AND EXISTS (SELECT FROM campmon.family fam
                      WHERE fam.high_churn AND fam.family = p.family AND p.relname ~ fam.pattern
                        AND (fam.schema_name = p.nspname OR (fam.schema_name IS NULL AND p.nspname = ANY (schemas))))
    )
    SELECT CASE WHEN b.method = 'unreadable' THEN 'unreadable_page' ELSE 'table_bloat' END,
           CASE WHEN b.method = 'unreadable' THEN 'critical'
                WHEN b.bloat_pct IS NULL THEN 'warning'
                WHEN d.sure_pct >= warn_pct AND b.bloat_bytes < alert_min THEN 'ok'
                WHEN d.sure_pct >= crit_pct THEN 'critical'
                WHEN d.sure_pct >= warn_pct THEN 'warning' ELSE 'ok' END,
           format('%I.%I', t.nspname, t.relname), round(b.bloat_pct::numeric, 2), warn_pct,
           CASE WHEN b.method = 'unreadable'
                THEN format('table %I.%I has an unreadable page (%s): check it with amcheck (verify_heapam) and pg_checksums; campmon plans nothing for it',
                            t.nspname, t.relname, b.basis)
                WHEN b.bloat_pct IS NULL THEN 'bloat unknown: no statistics yet (run ANALYZE)'
                ELSE format('%s%% bloat (%s of %s, %s, mode %s)%s', round(b.bloat_pct::numeric, 2),
                            pg_size_pretty(b.bloat_bytes), pg_size_pretty(b.table_bytes), t.family, b.method,
                            CASE WHEN d.sure_pct >= warn_pct AND b.bloat_bytes < alert_min
                                 THEN format('; below campmon.bloat_alert_min_size (%s): not alerted', pg_size_pretty(alert_min))
                                 ELSE '' END) || d.note END
    FROM t
    CROSS JOIN LATERAL campmon._list_table(t.oid,
        COALESCE(current_setting('campmon.tables_mode', true), 'adaptive'), NULL) b
    CROSS JOIN LATERAL campmon._bloat_judged(b.method, b.bloat_pct, b.bloat_pct_low, b.bloat_pct_high, warn_pct, crit_pct) d
    WHERE b.table_bytes > 0
    UNION ALL
    (SELECT CASE WHEN b.method = 'unreadable' THEN 'unreadable_page' ELSE 'index_bloat' END,
           CASE WHEN b.method = 'unreadable' THEN 'critical'
                WHEN b.bloat_pct IS NULL THEN 'warning'
                WHEN d.sure_pct >= warn_pct AND b.bloat_bytes < alert_min THEN 'ok'
                WHEN d.sure_pct >= crit_pct THEN 'critical'
                WHEN d.sure_pct >= warn_pct THEN 'warning' ELSE 'ok' END,
           format('%I.%I', t.nspname, ic.relname), round(b.bloat_pct::numeric, 2), warn_pct,
           CASE WHEN b.method = 'unreadable'
                THEN format('index %I.%I has an unreadable page (%s): check it with amcheck (bt_index_check) and pg_checksums, then REINDEX it; campmon plans nothing for its table',
                            t.nspname, ic.relname, b.basis)
                WHEN b.bloat_pct IS NULL THEN 'bloat unknown: no statistics yet (run ANALYZE)'
                ELSE format('%s%% bloat (%s of %s, index of %s, %s, mode %s)%s', round(b.bloat_pct::numeric, 2),
                            pg_size_pretty(b.bloat_bytes), pg_size_pretty(b.index_bytes), t.relname, t.family, b.method,
                            CASE WHEN d.sure_pct >= warn_pct AND b.bloat_bytes < alert_min
                                 THEN format('; below campmon.bloat_alert_min_size (%s): not alerted', pg_size_pretty(alert_min))
                                 ELSE '' END) || d.note END
     FROM t
     JOIN pg_index x ON x.indrelid = t.oid
     JOIN pg_class ic ON ic.oid = x.indexrelid
     JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
     CROSS JOIN LATERAL campmon._list_index(x.indexrelid,
         COALESCE(current_setting('campmon.indexes_mode', true), 'adaptive'), NULL) b
     CROSS JOIN LATERAL campmon._bloat_judged(b.method, b.bloat_pct, b.bloat_pct_low, b.bloat_pct_high, warn_pct, crit_pct) d
     WHERE x.indisvalid AND b.index_bytes > 0)
    ORDER BY 1 DESC, 3;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_bloat() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_bloat() TO campmon_reader, pg_monitor;

-- Relations with an unreadable page (a checksum failure, a damaged header
-- or line pointer): the listings, in a mode that reads pages, give them a
-- row with method 'unreadable'; each is critical here.  The catalog-only
-- stats mode reads no page, so it cannot know (and costs nothing here); the
-- default, adaptive, reads a few relations only, and _checks reports those
-- it measures itself (listing every relation again cost 1.5 s at 50,000).
CREATE OR REPLACE FUNCTION campmon._unreadable_checks()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
BEGIN
    IF coalesce(current_setting('campmon.tables_mode', true), 'adaptive') NOT IN ('stats', 'adaptive') THEN
        RETURN QUERY
        SELECT 'unreadable_page', 'critical', format('%I.%I', t.schema_name, t.table_name), 1::numeric, 0::numeric,
               format('table %I.%I has an unreadable page (%s): check it with amcheck (verify_heapam) and pg_checksums; campmon plans nothing for it',
                      t.schema_name, t.table_name, t.basis)
        FROM campmon.tables t WHERE t.method = 'unreadable';
    END IF;
    IF coalesce(current_setting('campmon.indexes_mode', true), 'adaptive') NOT IN ('stats', 'adaptive') THEN
        RETURN QUERY
        SELECT 'unreadable_page', 'critical', format('%I.%I', i.schema_name, i.index_name), 1::numeric, 0::numeric,
               format('index %I.%I has an unreadable page (%s): check it with amcheck (bt_index_check) and pg_checksums, then REINDEX it; campmon plans nothing for its table',
                      i.schema_name, i.index_name, i.basis)
        FROM campmon.indexes i WHERE i.method = 'unreadable';
    END IF;
END $fn$;

REVOKE ALL ON FUNCTION campmon._unreadable_checks() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._unreadable_checks() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('table_bloat', 'bloat',
    'Bloat of Campaign''s high-churn tables (the families marked high_churn in campmon.family), measured in the listings'' mode',
    'warning from campmon.bloat_warning_pct, critical from campmon.bloat_critical_pct, both only above campmon.bloat_alert_min_size of bloat; warning when unknown (no statistics)',
    '{campmon.bloat_warning_pct,campmon.bloat_critical_pct,campmon.bloat_alert_min_size,campmon.tables_mode}',
    'Adobe, "RDBMS-specific recommendations" and "Database performances" (vacuum and reindex the high-churn tables)',
    'campmon.plan(): VACUUM (space reused), REPACK or VACUUM FULL (space given back)',
    'campmon._check_bloat', 110);
SELECT campmon._register_check('index_bloat', 'bloat',
    'Bloat of the B-tree indexes of those tables, measured in the listings'' mode',
    'as table_bloat',
    '{campmon.bloat_warning_pct,campmon.bloat_critical_pct,campmon.bloat_alert_min_size,campmon.indexes_mode}',
    'Adobe, "RDBMS-specific recommendations" and "Tables to maintain" (re-index the delivery logs regularly)',
    'campmon.plan(): REINDEX INDEX CONCURRENTLY',
    'campmon._check_bloat', 111);
SELECT campmon._register_check('unreadable_page', 'bloat',
    'A table or index with a page that cannot be read (a checksum failure, a damaged header or line pointer)',
    'critical per relation; campmon plans nothing for it',
    NULL, 'PostgreSQL''s documentation (data checksums, amcheck)',
    'Check it with amcheck (verify_heapam, bt_index_check) and pg_checksums; REINDEX a damaged index, restore a damaged table',
    'campmon._check_bloat', 112);

-- ==== src/sql/checks/campaign_schema.sql

/*
 * checks/campaign_schema.sql -- campaign_schema: what of Campaign's own
 * tables campmon cannot use, and why.  An xtkoption or xtkworkflow that is
 * not a plain table (or has row-level security, or columns of someone's
 * type) is not read -- reading it could run its owner's code -- and a
 * work-table rule whose owner table lacks a column is skipped (its work
 * tables are then judged by age).  One row per problem; none when all is
 * well.  A database where none of the schemas searched holds a Campaign
 * table (a mistyped campmon.work_table_schemas, or no Campaign at all) gives
 * one warning naming the schemas: every other Campaign check would silently
 * give no row.
 */

CREATE OR REPLACE FUNCTION campmon._check_campaign_schema()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    r campmon.work_table_rule;
    problem text;
    searched text[] := campmon._work_table_schemas();
BEGIN
    IF NOT EXISTS (SELECT FROM campmon._campaign_schemas()) THEN
        RETURN QUERY SELECT 'campaign_schema', 'warning', 'setting:campmon.work_table_schemas', NULL::numeric, NULL::numeric,
            format('no Campaign tables found in %s (campmon.work_table_schemas): none holds an xtkoption, xtkworkflow or nmsdelivery table, so the checks of Campaign''s cleanup, workflows, deliveries, purges and work tables have nothing to read; set campmon.work_table_schemas to the schemas of Campaign''s tables',
                   CASE WHEN cardinality(searched) = 0 THEN 'no schema (the list is empty)'
                        ELSE (CASE WHEN cardinality(searched) = 1 THEN 'schema ' ELSE 'schemas ' END)
                             || (SELECT string_agg(quote_ident(x) || CASE WHEN to_regnamespace(quote_ident(x)) IS NULL THEN ' (which does not exist)' ELSE '' END,
                                                   ', ' ORDER BY k)
                                 FROM unnest(searched) WITH ORDINALITY u(x, k)) END);
        RETURN;
    END IF;
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        IF c.opt_problem IS NOT NULL THEN
            RETURN QUERY SELECT 'campaign_schema', 'warning', c.opt_table::text, NULL::numeric, NULL::numeric,
                format('%s is not read: %s; the cleanup checks skip it and the purge checks assume default retentions',
                       c.opt_table, c.opt_problem);
        END IF;
        IF c.wf_problem IS NOT NULL THEN
            RETURN QUERY SELECT 'campaign_schema', 'warning', c.wf_table::text, NULL::numeric, NULL::numeric,
                format('%s is not read: %s', c.wf_table, c.wf_problem);
        END IF;
        -- work-table rules that cannot be applied: their tables are judged by age
        FOR r IN SELECT * FROM campmon.work_table_rule ORDER BY priority, rule LOOP
            problem := campmon._rule_problem(r, c.schema_name);
            IF problem IS NOT NULL AND problem <> 'missing' THEN
                RETURN QUERY SELECT 'campaign_schema', 'warning', format('%I.%I', c.schema_name, r.owner_table), NULL::numeric, NULL::numeric,
                    format('work-table rule %s is skipped: %s; its work tables are judged by age only', r.rule, problem);
            END IF;
        END LOOP;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_campaign_schema() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_campaign_schema() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('campaign_schema', 'configuration',
    'Whether the schemas searched (campmon.work_table_schemas) hold Campaign''s tables at all; Campaign tables campmon will not read (a look-alike view, a table with row-level security or columns of someone''s own type: reading it could run its owner''s code) and work-table rules whose owner table lacks a column',
    'warning when no schema searched holds an xtkoption, xtkworkflow or nmsdelivery table (target setting:campmon.work_table_schemas, the schemas named in the message); warning per problem; no row when there is none',
    '{campmon.work_table_schemas,campmon.work_table_rule}',
    'campmon''s privilege rule (doc/safety.md); the rules'' columns from Adobe''s "Database cleanup workflow"',
    'Set campmon.work_table_schemas to the schemas of Campaign''s tables (a superuser setting: ALTER DATABASE ... SET); fix or drop the look-alike; correct the rule in campmon.work_table_rule',
    'campmon._check_campaign_schema', 10);

-- ==== src/sql/checks/cleanup.sql

/*
 * checks/cleanup.sql -- Campaign's Database cleanup workflow: when it last
 * ran (NmsCleanup_LastCleanup), whether it runs its VACUUM ANALYZE
 * (XtkCleanup_NoStats), and the workflow itself (paused, in error, stopped).
 * When the cleanup stops, work tables pile up, purges fall behind and bloat
 * grows: this is the first thing to watch (Adobe: "Database cleanup
 * workflow", "Technical workflows").  cleanup_workflow owns the cleanup
 * workflow's state: the workflow checks refer to it.
 */

CREATE OR REPLACE FUNCTION campmon._check_cleanup()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    ref timestamptz := campmon._reference_time();
    max_age interval := campmon._seconds('campmon.cleanup_max_age');
    v text;
    ts timestamptz;
    rec record;
    problem text;
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        -- the cleanup workflow's last run
        IF c.opt IS NOT NULL THEN
            BEGIN
                SELECT x.value INTO v FROM campmon._option(c.opt, 'NmsCleanup_LastCleanup') x;
                IF v IS NULL THEN
                    RETURN QUERY SELECT 'cleanup_last_run', 'warning', format('%s:NmsCleanup_LastCleanup', c.opt), NULL::numeric,
                        round(extract(epoch FROM max_age) / 3600), 'the cleanup has never recorded a run (option NmsCleanup_LastCleanup is absent)';
                ELSE
                    ts := v::timestamptz;
                    RETURN QUERY SELECT 'cleanup_last_run',
                        CASE WHEN ref - ts > 3 * max_age THEN 'critical' WHEN ref - ts > max_age THEN 'warning' ELSE 'ok' END,
                        format('%s:NmsCleanup_LastCleanup', c.opt),
                        round((extract(epoch FROM ref - ts) / 3600)::numeric, 1),
                        round((extract(epoch FROM max_age) / 3600)::numeric, 1),
                        format('the cleanup last ran %s ago (%s; value and threshold in hours, campmon.cleanup_max_age)',
                               campmon._human(ref - ts), v);
                END IF;
            EXCEPTION WHEN OTHERS THEN
                RETURN QUERY SELECT 'cleanup_last_run', 'warning', format('%s:NmsCleanup_LastCleanup', c.opt), NULL::numeric, NULL::numeric,
                    format('cannot read the last cleanup time: %s', SQLERRM);
            END;

            -- statistics skipped by the cleanup
            BEGIN
                SELECT x.value INTO v FROM campmon._option(c.opt, 'XtkCleanup_NoStats') x;
                RETURN QUERY SELECT 'cleanup_statistics',
                    CASE WHEN trim(v) IN ('1', '2') THEN 'warning' ELSE 'ok' END,
                    format('%s:XtkCleanup_NoStats', c.opt), nullif(trim(coalesce(v, '0')), '')::numeric, 0::numeric,
                    CASE trim(v)
                        WHEN '1' THEN 'the cleanup skips its VACUUM ANALYZE (XtkCleanup_NoStats = 1): statistics and free space are left to autovacuum'
                        WHEN '2' THEN 'the cleanup runs ANALYZE only, no VACUUM (XtkCleanup_NoStats = 2)'
                        ELSE 'the cleanup runs its VACUUM ANALYZE' END;
            EXCEPTION WHEN OTHERS THEN
                RETURN QUERY SELECT 'cleanup_statistics', 'warning', format('%s:XtkCleanup_NoStats', c.opt), NULL::numeric, NULL::numeric,
                    format('cannot read option XtkCleanup_NoStats: %s', SQLERRM);
            END;
        END IF;

        -- the cleanup workflow itself (a workflow rule that cannot be
        -- applied is campaign_schema's row)
        CONTINUE WHEN c.wf IS NULL;
        problem := campmon._rule_problem((SELECT x FROM campmon.work_table_rule x WHERE x.rule = 'workflow'), c.schema_name);
        CONTINUE WHEN problem IS NOT NULL AND problem <> 'missing';
        BEGIN
            EXECUTE format('SELECT istate::integer AS istate, coalesce(ifailed, 0)::integer AS ifailed FROM %s WHERE sinternalname = %L', c.wf, 'cleanup')
                INTO rec;
            IF rec IS NULL THEN
                RETURN QUERY SELECT 'cleanup_workflow', 'warning', format('%s:cleanup', c.wf), NULL::numeric, NULL::numeric,
                    'no workflow named cleanup: is the Database cleanup workflow installed?';
            ELSE
                RETURN QUERY SELECT 'cleanup_workflow',
                    CASE WHEN rec.ifailed <> 0 OR rec.istate IN (13, 20) THEN 'critical'
                         WHEN rec.istate = 11 THEN 'ok' ELSE 'warning' END,
                    format('%s:cleanup', c.wf), rec.istate::numeric, 11::numeric,
                    format('the Database cleanup workflow is %s (state %s)%s%s',
                           coalesce((SELECT os.label FROM campmon.owner_state os WHERE os.owner_table = 'xtkworkflow'
                                     AND rec.istate BETWEEN os.state_from AND os.state_to LIMIT 1), 'in state ' || rec.istate),
                           rec.istate,
                           CASE WHEN rec.ifailed <> 0 THEN ', in error: its later tasks do not run, so work tables and bloat accumulate' ELSE '' END,
                           CASE WHEN rec.istate IN (13, 20) AND rec.ifailed = 0 THEN ': nothing is purged or dropped until it runs again' ELSE '' END);
            END IF;
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'cleanup_workflow', 'warning', format('%s:cleanup', c.wf), NULL::numeric, NULL::numeric,
                format('cannot read the cleanup workflow: %s', SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_cleanup() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_cleanup() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('cleanup_last_run', 'cleanup',
    'When Campaign''s Database cleanup workflow last ran (option NmsCleanup_LastCleanup)',
    'warning when older than campmon.cleanup_max_age or never recorded; critical beyond three times that',
    '{campmon.cleanup_max_age,campmon.reference_time}',
    'Adobe, "Database cleanup workflow" (it runs daily) and "Technical workflows"',
    'Open the Database cleanup workflow (Administration > Production > Technical workflows), read its log, fix the failing task and restart it',
    'campmon._check_cleanup', 20);
SELECT campmon._register_check('cleanup_statistics', 'cleanup',
    'Whether the cleanup runs its VACUUM ANALYZE (option XtkCleanup_NoStats)',
    'warning when XtkCleanup_NoStats is 1 (no VACUUM ANALYZE) or 2 (ANALYZE only); else ok',
    NULL,
    'Adobe, "Database cleanup workflow" (the statistics task and XtkCleanup_NoStats)',
    'Let the cleanup run its statistics task, or make sure campmon''s plan runs VACUUM and ANALYZE every night',
    'campmon._check_cleanup', 21);
SELECT campmon._register_check('cleanup_workflow', 'cleanup',
    'The Database cleanup workflow itself (xtkworkflow, internal name cleanup): its state and error flag; the one row for its state (technical_workflow and the workflow counts refer to it)',
    'critical when paused, finished or in error; warning when missing or in another state; ok when started',
    NULL,
    'Adobe, "Database cleanup workflow" and "Technical workflows": it must run without errors',
    'Restart the cleanup after fixing the cause in its log; until it runs, nothing is purged or dropped',
    'campmon._check_cleanup', 22);

-- ==== src/sql/checks/deliveries.sql

/*
 * checks/deliveries.sql -- what Campaign's cleanup should have done to
 * deliveries by its last run: close those whose validity is past, delete
 * the parts of stopped and finished ones and the parts whose own validity
 * is past, purge the deleted ones, purge the
 * mirror pages past their web validity.  Left undone, delivery preparation
 * reads more and more (Adobe: "don't leave deliveries failed").
 */

-- What the cleanup should have done to deliveries by its last run
-- (NmsCleanup_LastCleanup; campmon's "now" when unknown): close the ones
-- in state 51-84 whose validity is past, delete the parts of stopped and
-- finished ones, purge deleted ones after NmsCleanup_RecycledDeliveryPurgeDelay
-- (absent: the documented week), purge the mirror pages of deliveries whose
-- tswebvalidity is past.  s: the Campaign schema; opt: its xtkoption (safe
-- to read) or NULL.
CREATE OR REPLACE FUNCTION campmon._delivery_checks(s text, opt regclass, ref timestamptz)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    dlv regclass := to_regclass(format('%I.nmsdelivery', s));
    parts regclass := to_regclass(format('%I.nmsdeliverypart', s));
    last_cleanup timestamptz := campmon._last_cleanup(opt);
    cutoff timestamptz;
    cutoff_text text;
    filters text := '';
    problem text;
    n bigint;
    ids text;
    o record;
    delay interval;
    delay_text text;
    mirror regclass;
    est record;
    dlv_ids bigint[];
BEGIN
    IF dlv IS NULL THEN
        RETURN;
    END IF;
    problem := coalesce(campmon._unsafe_to_read(dlv, ARRAY['ideliveryid', 'istate', 'ideletestatus', 'iismodel', 'ideliverymode',
                                                          'tsvalidity', 'tslastmodified', 'tswebvalidity', 'iwebrespurged']),
                        CASE WHEN NOT has_table_privilege(dlv, 'SELECT') THEN format('%s may not be read by %s', dlv, current_user) END);
    IF problem IS NOT NULL THEN
        RETURN QUERY SELECT 'deliveries_not_closed', 'warning', dlv::text, NULL::numeric, NULL::numeric,
            format('%s is not read: %s; the delivery checks are skipped', dlv, problem);
        RETURN;
    END IF;
    cutoff := least(ref, coalesce(last_cleanup, ref));
    cutoff_text := CASE WHEN last_cleanup IS NULL OR last_cleanup >= ref THEN 'now'
                        ELSE format('the cleanup''s last run (%s)', to_char(last_cleanup, 'YYYY-MM-DD HH24:MI')) END;
    -- the cleanup's own filters, those the table has
    IF campmon._has_column(dlv, 'ideletestatus') THEN filters := filters || ' AND coalesce(d.ideletestatus, 0) = 0'; END IF;
    IF campmon._has_column(dlv, 'iismodel') THEN filters := filters || ' AND coalesce(d.iismodel, 0) = 0'; END IF;
    IF campmon._has_column(dlv, 'ideliverymode') THEN filters := filters || ' AND d.ideliverymode = 1'; END IF;

    -- deliveries whose validity ended before the cutoff, still in progress
    IF campmon._has_column(dlv, 'ideliveryid') AND campmon._has_column(dlv, 'istate') AND campmon._has_column(dlv, 'tsvalidity') THEN
        EXECUTE format('SELECT count(*), string_agg(x.id::text, '', '') FILTER (WHERE x.k <= 5) FROM (SELECT d.ideliveryid AS id, row_number() OVER (ORDER BY d.tsvalidity, d.ideliveryid) AS k FROM %s d WHERE d.istate >= 51 AND d.istate < 85 AND d.tsvalidity IS NOT NULL AND d.tsvalidity::timestamptz < %L%s) x',
                       dlv, cutoff, filters) INTO n, ids;
        RETURN QUERY SELECT 'deliveries_not_closed', CASE WHEN n > 0 THEN 'warning' ELSE 'ok' END, dlv::text, n::numeric, 0::numeric,
            CASE WHEN n = 0 THEN format('no delivery in progress (state 51 to 84) is past its validity as of %s', cutoff_text)
                 ELSE format('%s in progress (state 51 to 84) %s past %s validity (tsvalidity) by %s: the cleanup closes %s (state 95); oldest: %s',
                             campmon._count(n, 'delivery', 'deliveries'), CASE WHEN n = 1 THEN 'was' ELSE 'were' END,
                             CASE WHEN n = 1 THEN 'its' ELSE 'their' END, cutoff_text,
                             CASE WHEN n = 1 THEN 'it' ELSE 'them' END, ids) END;
    ELSE
        RETURN QUERY SELECT 'deliveries_not_closed', 'warning', dlv::text, NULL::numeric, NULL::numeric,
            format('%s lacks ideliveryid, istate or tsvalidity: deliveries past their validity cannot be checked', dlv);
    END IF;

    -- stopped or finished deliveries that still have parts
    IF parts IS NOT NULL AND campmon._has_column(parts, 'ideliveryid') AND campmon._has_column(dlv, 'istate') THEN
        problem := coalesce(campmon._unsafe_to_read(parts, ARRAY['ideliveryid']),
                            CASE WHEN NOT has_table_privilege(parts, 'SELECT') THEN format('%s may not be read by %s', parts, current_user) END);
        IF problem IS NOT NULL THEN
            RETURN QUERY SELECT 'delivery_parts_left', 'warning', parts::text, NULL::numeric, NULL::numeric,
                format('%s is not read: %s', parts, problem);
        ELSE
            EXECUTE format('SELECT count(*), string_agg(x.id::text, '', '') FILTER (WHERE x.k <= 5) FROM (SELECT d.ideliveryid AS id, row_number() OVER (ORDER BY d.ideliveryid) AS k FROM %s d WHERE d.istate IN (85, 95)%s AND EXISTS (SELECT FROM %s p WHERE p.ideliveryid = d.ideliveryid)) x',
                           dlv,
                           CASE WHEN campmon._has_column(dlv, 'tslastmodified') THEN format(' AND d.tslastmodified::timestamptz < %L', cutoff) ELSE '' END,
                           parts) INTO n, ids;
            RETURN QUERY SELECT 'delivery_parts_left', CASE WHEN n > 0 THEN 'warning' ELSE 'ok' END, parts::text, n::numeric, 0::numeric,
                CASE WHEN n = 0 THEN format('no stopped or finished delivery keeps parts in %s', parts)
                     ELSE format('%s (state 85 or 95%s) still %s parts in %s: the cleanup deletes them; first: %s',
                                 campmon._count(n, 'stopped or finished delivery', 'stopped or finished deliveries'),
                                 CASE WHEN campmon._has_column(dlv, 'tslastmodified') THEN ', last changed before ' || cutoff_text ELSE '' END,
                                 CASE WHEN n = 1 THEN 'has' ELSE 'have' END, parts, ids) END;
        END IF;
    END IF;

    -- parts whose own validity ended before the cutoff, whatever the state
    -- of their delivery: the cleanup's second DELETE of NmsDeliveryPart
    IF parts IS NOT NULL AND campmon._has_column(parts, 'tsvalidity') THEN
        problem := coalesce(campmon._unsafe_to_read(parts, ARRAY['tsvalidity']),
                            CASE WHEN NOT has_table_privilege(parts, 'SELECT') THEN format('%s may not be read by %s', parts, current_user) END);
        IF problem IS NOT NULL THEN
            RETURN QUERY SELECT 'delivery_parts_expired', 'warning', parts::text, NULL::numeric, NULL::numeric,
                format('%s is not read: %s', parts, problem);
        ELSE
            SELECT * INTO est FROM campmon._estimate_rows(parts, format('tsvalidity IS NOT NULL AND tsvalidity::timestamptz < %L', cutoff), 'tsvalidity');
            RETURN QUERY SELECT 'delivery_parts_expired', CASE WHEN est.estimate > 0 THEN 'warning' ELSE 'ok' END, parts::text,
                est.estimate, 0::numeric,
                CASE WHEN est.estimate = 0 THEN format('no delivery part of %s was past its validity (tsvalidity) by %s (%s)', parts, cutoff_text, est.how)
                     ELSE format('%s delivery parts of %s were past their validity (tsvalidity) by %s, whatever their delivery''s state (%s): the cleanup deletes them',
                                 est.estimate, parts, cutoff_text, est.how) END;
        END IF;
    END IF;

    -- deleted deliveries older than NmsCleanup_RecycledDeliveryPurgeDelay
    IF campmon._has_column(dlv, 'ideletestatus') AND campmon._has_column(dlv, 'tslastmodified') THEN
        SELECT * INTO o FROM campmon._option(opt, 'NmsCleanup_RecycledDeliveryPurgeDelay');
        delay := campmon._option_seconds(o.value);
        IF o.found AND delay IS NULL THEN
            RETURN QUERY SELECT 'campaign_option', 'warning', format('%s:NmsCleanup_RecycledDeliveryPurgeDelay', opt), NULL::numeric, NULL::numeric,
                format('option NmsCleanup_RecycledDeliveryPurgeDelay has a value that is not a number of seconds (%s, from %s): the documented week is assumed',
                       coalesce(o.value, 'empty'), coalesce(o.source_column, 'no value column'));
        END IF;
        delay_text := CASE WHEN delay IS NOT NULL THEN format('NmsCleanup_RecycledDeliveryPurgeDelay = %s s, from %s', trim(o.value), o.source_column)
                           ELSE 'NmsCleanup_RecycledDeliveryPurgeDelay absent or unreadable: the documented week is assumed' END;
        delay := coalesce(delay, interval '7 days');
        EXECUTE format('SELECT count(*) FROM %s d WHERE coalesce(d.ideletestatus, 0) <> 0 AND d.tslastmodified::timestamptz < %L',
                       dlv, cutoff - delay) INTO n;
        RETURN QUERY SELECT 'deleted_deliveries_backlog', CASE WHEN n > 0 THEN 'warning' ELSE 'ok' END, dlv::text, n::numeric, 0::numeric,
            format('%s %s deleted more than %s before %s: the cleanup purges %s and %s logs (%s)',
                   campmon._count(n, 'deleted delivery', 'deleted deliveries'), CASE WHEN n = 1 THEN 'was' ELSE 'were' END,
                   campmon._human(delay), cutoff_text, CASE WHEN n = 1 THEN 'it' ELSE 'them' END,
                   CASE WHEN n = 1 THEN 'its' ELSE 'their' END, delay_text);
    END IF;

    -- mirror pages of deliveries whose tswebvalidity is past, not purged
    IF campmon._has_column(dlv, 'tswebvalidity') AND campmon._has_column(dlv, 'ideliveryid') THEN
        EXECUTE format('SELECT array_agg(d.ideliveryid::bigint ORDER BY d.ideliveryid) FROM %s d WHERE d.tswebvalidity IS NOT NULL AND d.tswebvalidity::timestamptz < %L%s',
                       dlv, cutoff,
                       CASE WHEN campmon._has_column(dlv, 'iwebrespurged') THEN ' AND coalesce(d.iwebrespurged, 0) = 0' ELSE '' END)
            INTO dlv_ids;
        FOR mirror IN SELECT to_regclass(format('%I.%I', s, m)) FROM unnest('{nmsmirrorpageinfo,nmsmirrorpagesearch}'::text[]) m
                      WHERE to_regclass(format('%I.%I', s, m)) IS NOT NULL ORDER BY 1::text LOOP
            problem := coalesce(CASE WHEN NOT campmon._has_column(mirror, 'ideliveryid') THEN format('%s has no column ideliveryid', mirror) END,
                                campmon._unsafe_to_read(mirror, ARRAY['ideliveryid']),
                                CASE WHEN NOT has_table_privilege(mirror, 'SELECT') THEN format('%s may not be read by %s', mirror, current_user) END);
            IF problem IS NOT NULL THEN
                RETURN QUERY SELECT 'mirror_page_backlog', 'warning', mirror::text, NULL::numeric, NULL::numeric,
                    format('%s is not read: %s', mirror, problem);
                CONTINUE;
            END IF;
            IF cardinality(dlv_ids) IS NULL THEN
                RETURN QUERY SELECT 'mirror_page_backlog', 'ok', mirror::text, 0::numeric, 0::numeric,
                    format('no delivery''s mirror pages were due for purge (tswebvalidity past) by %s', cutoff_text);
                CONTINUE;
            END IF;
            SELECT * INTO est FROM campmon._estimate_rows(mirror, format('ideliveryid = ANY (%L::bigint[])', dlv_ids), 'ideliveryid');
            RETURN QUERY SELECT 'mirror_page_backlog', CASE WHEN est.estimate > 0 THEN 'warning' ELSE 'ok' END, mirror::text,
                est.estimate, 0::numeric,
                format('%s of %s belong to %s whose mirror pages were due for purge (tswebvalidity past) by %s (%s)%s',
                       campmon._count(est.estimate, 'row'), mirror,
                       campmon._count(cardinality(dlv_ids), 'delivery', 'deliveries'), cutoff_text, est.how,
                       CASE WHEN est.estimate > 0 THEN ': the cleanup''s mirror-page task has not run' ELSE '' END);
        END LOOP;
    END IF;
END $fn$;

REVOKE ALL ON FUNCTION campmon._delivery_checks(text,regclass,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._delivery_checks(text,regclass,timestamptz) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_deliveries()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    ref timestamptz := campmon._reference_time();
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        BEGIN
            RETURN QUERY SELECT * FROM campmon._delivery_checks(c.schema_name, c.opt, ref);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'deliveries_not_closed', 'warning', format('%I.nmsdelivery', c.schema_name), NULL::numeric, NULL::numeric,
                format('cannot check the deliveries of schema %s: %s', c.schema_name, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_deliveries() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_deliveries() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('deliveries_not_closed', 'deliveries',
    'Deliveries in progress (states 51-84) whose validity was past at the cleanup''s last run: the cleanup closes them',
    'warning when any; ok otherwise',
    NULL, 'Adobe, "Database cleanup workflow" (deliveries to finish) and "Delivery best practices"',
    'Stop the deliveries that are over; check the cleanup and deliveryMgt',
    'campmon._check_deliveries', 50);
SELECT campmon._register_check('delivery_parts_left', 'deliveries',
    'Delivery parts of stopped and finished deliveries that the cleanup should have deleted',
    'warning when any; ok otherwise',
    NULL, 'Adobe, "Database cleanup workflow" (delivery parts) and the mid-sourcing AppendDeliveryPart path',
    'Check deliveryMgt / defaultMidSourcingDlv and the cleanup',
    'campmon._check_deliveries', 51);
SELECT campmon._register_check('delivery_parts_expired', 'deliveries',
    'Delivery parts (nmsdeliverypart) whose own validity (tsvalidity) ended before the cleanup''s last run, whatever their delivery''s state: the cleanup deletes them',
    'warning when any; ok otherwise (no row when the table has no tsvalidity)',
    NULL, 'Adobe, "Database cleanup workflow" (Cleanup of expired deliveries: DELETE FROM NmsDeliveryPart ... WHERE tsValidity < $(curDate))',
    'The cleanup''s task on expired deliveries is late or failing: fix the cleanup',
    'campmon._check_deliveries', 54);
SELECT campmon._register_check('deleted_deliveries_backlog', 'deliveries',
    'Deleted deliveries older than NmsCleanup_RecycledDeliveryPurgeDelay (absent: a week) that the cleanup has not purged',
    'warning when any; ok otherwise',
    NULL, 'Adobe, "Database cleanup workflow" (deleted deliveries)',
    'The cleanup''s purge of deleted deliveries is late: fix the cleanup',
    'campmon._check_deliveries', 52);
SELECT campmon._register_check('mirror_page_backlog', 'deliveries',
    'Mirror pages (nmsmirrorpageinfo) of deliveries whose web validity is past, that the cleanup should have purged',
    'warning when any; ok otherwise',
    NULL, 'Adobe, "Database cleanup workflow" (mirror pages)',
    'The cleanup''s mirror-page purge is late: fix the cleanup',
    'campmon._check_deliveries', 53);

-- ==== src/sql/checks/horizon.sql

/*
 * checks/horizon.sql -- what stops VACUUM (campmon.vacuum_blockers):
 * xmin_horizon (the worst input of the horizon, by its age in time and in
 * transactions), replication_slot (slots nobody reads that hold rows,
 * catalogs or WAL), prepared_transaction (prepared transactions left
 * behind).  While the horizon is held, VACUUM removes nothing deleted
 * since and freezes nothing past it: bloat grows every night whatever the
 * plan runs, and wraparound comes closer (PostgreSQL, "Routine Vacuuming").
 * Prior art: check_postgres' txn_idle, txn_time, prepared_txns and
 * replication_slots actions, which watch the same things one by one; here
 * they are tied to the rows they hold and to the plan.
 *
 * Read as the caller: another role's session times, state and query stay
 * hidden from a reader without pg_read_all_stats, as pg_stat_activity hides
 * them (the status then rests on the ages it may see).
 */

CREATE OR REPLACE FUNCTION campmon._check_horizon()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    warn_age interval := campmon._seconds('campmon.xmin_horizon_warning_age');
    crit_age interval := campmon._seconds('campmon.xmin_horizon_critical_age');
    warn_x bigint := campmon._setting_num('campmon.xmin_horizon_warning_xids');
    crit_x bigint := campmon._setting_num('campmon.xmin_horizon_critical_xids');
    pwarn interval := campmon._seconds('campmon.prepared_transaction_warning_age');
    pcrit interval := campmon._seconds('campmon.prepared_transaction_critical_age');
    wal_warn bigint := campmon._setting_num('campmon.slot_wal_warning_size');   -- MB (the GUC's unit)
    wal_crit bigint := campmon._setting_num('campmon.slot_wal_critical_size');
    b record;
    n integer;
    hidden boolean := NOT pg_has_role(current_user, 'pg_read_all_stats', 'USAGE');
BEGIN
    -- (campmon.vacuum_blockers and _blocker_detail are installed after the
    -- checks: plpgsql finds them when called)
    -- xmin_horizon: the worst input, by time then transactions
    SELECT x.*, campmon._blocker_detail(x) AS detail,
           CASE WHEN x.age >= crit_age OR x.xid_age >= crit_x THEN 'critical'
                WHEN x.age >= warn_age OR x.xid_age >= warn_x THEN 'warning' ELSE 'ok' END AS st,
           count(*) OVER () AS n
    INTO b
    FROM campmon.vacuum_blockers x
    ORDER BY CASE WHEN x.age >= crit_age OR x.xid_age >= crit_x THEN 2
                  WHEN x.age >= warn_age OR x.xid_age >= warn_x THEN 1 ELSE 0 END DESC,
             x.xid_age DESC, x.sets_horizon DESC, x.age DESC NULLS LAST
    LIMIT 1;
    IF b.kind IS NULL THEN
        RETURN QUERY SELECT 'xmin_horizon'::text, 'ok'::text, 'xmin horizon'::text, 0::numeric, warn_x::numeric,
            'nothing holds the xmin horizon back: VACUUM can remove the dead rows of every finished transaction';
    ELSE
        RETURN QUERY SELECT 'xmin_horizon'::text, b.st, 'xmin horizon'::text, b.xid_age::numeric, warn_x::numeric,
            format('%s holds the xmin horizon%s: %s transactions old%s (value and threshold in transactions; campmon.xmin_horizon_warning_age %s). VACUUM cannot remove what was deleted since%s, nor freeze past it. Held: %s. %s%s%s',
                   b.detail, CASE WHEN b.holds = 'catalogs' THEN ' of the system catalogs' ELSE '' END, b.xid_age,
                   CASE WHEN b.age IS NOT NULL THEN format(', %s', campmon._human(b.age)) ELSE format(', time %s', b.age_basis) END,
                   campmon._human(warn_age),
                   CASE WHEN b.holds = 'catalogs' THEN ' in the catalogs (the churn of work tables piles up in pg_class, pg_attribute...)' ELSE '' END,
                   b.dead_rows_note, b.advice,
                   CASE WHEN b.n > 1 THEN format('; %s more in campmon.vacuum_blockers', b.n - 1) ELSE '' END,
                   CASE WHEN hidden THEN format(' (other roles'' session times are hidden from %s: pg_read_all_stats sees them)', current_user) ELSE '' END);
    END IF;

    -- replication_slot: every slot; those nobody reads hold rows, catalogs or WAL
    n := 0;
    FOR b IN
        SELECT s.slot_name::text AS slot, s.slot_type, s.active, s.active_pid, s.wal_status, s.database,
               coalesce(s.xmin, s.catalog_xmin) AS held, CASE WHEN s.xmin IS NOT NULL THEN 'rows' WHEN s.catalog_xmin IS NOT NULL THEN 'catalogs' END AS holds,
               age(coalesce(s.xmin, s.catalog_xmin)) AS xid_age,
               pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END, s.restart_lsn) AS wal
        FROM pg_replication_slots s ORDER BY s.slot_name
    LOOP
        n := n + 1;
        RETURN QUERY SELECT 'replication_slot'::text,
            CASE WHEN b.wal_status IN ('lost', 'unreserved')
                      OR (NOT b.active AND (b.wal >= wal_crit * 1048576 OR b.xid_age >= crit_x)) THEN 'critical'
                 -- nobody reads it and it holds something; or its reader lags far behind
                 WHEN (NOT b.active AND (b.held IS NOT NULL OR b.wal >= wal_warn * 1048576))
                      OR b.wal >= wal_crit * 1048576 OR b.xid_age >= crit_x THEN 'warning'
                 ELSE 'ok' END,
            b.slot, round(coalesce(b.wal, 0) / 1048576.0, 1), wal_warn::numeric,
            format('%s slot %s is %s%s; it retains %s of WAL%s%s (value and threshold in MB)%s',
                   b.slot_type, quote_literal(b.slot),
                   CASE WHEN b.active THEN format('read (pid %s)', b.active_pid) ELSE 'not read by anyone' END,
                   coalesce(', database ' || b.database, ''),
                   pg_size_pretty(coalesce(b.wal, 0)::bigint), coalesce(format(' (wal_status %s)', b.wal_status), ''),
                   CASE WHEN b.holds = 'rows' THEN format(' and holds every table''s dead rows since transaction %s (%s transactions ago)', b.held, b.xid_age)
                        WHEN b.holds = 'catalogs' THEN format(' and holds the system catalogs'' dead rows since transaction %s (%s transactions ago: the churn of work tables stays in pg_class, pg_attribute...)', b.held, b.xid_age)
                        ELSE '' END,
                   CASE WHEN NOT b.active
                        THEN format('. Restart its consumer, or drop it: SELECT pg_drop_replication_slot(%L) (campmon never does)', b.slot)
                        ELSE '' END);
    END LOOP;
    IF n = 0 THEN
        RETURN QUERY SELECT 'replication_slot'::text, 'ok'::text, 'replication slots'::text, 0::numeric, wal_warn::numeric,
            'no replication slot';
    END IF;

    -- prepared_transaction: this database's
    n := 0;
    FOR b IN SELECT p.gid, p.owner, p.prepared, age(p.transaction) AS xid_age, now() - p.prepared AS age
             FROM pg_prepared_xacts p WHERE p.database = current_database() ORDER BY p.prepared LOOP
        n := n + 1;
        RETURN QUERY SELECT 'prepared_transaction'::text,
            CASE WHEN b.age >= pcrit THEN 'critical' WHEN b.age >= pwarn THEN 'warning' ELSE 'ok' END,
            b.gid::text, round((extract(epoch FROM b.age) / 60)::numeric, 1), round((extract(epoch FROM pwarn) / 60)::numeric, 1),
            format('transaction %L prepared by %s %s ago (%s transactions; value and threshold in minutes) holds its locks and the xmin horizon until COMMIT PREPARED %L or ROLLBACK PREPARED %L; nothing else ends it, not even a restart (campmon never does)',
                   b.gid, b.owner, campmon._human(b.age), b.xid_age, b.gid, b.gid);
    END LOOP;
    IF n = 0 THEN
        RETURN QUERY SELECT 'prepared_transaction'::text, 'ok'::text, 'prepared transactions'::text, 0::numeric,
            round((extract(epoch FROM pwarn) / 60)::numeric, 1),
            CASE WHEN current_setting('max_prepared_transactions')::integer = 0
                 THEN 'no prepared transaction (max_prepared_transactions is 0: none can be made)'
                 ELSE 'no prepared transaction in this database' END;
    END IF;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_horizon() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_horizon() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('xmin_horizon', 'vacuum',
    'The oldest input of the xmin horizon (campmon.vacuum_blockers): a session with an old snapshot or transaction, idle in transaction or not, a prepared transaction, a replication slot, a standby''s hot_standby_feedback; what it holds (dead rows VACUUM cannot remove) and what to do',
    'warning when older than campmon.xmin_horizon_warning_age or campmon.xmin_horizon_warning_xids transactions; critical beyond campmon.xmin_horizon_critical_age or campmon.xmin_horizon_critical_xids; ok otherwise or when nothing holds it',
    '{campmon.xmin_horizon_warning_age,campmon.xmin_horizon_critical_age,campmon.xmin_horizon_warning_xids,campmon.xmin_horizon_critical_xids}',
    'PostgreSQL, "Routine Vacuuming" (dead rows an open snapshot may still see are not removable; freezing stops at the oldest one); check_postgres'' txn_idle and txn_time actions watch old transactions likewise',
    'End what holds it: the application commits or rolls back its transaction (else SELECT pg_terminate_backend(pid)); COMMIT or ROLLBACK PREPARED; restart or drop an unread slot; end the standby''s long query. campmon only advises. Set idle_in_transaction_session_timeout so that it does not come back',
    'campmon._check_horizon', 140);
SELECT campmon._register_check('replication_slot', 'vacuum',
    'Every replication slot: whether anyone reads it, the WAL it retains, the rows (xmin) or system catalogs (catalog_xmin) it holds back',
    'critical when its WAL is lost or unreserved, or an unread slot retains more than campmon.slot_wal_critical_size or is campmon.xmin_horizon_critical_xids transactions old; warning when nobody reads it and it holds rows, catalogs or more WAL than campmon.slot_wal_warning_size; ok otherwise or when there is none',
    '{campmon.slot_wal_warning_size,campmon.slot_wal_critical_size,campmon.xmin_horizon_critical_xids}',
    'PostgreSQL, "Routine Vacuuming" and "Replication Slots" (a slot keeps WAL and, with hot_standby_feedback or logical decoding, rows and catalog rows until its consumer confirms them); check_postgres'' replication_slots action watches the WAL',
    'Restart the slot''s consumer; if it is gone for good, drop the slot (SELECT pg_drop_replication_slot(name)): a logical slot nobody reads keeps every dead row of the catalogs that Campaign''s work tables churn. campmon never drops it. max_slot_wal_keep_size bounds the WAL',
    'campmon._check_horizon', 141);
SELECT campmon._register_check('prepared_transaction', 'vacuum',
    'Prepared transactions (two-phase commit) of this database and how long ago they were prepared: one left behind holds its locks and the horizon across restarts',
    'warning when older than campmon.prepared_transaction_warning_age, critical beyond campmon.prepared_transaction_critical_age; ok otherwise or when there is none',
    '{campmon.prepared_transaction_warning_age,campmon.prepared_transaction_critical_age}',
    'PostgreSQL, "PREPARE TRANSACTION" and "Routine Vacuuming"; check_postgres'' prepared_txns action',
    'Ask its transaction manager; if none will finish it, COMMIT PREPARED or ROLLBACK PREPARED it by its gid, as its owner or a superuser (campmon never does)',
    'campmon._check_horizon', 142);

-- ==== src/sql/checks/index_size.sql

/*
 * checks/index_size.sql -- index_larger_than_table: a high-churn Campaign
 * table whose indexes outgrew the table with its TOAST.  Adobe
 * ("Performance and throughput issues"): "If index size is larger than
 * table size, then a vacuum is required".
 */

CREATE OR REPLACE FUNCTION campmon._check_index_size()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    schemas text[] := campmon._work_table_schemas();
BEGIN
    IF NOT EXISTS (SELECT FROM campmon._campaign_schemas()) THEN
        RETURN;
    END IF;
    -- indexes larger than their table, bloat on high-churn tables
    RETURN QUERY
    SELECT 'index_larger_than_table',
           CASE WHEN x.idx > x.heap AND x.heap > 0 THEN 'warning' ELSE 'ok' END,
           x.rel::text, x.idx::numeric, x.heap::numeric,
           format('indexes %s, table %s (TOAST included)%s', pg_size_pretty(x.idx), pg_size_pretty(x.heap),
                  CASE WHEN x.idx > x.heap AND x.heap > 0 THEN ': the indexes outgrew the table, a sign that VACUUM (and REINDEX) are due' ELSE '' END)
    -- the table with its TOAST (nmsmirrorpageinfo is mostly TOAST): its
    -- indexes outgrowing the main fork alone is no sign of anything
    FROM (SELECT c.oid::regclass AS rel, pg_indexes_size(c.oid) AS idx, pg_table_size(c.oid) AS heap
          FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
          WHERE c.relkind = 'r' AND ns.nspname = ANY (schemas)
            AND campmon.family_of(ns.nspname, c.relname) IN ('broadlog', 'tracking', 'delivery', 'workflow', 'recipient',
                                                             'session', 'message_center')) x
    ORDER BY x.rel::text;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_index_size() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_index_size() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('index_larger_than_table', 'bloat',
    'Campaign''s high-churn tables (delivery and tracking logs, deliveries, workflows, recipients, sessions, Message Center) whose indexes are larger than the table with its TOAST',
    'warning when the indexes outgrew the table; ok otherwise (one row per table)',
    NULL,
    'Adobe, "Performance and throughput issues" ("If index size is larger than table size, then a vacuum is required")',
    'VACUUM the table and REINDEX its bloated indexes (campmon.plan() plans both when the measurements say so)',
    'campmon._check_index_size', 100);

-- ==== src/sql/checks/invalid_index.sql

/*
 * checks/invalid_index.sql -- invalid_index: an index a failed CREATE INDEX
 * CONCURRENTLY or REINDEX CONCURRENTLY left behind; every write maintains
 * it and no read uses it.  plan() drops it (DROP INDEX CONCURRENTLY).
 */

CREATE OR REPLACE FUNCTION campmon._check_invalid_indexes()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
BEGIN
    RETURN QUERY
    SELECT 'invalid_index'::text, 'warning'::text, format('%I.%I', n.nspname, ic.relname), pg_relation_size(ic.oid)::numeric, 0::numeric,
           format('invalid index on %s (%s): a failed concurrent build left it; it slows every write and serves no read. campmon.plan() drops it (DROP INDEX CONCURRENTLY)',
                  x.indrelid::regclass, pg_size_pretty(pg_relation_size(ic.oid)))
    FROM pg_index x
    JOIN pg_class ic ON ic.oid = x.indexrelid
    JOIN pg_namespace n ON n.oid = ic.relnamespace
    WHERE NOT x.indisvalid AND n.nspname NOT IN ('pg_catalog', 'pg_toast')
      AND (ic.relpersistence <> 't' OR ic.relnamespace = pg_my_temp_schema())
    ORDER BY 3;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_invalid_indexes() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_invalid_indexes() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('invalid_index', 'indexes',
    'Invalid indexes left by a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY (often *_ccnew)',
    'warning per invalid index',
    NULL, 'PostgreSQL''s documentation, CREATE INDEX (building indexes concurrently: a failed build leaves an invalid index)',
    'campmon.plan() drops it (DROP INDEX CONCURRENTLY); then rebuild what was meant',
    'campmon._check_invalid_indexes', 80);

-- ==== src/sql/checks/maintenance_overdue.sql

/*
 * checks/maintenance_overdue.sql -- maintenance_overdue: tables that a
 * cadence of campmon.maintenance_cadence (Adobe's "Tables to maintain" and
 * "Types of maintenance", or the DBA's) says should have been re-indexed,
 * rebuilt or vacuumed by now, from campmon's history
 * (campmon._cadence_due).  Bloat thresholds miss a table kept just under
 * them: the cadence does not.  plan() plans what is overdue.
 */

CREATE OR REPLACE FUNCTION campmon._check_maintenance_overdue()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 'maintenance_overdue',
       CASE WHEN d.overdue THEN 'warning' ELSE 'ok' END,
       format('%I.%I %s', d.schema_name, d.table_name, d.maintenance),
       round((extract(epoch FROM now() - d.last_done) / 86400)::numeric, 1),
       round((extract(epoch FROM d.every) / 86400)::numeric, 1),
       format('%s %s; cadence: every %s (%s)',
              format('%I.%I', d.schema_name, d.table_name),
              CASE WHEN d.last_done IS NOT NULL AND d.overdue
                   THEN format('not %s for %s (last: %s)', v.done, campmon._human(now() - d.last_done), d.last_how)
                   WHEN d.last_done IS NOT NULL
                   THEN format('%s %s ago (%s), due again in %s', v.done, campmon._human(now() - d.last_done), d.last_how,
                               campmon._human(d.last_done + d.every - now()))
                   WHEN d.overdue
                   THEN format('not %s in the last %s, as far as campmon''s history tells (it began %s ago)', v.done,
                               campmon._human(d.every), campmon._human(now() - d.history_since))
                   WHEN d.history_since IS NULL
                   THEN format('no %s recorded: campmon has no history of runs yet', v.noun)
                   ELSE format('no %s recorded yet: campmon''s history began %s ago, less than the cadence', v.noun,
                               campmon._human(now() - d.history_since)) END,
              campmon._human(d.every), d.source)
FROM campmon._cadence_due() d
CROSS JOIN LATERAL (SELECT CASE d.maintenance WHEN 'reindex' THEN 're-indexed' WHEN 'rebuild' THEN 'rebuilt'
                                              ELSE 'vacuumed' END AS done,
                           CASE d.maintenance WHEN 'reindex' THEN 're-index' ELSE d.maintenance END AS noun) v $$;

REVOKE ALL ON FUNCTION campmon._check_maintenance_overdue() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_maintenance_overdue() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('maintenance_overdue', 'maintenance',
    'Tables a maintenance cadence (campmon.maintenance_cadence: Adobe''s, or the DBA''s) says should have been re-indexed, rebuilt or vacuumed by now, whatever their bloat; from campmon.history (and PostgreSQL''s last vacuum times); one row per table and maintenance',
    'warning when the last one is older than the cadence, or none is recorded and campmon''s history is older than the cadence; ok otherwise (value: days since the last one, threshold: the cadence in days)',
    '{campmon.maintenance_cadence,campmon.reindex_min_size}',
    'Adobe, "Tables to maintain" (re-index the delivery logs every other week to start with, rebuild them once a month; recreate the Message Center event tables'' indexes and rebuild them regularly) and "Types of maintenance" (re-index frequently updated tables once a week, full rebuilds once a month)',
    'Let campmon.plan() schedule it (it plans overdue re-indexes and rebuilds online: REINDEX CONCURRENTLY, REPACK), or change the cadence in campmon.maintenance_cadence',
    'campmon._check_maintenance_overdue', 150);

-- ==== src/sql/checks/purge_backlog.sql

/*
 * checks/purge_backlog.sql -- what Campaign's cleanup deletes, rule by rule
 * (campmon.purge_rule, seeded with every task of Adobe's "Database cleanup
 * workflow"): how far behind a purge by date is (purge_backlog), the rows
 * an orphan task should have deleted (cleanup_orphans), and an option that
 * sets a purge delay but cannot be read as seconds (campaign_option).
 * Found through an index on the date column or a sample, never a full scan
 * of a large table.  A table the rules name that does not exist gives no
 * row.
 */

-- The delay a date rule applies in schema s: the option's (seconds, any
-- typed column of xtkoption), else the largest delay_column of delay_table
-- (days), else the rule's default.  assumed: the default was taken (an
-- assumed delay never raises critical); how: what the message says.
CREATE OR REPLACE FUNCTION campmon._purge_delay(s text, r campmon.purge_rule, options regclass)
RETURNS TABLE (delay interval, assumed boolean, how text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    o record;
    d interval;
    src regclass;
    days numeric;
    why text;
BEGIN
    IF r.option_name IS NOT NULL THEN
        SELECT * INTO o FROM campmon._option(options, r.option_name);
        d := campmon._option_seconds(o.value);
        IF d IS NOT NULL THEN
            RETURN QUERY SELECT d, false, format('%s = %s s, from %s', r.option_name, trim(o.value), o.source_column);
            RETURN;
        END IF;
        why := format('%s %s', r.option_name, CASE WHEN o.found THEN 'unreadable' ELSE 'absent' END);
    ELSIF r.delay_table IS NOT NULL THEN
        src := to_regclass(format('%I.%I', s, r.delay_table));
        IF src IS NOT NULL AND campmon._has_column(src, r.delay_column)
           AND campmon._unsafe_to_read(src, ARRAY[r.delay_column]) IS NULL AND has_table_privilege(src, 'SELECT')
           AND campmon._editor_may_read(r.edited_by, src) THEN
            EXECUTE format('SELECT max(x.%1$I)::numeric FROM %2$s x WHERE x.%1$I > 0', r.delay_column, src) INTO days;
            IF days IS NOT NULL THEN
                RETURN QUERY SELECT make_interval(days => least(days, 100000)::integer), false,
                    format('the longest %s.%s, %s days', src, r.delay_column, days);
                RETURN;
            END IF;
        END IF;
        why := format('no %s.%s to read', coalesce(src::text, quote_ident(r.delay_table)), r.delay_column);
    ELSE
        RETURN QUERY SELECT r.default_delay, false, coalesce(r.default_note, 'no option sets it');
        RETURN;
    END IF;
    RETURN QUERY SELECT r.default_delay, true,
        format('%s: %s assumed (%s)', why, campmon._human(r.default_delay), coalesce(r.default_note, 'campmon''s default'));
END $fn$;

REVOKE ALL ON FUNCTION campmon._purge_delay(text,campmon.purge_rule,regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._purge_delay(text,campmon.purge_rule,regclass) TO campmon_reader, pg_monitor;

-- A rule's row filter as SQL (identifiers quoted, operators from the
-- table's fixed list, numbers): 'true' when it has none; NULL when the
-- table lacks one of its columns.
CREATE OR REPLACE FUNCTION campmon._purge_filter(rel regclass, r campmon.purge_rule)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE WHEN coalesce(cardinality(r.filter_columns), 0) = 0 THEN 'true'
            WHEN bool_and(campmon._has_column(rel, f.c)) THEN string_agg(format('%I %s %s', f.c, f.op, f.v), ' AND ' ORDER BY f.k) END
FROM unnest(r.filter_columns, r.filter_ops, r.filter_values) WITH ORDINALITY f(c, op, v, k)
WHERE f.op = ANY ('{=,<>,<,>,<=,>=}') $$;

REVOKE ALL ON FUNCTION campmon._purge_filter(regclass,campmon.purge_rule) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._purge_filter(regclass,campmon.purge_rule) TO campmon_reader, pg_monitor;

-- Purge backlog of one table under a date rule (r; s its schema, found_by
-- how the table was found): its oldest date, found through an index on the
-- date column (the first 10,000 rows in date order when the rule filters
-- rows, then a sample) or a sample of about 100 pages, never a full scan;
-- rows past retention from the column's histogram, or counted as
-- campmon._estimate_rows does when the rule filters rows.
CREATE OR REPLACE FUNCTION campmon._purge_backlog(rel regclass, r campmon.purge_rule, options regclass,
                                                  ref timestamptz, found_by text)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    date_column text := r.date_column;
    s text := (SELECT nspname FROM pg_namespace WHERE oid = (SELECT relnamespace FROM pg_class WHERE oid = rel));
    dl record;
    filter text := campmon._purge_filter(rel, r);
    oldest timestamptz;
    cutoff timestamptz;
    backlog interval;
    how text;
    frac double precision;
    pages double precision := greatest(pg_relation_size(rel) / 8192, 1);
    rows_past text;
    est record;
BEGIN
    IF NOT campmon._has_column(rel, date_column) OR filter IS NULL THEN
        RETURN QUERY SELECT 'purge_backlog', 'warning', rel::text, NULL::numeric, NULL::numeric,
            format('%s has no column %s: its purge (%s) cannot be checked', rel,
                   CASE WHEN filter IS NULL THEN array_to_string(r.filter_columns, ' or ') ELSE date_column END, r.task);
        RETURN;
    END IF;
    IF NOT has_table_privilege(rel, 'SELECT') THEN
        RETURN QUERY SELECT 'purge_backlog', 'warning', rel::text, NULL::numeric, NULL::numeric,
            format('%s may not be read by %s: its purge cannot be checked', rel, current_user);
        RETURN;
    END IF;

    SELECT * INTO dl FROM campmon._purge_delay(s, r, options);
    cutoff := ref - dl.delay;

    IF EXISTS (SELECT FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
               JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
               WHERE i.indrelid = rel AND a.attname = date_column AND am.amname = 'btree' AND i.indisvalid
                 AND i.indpred IS NULL) THEN
        -- without a filter the first row in date order is the oldest (one
        -- index probe, as before); with one, the first 10,000 rows are read
        IF filter = 'true' THEN
            EXECUTE format('SELECT %1$I::timestamptz FROM %2$s WHERE %1$I IS NOT NULL ORDER BY %1$I LIMIT 1', date_column, rel) INTO oldest;
            how := 'index';
        ELSE
            EXECUTE format('SELECT min(x.d) FROM (SELECT %1$I::timestamptz AS d, %3$s AS ok FROM %2$s WHERE %1$I IS NOT NULL ORDER BY %1$I LIMIT 10000) x WHERE x.ok',
                           date_column, rel, filter) INTO oldest;
            how := 'index, the first 10,000 rows in date order';
        END IF;
    END IF;
    IF oldest IS NULL AND (how IS NULL OR filter <> 'true') THEN
        EXECUTE format('SELECT min(%1$I)::timestamptz FROM %2$s TABLESAMPLE SYSTEM (%3$s) REPEATABLE (1) WHERE %4$s',
                       date_column, rel, least(100.0, 100.0 * 100 / pages), filter) INTO oldest;
        how := concat_ws(', then ', how, 'sample of about 100 pages');
    END IF;

    IF oldest IS NULL THEN
        RETURN QUERY SELECT 'purge_backlog', 'ok', rel::text, 0::numeric, 1::numeric,
            format('%s has no row %s purges; retention %s (%s; %s)', rel, r.task,
                   CASE WHEN dl.delay = interval '0' THEN 'none' ELSE campmon._human(dl.delay) END, dl.how, found_by);
        RETURN;
    END IF;

    backlog := cutoff - oldest;
    IF backlog > interval '1 day' AND filter <> 'true' THEN
        SELECT * INTO est FROM campmon._estimate_rows(rel, format('%I < %L AND %s', date_column, cutoff, filter), date_column);
        rows_past := format('about %s rows past retention (%s)', est.estimate, est.how);
    ELSIF backlog > interval '1 day' THEN
        -- share of rows older than the cutoff, from the histogram of the column
        SELECT (SELECT count(*) FILTER (WHERE b::timestamptz < cutoff)::double precision / nullif(count(*) - 1, 0)
                FROM unnest(st.histogram_bounds::text::text[]) b)
        INTO frac
        FROM pg_stats st
        WHERE st.schemaname = s AND st.tablename = (SELECT relname FROM pg_class WHERE oid = rel) AND st.attname = date_column;
        rows_past := CASE WHEN frac IS NULL THEN 'rows past retention unknown (no histogram: run ANALYZE)'
                          ELSE format('about %s (%s) past retention, from the column histogram (an estimate)',
                                      campmon._count(round(greatest(frac, 0) * greatest((SELECT reltuples FROM pg_class WHERE oid = rel), 0))::numeric, 'row'),
                                      pg_size_pretty((greatest(frac, 0) * pg_relation_size(rel))::bigint)) END;
    END IF;

    RETURN QUERY SELECT 'purge_backlog',
        CASE WHEN backlog > dl.delay AND NOT dl.assumed AND (r.option_name IS NOT NULL OR r.delay_table IS NOT NULL) THEN 'critical'
             WHEN backlog > interval '1 day' THEN 'warning' ELSE 'ok' END,
        rel::text,
        round((extract(epoch FROM greatest(backlog, interval '0')) / 86400)::numeric, 1),
        1::numeric,
        format('oldest %s%s is %s (found by %s); retention %s (%s; %s)%s',
               date_column, CASE WHEN filter <> 'true' THEN format(' of the rows %s purges (%s)', r.task, filter) ELSE '' END,
               to_char(oldest, 'YYYY-MM-DD HH24:MI'), how,
               CASE WHEN dl.delay = interval '0' THEN 'none' ELSE campmon._human(dl.delay) END, dl.how, found_by,
               CASE WHEN backlog > interval '1 day'
                    THEN format(': %s days behind the purge; %s', round((extract(epoch FROM backlog) / 86400)::numeric, 1), rows_past)
                    ELSE ': the purge keeps up' END);
END $fn$;

REVOKE ALL ON FUNCTION campmon._purge_backlog(regclass,campmon.purge_rule,regclass,timestamp with time zone,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._purge_backlog(regclass,campmon.purge_rule,regclass,timestamp with time zone,text) TO campmon_reader, pg_monitor;

-- Rows of rel an orphan rule (r) says the cleanup deletes: those whose
-- key_column names no row of parent_table (in the same schema), estimated
-- as campmon._estimate_rows does (an anti-join, no full scan of a large
-- table).  A NULL key is no orphan, as in the cleanup's NOT IN.
CREATE OR REPLACE FUNCTION campmon._cleanup_orphans(rel regclass, r campmon.purge_rule, found_by text)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    s text := (SELECT nspname FROM pg_namespace WHERE oid = (SELECT relnamespace FROM pg_class WHERE oid = rel));
    name text := (SELECT relname FROM pg_class WHERE oid = rel);
    parent regclass := to_regclass(format('%I.%I', s, r.parent_table));
    problem text;
    est record;
BEGIN
    problem := coalesce(
        CASE WHEN parent IS NULL THEN format('its parent table %I.%I does not exist', s, r.parent_table) END,
        CASE WHEN NOT campmon._has_column(rel, r.key_column) THEN format('%s has no column %s', rel, r.key_column) END,
        CASE WHEN NOT campmon._has_column(parent, r.parent_column) THEN format('%s has no column %s', parent, r.parent_column) END,
        campmon._unsafe_to_read(parent, ARRAY[r.parent_column]),
        CASE WHEN NOT has_table_privilege(rel, 'SELECT') OR NOT has_table_privilege(parent, 'SELECT')
             THEN format('%s or %s may not be read by %s', rel, parent, current_user) END,
        CASE WHEN NOT campmon._editor_may_read(r.edited_by, parent)
             THEN format('rule %s was written by %s, who may not read %s', r.rule, r.edited_by, parent) END);
    IF problem IS NOT NULL THEN
        RETURN QUERY SELECT 'cleanup_orphans', 'warning', rel::text, NULL::numeric, NULL::numeric,
            format('%s is not checked: %s', r.task, problem);
        RETURN;
    END IF;
    SELECT * INTO est FROM campmon._estimate_rows(rel,
        format('%1$I.%2$I IS NOT NULL AND NOT EXISTS (SELECT FROM %3$s p WHERE p.%4$I = %1$I.%2$I)', name, r.key_column, parent, r.parent_column),
        r.key_column);
    RETURN QUERY SELECT 'cleanup_orphans', CASE WHEN est.estimate > 0 THEN 'warning' ELSE 'ok' END, rel::text,
        est.estimate, 0::numeric,
        format('%s rows of %s whose %s names no row of %s (%s; %s): %s',
               est.estimate, rel, r.key_column, parent, est.how, found_by,
               CASE WHEN est.estimate > 0
                    THEN format('%s deletes them at each run; a few just after a deletion are normal, the same ones day after day mean the task does not run', r.task)
                    ELSE format('%s keeps up', r.task) END);
END $fn$;

REVOKE ALL ON FUNCTION campmon._cleanup_orphans(regclass,campmon.purge_rule,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._cleanup_orphans(regclass,campmon.purge_rule,text) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_purge_backlog()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    ref timestamptz := campmon._reference_time();
    pr campmon.purge_rule;
    o record;
    rec record;
    problem text;
    reported text[] := '{}';
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        -- the log tables the delivery mappings name (campmon._purge_tables), else found by name
        FOR pr IN SELECT * FROM campmon.purge_rule ORDER BY rule LOOP
            -- one campaign_option row per option, however many rules read it
            IF pr.option_name IS NOT NULL AND NOT pr.option_name = ANY (reported) THEN
                reported := reported || pr.option_name;
                SELECT * INTO o FROM campmon._option(c.opt, pr.option_name);
                IF o.found AND campmon._option_seconds(o.value) IS NULL THEN
                    RETURN QUERY SELECT 'campaign_option', 'warning', format('%s:%s', c.opt, pr.option_name), NULL::numeric, NULL::numeric,
                        format('option %s has a value that is not a number of seconds (%s, from %s): %s is assumed',
                               pr.option_name, coalesce(o.value, 'empty'), coalesce(o.source_column, 'no value column'),
                               campmon._human(pr.default_delay));
                END IF;
            END IF;
            FOR rec IN SELECT * FROM campmon._purge_tables(c.schema_name, pr) LOOP
                -- a rule a non-superuser wrote: only the tables that role may read
                CONTINUE WHEN NOT campmon._editor_may_read(pr.edited_by, rec.rel);
                problem := campmon._unsafe_to_read(rec.rel, array_remove(ARRAY[pr.date_column, pr.key_column] || pr.filter_columns, NULL));
                IF problem IS NOT NULL THEN
                    RETURN QUERY SELECT CASE WHEN pr.date_column IS NULL THEN 'cleanup_orphans' ELSE 'purge_backlog' END,
                        'warning', rec.rel::text, NULL::numeric, NULL::numeric,
                        format('%s is not read: %s', rec.rel, problem);
                    CONTINUE;
                END IF;
                -- one purge rule that does not fit its table (a date column of
                -- another type, say) is a warning row, not the end of the checks
                BEGIN
                    IF pr.date_column IS NOT NULL THEN
                        RETURN QUERY SELECT * FROM campmon._purge_backlog(rec.rel, pr, c.opt, ref, rec.found_by);
                    ELSE
                        RETURN QUERY SELECT * FROM campmon._cleanup_orphans(rec.rel, pr, rec.found_by);
                    END IF;
                EXCEPTION WHEN OTHERS THEN
                    RETURN QUERY SELECT CASE WHEN pr.date_column IS NULL THEN 'cleanup_orphans' ELSE 'purge_backlog' END,
                        'warning', rec.rel::text, NULL::numeric, NULL::numeric,
                        format('cannot check %s on %s (rule %s): %s', pr.task, rec.rel, pr.rule, SQLERRM);
                END;
            END LOOP;
        END LOOP;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_purge_backlog() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_purge_backlog() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('purge_backlog', 'purge',
    'Each table a date rule of campmon.purge_rule covers -- every purge of Adobe''s cleanup: delivery and tracking logs, provider message ids, tracking statistics, import rejects, workflow logs, tasks and events, visitors, NPAI, subscriptions, audit trail, Message Center events, propositions: the oldest row the task deletes against the retention (its option, else Adobe''s default or campmon''s assumption, said), rows past it estimated',
    'warning when more than a day behind the purge; critical when behind by more than the retention itself and the retention comes from the option or the workflows'' history (an assumed default never raises critical)',
    '{campmon.purge_rule,campmon.reference_time}',
    'Adobe, "Database cleanup workflow" (each task and its option: NmsCleanup_BroadLogPurgeDelay, NmsCleanup_TrackingLogPurgeDelay, NmsCleanup_TrackingStatPurgeDelay, NmsCleanup_RejectsPurgeDelay, NmsCleanup_VisitorPurgeDelay, NmsCleanup_EventPurgeDelay, NmsCleanup_EventHistoPurgeDelay, NmsCleanup_PropositionPurgeDelay, XtkCleanup_AuditTrailPurgeDelay, NmsCleanup_AppSubscriptionRcpPurgeDelay, History in days); defaults from "Data model best practices"',
    'Fix the cleanup (cleanup_workflow, cleanup_last_run); after a big purge, VACUUM the table (space reused) or REPACK it (space given back)',
    'campmon._check_purge_backlog', 40);
SELECT campmon._register_check('cleanup_orphans', 'purge',
    'Each table an orphan rule of campmon.purge_rule covers (import rejects of deleted jobs, logins of deleted workflows, NmsEmailError and NmsMxDomain rows of no MX left): the rows the cleanup deletes because their parent row is gone, estimated without a full scan',
    'warning when any (a few just after a deletion are normal until the next cleanup); ok otherwise',
    '{campmon.purge_rule}',
    'Adobe, "Database cleanup workflow" (Cleanup of rejects generated by imports, of workflow logins, of the NmsEmailError and NmsMxDomain tables)',
    'If the same orphans stay day after day, the cleanup''s task fails: read the cleanup''s log (cleanup_workflow)',
    'campmon._check_purge_backlog', 42);
SELECT campmon._register_check('campaign_option', 'configuration',
    'A Campaign option that sets a purge delay or a period but is not a number',
    'warning; the rule''s documented default is assumed meanwhile',
    '{campmon.purge_rule}',
    'Adobe, "Database cleanup workflow" (the options hold seconds) and "Monitoring workflow execution" (NmsServer_PausedWorkflowPeriod, days)',
    'Correct the option in Campaign (Administration > Platform > Options)',
    'campmon._check_purge_backlog', 41);

-- ==== src/sql/checks/repack_leftovers.sql

/*
 * checks/repack_leftovers.sql -- repack_leftovers: what an interrupted
 * pg_repack left on a table (its trigger goes on logging every write),
 * recognised by what pg_repack creates (repack.sql).
 */

-- campmon.checks' rows about pg_repack: a warning per table with leftovers,
-- else one ok row (none when pg_repack is not installed)
CREATE OR REPLACE FUNCTION campmon._check_repack_leftovers()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'repack_leftovers', 'warning', l.target, cardinality(l.objects)::numeric, 0::numeric,
           format('an interrupted pg_repack left %s behind (its trigger logs every write to the table meanwhile): '
                  'clean up with SELECT campmon.clean_repack_leftovers() as a superuser (pg_repack''s own cleanup, '
                  'not while a pg_repack works on the table; campmon.plan() plans it)', array_to_string(l.objects, ', '))
    FROM campmon._repack_leftovers() l
    UNION ALL
    SELECT 'repack_leftovers', 'ok', 'extension:pg_repack', 0, 0, 'no pg_repack leftovers'
    FROM pg_extension e
    WHERE e.extname = 'pg_repack' AND NOT EXISTS (SELECT FROM campmon._repack_leftovers())
$$;

REVOKE ALL ON FUNCTION campmon._check_repack_leftovers() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_repack_leftovers() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('repack_leftovers', 'repack',
    'What an interrupted pg_repack left behind on a table: a trigger calling pg_repack''s own function, its log and copy tables and pk type (no row when pg_repack is not installed)',
    'warning per table with leftovers; one ok row otherwise',
    NULL, 'pg_repack''s documentation (an interrupted run leaves its objects; its own cleanup drops them)',
    'SELECT campmon.clean_repack_leftovers() as a superuser when no pg_repack works on the table (plan() plans it)',
    'campmon._check_repack_leftovers', 120);

-- ==== src/sql/checks/sequences.sql

/*
 * checks/sequences.sql -- key_sequence: every sequence behind Campaign's
 * keys (campmon.key_sequences: XtkNewId, NmsBroadLogId, NmsTrackingLogId,
 * each pkSequence) against the wrap of the 32-bit keys it feeds, with its
 * rate of use from the snapshots (Adobe, "Application objects", "Key
 * management in schemas"); log_table_rows: the delivery and tracking logs
 * against the billion rows Adobe advises not to pass ("Data model best
 * practices"), from the statistics, never a scan.
 */

-- One key sequence (q: a row of campmon.key_sequences): percent used,
-- warning and critical from the settings; the rate of use per day and the
-- days to the wrap from campmon.snapshot()'s readings (sequence_trends).
CREATE OR REPLACE FUNCTION campmon._key_sequence_row(q campmon.key_sequences, warn numeric, crit numeric)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    seq text := format('%I.%I', q.schema_name, q.sequence_name);
    rate text;
BEGIN
    IF NOT q.readable THEN
        RETURN QUERY SELECT 'key_sequence'::text, 'warning'::text, seq, NULL::numeric, warn,
            format('%s may not be read by %s: its use cannot be checked (found by %s)', seq, current_user, q.found_by);
        RETURN;
    END IF;
    -- the snapshots' rate (trends.sql is installed after this file: the
    -- view is looked up when the check runs)
    SELECT CASE WHEN t.ids_per_day IS NULL
                THEN format('the rate of use per day is not known yet (%s)', t.note)
                ELSE format('%s used a day over campmon''s snapshots%s', t.ids_per_day,
                            CASE WHEN t.days_to_wrap IS NOT NULL
                                 THEN format(', the wrap in %s days at that pace', t.days_to_wrap) ELSE '' END) END
    INTO rate
    FROM campmon.sequence_trends t WHERE t.sequence_name = seq;
    RETURN QUERY SELECT 'key_sequence'::text,
        CASE WHEN q.used_pct >= crit THEN 'critical' WHEN q.used_pct >= warn THEN 'warning' ELSE 'ok' END,
        seq, q.used_pct, warn,
        format('%s is at %s of %s (%s%% used%s; %s keys; warning at %s%%, critical at %s%%)%s; %s (found by %s; Adobe: check a use of 100,000 a day or more against the business)',
               seq, coalesce(q.last_value::text, 'its start (never used)'), q.wrap_at, q.used_pct,
               CASE WHEN q.last_value < 0 THEN ', in the negative range after a wrap' ELSE '' END,
               q.key_type, warn, crit,
               CASE WHEN q.used_pct < warn THEN ''
                    WHEN q.sequence_name = 'xtknewid'
                    THEN ': give the largest tables a sequence of their own (pkSequence) and plan Adobe''s procedure before it wraps'
                    ELSE ': shorten the retention of the tables it feeds and plan Adobe''s procedure before it wraps' END,
               coalesce(rate, 'no snapshot has read it yet: the rate of use per day is unknown until campmon.snapshot() keeps readings'),
               q.found_by);
END $fn$;

REVOKE ALL ON FUNCTION campmon._key_sequence_row(campmon.key_sequences,numeric,numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._key_sequence_row(campmon.key_sequences,numeric,numeric) TO campmon_reader, pg_monitor;

-- The delivery and tracking logs of schema s (the tables the delivery
-- mappings name, as the purge rules with mapping columns find them): rows
-- from pg_class.reltuples (the statistics' n_live_tup before any ANALYZE),
-- warning from campmon.log_rows_max.
CREATE OR REPLACE FUNCTION campmon._log_table_rows(s text, max_rows numeric)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 'log_table_rows'::text,
       CASE WHEN x.n >= max_rows THEN 'warning' ELSE 'ok' END,
       x.rel::text, x.n, max_rows,
       CASE WHEN x.n IS NULL THEN format('the rows of %s are not known (never analyzed): ANALYZE it', x.rel)
            ELSE format('%s holds about %s rows (%s, no scan), %s%% of the 2^31 identifiers of its 32-bit keys%s', x.rel, x.n, x.how,
                        round(100 * x.n / 2147483648, 1),
                        CASE WHEN x.n >= max_rows
                             THEN format(': more than campmon.log_rows_max (%s); Adobe advises no more than about a billion at a time: shorten the retention (%s)',
                                         max_rows, x.option_name)
                             ELSE '' END) END
FROM (SELECT y.rel, y.option_name,
             CASE WHEN y.reltuples >= 0 THEN round(y.reltuples::numeric) ELSE pg_stat_get_live_tuples(y.rel) END AS n,
             CASE WHEN y.reltuples >= 0 THEN 'pg_class.reltuples' ELSE 'statistics of a table never analyzed' END AS how
      FROM (SELECT DISTINCT ON (t.rel) t.rel, r.option_name,
                   -- a lookup per table (a join would hash all of pg_class)
                   (SELECT pc.reltuples FROM pg_class pc WHERE pc.oid = t.rel) AS reltuples
            FROM campmon.purge_rule r
            CROSS JOIN LATERAL campmon._purge_tables(s, r) t
            WHERE r.mapping_columns IS NOT NULL AND campmon._editor_may_read(r.edited_by, t.rel)
            ORDER BY t.rel, r.rule) y) x
ORDER BY x.rel::text $$;

REVOKE ALL ON FUNCTION campmon._log_table_rows(text,numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._log_table_rows(text,numeric) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_sequences()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    q campmon.key_sequences;
    warn numeric := campmon._setting_num('campmon.sequence_warning_pct');
    crit numeric := campmon._setting_num('campmon.sequence_critical_pct');
    max_rows numeric := campmon._setting_num('campmon.log_rows_max');
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        BEGIN
            FOR q IN SELECT * FROM campmon.key_sequences k WHERE k.schema_name = c.schema_name LOOP
                RETURN QUERY SELECT * FROM campmon._key_sequence_row(q, warn, crit);
            END LOOP;
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'key_sequence'::text, 'warning'::text, quote_ident(c.schema_name), NULL::numeric, NULL::numeric,
                format('cannot read the key sequences of schema %s: %s', c.schema_name, SQLERRM);
        END;
        BEGIN
            RETURN QUERY SELECT * FROM campmon._log_table_rows(c.schema_name, max_rows);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'log_table_rows'::text, 'warning'::text, quote_ident(c.schema_name), NULL::numeric, NULL::numeric,
                format('cannot count the log tables of schema %s: %s', c.schema_name, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_sequences() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_sequences() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('key_sequence', 'sequences',
    'Each sequence behind Campaign''s keys (campmon.key_sequences: XtkNewId, NmsBroadLogId, NmsTrackingLogId, every pkSequence with its GetNew<Name>Ids function, integer columns'' defaults): identifiers used before the wrap of the keys it feeds (2^31 for Campaign''s 32-bit keys), and at what rate (from the snapshots)',
    'warning from campmon.sequence_warning_pct (75%) used, critical from campmon.sequence_critical_pct (90%); warning when the sequence may not be read',
    '{campmon.sequence_warning_pct,campmon.sequence_critical_pct,campmon.sequence_rule}',
    'Adobe, "Application objects" (the sequence must be monitored; dedicated sequences with pkSequence), "Key management in schemas" (NmsBroadLogId, NmsTrackingLogId, GetNew<Name>Ids, 32-bit keys) and "Data model best practices" (running out of identifiers)',
    'Shorten the retention of the tables the sequence feeds; give large tables a sequence of their own; plan Adobe''s sequence procedure with Adobe support before it wraps',
    'campmon._check_sequences', 70);
SELECT campmon._register_check('log_table_rows', 'sequences',
    'Each delivery and tracking log table (those the delivery mappings name): its rows from the statistics (pg_class.reltuples, no scan) against the billion Adobe advises not to pass, half of the 32-bit identifiers',
    'warning from campmon.log_rows_max rows (1,000,000,000); ok below; the figure is an estimate',
    '{campmon.log_rows_max,campmon.purge_rule}',
    'Adobe, "Data model best practices" (no more than about a billion records at a time in the log tables, about half of the 2.14 billion identifiers)',
    'Lower the retention (NmsCleanup_BroadLogPurgeDelay, NmsCleanup_TrackingLogPurgeDelay) so that the logs stay under a billion rows',
    'campmon._check_sequences', 71);

-- ==== src/sql/checks/sessions.sql

/*
 * checks/sessions.sql -- session_backlog: sessions (xtksessioninfo) that
 * expired before the cleanup's last run, which it deletes; a backlog says
 * the cleanup's session task does not run.
 */

-- Sessions (xtksessioninfo) that expired before the cleanup's last run:
-- it deletes them (tsexpiration < now).
CREATE OR REPLACE FUNCTION campmon._session_backlog(s text, opt regclass, ref timestamptz)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    rel regclass := to_regclass(format('%I.xtksessioninfo', s));
    last_cleanup timestamptz := campmon._last_cleanup(opt);
    cutoff timestamptz;
    problem text;
    est record;
BEGIN
    IF rel IS NULL THEN
        RETURN;
    END IF;
    problem := coalesce(CASE WHEN NOT campmon._has_column(rel, 'tsexpiration') THEN format('%s has no column tsexpiration', rel) END,
                        campmon._unsafe_to_read(rel, ARRAY['tsexpiration']),
                        CASE WHEN NOT has_table_privilege(rel, 'SELECT') THEN format('%s may not be read by %s', rel, current_user) END);
    IF problem IS NOT NULL THEN
        RETURN QUERY SELECT 'session_backlog', 'warning', rel::text, NULL::numeric, NULL::numeric,
            format('%s is not read: %s', rel, problem);
        RETURN;
    END IF;
    cutoff := least(ref, coalesce(last_cleanup, ref));
    SELECT * INTO est FROM campmon._estimate_rows(rel, format('tsexpiration::timestamptz < %L', cutoff), 'tsexpiration');
    RETURN QUERY SELECT 'session_backlog', CASE WHEN est.estimate > 0 THEN 'warning' ELSE 'ok' END, rel::text, est.estimate, 0::numeric,
        format('%s expired before %s (%s)%s', campmon._count(est.estimate, 'session'),
               CASE WHEN last_cleanup IS NULL OR last_cleanup >= ref THEN 'now'
                    ELSE format('the cleanup''s last run (%s)', to_char(last_cleanup, 'YYYY-MM-DD HH24:MI')) END,
               est.how, CASE WHEN est.estimate > 0 THEN ': the cleanup deletes them (XtkSessionInfo, tsexpiration)' ELSE '' END);
END $fn$;

REVOKE ALL ON FUNCTION campmon._session_backlog(text,regclass,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._session_backlog(text,regclass,timestamptz) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_sessions()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    ref timestamptz := campmon._reference_time();
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        BEGIN
            RETURN QUERY SELECT * FROM campmon._session_backlog(c.schema_name, c.opt, ref);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'session_backlog', 'warning', format('%I.xtksessioninfo', c.schema_name), NULL::numeric, NULL::numeric,
                format('cannot check the sessions of schema %s: %s', c.schema_name, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_sessions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_sessions() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('session_backlog', 'cleanup',
    'Sessions (xtksessioninfo) that expired before the cleanup''s last run and are still there',
    'warning when any; ok otherwise',
    NULL, 'Adobe, "Database cleanup workflow" (sessions)',
    'The cleanup''s session purge is late: fix the cleanup',
    'campmon._check_sessions', 60);

-- ==== src/sql/checks/trends.sql

/*
 * checks/trends.sql -- the campmon.checks rows that read the snapshots'
 * trends (trends.sql): bloat growing fast on a high-churn table
 * (bloat_growth), a tablespace filling (tablespace_filling), a key
 * sequence wrapping (key_sequence_wrap).  Each is ok, saying so, until the
 * trend window holds campmon.trend_min_points snapshots; no snapshot at
 * all: no row.  campmon.snapshot() records these rows too: they then
 * describe the snapshots taken before it.
 */

CREATE OR REPLACE FUNCTION campmon._check_trends()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    growth numeric := campmon._setting_num('campmon.trend_bloat_growth_pct');
    alert_min numeric := campmon._setting_num('campmon.bloat_alert_min_size') * 8192;
    full_warn numeric := campmon._setting_num('campmon.trend_full_warning_days');
    full_crit numeric := campmon._setting_num('campmon.trend_full_critical_days');
    wrap_warn numeric := campmon._setting_num('campmon.trend_wrap_warning_days');
    wrap_crit numeric := campmon._setting_num('campmon.trend_wrap_critical_days');
BEGIN
    -- (the views live in trends.sql, installed after campmon.checks: plpgsql
    -- resolves them when called)
    RETURN QUERY
    SELECT 'bloat_growth'::text,
           CASE WHEN t.note IS NULL AND t.bloat_pct_per_day >= growth AND t.bloat_bytes >= alert_min THEN 'warning' ELSE 'ok' END,
           format('%I.%I', t.schema_name, t.relation_name), t.bloat_pct_per_day, growth,
           CASE WHEN t.note IS NOT NULL THEN t.note
                ELSE format('bloat %s%% (%s), %s points a day (%s a day) over %s snapshots since %s%s%s',
                            t.bloat_pct, pg_size_pretty(t.bloat_bytes), t.bloat_pct_per_day, pg_size_pretty(t.bloat_bytes_per_day),
                            t.points, to_char(t.first_at, 'YYYY-MM-DD HH24:MI'),
                            CASE WHEN t.days_to_critical > 0 THEN format('; critical in %s days', t.days_to_critical) ELSE '' END,
                            CASE WHEN t.bloat_pct_per_day >= growth AND t.bloat_bytes < alert_min
                                 THEN format('; below campmon.bloat_alert_min_size (%s): not alerted', pg_size_pretty(alert_min))
                                 ELSE '' END) END
    FROM campmon.relation_trends t
    -- the tables check table_bloat watches: a high-churn family's rule
    -- matches them
    WHERE t.kind = 'table'
      AND EXISTS (SELECT FROM campmon.family f
                  WHERE f.high_churn AND f.family = t.family AND t.relation_name ~ f.pattern
                    AND (f.schema_name = t.schema_name OR (f.schema_name IS NULL AND t.schema_name = ANY (campmon._work_table_schemas()))))
    ORDER BY 3;

    RETURN QUERY
    SELECT 'tablespace_filling'::text,
           CASE WHEN t.days_to_full <= full_crit THEN 'critical' WHEN t.days_to_full <= full_warn THEN 'warning' ELSE 'ok' END,
           'tablespace:' || t.tablespace, t.days_to_full, full_warn,
           coalesce(t.note,
                    format('%s available of %s, %s a day over %s snapshots: %s (value and threshold in days)',
                           pg_size_pretty(t.available_bytes), pg_size_pretty(t.total_bytes),
                           CASE WHEN t.available_bytes_per_day < 0 THEN '-' || pg_size_pretty(-t.available_bytes_per_day)
                                ELSE '+' || pg_size_pretty(t.available_bytes_per_day) END,
                           t.points,
                           CASE WHEN t.days_to_full IS NULL THEN 'not filling'
                                ELSE format('full in %s days at this rate', t.days_to_full) END))
    FROM campmon.tablespace_trends t
    ORDER BY 3;

    RETURN QUERY
    SELECT 'key_sequence_wrap'::text,
           CASE WHEN t.days_to_wrap <= wrap_crit THEN 'critical' WHEN t.days_to_wrap <= wrap_warn THEN 'warning' ELSE 'ok' END,
           t.sequence_name, t.days_to_wrap, wrap_warn,
           coalesce(t.note,
                    format('%s identifiers a day over %s snapshots, %s%% used: %s (value and threshold in days)',
                           t.ids_per_day, t.points, t.used_pct,
                           CASE WHEN t.days_to_wrap IS NULL THEN 'not advancing'
                                ELSE format('wraps at %s in %s days at this rate',
                                            CASE t.wrap_at WHEN 2147483648 THEN '2^31' WHEN 9223372036854775808 THEN '2^63'
                                                           WHEN 32768 THEN '2^15' ELSE t.wrap_at::text END,
                                            t.days_to_wrap) END))
    FROM campmon.sequence_trends t
    ORDER BY 3;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_trends() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_trends() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('bloat_growth', 'trends',
    'High-churn tables whose bloat grows faster than campmon.trend_bloat_growth_pct points a day over the snapshots'' trend window',
    'warning when growing faster (and the bloat is above campmon.bloat_alert_min_size); ok, saying why, while there is no trend',
    '{campmon.trend_bloat_growth_pct,campmon.bloat_alert_min_size,campmon.trend_window,campmon.trend_min_points,campmon.trend_min_span}',
    'campmon''s snapshots (campmon.relation_trends)',
    'Find what changed (a stopped cleanup, a new workflow, a blocked VACUUM: vacuum_blockers); campmon.plan() acts on the bloat',
    'campmon._check_trends', 130);
SELECT campmon._register_check('tablespace_filling', 'trends',
    'The file system under each tablespace: days until full at the trend of its free space',
    'warning within campmon.trend_full_warning_days, critical within campmon.trend_full_critical_days; ok while there is no trend',
    '{campmon.trend_full_warning_days,campmon.trend_full_critical_days,campmon.trend_window,campmon.trend_min_points,campmon.trend_min_span}',
    'campmon''s snapshots (campmon.tablespace_trends)',
    'Add space, purge (the cleanup), give space back (REPACK, VACUUM FULL)',
    'campmon._check_trends', 131);
SELECT campmon._register_check('key_sequence_wrap', 'trends',
    'Each key sequence (campmon.key_sequences): days until it wraps at its recent rate of use',
    'warning within campmon.trend_wrap_warning_days, critical within campmon.trend_wrap_critical_days; ok while there is no trend',
    '{campmon.trend_wrap_warning_days,campmon.trend_wrap_critical_days,campmon.trend_window,campmon.trend_min_points,campmon.trend_min_span}',
    'Adobe, "Application objects" (monitor the sequence) and campmon''s snapshots (campmon.sequence_trends)',
    'Plan Adobe''s sequence procedure now',
    'campmon._check_trends', 132);

-- ==== src/sql/checks/work_tables.sql

/*
 * checks/work_tables.sql -- the work tables (campmon.stale_tables): how many
 * Campaign's cleanup would drop (stale), how many are probably dead but
 * not covered by it (suspect), held ones nobody writes, and the deliveries
 * that still hold tables.  One evaluation of the stale-table analysis for
 * all of them (0.8 s at 50,000 relations): one producer for the family.
 */

CREATE OR REPLACE FUNCTION campmon._check_work_tables()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '2MB'
AS $fn$
DECLARE
    held_idle interval := campmon._seconds('campmon.held_max_idle');
    stale_crit integer := current_setting('campmon.stale_tables_critical')::integer;
BEGIN
    IF NOT EXISTS (SELECT FROM campmon._campaign_schemas()) THEN
        RETURN;
    END IF;

    -- work tables: one evaluation of campmon.stale_tables for every check
    RETURN QUERY
    WITH st AS MATERIALIZED (SELECT * FROM campmon._stale_tables()),
    per_verdict AS (
        SELECT v.verdict, count(st.relid) AS n, coalesce(sum(st.total_bytes), 0)::bigint AS b
        FROM (VALUES ('stale'), ('suspect')) v(verdict) LEFT JOIN st ON st.verdict = v.verdict
        GROUP BY v.verdict
    ),
    held_idle AS (
        SELECT count(*) AS n, coalesce(sum(st.total_bytes), 0)::bigint AS b FROM st
        WHERE st.verdict = 'held' AND st.idle > held_idle
    ),
    deliveries AS (
        SELECT format('%I.%I', st.schema_name, st.owner_table) AS owner_table, st.owner_id,
               count(*) AS n, sum(st.total_bytes)::bigint AS b, min(st.reason) AS reason
        FROM st WHERE st.rule = 'delivery' AND st.verdict = 'stale'
          AND st.reason NOT LIKE '%no longer exists%'
        GROUP BY 1, st.owner_id
    )
    SELECT 'stale_work_tables'::text,
           CASE WHEN p.n >= stale_crit THEN 'critical' WHEN p.n > 0 THEN 'warning' ELSE 'ok' END,
           'campmon.stale_tables'::text, p.n::numeric, stale_crit::numeric,
           format('%s (%s) that Campaign''s cleanup would drop %s still there: see campmon.stale_tables',
                  campmon._count(p.n, 'work table'), pg_size_pretty(p.b), CASE WHEN p.n = 1 THEN 'is' ELSE 'are' END)
    FROM per_verdict p WHERE p.verdict = 'stale'
    UNION ALL
    SELECT 'suspect_work_tables', CASE WHEN p.n > 0 THEN 'warning' ELSE 'ok' END,
           'campmon.stale_tables', p.n::numeric, 0::numeric,
           format('%s (%s) %s probably dead but not covered by Campaign''s cleanup: see campmon.stale_tables',
                  campmon._count(p.n, 'work table'), pg_size_pretty(p.b), CASE WHEN p.n = 1 THEN 'is' ELSE 'are' END)
    FROM per_verdict p WHERE p.verdict = 'suspect'
    UNION ALL
    SELECT 'held_idle_work_tables', CASE WHEN h.n > 0 THEN 'warning' ELSE 'ok' END,
           'campmon.stale_tables', h.n::numeric, round(extract(epoch FROM held_idle) / 86400)::numeric,
           format('%s (%s) %s not been written for more than %s (campmon.held_max_idle; threshold in days): %s keep them',
                  campmon._count(h.n, 'held work table'), pg_size_pretty(h.b), CASE WHEN h.n = 1 THEN 'has' ELSE 'have' END,
                  campmon._human(held_idle), CASE WHEN h.n = 1 THEN 'its owner' ELSE 'their owners' END)
    FROM held_idle h
    UNION ALL
    SELECT 'deliveries_holding_tables', CASE WHEN count(d.owner_id) > 0 THEN 'warning' ELSE 'ok' END,
           'campmon.stale_tables', count(d.owner_id)::numeric, 0::numeric,
           format('%s still %s %s (%s): the cleanup has not run since, or failed',
                  campmon._count(count(d.owner_id), 'stopped, deleted or unsent delivery', 'stopped, deleted or unsent deliveries'),
                  CASE WHEN count(d.owner_id) = 1 THEN 'has' ELSE 'have' END,
                  campmon._count(coalesce(sum(d.n), 0), 'work table'), pg_size_pretty(coalesce(sum(d.b), 0)))
    FROM deliveries d
    UNION ALL
    (SELECT 'delivery_holding_tables', 'warning', format('%s:%s', d.owner_table, d.owner_id), d.n::numeric, 0::numeric,
            format('%s; yet %s (%s) %s still there', d.reason, campmon._count(d.n, 'work table'), pg_size_pretty(d.b),
                   CASE WHEN d.n = 1 THEN 'is' ELSE 'are' END)
     FROM deliveries d ORDER BY d.b DESC, d.owner_id LIMIT 10);
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_work_tables() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_work_tables() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('stale_work_tables', 'work tables',
    'Work tables (wkf…, wkdlv_…, grp…, wksimu_…) that Campaign''s cleanup would drop and are still there',
    'warning when any; critical from campmon.stale_tables_critical of them',
    '{campmon.stale_tables_critical,campmon.work_table_rule,campmon.work_table_schemas}',
    'Adobe, "Database cleanup workflow" (the work-table task: owner deleted or done)',
    'Fix the cleanup; campmon.plan() drops them meanwhile (DROP TABLE, re-checked under lock)',
    'campmon._check_work_tables', 90);
SELECT campmon._register_check('suspect_work_tables', 'work tables',
    'Work tables probably dead but not covered by the cleanup (owner in a state it keeps, or no owner rule and unwritten for campmon.stale_min_age)',
    'warning when any; ok otherwise',
    '{campmon.stale_min_age}',
    'campmon''s own rule beside Adobe''s cleanup (the cleanup keeps them)',
    'Check with their owners; plan(include_suspect => true) drops them',
    'campmon._check_work_tables', 91);
SELECT campmon._register_check('held_idle_work_tables', 'work tables',
    'Work tables held by a live owner but unwritten for longer than campmon.held_max_idle',
    'warning when any; ok otherwise',
    '{campmon.held_max_idle}',
    'campmon''s own rule (a paused or failed workflow keeps its tables: Adobe, "Workflow best practices")',
    'Ask their owners to finish or stop the workflows and deliveries that hold them',
    'campmon._check_work_tables', 92);
SELECT campmon._register_check('deliveries_holding_tables', 'work tables',
    'Stopped, deleted or unsent deliveries that still have work tables',
    'warning when any; ok otherwise',
    NULL, 'Adobe, "Database cleanup workflow" (delivery states 0, 85, 100 and deleted deliveries)',
    'The cleanup has not run since, or failed: fix it',
    'campmon._check_work_tables', 93);
SELECT campmon._register_check('delivery_holding_tables', 'work tables',
    'The ten deliveries with the most bytes of such work tables, one row each',
    'warning per delivery',
    NULL, 'Adobe, "Database cleanup workflow"',
    'As deliveries_holding_tables',
    'campmon._check_work_tables', 94);

-- ==== src/sql/checks/workflow_options.sql

/*
 * checks/workflow_options.sql -- workflow_options: workflows with a
 * property Adobe says must never be set in production ("Workflow best
 * practices": keep the interim results between executions, log the SQL
 * queries in the journal).  The properties are data
 * (campmon.workflow_option): a column of xtkworkflow when the table has it,
 * else the attribute in the workflow's XML (mdata).  One row per property;
 * none when the table holds neither.
 */

CREATE OR REPLACE FUNCTION campmon._workflow_option_rows(wf regclass)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    w campmon.workflow_option;
    test text;
    problem text;
    n bigint;
    names text;
    templates text := CASE WHEN campmon._has_column(wf, 'iismodel') THEN ' AND coalesce(o.iismodel, 0) = 0' ELSE '' END;
BEGIN
    FOR w IN SELECT * FROM campmon.workflow_option ORDER BY attribute LOOP
        IF w.column_name IS NOT NULL AND campmon._has_column(wf, w.column_name) THEN
            test := format('coalesce(o.%I::integer, 0) <> 0', w.column_name);
            problem := campmon._unsafe_to_read(wf, ARRAY[w.column_name, 'sinternalname', 'istate']);
        ELSIF campmon._has_column(wf, 'mdata') THEN
            -- the attribute with the value true (or 1), as Campaign writes it
            test := 'o.mdata::text ~ $1';
            problem := campmon._unsafe_to_read(wf, ARRAY['mdata', 'sinternalname', 'istate']);
        ELSE
            CONTINUE;
        END IF;
        IF problem IS NOT NULL THEN
            RETURN QUERY SELECT 'workflow_options'::text, 'warning'::text, w.attribute, NULL::numeric, NULL::numeric,
                format('%s is not read: %s', wf, problem);
            CONTINUE;
        END IF;
        EXECUTE format($q$SELECT count(*), string_agg(x.label, ', ' ORDER BY x.k) FILTER (WHERE x.k <= 5)
                          FROM (SELECT format('%%s (%%s)', o.sinternalname,
                                              coalesce((SELECT os.label FROM campmon.owner_state os WHERE os.owner_table = 'xtkworkflow'
                                                        AND o.istate BETWEEN os.state_from AND os.state_to ORDER BY os.state_from LIMIT 1),
                                                       'state ' || o.istate)) AS label,
                                       row_number() OVER (ORDER BY o.sinternalname) AS k
                                FROM %s o WHERE %s%s) x$q$, wf, test, templates)
            INTO n, names
            USING format('[[:space:]]%s="(true|1)"', w.attribute);
        RETURN QUERY SELECT 'workflow_options'::text, CASE WHEN n > 0 THEN 'warning' ELSE 'ok' END, w.attribute,
            n::numeric, 0::numeric,
            CASE WHEN n = 0 THEN format('no workflow of %s has "%s" set', wf, w.label)
                 ELSE format('%s workflows of %s have "%s" set: %s%s; %s', n, wf, w.label, names,
                             CASE WHEN n > 5 THEN format(' and %s more', n - 5) ELSE '' END, w.advice) END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._workflow_option_rows(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._workflow_option_rows(regclass) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_workflow_options()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() WHERE wf IS NOT NULL LOOP
        BEGIN
            RETURN QUERY SELECT * FROM campmon._workflow_option_rows(c.wf);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'workflow_options'::text, 'warning'::text, c.wf::text, NULL::numeric, NULL::numeric,
                format('cannot read the workflows'' properties in %s: %s', c.wf, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_workflow_options() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_workflow_options() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('workflow_options', 'workflows',
    'Workflows with a property not meant for production (campmon.workflow_option: keep the interim results between executions, log the SQL queries), read in xtkworkflow''s column or the workflow''s XML (mdata); templates left out',
    'warning when any workflow has it; ok otherwise; no row when xtkworkflow holds neither the column nor mdata',
    '{campmon.workflow_option}',
    'Adobe, "Workflow best practices" (Logs: the option to keep interim results "must never be checked in a production workflow"; SQL logging for development only)',
    'Clear the property in the workflow''s properties (General tab: keep interim results; Execution tab: log SQL queries)',
    'campmon._check_workflow_options', 33);

-- ==== src/sql/checks/workflows.sql

/*
 * checks/workflows.sql -- Campaign's technical workflows (the ones
 * campmon.technical_workflow lists for the roles of this instance:
 * campmon.instance_roles; paused, stopped, in error or late) and the other
 * workflows in error or paused (their work tables are never purged; Adobe's
 * periods from NmsServer_PausedWorkflowPeriod).  One fact, one row: the
 * cleanup workflow's state is cleanup_workflow's row (here a referral), a
 * technical workflow's is technical_workflow's (the counts of workflows in
 * error or paused leave them out and say how many they left).
 */

-- The workflows of xtkworkflow (wf, already judged safe to read) as a
-- subquery: internal name, state, in error, last activity (the latest of
-- tsprocessing and tslastmodified, those the table has), since (its
-- tslastmodified), technical (a row of campmon.technical_workflow names it).
-- NULL with a problem when the table cannot be used.
CREATE OR REPLACE FUNCTION campmon._workflow_source(wf regclass, OUT src text, OUT problem text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    act_cols text[];
BEGIN
    SELECT array_agg(c ORDER BY k) INTO act_cols
    FROM unnest('{tsprocessing,tslastmodified}'::text[]) WITH ORDINALITY u(c, k)
    WHERE campmon._has_column(wf, c);
    problem := campmon._unsafe_to_read(wf, act_cols);
    IF problem IS NULL AND (NOT campmon._has_column(wf, 'sinternalname') OR NOT campmon._has_column(wf, 'istate')) THEN
        problem := format('%s lacks sinternalname or istate: the workflows cannot be checked', wf);
    ELSIF problem IS NOT NULL THEN
        problem := format('%s is not read: %s', wf, problem);
    END IF;
    IF problem IS NOT NULL THEN
        RETURN;
    END IF;
    -- ifailed is optional: without it, no workflow counts as in error
    src := format($q$(SELECT o.sinternalname::text AS internal_name, o.istate::integer AS state, %s AS failed,
                             %s AS activity, %s AS since,
                             EXISTS (SELECT FROM campmon.technical_workflow tw
                                     WHERE tw.internal_name = o.sinternalname
                                        OR (tw.name_is_prefix AND left(o.sinternalname, length(tw.internal_name)) = tw.internal_name)) AS technical
                      FROM %s o)$q$,
                  CASE WHEN campmon._has_column(wf, 'ifailed') THEN 'coalesce(o.ifailed, 0) <> 0' ELSE 'false' END,
                  CASE WHEN act_cols IS NULL THEN 'NULL::timestamptz'
                       ELSE format('greatest(%s)', (SELECT string_agg(format('o.%I::timestamptz', c), ', ') FROM unnest(act_cols) c)) END,
                  CASE WHEN campmon._has_column(wf, 'tslastmodified') THEN 'o.tslastmodified::timestamptz' ELSE 'NULL::timestamptz' END,
                  wf);
END $fn$;

REVOKE ALL ON FUNCTION campmon._workflow_source(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._workflow_source(regclass) TO campmon_reader, pg_monitor;

-- One row per technical workflow this instance should run or has
-- installed: those of campmon.technical_workflow whose roles meet the
-- instance's (roles; hows: how each was found), and any other that is
-- installed; a prefix row (mcSynch_) gives a row per workflow it matches.
CREATE OR REPLACE FUNCTION campmon._technical_workflow_rows(src text, wf regclass, ref timestamptz, roles text[], hows text[])
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
BEGIN
    RETURN QUERY EXECUTE replace($q$
    WITH m AS (
        SELECT t.*, w.internal_name AS wname, w.state, w.failed, w.activity,
               t.roles IS NULL OR t.roles && $3 AS expected
        FROM campmon.technical_workflow t
        LEFT JOIN LATERAL (SELECT * FROM @SRC@ x
                           WHERE x.internal_name = t.internal_name
                              OR (t.name_is_prefix AND left(x.internal_name, length(t.internal_name)) = t.internal_name)) w ON true
    )
    SELECT 'technical_workflow'::text,
           -- the cleanup's state is cleanup_workflow's fact: a referral here
           CASE WHEN m.internal_name = 'cleanup' THEN 'ok'
                WHEN m.wname IS NULL THEN CASE WHEN m.mid_sourcing_only THEN 'ok' ELSE 'warning' END
                WHEN m.failed OR m.state IN (0, 13, 20) THEN m.severity
                WHEN m.state = 11 AND m.activity IS NULL THEN 'warning'
                WHEN m.state = 11 AND $1 - m.activity > 2 * m.expected_period THEN m.severity
                WHEN m.state = 11 THEN 'ok'
                ELSE 'warning' END,
           $2 || ':' || coalesce(m.wname, m.internal_name || CASE WHEN m.name_is_prefix THEN '*' ELSE '' END),
           round((extract(epoch FROM $1 - m.activity) / 3600)::numeric, 1),
           round((extract(epoch FROM 2 * m.expected_period) / 3600)::numeric, 1),
           CASE WHEN m.internal_name = 'cleanup'
                THEN 'the Database cleanup workflow: see check cleanup_workflow, which reports its state'
                WHEN m.wname IS NULL AND m.mid_sourcing_only
                THEN format('%s is not installed in %s: it runs only on instances that use mid-sourcing', m.internal_name, $2)
                WHEN m.wname IS NULL
                THEN format('no workflow %s%s in %s, expected of %s: is its package installed? (%s)',
                            CASE WHEN m.name_is_prefix THEN 'whose name starts with ' ELSE 'named ' END, m.internal_name, $2,
                            CASE WHEN m.roles IS NULL THEN 'every instance'
                                 ELSE format('%s instances (%s)', array_to_string(m.roles, ' and '),
                                             (SELECT string_agg(format('%s %s', x.r, x.h), '; ' ORDER BY x.r)
                                              FROM unnest($3, $4) x(r, h) WHERE x.r = ANY (m.roles))) END,
                            m.description)
                ELSE format('%s is %s%s; last activity %s (expected every %s; value and threshold in hours)%s',
                            m.wname,
                            coalesce((SELECT os.label FROM campmon.owner_state os WHERE os.owner_table = 'xtkworkflow'
                                      AND m.state BETWEEN os.state_from AND os.state_to ORDER BY os.state_from LIMIT 1),
                                     'in state ' || m.state),
                            CASE WHEN m.failed THEN ', in error: restart it once the error is fixed'
                                 WHEN m.state = 13 THEN ': resume it'
                                 WHEN m.state IN (0, 20) THEN ': start it'
                                 WHEN m.state = 11 AND $1 - m.activity > 2 * m.expected_period THEN ', but late'
                                 ELSE '' END,
                            CASE WHEN m.activity IS NULL THEN 'unknown (no tsprocessing or tslastmodified column)'
                                 ELSE format('%s ago (%s)', campmon._human(greatest($1 - m.activity, interval '0')),
                                             to_char(m.activity, 'YYYY-MM-DD HH24:MI')) END,
                            campmon._human(m.expected_period),
                            CASE WHEN NOT m.expected THEN format('; installed, though this is no %s instance (%s)',
                                                                 array_to_string(m.roles, ' or '),
                                                                 (SELECT string_agg(format('%s %s', x.r, x.h), '; ' ORDER BY x.r)
                                                                  FROM unnest($3, $4) x(r, h))) ELSE '' END) END
    FROM m
    WHERE m.expected OR m.wname IS NOT NULL
    ORDER BY 3$q$, '@SRC@', src) USING ref, wf::text, roles, hows;
END $fn$;

REVOKE ALL ON FUNCTION campmon._technical_workflow_rows(text,regclass,timestamptz,text[],text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._technical_workflow_rows(text,regclass,timestamptz,text[],text[]) TO campmon_reader, pg_monitor;

-- Paused workflows other than the technical ones: their work tables are
-- never purged.  Adobe: a warning after one period of
-- NmsServer_PausedWorkflowPeriod (7 days by default), and
-- cleanupPausedWorkflows stops them after 4 notifications (a month).
CREATE OR REPLACE FUNCTION campmon._paused_workflow_rows(src text, ref timestamptz, period interval, period_how text)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
BEGIN
    RETURN QUERY EXECUTE replace($q$
    SELECT 'workflows_paused'::text,
           CASE WHEN p.since IS NULL OR $1 - p.since > $2 THEN 'warning' ELSE 'ok' END,
           p.internal_name,
           round((extract(epoch FROM $1 - p.since) / 86400)::numeric, 1),
           round((extract(epoch FROM $2) / 86400)::numeric, 1),
           CASE WHEN p.since IS NULL THEN format('%s is paused, since when is unknown (no tslastmodified column)', p.internal_name)
                ELSE format('%s is paused since %s (%s%s; value and threshold in days: %s)%s', p.internal_name,
                            to_char(p.since, 'YYYY-MM-DD HH24:MI'), campmon._human(greatest($1 - p.since, interval '0')),
                            CASE WHEN p.failed THEN ', in error' ELSE '' END, $3,
                            CASE WHEN $1 - p.since > 4 * $2
                                 THEN format(': over 4 periods (%s), cleanupPausedWorkflows should have stopped it; its work tables stay until it is resumed or stopped',
                                             campmon._human(4 * $2))
                                 WHEN $1 - p.since > $2
                                 THEN ': its work tables stay until it is resumed or stopped'
                                 ELSE '' END) END
    FROM @SRC@ p
    -- a paused technical workflow (or the cleanup) is technical_workflow's
    -- (cleanup_workflow's) row
    WHERE p.state = 13 AND p.internal_name <> 'cleanup' AND NOT p.technical
    ORDER BY p.since NULLS FIRST, p.internal_name$q$, '@SRC@', src) USING ref, period, period_how;
END $fn$;

REVOKE ALL ON FUNCTION campmon._paused_workflow_rows(text,timestamptz,interval,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._paused_workflow_rows(text,timestamptz,interval,text) TO campmon_reader, pg_monitor;

-- Technical workflows, workflows in error, workflows paused, of schema s
-- (wf: its xtkworkflow, already judged safe to read for sinternalname,
-- istate, ifailed; opt: its xtkoption or NULL).
CREATE OR REPLACE FUNCTION campmon._workflow_checks(s text, wf regclass, opt regclass, ref timestamptz)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    ws record;
    roles text[];
    hows text[];
    o record;
    period interval;
    period_how text;
BEGIN
    SELECT * INTO ws FROM campmon._workflow_source(wf);
    IF ws.problem IS NOT NULL THEN
        RETURN QUERY SELECT 'technical_workflow'::text, 'warning'::text, wf::text, NULL::numeric, NULL::numeric, ws.problem;
        RETURN;
    END IF;

    SELECT array_agg(r.role ORDER BY r.role), array_agg(r.how ORDER BY r.role)
    INTO roles, hows FROM campmon._instance_roles(s, wf, opt) r;
    RETURN QUERY SELECT * FROM campmon._technical_workflow_rows(ws.src, wf, ref, roles, hows);

    -- workflows in error ("restart all workflows in failed status"), the
    -- longest in error first; the technical ones (and the cleanup) are
    -- technical_workflow's and cleanup_workflow's rows, counted apart
    RETURN QUERY EXECUTE replace($q$
    WITH x AS (
        SELECT format('%s%s', f.internal_name,
                      CASE WHEN f.since IS NOT NULL THEN ' since ' || to_char(f.since, 'YYYY-MM-DD') ELSE '' END) AS label,
               row_number() OVER (ORDER BY f.since NULLS LAST, f.internal_name) AS rank
        FROM @SRC@ f
        WHERE f.failed AND f.internal_name <> 'cleanup' AND NOT f.technical
    ),
    technical AS (
        SELECT count(*) AS n FROM @SRC@ f WHERE f.failed AND (f.internal_name = 'cleanup' OR f.technical)
    )
    SELECT 'workflows_failed'::text, CASE WHEN count(x.*) > 0 THEN 'warning' ELSE 'ok' END, $1,
           count(x.*)::numeric, 0::numeric,
           CASE WHEN count(x.*) = 0 THEN format('no workflow of %s is in error', $1)
                ELSE format('%s of %s %s in error: %s%s; fix and restart %s (their work tables stay until then)',
                            campmon._count(count(x.*), 'workflow'), $1, CASE WHEN count(x.*) = 1 THEN 'is' ELSE 'are' END,
                            string_agg(x.label, ', ' ORDER BY x.rank) FILTER (WHERE x.rank <= 5),
                            CASE WHEN count(x.*) > 5 THEN format(' and %s more', count(x.*) - 5) ELSE '' END,
                            CASE WHEN count(x.*) = 1 THEN 'it' ELSE 'them' END) END
           || (SELECT CASE WHEN t.n > 0 THEN format(' (besides %s in error: see technical_workflow and cleanup_workflow)',
                                                    campmon._count(t.n, 'technical workflow'))
                           ELSE '' END FROM technical t)
    FROM x$q$, '@SRC@', ws.src) USING wf::text;

    -- Adobe's period for paused workflows: NmsServer_PausedWorkflowPeriod
    -- (days between checks), 7 days when absent or unreadable
    SELECT * INTO o FROM campmon._option(opt, 'NmsServer_PausedWorkflowPeriod');
    IF o.value ~ '^\s*[0-9]{1,5}\s*$' AND trim(o.value)::integer > 0 THEN
        period := make_interval(days => trim(o.value)::integer);
        period_how := format('NmsServer_PausedWorkflowPeriod = %s days, from %s', trim(o.value), o.source_column);
    ELSE
        IF o.found THEN
            RETURN QUERY SELECT 'campaign_option'::text, 'warning'::text, format('%s:NmsServer_PausedWorkflowPeriod', opt), NULL::numeric, NULL::numeric,
                format('option NmsServer_PausedWorkflowPeriod has a value that is not a number of days (%s, from %s): Adobe''s 7 days are assumed',
                       coalesce(o.value, 'empty'), coalesce(o.source_column, 'no value column'));
        END IF;
        period := interval '7 days';
        period_how := format('NmsServer_PausedWorkflowPeriod %s: Adobe''s 7 days', CASE WHEN o.found THEN 'unreadable' ELSE 'absent' END);
    END IF;
    -- targets in the form of the workflow rows: <workflow table>:<internal name>
    RETURN QUERY SELECT p.check_name, p.status, wf::text || ':' || p.target, p.value, p.threshold, p.message
                 FROM campmon._paused_workflow_rows(ws.src, ref, period, period_how) p;
END $fn$;

REVOKE ALL ON FUNCTION campmon._workflow_checks(text,regclass,regclass,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._workflow_checks(text,regclass,regclass,timestamptz) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_workflows()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    ref timestamptz := campmon._reference_time();
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() WHERE wf IS NOT NULL LOOP
        BEGIN
            RETURN QUERY SELECT * FROM campmon._workflow_checks(c.schema_name, c.wf, c.opt, ref);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'technical_workflow', 'warning', c.wf::text, NULL::numeric, NULL::numeric,
                format('cannot read the workflows of %s: %s', c.wf, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_workflows() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_workflows() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('technical_workflow', 'workflows',
    'Each technical workflow of campmon.technical_workflow the instance should run for its roles (campmon.instance_roles: marketing, Message Center execution or control, mid-sourcing) or has installed: paused, stopped, in error, or without activity for twice its expected period; the cleanup workflow is cleanup_workflow''s',
    'the row''s severity (warning or critical) when paused, stopped, in error or late; warning when missing although the instance''s roles expect it (ok when mid-sourcing only and absent); ok when running; no row for a workflow of another role that is not installed',
    '{campmon.technical_workflow,campmon.instance_roles,campmon.instance_role_sign}',
    'Adobe, "Technical workflows" (each package''s workflows and periods), "Message Center (Execution)", "Message Center (Control)", "Mid-sourcing platform" and "Monitoring workflow execution"',
    'Open the workflow, read its journal, fix the failing task, restart it; install the package when a workflow of this instance''s role is missing',
    'campmon._check_workflows', 30);
SELECT campmon._register_check('workflows_failed', 'workflows',
    'Workflows in error other than the technical ones (those are technical_workflow''s rows): their work tables stay until they are restarted or stopped',
    'warning when any is in error; ok otherwise',
    NULL,
    'Adobe, "Monitoring workflow execution" and "Workflow best practices" (restart the workflows in failed status)',
    'Fix and restart or stop the workflows in error',
    'campmon._check_workflows', 31);
SELECT campmon._register_check('workflows_paused', 'workflows',
    'Each paused workflow other than the technical ones: its work tables are never purged while it stays paused; after 4 periods cleanupPausedWorkflows should have stopped it',
    'warning when paused for more than one period of NmsServer_PausedWorkflowPeriod (7 days when absent, said), or since an unknown date; ok before',
    NULL,
    'Adobe, "Monitoring workflow execution" (Handling of paused workflows: a warning after 7 days, a stop after 4 notifications, periods set by NmsServer_PausedWorkflowPeriod) and "Configuring Campaign options"',
    'Ask the owners to resume or stop their paused workflows',
    'campmon._check_workflows', 32);

-- ==== src/sql/checks/wraparound.sql

/*
 * checks/wraparound.sql -- xid_wraparound and multixact_wraparound: every
 * database's age, and this database's oldest table's (TOAST tables
 * included, each with its own freeze age from its reloptions), against the
 * age at which autovacuum must freeze it, VACUUM's failsafe and the limit
 * where the server stops assigning IDs (campmon.wraparound); the IDs left
 * and, at the pace campmon's snapshots have seen, the days left.
 * PostgreSQL's "Routine Vacuuming" chapter ("Preventing Transaction ID
 * Wraparound Failures", "Multixacts and Wraparound"); check_postgres'
 * txn_wraparound action watches the databases' transaction ages.
 */

CREATE OR REPLACE FUNCTION campmon._check_wraparound()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    warn_pct numeric := campmon._setting_num('campmon.wraparound_warning_pct');
    crit_days numeric := campmon._setting_num('campmon.wraparound_critical_days');
BEGIN
    -- (campmon.wraparound is installed after the checks: plpgsql finds it
    -- when called)
    RETURN QUERY
    SELECT CASE w.counter WHEN 'xid' THEN 'xid_wraparound' ELSE 'multixact_wraparound' END,
           CASE WHEN w.age >= w.failsafe_age OR (w.age > w.freeze_max_age AND w.days_left < crit_days) THEN 'critical'
                WHEN w.age >= warn_pct / 100 * w.freeze_max_age THEN 'warning'
                ELSE 'ok' END,
           CASE WHEN w.scope = 'database' THEN 'database ' || w.name ELSE w.name END,
           w.age::numeric, round(warn_pct / 100 * w.freeze_max_age),
           format('%s %s is %s %s old: %s%% of %s (%s)%s; VACUUM''s failsafe at %s, the server stops assigning them at %s: %s left%s%s (value and threshold in %s)',
                  CASE WHEN w.scope = 'database' THEN 'database' ELSE 'table' END, w.name, w.age,
                  CASE w.counter WHEN 'xid' THEN 'transaction IDs' ELSE 'multixact IDs' END,
                  round(100.0 * w.age / w.freeze_max_age),
                  CASE WHEN w.scope = 'table' AND w.freeze_max_age < CASE w.counter WHEN 'xid' THEN current_setting('autovacuum_freeze_max_age')::bigint
                                                                           ELSE current_setting('autovacuum_multixact_freeze_max_age')::bigint END
                       THEN 'its own freeze age in its reloptions'
                       WHEN w.counter = 'xid' THEN 'autovacuum_freeze_max_age' ELSE 'autovacuum_multixact_freeze_max_age' END,
                  w.freeze_max_age,
                  CASE WHEN w.age > w.freeze_max_age THEN ', past the age at which autovacuum must freeze it: it is not keeping up' ELSE '' END,
                  w.failsafe_age, w.stop_age, w.remaining,
                  CASE WHEN w.days_left IS NOT NULL THEN format(', %s days at the snapshots'' pace (%s a day)', w.days_left, w.per_day)
                       ELSE '' END,
                  CASE WHEN w.note IS NOT NULL THEN format(' (%s)', w.note) ELSE '' END,
                  CASE w.counter WHEN 'xid' THEN 'transactions' ELSE 'multixacts' END)
    FROM (SELECT x.*, row_number() OVER (PARTITION BY x.counter, x.scope ORDER BY x.age DESC, x.name) AS n
          FROM campmon.wraparound x) w
    -- every database; this database's oldest table (campmon.wraparound
    -- lists a few more)
    WHERE w.scope = 'database' OR w.n = 1
    ORDER BY w.counter DESC, w.scope, w.name;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_wraparound() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_wraparound() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('xid_wraparound', 'wraparound',
    'Transaction-ID age of every database (age(datfrozenxid)) and of this database''s oldest table, TOAST tables included (age(relfrozenxid)), against its freeze age (autovacuum_freeze_max_age, or the table''s own lower autovacuum_freeze_max_age), vacuum_failsafe_age and the limit where the server stops assigning transaction IDs (about 2.1 billion); the IDs and days left (campmon.wraparound)',
    'critical past VACUUM''s failsafe age, or past the freeze age with fewer than campmon.wraparound_critical_days days left at the pace of campmon''s snapshots; warning past campmon.wraparound_warning_pct percent of the freeze age; ok otherwise',
    '{campmon.wraparound_warning_pct,campmon.wraparound_critical_days}',
    'PostgreSQL, "Routine Vacuuming", "Preventing Transaction ID Wraparound Failures" (autovacuum freezes a table at autovacuum_freeze_max_age; the server refuses new transactions a few million IDs before the wrap); check_postgres'' txn_wraparound action',
    'Freeze the oldest tables: campmon.plan() plans VACUUM (FREEZE) for them (CALL campmon.run_plan(dry_run => false, actions => ARRAY[''VACUUM (FREEZE)''])); find what keeps autovacuum from finishing: campmon.vacuum_blockers (an old snapshot or slot stops freezing at its age), autovacuum_debt, a temporary table of a dead session (drop it)',
    'campmon._check_wraparound', 143);
SELECT campmon._register_check('multixact_wraparound', 'wraparound',
    'Multixact age of every database (mxid_age(datminmxid)) and of this database''s oldest table, TOAST tables included (mxid_age(relminmxid)), against autovacuum_multixact_freeze_max_age (or the table''s own), vacuum_multixact_failsafe_age and the limit; the IDs and days left (campmon.wraparound). Row locks taken by several transactions at once (foreign keys, SELECT ... FOR SHARE) use multixacts',
    'critical past VACUUM''s multixact failsafe age, or past the freeze age with fewer than campmon.wraparound_critical_days days left; warning past campmon.wraparound_warning_pct percent of the freeze age; ok otherwise',
    '{campmon.wraparound_warning_pct,campmon.wraparound_critical_days}',
    'PostgreSQL, "Routine Vacuuming", "Multixacts and Wraparound" (autovacuum freezes a table at autovacuum_multixact_freeze_max_age, earlier when the members'' storage fills)',
    'Freeze the oldest tables (campmon.plan() plans VACUUM (FREEZE) for them); find what keeps autovacuum from finishing (campmon.vacuum_blockers, autovacuum_debt)',
    'campmon._check_wraparound', 144);

-- ==== src/sql/runs.sql

/*
 * runs.sql -- campmon's own state: one row per run of a plan and one per
 * step.  Written by campmon's own code only (run_history.c: the worker,
 * cancel_run, run_plan), as the extension's owner: no role is granted
 * INSERT or UPDATE, so nobody can mark a run done that is not, or record a
 * worker for cancel_run to signal.  Dumped with the database.
 *
 * A run's status: running, cancelling (cancel_run asked), then done (no
 * step failed), done_with_failures (some steps done, some failed), failed
 * (steps failed and none was done), cancelled, interrupted (its worker was
 * cut off: a crash, a restart, a terminated worker).
 */

CREATE TABLE campmon.run (
    run_id        bigserial PRIMARY KEY,
    run_by        text NOT NULL DEFAULT current_user,
    dry_run       boolean NOT NULL,
    status        text NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'cancelling', 'done', 'done_with_failures', 'failed', 'cancelled', 'interrupted')),
    worker_pid    integer,
    started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at   timestamptz,
    options       jsonb,
    summary       text
);

COMMENT ON TABLE campmon.run IS 'Runs of campmon.run_plan: who, when, how it ended';

SELECT pg_catalog.pg_extension_config_dump('campmon.run', '');

SELECT pg_catalog.pg_extension_config_dump('campmon.run_run_id_seq', '');

REVOKE ALL ON SEQUENCE campmon.run_run_id_seq FROM PUBLIC;

REVOKE ALL ON campmon.run FROM PUBLIC;
GRANT SELECT ON campmon.run TO campmon_reader, pg_monitor;

CREATE TABLE campmon.run_step (
    run_id               bigint NOT NULL REFERENCES campmon.run ON DELETE CASCADE,
    step                 integer NOT NULL,
    action               text NOT NULL,
    target               text,
    target_relid         oid,
    family               text,
    reason               text,
    command              text,
    lock_level           text,
    expected_gain_bytes  bigint,
    outcome              text NOT NULL DEFAULT 'pending'
                         CHECK (outcome IN ('pending', 'running', 'done', 'skipped', 'failed', 'cancelled', 'interrupted')),
    error                text,
    output               text,          -- a REPACK step: the tail of pg_repack's output; a VACUUM: the dead rows it left and what held them
    started_at           timestamptz,
    finished_at          timestamptz,
    size_before          bigint,
    size_after           bigint,
    dead_rows_before     bigint,        -- PostgreSQL's count of dead rows when the step started
    dead_rows_after      bigint,        -- ... and when it ended: after a VACUUM, those not yet removable
    estimated_seconds    numeric,       -- plan()'s estimate of its duration
    wal_bytes            bigint,        -- WAL it wrote (a REPACK step: the server's, while it ran)
    rule                 text,          -- the window, collision or pacing rule that deferred or skipped it (run_gate.c)
    waited               interval,      -- how long it waited before it ran or was skipped (rules, lock retries)
    waited_for           text,          -- what it waited for, and why
    attempts             integer,       -- how many times it asked for its lock (lock_timeout, then retries)
    PRIMARY KEY (run_id, step)
);

COMMENT ON TABLE campmon.run_step IS 'Every step of every run of campmon.run_plan, with its outcome';

SELECT pg_catalog.pg_extension_config_dump('campmon.run_step', '');

REVOKE ALL ON campmon.run_step FROM PUBLIC;
GRANT SELECT ON campmon.run_step TO campmon_reader, pg_monitor;

-- ==== src/sql/history.sql

/*
 * history.sql -- campmon.history: every step of every run, with what it
 * gave back.
 */

-- Two gains, never confused: released_bytes is what the files gave back to
-- the file system (size before minus size after: a DROP, a REINDEX, a
-- rewrite; about 0 for a VACUUM, which keeps the file); reusable_bytes is
-- the space a step made reusable inside the files -- for a VACUUM the dead
-- bytes the plan measured, in the proportion of dead rows PostgreSQL's
-- statistics say it removed (dead_rows_after: those it could not remove
-- yet, held by an old snapshot), for the other steps what they released.
CREATE OR REPLACE VIEW campmon.history AS
SELECT s.run_id, r.run_by, r.dry_run, r.status AS run_status, s.step, s.action, s.target, s.family,
       s.command, s.outcome, s.error, s.reason, s.lock_level, s.expected_gain_bytes,
       s.size_before, s.size_after,
       CASE WHEN s.size_before IS NOT NULL AND s.size_after IS NOT NULL
            THEN s.size_before - s.size_after END AS released_bytes,
       CASE WHEN s.outcome <> 'done' THEN 0
            WHEN s.action IN ('VACUUM', 'VACUUM (FREEZE)') THEN
                CASE WHEN s.dead_rows_before > 0 AND s.dead_rows_after IS NOT NULL
                     THEN round(coalesce(s.expected_gain_bytes, 0)
                                * least(greatest(s.dead_rows_before - s.dead_rows_after, 0)::numeric / s.dead_rows_before, 1))::bigint
                     WHEN s.dead_rows_before = 0 THEN 0 END
            WHEN s.size_before IS NOT NULL AND s.size_after IS NOT NULL
            THEN greatest(s.size_before - s.size_after, 0) END AS reusable_bytes,
       s.dead_rows_before, s.dead_rows_after,
       s.started_at, s.finished_at, s.finished_at - s.started_at AS duration,
       s.output,
       -- what a VACUUM did, by PostgreSQL's counts before and after it: the
       -- dead rows it removed, and those it left because the horizon held
       -- them (not yet removable; output names what held it)
       CASE WHEN s.action IN ('VACUUM', 'VACUUM (FREEZE)') AND s.outcome = 'done'
            THEN greatest(s.dead_rows_before - s.dead_rows_after, 0) END AS dead_rows_removed,
       CASE WHEN s.action IN ('VACUUM', 'VACUUM (FREEZE)') AND s.outcome = 'done'
            THEN s.dead_rows_after END AS dead_rows_not_removable,
       -- on a live database (run_gate.c): the plan's estimate, the WAL the
       -- step wrote, the rule that deferred or skipped it, how long and why
       -- it waited, how many times it asked for its lock
       s.estimated_seconds, s.wal_bytes, s.rule, s.waited, s.waited_for, s.attempts
FROM campmon.run_step s JOIN campmon.run r USING (run_id);

COMMENT ON VIEW campmon.history IS 'Every planned, executed or skipped step of campmon.run_plan, newest runs last';

REVOKE ALL ON campmon.history FROM PUBLIC;
GRANT SELECT ON campmon.history TO campmon_reader, pg_monitor;

-- ==== src/sql/run_rules.sql

/*
 * run_rules.sql -- what the run's collision rules read from Campaign's own
 * tables (the rules themselves are C: run_collisions.c): whether the
 * Database cleanup workflow is at work.
 */

-- Per Campaign schema: the role that owns its workflow table (Campaign's
-- own role: its VACUUM or ANALYZE is the cleanup's statistics task; NULL
-- for a superuser, whom Campaign never connects as), and, when a task of
-- the workflow named cleanup started within the last day and has not
-- completed (xtkworkflowtask: iworkflowid, a start and a completion
-- column), what it is.  Campaign's tables are read only where that runs no
-- other role's code (campmon._unsafe_to_read); a table that cannot be read
-- says nothing (NULL).
CREATE OR REPLACE FUNCTION campmon._cleanup_at_work()
RETURNS TABLE (schema_name text, campaign_role oid, task_running text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    task regclass;
    done_col text;
    start_col text;
    n bigint;
    first_start timestamptz;
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() s WHERE s.wf_table IS NOT NULL LOOP
        schema_name := c.schema_name;
        campaign_role := (SELECT cl.relowner FROM pg_class cl JOIN pg_roles r ON r.oid = cl.relowner
                          WHERE cl.oid = c.wf_table AND NOT r.rolsuper);
        task_running := NULL;
        task := to_regclass(format('%I.xtkworkflowtask', c.schema_name));
        SELECT u.x INTO done_col FROM unnest('{tscompleted,tscompletion,tsend}'::text[]) WITH ORDINALITY u(x, k)
        WHERE campmon._has_column(task, u.x) ORDER BY u.k LIMIT 1;
        SELECT u.x INTO start_col FROM unnest('{tscreated,tsstart}'::text[]) WITH ORDINALITY u(x, k)
        WHERE campmon._has_column(task, u.x) ORDER BY u.k LIMIT 1;
        IF c.wf IS NOT NULL AND task IS NOT NULL AND done_col IS NOT NULL AND start_col IS NOT NULL
           AND campmon._has_column(task, 'iworkflowid') AND campmon._has_column(c.wf, 'iworkflowid')
           AND campmon._unsafe_to_read(task, ARRAY['iworkflowid', done_col, start_col]) IS NULL
           AND campmon._unsafe_to_read(c.wf, ARRAY['iworkflowid', 'sinternalname']) IS NULL
           AND has_table_privilege(task, 'SELECT') AND has_table_privilege(c.wf, 'SELECT') THEN
            EXECUTE format('SELECT count(*), min(t.%2$I::timestamptz) FROM %1$s t '
                           'WHERE t.%3$I IS NULL AND t.%2$I::timestamptz > now() - interval ''1 day'' '
                           'AND t.iworkflowid IN (SELECT w.iworkflowid FROM %4$s w WHERE w.sinternalname = ''cleanup'')',
                           task, start_col, done_col, c.wf)
                INTO n, first_start;
            IF n > 0 THEN
                task_running := format('%s task%s of workflow cleanup started %s ago and not completed (%s.%s is NULL)',
                                       n, CASE WHEN n = 1 THEN '' ELSE 's' END,
                                       campmon._human(now() - first_start), task, done_col);
            END IF;
        END IF;
        RETURN NEXT;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._cleanup_at_work() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._cleanup_at_work() TO campmon_reader, pg_monitor;

-- ==== src/sql/estimates.sql

/*
 * estimates.sql -- how long a step takes on this server, learnt from its
 * own history: per kind of step (action), a fixed cost and a rate in bytes
 * of the target (with TOAST and indexes, as the history's size_before) per
 * second, fitted to the last steps done -- or, where that fits them better
 * (a DROP, an ANALYZE, whose time is not their size's), the median duration.  plan() estimates a step's
 * duration from them (campmon._estimated_seconds), and falls back to
 * campmon's constants where the history has too little to say; the step's
 * reason says which.  A rate is not stretched past twice the largest
 * target it was learnt on: tables a few MB large teach a fixed cost and
 * nothing of how a VACUUM of a GB goes (its index passes, the throttle).
 *
 * What the history's durations count: the step from its start to its end
 * (not the time it waited before starting), so a step that had to ask for
 * its lock again (attempts > 1) or that a collision held is left out.
 * VACUUM and ANALYZE steps are throttled by campmon.run_cost_delay: only
 * runs with today's value of it teach their rates.
 */

CREATE OR REPLACE FUNCTION campmon._step_rates()
RETURNS TABLE (action text, steps bigint, fixed_seconds numeric, bytes_per_second numeric,
               mean_abs_error_pct numeric, last_step_at timestamptz, largest_bytes bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
#variable_conflict use_column
BEGIN
PERFORM campmon.version();          -- defines campmon.run_cost_delay
RETURN QUERY
WITH done AS (
    SELECT s.action, s.size_before::float8 AS bytes,
           extract(epoch FROM s.finished_at - s.started_at)::float8 AS secs, s.finished_at,
           row_number() OVER (PARTITION BY s.action ORDER BY s.finished_at DESC) AS recent
    FROM campmon.run_step s JOIN campmon.run r USING (run_id)
    WHERE s.outcome = 'done' AND NOT r.dry_run AND s.size_before > 0
      AND s.finished_at > s.started_at AND coalesce(s.attempts, 1) = 1
      AND (s.action NOT IN ('VACUUM', 'VACUUM (FREEZE)', 'VACUUM (FULL)', 'ANALYZE')
           OR (r.options ->> 'cost_delay_ms')::float8 = (SELECT x.setting::float8 FROM pg_settings x WHERE x.name = 'campmon.run_cost_delay'))
),
fit AS (
    SELECT d.action, count(*) AS steps,
           regr_slope(d.secs, d.bytes) AS slope, regr_intercept(d.secs, d.bytes) AS intercept,
           sum(d.bytes) / sum(d.secs) AS mean_rate,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY d.secs) AS median_secs,
           max(d.finished_at) AS last_step_at, max(d.bytes) AS largest
    FROM done d WHERE d.recent <= 50
    GROUP BY d.action
),
line AS (
    -- a straight line through the points when it rises and starts at or
    -- above zero; else all bytes over all seconds, with no fixed cost
    SELECT f.*,
           CASE WHEN f.steps >= 3 AND f.slope > 0 AND f.intercept >= 0 THEN f.intercept ELSE 0 END AS fixed,
           CASE WHEN f.steps >= 3 AND f.slope > 0 AND f.intercept >= 0 THEN 1 / f.slope ELSE f.mean_rate END AS rate
    FROM fit f
),
model AS (
    -- the line, or the median duration whatever the size when that fits the
    -- steps better (a DROP, an ANALYZE's sample: their time is not their size's)
    SELECT l.*,
           (SELECT avg(abs(l.fixed + d.bytes / l.rate - d.secs) / d.secs) FROM done d
            WHERE d.action = l.action AND d.recent <= 50 AND l.rate > 0) AS line_error,
           (SELECT avg(abs(l.median_secs - d.secs) / d.secs) FROM done d
            WHERE d.action = l.action AND d.recent <= 50) AS median_error
    FROM line l
)
SELECT m.action, m.steps,
       round((CASE WHEN m.median_error < m.line_error OR m.line_error IS NULL THEN m.median_secs ELSE m.fixed END)::numeric, 3),
       CASE WHEN m.median_error < m.line_error OR m.line_error IS NULL THEN NULL ELSE round(m.rate::numeric) END,
       round((least(m.line_error, m.median_error) * 100)::numeric, 1),
       m.last_step_at, m.largest::bigint
FROM model m
ORDER BY m.action;
END $fn$;

REVOKE ALL ON FUNCTION campmon._step_rates() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._step_rates() TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.step_rates AS SELECT * FROM campmon._step_rates();

COMMENT ON VIEW campmon.step_rates IS
'How fast this server''s steps went, per kind of step, from campmon.history: the fixed cost and bytes per second plan() estimates durations with';

REVOKE ALL ON campmon.step_rates FROM PUBLIC;
GRANT SELECT ON campmon.step_rates TO campmon_reader, pg_monitor;

-- A step's duration: from this server's rate for its kind when the history
-- has at least min_steps of them (campmon._step_rates), else the constant
-- estimate the plan gives (fallback), as it is when the target is more
-- than twice the largest of those steps' (a rate; a median is no size's);
-- basis says which.  rates is
-- array_agg of campmon._step_rates(), computed once per plan.
CREATE OR REPLACE FUNCTION campmon._estimated_seconds(action text, bytes bigint, fallback numeric,
    rates campmon.step_rates[], OUT seconds numeric, OUT basis text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE WHEN r.action IS NOT NULL AND bytes IS NOT NULL
            THEN round(r.fixed_seconds + coalesce(bytes / r.bytes_per_second, 0), 2) ELSE fallback END,
       CASE WHEN r.action IS NOT NULL AND bytes IS NOT NULL AND r.bytes_per_second IS NULL
            THEN format('estimate from this server''s last %s %s steps (%s s each)', r.steps, r.action, r.fixed_seconds)
            WHEN r.action IS NOT NULL AND bytes IS NOT NULL
            THEN format('estimate from this server''s last %s %s steps (%s/s%s)', r.steps, r.action,
                        pg_size_pretty(r.bytes_per_second), CASE WHEN r.fixed_seconds > 0 THEN format(' + %s s', r.fixed_seconds) END)
            WHEN big.action IS NOT NULL AND bytes IS NOT NULL
            THEN format('estimate at campmon''s default rate (more than twice the largest of this server''s last %s %s steps, %s)',
                        big.steps, big.action, pg_size_pretty(big.largest_bytes))
            ELSE 'estimate at campmon''s default rate' END
FROM (SELECT 1) one
LEFT JOIN LATERAL (SELECT x.* FROM unnest(rates) x
                   WHERE x.action = _estimated_seconds.action AND x.steps >= 3
                     AND (x.bytes_per_second IS NULL
                          OR (x.bytes_per_second > 0 AND bytes / 2.0 <= x.largest_bytes)) LIMIT 1) r ON true
LEFT JOIN LATERAL (SELECT x.* FROM unnest(rates) x
                   WHERE r.action IS NULL AND x.action = _estimated_seconds.action AND x.steps >= 3
                     AND x.bytes_per_second > 0 AND bytes / 2.0 > x.largest_bytes LIMIT 1) big ON true $$;

REVOKE ALL ON FUNCTION campmon._estimated_seconds(text,bigint,numeric,campmon.step_rates[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._estimated_seconds(text,bigint,numeric,campmon.step_rates[]) TO campmon_reader, pg_monitor;

-- ==== src/sql/drop_work_table.sql

/*
 * drop_work_table.sql -- campmon.drop_work_table(), the one way campmon
 * drops a work table: the command of plan()'s DROP TABLE steps, run by the
 * worker or by psql's \gexec.  It reads the table's verdict again under the
 * table's ACCESS EXCLUSIVE lock, whoever runs it.
 */

-- drop_work_table: NULL is an error (it answered 'gone already').  The
-- verdict under the lock is that one table's (_stale_tables(rel)): a run of
-- 10,000 drops does not judge every work table 10,000 times.
CREATE OR REPLACE FUNCTION campmon.drop_work_table(rel regclass, include_suspect boolean DEFAULT false)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    name text;
    kind "char";
    nsp_name text;
    rel_name text;
    owner_oid oid;
    st record;
BEGIN
    IF rel IS NULL THEN
        RAISE EXCEPTION 'rel must not be NULL' USING ERRCODE = 'null_value_not_allowed',
            HINT = 'Pass a work table, e.g. ''public.wkf1234_5_1'' or campmon.stale_tables.relid.';
    END IF;
    SELECT format('%I.%I', n.nspname, c.relname), c.relkind, n.nspname, c.relname, c.relowner
    INTO name, kind, nsp_name, rel_name, owner_oid
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = rel;
    IF name IS NULL THEN
        RETURN 'gone already';
    END IF;
    -- what cannot be a work table (campmon.stale_tables' kind, schema and
    -- name filter) is refused before the lock: a wrong OID must not take,
    -- or queue for, ACCESS EXCLUSIVE on a live table or a catalog
    IF kind NOT IN ('r', 'v')
       OR NOT nsp_name = ANY (campmon._work_table_schemas())
       OR NOT EXISTS (SELECT FROM campmon.family f WHERE f.family IN ('work_table', 'list') AND rel_name ~ f.pattern
                      UNION ALL SELECT FROM campmon.work_table_rule w WHERE rel_name ~ w.pattern) THEN
        RAISE EXCEPTION 'not dropped: % is not a work table', name USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- Campaign's cleanup never drops postgres's tables; campmon neither, nor
    -- a superuser's, nor those of campmon.never_work_table_owners
    IF owner_oid = ANY (campmon._never_work_table_owners()) THEN
        RAISE EXCEPTION 'not dropped: % is owned by %, whose tables are never work tables', name, pg_get_userbyid(owner_oid)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Tables of postgres, of superusers and of the roles in campmon.never_work_table_owners are never work tables.',
                  HINT = 'If it really is a work table, drop it yourself.';
    END IF;
    -- the lock first: the verdict is then re-read with nobody else inside.
    -- Someone may drop the table between the lookup above and the lock (the
    -- name then names nothing, or another relation): gone already, too.
    BEGIN
        EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', name);
    EXCEPTION WHEN undefined_table THEN
        RETURN 'gone already';
    END;
    IF pg_catalog.to_regclass(name) IS DISTINCT FROM rel THEN
        RETURN 'gone already';
    END IF;
    SELECT * INTO st FROM campmon._stale_tables(rel) s WHERE s.relid = rel;
    IF st IS NULL THEN
        RAISE EXCEPTION 'not dropped: % is not a work table', name USING ERRCODE = 'object_not_in_prerequisite_state';
    ELSIF st.verdict = 'stale' OR (include_suspect AND st.verdict = 'suspect') THEN
        EXECUTE format('DROP %s %s', CASE kind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END, name);
        RETURN format('dropped %s (%s: %s)', name, st.verdict, st.reason);
    ELSE
        RAISE EXCEPTION 'not dropped: % is % now', name, st.verdict
            USING ERRCODE = 'object_not_in_prerequisite_state', DETAIL = st.reason;
    END IF;
END $fn$;

COMMENT ON FUNCTION campmon.drop_work_table(regclass, boolean) IS
'Drop a work table if it is still stale now, checked under its ACCESS EXCLUSIVE lock';

REVOKE ALL ON FUNCTION campmon.drop_work_table(regclass,boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.drop_work_table(regclass,boolean) TO campmon_admin;

-- ==== src/sql/plan_types.sql

/*
 * plan_types.sql -- the row types plan() (plan.sql) and its phases
 * (src/sql/plan/) pass each other: a step as a phase proposes it, and the
 * context every phase reads, computed once per plan (_plan_prepare).
 *
 * State, not code: CREATE TYPE cannot be run again, so an upgrade that
 * changes a type says how in its src/sql/updates/ script (ALTER TYPE ...
 * ADD ATTRIBUTE), as for a table.  The context holds rows of the views
 * campmon.tables and campmon.indexes: a view may gain columns, but dropping
 * or renaming one means dropping the context type first (and its functions
 * with it) and creating it again.
 */

-- One step as a phase proposes it; plan() filters, orders and numbers them.
CREATE TYPE campmon._plan_step AS (
    phase integer,          -- the step's place: 1 drops ... 8 VACUUM FULL, 9 keep rows
    action text,            -- plan().action: 'VACUUM', ..., 'keep'
    relid oid,              -- the table or index (plan().target_relid)
    target text,            -- its name, quoted with format('%I.%I')
    family text,
    reason text,
    gain bigint,            -- plan().expected_gain_bytes
    lock_level text,
    seconds numeric,        -- plan().estimated_seconds
    command text,
    sort_key bigint         -- within a phase, largest first
);

COMMENT ON TYPE campmon._plan_step IS 'A maintenance step as a phase of plan() proposes it (internal)';
REVOKE ALL ON TYPE campmon._plan_step FROM PUBLIC;
GRANT USAGE ON TYPE campmon._plan_step TO campmon_reader, pg_monitor;

-- A work table as phase 1 (drops) and phase 3 (catalogs) read it: the
-- columns of campmon.stale_tables they use, no more (40,000 of them make
-- the largest part of the context).
CREATE TYPE campmon._plan_work_table AS (
    relid oid,
    schema_name text,
    table_name text,
    verdict text,           -- stale, suspect, held
    reason text,
    total_bytes bigint
);

COMMENT ON TYPE campmon._plan_work_table IS 'A work table and its verdict as plan()''s phases read it (internal)';
REVOKE ALL ON TYPE campmon._plan_work_table FROM PUBLIC;
GRANT USAGE ON TYPE campmon._plan_work_table TO campmon_reader, pg_monitor;

-- What the phases share.  Arrays of rows rather than temporary tables:
-- plan() runs on a hot standby and must not churn the catalogs it measures.
CREATE TYPE campmon._plan_context AS (
    -- the plan's arguments a phase decides with (plan() applies the others)
    families text[],
    actions text[],
    min_gain_bytes bigint,
    include_suspect boolean,
    allow_blocking boolean,
    show_kept boolean,
    runner name,                 -- the role the steps are for (run_as, else the caller)
    runner_super boolean,
    -- settings, read once
    dead_pct numeric,            -- campmon.vacuum_min_dead_pct
    freeze_pct numeric,          -- campmon.freeze_age_pct
    freeze_max bigint,           -- autovacuum_freeze_max_age
    reindex_pct numeric,         -- campmon.reindex_min_bloat_pct
    reindex_min bigint,          -- campmon.reindex_min_size, in bytes
    analyze_pct numeric,         -- campmon.analyze_min_changed_pct
    analyze_min_rows bigint,     -- campmon.analyze_min_changed_rows
    vacuum_min_rows bigint,      -- campmon.vacuum_min_dead_rows: a VACUUM's floor,
    vacuum_min_bytes bigint,     -- or campmon.vacuum_min_dead_size, in bytes
    full_max bigint,             -- campmon.vacuum_full_max_size, in bytes
    rewrite_pct numeric,         -- campmon.bloat_critical_pct: a rewrite from there
    routine_pct numeric,         -- campmon.bloat_warning_pct: Adobe's routine list from there
    repack boolean,              -- the pg_repack extension is installed here
    repack_margin numeric,       -- campmon.repack_space_margin_pct
    spc_oids oid[],              -- the tablespaces whose file system could be read,
    spc_avail bigint[],          -- and what it has left
    -- the listings
    work_tables campmon._plan_work_table[],
    tables campmon.tables[],     -- no work table, no table with an unreadable page
    indexes campmon.indexes[],   -- the indexes of those tables
    unreadable campmon._plan_step[],       -- keep rows: the tables left out for an unreadable page
    rewrite_blocking campmon.tables[],     -- bloated, VACUUM FULL may take them (phase 8)
    rewrite_online campmon.tables[],       -- bloated, VACUUM FULL may not (phase 7: pg_repack)
    routine oid[],               -- the tables on Adobe's routine rebuild list (campmon.routine_rebuild)
    -- what earlier phases of this plan do, for later ones to leave out
    repacked oid[],              -- tables a REPACK step rewrites
    rewritten oid[],             -- tables a REPACK or VACUUM (FULL) step rewrites
    vacuumed oid[]               -- tables a VACUUM (ANALYZE) step vacuums and analyzes
);

COMMENT ON TYPE campmon._plan_context IS 'What the phases of plan() share, computed once per plan (internal)';
REVOKE ALL ON TYPE campmon._plan_context FROM PUBLIC;
GRANT USAGE ON TYPE campmon._plan_context TO campmon_reader, pg_monitor;

-- ==== src/sql/plan/analyze.sql

/*
 * plan/analyze.sql -- phase 6: ANALYZE of the tables whose statistics went
 * stale: never analyzed (the planner works blind; Campaign's queries suffer
 * most on its big tables: no ANALYZE time, and pg_class.reltuples unset or
 * no pg_stats row -- the times alone are empty on a standby), or more than
 * campmon.analyze_min_changed_pct of the rows changed since and at least
 * campmon.analyze_min_changed_rows (a small table's few changes are
 * autovacuum's business, not a step).  Not where a step of this plan
 * analyzes the table anyway: VACUUM (ANALYZE) of phase 4, a rewrite of
 * phase 7 or 8.
 */

CREATE OR REPLACE FUNCTION campmon._plan_analyze(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH t AS (
    SELECT t.*,
           -- statistics missing: ANALYZE never ran, as the catalogs say it
           -- (replicated, and kept through a crash); the activity
           -- statistics' last ANALYZE time alone is empty on a hot standby
           -- and after a crash, where every table would look never analyzed
           t.last_analyze IS NULL AND t.last_autoanalyze IS NULL
           AND (c.reltuples < 0
                OR NOT EXISTS (SELECT FROM pg_stats s WHERE s.schemaname = t.schema_name AND s.tablename = t.table_name)) AS missing
    FROM unnest(ctx.tables) t JOIN pg_class c ON c.oid = t.relid
    WHERE t.family <> 'catalog' AND t.table_bytes > 0
      AND t.schema_name <> 'campmon')       -- its own history: autovacuum's
SELECT 6, 'ANALYZE'::text, t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
       CASE WHEN t.missing
            THEN 'never analyzed: the planner works blind (Campaign''s queries suffer most on its big tables)'
            ELSE format('%s changed since the last ANALYZE (%s%% of the table)', campmon._count(t.n_mod_since_analyze, 'row'),
                        round(100.0 * t.n_mod_since_analyze / greatest(coalesce(t.live_rows, t.n_live_tup, 0), 1))) END,
       0::bigint, 'SHARE UPDATE EXCLUSIVE', 0.5, format('ANALYZE %I.%I', t.schema_name, t.table_name), 0::bigint
FROM t
WHERE (t.missing
       -- enough changed rows to matter: 4 changed rows of a 2-row table are 200%
       -- and change no plan (statistics missing are planned whatever the size)
       OR t.n_mod_since_analyze > ctx.analyze_pct / 100 * greatest(coalesce(t.live_rows, t.n_live_tup, 0), 1)
          AND t.n_mod_since_analyze >= ctx.analyze_min_rows)
  -- not when a VACUUM (ANALYZE) or VACUUM (FULL, ANALYZE) of this plan analyzes it
  AND NOT EXISTS (SELECT FROM unnest(ctx.vacuumed) v(relid) WHERE v.relid = t.relid)
  AND NOT EXISTS (SELECT FROM unnest(ctx.rewritten) rw(relid) WHERE rw.relid = t.relid)
$$;

REVOKE ALL ON FUNCTION campmon._plan_analyze(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_analyze(campmon._plan_context) TO campmon_reader, pg_monitor;

-- ==== src/sql/plan/cadence.sql

/*
 * plan/cadence.sql -- what a maintenance cadence says is overdue
 * (campmon.maintenance_due: Adobe's "Tables to maintain" and "Types of
 * maintenance", or the DBA's), planned even below the bloat thresholds:
 *   rebuild  the table joins the rewrites before phases 7 and 8 run
 *            (_plan_cadence_rewrites): REPACK online, with every pg_repack
 *            requirement and guard, or VACUUM (FULL) only when blocking is
 *            allowed and it may take the table; a keep row says why not;
 *   reindex  REINDEX INDEX CONCURRENTLY of each B-tree whose last rebuild is
 *            older than the cadence (phase 5), unless phase 5 rebuilds it
 *            for its bloat or the table is rewritten;
 *   vacuum   VACUUM (ANALYZE) (phase 4) of a table no other step of the plan
 *            vacuums or rewrites.
 * Online forms only unless the caller allows blocking steps; plan() keeps
 * only what its role may run.  Each reason starts with the cadence and when
 * it was last done (_plan_cadence_note).
 */

-- "due by its cadence: re-index every 14 days (Adobe, "Tables to
-- maintain"), last done 23 days ago", or NULL when nothing is due.
CREATE OR REPLACE FUNCTION campmon._plan_cadence_note(due campmon.maintenance_due[], rel oid, what text)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT format('due by its cadence: %s every %s (%s), %s', CASE d.maintenance WHEN 'reindex' THEN 're-index' ELSE d.maintenance END,
              campmon._human(d.every), split_part(d.source, ':', 1),
              CASE WHEN d.last_done IS NULL THEN 'none recorded'
                   ELSE format('last done %s ago', campmon._human(now() - d.last_done)) END)
FROM unnest(due) d
WHERE d.relid = rel AND d.maintenance = what AND d.overdue
LIMIT 1 $$;

REVOKE ALL ON FUNCTION campmon._plan_cadence_note(campmon.maintenance_due[],oid,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_cadence_note(campmon.maintenance_due[],oid,text) TO campmon_reader, pg_monitor;

-- Overdue rebuilds of the plan's tables (not catalogs, not campmon's own)
-- join the rewrites phases 7 (online) and 8 (blocking) plan, as plan() splits
-- bloated tables between them.
CREATE OR REPLACE FUNCTION campmon._plan_cadence_rewrites(ctx campmon._plan_context, due campmon.maintenance_due[])
RETURNS campmon._plan_context
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
BEGIN
    WITH d AS (
        SELECT t, ctx.allow_blocking AND t.family <> 'broadlog' AND t.table_bytes <= ctx.full_max AS is_rewrite
        FROM unnest(ctx.tables) t
        WHERE t.family <> 'catalog' AND t.schema_name <> 'campmon'
          AND EXISTS (SELECT FROM unnest(due) x WHERE x.relid = t.relid AND x.maintenance = 'rebuild' AND x.overdue)
          AND NOT EXISTS (SELECT FROM unnest(ctx.rewrite_blocking) b WHERE b.relid = t.relid)
          AND NOT EXISTS (SELECT FROM unnest(ctx.rewrite_online) b WHERE b.relid = t.relid))
    SELECT ctx.rewrite_blocking || ARRAY(SELECT d.t FROM d WHERE d.is_rewrite),
           ctx.rewrite_online || ARRAY(SELECT d.t FROM d WHERE NOT d.is_rewrite)
    INTO ctx.rewrite_blocking, ctx.rewrite_online;
    RETURN ctx;
END $fn$;

REVOKE ALL ON FUNCTION campmon._plan_cadence_rewrites(campmon._plan_context,campmon.maintenance_due[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_cadence_rewrites(campmon._plan_context,campmon.maintenance_due[]) TO campmon_reader, pg_monitor;

-- Overdue re-indexes: the B-trees phase 5 leaves (below its thresholds),
-- of tables this plan does not rewrite.
CREATE OR REPLACE FUNCTION campmon._plan_cadence_reindex(ctx campmon._plan_context, due campmon.maintenance_due[])
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 5, 'REINDEX INDEX CONCURRENTLY'::text, i.indexrelid, format('%I.%I', i.schema_name, i.index_name), i.family,
       format('%s; %s bloat (%s of %s), below campmon.reindex_min_bloat_pct or campmon.reindex_min_size',
              campmon._plan_cadence_note(due, i.table_relid, 'reindex'),
              coalesce(i.bloat_pct || '%', 'unknown'), pg_size_pretty(coalesce(i.bloat_bytes, 0)), pg_size_pretty(i.index_bytes)),
       coalesce(i.bloat_bytes, 0), 'SHARE UPDATE EXCLUSIVE', round(i.index_bytes / 50e6 + 0.5, 1),
       format('REINDEX INDEX CONCURRENTLY %I.%I', i.schema_name, i.index_name), coalesce(i.bloat_bytes, 0)
FROM unnest(due) d
JOIN unnest(ctx.indexes) i ON i.indexrelid = ANY (d.due_indexes)
WHERE d.maintenance = 'reindex' AND d.overdue
  AND i.is_valid AND i.access_method = 'btree'
  AND i.schema_name NOT IN ('pg_catalog', 'pg_toast', 'information_schema', 'campmon')
  -- phase 5 rebuilds it for its bloat
  AND NOT coalesce(i.bloat_pct >= ctx.reindex_pct AND i.bloat_bytes >= ctx.reindex_min, false)
  -- a rewrite of the table rebuilds its indexes
  AND NOT EXISTS (SELECT FROM unnest(ctx.rewritten) rw(relid) WHERE rw.relid = i.table_relid)
$$;

REVOKE ALL ON FUNCTION campmon._plan_cadence_reindex(campmon._plan_context,campmon.maintenance_due[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_cadence_reindex(campmon._plan_context,campmon.maintenance_due[]) TO campmon_reader, pg_monitor;

-- Overdue vacuums: VACUUM (ANALYZE) of the tables no step of the plan so far
-- (early: phases 4, 7, 8) vacuums or rewrites.
CREATE OR REPLACE FUNCTION campmon._plan_cadence_vacuum(ctx campmon._plan_context, due campmon.maintenance_due[],
                                                       early campmon._plan_step[])
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 4, 'VACUUM'::text, t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
       format('%s: %s (%s)%s', campmon._plan_cadence_note(due, t.relid, 'vacuum'),
              campmon._count(coalesce(t.dead_rows, t.n_dead_tup, 0), 'dead row'), pg_size_pretty(coalesce(t.dead_bytes, 0)),
              coalesce(', ' || t.bloat_pct || '% bloat', '')),
       coalesce(t.dead_bytes, 0), 'SHARE UPDATE EXCLUSIVE', round(t.table_bytes / 200e6 + 0.1, 1),
       format('VACUUM (ANALYZE) %I.%I', t.schema_name, t.table_name), coalesce(t.dead_bytes, 0)
FROM unnest(due) d
JOIN unnest(ctx.tables) t ON t.relid = d.relid
WHERE d.maintenance = 'vacuum' AND d.overdue
  AND t.family <> 'catalog' AND t.schema_name <> 'campmon'
  AND NOT EXISTS (SELECT FROM unnest(early) e
                  WHERE e.relid = t.relid AND e.action IN ('VACUUM', 'VACUUM (FREEZE)', 'VACUUM (FULL)', 'REPACK'))
$$;

REVOKE ALL ON FUNCTION campmon._plan_cadence_vacuum(campmon._plan_context,campmon.maintenance_due[],campmon._plan_step[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_cadence_vacuum(campmon._plan_context,campmon.maintenance_due[],campmon._plan_step[]) TO campmon_reader, pg_monitor;

-- ==== src/sql/plan/catalogs.sql

/*
 * plan/catalogs.sql -- phase 3: VACUUM (ANALYZE) of the system catalogs
 * that work-table churn bloats (pg_class, pg_attribute, pg_type, pg_depend,
 * pg_statistic): every work table created and dropped leaves dead rows
 * there.  After the drops of phase 1, which leave more: a catalog is
 * vacuumed for its dead rows now plus the rows those drops delete from it,
 * counted from pg_class, and only above the floor of a
 * VACUUM (campmon.vacuum_min_dead_rows or _size, as in phase 4): "VACUUM
 * pg_statistic, 0 dead rows" because one work table is stale is noise.
 */

-- The rows each churned catalog holds for the relations this plan drops
-- (the stale work tables, the suspect ones too with include_suspect; none
-- when the plan's actions leave DROP TABLE out), with their indexes and
-- TOAST tables: the dead rows the drops leave there.  Counted from pg_class
-- alone, as PostgreSQL creates them (a table's and a TOAST table's six
-- system columns, a row type and its array type, a dependency on the
-- schema or the table, the statistics of an analyzed table's columns):
-- reading pg_attribute or pg_depend for 40,000 work tables would cost the
-- plan more than the VACUUM it decides on.
CREATE OR REPLACE FUNCTION campmon._plan_catalog_rows_dropped(ctx campmon._plan_context)
RETURNS TABLE (catalog text, dropped_rows bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH d AS MATERIALIZED (
    SELECT w.relid FROM unnest(ctx.work_tables) w
    WHERE (w.verdict = 'stale' OR (ctx.include_suspect AND w.verdict = 'suspect'))
      AND (ctx.actions IS NULL OR 'DROP TABLE' = ANY (ctx.actions))),
r AS MATERIALIZED (
    -- the tables, their TOAST tables, the indexes of both
    SELECT c.oid, c.relkind, c.relnatts, c.reltype,
           pg_stat_get_last_analyze_time(c.oid) IS NOT NULL OR pg_stat_get_last_autoanalyze_time(c.oid) IS NOT NULL AS analyzed
    FROM pg_class c
    WHERE c.oid IN (SELECT d.relid FROM d)
       OR c.oid IN (SELECT t.reltoastrelid FROM pg_class t JOIN d ON t.oid = d.relid)
       OR c.oid IN (SELECT i.indexrelid FROM pg_index i
                    WHERE i.indrelid IN (SELECT d.relid FROM d
                                         UNION ALL SELECT t.reltoastrelid FROM pg_class t JOIN d ON t.oid = d.relid)))
SELECT 'pg_class', (SELECT count(*) FROM r)
UNION ALL
SELECT 'pg_attribute', (SELECT coalesce(sum(r.relnatts + CASE WHEN r.relkind IN ('r', 't', 'm') THEN 6 ELSE 0 END), 0)::bigint FROM r)
UNION ALL
SELECT 'pg_type', (SELECT 2 * count(*) FILTER (WHERE r.reltype <> 0) FROM r)
UNION ALL
SELECT 'pg_depend', (SELECT count(*) + count(*) FILTER (WHERE r.reltype <> 0) FROM r)
UNION ALL
SELECT 'pg_statistic', (SELECT coalesce(sum(r.relnatts) FILTER (WHERE r.relkind = 'r' AND r.analyzed), 0)::bigint FROM r)
$$;

REVOKE ALL ON FUNCTION campmon._plan_catalog_rows_dropped(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_catalog_rows_dropped(campmon._plan_context) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._plan_catalogs(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH t AS (
    -- dead rows: the listing's; or PostgreSQL's count where it is higher --
    -- the backends' own catalog reads prune these pages all day, leaving
    -- line pointers and index entries that only a VACUUM clears
    SELECT t.*, greatest(coalesce(t.dead_rows, t.n_dead_tup, 0), coalesce(t.n_dead_tup, 0)) AS dead,
           coalesce(t.dead_rows, t.n_dead_tup, 0) AS dead_measured, coalesce(k.dropped_rows, 0) AS dropped
    FROM unnest(ctx.tables) t
    LEFT JOIN campmon._plan_catalog_rows_dropped(ctx) k ON k.catalog = t.table_name
    WHERE t.family = 'catalog' AND t.schema_name = 'pg_catalog'
      AND t.table_name IN ('pg_class', 'pg_attribute', 'pg_type', 'pg_depend', 'pg_statistic'))
SELECT 3, 'VACUUM'::text, t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
       format('catalog %s: %s%% bloat, %s%s (work tables created and dropped churn the catalogs)',
              t.table_name, t.bloat_pct,
              campmon._count(t.dead, 'dead row')
              || CASE WHEN t.dead > t.dead_measured
                      THEN format(' by PostgreSQL''s statistics (%s in the listing: pruned pages leave their line pointers and index entries to VACUUM)', t.dead_measured)
                      ELSE '' END,
              CASE WHEN t.dropped > 0 THEN format(', and about %s this plan''s drops delete', campmon._count(t.dropped, 'row')) ELSE '' END),
       coalesce(t.dead_bytes, 0), 'SHARE UPDATE EXCLUSIVE', round(t.table_bytes / 200e6 + 0.1, 1),
       format('VACUUM (ANALYZE) %I.%I', t.schema_name, t.table_name), t.bloat_bytes
FROM t
-- one that needs freezing is phase 4's (VACUUM (FREEZE))
WHERE t.relid NOT IN (SELECT f.relid FROM campmon._freeze_needed(ctx.freeze_pct) f)
-- dead rows (not free space, which VACUUM cannot give back), now or once
-- this plan's drops ran, above the floor of a VACUUM
  AND (coalesce(t.dead_bytes, 0) >= greatest(ctx.dead_pct, 1) / 100 * t.table_bytes
       OR t.dead > ctx.dead_pct / 100 * greatest(coalesce(t.live_rows, t.n_live_tup, 0), 1)
       OR t.dropped > 0)
  AND (t.dead + t.dropped >= greatest(ctx.vacuum_min_rows, 1)
       OR coalesce(t.dead_bytes, 0) >= greatest(ctx.vacuum_min_bytes, 1))
$$;

REVOKE ALL ON FUNCTION campmon._plan_catalogs(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_catalogs(campmon._plan_context) TO campmon_reader, pg_monitor;

-- ==== src/sql/plan/drop_work_tables.sql

/*
 * plan/drop_work_tables.sql -- phase 1: DROP TABLE of the work tables
 * Campaign's cleanup would drop (verdict stale; suspect ones only with
 * include_suspect), and keep rows for the work tables kept on purpose.
 * Work tables come first: they are dropped or kept, never vacuumed or
 * reindexed (plan() leaves them out of the listings the other phases read,
 * tens of thousands on a busy instance), and their drops leave the dead
 * catalog rows phase 3 vacuums.
 */

CREATE OR REPLACE FUNCTION campmon._plan_drop_work_tables(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 1, 'DROP TABLE'::text, w.relid,
       format('%I.%I', w.schema_name, w.table_name),
       campmon.family_of(w.schema_name, w.table_name),
       w.verdict || ': ' || w.reason,
       w.total_bytes, 'ACCESS EXCLUSIVE', 0.05::numeric,
       -- through drop_work_table: the verdict is read again under the
       -- table's lock, whoever runs it (\gexec, the worker)
       format('SELECT campmon.drop_work_table(%L::regclass%s)', format('%I.%I', w.schema_name, w.table_name),
              CASE WHEN w.verdict = 'suspect' THEN ', include_suspect => true' ELSE '' END),
       w.total_bytes
FROM unnest(ctx.work_tables) w
WHERE w.verdict = 'stale' OR (ctx.include_suspect AND w.verdict = 'suspect')
UNION ALL
-- work tables kept on purpose: reported, never dropped
SELECT 9, 'keep', w.relid, format('%I.%I', w.schema_name, w.table_name),
       campmon.family_of(w.schema_name, w.table_name),
       w.verdict || ': ' || w.reason, 0, NULL, 0, NULL, 0
FROM unnest(ctx.work_tables) w
WHERE ctx.show_kept AND (w.verdict = 'held' OR (NOT ctx.include_suspect AND w.verdict = 'suspect'))
$$;

REVOKE ALL ON FUNCTION campmon._plan_drop_work_tables(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_drop_work_tables(campmon._plan_context) TO campmon_reader, pg_monitor;

-- ==== src/sql/plan/index_hygiene.sql

/*
 * plan/index_hygiene.sql -- keep rows (show_kept) for the indexes
 * campmon.index_hygiene finds duplicate, a prefix of another or unused,
 * with its evidence and advice.  Advice only: campmon never drops an index
 * on this evidence (statistics reset by a crash, a monthly report's query,
 * Campaign's own schema that would create it again), so these rows have no
 * command whatever the arguments.  PL/pgSQL: campmon.index_hygiene is
 * installed after the phases, and a plan without show_kept does not pay
 * for it.
 */

CREATE OR REPLACE FUNCTION campmon._plan_index_hygiene(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
BEGIN
    IF NOT coalesce(ctx.show_kept, false) THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT 9, 'keep'::text, h.indexrelid, format('%I.%I', h.schema_name, h.index_name),
           coalesce(i.family, campmon.family_of(h.schema_name, h.table_name)),
           format('index hygiene (campmon.index_hygiene), %s%s: %s; %s scans since %s, %s, maintained by %s row writes of %I since; advice only, campmon never drops an index',
                  h.finding, coalesce(' of ' || h.duplicate_of, ''), h.advice,
                  coalesce(h.idx_scan::text, 'no count of'), to_char(h.stats_since, 'YYYY-MM-DD HH24:MI'),
                  pg_size_pretty(h.index_bytes), coalesce(h.table_writes::text, 'an unknown number of'), h.table_name),
           0::bigint, NULL::text, 0::numeric, NULL::text, h.index_bytes
    FROM campmon._index_hygiene_rows(campmon._seconds('campmon.index_unused_min_age')) h
    LEFT JOIN unnest(ctx.indexes) i ON i.indexrelid = h.indexrelid;
END $fn$;

REVOKE ALL ON FUNCTION campmon._plan_index_hygiene(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_index_hygiene(campmon._plan_context) TO campmon_reader, pg_monitor;

-- ==== src/sql/plan/invalid_indexes.sql

/*
 * plan/invalid_indexes.sql -- phase 2: DROP INDEX CONCURRENTLY of the
 * invalid indexes a failed CREATE INDEX CONCURRENTLY or REINDEX
 * CONCURRENTLY left behind (an *_ccnew, an interrupted pg_repack's
 * index_<oid>): every write still maintains them, and no read uses them.
 */

CREATE OR REPLACE FUNCTION campmon._plan_invalid_indexes(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 2, 'DROP INDEX CONCURRENTLY'::text, i.indexrelid, format('%I.%I', i.schema_name, i.index_name), i.family,
       format('invalid index on %s (a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY left it): it costs every write and serves no read',
              i.table_name),
       i.index_bytes, 'SHARE UPDATE EXCLUSIVE', 0.5::numeric, format('DROP INDEX CONCURRENTLY %I.%I', i.schema_name, i.index_name),
       i.index_bytes
FROM unnest(ctx.indexes) i
WHERE NOT i.is_valid AND i.schema_name NOT IN ('pg_catalog', 'pg_toast')
$$;

REVOKE ALL ON FUNCTION campmon._plan_invalid_indexes(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_invalid_indexes(campmon._plan_context) TO campmon_reader, pg_monitor;

-- ==== src/sql/plan/maintain_denied.sql

/*
 * plan/maintain_denied.sql -- _maintain_denied(): who may run a step.  Not
 * a phase: plan() asks it of every phase's steps, after the arguments have
 * narrowed them (one catalog lookup per step that remains).
 */

-- Whether the current role may run a step of this action on this relation,
-- as PostgreSQL decides it (NULL), else who may: a VACUUM or ANALYZE its
-- owner (or a member with its privileges), the database's owner (not on a
-- shared catalog) or a superuser; a REINDEX, a DROP INDEX its table's owner;
-- a DROP TABLE its owner or its schema's; pg_repack and its cleanup a
-- superuser.  plan() turns a step its role may not run into a keep row:
-- a run never fails, or pretends to succeed, on a step it was never
-- allowed (PostgreSQL's VACUUM only warns and skips).
CREATE OR REPLACE FUNCTION campmon._maintain_denied(rel regclass, action text, run_as name DEFAULT current_user) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT CASE
    WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = run_as) THEN NULL
    WHEN action IN ('REPACK', 'REPACK cleanup') THEN
        format('only a superuser may (pg_repack''s requirement); %s is not one', run_as)
    WHEN c.oid IS NULL THEN NULL            -- gone: the run skips it
    WHEN pg_has_role(run_as, coalesce(t.relowner, c.relowner), 'USAGE') THEN NULL
    WHEN action = 'DROP TABLE' AND pg_has_role(run_as, n.nspowner, 'USAGE') THEN NULL
    WHEN action IN ('VACUUM', 'VACUUM (FREEZE)', 'VACUUM (FULL)', 'ANALYZE') AND NOT c.relisshared
         AND pg_has_role(run_as, (SELECT datdba FROM pg_database WHERE datname = current_database()), 'USAGE') THEN NULL
    ELSE format('only its owner %s%s or a superuser may, and %s is none of them', pg_get_userbyid(coalesce(t.relowner, c.relowner)),
                CASE WHEN action IN ('VACUUM', 'VACUUM (FREEZE)', 'VACUUM (FULL)', 'ANALYZE') AND NOT c.relisshared
                     THEN ', the database owner' WHEN action = 'DROP TABLE' THEN format(', the schema''s owner %s', pg_get_userbyid(n.nspowner))
                     ELSE '' END,
                run_as)
END
FROM (SELECT rel AS r) x
LEFT JOIN pg_class c ON c.oid = x.r
LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_index i ON i.indexrelid = c.oid
LEFT JOIN pg_class t ON t.oid = i.indrelid $$;

REVOKE ALL ON FUNCTION campmon._maintain_denied(regclass,text,name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._maintain_denied(regclass,text,name) TO campmon_reader, pg_monitor;

-- ==== src/sql/plan/reindex.sql

/*
 * plan/reindex.sql -- phase 5: REINDEX INDEX CONCURRENTLY of the bloated
 * B-trees (campmon.reindex_min_bloat_pct and campmon.reindex_min_size of
 * bloat), rebuilt without blocking writes.  Not in the system schemas
 * (REINDEX CONCURRENTLY refuses the catalogs'), nor the indexes of a table
 * this plan rewrites: the rewrite rebuilds them.  Ordered by the reads the
 * rebuild saves (entries read since the statistics reset times bloat over
 * what is left), then those nothing read by their bytes, as phase 4.  The
 * reason says when an index was never scanned (campmon.index_hygiene weighs
 * whether it is needed; a key, unique, constraint or replica-identity index
 * always is) or backs a constraint.
 */

CREATE OR REPLACE FUNCTION campmon._plan_reindex(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 5, 'REINDEX INDEX CONCURRENTLY'::text, i.indexrelid, format('%I.%I', i.schema_name, i.index_name), i.family,
       format('%s%% bloat (%s of %s)%s%s%s', i.bloat_pct, pg_size_pretty(i.bloat_bytes), pg_size_pretty(i.index_bytes),
              -- a density only where the listing read one (never "unknown%")
              CASE WHEN i.avg_leaf_density IS NOT NULL THEN format(', leaf density %s%%', i.avg_leaf_density) ELSE '' END,
              -- never "drop it": not of a key, a unique or constraint index
              -- (a foreign key's too) or the replica identity, which serve
              -- writes, not scans; of the others campmon.index_hygiene weighs
              -- the evidence, and campmon never drops an index
              CASE WHEN i.idx_scan IS DISTINCT FROM 0 THEN ''
                   WHEN x.needed
                   THEN '; never scanned since the statistics reset, but it enforces a key or constraint (or is the replica identity): it stays'
                   ELSE '; never scanned since the statistics reset: see campmon.index_hygiene (plan(show_kept => true)) before rebuilding it; campmon never drops an index' END,
              CASE WHEN i.constraint_name IS NOT NULL THEN format('; backs constraint %s', i.constraint_name)
                   WHEN x.replident THEN '; the table''s replica identity' ELSE '' END),
       i.bloat_bytes, 'SHARE UPDATE EXCLUSIVE', round(i.index_bytes / 50e6 + 0.5, 1),
       format('REINDEX INDEX CONCURRENTLY %I.%I', i.schema_name, i.index_name),
       -- the index entries its scans read since the statistics reset, times
       -- the extra leaf pages per entry its bloat makes them read
       -- (an index nothing read: after every one read, by its bloat)
       CASE WHEN coalesce(i.idx_tup_read, 0) > 0
            THEN least(i.idx_tup_read::numeric * i.bloat_pct / greatest(100 - i.bloat_pct, 1) + 1, 9e18)::bigint
            ELSE i.bloat_bytes - 9e18::bigint END
FROM unnest(ctx.indexes) i
CROSS JOIN LATERAL (
    SELECT coalesce(bool_or(pi.indisreplident), false) AS replident,
           i.is_unique OR i.constraint_name IS NOT NULL OR coalesce(bool_or(pi.indisreplident), false)
           OR EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid) AS needed
    FROM pg_index pi WHERE pi.indexrelid = i.indexrelid) x
WHERE i.is_valid AND i.access_method = 'btree'
  AND i.schema_name NOT IN ('pg_catalog', 'pg_toast', 'information_schema')
  -- a sampled figure by its 95% interval's low end, not one draw near the
  -- threshold (checks/bloat.sql: _bloat_judged)
  AND (campmon._bloat_judged(i.method, i.bloat_pct, i.bloat_pct_low, i.bloat_pct_high, ctx.reindex_pct, ctx.reindex_pct)).sure_pct >= ctx.reindex_pct
  AND i.bloat_bytes >= ctx.reindex_min
  -- a table this plan rewrites gets its indexes rebuilt with it
  AND NOT EXISTS (SELECT FROM unnest(ctx.rewritten) rw(relid) WHERE rw.relid = i.table_relid)
$$;

REVOKE ALL ON FUNCTION campmon._plan_reindex(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_reindex(campmon._plan_context) TO campmon_reader, pg_monitor;

-- ==== src/sql/plan/repack.sql

/*
 * plan/repack.sql -- phase 7: REPACK, an online rewrite with pg_repack, of
 * the bloated tables VACUUM FULL may not take (plan() splits them: the
 * delivery logs, tables above campmon.vacuum_full_max_size, or any table
 * when blocking steps are not allowed; bloated: from campmon.bloat_critical_pct,
 * or from campmon.bloat_warning_pct for the tables of Adobe's routine rebuild
 * list, campmon.routine_rebuild).  Campaign's writers go on meanwhile;
 * ACCESS EXCLUSIVE is held only briefly, at the start and at the swap.
 * Only where pg_repack's own requirements hold: the extension installed, a
 * superuser run role (and no code another role wrote that pg_repack would
 * run with its rights: repack.sql), a primary key or a unique index on NOT
 * NULL columns, room for the copy on the table's tablespace.  Each table
 * that fails one is a keep row saying which and how to fix it.  plan()
 * leaves the tables repacked here out of phases 4 to 6: the copy leaves the
 * dead rows behind, rebuilds the indexes and is analyzed.
 */

CREATE OR REPLACE FUNCTION campmon._plan_repack(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH index_bloat AS (
    SELECT i.table_relid, sum(i.bloat_bytes) AS bytes
    FROM unnest(ctx.indexes) i
    WHERE EXISTS (SELECT FROM unnest(ctx.rewrite_online) b WHERE b.relid = i.table_relid)
    GROUP BY i.table_relid
),
online AS (
    SELECT b.*,
           (b.bloat_bytes + coalesce(b.toast_bloat_bytes, 0) + coalesce(ib.bytes, 0))::bigint AS gain,
           EXISTS (SELECT FROM pg_index x
                   WHERE x.indrelid = b.relid AND x.indisvalid AND x.indisunique AND x.indpred IS NULL
                     AND (x.indisprimary OR (0 <> ALL (x.indkey::int2[])
                          AND NOT EXISTS (SELECT FROM pg_attribute att
                                          WHERE att.attrelid = b.relid AND att.attnum = ANY (x.indkey::int2[])
                                            AND NOT att.attnotnull)))) AS has_key,
           ceil(b.total_bytes * (1 + ctx.repack_margin / 100))::bigint AS space_needed,
           (SELECT sp.avail FROM unnest(ctx.spc_oids, ctx.spc_avail) sp(oid, avail)
            WHERE sp.oid = CASE WHEN c.reltablespace = 0
                                THEN (SELECT dattablespace FROM pg_database WHERE datname = current_database())
                                ELSE c.reltablespace END) AS space_left,
           coalesce((SELECT spcname FROM pg_tablespace WHERE oid = nullif(c.reltablespace, 0)), 'the default tablespace') AS tablespace,
           -- code of a less privileged role that pg_repack would run as
           -- the run's role (repack.sql): never
           CASE WHEN ctx.repack AND ctx.runner_super THEN campmon._repack_foreign_code(b.relid) END AS foreign_code
    FROM unnest(ctx.rewrite_online) b
    JOIN pg_class c ON c.oid = b.relid
    LEFT JOIN index_bloat ib ON ib.table_relid = b.relid
    WHERE b.schema_name <> 'campmon'
),
decided AS (
    SELECT o.*,
           coalesce(ctx.repack AND ctx.runner_super AND o.foreign_code IS NULL AND o.has_key
                    AND o.space_left >= o.space_needed
                    AND (ctx.actions IS NULL OR 'REPACK' = ANY (ctx.actions))
                    AND o.gain >= ctx.min_gain_bytes
                    AND (ctx.families IS NULL OR o.family = ANY (ctx.families)), false) AS repacked
    FROM online o
)
SELECT 7, CASE WHEN o.repacked THEN 'REPACK' ELSE 'keep' END,
       o.relid, format('%I.%I', o.schema_name, o.table_name), o.family,
       CASE WHEN o.repacked
            THEN format('%s%% bloat: pg_repack gives %s back online (table, TOAST and indexes rebuilt; ACCESS EXCLUSIVE only briefly at the start and the swap); VACUUM FULL not planned: %s; needs %s free on %s (%s left)',
                        o.bloat_pct, pg_size_pretty(o.gain),
                        CASE WHEN NOT ctx.allow_blocking THEN 'blocking steps not allowed'
                             WHEN o.family = 'broadlog' THEN 'never on the delivery logs'
                             ELSE format('larger than campmon.vacuum_full_max_size (%s)', pg_size_pretty(ctx.full_max)) END,
                        pg_size_pretty(o.space_needed), o.tablespace, pg_size_pretty(o.space_left))
            ELSE format('a rewrite would give back %s (%s%% bloat) but is not planned: VACUUM FULL %s; REPACK %s',
                        pg_size_pretty(o.gain), o.bloat_pct,
                        CASE WHEN NOT ctx.allow_blocking THEN 'blocks every read and write (allow_blocking => true)'
                             WHEN o.family = 'broadlog' THEN 'never on the delivery logs'
                             ELSE format('not above campmon.vacuum_full_max_size (%s)', pg_size_pretty(ctx.full_max)) END,
                        CASE WHEN NOT ctx.repack
                             THEN 'needs the pg_repack extension: CREATE EXTENSION pg_repack (Debian package postgresql-15-repack)'
                             WHEN NOT ctx.runner_super
                             THEN format('needs a superuser (pg_repack''s requirement), and %s is not one', ctx.runner)
                             WHEN o.foreign_code IS NOT NULL
                             THEN format('would run code that %s did not write with its rights (%s): pg_repack builds the copy''s indexes as the role that runs it, where VACUUM FULL and REINDEX switch to the table''s owner (doc/safety.md)',
                                         ctx.runner, o.foreign_code)
                             WHEN NOT o.has_key
                             THEN 'needs a primary key or a unique index on NOT NULL columns (pg_repack''s requirement)'
                             WHEN o.space_left IS NULL
                             THEN format('needs %s free on %s, whose file system could not be read', pg_size_pretty(o.space_needed), o.tablespace)
                             WHEN o.space_left < o.space_needed
                             THEN format('needs %s free on %s for the copy (table, TOAST, indexes and campmon.repack_space_margin_pct %s%%), %s left',
                                         pg_size_pretty(o.space_needed), o.tablespace, ctx.repack_margin, pg_size_pretty(o.space_left))
                             ELSE 'left out by the arguments' END) END
       || CASE WHEN o.relid = ANY (ctx.routine)
               THEN '; on Adobe''s routine rebuild list (campmon.routine_rebuild)'
                    || CASE WHEN o.bloat_pct < ctx.rewrite_pct
                            THEN format(', rewritten from campmon.bloat_warning_pct (%s%%) rather than campmon.bloat_critical_pct (%s%%)',
                                        ctx.routine_pct, ctx.rewrite_pct)
                            ELSE '' END
               ELSE '' END,
       CASE WHEN o.repacked THEN o.gain ELSE 0 END,
       CASE WHEN o.repacked THEN 'ACCESS EXCLUSIVE (brief)' END,
       round(o.total_bytes / 50e6 + 1, 1),
       -- SQL that keeps every check (the run plans it again and the worker
       -- guards pg_repack); plan() adds the client's own command line in
       -- shell_command
       CASE WHEN o.repacked
            THEN format('CALL campmon.run_plan(dry_run => false, actions => ARRAY[''REPACK''], targets => ARRAY[%L::regclass])',
                        format('%I.%I', o.schema_name, o.table_name)) END,
       o.gain
FROM decided o
WHERE o.repacked OR ctx.show_kept
$$;

REVOKE ALL ON FUNCTION campmon._plan_repack(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_repack(campmon._plan_context) TO campmon_reader, pg_monitor;

-- ==== src/sql/plan/repack_cleanup.sql

/*
 * plan/repack_cleanup.sql -- phase 2: what an interrupted pg_repack left
 * behind on a table (repack.sql recognises it), cleaned with pg_repack's
 * own cleanup.  Its trigger logs every write to the table until then.  Not
 * while a pg_repack works on the table: clean_repack_leftovers checks under
 * pg_repack's advisory lock.
 */

CREATE OR REPLACE FUNCTION campmon._plan_repack_cleanup(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 2, 'REPACK cleanup'::text, l.table_relid, l.target, coalesce(campmon.family_of(n.nspname, c.relname), 'other'),
       format('an interrupted pg_repack left %s behind (its trigger logs every write to the table meanwhile); pg_repack''s own cleanup',
              array_to_string(l.objects, ', ')),
       0::bigint, 'ACCESS EXCLUSIVE', 1.0,
       -- the leftovers of a dropped table by its OID (target is no name then)
       format('SELECT campmon.clean_repack_leftovers(%s)',
              CASE WHEN c.oid IS NOT NULL THEN quote_literal(l.target) || '::regclass'
                   ELSE l.table_relid::text || '::oid::regclass' END),
       0::bigint
FROM campmon._repack_leftovers() l
LEFT JOIN pg_class c ON c.oid = l.table_relid
LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
$$;

REVOKE ALL ON FUNCTION campmon._plan_repack_cleanup(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_repack_cleanup(campmon._plan_context) TO campmon_reader, pg_monitor;

-- ==== src/sql/plan/routine_rebuild.sql

/*
 * plan/routine_rebuild.sql -- keep rows (show_kept) for the tables of
 * Adobe's routine rebuild list (campmon.routine_rebuild: Adobe's typical
 * PostgreSQL maintenance plan rewrites them regularly, "RDBMS-specific
 * recommendations") that this plan does not rewrite because they do not
 * need it: bloat below campmon.bloat_warning_pct, or less than
 * campmon.reindex_min_size to gain.  A rewrite frees nothing there; the
 * list's tables that do need one are phases 7 and 8's (plan.sql lowers
 * their threshold to campmon.bloat_warning_pct), with the list named in
 * their reason.
 */

CREATE OR REPLACE FUNCTION campmon._plan_routine_rebuild(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 9, 'keep'::text, t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
       format('on Adobe''s routine rebuild list (campmon.routine_rebuild), no rewrite needed tonight: %s',
              CASE WHEN t.bloat_pct IS NULL THEN 'bloat unknown (no statistics yet: ANALYZE it)'
                   WHEN t.bloat_pct < ctx.routine_pct
                   THEN format('%s%% bloat, below campmon.bloat_warning_pct (%s%%)', t.bloat_pct, ctx.routine_pct)
                   ELSE format('%s%% bloat but only %s to gain, less than campmon.reindex_min_size (%s)',
                               t.bloat_pct, pg_size_pretty(t.bloat_bytes), pg_size_pretty(ctx.reindex_min)) END),
       0::bigint, NULL::text, 0::numeric, NULL::text, coalesce(t.table_bytes, 0)
FROM unnest(ctx.tables) t
WHERE ctx.show_kept
  AND t.relid = ANY (ctx.routine)
  AND NOT EXISTS (SELECT FROM unnest(ctx.rewrite_blocking) b WHERE b.relid = t.relid)
  AND NOT EXISTS (SELECT FROM unnest(ctx.rewrite_online) b WHERE b.relid = t.relid)
$$;

REVOKE ALL ON FUNCTION campmon._plan_routine_rebuild(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_routine_rebuild(campmon._plan_context) TO campmon_reader, pg_monitor;

-- ==== src/sql/plan/vacuum.sql

/*
 * plan/vacuum.sql -- phase 4: VACUUM (ANALYZE) of the tables where dead
 * rows pile up, VACUUM (FREEZE, ANALYZE) of those near wraparound.  Dead
 * rows above campmon.vacuum_min_dead_pct of the live ones, or few but wide
 * ones (dead bytes above that share of the table), and never below the
 * floor of campmon.vacuum_min_dead_rows or _size (35 dead rows of a small
 * table are autovacuum's business, not a step): VACUUM reclaims dead
 * rows, never free space alone, which only a rewrite gives back (phases 7
 * and 8).  Freeze when the table's transaction-ID or multixact age, or its
 * TOAST table's, passes campmon.freeze_age_pct of its freeze age
 * (freeze.sql: _freeze_needed), before an anti-wraparound vacuum does it at
 * the worst time -- any table then, the catalogs and campmon's own too.
 * Ordered by the reads the VACUUM saves, not its bytes
 * (bench/payoff_bench.sh: the small, constantly read deliveries table gave
 * the dashboard its speed and waited behind the delivery logs, which no
 * statement of preparation or of the dashboard reads whole): the rows the
 * table's scans returned since the statistics reset times its dead rows per
 * live row, each read having walked past that many dead versions; the
 * tables nothing read come after, by their dead bytes (the expected gain).
 * An order, not a promise: the gain stays in bytes.
 * Otherwise not the catalogs (phase 3), nor campmon's own history
 * (autovacuum's: every run writes it), nor a table this plan repacks (the
 * copy leaves its dead rows behind).  plan() leaves
 * the tables vacuumed here out of phase 6: VACUUM (ANALYZE) analyzes them.
 */

CREATE OR REPLACE FUNCTION campmon._plan_vacuum(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH f AS MATERIALIZED (SELECT * FROM campmon._freeze_needed(ctx.freeze_pct)),
x AS (
    SELECT t.*, f.reason AS freeze_reason, f.relid IS NOT NULL AS freeze,
           -- rows its scans returned since the statistics reset (pg_stat_all_tables'
           -- seq_tup_read + idx_tup_fetch), times its dead rows per live one
           least((pg_stat_get_tuples_returned(t.relid) + pg_stat_get_tuples_fetched(t.relid)
                  + coalesce((SELECT sum(pg_stat_get_tuples_fetched(i.indexrelid)) FROM pg_index i
                              WHERE i.indrelid = t.relid), 0))::numeric
                 * coalesce(t.dead_rows, t.n_dead_tup, 0)
                 / greatest(coalesce(t.live_rows, t.n_live_tup, 0), 1), 9e18)::bigint AS reads_key
    FROM unnest(ctx.tables) t LEFT JOIN f ON f.relid = t.relid
)
SELECT 4, CASE WHEN t.freeze THEN 'VACUUM (FREEZE)' ELSE 'VACUUM' END,
       t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
       CASE WHEN t.freeze THEN t.freeze_reason
            -- the dead rows campmon.tables shows; PostgreSQL's running count
            -- only where the listing measured none, and then said so
            ELSE format('%s (%s)%s, %s%% bloat: VACUUM makes the space reusable (it does not shrink the file)',
                        campmon._count(coalesce(t.dead_rows, t.n_dead_tup), 'dead row'), pg_size_pretty(coalesce(t.dead_bytes, 0)),
                        CASE WHEN t.dead_rows IS NULL THEN ' by PostgreSQL''s statistics' ELSE '' END, t.bloat_pct) END,
       coalesce(t.dead_bytes, 0), 'SHARE UPDATE EXCLUSIVE', round(t.table_bytes / 200e6 + 0.1, 1),
       format('VACUUM (%sANALYZE) %I.%I', CASE WHEN t.freeze THEN 'FREEZE, ' ELSE '' END, t.schema_name, t.table_name),
       -- a table nothing read: after every one read, by its dead bytes
       CASE WHEN t.reads_key > 0 THEN t.reads_key ELSE coalesce(t.dead_bytes, 0) - 9e18::bigint END
FROM x t
-- freezing: any table, the catalogs and campmon's own included (the
-- database's age is its oldest table's)
WHERE (t.freeze
       OR t.family <> 'catalog' AND t.table_bytes > 0
          AND t.schema_name <> 'campmon'        -- its own history: autovacuum's
          AND (coalesce(t.dead_rows, t.n_dead_tup, 0) > ctx.dead_pct / 100 * greatest(coalesce(t.live_rows, t.n_live_tup, 0), 1)
               -- dead rows that are few but wide (VACUUM reclaims dead rows, not free space)
               OR coalesce(t.dead_bytes, 0) >= greatest(ctx.dead_pct, 1) / 100 * t.table_bytes
                  AND coalesce(t.dead_rows, t.n_dead_tup, 0) > 0)
          -- and worth a step: below both floors autovacuum sees to it
          AND (coalesce(t.dead_rows, t.n_dead_tup, 0) >= greatest(ctx.vacuum_min_rows, 1)
               OR coalesce(t.dead_bytes, 0) >= greatest(ctx.vacuum_min_bytes, 1)))
  -- a table this plan repacks: the copy leaves its dead rows behind
  AND (t.freeze OR NOT EXISTS (SELECT FROM unnest(ctx.repacked) r(relid) WHERE r.relid = t.relid))
$$;

REVOKE ALL ON FUNCTION campmon._plan_vacuum(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_vacuum(campmon._plan_context) TO campmon_reader, pg_monitor;

-- ==== src/sql/plan/vacuum_full.sql

/*
 * plan/vacuum_full.sql -- phase 8: VACUUM (FULL, ANALYZE), the blocking
 * rewrite, where VACUUM cannot give the space back: only when asked
 * (allow_blocking), never the delivery logs, never above
 * campmon.vacuum_full_max_size (5 GB: Adobe's advice, not a limit) --
 * plan() gives it those bloated tables (from campmon.bloat_critical_pct, or
 * from campmon.bloat_warning_pct for Adobe's routine rebuild list), the
 * others are phase 7's.  It holds ACCESS EXCLUSIVE the whole time: smallest
 * first.  plan() leaves the tables rewritten here out of phases 5 and 6 (the
 * rewrite rebuilds their indexes, and ANALYZE follows it).
 */

CREATE OR REPLACE FUNCTION campmon._plan_vacuum_full(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 8, 'VACUUM (FULL)'::text, t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
       format('%s%% bloat: only a rewrite gives %s back to the file system; blocks every read and write of the table while it runs, followed by ANALYZE',
              t.bloat_pct, pg_size_pretty(t.bloat_bytes))
       || CASE WHEN t.relid = ANY (ctx.routine)
               THEN '; on Adobe''s routine rebuild list (campmon.routine_rebuild)'
                    || CASE WHEN t.bloat_pct < ctx.rewrite_pct
                            THEN format(', rewritten from campmon.bloat_warning_pct (%s%%) rather than campmon.bloat_critical_pct (%s%%)',
                                        ctx.routine_pct, ctx.rewrite_pct)
                            ELSE '' END
               ELSE '' END,
       t.bloat_bytes, 'ACCESS EXCLUSIVE', round(t.table_bytes / 100e6 + 0.5, 1),
       format('VACUUM (FULL, ANALYZE) %I.%I', t.schema_name, t.table_name),
       -t.table_bytes          -- smallest first
FROM unnest(ctx.rewrite_blocking) t
$$;

REVOKE ALL ON FUNCTION campmon._plan_vacuum_full(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_vacuum_full(campmon._plan_context) TO campmon_reader, pg_monitor;

-- ==== src/sql/plan.sql

/*
 * plan.sql -- campmon.plan(): tonight's ordered maintenance steps (DROP of
 * stale work tables, VACUUM, REINDEX, VACUUM FULL, ANALYZE), each with its
 * command, lock level, expected gain and reason.  A plan is a list of
 * commands: nothing runs here.
 *
 * The steps come from the phases, one file each under plan/ (each says what
 * it plans and why).  _plan_prepare() computes once what they share -- the
 * work tables' verdicts, the table and index listings (about 0.5 s each at
 * 50,000 relations), the settings, the tablespaces' free space -- into a
 * campmon._plan_context (plan_types.sql); plan() runs the phases, tells
 * the later ones what the earlier ones rewrite or vacuum, then filters,
 * orders and numbers the steps.
 *
 * Both run their queries with generic plans (plan_cache_mode): a custom
 * plan folds the context into a constant, a copy of its megabytes (40,000
 * work tables' rows at 50,000 relations) for every query that reads it,
 * 10 ms each.
 */

-- What the phases share, computed once per plan.
CREATE OR REPLACE FUNCTION campmon._plan_prepare(
    families text[], actions text[], min_gain_bytes bigint, include_suspect boolean,
    allow_blocking boolean, show_kept boolean, runner name)
RETURNS campmon._plan_context
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '2MB'
SET plan_cache_mode = force_generic_plan
AS $fn$
DECLARE
    ctx campmon._plan_context;
    spc record;
BEGIN
    PERFORM campmon.version();        -- defines the campmon.* settings
    ctx.families := families;
    ctx.actions := actions;
    ctx.min_gain_bytes := min_gain_bytes;
    ctx.include_suspect := include_suspect;
    ctx.allow_blocking := allow_blocking;
    ctx.show_kept := show_kept;
    ctx.runner := runner;
    -- pg_repack needs a superuser, and runs as the run's role
    ctx.runner_super := (SELECT rolsuper FROM pg_roles WHERE rolname = runner);
    ctx.dead_pct := current_setting('campmon.vacuum_min_dead_pct')::numeric;
    ctx.freeze_pct := current_setting('campmon.freeze_age_pct')::numeric;
    ctx.freeze_max := current_setting('autovacuum_freeze_max_age')::bigint;
    ctx.reindex_pct := current_setting('campmon.reindex_min_bloat_pct')::numeric;
    ctx.reindex_min := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.reindex_min_size');
    ctx.analyze_pct := current_setting('campmon.analyze_min_changed_pct')::numeric;
    ctx.analyze_min_rows := current_setting('campmon.analyze_min_changed_rows')::bigint;
    ctx.vacuum_min_rows := current_setting('campmon.vacuum_min_dead_rows')::bigint;
    ctx.vacuum_min_bytes := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.vacuum_min_dead_size');
    ctx.full_max := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.vacuum_full_max_size');
    ctx.rewrite_pct := current_setting('campmon.bloat_critical_pct')::numeric;
    ctx.routine_pct := current_setting('campmon.bloat_warning_pct')::numeric;
    ctx.repack := EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_repack');
    ctx.repack_margin := current_setting('campmon.repack_space_margin_pct')::numeric;
    ctx.spc_oids := '{}';
    ctx.spc_avail := '{}';
    ctx.repacked := '{}';
    ctx.rewritten := '{}';
    ctx.vacuumed := '{}';

    -- what each tablespace's file system has left (a REPACK copies its table
    -- there first); one that cannot be read is left out: no REPACK into it
    IF ctx.repack THEN
        FOR spc IN SELECT oid FROM pg_tablespace WHERE spcname <> 'pg_global' LOOP
            BEGIN
                ctx.spc_avail := ctx.spc_avail || (SELECT available_bytes FROM campmon.tablespace_space(spc.oid));
                ctx.spc_oids := ctx.spc_oids || spc.oid;
            EXCEPTION WHEN OTHERS THEN
                NULL;
            END;
        END LOOP;
    END IF;

    -- work tables first: they are dropped or kept, never vacuumed or
    -- reindexed, so the listings leave them (tens of thousands on a busy
    -- instance) out before measuring anything
    WITH w AS MATERIALIZED (SELECT * FROM campmon._stale_tables()),
    t0 AS MATERIALIZED (SELECT t FROM campmon.tables t
                        WHERE NOT EXISTS (SELECT FROM w WHERE w.relid = t.relid)),
    i0 AS MATERIALIZED (SELECT i FROM campmon.indexes i
                        WHERE NOT EXISTS (SELECT FROM w WHERE w.relid = i.table_relid)),
    -- a table with an unreadable page, or with such an index, is left alone:
    -- VACUUM or REINDEX would only fail on it (or spread the damage); a
    -- keep row says why (in the modes that read pages only)
    unreadable AS MATERIALIZED (
        SELECT (t0.t).relid, (t0.t).schema_name, (t0.t).table_name, (t0.t).family, (t0.t).basis AS why
        FROM t0 WHERE (t0.t).method = 'unreadable'
        UNION ALL
        SELECT (i0.i).table_relid, (t0.t).schema_name, (t0.t).table_name, (t0.t).family,
               format('index %I: %s', (i0.i).index_name, (i0.i).basis)
        FROM i0 JOIN t0 ON (t0.t).relid = (i0.i).table_relid WHERE (i0.i).method = 'unreadable')
    SELECT ARRAY(SELECT ROW(w.relid, w.schema_name, w.table_name, w.verdict, w.reason, w.total_bytes)::campmon._plan_work_table
                 FROM w),
           ARRAY(SELECT t0.t FROM t0 WHERE NOT EXISTS (SELECT FROM unreadable u WHERE u.relid = (t0.t).relid)),
           ARRAY(SELECT i0.i FROM i0 WHERE NOT EXISTS (SELECT FROM unreadable u WHERE u.relid = (i0.i).table_relid)),
           ARRAY(SELECT ROW(9, 'keep', u.relid, format('%I.%I', u.schema_name, u.table_name), u.family,
                            format('unreadable page, nothing planned: %s; check it with amcheck and pg_checksums', u.why),
                            0, NULL, 0, NULL, 0)::campmon._plan_step
                 FROM unreadable u)
    INTO ctx.work_tables, ctx.tables, ctx.indexes, ctx.unreadable;

    -- Adobe's routine rebuild list (campmon.routine_rebuild), in the Campaign
    -- schemas; a row a non-superuser wrote names only the tables that role
    -- owns (it could rewrite them itself): what it adds never makes a
    -- superuser's run rewrite another role's table
    ctx.routine := ARRAY(
        SELECT t.relid
        FROM unnest(ctx.tables) t
        JOIN pg_class c ON c.oid = t.relid
        JOIN campmon.routine_rebuild r ON r.table_name = t.table_name
        WHERE t.schema_name = ANY (campmon._work_table_schemas())
          AND CASE WHEN campmon._editor_trusted(r.edited_by) THEN true
                   WHEN NOT EXISTS (SELECT FROM pg_roles e WHERE e.rolname = r.edited_by) THEN false
                   ELSE pg_has_role(r.edited_by, c.relowner, 'USAGE') END);

    -- the tables a rewrite would shrink (bloat from campmon.bloat_critical_pct,
    -- from campmon.bloat_warning_pct for the routine list), and whether
    -- VACUUM FULL (phase 8) may take each; the others are phase 7's (pg_repack)
    WITH bloated AS (
        SELECT t, ctx.allow_blocking AND t.family <> 'broadlog' AND t.table_bytes <= ctx.full_max AS is_rewrite
        FROM unnest(ctx.tables) t
        -- a sampled figure by its 95% interval's low end (_bloat_judged)
        CROSS JOIN LATERAL (SELECT (campmon._bloat_judged(t.method, t.bloat_pct, t.bloat_pct_low, t.bloat_pct_high,
                                                          ctx.rewrite_pct, ctx.rewrite_pct)).sure_pct AS pct) j
        WHERE t.family <> 'catalog' AND t.bloat_bytes >= ctx.reindex_min
          AND (j.pct >= ctx.rewrite_pct
               OR (j.pct >= ctx.routine_pct AND t.relid = ANY (ctx.routine))))
    SELECT ARRAY(SELECT b.t FROM bloated b WHERE b.is_rewrite),
           ARRAY(SELECT b.t FROM bloated b WHERE NOT b.is_rewrite)
    INTO ctx.rewrite_blocking, ctx.rewrite_online;
    RETURN ctx;
END $fn$;

REVOKE ALL ON FUNCTION campmon._plan_prepare(text[],text[],bigint,boolean,boolean,boolean,name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_prepare(text[],text[],bigint,boolean,boolean,boolean,name) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon.plan(
    families text[] DEFAULT NULL,
    actions text[] DEFAULT NULL,
    min_gain_bytes bigint DEFAULT 0,
    max_steps integer DEFAULT NULL,
    include_suspect boolean DEFAULT false,
    allow_blocking boolean DEFAULT false,
    show_kept boolean DEFAULT false,
    targets regclass[] DEFAULT NULL,
    run_as name DEFAULT NULL)
RETURNS TABLE (
    step integer, action text, target text, family text, reason text,
    expected_gain_bytes bigint, lock_level text, estimated_seconds numeric,
    command text, target_relid oid, shell_command text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '2MB'
SET plan_cache_mode = force_generic_plan
AS $fn$
DECLARE
    ctx campmon._plan_context;
    -- the steps of the phases that later phases read
    early campmon._plan_step[];
    -- the role the steps are for: the caller's, or the one named (a report
    -- shows tonight's plan as the nightly job's role would run it)
    runner name := coalesce(run_as, current_user);
    wait_s integer;
    -- what a maintenance cadence says is overdue (plan/cadence.sql), and
    -- this server's rates per kind of step (estimates.sql)
    due campmon.maintenance_due[];
    rates campmon.step_rates[];
    valid_actions text[] := ARRAY['DROP TABLE', 'DROP INDEX CONCURRENTLY', 'VACUUM', 'VACUUM (FREEZE)',
                                  'REINDEX INDEX CONCURRENTLY', 'ANALYZE', 'REPACK cleanup', 'REPACK', 'VACUUM (FULL)', 'keep'];
    a text;
    -- what stops VACUUM (vacuum_blockers.sql): whether to look at all, and
    -- the steps of the phases read first that were looked at (relid,
    -- action, and why the xmin horizon makes it useless, or NULL)
    look boolean;
    held_relids oid[] := '{}';
    held_actions text[] := '{}';
    held_whys text[] := '{}';
BEGIN
    PERFORM campmon.version();
    wait_s := (SELECT greatest(ceil(setting::numeric / 1000), 1) FROM pg_settings WHERE name = 'campmon.run_lock_timeout');

    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = runner) THEN
        RAISE EXCEPTION 'role "%" does not exist', run_as USING ERRCODE = 'undefined_object',
            HINT = 'run_as names the role whose steps to plan (the nightly job''s); omit it for your own.';
    END IF;
    IF min_gain_bytes IS NULL OR min_gain_bytes < 0 THEN
        RAISE EXCEPTION 'min_gain_bytes must be 0 or more' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_steps IS NOT NULL AND max_steps <= 0 THEN
        RAISE EXCEPTION 'max_steps must be greater than zero, not %', max_steps
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Omit it (NULL) for no limit.';
    END IF;
    PERFORM campmon._check_families(families);
    FOREACH a IN ARRAY coalesce(actions, '{}') LOOP
        IF a IS NULL OR NOT a = ANY (valid_actions) THEN
            RAISE EXCEPTION 'unknown action "%"', a USING ERRCODE = 'invalid_parameter_value',
                HINT = 'Valid actions are: ' || array_to_string(valid_actions, ', ') || '.';
        END IF;
    END LOOP;

    ctx := campmon._plan_prepare(families, actions, min_gain_bytes, include_suspect, allow_blocking, show_kept, runner);
    -- only when some input of the horizon is old enough to last until the
    -- step (campmon.vacuum_blocker_min_age), or of an age we cannot see
    look := campmon._horizon_held();
    -- overdue rebuilds join the rewrites phases 7 and 8 plan, whatever their bloat
    due := ARRAY(SELECT d FROM campmon.maintenance_due d WHERE d.overdue);
    ctx := campmon._plan_cadence_rewrites(ctx, due);
    rates := ARRAY(SELECT r FROM campmon.step_rates r);

    -- The phases that later ones read come first.  pg_repack: phase 4
    -- leaves out the tables it repacks (the copy leaves the dead rows
    -- behind) unless they need freezing.
    early := ARRAY(SELECT s FROM campmon._plan_repack(ctx) s);
    SELECT held_relids || coalesce(array_agg(h.relid), '{}'), held_actions || coalesce(array_agg(h.action), '{}'),
           held_whys || coalesce(array_agg(h.why), '{}')
    INTO held_relids, held_actions, held_whys FROM campmon._plan_held(early, look, families, actions, targets) h;
    ctx.repacked := ARRAY(SELECT s.relid FROM unnest(early) s WHERE s.action = 'REPACK'
                          AND NOT EXISTS (SELECT FROM unnest(held_relids, held_actions, held_whys) h(relid, action, why)
                                          WHERE h.relid = s.relid AND h.action = 'REPACK' AND h.why IS NOT NULL));
    -- VACUUM FULL and VACUUM: phases 5 and 6 leave out the tables this plan
    -- rewrites (the rewrite rebuilds the indexes, ANALYZE follows it), phase
    -- 6 those it vacuums (VACUUM (ANALYZE)) -- the steps the arguments keep
    -- (as below; targets aside)
    early := early || ARRAY(SELECT s FROM campmon._plan_vacuum_full(ctx) s
                            UNION ALL SELECT s FROM campmon._plan_vacuum(ctx) s);
    early := early || ARRAY(SELECT s FROM campmon._plan_cadence_vacuum(ctx, due, early) s);
    -- a VACUUM the horizon makes useless is a keep row: not one that
    -- analyzes its table for phase 6
    SELECT held_relids || coalesce(array_agg(h.relid), '{}'), held_actions || coalesce(array_agg(h.action), '{}'),
           held_whys || coalesce(array_agg(h.why), '{}')
    INTO held_relids, held_actions, held_whys
    FROM campmon._plan_held(ARRAY(SELECT s FROM unnest(early) s WHERE s.action = 'VACUUM'), look, families, actions, targets) h;
    SELECT ctx.repacked || coalesce(array_agg(s.relid) FILTER (WHERE s.action = 'VACUUM (FULL)'), '{}'),
           coalesce(array_agg(s.relid) FILTER (WHERE s.action <> 'VACUUM (FULL)'), '{}')
    INTO ctx.rewritten, ctx.vacuumed
    FROM unnest(early) s
    WHERE s.action IN ('VACUUM (FULL)', 'VACUUM', 'VACUUM (FREEZE)')
      AND (families IS NULL OR s.family = ANY (families))
      AND (actions IS NULL OR s.action = ANY (actions))
      AND (s.gain >= min_gain_bytes OR s.action = 'VACUUM (FREEZE)')
      AND NOT EXISTS (SELECT FROM unnest(held_relids, held_actions, held_whys) h(relid, action, why)
                      WHERE h.relid = s.relid AND h.action = s.action AND h.why IS NOT NULL);

    RETURN QUERY
    -- every phase's steps (plan/<phase>.sql; the drops straight from their
    -- phase: tens of thousands on a neglected database)
    WITH candidates AS (
        SELECT * FROM unnest(ctx.unreadable)
        UNION ALL SELECT * FROM unnest(early)
        UNION ALL SELECT * FROM campmon._plan_drop_work_tables(ctx)
        UNION ALL SELECT * FROM campmon._plan_invalid_indexes(ctx)
        UNION ALL SELECT * FROM campmon._plan_repack_cleanup(ctx)
        UNION ALL SELECT * FROM campmon._plan_catalogs(ctx)
        UNION ALL SELECT * FROM campmon._plan_reindex(ctx)
        UNION ALL SELECT * FROM campmon._plan_cadence_reindex(ctx, due)
        UNION ALL SELECT * FROM campmon._plan_analyze(ctx)
        -- keep rows only (show_kept): the routine list's tables that need
        -- no rewrite, and index hygiene's advice
        UNION ALL SELECT * FROM campmon._plan_routine_rebuild(ctx)
        UNION ALL SELECT * FROM campmon._plan_index_hygiene(ctx)
    ),
    -- a step the role may not run is a keep row saying who may; a
    -- superuser may run every step (_maintain_denied's first answer: not
    -- asked once per step).  MATERIALIZED: asked once per step, not once
    -- per use of denied below (inlined, 25,000 drops asked it seven times
    -- each: 5 s at 50,000 relations)
    allowed AS MATERIALIZED (
        SELECT c.*, coalesce(CASE WHEN c.action <> 'keep' AND NOT ctx.runner_super
                                  THEN campmon._maintain_denied(c.relid, c.action, runner) END,
                             -- the xmin horizon makes it useless: the early
                             -- phases' steps were looked at above, the others here
                             CASE WHEN NOT look OR c.action NOT IN ('VACUUM', 'REINDEX INDEX CONCURRENTLY', 'REPACK') THEN NULL
                                  WHEN EXISTS (SELECT FROM unnest(held_relids, held_actions) h(relid, action)
                                               WHERE h.relid = c.relid AND h.action = c.action)
                                  THEN (SELECT h.why FROM unnest(held_relids, held_actions, held_whys) h(relid, action, why)
                                        WHERE h.relid = c.relid AND h.action = c.action LIMIT 1)
                                  ELSE campmon._horizon_blocks(c.relid, c.action, look) END) AS denied
        FROM candidates c
        WHERE (families IS NULL OR c.family = ANY (families))
          AND (actions IS NULL OR c.action = ANY (actions))
          AND (targets IS NULL OR c.relid = ANY (targets::oid[]))
          AND (c.action = 'keep' OR c.gain >= min_gain_bytes OR c.action IN ('ANALYZE', 'VACUUM (FREEZE)', 'REPACK cleanup'))
    )
    -- a step's duration from this server's history of such steps, else
    -- the phase's constant (estimates.sql); its reason says which
    , estimated AS (
        SELECT a.*, e.seconds AS est, e.basis AS est_basis
        FROM allowed a
        LEFT JOIN LATERAL campmon._estimated_seconds(a.action,
                      CASE WHEN a.action = 'DROP TABLE' THEN a.gain ELSE campmon._total_bytes(a.relid) END,
                      a.seconds, rates) e ON a.action <> 'keep' AND a.denied IS NULL
    )
    SELECT (row_number() OVER (ORDER BY CASE WHEN a.denied IS NULL THEN a.phase ELSE 9 END, a.sort_key DESC, a.target))::integer,
           CASE WHEN a.denied IS NULL THEN a.action ELSE 'keep' END, a.target, a.family,
           -- a rewrite a cadence asked for says so first
           concat_ws('; ', CASE WHEN a.phase IN (7, 8) THEN campmon._plan_cadence_note(due, a.relid, 'rebuild') END,
                     CASE WHEN a.denied IS NULL THEN a.reason ELSE format('%s not planned: %s (%s)', a.action, a.denied, a.reason) END,
                     a.est_basis),
           CASE WHEN a.denied IS NULL THEN a.gain ELSE 0 END,
           CASE WHEN a.denied IS NULL THEN a.lock_level END,
           CASE WHEN a.denied IS NULL THEN coalesce(a.est, a.seconds) ELSE 0 END,
           CASE WHEN a.denied IS NULL THEN a.command END, a.relid,
           CASE WHEN a.denied IS NULL AND a.action = 'REPACK'
                THEN format('pg_repack --no-kill-backend --wait-timeout=%s --dbname=%s --table=%s', wait_s,
                            '''' || replace(current_database(), '''', '''\''''') || '''',
                            '''' || replace(a.target, '''', '''\''''') || '''') END
    FROM estimated a
    WHERE (a.action <> 'keep' AND a.denied IS NULL) OR show_kept
    ORDER BY 1
    LIMIT max_steps;
END $fn$;

COMMENT ON FUNCTION campmon.plan(text[], text[], bigint, integer, boolean, boolean, boolean, regclass[], name) IS
'Ordered maintenance steps with reason, expected gain, lock level and a ready-to-run command';

REVOKE ALL ON FUNCTION campmon.plan(text[],text[],bigint,integer,boolean,boolean,boolean,regclass[],name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.plan(text[],text[],bigint,integer,boolean,boolean,boolean,regclass[],name) TO campmon_reader, pg_monitor;

-- ==== src/sql/run_plan.sql

/*
 * run_plan.sql -- running a plan: start_plan() hands it to a background
 * worker that executes the steps at top level (plan_worker.c), run_plan
 * waits for it, cancel_run() stops it.  Every step is recorded
 * (runs.sql, history.sql).
 */

CREATE OR REPLACE FUNCTION campmon.start_plan(
    dry_run boolean DEFAULT true,
    families text[] DEFAULT NULL,
    actions text[] DEFAULT NULL,
    min_gain_bytes bigint DEFAULT 0,
    max_steps integer DEFAULT NULL,
    include_suspect boolean DEFAULT false,
    allow_blocking boolean DEFAULT false,
    lock_timeout interval DEFAULT NULL,
    statement_timeout interval DEFAULT NULL,
    time_budget interval DEFAULT NULL,
    targets regclass[] DEFAULT NULL,
    window_end timestamptz DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'campmon_start_plan'
LANGUAGE C CALLED ON NULL INPUT VOLATILE;

COMMENT ON FUNCTION campmon.start_plan(boolean, text[], text[], bigint, integer, boolean, boolean, interval, interval, interval, regclass[], timestamptz) IS
'Start running the maintenance plan in a background worker (dry run unless dry_run => false); returns the run id at once';

REVOKE ALL ON FUNCTION campmon.start_plan(boolean,text[],text[],bigint,integer,boolean,boolean,interval,interval,interval,regclass[],timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.start_plan(boolean,text[],text[],bigint,integer,boolean,boolean,interval,interval,interval,regclass[],timestamptz) TO campmon_admin;

-- run_plan returns once the worker has let the run lock go, not only once
-- the run's status is final (an immediate next run was sometimes refused).
CREATE OR REPLACE PROCEDURE campmon.run_plan(
    dry_run boolean DEFAULT true,
    families text[] DEFAULT NULL,
    actions text[] DEFAULT NULL,
    min_gain_bytes bigint DEFAULT 0,
    max_steps integer DEFAULT NULL,
    include_suspect boolean DEFAULT false,
    allow_blocking boolean DEFAULT false,
    lock_timeout interval DEFAULT NULL,
    statement_timeout interval DEFAULT NULL,
    time_budget interval DEFAULT NULL,
    targets regclass[] DEFAULT NULL,
    window_end timestamptz DEFAULT NULL,
    INOUT run_id bigint DEFAULT NULL,
    INOUT summary text DEFAULT NULL)
LANGUAGE plpgsql
AS $proc$
DECLARE
    st text;
    failed bigint;
    wpid integer;
    k integer;
BEGIN
    run_id := campmon.start_plan(dry_run, families, actions, min_gain_bytes, max_steps,
                                 include_suspect, allow_blocking, lock_timeout,
                                 statement_timeout, time_budget, targets, window_end);
    LOOP
        COMMIT;
        SELECT r.status, r.summary, r.worker_pid INTO st, summary, wpid FROM campmon.run r
        WHERE r.run_id OPERATOR(pg_catalog.=) run_plan.run_id;
        EXIT WHEN st OPERATOR(pg_catalog.<>) 'running' AND st OPERATOR(pg_catalog.<>) 'cancelling';
        -- a worker that died (an error, a crash of its own) cannot finish the
        -- run: say so rather than wait for ever (a pg_cron job would hang);
        -- _run_worker_gone marks it only when no worker holds the run lock
        IF wpid IS NOT NULL AND NOT EXISTS (SELECT FROM pg_catalog.pg_stat_activity a
                                            WHERE a.pid OPERATOR(pg_catalog.=) wpid) THEN
            PERFORM pg_catalog.pg_sleep(0.2);
            COMMIT;
            IF campmon._run_worker_gone(run_id) THEN
                COMMIT;
                RAISE EXCEPTION 'campmon run %: its background worker stopped before the run finished', run_id
                    USING ERRCODE = 'triggered_action_exception',
                          HINT = 'See the server log; the run and its unfinished steps are marked interrupted in campmon.history.';
            END IF;
            CONTINUE;
        END IF;
        PERFORM pg_catalog.pg_sleep(0.1);
    END LOOP;
    -- the worker writes the final status, then lets the run lock go: wait
    -- for that (a few ms; 5 s at most), so that a run started right after
    -- this one returns is not refused as "another campmon run is in progress"
    SELECT r.worker_pid INTO wpid FROM campmon.run r WHERE r.run_id OPERATOR(pg_catalog.=) run_plan.run_id;
    FOR k IN 1..500 LOOP
        EXIT WHEN NOT EXISTS (SELECT FROM pg_catalog.pg_locks l
                              WHERE l.pid OPERATOR(pg_catalog.=) wpid
                                AND l.locktype OPERATOR(pg_catalog.=) 'advisory'
                                AND l.database OPERATOR(pg_catalog.=) (SELECT d.oid FROM pg_catalog.pg_database d
                                                                       WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()));
        PERFORM pg_catalog.pg_sleep(0.01);
    END LOOP;
    SELECT pg_catalog.count(*) INTO failed FROM campmon.run_step s
    WHERE s.run_id OPERATOR(pg_catalog.=) run_plan.run_id AND s.outcome OPERATOR(pg_catalog.=) 'failed';
    IF failed OPERATOR(pg_catalog.>) 0 THEN
        RAISE EXCEPTION 'campmon run %: % failed', run_id, campmon._count(failed, 'step')
            USING ERRCODE = 'triggered_action_exception', DETAIL = summary,
                  HINT = pg_catalog.format('SELECT step, command, error FROM campmon.history WHERE run_id = %s AND outcome = ''failed'';', run_id);
    END IF;
    RAISE NOTICE 'campmon run %: %', run_id, summary;
END
$proc$;

COMMENT ON PROCEDURE campmon.run_plan(boolean, text[], text[], bigint, integer, boolean, boolean, interval, interval, interval, regclass[], timestamptz, bigint, text) IS
'Run the maintenance plan (dry run unless dry_run => false) and wait for it; returns run id and summary';

REVOKE ALL ON PROCEDURE campmon.run_plan(boolean,text[],text[],bigint,integer,boolean,boolean,interval,interval,interval,regclass[],timestamptz,bigint,text) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE campmon.run_plan(boolean,text[],text[],bigint,integer,boolean,boolean,interval,interval,interval,regclass[],timestamptz,bigint,text) TO campmon_admin;

-- the history's own writer (run_history.c): marks the run interrupted when
-- its worker is gone (no worker holds the run lock); run_plan calls it.  Its
-- SQL runs with pg_catalog's operators, never the caller's search_path (an
-- evil.=(bigint,bigint) in front of it sprang in hostile's trap test when a
-- worker ended between run_plan's status read and its pid check)
CREATE OR REPLACE FUNCTION campmon._run_worker_gone(run_id bigint) RETURNS boolean
AS 'MODULE_PATHNAME', 'campmon_run_worker_gone'
LANGUAGE C STRICT VOLATILE
SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION campmon._run_worker_gone(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._run_worker_gone(bigint) TO campmon_admin;

CREATE OR REPLACE FUNCTION campmon.cancel_run(run_id bigint) RETURNS boolean
AS 'MODULE_PATHNAME', 'campmon_cancel_run'
LANGUAGE C STRICT VOLATILE;

COMMENT ON FUNCTION campmon.cancel_run(bigint) IS 'Stop a running plan, between or inside steps';

REVOKE ALL ON FUNCTION campmon.cancel_run(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.cancel_run(bigint) TO campmon_admin;

-- ==== src/sql/progress.sql

/*
 * progress.sql -- campmon.progress: the run under way and its step, with
 * PostgreSQL's own progress reporting for it (pg_stat_progress_vacuum,
 * _analyze, _create_index, _cluster) or, for a REPACK step, pg_repack's
 * phase as far as it can be seen (the query of its backend, the size of its
 * copy against the table's, the size of its log of writes to replay); the
 * share done, the time elapsed and the time left.
 *
 * The share done is a weighted sum over the command's phases (the weights
 * are campmon's, from where the time goes on the demo database: the heap
 * scans dominate); the time left extrapolates the elapsed time by it, or,
 * before 1% is done, is the plan's estimate less the elapsed time.  The
 * progress views show another role's backends only to members of that role
 * or of pg_read_all_stats: otherwise basis says so and the share is NULL.
 */

-- pg_repack's phase, from its backend's query (app) when it can be read,
-- else from the objects it has made so far: its copy repack.table_<oid>,
-- the copy's indexes, its log repack.log_<oid>.
CREATE OR REPLACE FUNCTION campmon._repack_progress(rel oid, app text,
    OUT phase text, OUT fraction numeric, OUT detail text, OUT basis text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    q text;
    copy_rel oid;
    log_rel oid;
    -- sizes from the files, without a lock (pg_repack takes ACCESS
    -- EXCLUSIVE at its start and its swap: the view must not wait)
    heap bigint;
    copied bigint;
    built integer;
    indexes integer := (SELECT count(*) FROM pg_index WHERE indrelid = rel AND indisvalid);
    copy_f numeric;
BEGIN
    IF rel IS NULL THEN
        basis := 'no table';
        RETURN;
    END IF;
    SELECT a.query INTO q FROM pg_stat_activity a
    WHERE a.application_name = app AND a.datname = current_database() AND a.state = 'active'
      AND a.query NOT IN ('<insufficient privilege>', '')
    LIMIT 1;
    copy_rel := to_regclass(format('repack.%I', 'table_' || rel));
    log_rel := to_regclass(format('repack.%I', 'log_' || rel));
    -- the table with its TOAST, without its indexes: what the copy fills
    heap := campmon._total_bytes(rel)
            - coalesce((SELECT sum(campmon._total_bytes(i.indexrelid)) FROM pg_index i WHERE i.indrelid = rel), 0);
    copied := CASE WHEN copy_rel IS NOT NULL THEN campmon._total_bytes(copy_rel)
                   - coalesce((SELECT sum(campmon._total_bytes(i.indexrelid)) FROM pg_index i WHERE i.indrelid = copy_rel), 0) END;
    built := (SELECT count(*) FROM pg_index WHERE indrelid = copy_rel);
    copy_f := least(coalesce(copied, 0)::numeric / greatest(heap, 8192), 1);
    detail := concat_ws(', ',
        CASE WHEN copied IS NOT NULL THEN format('copy %s of %s', pg_size_pretty(copied), pg_size_pretty(heap)) END,
        CASE WHEN copy_rel IS NOT NULL THEN format('%s of %s indexes built', built, indexes) END,
        CASE WHEN log_rel IS NOT NULL THEN format('log of writes to replay %s', pg_size_pretty(campmon._total_bytes(log_rel))) END);
    basis := CASE WHEN q IS NOT NULL THEN 'pg_repack''s query, the size of its copy and log'
                  ELSE 'the size of pg_repack''s copy and log (its query is not visible to this role)' END;
    phase := CASE
        WHEN q ~* '^\s*INSERT INTO repack\.table_' OR (q IS NULL AND copy_rel IS NOT NULL AND built = 0) THEN 'copying the table'
        WHEN q ~* 'CREATE (UNIQUE )?INDEX' OR (q IS NULL AND copy_rel IS NOT NULL AND built < indexes) THEN 'building the copy''s indexes'
        WHEN q ~* 'repack_apply' OR (q IS NULL AND copy_rel IS NOT NULL) THEN 'replaying the writes made meanwhile'
        WHEN q ~* 'virtualxid' THEN 'waiting for older transactions to end'
        WHEN q ~* 'repack_swap' THEN 'swapping the copy in'
        WHEN q ~* 'repack_drop' THEN 'dropping the old table'
        WHEN q ~* '^\s*ANALYZE' THEN 'analyzing'
        WHEN log_rel IS NULL AND copy_rel IS NULL AND q IS NULL THEN 'starting or finishing'
        ELSE 'setting up (lock, log table, trigger)' END;
    fraction := CASE phase
        WHEN 'setting up (lock, log table, trigger)' THEN 0.02
        WHEN 'copying the table' THEN 0.05 + 0.55 * copy_f
        WHEN 'building the copy''s indexes' THEN 0.60 + 0.30 * built / greatest(indexes, 1)
        WHEN 'replaying the writes made meanwhile' THEN 0.90
        WHEN 'waiting for older transactions to end' THEN 0.92
        WHEN 'swapping the copy in' THEN 0.95
        WHEN 'dropping the old table' THEN 0.97
        WHEN 'analyzing' THEN 0.98 END;
END $fn$;

REVOKE ALL ON FUNCTION campmon._repack_progress(oid,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._repack_progress(oid,text) TO campmon_reader, pg_monitor;

-- A step's progress from PostgreSQL's progress views (the worker's pid):
-- the phase, the share done, the figures it rests on, and which view.
CREATE OR REPLACE FUNCTION campmon._step_progress(pid integer, action text, rel oid,
    OUT phase text, OUT fraction numeric, OUT detail text, OUT basis text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    v record;
    main bigint;
    toast oid;
    share numeric := 1;
    f numeric;
    -- a progress row without its figures: another role's, not ours to see
    hidden text := format('not visible to %s: PostgreSQL shows another role''s progress to members of that role or of pg_read_all_stats', current_user);
BEGIN
    SELECT p.* INTO v FROM pg_stat_progress_vacuum p WHERE p.pid = _step_progress.pid;
    IF FOUND AND v.phase IS NULL THEN
        basis := hidden;
        RETURN;
    END IF;
    IF FOUND THEN
        -- the table, then its TOAST table: each its share of the pages
        -- (sizes from the files: no lock on the table)
        SELECT c.reltoastrelid INTO toast FROM pg_class c WHERE c.oid = rel;
        IF toast <> 0 THEN
            main := campmon._total_bytes(rel) - campmon._total_bytes(toast)
                    - coalesce((SELECT sum(campmon._total_bytes(i.indexrelid)) FROM pg_index i WHERE i.indrelid = rel), 0);
            share := main::numeric / greatest(main + campmon._total_bytes(toast), 1);
        END IF;
        f := CASE v.phase
            WHEN 'initializing' THEN 0
            WHEN 'scanning heap' THEN v.heap_blks_scanned::numeric / greatest(v.heap_blks_total, 1)
                                      / CASE WHEN v.num_dead_tuples > 0 OR v.index_vacuum_count > 0 THEN 2 ELSE 1 END
            WHEN 'vacuuming indexes' THEN 0.5 + 0.5 * v.heap_blks_vacuumed / greatest(v.heap_blks_total, 1)
            WHEN 'vacuuming heap' THEN 0.5 + 0.5 * v.heap_blks_vacuumed / greatest(v.heap_blks_total, 1)
            ELSE 0.97 END;
        phase := format('VACUUM: %s%s', v.phase, CASE WHEN v.relid = toast THEN ' (its TOAST table)' END);
        fraction := 0.9 * CASE WHEN v.relid = toast THEN share + (1 - share) * f ELSE share * f END;
        detail := format('heap %s of %s blocks scanned, %s vacuumed, %s index passes, %s dead rows collected',
                         v.heap_blks_scanned, v.heap_blks_total, v.heap_blks_vacuumed, v.index_vacuum_count, v.num_dead_tuples);
        basis := 'pg_stat_progress_vacuum';
        RETURN;
    END IF;
    SELECT p.* INTO v FROM pg_stat_progress_cluster p WHERE p.pid = _step_progress.pid;
    IF FOUND AND v.phase IS NULL THEN
        basis := hidden;
        RETURN;
    END IF;
    IF FOUND THEN
        phase := format('%s: %s', v.command, v.phase);
        fraction := CASE v.phase
            WHEN 'initializing' THEN 0
            WHEN 'seq scanning heap' THEN 0.6 * v.heap_blks_scanned / greatest(v.heap_blks_total, 1)
            WHEN 'index scanning heap' THEN 0.3
            WHEN 'sorting tuples' THEN 0.6
            WHEN 'writing new heap' THEN 0.6 + 0.1 * least(v.heap_tuples_written::numeric
                                                            / greatest((SELECT reltuples FROM pg_class WHERE oid = rel), 1), 1)
            WHEN 'swapping relation files' THEN 0.7
            WHEN 'rebuilding index' THEN 0.7 + 0.25 * v.index_rebuild_count
                                                / greatest((SELECT count(*) FROM pg_index WHERE indrelid = rel), 1)
            ELSE 0.97 END * CASE WHEN action = 'VACUUM (FULL)' THEN 0.9 ELSE 1 END;
        detail := format('heap %s of %s blocks scanned, %s rows written, %s indexes rebuilt',
                         v.heap_blks_scanned, v.heap_blks_total, v.heap_tuples_written, v.index_rebuild_count);
        basis := 'pg_stat_progress_cluster';
        RETURN;
    END IF;
    SELECT p.* INTO v FROM pg_stat_progress_create_index p WHERE p.pid = _step_progress.pid;
    IF FOUND AND v.phase IS NULL THEN
        basis := hidden;
        RETURN;
    END IF;
    IF FOUND THEN
        phase := format('%s: %s', v.command, v.phase);
        fraction := CASE
            WHEN v.phase = 'building index: scanning table' THEN 0.45 * v.blocks_done / greatest(v.blocks_total, 1)
            WHEN v.phase = 'building index: sorting live tuples' THEN 0.45
            WHEN v.phase ~ '^building index' THEN 0.5 + 0.1 * v.tuples_done / greatest(v.tuples_total, 1)
            WHEN v.phase = 'waiting for writers before validation' THEN 0.6
            WHEN v.phase = 'index validation: scanning index' THEN 0.6 + 0.05 * v.blocks_done / greatest(v.blocks_total, 1)
            WHEN v.phase = 'index validation: sorting tuples' THEN 0.67
            WHEN v.phase = 'index validation: scanning table' THEN 0.7 + 0.25 * v.blocks_done / greatest(v.blocks_total, 1)
            WHEN v.phase ~ '^waiting' AND v.phase <> 'waiting for writers before build' THEN 0.96
            ELSE 0 END;
        detail := format('%s of %s blocks, %s of %s tuples%s', v.blocks_done, v.blocks_total, v.tuples_done, v.tuples_total,
                         CASE WHEN v.lockers_total > 0 THEN format(', waiting for %s of %s sessions', v.lockers_total - v.lockers_done, v.lockers_total) END);
        basis := 'pg_stat_progress_create_index';
        RETURN;
    END IF;
    SELECT p.* INTO v FROM pg_stat_progress_analyze p WHERE p.pid = _step_progress.pid;
    IF FOUND AND v.phase IS NULL THEN
        basis := hidden;
        RETURN;
    END IF;
    IF FOUND THEN
        phase := format('ANALYZE: %s', v.phase);
        f := CASE v.phase
            WHEN 'acquiring sample rows' THEN 0.8 * v.sample_blks_scanned / greatest(v.sample_blks_total, 1)
            WHEN 'computing statistics' THEN 0.85
            WHEN 'computing extended statistics' THEN 0.9 + 0.05 * v.ext_stats_computed / greatest(v.ext_stats_total, 1)
            WHEN 'finalizing analyze' THEN 0.98
            ELSE 0 END;
        -- after the VACUUM or the rewrite of a VACUUM (…, ANALYZE) step
        fraction := CASE WHEN action = 'ANALYZE' THEN f ELSE 0.9 + 0.1 * f END;
        detail := format('%s of %s sample blocks', v.sample_blks_scanned, v.sample_blks_total);
        basis := 'pg_stat_progress_analyze';
        RETURN;
    END IF;
    basis := CASE WHEN EXISTS (SELECT FROM pg_stat_activity a WHERE a.pid = _step_progress.pid AND a.query = '<insufficient privilege>')
                  THEN hidden
                  ELSE 'no progress reported (the command has not started, or reports none)' END;
END $fn$;

REVOKE ALL ON FUNCTION campmon._step_progress(integer,text,oid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._step_progress(integer,text,oid) TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.progress AS
WITH r AS (
    SELECT r.run_id, r.run_by, r.worker_pid, r.started_at, r.status,
           (SELECT count(*) FROM campmon.run_step x WHERE x.run_id = r.run_id) AS steps,
           (SELECT count(*) FROM campmon.run_step x WHERE x.run_id = r.run_id AND x.outcome NOT IN ('pending', 'running')) AS steps_finished
    FROM campmon.run r WHERE r.status IN ('running', 'cancelling') AND NOT r.dry_run
),
s AS (
    -- the step running, else the one about to start (it may be waiting)
    SELECT DISTINCT ON (s.run_id) s.*
    FROM campmon.run_step s JOIN r USING (run_id)
    WHERE s.outcome IN ('running', 'pending')
    ORDER BY s.run_id, s.outcome = 'running' DESC, s.step
),
p AS (
    SELECT s.run_id, s.step, x.*
    FROM s JOIN r USING (run_id)
    CROSS JOIN LATERAL (
        SELECT * FROM campmon._repack_progress(s.target_relid, format('campmon repack %s.%s', s.run_id, s.step))
        WHERE s.action = 'REPACK' AND s.outcome = 'running'
        UNION ALL
        SELECT * FROM campmon._step_progress(r.worker_pid, s.action, s.target_relid)
        WHERE s.action <> 'REPACK' AND s.outcome = 'running') x
)
SELECT r.run_id, r.run_by, r.worker_pid, r.steps, r.steps_finished,
       s.step, s.action, s.target,
       CASE WHEN s.step IS NULL THEN 'finishing'
            WHEN s.outcome = 'pending' AND s.waited_for IS NOT NULL THEN 'waiting'
            WHEN s.outcome = 'pending' THEN 'starting'
            WHEN EXISTS (SELECT FROM pg_locks l WHERE l.pid = r.worker_pid AND NOT l.granted) THEN 'waiting for a lock'
            ELSE 'running' END AS state,
       CASE WHEN s.outcome = 'pending' AND s.waited_for IS NOT NULL THEN format('%s: %s', s.rule, s.waited_for)
            ELSE p.phase END AS phase,
       round(100 * p.fraction, 1) AS percent_done,
       CASE WHEN s.outcome = 'running' THEN date_trunc('second', clock_timestamp() - s.started_at) END AS elapsed,
       s.estimated_seconds,
       CASE WHEN s.outcome <> 'running' THEN NULL
            WHEN p.fraction >= 0.01
            THEN date_trunc('second', (clock_timestamp() - s.started_at) * ((1 - p.fraction) / p.fraction)::float8)
            ELSE greatest(make_interval(secs => s.estimated_seconds::float8) - date_trunc('second', clock_timestamp() - s.started_at),
                          interval '0') END AS time_left,
       CASE WHEN s.outcome <> 'running' THEN NULL
            WHEN p.fraction >= 0.01 THEN 'elapsed time and share done'
            ELSE 'the plan''s estimate less the elapsed time' END AS time_left_basis,
       p.detail, p.basis,
       r.started_at AS run_started_at, s.started_at AS step_started_at
FROM r LEFT JOIN s USING (run_id) LEFT JOIN p ON p.run_id = s.run_id AND p.step = s.step;

COMMENT ON VIEW campmon.progress IS
'The maintenance run under way: its step, the phase and share done from PostgreSQL''s progress reporting (or pg_repack''s copy), elapsed and estimated time left, or what the step waits for';

REVOKE ALL ON campmon.progress FROM PUBLIC;
GRANT SELECT ON campmon.progress TO campmon_reader, pg_monitor;

-- ==== src/sql/snapshots.sql

/*
 * snapshots.sql -- campmon's history of measurements: one row per
 * campmon.snapshot() call and, per snapshot, a bounded number of rows
 * (the relations worth keeping, totals for the rest and for the work tables
 * by verdict, every campmon.checks row, the key sequences' positions, the
 * tablespaces' free space).  The trend views (trends.sql) and the report
 * (report.sql) read them.  Dumped with the database; old snapshots are
 * pruned by campmon.snapshot() itself (campmon.snapshot_retention).
 *
 * Written by campmon.snapshot() only (it runs as the extension's owner and
 * sees every relation, so that every snapshot is comparable): no role is
 * granted INSERT, UPDATE or DELETE.  Read with row-level security: a
 * reader sees the rows of the relations it may measure (SELECT on the
 * table, or the privileges of pg_stat_scan_tables) -- the rule of the
 * listings -- and the totals only with pg_stat_scan_tables, since they sum
 * every table.
 */

-- Whether the current role may see a relation's figures: SELECT on the
-- table (an index: its table), or pg_stat_scan_tables' privileges; a
-- relation dropped since (or NULL) only with the latter.
CREATE FUNCTION campmon._may_see_figures(rel regclass) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT pg_has_role(current_user, 'pg_stat_scan_tables', 'USAGE')
       OR coalesce(has_table_privilege(current_user, rel, 'SELECT'), false) $$;

REVOKE ALL ON FUNCTION campmon._may_see_figures(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._may_see_figures(regclass) TO campmon_reader, pg_monitor;

-- Whether the current role may see a check row that snapshot() (as the
-- extension's owner) computed from what pg_stat_activity shows only to
-- pg_read_all_stats: another role's session times (xmin_horizon's status
-- rests on them) and the autovacuum workers.  The same rule as
-- PostgreSQL's.
CREATE FUNCTION campmon._may_see_session_figures(check_name text, target text) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT NOT (check_name = 'xmin_horizon' OR (check_name = 'autovacuum_debt' AND target = 'autovacuum workers'))
       OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') $$;

REVOKE ALL ON FUNCTION campmon._may_see_session_figures(text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._may_see_session_figures(text,text) TO campmon_reader, pg_monitor;

CREATE TABLE campmon.snapshot_taken (
    snapshot_id     bigserial PRIMARY KEY,
    taken_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    taken_by        text NOT NULL DEFAULT current_user,
    synthetic       boolean NOT NULL DEFAULT false,     -- made up (demo back-fill, benchmarks), never measured
    tables_mode     text,
    indexes_mode    text,
    relations       integer,        -- tables and indexes of the database when it was taken
    kept_relations  integer,        -- of which have a row in snapshot_relation
    total_bytes     bigint,         -- every table with its TOAST and indexes (campmon.tables)
    duration        interval,
    note            text
);

CREATE UNIQUE INDEX snapshot_taken_at ON campmon.snapshot_taken (taken_at);

COMMENT ON TABLE campmon.snapshot_taken IS
'Snapshots taken by campmon.snapshot(): when, by whom, whether synthetic (made up by the demo or a benchmark)';

SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_taken', '');
SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_taken_snapshot_id_seq', '');

REVOKE ALL ON SEQUENCE campmon.snapshot_taken_snapshot_id_seq FROM PUBLIC;

REVOKE ALL ON campmon.snapshot_taken FROM PUBLIC;
GRANT SELECT ON campmon.snapshot_taken TO campmon_reader, pg_monitor;

-- One row per relation worth keeping: the tables of a Campaign family (not
-- the work tables and lists), the catalogs, anything whose total size
-- reaches campmon.snapshot_min_size, and their indexes; at most
-- campmon.snapshot_max_relations of them (catalogs and families first, then
-- by size).  Figures as campmon.tables / campmon.indexes give them in
-- their modes of the time (method says which).
CREATE TABLE campmon.snapshot_relation (
    snapshot_id         bigint NOT NULL REFERENCES campmon.snapshot_taken ON DELETE CASCADE,
    relid               oid NOT NULL,
    kind                text NOT NULL CHECK (kind IN ('table', 'index')),
    schema_name         text NOT NULL,
    relation_name       text NOT NULL,
    table_name          text NOT NULL,      -- an index's table; a table's own name
    family              text,
    tablespace          text NOT NULL,
    bytes               bigint,             -- table: main fork; index: the index
    total_bytes         bigint,             -- table: with TOAST and indexes; index: the index
    bloat_bytes         bigint,
    bloat_pct           numeric,
    toast_bloat_bytes   bigint,
    method              text,
    dead_rows           bigint,             -- pg_stat n_dead_tup (tables)
    vacuum_count        bigint,             -- manual and autovacuum (tables)
    analyze_count       bigint,             -- manual and autoanalyze (tables)
    idx_scan            bigint,             -- indexes
    table_relid         oid,                -- the table (an index's table), whose privileges decide who sees the row
    PRIMARY KEY (snapshot_id, schema_name, relation_name)
);

CREATE INDEX snapshot_relation_name ON campmon.snapshot_relation (schema_name, relation_name, snapshot_id);

COMMENT ON TABLE campmon.snapshot_relation IS
'Per snapshot, the relations worth keeping (Campaign families, catalogs, above campmon.snapshot_min_size) with size, bloat, dead rows and vacuum/analyze counts';

SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_relation', '');

REVOKE ALL ON campmon.snapshot_relation FROM PUBLIC;
GRANT SELECT ON campmon.snapshot_relation TO campmon_reader, pg_monitor;
ALTER TABLE campmon.snapshot_relation ENABLE ROW LEVEL SECURITY;
CREATE POLICY readable ON campmon.snapshot_relation FOR SELECT USING (campmon._may_see_figures(table_relid));

-- Totals per snapshot: grouping 'family' (every table of a family, kept or
-- not, with TOAST and indexes, per tablespace), 'other' (the tables without
-- a relation row, with theirs), 'work_tables' (campmon.stale_tables by
-- verdict).  bloat_bytes: tables, TOAST and indexes.
CREATE TABLE campmon.snapshot_group (
    snapshot_id     bigint NOT NULL REFERENCES campmon.snapshot_taken ON DELETE CASCADE,
    grouping        text NOT NULL CHECK (grouping IN ('family', 'other', 'work_tables')),
    name            text NOT NULL,
    tablespace      text NOT NULL DEFAULT '',
    relations       integer NOT NULL,       -- tables
    total_bytes     bigint NOT NULL,
    bloat_bytes     bigint,
    dead_rows       bigint,
    PRIMARY KEY (snapshot_id, grouping, name, tablespace)
);

COMMENT ON TABLE campmon.snapshot_group IS
'Per snapshot, totals per family (and tablespace), for the tables without a row of their own, and for the work tables by verdict';

SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_group', '');

REVOKE ALL ON campmon.snapshot_group FROM PUBLIC;
GRANT SELECT ON campmon.snapshot_group TO campmon_reader, pg_monitor;
ALTER TABLE campmon.snapshot_group ENABLE ROW LEVEL SECURITY;
CREATE POLICY readable ON campmon.snapshot_group FOR SELECT USING (campmon._may_see_figures(NULL));

-- Every campmon.checks row of the snapshot, message left out.  taken_at
-- is the snapshot's, copied so that check_timeline finds a row's last
-- status change by index (check, target, status, time) in a few probes
-- whatever the number of snapshots.
CREATE TABLE campmon.snapshot_check (
    snapshot_id     bigint NOT NULL REFERENCES campmon.snapshot_taken ON DELETE CASCADE,
    taken_at        timestamptz NOT NULL,
    check_name      text NOT NULL,
    target          text NOT NULL DEFAULT '',
    status          text NOT NULL,
    value           numeric,
    threshold       numeric,
    target_relid    oid             -- the relation the target names, if any: whose privileges decide who sees the row
);

CREATE INDEX snapshot_check_snapshot ON campmon.snapshot_check (snapshot_id);
CREATE INDEX snapshot_check_timeline ON campmon.snapshot_check (check_name, target, status, taken_at);

COMMENT ON TABLE campmon.snapshot_check IS 'Per snapshot, each campmon.checks row''s status and value';

SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_check', '');

REVOKE ALL ON campmon.snapshot_check FROM PUBLIC;
GRANT SELECT ON campmon.snapshot_check TO campmon_reader, pg_monitor;
ALTER TABLE campmon.snapshot_check ENABLE ROW LEVEL SECURITY;
CREATE POLICY readable ON campmon.snapshot_check FOR SELECT
    USING ((target_relid IS NULL OR campmon._may_see_figures(target_relid))
           AND campmon._may_see_session_figures(check_name, target));

-- The key sequences' positions (campmon.key_sequences): used is the count
-- of identifiers handed out of the wrap_at there are before the wrap (2^31
-- for Campaign's 32-bit keys; a negative last_value, after a wrap, counts
-- the negative half as check key_sequence does)
CREATE TABLE campmon.snapshot_sequence (
    snapshot_id     bigint NOT NULL REFERENCES campmon.snapshot_taken ON DELETE CASCADE,
    sequence_name   text NOT NULL,
    last_value      bigint,
    used            numeric NOT NULL,
    sequence_relid  oid,            -- whose SELECT privilege decides who sees the row
    wrap_at         numeric NOT NULL DEFAULT 2147483648,
    PRIMARY KEY (snapshot_id, sequence_name)
);

COMMENT ON TABLE campmon.snapshot_sequence IS 'Per snapshot, the position of each key sequence (campmon.key_sequences)';

SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_sequence', '');

REVOKE ALL ON campmon.snapshot_sequence FROM PUBLIC;
GRANT SELECT ON campmon.snapshot_sequence TO campmon_reader, pg_monitor;
ALTER TABLE campmon.snapshot_sequence ENABLE ROW LEVEL SECURITY;
CREATE POLICY readable ON campmon.snapshot_sequence FOR SELECT USING (campmon._may_see_figures(sequence_relid));

-- The file systems under the tablespaces the database uses
-- (campmon.tablespace_space)
CREATE TABLE campmon.snapshot_tablespace (
    snapshot_id     bigint NOT NULL REFERENCES campmon.snapshot_taken ON DELETE CASCADE,
    tablespace      text NOT NULL,
    total_bytes     bigint,
    free_bytes      bigint,
    available_bytes bigint,
    PRIMARY KEY (snapshot_id, tablespace)
);

COMMENT ON TABLE campmon.snapshot_tablespace IS 'Per snapshot, total and available bytes of the file system under each tablespace';

SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_tablespace', '');

REVOKE ALL ON campmon.snapshot_tablespace FROM PUBLIC;
GRANT SELECT ON campmon.snapshot_tablespace TO campmon_reader, pg_monitor;

-- What stops VACUUM and how far wraparound is, per snapshot: the
-- transaction and multixact counters (their pace gives the days left to
-- the wraparound limits, campmon.wraparound, and the time a slot's or a
-- standby's xmin was taken, campmon.vacuum_blockers), the database's and
-- its oldest table's ages, and the age of the oldest input of the xmin
-- horizon (campmon.vacuum_blockers).  Figures every role may read in
-- PostgreSQL's own views (pg_database, pg_class, the xids of
-- pg_stat_activity, pg_prepared_xacts and pg_replication_slots): no
-- query, no user, no start time of another role's session, which
-- pg_stat_activity hides from readers without pg_read_all_stats.
CREATE TABLE campmon.snapshot_horizon (
    snapshot_id             bigint PRIMARY KEY REFERENCES campmon.snapshot_taken ON DELETE CASCADE,
    next_xid                bigint NOT NULL,    -- the next transaction id, with its epoch (pg_current_snapshot's xmax)
    next_mxid               bigint NOT NULL,    -- the next multixact id (32 bits: the pace is taken modulo 2^32)
    xid_age                 bigint,             -- age(datfrozenxid) of this database
    mxid_age                bigint,             -- mxid_age(datminmxid) of this database
    oldest_table_xid_age    bigint,             -- the oldest table's (TOAST included) age(relfrozenxid)
    oldest_table_mxid_age   bigint,             -- ... and mxid_age(relminmxid)
    horizon_xid_age         bigint,             -- the oldest input of the xmin horizon: its age in transactions
    horizon_kind            text,               -- what it is (campmon.vacuum_blockers.kind), NULL when none
    blockers                integer NOT NULL    -- rows of campmon.vacuum_blockers
);

COMMENT ON TABLE campmon.snapshot_horizon IS
'Per snapshot, the transaction and multixact counters, the database''s and its oldest table''s wraparound ages, and the age of the oldest input of the xmin horizon';

SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_horizon', '');

REVOKE ALL ON campmon.snapshot_horizon FROM PUBLIC;
GRANT SELECT ON campmon.snapshot_horizon TO campmon_reader, pg_monitor;

-- ==== src/sql/snapshot.sql

/*
 * snapshot.sql -- campmon.snapshot(): records, in campmon's own tables
 * (snapshots.sql), what the listings, campmon.stale_tables and
 * campmon.checks say now, in a bounded number of rows, and prunes the
 * snapshots older than campmon.snapshot_retention.  One pass of each
 * listing in its default mode: a few seconds at 50,000 relations
 * (doc/performance.md).  Takes no lock beyond the listings' AccessShareLock.
 *
 * It runs as the extension's owner (SECURITY DEFINER): whoever takes it
 * (an admin, a nightly job), a snapshot sees every relation, so that two
 * snapshots always compare like with like, and only this function writes
 * the snapshot tables (no role may forge one).  What it runs as the owner
 * is campmon's own measurement -- page reads and catalogs, and Campaign's
 * tables only where campmon._unsafe_to_read allows (no one's code) -- and
 * readers see its rows through row-level security (snapshots.sql).
 * taken_by is the role that called snapshot().
 */

-- The relation a check row's target names (schema.table), or NULL.
CREATE OR REPLACE FUNCTION campmon._target_relation(target text) RETURNS oid
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    parts text[];
BEGIN
    -- schema.relation, either part quoted (a quote inside doubled, a dot
    -- inside allowed: a hostile name is a name)
    IF target IS NULL OR target !~ '^("([^"]|"")+"|[^".]+)\.("([^"]|"")+"|[^".]+)$' THEN
        RETURN NULL;
    END IF;
    parts := parse_ident(target);
    RETURN (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = parts[1] AND c.relname = parts[2]);
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END $$;

REVOKE ALL ON FUNCTION campmon._target_relation(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._target_relation(text) TO campmon_reader, pg_monitor;

-- The snapshot itself, as the extension's owner; taken_by is the role that
-- asked (snapshot() passes its current_user), one the session's login role
-- may become: nobody records a snapshot in another's name.
CREATE OR REPLACE FUNCTION campmon._snapshot_take(taken_by name) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '4MB'
AS $fn$
DECLARE
    t0 timestamptz := clock_timestamp();
    id bigint;
    retention interval := campmon._seconds('campmon.snapshot_retention');
    min_size bigint := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.snapshot_min_size');
    max_rel integer := current_setting('campmon.snapshot_max_relations')::integer;
    db_spc oid := (SELECT dattablespace FROM pg_database WHERE datname = current_database());
    chk campmon.snapshot_check[];
    kept integer;
    spc record;
    sp record;
BEGIN
    IF taken_by IS NULL OR NOT pg_has_role(session_user, taken_by, 'MEMBER') THEN
        RAISE EXCEPTION 'a snapshot is taken by the role that asks for it, not by %', coalesce(taken_by::text, 'NULL')
            USING ERRCODE = 'insufficient_privilege', HINT = 'Call SELECT campmon.snapshot();';
    END IF;
    -- the checks first: their trend rows read the snapshots taken so far,
    -- not this one half-written
    SELECT array_agg(ROW(0, now(), c.check_name, coalesce(c.target, ''), c.status, c.value, c.threshold, NULL)::campmon.snapshot_check)
    INTO chk FROM campmon.checks c;

    INSERT INTO campmon.snapshot_taken (taken_by, tables_mode, indexes_mode)
    VALUES (taken_by, coalesce(current_setting('campmon.tables_mode', true), 'adaptive'),
            coalesce(current_setting('campmon.indexes_mode', true), 'adaptive'))
    RETURNING snapshot_id INTO id;

    WITH t AS MATERIALIZED (
        SELECT t.relid, t.schema_name, t.table_name, t.family, t.table_bytes, t.toast_bytes, t.total_bytes,
               t.bloat_bytes, t.bloat_pct, t.toast_bloat_bytes, t.method, t.n_dead_tup,
               t.vacuum_count + t.autovacuum_count AS vacuum_count, t.analyze_count + t.autoanalyze_count AS analyze_count,
               coalesce(ts.spcname::text, '') AS tablespace
        FROM campmon.tables t
        JOIN pg_class c ON c.oid = t.relid
        LEFT JOIN pg_tablespace ts ON ts.oid = CASE WHEN c.reltablespace = 0 THEN db_spc ELSE c.reltablespace END
    ),
    i AS MATERIALIZED (
        SELECT i.indexrelid, i.schema_name, i.index_name, i.table_relid, i.table_name, i.family, i.index_bytes,
               i.bloat_bytes, i.bloat_pct, i.method, i.idx_scan,
               coalesce(ts.spcname::text, '') AS tablespace
        FROM campmon.indexes i
        JOIN pg_class c ON c.oid = i.indexrelid
        LEFT JOIN pg_tablespace ts ON ts.oid = CASE WHEN c.reltablespace = 0 THEN db_spc ELSE c.reltablespace END
    ),
    per_table AS (
        SELECT i.table_relid, count(*) AS n, sum(i.bloat_bytes) AS bloat FROM i GROUP BY i.table_relid
    ),
    -- the tables worth a row: catalogs, then Campaign's families (not its
    -- work tables and lists, nor families 'other' and 'campmon'), then by size; while they and their indexes
    -- fit in campmon.snapshot_max_relations
    ranked AS (
        SELECT t.relid,
               sum(1 + coalesce(p.n, 0)) OVER (ORDER BY CASE WHEN t.family = 'catalog' THEN 0
                                                            WHEN t.family NOT IN ('work_table', 'list', 'other', 'campmon') THEN 1 ELSE 2 END,
                                                       t.total_bytes DESC NULLS LAST, t.relid) AS running
        FROM t LEFT JOIN per_table p ON p.table_relid = t.relid
        WHERE t.family IS NOT NULL AND t.family NOT IN ('work_table', 'list', 'other', 'campmon')
           OR t.total_bytes >= min_size
    ),
    keep AS (SELECT relid FROM ranked WHERE running <= max_rel),
    ins_tables AS (
        INSERT INTO campmon.snapshot_relation
            (snapshot_id, relid, kind, schema_name, relation_name, table_name, family, tablespace, bytes, total_bytes,
             bloat_bytes, bloat_pct, toast_bloat_bytes, method, dead_rows, vacuum_count, analyze_count, idx_scan, table_relid)
        SELECT id, t.relid, 'table', t.schema_name, t.table_name, t.table_name, t.family, t.tablespace,
               t.table_bytes, t.total_bytes, t.bloat_bytes, t.bloat_pct, t.toast_bloat_bytes, t.method, t.n_dead_tup,
               t.vacuum_count, t.analyze_count, NULL, t.relid
        FROM t WHERE t.relid IN (SELECT relid FROM keep)
        RETURNING 1
    ),
    ins_indexes AS (
        INSERT INTO campmon.snapshot_relation
            (snapshot_id, relid, kind, schema_name, relation_name, table_name, family, tablespace, bytes, total_bytes,
             bloat_bytes, bloat_pct, toast_bloat_bytes, method, dead_rows, vacuum_count, analyze_count, idx_scan, table_relid)
        SELECT id, i.indexrelid, 'index', i.schema_name, i.index_name, i.table_name, i.family, i.tablespace,
               i.index_bytes, i.index_bytes, i.bloat_bytes, i.bloat_pct, NULL, i.method, NULL, NULL, NULL, i.idx_scan, i.table_relid
        FROM i WHERE i.table_relid IN (SELECT relid FROM keep)
        RETURNING 1
    ),
    ins_groups AS (
        INSERT INTO campmon.snapshot_group (snapshot_id, grouping, name, tablespace, relations, total_bytes, bloat_bytes, dead_rows)
        SELECT id, 'family', t.family, t.tablespace, count(*), coalesce(sum(t.total_bytes), 0),
               sum(coalesce(t.bloat_bytes, 0) + coalesce(t.toast_bloat_bytes, 0) + coalesce(p.bloat, 0)), sum(t.n_dead_tup)
        FROM t LEFT JOIN per_table p ON p.table_relid = t.relid
        WHERE t.family IS NOT NULL
        GROUP BY t.family, t.tablespace
        UNION ALL
        SELECT id, 'other', 'tables without a row', '', count(t.relid), coalesce(sum(t.total_bytes), 0),
               sum(coalesce(t.bloat_bytes, 0) + coalesce(t.toast_bloat_bytes, 0) + coalesce(p.bloat, 0)), sum(t.n_dead_tup)
        FROM t LEFT JOIN per_table p ON p.table_relid = t.relid
        WHERE t.relid NOT IN (SELECT relid FROM keep)
        RETURNING 1
    ),
    upd AS (
        UPDATE campmon.snapshot_taken s
        SET relations = (SELECT count(*) FROM t) + (SELECT count(*) FROM i),
            kept_relations = (SELECT count(*) FROM ins_tables) + (SELECT count(*) FROM ins_indexes),
            total_bytes = (SELECT coalesce(sum(t.total_bytes), 0) FROM t)
        WHERE s.snapshot_id = id
        RETURNING s.kept_relations
    )
    SELECT u.kept_relations + 0 * (SELECT count(*) FROM ins_groups) INTO kept FROM upd u;

    -- work tables by verdict (all three, empty ones too: the charts need the zeros)
    INSERT INTO campmon.snapshot_group (snapshot_id, grouping, name, tablespace, relations, total_bytes)
    SELECT id, 'work_tables', v.verdict, '', count(st.relid), coalesce(sum(st.total_bytes), 0)
    FROM (VALUES ('stale'), ('suspect'), ('held')) v(verdict)
    LEFT JOIN campmon._stale_tables() st ON st.verdict = v.verdict
    GROUP BY v.verdict;

    INSERT INTO campmon.snapshot_check (snapshot_id, taken_at, check_name, target, status, value, threshold, target_relid)
    SELECT id, (SELECT s.taken_at FROM campmon.snapshot_taken s WHERE s.snapshot_id = id),
           c.check_name, c.target, c.status, c.value, c.threshold, campmon._target_relation(nullif(c.target, ''))
    FROM unnest(chk) c;

    -- the counters, the wraparound ages and the horizon's oldest input
    -- (only what every role may read: campmon.vacuum_blockers' kind and
    -- age in transactions, not its session's times or query)
    INSERT INTO campmon.snapshot_horizon (snapshot_id, next_xid, next_mxid, xid_age, mxid_age, oldest_table_xid_age,
                                          oldest_table_mxid_age, horizon_xid_age, horizon_kind, blockers)
    SELECT id, pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
           (d.datminmxid::text::bigint + mxid_age(d.datminmxid)) % 4294967296,
           age(d.datfrozenxid), mxid_age(d.datminmxid),
           (SELECT max(age(c.relfrozenxid)) FROM pg_class c WHERE c.relkind IN ('r', 'm', 't')),
           (SELECT max(mxid_age(c.relminmxid)) FROM pg_class c WHERE c.relkind IN ('r', 'm', 't')),
           b.xid_age, b.kind, coalesce(b.n, 0)
    FROM pg_database d
    LEFT JOIN LATERAL (SELECT x.xid_age, x.kind, count(*) OVER () AS n FROM campmon.vacuum_blockers x
                       ORDER BY x.xid_age DESC, x.sets_horizon DESC LIMIT 1) b ON true
    WHERE d.datname = current_database();

    -- the key sequences' positions (campmon.key_sequences, as the owner:
    -- every one; readers see those they may read, snapshots.sql)
    INSERT INTO campmon.snapshot_sequence (snapshot_id, sequence_name, last_value, used, sequence_relid, wrap_at)
    SELECT id, format('%I.%I', k.schema_name, k.sequence_name), k.last_value, k.used, k.sequence_relid, k.wrap_at
    FROM campmon.key_sequences k
    WHERE k.readable;

    -- the file systems under the database's tablespaces
    FOR spc IN SELECT DISTINCT ts.oid, ts.spcname::text AS name
               FROM (SELECT DISTINCT reltablespace FROM pg_class) c
               JOIN pg_tablespace ts ON ts.oid = CASE WHEN c.reltablespace = 0 THEN db_spc ELSE c.reltablespace END
               WHERE ts.spcname <> 'pg_global' LOOP
        BEGIN
            SELECT * INTO sp FROM campmon.tablespace_space(spc.oid);
            INSERT INTO campmon.snapshot_tablespace VALUES (id, spc.name, sp.total_bytes, sp.free_bytes, sp.available_bytes);
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'campmon.snapshot_taken: tablespace % not recorded: %', spc.name, SQLERRM;
        END;
    END LOOP;

    UPDATE campmon.snapshot_taken SET duration = clock_timestamp() - t0 WHERE snapshot_id = id;

    -- retention (0: keep every snapshot)
    IF retention > interval '0' THEN
        DELETE FROM campmon.snapshot_taken WHERE taken_at < now() - retention;
    END IF;
    RETURN id;
END $fn$;

REVOKE ALL ON FUNCTION campmon._snapshot_take(name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._snapshot_take(name) TO campmon_admin;

CREATE OR REPLACE FUNCTION campmon.snapshot() RETURNS bigint
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT campmon._snapshot_take(current_user) $$;

COMMENT ON FUNCTION campmon.snapshot() IS
'Records the listings, work tables by verdict, campmon.checks, the transaction counters, wraparound ages and the horizon, the key sequences'' positions and the tablespaces'' free space in campmon''s snapshot tables; prunes snapshots older than campmon.snapshot_retention; returns the new snapshot_id';

REVOKE ALL ON FUNCTION campmon.snapshot() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.snapshot() TO campmon_admin;

-- ==== src/sql/index_hygiene.sql

/*
 * index_hygiene.sql -- campmon.index_hygiene: indexes that cost every
 * write of their table and serve no query another index does not serve
 * (an exact duplicate, or the leading part of another B-tree with the same
 * predicate), or that no query has used over a long statistics window --
 * with the evidence (keys, predicate, scans, since when the statistics
 * count, size, the writes they cost).  Never a primary key, a unique or
 * exclusion index, an index behind a constraint or the replica identity:
 * those are not the DBA's to drop on this evidence.  Campaign's own indexes
 * (named <table>_<name>, as Campaign names the indexes of its schemas) are
 * told apart from the DBA's: Adobe says never to remove the native indexes
 * of out-of-the-box tables ("Data model best practices"); an index created
 * outside the Campaign schema is the DBA's to look after.  campmon never
 * drops an index: plan() shows these as keep advice.
 */

CREATE OR REPLACE FUNCTION campmon._index_hygiene_rows(min_age interval)
RETURNS TABLE (schema_name text, table_name text, index_name text, indexrelid oid, table_relid oid,
               origin text, finding text, duplicate_of text, keys text, predicate text,
               index_bytes bigint, idx_scan bigint, stats_since timestamptz, table_writes bigint, advice text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH ix AS MATERIALIZED (
    SELECT i.indexrelid, i.indrelid, n.nspname::text AS nsp, t.relname::text AS tname, c.relname::text AS iname,
           am.amname, i.indnatts, i.indnkeyatts, i.indkey, i.indclass, i.indcollation, i.indoption,
           pg_get_expr(i.indexprs, i.indrelid) AS exprs, pg_get_expr(i.indpred, i.indrelid) AS pred,
           (i.indisprimary OR i.indisunique OR i.indisexclusion OR i.indisreplident
            OR EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)) AS protected,
           -- Campaign names an index <table>_<name of its dbindex>; PostgreSQL
           -- names one it is not given <table>_<columns>_idx
           (left(c.relname, length(t.relname) + 1) = t.relname || '_' AND c.relname !~ '_idx[0-9]*$') AS campaign_named
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am am ON am.oid = c.relam
    WHERE t.relkind IN ('r', 'm') AND i.indisvalid AND i.indislive
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'campmon') AND n.nspname !~ '^pg_(toast|temp_)'
      AND campmon.family_of(n.nspname, t.relname) NOT IN ('work_table', 'list')
      AND campmon._may_see_figures(t.oid)
),
-- a: the index that may go; b: the one that serves its queries.  Exact:
-- the same access method, keys, operator classes, collations, orders,
-- expressions and predicate.  Prefix: a B-tree without INCLUDE columns or
-- expressions whose keys lead another B-tree's, with the same predicate.
pair AS (
    SELECT DISTINCT ON (a.indexrelid) a.indexrelid, b.iname AS other,
           CASE WHEN a.indnkeyatts = b.indnkeyatts THEN 'duplicate' ELSE 'prefix' END AS finding
    FROM ix a
    JOIN ix b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid AND b.amname = a.amname
    WHERE NOT a.protected
      AND a.pred IS NOT DISTINCT FROM b.pred
      AND ((a.indnkeyatts = b.indnkeyatts AND a.indnatts = b.indnatts
            AND a.indkey::text = b.indkey::text AND a.indclass::text = b.indclass::text
            AND a.indcollation::text = b.indcollation::text AND a.indoption::text = b.indoption::text
            AND a.exprs IS NOT DISTINCT FROM b.exprs
            -- of two equal unprotected ones, the DBA's goes (else the newer)
            AND (b.protected OR a.campaign_named < b.campaign_named
                 OR (a.campaign_named = b.campaign_named AND a.indexrelid > b.indexrelid)))
           OR (a.amname = 'btree' AND a.indnkeyatts < b.indnkeyatts AND a.indnatts = a.indnkeyatts AND a.exprs IS NULL
               AND NOT (0 = ANY ((b.indkey::int2[])[0:a.indnkeyatts - 1]))
               AND (a.indkey::int2[])[0:a.indnkeyatts - 1] = (b.indkey::int2[])[0:a.indnkeyatts - 1]
               AND (a.indclass::oid[])[0:a.indnkeyatts - 1] = (b.indclass::oid[])[0:a.indnkeyatts - 1]
               AND (a.indcollation::oid[])[0:a.indnkeyatts - 1] = (b.indcollation::oid[])[0:a.indnkeyatts - 1]
               AND (a.indoption::int2[])[0:a.indnkeyatts - 1] = (b.indoption::int2[])[0:a.indnkeyatts - 1]))
    ORDER BY a.indexrelid, b.protected DESC, b.indexrelid
),
since AS (
    -- the statistics count since their last reset, at least since the
    -- server started (a crash discards them)
    SELECT coalesce(d.stats_reset, pg_postmaster_start_time()) AS t
    FROM pg_stat_database d WHERE d.datname = current_database()
)
SELECT x.nsp, x.tname, x.iname, x.indexrelid, x.indrelid,
       CASE WHEN x.campaign_named THEN 'campaign' ELSE 'dba' END,
       coalesce(p.finding, 'unused'), p.other,
       (SELECT string_agg(pg_get_indexdef(x.indexrelid, k, true), ', ' ORDER BY k) FROM generate_series(1, x.indnkeyatts) k),
       x.pred,
       pg_relation_size(x.indexrelid),
       s.idx_scan, w.t,
       st.n_tup_ins + st.n_tup_upd - st.n_tup_hot_upd,
       CASE WHEN p.finding IS NOT NULL
            THEN format('%s serves the same queries (%s)', p.other,
                        CASE p.finding WHEN 'duplicate' THEN 'the same keys and predicate' ELSE 'these keys lead its own, with the same predicate' END)
            ELSE format('no scan since %s', to_char(w.t, 'YYYY-MM-DD HH24:MI')) END
       || CASE WHEN x.campaign_named
               THEN ': named as Campaign names its indexes -- change it in the Campaign schema, never drop a native index of an out-of-the-box table (Adobe)'
               ELSE ': not named as Campaign names its indexes (the DBA''s own?) -- check with its owner, then DROP INDEX CONCURRENTLY; campmon never drops it' END
FROM ix x
CROSS JOIN since w
LEFT JOIN pair p ON p.indexrelid = x.indexrelid
LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = x.indexrelid
LEFT JOIN pg_stat_all_tables st ON st.relid = x.indrelid
WHERE NOT x.protected
  AND (p.finding IS NOT NULL OR (s.idx_scan = 0 AND w.t <= now() - min_age))
ORDER BY 1, 2, 3 $$;

REVOKE ALL ON FUNCTION campmon._index_hygiene_rows(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._index_hygiene_rows(interval) TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.index_hygiene AS
SELECT * FROM campmon._index_hygiene_rows(campmon._seconds('campmon.index_unused_min_age'));

COMMENT ON VIEW campmon.index_hygiene IS
'Indexes that serve no query another index does not (duplicate, prefix) or that nothing scanned since the statistics count (unused, after campmon.index_unused_min_age): keys, predicate, scans, since when, size, the writes they cost; never a primary key, unique, exclusion, constraint or replica-identity index; origin campaign or dba by name';

REVOKE ALL ON campmon.index_hygiene FROM PUBLIC;
GRANT SELECT ON campmon.index_hygiene TO campmon_reader, pg_monitor;

-- ==== src/sql/trends.sql

/*
 * trends.sql -- the trend views over campmon's snapshots (snapshots.sql),
 * for psql and BI tools: growth per day by least-squares slope over the
 * snapshots of the last campmon.trend_window (anchored at the latest
 * snapshot, not at now(): a database whose snapshots stopped still shows
 * its last trend), forecasts (days to the critical bloat threshold, to a
 * full tablespace, to a key sequence's wrap), each check's timeline and what
 * each run gave back.  Fewer than campmon.trend_min_points snapshots, or
 * snapshots spanning less than campmon.trend_min_span (five snapshots two
 * minutes apart make no daily rate): the figures are NULL and note says
 * why; no snapshot at all: no row.  A series compares like with like: the
 * snapshots measured in the latest one's modes (snapshot() itself always
 * sees every relation).  Columns are documented in doc/trends.md and stable.
 */

-- A campmon setting as a number (pg_settings' value, in the GUC's base
-- unit); loads the library so that the setting exists.
CREATE OR REPLACE FUNCTION campmon._setting_num(name text) RETURNS numeric
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM campmon.version();
    RETURN (SELECT s.setting::numeric FROM pg_settings s WHERE s.name = $1);
END $$;

REVOKE ALL ON FUNCTION campmon._setting_num(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._setting_num(text) TO campmon_reader, pg_monitor;

-- The snapshots of the trend window: day is the time from the latest
-- snapshot in days (0 for the latest, negative before), the slopes' x.
CREATE OR REPLACE FUNCTION campmon._trend_snapshots()
RETURNS TABLE (snapshot_id bigint, taken_at timestamptz, day double precision, latest boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.snapshot_id, s.taken_at, extract(epoch FROM s.taken_at - l.at)::double precision / 86400, s.taken_at = l.at
    FROM (SELECT x.taken_at AS at, x.tables_mode, x.indexes_mode, campmon._seconds('campmon.trend_window') AS win
          FROM campmon.snapshot_taken x ORDER BY x.taken_at DESC LIMIT 1) l
    JOIN campmon.snapshot_taken s ON s.taken_at > l.at - l.win AND s.taken_at <= l.at
     -- like with like: measured in the same modes
     AND s.tables_mode IS NOT DISTINCT FROM l.tables_mode AND s.indexes_mode IS NOT DISTINCT FROM l.indexes_mode
$$;

REVOKE ALL ON FUNCTION campmon._trend_snapshots() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._trend_snapshots() TO campmon_reader, pg_monitor;

-- Why a trend is missing, or NULL when there is one (the settings read
-- once per query by the views' cfg, not once per row).
CREATE OR REPLACE FUNCTION campmon._no_trend(points bigint, min_points numeric, window_text text,
                                             span interval, min_span interval) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN points < min_points
                THEN format('no trend: %s snapshot%s in the last %s, %s needed (campmon.trend_min_points)',
                            points, CASE WHEN points = 1 THEN '' ELSE 's' END, window_text, min_points)
                WHEN span < min_span
                THEN format('no trend: the snapshots span %s, %s needed (campmon.trend_min_span)',
                            campmon._human(span), campmon._human(min_span)) END
$$;

REVOKE ALL ON FUNCTION campmon._no_trend(bigint,numeric,text,interval,interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._no_trend(bigint,numeric,text,interval,interval) TO campmon_reader, pg_monitor;

-- The views read the snapshot tables as their caller (security_invoker):
-- row-level security shows each reader the relations it may measure.

-- Per relation of the latest snapshot
CREATE OR REPLACE VIEW campmon.relation_trends WITH (security_invoker = true) AS
WITH w AS MATERIALIZED (SELECT * FROM campmon._trend_snapshots()),
cfg AS MATERIALIZED (SELECT campmon._setting_num('campmon.trend_min_points') AS min_points,
                            campmon._seconds('campmon.trend_min_span') AS min_span,
                            campmon._setting_num('campmon.bloat_critical_pct') AS crit,
                            campmon._human(campmon._seconds('campmon.trend_window')) AS window_text),
cur AS MATERIALIZED (
    SELECT r.* FROM campmon.snapshot_relation r WHERE r.snapshot_id = (SELECT w.snapshot_id FROM w WHERE w.latest)
),
fit AS (
    SELECT r.schema_name, r.relation_name, regr_count(r.bytes::float8, w.day) AS points, min(w.taken_at) AS first_at,
           max(w.taken_at) - min(w.taken_at) AS span,
           regr_slope(r.bytes::float8, w.day) AS bytes_s, regr_slope(r.total_bytes::float8, w.day) AS total_s,
           regr_slope(r.bloat_bytes::float8, w.day) AS bloat_s, regr_slope(r.bloat_pct::float8, w.day) AS pct_s
    FROM campmon.snapshot_relation r JOIN w ON w.snapshot_id = r.snapshot_id
    -- the window's rows by the primary key's index (a join alone hashed
    -- every row of every snapshot: 3 s at 90 days of 2,000 rows)
    WHERE r.snapshot_id = ANY ((SELECT array_agg(w.snapshot_id) FROM w)::bigint[])
    GROUP BY r.schema_name, r.relation_name
)
SELECT c.schema_name, c.relation_name, c.kind, c.table_name, c.family, c.tablespace,
       f.points, f.first_at, (SELECT w.taken_at FROM w WHERE w.latest) AS last_at,
       c.bytes, c.total_bytes, c.bloat_bytes, c.bloat_pct, c.method,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.bytes_s::numeric) END AS bytes_per_day,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.total_s::numeric) END AS total_bytes_per_day,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.bloat_s::numeric) END AS bloat_bytes_per_day,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.pct_s::numeric, 3) END AS bloat_pct_per_day,
       CASE WHEN NOT (f.points >= g.min_points AND f.span >= g.min_span) OR c.bloat_pct IS NULL THEN NULL
            WHEN c.bloat_pct >= g.crit THEN 0::numeric
            WHEN f.pct_s > 0 THEN round(((g.crit - c.bloat_pct) / f.pct_s::numeric), 1) END AS days_to_critical,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) AND f.total_s > 0
            THEN round(ts.available_bytes / f.total_s::numeric, 1) END AS days_to_full,
       campmon._no_trend(f.points, g.min_points, g.window_text, f.span, g.min_span) AS note
FROM cur c
JOIN fit f ON f.schema_name = c.schema_name AND f.relation_name = c.relation_name
CROSS JOIN cfg g
LEFT JOIN campmon.snapshot_tablespace ts ON ts.snapshot_id = c.snapshot_id AND ts.tablespace = c.tablespace;

COMMENT ON VIEW campmon.relation_trends IS
'Per relation of the latest snapshot: size and bloat now, their growth per day (least-squares slope over campmon.trend_window), days to the critical bloat threshold and to a full tablespace (doc/trends.md)';

REVOKE ALL ON campmon.relation_trends FROM PUBLIC;
GRANT SELECT ON campmon.relation_trends TO campmon_reader, pg_monitor;

-- Per family (and tablespace) of the latest snapshot: every table of the
-- family with its TOAST and indexes
CREATE OR REPLACE VIEW campmon.family_trends WITH (security_invoker = true) AS
WITH w AS MATERIALIZED (SELECT * FROM campmon._trend_snapshots()),
cfg AS MATERIALIZED (SELECT campmon._setting_num('campmon.trend_min_points') AS min_points,
                            campmon._seconds('campmon.trend_min_span') AS min_span,
                            campmon._setting_num('campmon.bloat_critical_pct') AS crit,
                            campmon._human(campmon._seconds('campmon.trend_window')) AS window_text),
grp AS MATERIALIZED (
    SELECT g.*, w.day, w.latest, w.taken_at,
           round(100.0 * g.bloat_bytes / nullif(g.total_bytes, 0), 2) AS bloat_pct
    FROM campmon.snapshot_group g JOIN w ON w.snapshot_id = g.snapshot_id
    WHERE g.grouping = 'family' AND g.snapshot_id = ANY ((SELECT array_agg(w.snapshot_id) FROM w)::bigint[])
),
fit AS (
    SELECT g.name, g.tablespace, regr_count(g.total_bytes::float8, g.day) AS points, min(g.taken_at) AS first_at,
           max(g.taken_at) - min(g.taken_at) AS span,
           regr_slope(g.total_bytes::float8, g.day) AS total_s,
           regr_slope(g.bloat_bytes::float8, g.day) AS bloat_s, regr_slope(g.bloat_pct::float8, g.day) AS pct_s
    FROM grp g GROUP BY g.name, g.tablespace
)
SELECT c.name AS family, c.tablespace, f.points, f.first_at, c.taken_at AS last_at,
       c.relations AS tables, c.total_bytes, c.bloat_bytes, c.bloat_pct, c.dead_rows,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.total_s::numeric) END AS total_bytes_per_day,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.bloat_s::numeric) END AS bloat_bytes_per_day,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.pct_s::numeric, 3) END AS bloat_pct_per_day,
       CASE WHEN NOT (f.points >= g.min_points AND f.span >= g.min_span) OR c.bloat_pct IS NULL THEN NULL
            WHEN c.bloat_pct >= g.crit THEN 0::numeric
            WHEN f.pct_s > 0 THEN round(((g.crit - c.bloat_pct) / f.pct_s::numeric), 1) END AS days_to_critical,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) AND f.total_s > 0
            THEN round(ts.available_bytes / f.total_s::numeric, 1) END AS days_to_full,
       campmon._no_trend(f.points, g.min_points, g.window_text, f.span, g.min_span) AS note
FROM grp c
JOIN fit f ON f.name = c.name AND f.tablespace = c.tablespace
CROSS JOIN cfg g
LEFT JOIN campmon.snapshot_tablespace ts ON ts.snapshot_id = c.snapshot_id AND ts.tablespace = c.tablespace
WHERE c.latest;

COMMENT ON VIEW campmon.family_trends IS
'Per Campaign family and tablespace of the latest snapshot: size and bloat (tables, TOAST, indexes), growth per day, days to the critical bloat threshold and to a full tablespace (doc/trends.md)';

REVOKE ALL ON campmon.family_trends FROM PUBLIC;
GRANT SELECT ON campmon.family_trends TO campmon_reader, pg_monitor;

-- Per tablespace of the latest snapshot: free space and when it runs out
CREATE OR REPLACE VIEW campmon.tablespace_trends WITH (security_invoker = true) AS
WITH w AS MATERIALIZED (SELECT * FROM campmon._trend_snapshots()),
cfg AS MATERIALIZED (SELECT campmon._setting_num('campmon.trend_min_points') AS min_points,
                            campmon._seconds('campmon.trend_min_span') AS min_span,
                            campmon._human(campmon._seconds('campmon.trend_window')) AS window_text),
fit AS (
    SELECT t.tablespace, regr_count(t.available_bytes::float8, w.day) AS points, min(w.taken_at) AS first_at,
           max(w.taken_at) - min(w.taken_at) AS span,
           regr_slope(t.available_bytes::float8, w.day) AS avail_s
    FROM campmon.snapshot_tablespace t JOIN w ON w.snapshot_id = t.snapshot_id
    WHERE t.snapshot_id = ANY ((SELECT array_agg(w.snapshot_id) FROM w)::bigint[])
    GROUP BY t.tablespace
)
SELECT c.tablespace, f.points, f.first_at, w.taken_at AS last_at,
       c.total_bytes, c.available_bytes,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.avail_s::numeric) END AS available_bytes_per_day,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) AND f.avail_s < 0
            THEN round(c.available_bytes / -f.avail_s::numeric, 1) END AS days_to_full,
       campmon._no_trend(f.points, g.min_points, g.window_text, f.span, g.min_span) AS note
FROM campmon.snapshot_tablespace c
JOIN w ON w.snapshot_id = c.snapshot_id AND w.latest
JOIN fit f ON f.tablespace = c.tablespace
CROSS JOIN cfg g;

COMMENT ON VIEW campmon.tablespace_trends IS
'Per tablespace of the latest snapshot: total and available bytes, available bytes per day (negative: filling), days until full (doc/trends.md)';

REVOKE ALL ON campmon.tablespace_trends FROM PUBLIC;
GRANT SELECT ON campmon.tablespace_trends TO campmon_reader, pg_monitor;

-- Per key sequence of the latest snapshot: identifiers a day and days to
-- the wrap (wrap_at: 2^31 for Campaign's 32-bit keys)
CREATE OR REPLACE VIEW campmon.sequence_trends WITH (security_invoker = true) AS
WITH w AS MATERIALIZED (SELECT * FROM campmon._trend_snapshots()),
cfg AS MATERIALIZED (SELECT campmon._setting_num('campmon.trend_min_points') AS min_points,
                            campmon._seconds('campmon.trend_min_span') AS min_span,
                            campmon._human(campmon._seconds('campmon.trend_window')) AS window_text),
fit AS (
    SELECT q.sequence_name, regr_count(q.used::float8, w.day) AS points, min(w.taken_at) AS first_at,
           max(w.taken_at) - min(w.taken_at) AS span,
           regr_slope(q.used::float8, w.day) AS used_s
    FROM campmon.snapshot_sequence q JOIN w ON w.snapshot_id = q.snapshot_id
    WHERE q.snapshot_id = ANY ((SELECT array_agg(w.snapshot_id) FROM w)::bigint[])
    GROUP BY q.sequence_name
)
SELECT c.sequence_name, f.points, f.first_at, w.taken_at AS last_at,
       c.last_value, c.used, c.wrap_at, round(100.0 * c.used / c.wrap_at, 2) AS used_pct,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.used_s::numeric) END AS ids_per_day,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) AND f.used_s > 0
            THEN round((c.wrap_at - c.used) / f.used_s::numeric, 1) END AS days_to_wrap,
       campmon._no_trend(f.points, g.min_points, g.window_text, f.span, g.min_span) AS note
FROM campmon.snapshot_sequence c
JOIN w ON w.snapshot_id = c.snapshot_id AND w.latest
JOIN fit f ON f.sequence_name = c.sequence_name
CROSS JOIN cfg g;

COMMENT ON VIEW campmon.sequence_trends IS
'Per key sequence of the latest snapshot: identifiers used, per day, days until it wraps (wrap_at: 2^31 for 32-bit keys; doc/trends.md)';

REVOKE ALL ON campmon.sequence_trends FROM PUBLIC;
GRANT SELECT ON campmon.sequence_trends TO campmon_reader, pg_monitor;

-- Per check row of the latest snapshot, over every retained snapshot:
-- since when it has its status, since when it is not ok, since when
-- critical.  A few index probes per row (snapshot_check_timeline): the
-- last time it had each status, then the first time after the last change.
CREATE OR REPLACE VIEW campmon.check_timeline WITH (security_invoker = true) AS
WITH l AS MATERIALIZED (SELECT s.snapshot_id, s.taken_at FROM campmon.snapshot_taken s ORDER BY s.taken_at DESC LIMIT 1),
cur AS MATERIALIZED (
    SELECT DISTINCT ON (c.check_name, c.target) c.check_name, c.target, c.status, c.value, c.threshold
    FROM campmon.snapshot_check c JOIN l ON l.snapshot_id = c.snapshot_id
    ORDER BY c.check_name, c.target, CASE c.status WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END
),
last AS (
    SELECT c.*,
           (SELECT max(h.taken_at) FROM campmon.snapshot_check h
            WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = 'ok') AS last_ok_at,
           (SELECT max(h.taken_at) FROM campmon.snapshot_check h
            WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = 'warning') AS last_warning_at,
           (SELECT max(h.taken_at) FROM campmon.snapshot_check h
            WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = 'critical') AS last_critical_at,
           (SELECT min(m.first) FROM (
                SELECT (SELECT min(h.taken_at) FROM campmon.snapshot_check h
                        WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = st) AS first
                FROM unnest(ARRAY['ok', 'warning', 'critical']) st) m) AS first_seen_at
    FROM cur c
),
changes AS (
    SELECT x.*,
           -- the last time it had another status than now
           CASE x.status WHEN 'ok' THEN greatest(x.last_warning_at, x.last_critical_at)
                         WHEN 'warning' THEN greatest(x.last_ok_at, x.last_critical_at)
                         ELSE greatest(x.last_ok_at, x.last_warning_at) END AS last_other_at,
           greatest(x.last_ok_at, x.last_warning_at) AS last_not_critical_at
    FROM last x
)
SELECT c.check_name, c.target, c.status, c.value, c.threshold,
       coalesce((SELECT min(h.taken_at) FROM campmon.snapshot_check h
                 WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = c.status AND h.taken_at > c.last_other_at),
                c.first_seen_at) AS since,
       l.taken_at - coalesce((SELECT min(h.taken_at) FROM campmon.snapshot_check h
                              WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = c.status AND h.taken_at > c.last_other_at),
                             c.first_seen_at) AS status_for,
       CASE WHEN c.status <> 'ok' THEN
           coalesce((SELECT min(m.first) FROM (
                         SELECT (SELECT min(h.taken_at) FROM campmon.snapshot_check h
                                 WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = st
                                   AND h.taken_at > c.last_ok_at) AS first
                         FROM unnest(ARRAY['warning', 'critical']) st) m), c.first_seen_at) END AS not_ok_since,
       CASE WHEN c.status = 'critical' THEN
           coalesce((SELECT min(h.taken_at) FROM campmon.snapshot_check h
                     WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = 'critical'
                       AND h.taken_at > c.last_not_critical_at), c.first_seen_at) END AS critical_since,
       c.last_ok_at, greatest(c.last_warning_at, c.last_critical_at) AS last_not_ok_at, c.first_seen_at
FROM changes c CROSS JOIN l;

COMMENT ON VIEW campmon.check_timeline IS
'Per campmon.checks row of the latest snapshot: its status, since when (and for how long), since when not ok, since when critical, its last ok and last not-ok snapshots (doc/trends.md)';

REVOKE ALL ON campmon.check_timeline FROM PUBLIC;
GRANT SELECT ON campmon.check_timeline TO campmon_reader, pg_monitor;

-- Per run of run_plan: what campmon.history says it gave back beside what
-- the snapshots before and after it show
CREATE OR REPLACE VIEW campmon.run_gains WITH (security_invoker = true) AS
SELECT r.run_id, r.run_by, r.dry_run, r.status, r.started_at, r.finished_at,
       h.steps_done, h.steps_failed, h.gained_bytes AS history_gained_bytes,
       b.taken_at AS snapshot_before_at, a.taken_at AS snapshot_after_at,
       tg.targets AS targets_in_snapshots, tg.gained AS targets_gained_bytes,
       (SELECT sum(g.total_bytes) FROM campmon.snapshot_group g WHERE g.snapshot_id = b.snapshot_id AND g.grouping = 'work_tables')
     - (SELECT sum(g.total_bytes) FROM campmon.snapshot_group g WHERE g.snapshot_id = a.snapshot_id AND g.grouping = 'work_tables')
           AS work_tables_gained_bytes,
       b.total_bytes - a.total_bytes AS total_gained_bytes
FROM campmon.run r
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE s.outcome = 'done') AS steps_done,
           count(*) FILTER (WHERE s.outcome = 'failed') AS steps_failed,
           sum(s.size_before - s.size_after) FILTER (WHERE s.outcome = 'done') AS gained_bytes
    FROM campmon.run_step s WHERE s.run_id = r.run_id
) h
LEFT JOIN LATERAL (
    SELECT s.snapshot_id, s.taken_at, s.total_bytes FROM campmon.snapshot_taken s
    WHERE s.taken_at <= r.started_at ORDER BY s.taken_at DESC LIMIT 1
) b ON true
LEFT JOIN LATERAL (
    SELECT s.snapshot_id, s.taken_at, s.total_bytes FROM campmon.snapshot_taken s
    WHERE r.finished_at IS NOT NULL AND s.taken_at >= r.finished_at ORDER BY s.taken_at LIMIT 1
) a ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS targets, sum(rb.total_bytes - ra.total_bytes) AS gained
    FROM (SELECT DISTINCT s.target_relid FROM campmon.run_step s WHERE s.run_id = r.run_id AND s.outcome = 'done'
            AND s.target_relid IS NOT NULL) st
    JOIN campmon.snapshot_relation rb ON rb.snapshot_id = b.snapshot_id AND rb.relid = st.target_relid
    JOIN campmon.snapshot_relation ra ON ra.snapshot_id = a.snapshot_id AND ra.relid = st.target_relid
) tg ON true;

COMMENT ON VIEW campmon.run_gains IS
'Per run of campmon.run_plan: steps done and failed, bytes given back per campmon.history, and what the snapshots before and after the run show came back (its targets, the work tables, all tables) (doc/trends.md)';

REVOKE ALL ON campmon.run_gains FROM PUBLIC;
GRANT SELECT ON campmon.run_gains TO campmon_reader, pg_monitor;

-- ==== src/sql/vacuum_blockers.sql

/*
 * vacuum_blockers.sql -- campmon.vacuum_blockers: what holds back the
 * oldest transaction horizon, so that VACUUM cannot remove dead rows (nor
 * freeze past it): sessions with an old snapshot or transaction, prepared
 * transactions, replication slots (xmin, catalog_xmin), standbys'
 * hot_standby_feedback.  Each row with its age in transactions and in time,
 * what it holds and the advice; campmon advises only: it never ends a
 * session, commits a prepared transaction or drops a slot.
 *
 * Everything is read as the caller, from PostgreSQL's own views: what
 * pg_stat_activity hides from a role (another role's query, state, client
 * and start times, unless it has the privileges of pg_read_all_stats) stays
 * hidden here, and the dead-row figures count only the tables the caller
 * may measure.  The plan and the run ask _horizon_blocks() before a step
 * whose gain the horizon can empty; the texts they record (history) name a
 * blocker only by what every role may read (_blocker_label).
 *
 * PostgreSQL's "Routine Vacuuming" chapter explains why: dead rows a
 * snapshot may still see are "dead but not yet removable"; a replication
 * slot's catalog_xmin holds the system catalogs.
 */

-- A sample of a table's pages, each dead row classified as VACUUM would
-- classify it now (vacuum_horizon.c)
CREATE OR REPLACE FUNCTION campmon._dead_rows_now(rel oid, sample_pages integer DEFAULT 64,
    OUT pages integer, OUT pages_sampled integer, OUT pages_read integer,
    OUT removable bigint, OUT not_removable bigint, OUT horizon xid)
RETURNS record
AS 'MODULE_PATHNAME', 'campmon_dead_rows_now'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

REVOKE ALL ON FUNCTION campmon._dead_rows_now(oid,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._dead_rows_now(oid,integer) TO campmon_reader, pg_monitor;

-- A transaction id with its epoch, taken from the current counter (xids
-- are 32 bits; the snapshots record the counter with its epoch)
CREATE OR REPLACE FUNCTION campmon._full_xid(x xid) RETURNS bigint
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint - age(x) $$;

REVOKE ALL ON FUNCTION campmon._full_xid(xid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._full_xid(xid) TO campmon_reader, pg_monitor;

-- When the transaction counter passed full_xid, from the counter readings
-- campmon.snapshot() keeps (snapshot_horizon) and the counter now: linear
-- between the two readings around it.  A slot's or a standby's xmin has no
-- time of its own in PostgreSQL; this is how old it is.
CREATE OR REPLACE FUNCTION campmon._xid_time(full_xid bigint, OUT since timestamptz, OUT basis text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
WITH r AS (
    SELECT s.taken_at AS at, h.next_xid AS x
    FROM campmon.snapshot_horizon h JOIN campmon.snapshot_taken s ON s.snapshot_id = h.snapshot_id
    UNION ALL
    SELECT now(), pg_snapshot_xmax(pg_current_snapshot())::text::bigint
),
b AS (SELECT r.at, r.x FROM r WHERE r.x <= full_xid ORDER BY r.x DESC, r.at DESC LIMIT 1),
a AS (SELECT r.at, r.x FROM r WHERE r.x > full_xid ORDER BY r.x, r.at LIMIT 1)
SELECT CASE WHEN b.at IS NOT NULL AND a.at IS NOT NULL
            THEN b.at + (a.at - b.at) * ((full_xid - b.x)::float8 / greatest(a.x - b.x, 1)) END,
       CASE WHEN b.at IS NULL AND (SELECT count(*) FROM r) = 1
            THEN 'unknown: no campmon.snapshot() has recorded the transaction counter yet'
            WHEN b.at IS NULL
            THEN format('unknown: older than campmon''s oldest snapshot (%s)', to_char((SELECT min(r.at) FROM r), 'YYYY-MM-DD HH24:MI'))
            WHEN a.at IS NULL THEN 'unknown'
            ELSE format('estimated from campmon''s snapshots: the transaction counter passed it between %s and %s',
                        to_char(b.at, 'YYYY-MM-DD HH24:MI'), to_char(a.at, 'YYYY-MM-DD HH24:MI')) END
FROM (SELECT 1) one LEFT JOIN b ON true LEFT JOIN a ON true $$;

REVOKE ALL ON FUNCTION campmon._xid_time(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._xid_time(bigint) TO campmon_reader, pg_monitor;

-- The inputs of the horizon, as the caller may see them.  Sessions of
-- other databases hold only the shared catalogs (pg_database, pg_authid...):
-- they are left to that database's campmon.  A plain VACUUM's and
-- autovacuum's snapshots hold nothing (PostgreSQL leaves them out); a
-- standby's walsender is its feedback's row.
CREATE OR REPLACE FUNCTION campmon._vacuum_blockers()
RETURNS TABLE (kind text, holds text, pid integer, user_name text, application_name text, client text,
               database text, state text, name text, since timestamptz, age interval, age_basis text,
               xmin xid, xid_age integer, wal_retained_bytes bigint, query text,
               dead_rows_left bigint, dead_rows_in_reach bigint, dead_rows_note text,
               sets_horizon boolean, advice text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
-- the dead rows of every table: one snapshot of the statistics
SET stats_fetch_consistency = snapshot
AS $$
WITH wal AS (
    SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END AS lsn
),
raw AS (
    -- sessions of this database with a transaction id or a snapshot
    SELECT 'transaction'::text AS kind, 'rows'::text AS holds, a.pid, a.usename::text AS user_name,
           a.application_name::text AS application_name,
           CASE WHEN a.client_addr IS NOT NULL THEN host(a.client_addr) || coalesce(':' || a.client_port, '')
                WHEN a.client_port = -1 THEN 'local socket' END AS client,
           a.datname::text AS database, a.state, NULL::text AS name, a.xact_start AS since,
           CASE WHEN a.xact_start IS NOT NULL THEN 'its transaction''s start (pg_stat_activity.xact_start)'
                ELSE format('hidden from %s: pg_stat_activity shows another role''s times to pg_read_all_stats', current_user) END AS age_basis,
           CASE WHEN a.backend_xid IS NULL THEN a.backend_xmin
                WHEN a.backend_xmin IS NULL THEN a.backend_xid
                WHEN age(a.backend_xid) >= age(a.backend_xmin) THEN a.backend_xid ELSE a.backend_xmin END AS xmin,
           NULL::bigint AS wal_retained_bytes,
           left((regexp_match(a.query, '^\s*([^\n]*)'))[1], 200) AS query,
           false AS estimated,
           -- its xmin is its own transaction (not a snapshot that sees an
           -- older one running: such a snapshot follows the real holder)
           a.backend_xid IS NOT NULL AND (a.backend_xmin IS NULL OR age(a.backend_xid) >= age(a.backend_xmin)) AS own
    FROM pg_stat_activity a
    WHERE a.datid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
      AND a.pid <> pg_backend_pid() AND a.usesysid IS NOT NULL
      AND (a.backend_xid IS NOT NULL OR a.backend_xmin IS NOT NULL)
      AND a.backend_type IS DISTINCT FROM 'autovacuum worker'
      AND NOT EXISTS (SELECT FROM pg_stat_replication r WHERE r.pid = a.pid)
      AND NOT coalesce(a.state = 'active' AND a.query ~* '^\s*vacuum\M' AND a.query !~* '\mfull\M', false)
    UNION ALL
    -- prepared transactions of this database: nothing ends them but
    -- COMMIT PREPARED or ROLLBACK PREPARED, not even a restart
    SELECT 'prepared transaction', 'rows', NULL, p.owner::text, NULL, NULL, p.database::text, 'prepared', p.gid,
           p.prepared, 'when it was prepared (pg_prepared_xacts.prepared)', p.transaction, NULL, NULL, false, true
    FROM pg_prepared_xacts p WHERE p.database = current_database()
    UNION ALL
    -- replication slots (any database's: a slot's xmin holds every
    -- database's rows, a logical slot's catalog_xmin every database's catalogs)
    SELECT 'replication slot', CASE WHEN s.xmin IS NOT NULL THEN 'rows' ELSE 'catalogs' END, s.active_pid, NULL, NULL, NULL,
           s.database::text,
           format('%s %s%s%s', s.slot_type, CASE WHEN s.active THEN 'active' ELSE 'inactive' END,
                  coalesce(', plugin ' || s.plugin, ''), coalesce(', WAL ' || s.wal_status, '')),
           s.slot_name::text, NULL, NULL, coalesce(s.xmin, s.catalog_xmin),
           pg_wal_lsn_diff((SELECT wal.lsn FROM wal), s.restart_lsn)::bigint, NULL, true, true
    FROM pg_replication_slots s WHERE s.xmin IS NOT NULL OR s.catalog_xmin IS NOT NULL
    UNION ALL
    -- standbys' feedback (hot_standby_feedback without a slot: the
    -- walsender holds the standby's oldest snapshot)
    SELECT 'standby feedback', 'rows', r.pid, r.usename::text, r.application_name::text,
           host(r.client_addr) || coalesce(':' || r.client_port, ''), NULL, r.state, r.application_name::text,
           NULL, NULL, r.backend_xmin, NULL, NULL, true, true
    FROM pg_stat_replication r WHERE r.backend_xmin IS NOT NULL
),
timed AS (
    SELECT r.kind, r.holds, r.pid, r.user_name, r.application_name, r.client, r.database, r.state, r.name,
           CASE WHEN r.estimated THEN e.since ELSE r.since END AS since,
           CASE WHEN r.estimated THEN e.basis ELSE r.age_basis END AS age_basis,
           r.xmin, age(r.xmin) AS xid_age, r.wal_retained_bytes, r.query, r.own
    FROM raw r
    LEFT JOIN LATERAL campmon._xid_time(campmon._full_xid(r.xmin)) e ON r.estimated
),
-- the tables with dead rows the caller may measure, when each was last
-- vacuumed: what a blocker holds is counted there
tabs AS MATERIALIZED (
    SELECT c.oid, n.nspname = 'pg_catalog' OR (n.nspname = 'pg_toast' AND c.oid < 16384) AS is_catalog,
           pg_stat_get_dead_tuples(c.oid) AS dead,
           greatest(pg_stat_get_last_vacuum_time(c.oid), pg_stat_get_last_autovacuum_time(c.oid)) AS vacuumed_at
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'm', 't') AND pg_stat_get_dead_tuples(c.oid) > 0
      AND campmon._may_see_figures(c.oid)
),
held AS (
    SELECT t.*, h.left_rows, h.left_tables, h.reach_rows, h.reach_tables,
           max(t.xid_age) FILTER (WHERE t.holds = 'rows') OVER () AS oldest_rows,
           row_number() OVER (PARTITION BY t.holds ORDER BY t.xid_age DESC, t.own DESC, t.since NULLS FIRST, t.pid) AS n
    FROM timed t
    LEFT JOIN LATERAL (
        SELECT sum(b.dead) FILTER (WHERE b.vacuumed_at > t.since) AS left_rows,
               count(*) FILTER (WHERE b.vacuumed_at > t.since) AS left_tables,
               sum(b.dead) AS reach_rows, count(*) AS reach_tables
        FROM tabs b WHERE t.holds = 'rows' OR b.is_catalog) h ON true
)
SELECT h.kind, h.holds, h.pid, h.user_name, h.application_name, h.client, h.database, h.state, h.name,
       h.since, date_trunc('second', now() - h.since), h.age_basis, h.xmin, h.xid_age, h.wal_retained_bytes, h.query,
       CASE WHEN h.since IS NOT NULL THEN coalesce(h.left_rows, 0) END::bigint,
       coalesce(h.reach_rows, 0)::bigint,
       concat_ws('; ',
           CASE WHEN h.since IS NOT NULL
                THEN format('at least %s dead rows in %s table%s that a VACUUM or autovacuum since %s could not remove (or that were deleted after it)',
                            coalesce(h.left_rows, 0), h.left_tables, CASE WHEN h.left_tables = 1 THEN '' ELSE 's' END,
                            to_char(h.since, 'YYYY-MM-DD HH24:MI:SS')) END,
           format('up to %s dead rows in %s %s: those deleted after its snapshot%s (PostgreSQL''s dead-row counts of the tables %s may measure)',
                  coalesce(h.reach_rows, 0), coalesce(h.reach_tables, 0),
                  CASE WHEN h.holds = 'catalogs' THEN 'system catalogs (of every database)'
                       WHEN h.reach_tables = 1 THEN 'table' ELSE 'tables' END,
                  CASE WHEN h.since IS NULL THEN ', taken at a time unknown' ELSE '' END, current_user)),
       -- the one that sets it: the oldest of its kind (a catalog_xmin only
       -- when older than every rows' input: those hold the catalogs too)
       h.n = 1 AND (h.holds = 'rows' OR h.xid_age > coalesce(h.oldest_rows, -1)),
       CASE h.kind
           WHEN 'transaction' THEN
               CASE WHEN h.state LIKE 'idle in transaction%'
                    THEN format('the session is idle in a transaction: its application must commit or roll back; else SELECT pg_terminate_backend(%s) ends the session (campmon never does); idle_in_transaction_session_timeout stops it happening again', h.pid)
                    WHEN h.state IS NULL
                    THEN format('its application must end the transaction (commit or roll back) or its query; else SELECT pg_terminate_backend(%s) ends the session (campmon never does)', h.pid)
                    ELSE format('a transaction still working (a long query, or a REPEATABLE READ or SERIALIZABLE transaction keeps its first snapshot): let it end, or SELECT pg_cancel_backend(%s) / pg_terminate_backend(%s) (campmon never does)', h.pid, h.pid) END
           WHEN 'prepared transaction' THEN
               format('a prepared transaction its transaction manager forgot: COMMIT PREPARED %L or ROLLBACK PREPARED %L in database %s, as %s or a superuser (campmon never does); nothing else ends it, not even a restart',
                      h.name, h.name, h.database, h.user_name)
           WHEN 'replication slot' THEN
               CASE WHEN h.state LIKE '% inactive%'
                    THEN format('nothing reads this slot: restart its consumer, or drop it with SELECT pg_drop_replication_slot(%L) (its consumer then needs a new copy; campmon never drops it)', h.name)
                    ELSE format('its consumer (pid %s) lags: let it catch up, or find why it is slow', h.pid) END
           ELSE
               format('a query on standby %s (hot_standby_feedback) keeps this snapshot: end it there, or bound such queries with statement_timeout on the standby', h.application_name)
       END
FROM held h
ORDER BY h.xid_age DESC, h.own DESC, h.since NULLS FIRST, h.pid $$;

REVOKE ALL ON FUNCTION campmon._vacuum_blockers() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._vacuum_blockers() TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.vacuum_blockers AS
SELECT * FROM campmon._vacuum_blockers();

COMMENT ON VIEW campmon.vacuum_blockers IS
'What holds back the oldest transaction horizon, so that VACUUM cannot remove dead rows: old sessions and transactions, prepared transactions, replication slots, standbys'' feedback; with their ages, what they hold and the advice (campmon never acts on it)';

REVOKE ALL ON campmon.vacuum_blockers FROM PUBLIC;
GRANT SELECT ON campmon.vacuum_blockers TO campmon_reader, pg_monitor;

-- A blocker described with what the caller may see of it (the checks'
-- messages, read as the caller)
CREATE OR REPLACE FUNCTION campmon._blocker_detail(b campmon.vacuum_blockers) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE b.kind
    WHEN 'transaction' THEN
        format('session pid %s (role %s%s%s%s)%s%s', b.pid, coalesce(b.user_name, '?'),
               coalesce(', application ' || nullif(b.application_name, ''), ''), coalesce(', client ' || b.client, ''),
               coalesce(', ' || b.state, ''),
               CASE WHEN b.since IS NOT NULL THEN format(' in a transaction open since %s', to_char(b.since, 'YYYY-MM-DD HH24:MI:SS')) ELSE '' END,
               coalesce(format(', query: %s', nullif(b.query, '')), ''))
    WHEN 'prepared transaction' THEN
        format('prepared transaction %L (owner %s, prepared %s)', b.name, b.user_name, to_char(b.since, 'YYYY-MM-DD HH24:MI:SS'))
    WHEN 'replication slot' THEN
        format('replication slot %L (%s%s)', b.name, b.state, coalesce(', database ' || b.database, ''))
    WHEN 'standby feedback' THEN
        format('standby %s''s hot_standby_feedback (walsender pid %s%s)', b.application_name, b.pid, coalesce(', ' || b.client, ''))
END $$;

REVOKE ALL ON FUNCTION campmon._blocker_detail(campmon.vacuum_blockers) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._blocker_detail(campmon.vacuum_blockers) TO campmon_reader, pg_monitor;

-- A blocker named by what every role may read in PostgreSQL's views (its
-- pid, role, application, gid, slot name, age in transactions; a prepared
-- transaction's time): the texts the plan and the run record go into the
-- history, which readers read.
CREATE OR REPLACE FUNCTION campmon._blocker_label(kind text, pid integer, user_name text, application_name text,
                                                  name text, xid_age integer, since timestamptz)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE kind
    WHEN 'transaction' THEN format('a session''s transaction: pid %s (role %s%s), %s transactions old',
                                   pid, coalesce(user_name, '?'), coalesce(', application ' || nullif(application_name, ''), ''), xid_age)
    WHEN 'prepared transaction' THEN format('prepared transaction %L (owner %s), prepared %s, %s transactions old',
                                            name, user_name, to_char(since, 'YYYY-MM-DD HH24:MI'), xid_age)
    WHEN 'replication slot' THEN format('replication slot %L%s, %s transactions old', name,
                                        CASE WHEN pid IS NULL THEN ' (inactive)' ELSE format(' (pid %s)', pid) END, xid_age)
    WHEN 'standby feedback' THEN format('standby %s''s hot_standby_feedback (walsender pid %s), %s transactions old', application_name, pid, xid_age)
END $$;

REVOKE ALL ON FUNCTION campmon._blocker_label(text,integer,text,text,text,integer,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._blocker_label(text,integer,text,text,text,integer,timestamptz) TO campmon_reader, pg_monitor;

-- Whether plan() looks at the pages of its VACUUM candidates: when some
-- input of the horizon is older than campmon.vacuum_blocker_min_age, or
-- of an age the caller cannot see (a short query's snapshot is gone by the
-- time the step runs; reading pages for it would only cost).  The run
-- always looks (_horizon_blocks with look => true).
CREATE OR REPLACE FUNCTION campmon._horizon_held() RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT EXISTS (SELECT FROM campmon._vacuum_blockers() b
               WHERE b.age IS NULL OR b.age >= campmon._seconds('campmon.vacuum_blocker_min_age')) $$;

REVOKE ALL ON FUNCTION campmon._horizon_held() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._horizon_held() TO campmon_reader, pg_monitor;

-- Why a step cannot do its work now because of the horizon, naming the
-- blocker, or NULL.
--  * VACUUM (and the catalogs' VACUUM): a sample of the table's pages says
--    which of its dead rows VACUUM could remove now (_dead_rows_now); when
--    those alone would not have made it a candidate (dead rows above
--    campmon.vacuum_min_dead_pct of the live ones), the VACUUM would remove
--    about nothing: "dead but not yet removable".
--  * REINDEX INDEX CONCURRENTLY and REPACK wait, before they finish, for
--    every transaction of this database that started before them (a
--    concurrent build waits for older snapshots; pg_repack for older
--    transactions): a session's transaction open longer than
--    campmon.vacuum_blocker_min_age would hold the step until its timeout.
-- VACUUM (FREEZE) and VACUUM (FULL) are never held here: a FREEZE freezes
-- what it can (an old horizon is xmin_horizon's alert), a rewrite gives
-- back the free space whatever the horizon.
CREATE OR REPLACE FUNCTION campmon._horizon_blocks(rel oid, action text, look boolean DEFAULT true) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    d record;
    b record;
    dead bigint;
    live bigint;
    dead_pct numeric;
    is_catalog boolean;
BEGIN
    IF rel IS NULL OR NOT look THEN
        RETURN NULL;
    END IF;
    IF action = 'VACUUM' THEN
        BEGIN
            SELECT * INTO d FROM campmon._dead_rows_now(rel, 64);
        EXCEPTION WHEN OTHERS THEN
            -- a page it cannot read (the VACUUM will say so itself): no
            -- claim about the horizon
            RETURN NULL;
        END;
        IF d.pages IS NULL OR d.not_removable = 0 OR d.removable + d.not_removable = 0 THEN
            RETURN NULL;
        END IF;
        dead_pct := campmon._setting_num('campmon.vacuum_min_dead_pct');
        dead := pg_stat_get_dead_tuples(rel);
        -- the rows the last VACUUM or ANALYZE counted (the statistics'
        -- running count drifts when a load and its VACUUM share a session)
        live := (SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE pg_stat_get_live_tuples(rel) END
                 FROM pg_class c WHERE c.oid = rel);
        -- the dead rows VACUUM could remove, in the sample's proportion:
        -- enough for the plan's own rule (campmon.vacuum_min_dead_pct)?
        IF dead * d.removable::numeric / (d.removable + d.not_removable) > dead_pct / 100 * greatest(live, 1) THEN
            RETURN NULL;
        END IF;
        is_catalog := EXISTS (SELECT FROM pg_class c WHERE c.oid = rel AND (c.relnamespace = 'pg_catalog'::regnamespace
                                                                          OR (c.relnamespace = 'pg_toast'::regnamespace AND c.oid < 16384)));
        SELECT * INTO b FROM campmon._vacuum_blockers() x
        WHERE x.holds = 'rows' OR is_catalog ORDER BY x.xid_age DESC, x.sets_horizon DESC, x.since NULLS FIRST LIMIT 1;
        RETURN format('the horizon makes it useless: %s of the %s dead rows in a sample of %s pages (%s read) are not yet removable, held by %s (campmon.vacuum_blockers)',
                      d.not_removable, d.removable + d.not_removable, d.pages_sampled, d.pages_read,
                      coalesce(campmon._blocker_label(b.kind, b.pid, b.user_name, b.application_name, b.name, b.xid_age, b.since),
                               format('something older than transaction %s that %s cannot see', d.horizon, current_user)));
    ELSIF action IN ('REINDEX INDEX CONCURRENTLY', 'REPACK') THEN
        SELECT * INTO b FROM campmon._vacuum_blockers() x
        WHERE x.kind = 'transaction' AND x.age >= campmon._seconds('campmon.vacuum_blocker_min_age')
        ORDER BY x.age DESC LIMIT 1;
        IF b.kind IS NULL THEN
            RETURN NULL;
        END IF;
        RETURN format('%s would wait, before it finishes, for %s, open for over %s (campmon.vacuum_blocker_min_age; campmon.vacuum_blockers)',
                      CASE WHEN action = 'REPACK' THEN 'pg_repack' ELSE 'a concurrent rebuild' END,
                      campmon._blocker_label(b.kind, b.pid, b.user_name, b.application_name, b.name, b.xid_age, b.since),
                      campmon._human(campmon._seconds('campmon.vacuum_blocker_min_age')));
    END IF;
    RETURN NULL;
END $fn$;

REVOKE ALL ON FUNCTION campmon._horizon_blocks(oid,text,boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._horizon_blocks(oid,text,boolean) TO campmon_reader, pg_monitor;

-- The plan's look at its steps (plan.sql): for each VACUUM, REINDEX INDEX
-- CONCURRENTLY or REPACK step the arguments keep, why the xmin horizon
-- makes it useless, or NULL.  Only when plan() looks at all (look).
CREATE OR REPLACE FUNCTION campmon._plan_held(steps campmon._plan_step[], look boolean,
                                              families text[], actions text[], targets regclass[])
RETURNS TABLE (relid oid, action text, why text)
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT s.relid, s.action, campmon._horizon_blocks(s.relid, s.action, true)
FROM unnest(steps) s
WHERE look AND s.action IN ('VACUUM', 'REINDEX INDEX CONCURRENTLY', 'REPACK')
  AND (families IS NULL OR s.family = ANY (families))
  AND (actions IS NULL OR s.action = ANY (actions))
  AND (targets IS NULL OR s.relid = ANY (targets::oid[])) $$;

REVOKE ALL ON FUNCTION campmon._plan_held(campmon._plan_step[],boolean,text[],text[],regclass[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_held(campmon._plan_step[],boolean,text[],text[],regclass[]) TO campmon_reader, pg_monitor;

-- What a VACUUM left behind, for the history: the dead rows it could not
-- remove and the oldest input of the horizon then (what every role may
-- read of it), or NULL when it left none.
CREATE OR REPLACE FUNCTION campmon._horizon_note(rel oid, dead_left bigint) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    b record;
    is_catalog boolean;
BEGIN
    IF rel IS NULL OR coalesce(dead_left, 0) <= 0 THEN
        RETURN NULL;
    END IF;
    is_catalog := EXISTS (SELECT FROM pg_class c WHERE c.oid = rel AND (c.relnamespace = 'pg_catalog'::regnamespace
                                                                      OR (c.relnamespace = 'pg_toast'::regnamespace AND c.oid < 16384)));
    SELECT * INTO b FROM campmon._vacuum_blockers() x WHERE x.holds = 'rows' OR is_catalog
    ORDER BY x.xid_age DESC, x.sets_horizon DESC, x.since NULLS FIRST LIMIT 1;
    RETURN format('%s dead rows left, not yet removable (PostgreSQL''s count after the VACUUM)%s', dead_left,
                  CASE WHEN b.kind IS NOT NULL
                       THEN ': the horizon was held by ' || campmon._blocker_label(b.kind, b.pid, b.user_name, b.application_name, b.name, b.xid_age, b.since)
                       ELSE '' END);
END $fn$;

REVOKE ALL ON FUNCTION campmon._horizon_note(oid,bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._horizon_note(oid,bigint) TO campmon_reader, pg_monitor;

-- ==== src/sql/wraparound.sql

/*
 * wraparound.sql -- campmon.wraparound: how far each database, and the
 * oldest tables of this one (TOAST tables included), are from the
 * transaction-ID and multixact wraparound limits: their age against the
 * age at which autovacuum must freeze them (autovacuum_freeze_max_age,
 * autovacuum_multixact_freeze_max_age, or a table's own lower value in its
 * reloptions), against VACUUM's failsafe (vacuum_failsafe_age,
 * vacuum_multixact_failsafe_age) and against the limit where the server
 * stops assigning new IDs; the IDs left, and the days left at the pace
 * campmon's snapshots have seen the counters move.
 *
 * PostgreSQL's "Routine Vacuuming" chapter ("Preventing Transaction ID
 * Wraparound Failures", "Multixacts and Wraparound"): IDs are 32 bits; a
 * row older than 2^31 transactions would seem to be in the future, so the
 * server refuses new IDs a few million before that (about 2.1 billion).
 * Everything here is readable by every role in PostgreSQL's catalogs
 * (pg_database, pg_class).
 */

-- The limit: 2^31 IDs less the safety margin the server keeps (it stops
-- assigning within 3 million of the wrap)
CREATE OR REPLACE FUNCTION campmon._wraparound_stop_age() RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT 2147483647::bigint - 3000000 $$;

REVOKE ALL ON FUNCTION campmon._wraparound_stop_age() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._wraparound_stop_age() TO campmon_reader, pg_monitor;

-- The counters' pace per day over campmon.trend_window: the snapshots'
-- readings (snapshot_horizon) and the counters now, summed step by step
-- (the multixact counter is 32 bits and wraps); NULL, and note says why,
-- with fewer than campmon.trend_min_points readings or a span shorter than
-- campmon.trend_min_span.
CREATE OR REPLACE FUNCTION campmon._counter_pace(OUT xids_per_day numeric, OUT mxids_per_day numeric, OUT note text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
WITH r AS (
    SELECT s.taken_at AS at, h.next_xid AS x, h.next_mxid AS m
    FROM campmon.snapshot_horizon h JOIN campmon.snapshot_taken s ON s.snapshot_id = h.snapshot_id
    WHERE s.taken_at > now() - campmon._seconds('campmon.trend_window') AND s.taken_at < now()
    UNION ALL
    SELECT now(), pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
           (SELECT (d.datminmxid::text::bigint + mxid_age(d.datminmxid)) % 4294967296
            FROM pg_database d WHERE d.datname = current_database())
),
steps AS (
    SELECT r.at, r.x - lag(r.x) OVER (ORDER BY r.at) AS dx,
           (r.m - lag(r.m) OVER (ORDER BY r.at) + 4294967296) % 4294967296 AS dm
    FROM r
),
fit AS (
    SELECT count(*) AS points, max(s.at) - min(s.at) AS span, sum(s.dx) AS dx, sum(s.dm) AS dm FROM steps s
),
cfg AS (
    SELECT campmon._setting_num('campmon.trend_min_points') AS min_points, campmon._seconds('campmon.trend_min_span') AS min_span,
           campmon._human(campmon._seconds('campmon.trend_window')) AS window_text
)
SELECT CASE WHEN n.note IS NULL THEN round(f.dx / (extract(epoch FROM f.span)::numeric / 86400)) END,
       CASE WHEN n.note IS NULL THEN round(f.dm / (extract(epoch FROM f.span)::numeric / 86400)) END,
       n.note
FROM fit f CROSS JOIN cfg g
CROSS JOIN LATERAL (SELECT CASE WHEN f.span <= interval '0' THEN 'no pace yet: no snapshot has recorded the counters (campmon.snapshot())'
                                ELSE campmon._no_trend(f.points, g.min_points, g.window_text, f.span, g.min_span) END AS note) n $$;

REVOKE ALL ON FUNCTION campmon._counter_pace() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._counter_pace() TO campmon_reader, pg_monitor;

-- This database's oldest tables by transaction-ID and by multixact age,
-- TOAST tables included (named after their table), with their reloptions
-- (a TOAST table's are its toast.* ones): one pass of pg_class, names for
-- the few kept.  Another session's temporary table is one that autovacuum
-- cannot freeze (an orphaned one holds the database's age back for ever).
CREATE OR REPLACE FUNCTION campmon._wraparound_tables(tables integer DEFAULT 5)
RETURNS TABLE (counter text, oid oid, label text, reloptions text[], age bigint, temp_note text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH c AS MATERIALIZED (
    -- narrow: the ages only (at 50,000 relations, the rest is for the few kept)
    SELECT c.oid, age(c.relfrozenxid)::bigint AS xa, mxid_age(c.relminmxid)::bigint AS ma
    FROM pg_class c WHERE c.relkind IN ('r', 'm', 't')
),
top AS (
    SELECT k.counter, k.oid, k.age, r.relkind, r.relnamespace, r.relname, r.reloptions, r.relpersistence
    FROM ((SELECT 'xid'::text AS counter, c.oid, c.xa AS age FROM c ORDER BY c.xa DESC, c.oid LIMIT tables)
          UNION ALL
          (SELECT 'multixact', c.oid, c.ma FROM c ORDER BY c.ma DESC, c.oid LIMIT tables)) k
    JOIN pg_class r ON r.oid = k.oid
)
SELECT t.counter, t.oid,
       CASE WHEN p.oid IS NOT NULL THEN format('%I.%I (TOAST %I.%I)', pn.nspname, p.relname, n.nspname, t.relname)
            ELSE format('%I.%I', n.nspname, t.relname) END,
       t.reloptions, t.age,
       CASE WHEN t.relpersistence = 't' AND pg_is_other_temp_schema(t.relnamespace)
            THEN 'a temporary table of another session: autovacuum cannot freeze it, only that session can; if the session is gone, drop it (an orphaned temporary table)' END
FROM top t JOIN pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_class p ON t.relkind = 't' AND p.reltoastrelid = t.oid
LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace $$;

REVOKE ALL ON FUNCTION campmon._wraparound_tables(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._wraparound_tables(integer) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._wraparound(tables integer DEFAULT 5)
RETURNS TABLE (counter text, scope text, name text, relid oid, age bigint, freeze_max_age bigint, failsafe_age bigint,
               stop_age bigint, remaining bigint, per_day numeric, days_left numeric, note text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH cfg AS (
    SELECT current_setting('autovacuum_freeze_max_age')::bigint AS xid_max,
           current_setting('autovacuum_multixact_freeze_max_age')::bigint AS mxid_max,
           -- VACUUM uses at least 105% of the freeze age as its failsafe
           greatest(current_setting('vacuum_failsafe_age')::bigint,
                    ceil(1.05 * current_setting('autovacuum_freeze_max_age')::bigint)::bigint) AS xid_failsafe,
           greatest(current_setting('vacuum_multixact_failsafe_age')::bigint,
                    ceil(1.05 * current_setting('autovacuum_multixact_freeze_max_age')::bigint)::bigint) AS mxid_failsafe,
           campmon._wraparound_stop_age() AS stop
),
pace AS (SELECT * FROM campmon._counter_pace()),
objects AS (
    -- every database (the server stops for the oldest one)
    SELECT 'xid'::text AS counter, 'database'::text AS scope, d.datname::text AS name, NULL::oid AS relid,
           age(d.datfrozenxid)::bigint AS age, g.xid_max AS freeze_max, NULL::text AS note
    FROM pg_database d CROSS JOIN cfg g
    UNION ALL
    SELECT 'multixact', 'database', d.datname::text, NULL, mxid_age(d.datminmxid)::bigint, g.mxid_max, NULL
    FROM pg_database d CROSS JOIN cfg g
    UNION ALL
    -- this database's oldest tables, TOAST tables with them, each with its
    -- own (lower) freeze age when its reloptions set one
    SELECT t.counter, 'table', t.label, t.oid, t.age,
           CASE WHEN t.counter = 'xid'
                THEN least(g.xid_max, campmon._reloption(t.reloptions, 'autovacuum_freeze_max_age')::bigint)
                ELSE least(g.mxid_max, campmon._reloption(t.reloptions, 'autovacuum_multixact_freeze_max_age')::bigint) END,
           t.temp_note
    FROM campmon._wraparound_tables(tables) t CROSS JOIN cfg g
)
SELECT o.counter, o.scope, o.name, o.relid, o.age, o.freeze_max,
       CASE WHEN o.counter = 'xid' THEN g.xid_failsafe ELSE g.mxid_failsafe END,
       g.stop, g.stop - o.age,
       CASE WHEN o.counter = 'xid' THEN p.xids_per_day ELSE p.mxids_per_day END,
       CASE WHEN o.counter = 'xid' AND p.xids_per_day > 0 THEN round((g.stop - o.age) / p.xids_per_day, 1)
            WHEN o.counter = 'multixact' AND p.mxids_per_day > 0 THEN round((g.stop - o.age) / p.mxids_per_day, 1) END,
       concat_ws('; ', o.note, p.note)
FROM objects o CROSS JOIN cfg g CROSS JOIN pace p
ORDER BY o.counter DESC, o.scope, o.age DESC, o.name $$;

REVOKE ALL ON FUNCTION campmon._wraparound(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._wraparound(integer) TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.wraparound AS
SELECT * FROM campmon._wraparound();

COMMENT ON VIEW campmon.wraparound IS
'Transaction-ID and multixact ages of every database and of this database''s oldest tables (TOAST included) against the freeze age, the failsafe and the limit, with the IDs and, from the snapshots'' pace, the days left';

REVOKE ALL ON campmon.wraparound FROM PUBLIC;
GRANT SELECT ON campmon.wraparound TO campmon_reader, pg_monitor;

-- ==== src/sql/autovacuum.sql

/*
 * autovacuum.sql -- campmon.autovacuum_tables: this database's tables past
 * one of autovacuum's own thresholds, with what autovacuum compares and
 * whether each is in debt (past a vacuum threshold and not vacuumed for
 * longer than campmon.autovacuum_debt_min_age), has autovacuum disabled
 * while it needs it, or has stale statistics.  The checks autovacuum_debt
 * and stale_statistics (checks/autovacuum.sql) and the exporter's
 * campmon_autovacuum metrics read it.
 *
 * The thresholds are autovacuum's (PostgreSQL, "Routine Vacuuming", "The
 * Autovacuum Daemon"): a table is vacuumed when its dead rows pass
 * autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor x
 * reltuples (reltuples counted 0 before the first VACUUM), or its rows
 * inserted since the last vacuum the insert threshold (-1: off); analyzed
 * when its changes since the last ANALYZE pass autovacuum_analyze_threshold
 * + autovacuum_analyze_scale_factor x reltuples; a table's reloptions
 * override each, a TOAST table's toast.* ones, else its table's; TOAST
 * tables and pg_statistic are never analyzed.  Campaign's work tables and
 * lists are left out (dropped, not vacuumed); temporary tables too
 * (autovacuum cannot reach them).  Only the tables the caller may measure.
 */

-- This database's tables past one of their autovacuum thresholds, with
-- what autovacuum compares (only the tables the caller may measure)
CREATE OR REPLACE FUNCTION campmon._autovacuum_tables()
RETURNS TABLE (relid oid, schema_name text, table_name text, label text, is_toast boolean, enabled boolean,
               dead bigint, vacuum_threshold numeric, inserted bigint, insert_threshold numeric,
               changed bigint, analyze_threshold numeric, vacuumed_at timestamptz, analyzed_at timestamptz,
               seen_before timestamptz, in_debt boolean, disabled_with_dead_rows boolean, stale_statistics boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
-- one snapshot of every table's statistics, read in one go, rather than a
-- lookup in the shared statistics per call (five times faster at 40,000)
SET stats_fetch_consistency = snapshot
AS $$
WITH g AS (
    SELECT current_setting('autovacuum')::boolean AND current_setting('track_counts')::boolean AS av_on,
           campmon._seconds('campmon.autovacuum_debt_min_age') AS min_age,
           campmon._setting_num('campmon.stale_statistics_factor') AS factor,
           current_setting('autovacuum_vacuum_threshold')::numeric AS vt,
           current_setting('autovacuum_vacuum_scale_factor')::numeric AS vs,
           current_setting('autovacuum_vacuum_insert_threshold')::numeric AS it,
           current_setting('autovacuum_vacuum_insert_scale_factor')::numeric AS "is",
           current_setting('autovacuum_analyze_threshold')::numeric AS at,
           current_setting('autovacuum_analyze_scale_factor')::numeric AS "as"
),
-- what changed at all: one pass of pg_class and the statistics (tens of
-- thousands of work tables at Campaign: nothing else is computed for a
-- table that did not change)
c AS MATERIALIZED (
    SELECT c.oid, c.relkind, c.relnamespace, c.relname, greatest(c.reltuples, 0)::numeric AS tuples, c.reloptions,
           pg_stat_get_dead_tuples(c.oid) AS dead, pg_stat_get_ins_since_vacuum(c.oid) AS ins,
           CASE WHEN c.relkind <> 't' AND c.oid <> 'pg_catalog.pg_statistic'::regclass
                THEN pg_stat_get_mod_since_analyze(c.oid) END AS mods
    FROM pg_class c
    WHERE c.relkind IN ('r', 'm', 't') AND c.relpersistence <> 't'
),
o AS (
    SELECT c.*, p.relnamespace AS owner_nsp, p.relname AS owner_name,
           -- a TOAST table without reloptions of its own follows its table's
           CASE WHEN c.relkind = 't' AND c.reloptions IS NULL THEN p.reloptions ELSE c.reloptions END AS opts
    FROM c LEFT JOIN pg_class p ON c.relkind = 't' AND p.reltoastrelid = c.oid
    WHERE c.dead > 0 OR c.ins > 0 OR c.mods > 0
),
-- the thresholds, each from the reloptions when set (parsed only then)
t AS (
    SELECT o.*,
           CASE WHEN o.opts IS NULL THEN true
                ELSE coalesce(campmon._reloption(o.opts, 'autovacuum_enabled')::boolean, true) END AS enabled,
           CASE WHEN o.opts IS NULL THEN g.vt + g.vs * o.tuples
                ELSE coalesce(campmon._reloption(o.opts, 'autovacuum_vacuum_threshold')::numeric, g.vt)
                     + coalesce(campmon._reloption(o.opts, 'autovacuum_vacuum_scale_factor')::numeric, g.vs) * o.tuples END AS vthr,
           CASE WHEN o.opts IS NULL THEN CASE WHEN g.it >= 0 THEN g.it + g."is" * o.tuples END
                WHEN coalesce(campmon._reloption(o.opts, 'autovacuum_vacuum_insert_threshold')::numeric, g.it) >= 0
                THEN coalesce(campmon._reloption(o.opts, 'autovacuum_vacuum_insert_threshold')::numeric, g.it)
                     + coalesce(campmon._reloption(o.opts, 'autovacuum_vacuum_insert_scale_factor')::numeric, g."is") * o.tuples END AS ithr,
           CASE WHEN o.opts IS NULL THEN g.at + g."as" * o.tuples
                ELSE coalesce(campmon._reloption(o.opts, 'autovacuum_analyze_threshold')::numeric, g.at)
                     + coalesce(campmon._reloption(o.opts, 'autovacuum_analyze_scale_factor')::numeric, g."as") * o.tuples END AS athr,
           g.av_on, g.min_age, g.factor
    FROM o CROSS JOIN g
),
-- past a threshold: named, Campaign's work tables and lists left out, and
-- what the caller may not measure
f AS (
    SELECT t.*, n.nspname, pn.nspname AS owner_nspname,
           greatest(pg_stat_get_last_vacuum_time(t.oid), pg_stat_get_last_autovacuum_time(t.oid)) AS vacuumed_at,
           greatest(pg_stat_get_last_analyze_time(t.oid), pg_stat_get_last_autoanalyze_time(t.oid)) AS analyzed_at,
           -- the oldest snapshot that already listed it: how long a table
           -- never vacuumed has existed, at least
           (SELECT min(s.taken_at) FROM campmon.snapshot_relation r JOIN campmon.snapshot_taken s ON s.snapshot_id = r.snapshot_id
            WHERE r.schema_name = n.nspname AND r.relation_name = t.relname AND r.relid = t.oid) AS seen_before,
           -- campmon.autovacuum_debt_min_age = 0: at once, whatever the table's age
           CASE WHEN t.min_age <= interval '0' THEN '-infinity'::timestamptz END AS at_once
    FROM t JOIN pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN pg_namespace pn ON pn.oid = t.owner_nsp
    WHERE (t.dead > t.vthr OR t.ins > t.ithr OR t.mods > t.athr)
      AND coalesce(campmon.family_of(coalesce(pn.nspname, n.nspname), coalesce(t.owner_name, t.relname)), '') NOT IN ('work_table', 'list')
      AND campmon._may_see_figures(t.oid)
)
SELECT f.oid, f.nspname::text, f.relname::text,
       CASE WHEN f.owner_name IS NOT NULL THEN format('%I.%I (TOAST %I.%I)', f.owner_nspname, f.owner_name, f.nspname, f.relname)
            ELSE format('%I.%I', f.nspname, f.relname) END,
       f.relkind = 't', f.enabled,
       f.dead, f.vthr, f.ins, f.ithr, f.mods, f.athr, f.vacuumed_at, f.analyzed_at, f.seen_before,
       -- past a vacuum threshold, autovacuum on for it, and no VACUUM for
       -- longer than campmon.autovacuum_debt_min_age
       coalesce(f.av_on AND f.enabled AND (f.dead > f.vthr OR f.ins > f.ithr)
                AND coalesce(f.vacuumed_at, f.seen_before, f.at_once) < now() - f.min_age, false),
       coalesce(NOT f.enabled AND f.dead > f.vthr, false),
       -- changed since the last ANALYZE by campmon.stale_statistics_factor
       -- times its autoanalyze threshold, for as long
       coalesce(f.mods >= f.factor * f.athr AND coalesce(f.analyzed_at, f.seen_before, f.at_once) < now() - f.min_age, false)
FROM f $$;

REVOKE ALL ON FUNCTION campmon._autovacuum_tables() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._autovacuum_tables() TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.autovacuum_tables AS
SELECT * FROM campmon._autovacuum_tables();

COMMENT ON VIEW campmon.autovacuum_tables IS
'Tables past one of autovacuum''s thresholds (dead rows, inserts, changes since ANALYZE; global settings and reloptions), and whether each is in debt, has autovacuum disabled while it needs it, or has stale statistics';

REVOKE ALL ON campmon.autovacuum_tables FROM PUBLIC;
GRANT SELECT ON campmon.autovacuum_tables TO campmon_reader, pg_monitor;

-- ==== src/sql/report_svg.sql

/*
 * report_svg.sql -- the pieces campmon.report() draws with: HTML escaping,
 * axis labels, a time axis, small multiples (one panel per
 * series, each on its own scale: a family a hundred times larger does not
 * flatten the others), sparklines.  Every chart is inline SVG drawn in a
 * viewBox as wide as the page (960 units; CSS scales it to the page's
 * width); a label is given room for its length, and drawn narrower when
 * it would not fit, never cut
 * (t/011_report.pl measures every label in Chromium).  Every text from the
 * database goes through campmon._html.
 */

-- Text for HTML (element content and quoted attribute values alike)
CREATE OR REPLACE FUNCTION campmon._html(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT replace(replace(replace(replace(replace(coalesce(t, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                   '"', '&quot;'), '''', '&#39;')
$$;

REVOKE ALL ON FUNCTION campmon._html(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._html(text) TO campmon_reader, pg_monitor;

-- A figure for a chart's axis: bytes pretty, counts plain
CREATE OR REPLACE FUNCTION campmon._chart_label(v double precision, unit text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN v IS NULL OR v = 'NaN'::float8 OR abs(v) >= 9e18 THEN ''
                WHEN unit = 'bytes' THEN pg_size_pretty(round(v)::bigint) ELSE round(v::numeric)::text END
$$;

REVOKE ALL ON FUNCTION campmon._chart_label(double precision,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._chart_label(double precision,text) TO campmon_reader, pg_monitor;

-- A label of a chart: a <text> element at (x, y) given the room it may
-- take (in the chart's units); a label longer than its room is drawn
-- narrower (textLength), never cut.  About 7 units a character at the
-- charts' 11-unit font (wide capitals and digits included).
CREATE OR REPLACE FUNCTION campmon._svg_text(x numeric, y numeric, cls text, anchor text, room numeric, txt text)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT format('<text x="%s" y="%s" class="%s" text-anchor="%s" data-room="%s"%s>%s</text>',
                  x, y, campmon._html(cls), campmon._html(coalesce(anchor, 'start')), room,
                  CASE WHEN length(coalesce(txt, '')) * 7 > room AND room > 0
                       THEN format(' textLength="%s" lengthAdjust="spacingAndGlyphs"', room) ELSE '' END,
                  campmon._html(txt))
$$;

REVOKE ALL ON FUNCTION campmon._svg_text(numeric,numeric,text,text,numeric,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._svg_text(numeric,numeric,text,text,numeric,text) TO campmon_reader, pg_monitor;

-- The ticks of a time axis from x0 to x1 (Unix seconds): at most max_ticks,
-- on whole hours or days (the session's time zone), each with its label.
CREATE OR REPLACE FUNCTION campmon._time_ticks(x0 double precision, x1 double precision, max_ticks integer)
RETURNS TABLE (at double precision, label text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH step AS (
        SELECT s FROM unnest(ARRAY['1 hour', '3 hours', '6 hours', '12 hours', '1 day', '2 days', '7 days', '14 days',
                                   '1 month', '3 months', '1 year', '10 years']::interval[]) s
        WHERE x1 > x0 AND max_ticks > 0
          AND (x1 - x0) / extract(epoch FROM s) <= greatest(max_ticks, 1)
        ORDER BY s LIMIT 1
    )
    SELECT extract(epoch FROM g), to_char(g, CASE WHEN step.s < interval '1 day' THEN 'MM-DD HH24:MI' ELSE 'YYYY-MM-DD' END)
    FROM step, generate_series(date_trunc(CASE WHEN step.s < interval '1 day' THEN 'hour' ELSE 'day' END, to_timestamp(x0)),
                               to_timestamp(x1), step.s) g
    WHERE g >= to_timestamp(x0)
$$;

REVOKE ALL ON FUNCTION campmon._time_ticks(double precision,double precision,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._time_ticks(double precision,double precision,integer) TO campmon_reader, pg_monitor;

-- Small multiples: one panel per series, four to a row across the page,
-- each on its own y scale from 0 (its name, its latest figure, its top
-- and the dates of its ends), so that a series a hundred times larger than
-- the others leaves them readable.  names, xs, ys: parallel arrays, one
-- element per point; series in the order of their first appearance.
CREATE OR REPLACE FUNCTION campmon._svg_multiples(id text, title text, unit text,
                                                 names text[], xs timestamptz[], ys double precision[])
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    cols constant integer := 4;
    pw constant integer := 240;     -- a panel's width
    ph constant integer := 150;     -- and height
    l constant integer := 64;       -- room for the y labels
    t constant integer := 30;       -- for the panel's title
    b constant integer := 24;       -- for the dates
    r constant integer := 14;
    x0 double precision;
    x1 double precision;
    n integer;
    out text := '';
    s record;
    k integer := 0;
    ox integer;
    oy integer;
BEGIN
    IF coalesce(cardinality(xs), 0) = 0 THEN
        RETURN format('<p class="empty" id="%s">%s: no snapshot in this period.</p>', campmon._html(id), campmon._html(title));
    END IF;
    SELECT min(extract(epoch FROM x)), max(extract(epoch FROM x)) INTO x0, x1 FROM unnest(xs) x;
    IF x1 = x0 THEN x1 := x0 + 1; END IF;
    n := (SELECT count(DISTINCT u) FROM unnest(names) u);
    FOR s IN SELECT u.name, greatest(max(u.y), 1) AS ymax, (array_agg(u.y ORDER BY u.x DESC))[1] AS last_y,
                    array_agg(extract(epoch FROM u.x)::float8 ORDER BY u.x) AS px, array_agg(coalesce(u.y, 0) ORDER BY u.x) AS py
             FROM unnest(names, xs, ys) WITH ORDINALITY u(name, x, y, k)
             GROUP BY u.name ORDER BY min(u.k) LOOP
        ox := (k % cols) * pw;
        oy := (k / cols) * ph;
        out := out || format('<g class="panel" transform="translate(%s,%s)">', ox, oy)
            || campmon._svg_text(4, 16, 'legend panel-title', 'start', pw - r - 4,
                                 s.name || ': ' || campmon._chart_label(s.last_y, unit))
            || format('<line x1="%1$s" y1="%2$s" x2="%3$s" y2="%2$s" stroke="#444"/><line x1="%1$s" y1="%4$s" x2="%1$s" y2="%2$s" stroke="#444"/><line x1="%1$s" y1="%4$s" x2="%3$s" y2="%4$s" stroke="#ddd"/>',
                      l, ph - b, pw - r, t)
            || format('<text x="%s" y="%s" text-anchor="end" class="tick">%s</text><text x="%s" y="%s" text-anchor="end" class="tick">%s</text>',
                      l - 4, t + 4, campmon._html(campmon._chart_label(s.ymax, unit)), l - 4, ph - b + 4,
                      campmon._html(campmon._chart_label(0, unit)))
            || format('<text x="%s" y="%s" text-anchor="start" class="tick">%s</text><text x="%s" y="%s" text-anchor="end" class="tick">%s</text>',
                      l, ph - b + 15, to_char(to_timestamp(x0), 'MM-DD'), pw - r, ph - b + 15, to_char(to_timestamp(x1), 'MM-DD'))
            || format('<polyline class="series" data-series="%s" fill="none" stroke="#1f77b4" stroke-width="1.5" points="%s"/></g>',
                      campmon._html(s.name),
                      (SELECT string_agg(format('%s,%s', round((l + (q.x - x0) / (x1 - x0) * (pw - r - l))::numeric, 1),
                                                round((ph - b - q.y / s.ymax * (ph - b - t))::numeric, 1)), ' ' ORDER BY q.o)
                       FROM unnest(s.px, s.py) WITH ORDINALITY q(x, y, o)));
        k := k + 1;
    END LOOP;
    RETURN format('<figure><figcaption>%s</figcaption><svg xmlns="http://www.w3.org/2000/svg" id="%s" class="chart" viewBox="0 0 %s %s" role="img" aria-label="%s">',
                  campmon._html(title), campmon._html(id), cols * pw, ((n + cols - 1) / cols) * ph, campmon._html(title))
           || out || '</svg></figure>';
END $fn$;

REVOKE ALL ON FUNCTION campmon._svg_multiples(text,text,text,text[],timestamptz[],double precision[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._svg_multiples(text,text,text,text[],timestamptz[],double precision[]) TO campmon_reader, pg_monitor;

-- A sparkline of a series (oldest first)
CREATE OR REPLACE FUNCTION campmon._svg_spark(ys double precision[]) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN cardinality(ys) >= 2 THEN
        format('<svg xmlns="http://www.w3.org/2000/svg" class="spark" width="120" height="24" viewBox="0 0 120 24"><polyline fill="none" stroke="#d62728" stroke-width="1.5" points="%s"/></svg>',
               (SELECT string_agg(format('%s,%s', round((2 + 116.0 * (u.i - 1) / (cardinality(ys) - 1))::numeric, 1),
                                         round((22 - 20 * (coalesce(u.y, 0) - m.lo) / greatest(m.hi - m.lo, 1))::numeric, 1)), ' ' ORDER BY u.i)
                FROM unnest(ys) WITH ORDINALITY u(y, i),
                     (SELECT min(y) AS lo, max(y) AS hi FROM unnest(ys) y) m))
        ELSE '' END
$$;

REVOKE ALL ON FUNCTION campmon._svg_spark(double precision[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._svg_spark(double precision[]) TO campmon_reader, pg_monitor;

-- ==== src/sql/report_sections.sql

/*
 * report_sections.sql -- the sections of campmon.report(), one function
 * each, from the snapshots and the trend views: bloat per family (small
 * multiples), work tables by verdict, the largest reclaimable relations
 * (campmon's own tables left out), the checks' timeline on a time axis,
 * the checks now, the forecasts, the last runs, tonight's plan by gain.
 * Each returns the HTML of its section's body; a body of class "empty"
 * says why there is nothing to show.  report.sql puts them together.
 */

-- Bloat per family over time, one panel per family on its own scale: the
-- families with the most bloat now, the largest first (campmon's own
-- tables are autovacuum's, not the reader's)
CREATE OR REPLACE FUNCTION campmon._report_family(period_start timestamptz) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    names text[];
    xs timestamptz[];
    ys double precision[];
BEGIN
    SELECT array_agg(g.name ORDER BY f.rank, s.taken_at), array_agg(s.taken_at ORDER BY f.rank, s.taken_at),
           array_agg(g.bloat_bytes::float8 ORDER BY f.rank, s.taken_at)
    INTO names, xs, ys
    FROM (SELECT g.snapshot_id, g.name, sum(g.bloat_bytes) AS bloat_bytes FROM campmon.snapshot_group g
          WHERE g.grouping = 'family' GROUP BY 1, 2) g
    JOIN campmon.snapshot_taken s ON s.snapshot_id = g.snapshot_id AND s.taken_at > period_start
    JOIN (SELECT t.family, row_number() OVER (ORDER BY sum(t.bloat_bytes) DESC NULLS LAST, t.family) AS rank
          FROM campmon.family_trends t WHERE t.family <> 'campmon' GROUP BY t.family ORDER BY 2 LIMIT 8) f ON f.family = g.name;
    RETURN campmon._svg_multiples('chart-family-bloat',
                                  'Bloat per family (tables, TOAST and indexes), the 8 with the most bloat; each on its own scale',
                                  'bytes', names, xs, ys);
END $fn$;

REVOKE ALL ON FUNCTION campmon._report_family(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_family(timestamptz) TO campmon_reader, pg_monitor;

-- Work tables by verdict over time
CREATE OR REPLACE FUNCTION campmon._report_work_tables(period_start timestamptz) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT campmon._svg_multiples('chart-work-tables', 'Work tables by verdict (count); each on its own scale', 'count',
                              array_agg(g.name ORDER BY s.taken_at), array_agg(s.taken_at ORDER BY s.taken_at),
                              array_agg(g.relations::float8 ORDER BY s.taken_at))
    FROM campmon.snapshot_group g JOIN campmon.snapshot_taken s ON s.snapshot_id = g.snapshot_id AND s.taken_at > period_start
    WHERE g.grouping = 'work_tables'
$$;

REVOKE ALL ON FUNCTION campmon._report_work_tables(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_work_tables(timestamptz) TO campmon_reader, pg_monitor;

-- The largest reclaimable tables and indexes, with their trend; campmon's
-- own tables (its history and snapshots: autovacuum's) are not listed
CREATE OR REPLACE FUNCTION campmon._report_reclaimable(period_start timestamptz, days integer) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN count(*) = 0 THEN '<p class="empty" id="reclaimable">Nothing reclaimable in the snapshots.</p>'
           ELSE '<table id="reclaimable"><tr><th>relation</th><th>kind</th><th>family</th><th>size</th><th>bloat</th><th>bloat %</th><th>bloat a day</th><th>days to critical</th><th>bloat, '
                || days || ' days</th></tr>'
                || string_agg(format('<tr data-relation="%s"><td>%s</td><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td></tr>',
                                     campmon._html(format('%I.%I', t.schema_name, t.relation_name)),
                                     campmon._html(format('%I.%I', t.schema_name, t.relation_name)), t.kind, campmon._html(t.family),
                                     pg_size_pretty(t.bytes), pg_size_pretty(t.bloat_bytes), t.bloat_pct,
                                     coalesce(pg_size_pretty(t.bloat_bytes_per_day), '—'), coalesce(t.days_to_critical::text, '—'),
                                     (SELECT campmon._svg_spark(array_agg(r.bloat_bytes::float8 ORDER BY s.taken_at))
                                      FROM campmon.snapshot_relation r
                                      JOIN campmon.snapshot_taken s ON s.snapshot_id = r.snapshot_id AND s.taken_at > period_start
                                      WHERE r.schema_name = t.schema_name AND r.relation_name = t.relation_name)),
                              '' ORDER BY t.bloat_bytes DESC, t.relation_name)
                || '</table>' END
    FROM (SELECT * FROM campmon.relation_trends
          WHERE bloat_bytes > 0 AND family IS DISTINCT FROM 'campmon' AND schema_name <> 'campmon'
          ORDER BY bloat_bytes DESC LIMIT 15) t
$$;

REVOKE ALL ON FUNCTION campmon._report_reclaimable(timestamptz,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_reclaimable(timestamptz,integer) TO campmon_reader, pg_monitor;

-- The checks' timeline as segments: one lane (k) per check and target that
-- was not ok in the period (the 20 worst, critical first), one segment per
-- run of the same status (Unix seconds a to e)
CREATE OR REPLACE FUNCTION campmon._report_timeline_segments(period_start timestamptz, latest timestamptz)
RETURNS TABLE (k bigint, label text, status text, a double precision, e double precision)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
    WITH l AS (
        SELECT t.check_name, t.target FROM campmon.check_timeline t
        WHERE t.last_not_ok_at > period_start
        ORDER BY t.status = 'critical' DESC, t.status = 'warning' DESC, t.check_name, t.target LIMIT 20
    ),
    h AS (
        SELECT c.check_name, c.target, c.status, c.taken_at,
               lead(c.taken_at) OVER (PARTITION BY c.check_name, c.target ORDER BY c.taken_at) AS next_at
        FROM l JOIN campmon.snapshot_check c ON c.check_name = l.check_name AND c.target = l.target
        WHERE c.taken_at > period_start AND c.taken_at <= latest
    ),
    runs AS (
        SELECT h.*, sum(chg) OVER (PARTITION BY h.check_name, h.target ORDER BY h.taken_at) AS run
        FROM (SELECT h.*, (h.status IS DISTINCT FROM lag(h.status) OVER (PARTITION BY h.check_name, h.target ORDER BY h.taken_at))::int AS chg
              FROM h) h
    ),
    segs AS (
        SELECT check_name, target, run, min(status) AS status, min(taken_at) AS start_at, max(coalesce(next_at, latest)) AS end_at
        FROM runs GROUP BY 1, 2, 3
    ),
    lanes AS (
        SELECT check_name, target,
               row_number() OVER (ORDER BY bool_or(status = 'critical') DESC, check_name, target) AS k
        FROM segs GROUP BY check_name, target
    )
    SELECT lanes.k, s.check_name || ' ' || s.target, s.status, extract(epoch FROM s.start_at)::float8, extract(epoch FROM s.end_at)::float8
    FROM segs s JOIN lanes USING (check_name, target)
    ORDER BY lanes.k, s.start_at
$$;

REVOKE ALL ON FUNCTION campmon._report_timeline_segments(timestamptz,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_timeline_segments(timestamptz,timestamptz) TO campmon_reader, pg_monitor;

-- The checks' timeline drawn: each lane named in full ("check target") in
-- a column as wide as its longest name (at most 60% of the page; a longer
-- one drawn narrower, never cut), its segments on a time axis from the
-- period's first snapshot to its last
CREATE OR REPLACE FUNCTION campmon._report_timeline(period_start timestamptz, latest timestamptz) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    w constant integer := 960;
    lane constant integer := 20;
    top constant integer := 8;
    x0 double precision;
    x1 double precision;
    n integer;
    lw integer;
    bx integer;
BEGIN
    SELECT extract(epoch FROM min(taken_at)), extract(epoch FROM max(taken_at)) INTO x0, x1
    FROM campmon.snapshot_taken WHERE taken_at > period_start AND taken_at <= latest;
    IF x0 IS NULL THEN
        RETURN '<p class="empty" id="chart-checks">No snapshot in this period.</p>';
    END IF;
    IF x1 = x0 THEN x0 := x1 - 1; END IF;
    SELECT count(DISTINCT g.k), max(length(g.label)) * 7 + 16 INTO n, lw
    FROM campmon._report_timeline_segments(period_start, latest) g;
    IF n = 0 THEN
        RETURN '<p class="empty" id="chart-checks">No check was warning or critical in this period.</p>';
    END IF;
    lw := least(greatest(lw, 160), w * 6 / 10);
    bx := lw + 8;
    RETURN format('<figure><figcaption>Checks that were not ok (green ok, yellow warning, red critical), %s to %s</figcaption>',
                  to_char(to_timestamp(x0), 'YYYY-MM-DD HH24:MI'), to_char(to_timestamp(x1), 'YYYY-MM-DD HH24:MI'))
        || format('<svg xmlns="http://www.w3.org/2000/svg" id="chart-checks" class="chart" viewBox="0 0 %s %s" role="img" aria-label="checks over time">',
                  w, top + n * lane + 34)
        -- the time axis: a grid line per tick across the lanes, its date below
        -- (a date near an end of the axis ends, or starts, at its tick)
        || coalesce((SELECT string_agg(format('<line x1="%1$s" y1="%2$s" x2="%1$s" y2="%3$s" stroke="#ccc"/><text x="%1$s" y="%4$s" text-anchor="%6$s" class="tick">%5$s</text>',
                                              tx, top, top + n * lane + 4, top + n * lane + 20, tk.label,
                                              CASE WHEN tx > w - 50 THEN 'end' WHEN tx < bx + 40 THEN 'start' ELSE 'middle' END), '')
                     FROM campmon._time_ticks(x0, x1, 6) tk,
                          LATERAL (SELECT round((bx + (tk.at - x0) / (x1 - x0) * (w - 10 - bx))::numeric, 1) AS tx) p), '')
        || format('<line x1="%1$s" y1="%2$s" x2="%3$s" y2="%2$s" stroke="#444"/>', bx, top + n * lane + 4, w - 10)
        || (SELECT string_agg(campmon._svg_text(4, top + (x.k - 1) * lane + 12, 'legend lane-label', 'start', lw - 4, x.label), '' ORDER BY x.k)
            FROM (SELECT DISTINCT g.k, g.label FROM campmon._report_timeline_segments(period_start, latest) g) x)
        || (SELECT string_agg(format('<rect class="seg %s" x="%s" y="%s" width="%s" height="14" fill="%s"><title>%s</title></rect>',
                                     campmon._html(s.status), round((bx + (s.a - x0) / (x1 - x0) * (w - 10 - bx))::numeric, 1),
                                     top + (s.k - 1) * lane + 2,
                                     greatest(round(((s.e - s.a) / (x1 - x0) * (w - 10 - bx))::numeric, 1), 1.5),
                                     CASE s.status WHEN 'critical' THEN '#c0392b' WHEN 'warning' THEN '#f5c542' ELSE '#8fd18f' END,
                                     campmon._html(s.status)), '' ORDER BY s.k, s.a)
            FROM campmon._report_timeline_segments(period_start, latest) s)
        || '</svg></figure>';
END $fn$;

REVOKE ALL ON FUNCTION campmon._report_timeline(timestamptz,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_timeline(timestamptz,timestamptz) TO campmon_reader, pg_monitor;

-- The checks not ok in the latest snapshot (25 of them, critical first)
CREATE OR REPLACE FUNCTION campmon._report_checks_now() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN n.total = 0 THEN '<p id="checks-now" class="empty">Every check is ok.</p>'
           ELSE '<table id="checks-now"><tr><th>check</th><th>target</th><th>status</th><th>since</th><th>for</th></tr>'
                || (SELECT string_agg(format('<tr class="%s"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>',
                                             campmon._html(c.status), campmon._html(c.check_name), campmon._html(c.target), campmon._html(c.status),
                                             to_char(coalesce(c.critical_since, c.not_ok_since), 'YYYY-MM-DD HH24:MI'),
                                             campmon._html(campmon._human(c.status_for))),
                                      '' ORDER BY c.status = 'warning', c.check_name, c.target)
                    FROM (SELECT * FROM campmon.check_timeline c WHERE c.status <> 'ok'
                          ORDER BY c.status = 'warning', c.check_name, c.target LIMIT 25) c)
                || '</table>'
                || CASE WHEN n.total > 25
                        THEN format('<p class="more">and %s more (%s in all): SELECT * FROM campmon.check_timeline WHERE status &lt;&gt; &#39;ok&#39;</p>',
                                    n.total - 25, campmon._count(n.total, 'check not ok', 'checks not ok'))
                        ELSE '' END END
    FROM (SELECT count(*) AS total FROM campmon.check_timeline c WHERE c.status <> 'ok') n
$$;

REVOKE ALL ON FUNCTION campmon._report_checks_now() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_checks_now() TO campmon_reader, pg_monitor;

-- When the disks fill up and xtknewid wraps
CREATE OR REPLACE FUNCTION campmon._report_forecasts() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN count(*) = 0 THEN '<p class="empty" id="forecasts">No tablespace or sequence in the snapshots.</p>'
           ELSE '<table id="forecasts"><tr><th>what</th><th>now</th><th>trend</th><th>forecast</th></tr>'
                || string_agg(x.line, '' ORDER BY x.o) || '</table>' END
    FROM (
        SELECT 1 AS o, format('<tr><td>tablespace %s</td><td>%s available of %s</td><td>%s a day</td><td>%s</td></tr>',
                              campmon._html(t.tablespace), pg_size_pretty(t.available_bytes), pg_size_pretty(t.total_bytes),
                              coalesce(pg_size_pretty(t.available_bytes_per_day), '—'),
                              coalesce('full in ' || t.days_to_full || ' days', campmon._html(t.note), 'not filling')) AS line
        FROM campmon.tablespace_trends t
        UNION ALL
        SELECT 2, format('<tr><td>sequence %s</td><td>%s%% used</td><td>%s ids a day</td><td>%s</td></tr>',
                         campmon._html(q.sequence_name), q.used_pct, coalesce(q.ids_per_day::text, '—'),
                         coalesce('wraps in ' || q.days_to_wrap || ' days', campmon._html(q.note), 'not advancing'))
        FROM campmon.sequence_trends q) x
$$;

REVOKE ALL ON FUNCTION campmon._report_forecasts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_forecasts() TO campmon_reader, pg_monitor;

-- The last ten runs and what they gave back
CREATE OR REPLACE FUNCTION campmon._report_runs() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN count(*) = 0 THEN '<p class="empty" id="runs">No run of campmon.run_plan yet.</p>'
           ELSE '<table id="runs"><tr><th>run</th><th>started</th><th>status</th><th>steps done</th><th>gained (history)</th><th>targets (snapshots)</th><th>all tables (snapshots)</th></tr>'
                || string_agg(format('<tr><td class="n">%s</td><td>%s</td><td>%s%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td></tr>',
                                     g.run_id, to_char(g.started_at, 'YYYY-MM-DD HH24:MI'), campmon._html(g.status),
                                     CASE WHEN g.dry_run THEN ' (dry run)' ELSE '' END, g.steps_done,
                                     coalesce(pg_size_pretty(g.history_gained_bytes), '—'),
                                     coalesce(pg_size_pretty(g.targets_gained_bytes), '—'),
                                     coalesce(pg_size_pretty(g.total_gained_bytes), '—')), '' ORDER BY g.run_id DESC)
                || '</table>' END
    FROM (SELECT * FROM campmon.run_gains ORDER BY run_id DESC LIMIT 10) g
$$;

REVOKE ALL ON FUNCTION campmon._report_runs() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_runs() TO campmon_reader, pg_monitor;

-- Tonight's plan, as the nightly job's role (the newest real run's) would
-- run it: the steps with the largest expected gain first, then how many
-- more and what all of them expect in all
CREATE OR REPLACE FUNCTION campmon._report_plan() RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    shown constant integer := 15;
    runner name := (SELECT r.run_by FROM campmon.run r WHERE NOT r.dry_run
                    AND EXISTS (SELECT FROM pg_roles o WHERE o.rolname = r.run_by)
                    ORDER BY r.run_id DESC LIMIT 1);
    rows text;
    n bigint;
    gain bigint;
BEGIN
    SELECT string_agg(format('<tr><td class="n">%s</td><td class="nowrap">%s</td><td>%s</td><td class="n">%s</td><td>%s</td><td class="reason">%s</td></tr>',
                             x.step, campmon._html(x.action), campmon._html(x.target),
                             coalesce(pg_size_pretty(x.expected_gain_bytes), '—'), campmon._html(x.lock_level),
                             campmon._html(x.reason)), '' ORDER BY x.k) FILTER (WHERE x.k <= shown),
           count(*), sum(x.expected_gain_bytes)
    INTO rows, n, gain
    FROM (SELECT p.*, row_number() OVER (ORDER BY p.expected_gain_bytes DESC NULLS LAST, p.step) AS k
          FROM campmon.plan(run_as => runner) p) x;
    IF n = 0 THEN
        RETURN '<p class="empty" id="plan">Nothing to do.</p>';
    END IF;
    RETURN format('<p>%s expecting %s in all%s; the largest gains first (step: the order they run in).</p>',
                  campmon._count(n, 'step'), pg_size_pretty(coalesce(gain, 0)),
                  CASE WHEN runner IS NOT NULL THEN ', as ' || campmon._html(quote_ident(runner)) || ', the nightly run''s role, may run them' ELSE '' END)
        || '<table id="plan"><tr><th>step</th><th>action</th><th>target</th><th>expected gain</th><th>lock</th><th>why</th></tr>' || rows || '</table>'
        || CASE WHEN n > shown
                THEN format('<p class="more" id="plan-more">and %s (%s in all): SELECT * FROM campmon.plan()</p>',
                            campmon._count(n - shown, 'more step', 'more steps'), pg_size_pretty(coalesce(gain, 0)))
                ELSE '' END;
EXCEPTION WHEN OTHERS THEN
    RETURN '<p class="empty" id="plan">' || campmon._html('no plan: ' || SQLERRM) || '</p>';
END $fn$;

REVOKE ALL ON FUNCTION campmon._report_plan() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_plan() TO campmon_reader, pg_monitor;

-- ==== src/sql/report_vacuum.sql

/*
 * report_vacuum.sql -- the report's section "What stops VACUUM"
 * (campmon.report, report.sql): the inputs of the xmin horizon, wraparound
 * and autovacuum now, and the ages over the period from the snapshots.
 */

-- The section "What stops VACUUM": what holds the xmin horizon now (as
-- the caller may see it), how far wraparound is, whether autovacuum keeps
-- up, and the horizon's and the database's ages over the period from the
-- snapshots (snapshot_horizon).
CREATE OR REPLACE FUNCTION campmon._report_vacuum(period_start timestamptz) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    doc text := '';
    rows text;
    names text[];
    xs timestamptz[];
    ys double precision[];
BEGIN
    SELECT string_agg(format('<tr data-kind="%s"><td>%s</td><td>%s</td><td>%s</td><td class="n">%s</td><td>%s</td><td>%s</td><td>%s</td></tr>',
                             campmon._html(b.kind), campmon._html(b.kind), campmon._html(campmon._blocker_detail(b)),
                             CASE WHEN b.holds = 'rows' THEN 'dead rows of every table' ELSE 'dead rows of the system catalogs' END,
                             b.xid_age, campmon._html(coalesce(campmon._human(b.age), 'unknown')),
                             campmon._html(b.dead_rows_note), campmon._html(b.advice)), '' ORDER BY b.xid_age DESC)
    INTO rows FROM (SELECT * FROM campmon.vacuum_blockers LIMIT 10) b;
    doc := doc || CASE WHEN rows IS NULL
                       THEN '<p class="quiet" id="blockers">Nothing holds the xmin horizon back: VACUUM can remove the dead rows of every finished transaction.</p>'
                       ELSE '<table id="blockers"><tr><th>what</th><th>who</th><th>holds</th><th>transactions old</th><th>for</th><th>held</th><th>advice (campmon never acts on it)</th></tr>'
                            || rows || '</table>' END;

    SELECT string_agg(format('<tr class="%s"><td>%s</td><td>%s</td><td class="n">%s</td><td class="n">%s%%</td><td class="n">%s</td><td class="n">%s</td></tr>',
                             CASE WHEN w.age >= w.failsafe_age THEN 'critical' WHEN w.age > w.freeze_max_age THEN 'warning' ELSE 'ok' END,
                             CASE w.counter WHEN 'xid' THEN 'transaction IDs' ELSE 'multixacts' END, campmon._html(w.name), w.age,
                             round(100.0 * w.age / w.freeze_max_age), w.remaining, coalesce(w.days_left::text, '—')),
                      '' ORDER BY w.counter DESC, w.scope, w.age DESC)
    INTO rows
    FROM (SELECT x.*, row_number() OVER (PARTITION BY x.counter ORDER BY x.age DESC) AS n FROM campmon.wraparound x
          WHERE x.scope = 'table' OR x.name = current_database()) w
    WHERE w.scope = 'database' OR w.n <= 2;
    doc := doc || '<table id="wraparound"><tr><th>counter</th><th>database or table</th><th>age</th><th>of its freeze age</th><th>left to the limit</th><th>days left</th></tr>'
               || coalesce(rows, '') || '</table>';

    SELECT string_agg(format('<li class="%s">%s: %s</li>', campmon._html(c.status), campmon._html(c.check_name), campmon._html(c.message)), '' ORDER BY c.check_name)
    INTO rows FROM campmon.checks c WHERE c.check_name IN ('autovacuum_debt', 'stale_statistics') AND c.target IN ('autovacuum', 'autovacuum workers', 'statistics');
    doc := doc || '<ul id="autovacuum">' || coalesce(rows, '') || '</ul>';

    -- the ages over the period
    SELECT array_agg(v.name ORDER BY s.taken_at), array_agg(s.taken_at ORDER BY s.taken_at), array_agg(v.age ORDER BY s.taken_at)
    INTO names, xs, ys
    FROM campmon.snapshot_horizon h JOIN campmon.snapshot_taken s ON s.snapshot_id = h.snapshot_id AND s.taken_at > period_start
    CROSS JOIN LATERAL (VALUES ('oldest input of the horizon', coalesce(h.horizon_xid_age, 0)::float8),
                               ('database transaction ID age', h.xid_age::float8),
                               ('database multixact age', h.mxid_age::float8)) v(name, age);
    RETURN doc || campmon._svg_multiples('chart-horizon', 'The horizon''s and the database''s ages (transactions, multixacts)', 'count', names, xs, ys);
END $fn$;

REVOKE ALL ON FUNCTION campmon._report_vacuum(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_vacuum(timestamptz) TO campmon_reader, pg_monitor;

-- ==== src/sql/run_effects.sql

/*
 * run_effects.sql -- what each run of run_plan changed, relation by
 * relation: campmon.run_effects (the history's own sizes and dead rows
 * before and after each relation's steps, beside the size and bloat the
 * snapshots taken around the run measured) and its section of
 * campmon.report().  campmon.run_gains sums a run; this view says which
 * relation each figure comes from, so that a DBA sees the evidence, not
 * only a total.
 */

-- One row per run and relation a done step of it acted on.  A relation is
-- matched to its snapshot rows by name, not OID: REINDEX CONCURRENTLY gives
-- the rebuilt index a new OID under the old name.  Snapshots: the latest
-- taken when the run started, the first taken after it ended (as run_gains).
CREATE OR REPLACE VIEW campmon.run_effects WITH (security_invoker = true) AS
SELECT r.run_id, r.started_at, r.finished_at, t.target, t.family, t.actions, t.steps,
       t.size_before, t.size_after, t.dead_rows_before, t.dead_rows_after,
       b.taken_at AS snapshot_before_at, a.taken_at AS snapshot_after_at,
       coalesce(rb.kind, ra.kind) AS kind,
       rb.total_bytes AS total_bytes_before, ra.total_bytes AS total_bytes_after,
       rb.bloat_bytes AS bloat_bytes_before, ra.bloat_bytes AS bloat_bytes_after,
       rb.bloat_pct AS bloat_pct_before, ra.bloat_pct AS bloat_pct_after
FROM campmon.run r
CROSS JOIN LATERAL (
    SELECT s.target, min(s.family) AS family, string_agg(DISTINCT s.action, ', ') AS actions, count(*) AS steps,
           (array_agg(s.size_before ORDER BY s.step))[1] AS size_before,
           (array_agg(s.size_after ORDER BY s.step DESC))[1] AS size_after,
           (array_agg(s.dead_rows_before ORDER BY s.step))[1] AS dead_rows_before,
           (array_agg(s.dead_rows_after ORDER BY s.step DESC))[1] AS dead_rows_after,
           -- a target plan() wrote as format('%I.%I'): its two names
           CASE WHEN s.target ~ '^("([^"]|"")+"|[a-z_][a-z0-9_$]*)\.("([^"]|"")+"|[a-z_][a-z0-9_$]*)$'
                THEN pg_catalog.parse_ident(s.target) END AS names
    FROM campmon.run_step s
    WHERE s.run_id = r.run_id AND s.outcome = 'done' AND s.target IS NOT NULL
    GROUP BY s.target
) t
LEFT JOIN LATERAL (
    SELECT s.snapshot_id, s.taken_at FROM campmon.snapshot_taken s
    WHERE s.taken_at <= r.started_at ORDER BY s.taken_at DESC LIMIT 1
) b ON true
LEFT JOIN LATERAL (
    SELECT s.snapshot_id, s.taken_at FROM campmon.snapshot_taken s
    WHERE r.finished_at IS NOT NULL AND s.taken_at >= r.finished_at ORDER BY s.taken_at LIMIT 1
) a ON true
LEFT JOIN campmon.snapshot_relation rb
       ON rb.snapshot_id = b.snapshot_id AND rb.schema_name = t.names[1] AND rb.relation_name = t.names[2]
LEFT JOIN campmon.snapshot_relation ra
       ON ra.snapshot_id = a.snapshot_id AND ra.schema_name = t.names[1] AND ra.relation_name = t.names[2]
-- the table the relation is (or, for an index, belongs to) now, by name
LEFT JOIN LATERAL (
    SELECT coalesce(i.indrelid, c.oid) AS table_oid
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
    WHERE n.nspname = t.names[1] AND c.relname = t.names[2]
) o ON true
WHERE NOT r.dry_run
  -- a reader sees the figures of the tables it may measure, as in the
  -- snapshots (a relation gone since, without a snapshot row it may read:
  -- only with pg_stat_scan_tables)
  AND campmon._may_see_figures(coalesce(o.table_oid, rb.table_relid, ra.table_relid));

COMMENT ON VIEW campmon.run_effects IS
'Per run of campmon.run_plan and relation a done step acted on: its actions, its size and dead rows before and after (history), its size and bloat in the snapshots taken before and after the run (doc/trends.md)';

REVOKE ALL ON campmon.run_effects FROM PUBLIC;
GRANT SELECT ON campmon.run_effects TO campmon_reader, pg_monitor;

-- The report's section: the last runs (at most five) that ended after
-- period_start and, for each, at most twelve relations it acted on: those
-- the snapshots measured around it first (the evidence), the largest first
-- (not the dozens of small work tables a run drops), with what the history
-- and the snapshots say before and after.  HTML, every name through
-- campmon._html.
CREATE OR REPLACE FUNCTION campmon._report_run_effects(period_start timestamptz) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    rows text;
    runs bigint;
BEGIN
    SELECT string_agg(format('<tr data-run="%s"><td class="n">%s</td><td>%s</td><td>%s</td><td class="n">%s → %s</td><td class="n">%s → %s</td><td class="n">%s → %s</td><td class="n">%s → %s</td></tr>',
                             e.run_id, e.run_id, campmon._html(e.target), campmon._html(e.actions),
                             coalesce(pg_size_pretty(e.size_before), '—'), coalesce(pg_size_pretty(e.size_after), '—'),
                             coalesce(e.dead_rows_before::text, '—'), coalesce(e.dead_rows_after::text, '—'),
                             coalesce(pg_size_pretty(e.total_bytes_before), '—'), coalesce(pg_size_pretty(e.total_bytes_after), '—'),
                             coalesce(e.bloat_pct_before || '% (' || pg_size_pretty(e.bloat_bytes_before) || ')', '—'),
                             coalesce(e.bloat_pct_after || '% (' || pg_size_pretty(e.bloat_bytes_after) || ')', '—')),
                      '' ORDER BY e.run_id DESC, e.rank),
           count(DISTINCT e.run_id)
    INTO rows, runs
    FROM (SELECT x.*, row_number() OVER (PARTITION BY x.run_id
                                         ORDER BY (x.total_bytes_before IS NOT NULL OR x.total_bytes_after IS NOT NULL) DESC,
                                                  greatest(coalesce(x.total_bytes_before, 0), coalesce(x.size_before, 0)) DESC,
                                                  x.target) AS rank
          FROM campmon.run_effects x
          WHERE x.run_id IN (SELECT g.run_id FROM campmon.run g
                             WHERE NOT g.dry_run AND g.finished_at > coalesce(period_start, '-infinity')
                             ORDER BY g.run_id DESC LIMIT 5)) e
    WHERE e.rank <= 12;
    RETURN ''
        || CASE WHEN rows IS NULL
                THEN '<p class="empty" id="run-effects">No run of campmon.run_plan did a step in this period.</p>'
                ELSE format('<p>The last %s run(s) and the largest relations each acted on: the history''s own size and dead rows before and after the steps, and the size (with TOAST and indexes) and bloat measured by the snapshots taken before and after the run (— where no snapshot was taken around it: SELECT campmon.snapshot() before and after a run). SELECT * FROM campmon.run_effects has them all.</p>', runs)
                     || '<table id="run-effects"><tr><th>run</th><th>relation</th><th>steps</th><th>size (history)</th><th>dead rows (history)</th><th>size (snapshots)</th><th>bloat (snapshots)</th></tr>'
                     || rows || '</table>' END;
END $fn$;

COMMENT ON FUNCTION campmon._report_run_effects(timestamptz) IS
'campmon.report()''s section on what the last runs changed, relation by relation (campmon.run_effects)';

REVOKE ALL ON FUNCTION campmon._report_run_effects(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._report_run_effects(timestamptz) TO campmon_reader, pg_monitor;

-- ==== src/sql/report.sql

/*
 * report.sql -- campmon.report(): one self-contained HTML document a DBA
 * opens in a browser or mails weekly, from the snapshots and the trend
 * views: its contents at the top, then bloat per family over time, work
 * tables by verdict over time, the largest reclaimable tables and indexes
 * with their trend, the checks' timeline, the checks now, the forecasts,
 * the last runs and what they gave back, tonight's plan.  Charts are inline
 * SVG as wide as the page (report_svg.sql); each section is a function of
 * report_sections.sql.  No script, no external resource, no link but to
 * its own sections.  A SQL function rather than a script: it runs wherever
 * psql or pg_cron does, needs no client-side tool, and is what the tests
 * render in Chromium.
 */

CREATE OR REPLACE FUNCTION campmon.report(days integer DEFAULT 28) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    latest timestamptz := (SELECT max(taken_at) FROM campmon.snapshot_taken);
    period_start timestamptz;
    first_at timestamptz;
    n_snap bigint;
    n_synth bigint;
    doc text;
    sections text[][];
    toc text := '';
    content text := '';
    k integer;
BEGIN
    IF days IS NULL OR days < 1 OR days > 36500 THEN
        RAISE EXCEPTION 'days must be between 1 and 36500, not %', coalesce(days::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'SELECT campmon.report(28) covers the last four weeks of snapshots.';
    END IF;
    period_start := latest - make_interval(days => days);
    SELECT count(*), count(*) FILTER (WHERE synthetic), min(taken_at) INTO n_snap, n_synth, first_at
    FROM campmon.snapshot_taken WHERE taken_at > period_start;

    doc := format($h$<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>campmon report: %s</title>
<style>
body { font-family: "DejaVu Sans", sans-serif; margin: 24px; color: #222; max-width: 1100px; }
h1 { font-size: 22px; } h2 { font-size: 17px; border-bottom: 1px solid #ccc; padding-bottom: 3px; margin-top: 28px; }
table { border-collapse: collapse; font-size: 12px; } td, th { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
td.n, td.nowrap { text-align: right; white-space: nowrap; } td.nowrap { text-align: left; } th { background: #f3f3f3; } td.reason { font-size: 11px; color: #444; }
.critical { color: #fff; background: #c0392b; } .warning { background: #f5c542; } .ok { background: #d5f0d5; }
.synthetic { background: #fde2e2; border: 2px solid #c0392b; padding: 8px; font-weight: bold; }
figure { margin: 8px 0; } figcaption { font-weight: bold; font-size: 13px; margin-bottom: 4px; }
svg.chart { width: 100%%; height: auto; display: block; }
.tick, .legend { font-size: 11px; fill: #333; } .panel-title { font-weight: bold; } .empty { color: #777; font-style: italic; }
nav#contents ol { margin: 4px 0; padding-left: 22px; columns: 2; font-size: 13px; } nav#contents a { color: #1f4e8c; }
</style></head><body>
<h1>campmon report: database %s</h1>
$h$, campmon._html(current_database()), campmon._html(current_database()));

    IF latest IS NULL THEN
        RETURN doc || '<p class="empty" id="no-snapshot">No snapshot yet: run SELECT campmon.snapshot() (hourly with pg_cron, see the README).</p></body></html>';
    END IF;

    doc := doc || format('<p id="summary">Generated %s from %s taken between %s and %s (the last %s; campmon %s).</p>',
                         to_char(now(), 'YYYY-MM-DD HH24:MI TZ'), campmon._count(n_snap, 'snapshot'),
                         to_char(first_at, 'YYYY-MM-DD HH24:MI'), to_char(latest, 'YYYY-MM-DD HH24:MI'),
                         campmon._count(days, 'day'), campmon._html(campmon.version()));
    IF n_synth > 0 THEN
        doc := doc || format('<p class="synthetic" id="synthetic-warning">SYNTHETIC DATA: %s of these %s were made up (demo back-fill or benchmark), not measured.</p>',
                             n_synth, campmon._count(n_snap, 'snapshot'));
    END IF;

    -- id, title, body of each section, in the order of the contents
    sections := ARRAY[
        ARRAY['s-family', 'Bloat per family', campmon._report_family(period_start)],
        ARRAY['s-work-tables', 'Work tables by verdict', campmon._report_work_tables(period_start)],
        ARRAY['s-reclaimable', 'Largest reclaimable tables and indexes', campmon._report_reclaimable(period_start, days)],
        ARRAY['s-timeline', 'Checks'' timeline', campmon._report_timeline(period_start, latest)],
        ARRAY['s-checks-now', 'Checks not ok in the latest snapshot', campmon._report_checks_now()],
        ARRAY['s-vacuum', 'What stops VACUUM', campmon._report_vacuum(period_start)],
        ARRAY['s-forecasts', 'Forecasts', campmon._report_forecasts()],
        ARRAY['s-runs', 'Last runs', campmon._report_runs()],
        ARRAY['s-run-effects', 'What the runs changed', campmon._report_run_effects(period_start)],
        ARRAY['s-plan', 'Tonight''s plan', campmon._report_plan()]];
    FOR k IN 1 .. array_length(sections, 1) LOOP
        toc := toc || format('<li><a href="#%s">%s</a></li>', sections[k][1], campmon._html(sections[k][2]));
        content := content || format('<section id="%s"><h2>%s</h2>%s</section>', sections[k][1], campmon._html(sections[k][2]),
                                     coalesce(sections[k][3], ''));
    END LOOP;

    RETURN doc || '<nav id="contents"><h2>Contents</h2><ol>' || toc || '</ol></nav>' || content
               || '<p class="empty">campmon.report(): figures from campmon''s snapshots and trend views (doc/trends.md).</p></body></html>';
END $fn$;

COMMENT ON FUNCTION campmon.report(integer) IS
'A self-contained HTML report (contents, inline SVG charts, no script) of the last days of snapshots: bloat per family, work tables by verdict, largest reclaimable relations with their trend, checks'' timeline, checks now, what stops VACUUM, forecasts, last runs, what they changed, tonight''s plan';

REVOKE ALL ON FUNCTION campmon.report(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.report(integer) TO campmon_reader, pg_monitor;
