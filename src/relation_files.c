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
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/catalog.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_tablespace.h"
#include "common/relpath.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/backendid.h"
#include "storage/fd.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/tuplestore.h"
#include "catalog/pg_type.h"
#include "utils/relmapper.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "campmon.h"

PG_FUNCTION_INFO_V1(campmon_relfile_stats);
PG_FUNCTION_INFO_V1(campmon_relation_files);
PG_FUNCTION_INFO_V1(campmon_relation_last_write);
PG_FUNCTION_INFO_V1(campmon_total_bytes);
PG_FUNCTION_INFO_V1(campmon_version);

/*
 * Files of this database's default tablespace directory, listed once per
 * call of _relation_files: a relation whose fork is not listed needs no
 * stat(), and the others are stat()ed relative to the directory.
 */
typedef struct DirListing
{
	int			dirfd;			/* -1: no listing, stat full paths */
	HTAB	   *names;			/* file names present */
} DirListing;

typedef struct FileName
{
	char		name[32];
} FileName;

static DirListing dir_listing = {-1, NULL};

void
campmon_dir_listing_open(void)
{
	char	   *dbpath = GetDatabasePath(MyDatabaseId, MyDatabaseTableSpace);
	DIR		   *dir;
	struct dirent *de;
	HASHCTL		ctl;

	dir = AllocateDir(dbpath);
	if (dir == NULL)
		return;
	ctl.keysize = sizeof(FileName);
	ctl.entrysize = sizeof(FileName);
	ctl.hcxt = CurrentMemoryContext;
	dir_listing.names = hash_create("campmon directory listing", 1024, &ctl,
									HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	while ((de = ReadDir(dir, dbpath)) != NULL)
	{
		FileName	key;

		if (strlen(de->d_name) >= sizeof(key.name))
			continue;
		memset(&key, 0, sizeof(key));
		strlcpy(key.name, de->d_name, sizeof(key.name));
		(void) hash_search(dir_listing.names, &key, HASH_ENTER, NULL);
	}
	FreeDir(dir);
	dir_listing.dirfd = OpenTransientFile(dbpath, O_RDONLY | O_DIRECTORY);
	if (dir_listing.dirfd < 0)
	{
		hash_destroy(dir_listing.names);
		dir_listing.names = NULL;
	}
	pfree(dbpath);
}

void
campmon_dir_listing_close(void)
{
	if (dir_listing.dirfd >= 0)
		CloseTransientFile(dir_listing.dirfd);
	if (dir_listing.names != NULL)
		hash_destroy(dir_listing.names);
	dir_listing.dirfd = -1;
	dir_listing.names = NULL;
}

/*
 * Add one fork: the file and its numbered segments.  A segment shorter
 * than RELSEG_SIZE blocks is the last one, so a small relation costs a
 * single stat() per fork.
 */
static void
stat_fork(const char *path, FileFacts *ff)
{
	struct stat st;
	char		segpath[MAXPGPATH];
	const char *name = NULL;

	/* in the listed directory: skip what is not there, stat the rest there */
	if (dir_listing.dirfd >= 0)
	{
		name = last_dir_separator(path);
		name = name ? name + 1 : path;
	}

	for (int segno = 0;; segno++)
	{
		int			rc;

		if (segno == 0)
			strlcpy(segpath, name ? name : path, sizeof(segpath));
		else
			snprintf(segpath, sizeof(segpath), "%s.%d", name ? name : path, segno);

		if (name != NULL)
		{
			FileName	key;

			memset(&key, 0, sizeof(key));
			strlcpy(key.name, segpath, sizeof(key.name));
			if (hash_search(dir_listing.names, &key, HASH_FIND, NULL) == NULL)
				return;
			rc = fstatat(dir_listing.dirfd, segpath, &st, 0);
		}
		else
			rc = stat(segpath, &st);

		if (rc != 0)
		{
			if (errno != ENOENT)
				ereport(WARNING,
						(errcode_for_file_access(),
						 errmsg("could not stat file \"%s\": %m", segpath)));
			return;
		}
		ff->bytes += st.st_size;
		if (st.st_mtime > ff->last_write)
			ff->last_write = st.st_mtime;
		if (st.st_size < (off_t) RELSEG_SIZE * BLCKSZ)
			return;
	}
}

/*
 * Facts of the relation with these pg_class fields; false when it has no
 * files we can see (no storage, another session's temporary relation).
 * Between campmon_dir_listing_open() and _close() (which the caller must
 * reach however it ends) the database directory is listed once.
 */
bool
campmon_relation_file_facts(Oid relid, Oid relfilenode, Oid reltablespace, char relkind,
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
		char	   *path;
		bool		listed = dir_listing.dirfd >= 0 && backend == InvalidBackendId &&
			rnode.spcNode == MyDatabaseTableSpace && rnode.dbNode == MyDatabaseId;
		int			saved_fd = dir_listing.dirfd;

		/* only unlogged relations have an init fork */
		if (fork == INIT_FORKNUM && relpersistence != RELPERSISTENCE_UNLOGGED)
			continue;
		path = relpathbackend(rnode, backend, fork);
		if (!listed)
			dir_listing.dirfd = -1;		/* elsewhere: full paths */
		stat_fork(path, ff);
		dir_listing.dirfd = saved_fd;
		if (fork == MAIN_FORKNUM)
			ff->main_bytes = ff->bytes;
		pfree(path);
	}
	return true;
}

