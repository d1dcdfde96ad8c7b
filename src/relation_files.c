/*-------------------------------------------------------------------------
 *
 * relation_files.c
 *	  Facts about a relation's files: their total size and when they were
 *	  last written, found with stat() from the relation's pg_class fields.
 *
 * Why not pg_total_relation_size() and pg_stat_file()?  The first opens
 * the relation (a lock and a relcache entry for each of tens of thousands
 * of work tables), the second is superuser-only because it takes any path.
 * Here the path is built from a relfilenode, so nothing but relation files
 * can be reached, no lock is taken and no cache grows: a listing of 40,000
 * work tables costs a few stat() calls each.  A file that vanished (its
 * table was dropped meanwhile) counts as empty and unwritten, not as an
 * error.  Sizes cover every fork (main, free space map, visibility map,
 * init) and every 1 GB segment, as pg_relation_size() of each fork would.
 *
 * The last write is the newest modification time of those files: when a
 * page of the relation was last written out (by a backend, the checkpointer
 * or the background writer), so it may trail the last change by up to a
 * checkpoint interval.  Good enough to tell a table idle for days.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>
#include <errno.h>

#include "access/htup_details.h"
#include "catalog/catalog.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_tablespace.h"
#include "common/relpath.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/backendid.h"
#include "utils/builtins.h"
#include "utils/relmapper.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "campmon.h"

PG_FUNCTION_INFO_V1(campmon_relfile_stats);
PG_FUNCTION_INFO_V1(campmon_relation_last_write);
PG_FUNCTION_INFO_V1(campmon_version);

typedef struct FileFacts
{
	int64		bytes;
	time_t		last_write;		/* 0: no file found */
} FileFacts;

/* Add one fork: the file and its numbered segments. */
static void
stat_fork(const char *path, FileFacts *ff)
{
	struct stat st;
	char	   *segpath;

	for (int segno = 0;; segno++)
	{
		segpath = segno == 0 ? pstrdup(path) : psprintf("%s.%d", path, segno);
		if (stat(segpath, &st) != 0)
		{
			if (errno != ENOENT)
				ereport(WARNING,
						(errcode_for_file_access(),
						 errmsg("could not stat file \"%s\": %m", segpath)));
			pfree(segpath);
			return;
		}
		pfree(segpath);
		ff->bytes += st.st_size;
		if (st.st_mtime > ff->last_write)
			ff->last_write = st.st_mtime;
	}
}

/*
 * Facts of the relation with these pg_class fields; false when it has no
 * files we can see (no storage, another session's temporary relation).
 */
static bool
relation_facts(Oid relid, Oid relfilenode, Oid reltablespace, char relkind,
			   char relpersistence, Oid relnamespace, FileFacts *ff)
{
	RelFileNode rnode;
	BackendId	backend = InvalidBackendId;

	memset(ff, 0, sizeof(FileFacts));
	if (!RELKIND_HAS_STORAGE(relkind))
		return false;

	rnode.spcNode = OidIsValid(reltablespace) ? reltablespace : MyDatabaseTableSpace;
	rnode.dbNode = rnode.spcNode == GLOBALTABLESPACE_OID ? InvalidOid : MyDatabaseId;
	rnode.relNode = OidIsValid(relfilenode) ? relfilenode :
		RelationMapOidToFilenode(relid, rnode.spcNode == GLOBALTABLESPACE_OID);
	if (!OidIsValid(rnode.relNode))
		return false;

	if (relpersistence == RELPERSISTENCE_TEMP)
	{
		backend = GetTempNamespaceBackendId(relnamespace);
		if (backend == InvalidBackendId)
			return false;
	}

	for (ForkNumber fork = MAIN_FORKNUM; fork <= MAX_FORKNUM; fork++)
	{
		char	   *path = relpathbackend(rnode, backend, fork);

		stat_fork(path, ff);
		pfree(path);
	}
	return true;
}

/*
 * campmon._relfile_stats(relid, relfilenode, reltablespace, relkind,
 *						  relpersistence, relnamespace)
 *		-> (bytes bigint, last_write timestamptz)
 *
 * For listings over pg_class, which pass the row's own fields: no catalog
 * lookup, no lock.
 */
Datum
campmon_relfile_stats(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	FileFacts	ff;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	for (int i = 0; i < 6; i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_NULL();

	relation_facts(PG_GETARG_OID(0), PG_GETARG_OID(1), PG_GETARG_OID(2),
				   PG_GETARG_CHAR(3), PG_GETARG_CHAR(4), PG_GETARG_OID(5), &ff);
	values[0] = Int64GetDatum(ff.bytes);
	if (ff.last_write != 0)
		values[1] = TimestampTzGetDatum(time_t_to_timestamptz((pg_time_t) ff.last_write));
	else
		nulls[1] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * campmon.relation_last_write(rel regclass) -> timestamptz
 *
 * When the relation's files were last written; NULL when it has none (a
 * view) or they cannot be seen from here.
 */
Datum
campmon_relation_last_write(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	HeapTuple	tup;
	Form_pg_class form;
	FileFacts	ff;
	bool		found;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	form = (Form_pg_class) GETSTRUCT(tup);
	found = relation_facts(relid, form->relfilenode, form->reltablespace,
						   form->relkind, form->relpersistence,
						   form->relnamespace, &ff);
	ReleaseSysCache(tup);

	if (!found || ff.last_write == 0)
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(time_t_to_timestamptz((pg_time_t) ff.last_write));
}

/* campmon.version(): the library's version (and a way to load it) */
Datum
campmon_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(CAMPMON_VERSION));
}
