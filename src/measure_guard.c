/*-------------------------------------------------------------------------
 *
 * measure_guard.c
 *	  One unreadable relation must not stop a listing: a measurement that
 *	  reads pages runs in a subtransaction, and an error saying a page or a
 *	  file cannot be read becomes a WARNING naming the relation plus a row
 *	  that says it could not be measured and why.
 *
 * Only errors about the data are caught: XX001 data_corrupted (an invalid
 * page header, a checksum failure, page_check.c's findings), XX002
 * index_corrupted, 58P01 undefined_file and 58030 io_error (a missing
 * segment, "could not access status of transaction" for an xmin that a
 * damaged tuple made up).  Anything else -- a cancel, a timeout, out of
 * memory, a bug -- is raised again as it was.  The single-relation
 * functions (table_bloat, index_bloat) do not come here: they raise.
 *
 * A subtransaction costs no transaction id (nothing is written), so the
 * guard adds microseconds per relation, and only in the modes that read
 * pages; the catalog-only stats mode needs none.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "campmon.h"

static bool
is_unreadable(int sqlerrcode)
{
	return sqlerrcode == ERRCODE_DATA_CORRUPTED ||
		sqlerrcode == ERRCODE_INDEX_CORRUPTED ||
		sqlerrcode == ERRCODE_UNDEFINED_FILE ||
		sqlerrcode == ERRCODE_IO_ERROR;
}

/*
 * Run measure(arg) in a subtransaction.  Returns its result; when it failed
 * because something could not be read, returns false with *why set (in
 * the caller's memory context) to the error's message, after a WARNING.
 */
bool
campmon_measure_guarded(bool (*measure) (void *arg), void *arg, Oid relid,
						char **why)
{
	MemoryContext caller_cxt = CurrentMemoryContext;
	ResourceOwner caller_owner = CurrentResourceOwner;
	volatile bool result = false;

	*why = NULL;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(caller_cxt);
	PG_TRY();
	{
		result = measure(arg);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(caller_cxt);
		CurrentResourceOwner = caller_owner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		char	   *relname;

		MemoryContextSwitchTo(caller_cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(caller_cxt);
		CurrentResourceOwner = caller_owner;

		if (!is_unreadable(edata->sqlerrcode))
			ReThrowError(edata);

		relname = get_rel_name(relid);
		ereport(WARNING,
				(errcode(edata->sqlerrcode),
				 errmsg("campmon could not measure \"%s\": %s",
						relname ? relname : "?", edata->message),
				 errhint("Check the relation with amcheck and pg_checksums; its row says it was not measured, and campmon.checks reports it.")));
		*why = pstrdup(edata->message);
		FreeErrorData(edata);
		result = false;
	}
	PG_END_TRY();
	return result;
}

/*
 * The usual basis of a measurement, for the basis column: what was read.
 * A measurement with another basis (an estimate that could not be made, a
 * page that could not be read) sets its own.
 */
char *
campmon_basis(CampmonMode method, bool unknown, BlockNumber scanned_pages,
			  BlockNumber total_pages)
{
	switch (method)
	{
		case CAMPMON_MODE_EXACT:
			return pstrdup("every page read");
		case CAMPMON_MODE_APPROX:
			return psprintf("%u of %u %s read, the all-visible others from the visibility and free space maps",
							scanned_pages, total_pages, total_pages == 1 ? "page" : "pages");
		case CAMPMON_MODE_SAMPLED:
			return psprintf("random sample of %u of %u %s", scanned_pages, total_pages,
							total_pages == 1 ? "page" : "pages");
		case CAMPMON_MODE_STATS:
			return pstrdup(unknown ? "no statistics yet (never analyzed nor vacuumed): no estimate" :
						   "catalog statistics, no page read");
		case CAMPMON_MODE_AUTO:
		case CAMPMON_MODE_ADAPTIVE:
			break;
	}
	return pstrdup("");
}
