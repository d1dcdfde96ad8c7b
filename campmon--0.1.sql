/* campmon--0.1.sql: heap bloat measurement and the campmon.tables view */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION campmon" to load this file. \quit

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

CREATE FUNCTION campmon.table_bloat(
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
    OUT live_tuples bigint,
    OUT dead_tuples bigint,
    OUT live_bytes bigint,
    OUT dead_bytes bigint,
    OUT free_bytes bigint,
    OUT min_bytes bigint,
    OUT bloat_bytes bigint,
    OUT bloat_pct double precision,
    OUT bloat_pct_low double precision,
    OUT bloat_pct_high double precision,
    OUT toast_relid regclass,
    OUT toast_method text,
    OUT toast_bytes bigint,
    OUT toast_scanned_pages bigint,
    OUT toast_live_bytes bigint,
    OUT toast_dead_bytes bigint,
    OUT toast_free_bytes bigint,
    OUT toast_min_bytes bigint,
    OUT toast_bloat_bytes bigint,
    OUT toast_bloat_pct double precision)
RETURNS record
AS 'MODULE_PATHNAME', 'campmon_table_bloat'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION campmon.table_bloat(regclass, text, integer) IS
'Bloat of one table and its TOAST relation; mode auto, exact, approx, sampled or stats';

-- Same row, but NULL (no error) for a relation that is gone, is not a
-- table, is another session's temporary table or may not be measured by
-- the caller.  For listings over pg_class, such as campmon.tables.
CREATE FUNCTION campmon.try_table_bloat(
    rel oid,
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
    toast_bloat_pct double precision)
AS 'MODULE_PATHNAME', 'campmon_try_table_bloat'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE ROWS 1;

COMMENT ON FUNCTION campmon.try_table_bloat(oid, text, integer) IS
'Like table_bloat, but no row instead of an error for relations that cannot be measured';

-- Every ordinary table of the database (system catalogs included), measured
-- in campmon.tables_mode (default stats: no page reads), with the activity
-- figures a DBA reads beside bloat.  Tables the caller may not measure (no
-- SELECT and no pg_stat_scan_tables) and other sessions' temporary tables
-- are left out.  Column names are stable: BI tools read this view.
CREATE VIEW campmon.tables AS
SELECT
    c.oid                                   AS relid,
    n.nspname::text                         AS schema_name,
    c.relname::text                         AS table_name,
    b.method,
    b.is_estimate,
    b.table_bytes,
    COALESCE(b.toast_bytes, 0)              AS toast_bytes,
    pg_catalog.pg_indexes_size(c.oid)       AS indexes_bytes,
    pg_catalog.pg_total_relation_size(c.oid) AS total_bytes,
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
    s.autoanalyze_count
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL campmon.try_table_bloat(
    c.oid,
    COALESCE(pg_catalog.current_setting('campmon.tables_mode', true), 'stats')) b
LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
WHERE c.relkind = 'r'
  AND (c.relpersistence <> 't' OR c.relnamespace = pg_catalog.pg_my_temp_schema());

COMMENT ON VIEW campmon.tables IS
'Every table of the database with sizes, bloat (campmon.tables_mode) and vacuum/analyze activity';

REVOKE ALL ON FUNCTION campmon.table_bloat(regclass, text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon.try_table_bloat(oid, text, integer) FROM PUBLIC;
REVOKE ALL ON campmon.tables FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.table_bloat(regclass, text, integer) TO campmon_reader, pg_monitor;
GRANT EXECUTE ON FUNCTION campmon.try_table_bloat(oid, text, integer) TO campmon_reader, pg_monitor;
GRANT SELECT ON campmon.tables TO campmon_reader, pg_monitor;
