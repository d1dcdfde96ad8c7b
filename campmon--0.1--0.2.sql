/* campmon--0.1--0.2.sql: B-tree index bloat and the campmon.indexes view */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION campmon UPDATE TO '0.2'" to load this file. \quit

CREATE FUNCTION campmon.index_bloat(
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
    OUT avg_leaf_density double precision,
    OUT avg_leaf_density_low double precision,
    OUT avg_leaf_density_high double precision,
    OUT leaf_fragmentation double precision,
    OUT leaf_fragmentation_low double precision,
    OUT leaf_fragmentation_high double precision,
    OUT leaf_items bigint,
    OUT min_bytes bigint,
    OUT bloat_bytes bigint,
    OUT bloat_pct double precision,
    OUT bloat_pct_low double precision,
    OUT bloat_pct_high double precision)
RETURNS record
AS 'MODULE_PATHNAME', 'campmon_index_bloat'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION campmon.index_bloat(regclass, text, integer) IS
'Density, fragmentation and bloat of one B-tree index; mode auto, exact, sampled or stats';

CREATE FUNCTION campmon.try_index_bloat(
    idx oid,
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
AS 'MODULE_PATHNAME', 'campmon_try_index_bloat'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE ROWS 1;

COMMENT ON FUNCTION campmon.try_index_bloat(oid, text, integer) IS
'Like index_bloat, but no row instead of an error for indexes that cannot be measured';

-- Every index of the database (system catalogs' included), measured in
-- campmon.indexes_mode (default stats: no page reads), with its table, the
-- constraint it backs and how often it is used.  Indexes the caller may not
-- measure and other sessions' temporary indexes are left out.  Column names
-- are stable: BI tools read this view.
CREATE VIEW campmon.indexes AS
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
    s.idx_tup_fetch
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = i.relnamespace
CROSS JOIN LATERAL campmon.try_index_bloat(
    x.indexrelid,
    COALESCE(pg_catalog.current_setting('campmon.indexes_mode', true), 'stats')) b
LEFT JOIN pg_catalog.pg_constraint con
       ON con.conindid = x.indexrelid AND con.contype IN ('p', 'u', 'x')
LEFT JOIN pg_catalog.pg_stat_all_indexes s ON s.indexrelid = x.indexrelid
WHERE i.relkind = 'i'
  AND (i.relpersistence <> 't' OR i.relnamespace = pg_catalog.pg_my_temp_schema());

COMMENT ON VIEW campmon.indexes IS
'Every index of the database with size, density, fragmentation, bloat (campmon.indexes_mode), validity and use';

REVOKE ALL ON FUNCTION campmon.index_bloat(regclass, text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon.try_index_bloat(oid, text, integer) FROM PUBLIC;
REVOKE ALL ON campmon.indexes FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.index_bloat(regclass, text, integer) TO campmon_reader, pg_monitor;
GRANT EXECUTE ON FUNCTION campmon.try_index_bloat(oid, text, integer) TO campmon_reader, pg_monitor;
GRANT SELECT ON campmon.indexes TO campmon_reader, pg_monitor;