/*
 * campmon._relfile_stats(relid, relfilenode, reltablespace, relkind,
 *						  relpersistence, relnamespace)
 *		-> (bytes bigint, last_write timestamptz)
 *
 * Declared by the 0.2--0.3 install script and dropped by 0.3--0.4 (the
 * listings use _relation_files, one pass for many relations); kept so that
 * the upgrade chain, which creates it on the way, still finds it.
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

	campmon_relation_file_facts(PG_GETARG_OID(0), PG_GETARG_OID(1), PG_GETARG_OID(2),
				   PG_GETARG_CHAR(3), PG_GETARG_CHAR(4), PG_GETARG_OID(5), &ff);
	values[0] = Int64GetDatum(ff.bytes);
	if (ff.last_write != 0)
		values[1] = TimestampTzGetDatum(time_t_to_timestamptz((pg_time_t) ff.last_write));
	else
		nulls[1] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* up to this many relations, _relation_files looks them up one by one */
#define FEW_RELATIONS 64

/*
 * Whether this user may see a relation's files (their size and last write):
 * the measurement rule of open_relation.c -- SELECT on the table, or the
 * privileges of pg_stat_scan_tables -- with an index or a TOAST table
 * judged by its table (a TOAST table is named pg_toast_<table's OID>).
 */
static bool
may_see_files(Oid relid, Form_pg_class form, bool scan_role)
{
	Oid			table = relid;

	if (scan_role)
		return true;
	if (form->relkind == RELKIND_INDEX)
	{
		HeapTuple	itup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(relid));

		if (!HeapTupleIsValid(itup))
			return false;
		table = ((Form_pg_index) GETSTRUCT(itup))->indrelid;
		ReleaseSysCache(itup);
	}
	else if (form->relkind == RELKIND_TOASTVALUE &&
			 sscanf(NameStr(form->relname), "pg_toast_%u", &table) != 1)
		return false;
	return pg_class_aclcheck(table, GetUserId(), ACL_SELECT) == ACLCHECK_OK;
}

/*
 * campmon._relation_files(relids oid[])
 *		-> SETOF (relid oid, bytes bigint, last_write timestamptz)
 *
 * The facts of many relations in one pass over pg_class (a plain scan: no
 * catalog cache fills up however many relations there are), for listings
 * of tens of thousands of work tables.  Relations not found, and those
 * this user may not measure (may_see_files), are left out.
 */
