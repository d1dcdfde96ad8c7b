/* campmon--0.4--0.5.sql: listings that open no relation.  campmon.tables
   and campmon.indexes read the catalogs once per query (sizes, and in
   stats mode the whole row) instead of opening every relation: flat
   memory and linear time at 50,000 relations, and no wait behind a table
   locked by TRUNCATE or VACUUM FULL in the default mode. */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION campmon UPDATE TO '0.5'" to load this file. \quit

-- campmon.tables' row of one table: try_table_bloat's columns, then
-- indexes_bytes and total_bytes (as pg_indexes_size and
-- pg_total_relation_size, from file sizes).  Internal: for the view.
CREATE FUNCTION campmon._list_table(
    rel oid,
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
    live_tuples bigint,
    dead_tuples bigint,
    live_bytes bigint,
    dead_bytes bigint,
    free_bytes bigint,
    min_bytes bigint,
    bloat_bytes bigint,
    bloat_pct double precision,
    bloat_pct_low double precision,
    bloat_pct_high double precision,
    toast_relid regclass,
    toast_method text,
    toast_bytes bigint,
    toast_scanned_pages bigint,
    toast_live_bytes bigint,
    toast_dead_bytes bigint,
    toast_free_bytes bigint,
    toast_min_bytes bigint,
    toast_bloat_bytes bigint,
    toast_bloat_pct double precision,
    indexes_bytes bigint,
    total_bytes bigint)
AS 'MODULE_PATHNAME', 'campmon_list_table'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL RESTRICTED ROWS 1;

REVOKE ALL ON FUNCTION campmon._list_table(oid, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._list_table(oid, text, integer) TO campmon_reader, pg_monitor;

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
    b.live_tuples,
    b.dead_tuples,
    b.live_bytes,
    b.dead_bytes,
    b.free_bytes,
    b.min_bytes,
    b.bloat_bytes,
    round(b.bloat_pct::numeric, 2)          AS bloat_pct,
    round(b.bloat_pct_low::numeric, 2)      AS bloat_pct_low,
    round(b.bloat_pct_high::numeric, 2)     AS bloat_pct_high,
    b.toast_bloat_bytes,
    round(b.toast_bloat_pct::numeric, 2)    AS toast_bloat_pct,
    s.n_live_tup,
    s.n_dead_tup,
    s.n_mod_since_analyze,
    s.last_vacuum,
    s.last_autovacuum,
    s.last_analyze,
    s.last_autoanalyze,
    s.vacuum_count,
    s.autovacuum_count,
    s.analyze_count,
    s.autoanalyze_count,
    campmon.family_of(n.nspname, c.relname) AS family
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL campmon._list_table(
    c.oid,
    COALESCE(pg_catalog.current_setting('campmon.tables_mode', true), 'stats'),
    NULL) b
LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
WHERE c.relkind = 'r'
  AND (c.relpersistence <> 't' OR c.relnamespace = pg_catalog.pg_my_temp_schema());

-- campmon.indexes' measurement of one index (try_index_bloat's row); in
-- stats mode from the catalogs read once per query.  Internal: for the view.
CREATE FUNCTION campmon._list_index(
    idx oid,
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
    avg_leaf_density double precision,
    avg_leaf_density_low double precision,
    avg_leaf_density_high double precision,
    leaf_fragmentation double precision,
    leaf_fragmentation_low double precision,
    leaf_fragmentation_high double precision,
    leaf_items bigint,
    min_bytes bigint,
    bloat_bytes bigint,
    bloat_pct double precision,
    bloat_pct_low double precision,
    bloat_pct_high double precision)
AS 'MODULE_PATHNAME', 'campmon_list_index'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL RESTRICTED ROWS 1;

