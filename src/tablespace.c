/*-------------------------------------------------------------------------
 *
 * tablespace.c
 *	  The file system under a tablespace: its total, free and available
 *	  bytes, by statvfs() of the tablespace's directory.
 *
 * SQL cannot ask how full a disk is: pg_tablespace_size() says what the
 * tablespace holds, not what is left.  campmon.snapshot() records this
 * every hour (days_to_full, the tablespace_filling check); a REPACK step
 * checks that a rewrite fits before it starts.
 *
 * The directory is the tablespace's own: base/ of the data directory for
 * pg_default, global/ for pg_global, pg_tblspc/<oid> (a symbolic link
 * statvfs() follows, or an in-place directory) for the others.  The path
 * is built from the OID, never taken from the caller, so nothing else can
 * be reached.  "available" is what an unprivileged process may still
 * write (f_bavail: the file system keeps a reserve for root), which is
 * what the server, not running as root, can use.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/statvfs.h>

#include "access/htup_details.h"
#include "catalog/pg_tablespace.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/syscache.h"

#include "campmon.h"

PG_FUNCTION_INFO_V1(campmon_tablespace_space);

/*
 * campmon.tablespace_space(spc oid)
 *		RETURNS (total_bytes bigint, free_bytes bigint, available_bytes bigint)
 */
Datum
campmon_tablespace_space(PG_FUNCTION_ARGS)
{
	Oid			spc = PG_GETARG_OID(0);
	char		path[MAXPGPATH];
	struct statvfs fs;
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	uint64		frsize;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	if (!SearchSysCacheExists1(TABLESPACEOID, ObjectIdGetDatum(spc)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("tablespace with OID %u does not exist", spc),
				 errhint("Pass the OID of a row of pg_tablespace, e.g. (SELECT oid FROM pg_tablespace WHERE spcname = 'pg_default').")));

	if (spc == DEFAULTTABLESPACE_OID)
		snprintf(path, sizeof(path), "%s/base", DataDir);
	else if (spc == GLOBALTABLESPACE_OID)
		snprintf(path, sizeof(path), "%s/global", DataDir);
	else
		snprintf(path, sizeof(path), "%s/pg_tblspc/%u", DataDir, spc);

	if (statvfs(path, &fs) != 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not read the file system of tablespace with OID %u at \"%s\": %m", spc, path),
				 errhint("The tablespace's directory or its link in pg_tblspc is missing or unreadable by the server.")));

	frsize = fs.f_frsize ? (uint64) fs.f_frsize : (uint64) fs.f_bsize;
	values[0] = Int64GetDatum((int64) Min((uint64) fs.f_blocks * frsize, (uint64) PG_INT64_MAX));
	values[1] = Int64GetDatum((int64) Min((uint64) fs.f_bfree * frsize, (uint64) PG_INT64_MAX));
	values[2] = Int64GetDatum((int64) Min((uint64) fs.f_bavail * frsize, (uint64) PG_INT64_MAX));

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
