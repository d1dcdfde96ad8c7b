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