Datum
campmon_relation_files(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *elemnulls;
	int			nelems;
	HASHCTL		ctl;
	HTAB	   *wanted;
	Relation	pg_class_rel;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		scan_role = has_privs_of_role(GetUserId(), ROLE_PG_STAT_SCAN_TABLES);

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;

	arr = PG_GETARG_ARRAYTYPE_P(0);
	deconstruct_array(arr, OIDOID, sizeof(Oid), true, TYPALIGN_INT,
					  &elems, &elemnulls, &nelems);
	if (nelems == 0)
		return (Datum) 0;

	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(Oid);
	ctl.hcxt = CurrentMemoryContext;
	wanted = hash_create("campmon relation files", nelems, &ctl,
						 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	for (int i = 0; i < nelems; i++)
	{
		Oid			relid;

		if (elemnulls[i])
			continue;
		relid = DatumGetObjectId(elems[i]);
		(void) hash_search(wanted, &relid, HASH_ENTER, NULL);
	}

	/*
	 * A few relations (a run's one DROP re-judged under its lock): looked
	 * up one by one in the catalog cache, not by a scan of pg_class.
	 */
	if (nelems <= FEW_RELATIONS)
	{
		HASH_SEQ_STATUS seq;
		Oid		   *entry;

		/* each relation once, as the scan below gives it */
		hash_seq_init(&seq, wanted);
		while ((entry = (Oid *) hash_seq_search(&seq)) != NULL)
		{
			Oid			relid = *entry;
			HeapTuple	ctup;
			Form_pg_class form;
			FileFacts	ff;
			Datum		values[3];
			bool		nulls[3] = {false, false, false};

			ctup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
			if (!HeapTupleIsValid(ctup))
				continue;
			form = (Form_pg_class) GETSTRUCT(ctup);
			if (may_see_files(relid, form, scan_role))
			{
				campmon_relation_file_facts(relid, form->relfilenode, form->reltablespace,
											form->relkind, form->relpersistence,
											form->relnamespace, &ff);
				values[0] = ObjectIdGetDatum(relid);
				values[1] = Int64GetDatum(ff.bytes);
				if (ff.last_write != 0)
					values[2] = TimestampTzGetDatum(time_t_to_timestamptz((pg_time_t) ff.last_write));
				else
					nulls[2] = true;
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			}
			ReleaseSysCache(ctup);
		}
		hash_destroy(wanted);
		return (Datum) 0;
	}

	/*
	 * The listing is static for stat_fork's sake: whatever ends the scan,
	 * it must be gone afterwards (an aborted transaction closes the file).
	 */
	campmon_dir_listing_open();
	PG_TRY();
	{
	pg_class_rel = table_open(RelationRelationId, AccessShareLock);
	scan = systable_beginscan(pg_class_rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_class form = (Form_pg_class) GETSTRUCT(tup);
		FileFacts	ff;
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		CHECK_FOR_INTERRUPTS();
		if (hash_search(wanted, &form->oid, HASH_FIND, NULL) == NULL ||
			!may_see_files(form->oid, form, scan_role))
			continue;
		campmon_relation_file_facts(form->oid, form->relfilenode, form->reltablespace,
					   form->relkind, form->relpersistence,
					   form->relnamespace, &ff);
		values[0] = ObjectIdGetDatum(form->oid);
		values[1] = Int64GetDatum(ff.bytes);
		if (ff.last_write != 0)
			values[2] = TimestampTzGetDatum(time_t_to_timestamptz((pg_time_t) ff.last_write));
		else
			nulls[2] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	systable_endscan(scan);
	table_close(pg_class_rel, AccessShareLock);
	}
	PG_FINALLY();
	{
		campmon_dir_listing_close();
	}
	PG_END_TRY();
	hash_destroy(wanted);
	return (Datum) 0;
}

/*
 * The facts of a relation looked up by OID in the catalog cache (no lock
 * on it), and its TOAST table's OID.  Returns false when there is no such
 * relation; the facts are empty too when it has no files we can see.
 */
static bool
facts_by_oid(Oid relid, FileFacts *ff, Oid *toastrelid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Form_pg_class form;

	memset(ff, 0, sizeof(FileFacts));
	if (toastrelid != NULL)
		*toastrelid = InvalidOid;
	if (!HeapTupleIsValid(tup))
		return false;
	form = (Form_pg_class) GETSTRUCT(tup);
	if (toastrelid != NULL)
		*toastrelid = form->reltoastrelid;
	(void) campmon_relation_file_facts(relid, form->relfilenode, form->reltablespace,
									   form->relkind, form->relpersistence,
									   form->relnamespace, ff);
	ReleaseSysCache(tup);
	return true;
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
	FileFacts	ff;
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	bool		visible;
	char	   *name;

	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	visible = may_see_files(relid, (Form_pg_class) GETSTRUCT(tup),
							has_privs_of_role(GetUserId(), ROLE_PG_STAT_SCAN_TABLES));
	name = pstrdup(NameStr(((Form_pg_class) GETSTRUCT(tup))->relname));
	ReleaseSysCache(tup);
	if (!visible)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to see the files of \"%s\"", name),
				 errdetail("Like measuring, it requires SELECT on the table or the privileges of pg_stat_scan_tables."),
				 errhint("GRANT SELECT ON the table, or GRANT pg_stat_scan_tables (or pg_monitor) TO the role.")));
	if (!facts_by_oid(relid, &ff, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	if (ff.last_write == 0)
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(time_t_to_timestamptz((pg_time_t) ff.last_write));
}

/* Bytes of one relation's files; 0 when it is gone. */
static int64
relation_bytes(Oid relid, Oid *toastrelid)
{
	FileFacts	ff;

	facts_by_oid(relid, &ff, toastrelid);
	return ff.bytes;
}

/* Bytes of the indexes of a table, found through pg_index (no lock on it). */
static int64
indexes_bytes(Oid relid)
{
	Relation	pg_index_rel = table_open(IndexRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	int64		bytes = 0;

	ScanKeyInit(&key, Anum_pg_index_indrelid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	scan = systable_beginscan(pg_index_rel, IndexIndrelidIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
		bytes += relation_bytes(((Form_pg_index) GETSTRUCT(tup))->indexrelid, NULL);
	systable_endscan(scan);
	table_close(pg_index_rel, AccessShareLock);
	return bytes;
}

/*
 * campmon._total_bytes(rel oid) -> bigint
 *
 * What pg_total_relation_size() says (the relation, its TOAST table, all
 * their indexes, every fork), from the files, without locking the
 * relation: the run worker's size before and after each step must not wait
 * behind a lock someone holds on the target (nor take one).  0 when the
 * relation is gone.
 */
Datum
campmon_total_bytes(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);
	Oid			toastrelid;
	int64		bytes;

	bytes = relation_bytes(relid, &toastrelid) + indexes_bytes(relid);
	if (OidIsValid(toastrelid))
		bytes += relation_bytes(toastrelid, NULL) + indexes_bytes(toastrelid);
	PG_RETURN_INT64(bytes);
}

/* campmon.version(): the library's version (and a way to load it) */
Datum
campmon_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(CAMPMON_VERSION));
}