REVOKE ALL ON FUNCTION campmon._list_index(oid, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._list_index(oid, text, integer) TO campmon_reader, pg_monitor;

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
    round(b.avg_leaf_density::numeric, 2)     AS avg_leaf_density,
    round(b.leaf_fragmentation::numeric, 2)   AS leaf_fragmentation,
    b.leaf_items,
    b.min_bytes,
    b.bloat_bytes,
    round(b.bloat_pct::numeric, 2)            AS bloat_pct,
    round(b.bloat_pct_low::numeric, 2)        AS bloat_pct_low,
    round(b.bloat_pct_high::numeric, 2)       AS bloat_pct_high,
    s.idx_scan,
    s.idx_tup_read,
    s.idx_tup_fetch,
    campmon.family_of(tn.nspname, t.relname)  AS family
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = i.relnamespace
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
CROSS JOIN LATERAL campmon._list_index(
    x.indexrelid,
    COALESCE(pg_catalog.current_setting('campmon.indexes_mode', true), 'stats'),
    NULL) b
LEFT JOIN pg_catalog.pg_constraint con
       ON con.conindid = x.indexrelid AND con.contype IN ('p', 'u', 'x')
LEFT JOIN pg_catalog.pg_stat_all_indexes s ON s.indexrelid = x.indexrelid
WHERE i.relkind = 'i'
  AND (i.relpersistence <> 't' OR i.relnamespace = pg_catalog.pg_my_temp_schema());

-- The family of a name, in C: the listings call it for every relation
-- (50,000 calls of the SQL version took a second).  Same rules, same
-- answers: campmon.family read once per query.
CREATE OR REPLACE FUNCTION campmon.family_of(schema_name text, table_name text) RETURNS text
AS 'MODULE_PATHNAME', 'campmon_family_of'
LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

-- drop_work_table refuses what cannot be a work table (kind, schema, name)
-- before it locks anything: a wrong OID must not take, or queue for,
-- ACCESS EXCLUSIVE on a live table or a catalog.
CREATE OR REPLACE FUNCTION campmon.drop_work_table(rel oid, include_suspect boolean DEFAULT false)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    name text;
    kind "char";
    nsp_name text;
    rel_name text;
    st record;
BEGIN
    PERFORM campmon.version();      -- defines campmon.work_table_schemas
    SELECT format('%I.%I', n.nspname, c.relname), c.relkind, n.nspname, c.relname INTO name, kind, nsp_name, rel_name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = rel;
    IF name IS NULL THEN
        RETURN 'gone already';
    END IF;
    -- what cannot be a work table (campmon.stale_tables' kind, schema and
    -- name filter) is refused before the lock: a wrong OID must not take,
    -- or queue for, ACCESS EXCLUSIVE on a live table or a catalog
    IF kind NOT IN ('r', 'v')
       OR NOT nsp_name = ANY (string_to_array(replace(current_setting('campmon.work_table_schemas'), ' ', ''), ','))
       OR NOT EXISTS (SELECT FROM campmon.family f WHERE f.family IN ('work_table', 'list') AND rel_name ~ f.pattern
                      UNION ALL SELECT FROM campmon.work_table_rule w WHERE rel_name ~ w.pattern) THEN
        RAISE EXCEPTION 'not dropped: % is not a work table', name USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- the lock first: the verdict is then re-read with nobody else inside
    EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', name);
    SELECT * INTO st FROM campmon._stale_tables() s WHERE s.relid = rel;
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

-- run_plan names its operators with their schema: it cannot have SET
-- search_path (it commits), and an operator of a schema the caller puts
-- before pg_catalog would otherwise run inside it.
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
    INOUT run_id bigint DEFAULT NULL,
    INOUT summary text DEFAULT NULL)
LANGUAGE plpgsql
AS $proc$
DECLARE
    st text;
    failed bigint;
BEGIN
    run_id := campmon.start_plan(dry_run, families, actions, min_gain_bytes, max_steps,
                                 include_suspect, allow_blocking, lock_timeout,
                                 statement_timeout, time_budget);
    LOOP
        COMMIT;
        SELECT r.status, r.summary INTO st, summary FROM campmon.run r
        WHERE r.run_id OPERATOR(pg_catalog.=) run_plan.run_id;
        EXIT WHEN st OPERATOR(pg_catalog.<>) 'running' AND st OPERATOR(pg_catalog.<>) 'cancelling';
        PERFORM pg_catalog.pg_sleep(0.1);
    END LOOP;
    SELECT pg_catalog.count(*) INTO failed FROM campmon.run_step s
    WHERE s.run_id OPERATOR(pg_catalog.=) run_plan.run_id AND s.outcome OPERATOR(pg_catalog.=) 'failed';
    IF failed OPERATOR(pg_catalog.>) 0 THEN
        RAISE EXCEPTION 'campmon run %: % steps failed', run_id, failed
            USING ERRCODE = 'triggered_action_exception', DETAIL = summary,
                  HINT = pg_catalog.format('SELECT step, command, error FROM campmon.history WHERE run_id = %s AND outcome = ''failed'';', run_id);
    END IF;
    RAISE NOTICE 'campmon run %: %', run_id, summary;
END
$proc$;
