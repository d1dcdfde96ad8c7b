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
