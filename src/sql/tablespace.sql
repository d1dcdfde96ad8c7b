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
