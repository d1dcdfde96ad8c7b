/*-------------------------------------------------------------------------
 *
 * vacuum_horizon.c
 *	  What a VACUUM of a table could remove now: a sample of its pages, and
 *	  on each page that is not all-visible every dead row classified as
 *	  VACUUM itself would classify it against the table's removal horizon
 *	  (the oldest transaction that a snapshot, a prepared transaction, a
 *	  replication slot or a standby's feedback still needs): removable now,
 *	  or dead but not yet removable.
 *
 * A VACUUM removes nothing while the horizon is older than the deletes
 * that made its dead rows: it reports them "dead but not yet removable"
 * and the plan's promise of a gain is empty.  PostgreSQL's statistics only
 * count dead rows; the deleting transaction of each is on the page.  So
 * campmon.plan() and the run, before a VACUUM, read a small random sample
 * of the table's pages (all-visible pages hold no dead row and are not
 * read: the visibility map says so) and count, with the same test and the
 * same horizon VACUUM uses (HeapTupleSatisfiesVacuum against
 * GetOldestNonRemovableTransactionId of the table): dead rows it would
 * remove (and line pointers already pruned, which it frees), and dead rows
 * it would have to leave.
 *
 * Reading is as the measurements read: AccessShareLock, a bulk-read
 * buffer ring, one page share-locked at a time, never modified (hint bits
 * may be set, as any reader does); the privilege is the measurement's
 * (campmon_open_table).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/visibilitymap.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/procarray.h"
#include "utils/builtins.h"
#include "utils/rel.h"

#include "campmon.h"
#include "sampling.h"

PG_FUNCTION_INFO_V1(campmon_dead_rows_now);

/* Count the dead rows of one share-locked heap page against horizon. */
static void
count_dead_rows(Relation rel, BlockNumber blkno, Buffer buf,
				TransactionId horizon, int64 *removable, int64 *held)
{
	Page		page = BufferGetPage(buf);
	OffsetNumber offnum,
				maxoff;

	if (PageIsNew(page))
		return;
	campmon_check_heap_page(rel, blkno, page);
	maxoff = PageGetMaxOffsetNumber(page);
	for (offnum = FirstOffsetNumber; offnum <= maxoff;
		 offnum = OffsetNumberNext(offnum))
	{
		ItemId		itemid = PageGetItemId(page, offnum);
		HeapTupleData tuple;

		/* pruned already: VACUUM frees the line pointer and its index entries */
		if (ItemIdIsDead(itemid))
		{
			(*removable)++;
			continue;
		}
		if (!ItemIdIsNormal(itemid))
			continue;

		ItemPointerSet(&tuple.t_self, blkno, offnum);
		tuple.t_data = (HeapTupleHeader) PageGetItem(page, itemid);
		tuple.t_len = ItemIdGetLength(itemid);
		tuple.t_tableOid = RelationGetRelid(rel);

		switch (HeapTupleSatisfiesVacuum(&tuple, horizon, buf))
		{
			case HEAPTUPLE_DEAD:
				(*removable)++;
				break;
			case HEAPTUPLE_RECENTLY_DEAD:
				(*held)++;
				break;
			default:
				/* live, or its inserter or deleter still running */
				break;
		}
	}
}

/*
 * campmon._dead_rows_now(rel oid, sample_pages integer)
 *		RETURNS (pages integer, pages_sampled integer, pages_read integer,
 *				 removable bigint, not_removable bigint, horizon xid)
 *
 * The counts are those of the sample (pages_sampled of the table's pages,
 * of which pages_read were not all-visible and were read), not scaled:
 * what matters to the callers is the share that VACUUM could remove.
 * NULL when the table cannot be measured by this user, is not a table, or
 * is gone.
 */
Datum
campmon_dead_rows_now(PG_FUNCTION_ARGS)
{
	Oid			relid;
	int			sample_pages;
	Relation	rel;
	TupleDesc	tupdesc;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};
	BlockNumber nblocks;
	TransactionId horizon;
	BufferAccessStrategy strategy;
	PageSampler sampler;
	BlockNumber blkno;
	Buffer		vmbuffer = InvalidBuffer;
	int			sampled = 0;
	int			read = 0;
	int64		removable = 0;
	int64		held = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	relid = PG_GETARG_OID(0);
	sample_pages = PG_ARGISNULL(1) ? 64 : PG_GETARG_INT32(1);
	if (sample_pages <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sample_pages must be greater than zero"),
				 errhint("64 pages tell apart a VACUUM that can remove dead rows from one that cannot.")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	rel = campmon_open_table(relid, true);
	if (rel == NULL)
		PG_RETURN_NULL();

	nblocks = RelationGetNumberOfBlocks(rel);
	/* the horizon this table's VACUUM would use, were it to start now */
	horizon = GetOldestNonRemovableTransactionId(rel);
	strategy = GetAccessStrategy(BAS_BULKREAD);

	if (nblocks > 0)
	{
		page_sampler_init(&sampler, rel, 0, nblocks, sample_pages);
		while (page_sampler_next(&sampler, &blkno))
		{
			Buffer		buf;

			CHECK_FOR_INTERRUPTS();
			sampled++;
			/* an all-visible page has no dead row: not read */
			if (VM_ALL_VISIBLE(rel, blkno, &vmbuffer))
				continue;
			buf = ReadBufferExtended(rel, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
			LockBuffer(buf, BUFFER_LOCK_SHARE);
			count_dead_rows(rel, blkno, buf, horizon, &removable, &held);
			UnlockReleaseBuffer(buf);
			read++;
		}
	}
	if (BufferIsValid(vmbuffer))
		ReleaseBuffer(vmbuffer);
	FreeAccessStrategy(strategy);
	relation_close(rel, AccessShareLock);

	values[0] = Int32GetDatum((int32) Min(nblocks, (BlockNumber) PG_INT32_MAX));
	values[1] = Int32GetDatum(sampled);
	values[2] = Int32GetDatum(read);
	values[3] = Int64GetDatum(removable);
	values[4] = Int64GetDatum(held);
	values[5] = TransactionIdGetDatum(horizon);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
