/*-------------------------------------------------------------------------
 *
 * heap_scan.c
 *	  The heap measurements that read pages: exact (every page), approx
 *	  (pages not all-visible) and sampled (uniformly random pages).
 *
 * All three read through the buffer manager with a BAS_BULKREAD strategy,
 * so a scan of a large table recycles a small ring of buffers instead of
 * evicting what Campaign keeps in shared buffers, and hold each page only
 * under a share lock while counting it.  No page is ever modified (unlike
 * a heap scan, we never prune); hint bits may be set, as any reader does.
 *
 * Exact mode classifies tuples exactly as pgstattuple does: every normal
 * line pointer is a tuple; it is live when visible to a dirty snapshot
 * (committed, or inserted by a transaction still in progress) and dead
 * otherwise; free space is PageGetHeapFreeSpace of every page.  Because it
 * reads each page once, where pgstattuple reads each page twice (once for
 * tuples, once for free space), it is at least as fast.
 *
 * Approx mode follows pgstattuple_approx: all-visible pages (visibility
 * map) hold only live tuples, and their free space is taken from the free
 * space map without reading them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/visibilitymap.h"
#include "commands/vacuum.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/freespace.h"
#include "storage/procarray.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "campmon.h"
#include "sampling.h"

/* Space a tuple of length len takes on a page: aligned data + line pointer */
#define TUPLE_NEED(len) ((double) MAXALIGN(len) + sizeof(ItemIdData))

/* The heap tuple behind a normal line pointer of a share-locked page. */
static inline void
page_tuple(Relation rel, Page page, BlockNumber blkno, OffsetNumber offnum,
		   HeapTuple tuple)
{
	ItemId		itemid = PageGetItemId(page, offnum);

	ItemPointerSet(&tuple->t_self, blkno, offnum);
	tuple->t_data = (HeapTupleHeader) PageGetItem(page, itemid);
	tuple->t_len = ItemIdGetLength(itemid);
	tuple->t_tableOid = RelationGetRelid(rel);
}

/*
 * Tally one tuple; live ones also go through the VACUUM FULL packer, at the
 * length the rewrite gives them: their own, unless reform is the descriptor
 * of a table with dropped columns or missing defaults (heap_estimate.c).
 */
static inline void
count_tuple(HeapCounts *c, HeapPacker *packer, bool live, HeapTuple tuple,
			TupleDesc reform)
{
	uint32		len = tuple->t_len;

	if (live)
	{
		uint32		rewritten = reform == NULL ? len :
			heap_rewritten_len(reform, tuple->t_data, len);

		c->live_tuples += 1;
		c->live_bytes += len;
		c->live_need += TUPLE_NEED(rewritten);
		heap_packer_add(packer, rewritten);
	}
	else
	{
		c->dead_tuples += 1;
		c->dead_bytes += len;
	}
}

/*
 * Count the tuples and free space of one share-locked page the way
 * pgstattuple does.
 */
static void
count_page(Relation rel, BlockNumber blkno, Buffer buf, Snapshot dirty,
		   TupleDesc reform, HeapCounts *pc, HeapPacker *packer)
{
	Page		page = BufferGetPage(buf);
	OffsetNumber offnum,
				maxoff;

	/* 0 for an all-zero page, as in pgstattuple */
	pc->free_bytes += PageGetHeapFreeSpace(page);

	if (PageIsNew(page))
		return;

	campmon_check_heap_page(rel, blkno, page);
	maxoff = PageGetMaxOffsetNumber(page);
	for (offnum = FirstOffsetNumber; offnum <= maxoff;
		 offnum = OffsetNumberNext(offnum))
	{
		HeapTupleData tuple;

		if (!ItemIdIsNormal(PageGetItemId(page, offnum)))
			continue;

		page_tuple(rel, page, blkno, offnum, &tuple);
		count_tuple(pc, packer,
					HeapTupleSatisfiesVisibility(&tuple, dirty, buf),
					&tuple, reform);
	}
}

/* Read one block with the ring strategy and count it. */
static void
read_and_count(Relation rel, BlockNumber blkno, BufferAccessStrategy strategy,
			   Snapshot dirty, TupleDesc reform, HeapCounts *pc,
			   HeapPacker *packer)
{
	Buffer		buf;

	buf = ReadBufferExtended(rel, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
	LockBuffer(buf, BUFFER_LOCK_SHARE);
	count_page(rel, blkno, buf, dirty, reform, pc, packer);
	UnlockReleaseBuffer(buf);
}

/* The descriptor to re-form tuples by, or NULL when a rewrite copies them. */
static TupleDesc
measure_init(Relation rel, CampmonMode method, HeapMeasure *m)
{
	TupleDesc	desc = RelationGetDescr(rel);

	memset(m, 0, sizeof(HeapMeasure));
	m->method = method;
	m->fillfactor = RelationGetFillFactor(rel, HEAP_DEFAULT_FILLFACTOR);
	m->total_pages = RelationGetNumberOfBlocks(rel);
	return heap_rewrite_reforms(desc) ? desc : NULL;
}

void
heap_measure_exact(Relation rel, HeapMeasure *m)
{
	BufferAccessStrategy strategy = GetAccessStrategy(BAS_BULKREAD);
	SnapshotData dirty;
	HeapPacker	packer;
	BlockNumber blkno;
	TupleDesc	reform;

	reform = measure_init(rel, CAMPMON_MODE_EXACT, m);
	InitDirtySnapshot(dirty);
	heap_packer_init(&packer, m->fillfactor);

	for (blkno = 0; blkno < m->total_pages; blkno++)
	{
		CHECK_FOR_INTERRUPTS();
		read_and_count(rel, blkno, strategy, &dirty, reform, &m->c, &packer);
	}

	m->scanned_pages = m->total_pages;
	/* every live tuple went through the packer: VACUUM FULL's page count */
	m->min_pages = ceil(heap_packer_pages(&packer));
	FreeAccessStrategy(strategy);
}

void
heap_measure_approx(Relation rel, HeapMeasure *m)
{
	BufferAccessStrategy strategy = GetAccessStrategy(BAS_BULKREAD);
	TransactionId oldest_xmin = GetOldestNonRemovableTransactionId(rel);
	Buffer		vmbuffer = InvalidBuffer;
	HeapPacker	packer;
	double		skipped_need;
	double		stored_need = 0;	/* of the live tuples read */
	BlockNumber blkno;
	TupleDesc	reform;
	BlockNumber visible_step = 0;

	reform = measure_init(rel, CAMPMON_MODE_APPROX, m);
	m->is_estimate = true;
	heap_packer_init(&packer, m->fillfactor);

	/*
	 * When a rewrite re-forms tuples (dropped columns), the packed bytes of
	 * all-visible pages shrink as those of the pages read do; every
	 * visible_step-th all-visible page is read too (about
	 * campmon.sample_pages of them), so that the ratio is known even for a
	 * table whose pages are all all-visible.
	 */
	if (reform != NULL)
		visible_step = Max(m->total_pages / Max(campmon_sample_pages, 1), 1);

	for (blkno = 0; blkno < m->total_pages; blkno++)
	{
		Buffer		buf;
		Page		page;
		OffsetNumber offnum,
					maxoff;

		CHECK_FOR_INTERRUPTS();

		/*
		 * An all-visible page holds no dead tuple: what the FSM does not
		 * record as free is taken by live tuples (pgstattuple_approx counts
		 * it, page header included, as tuple_len; we do the same).  What
		 * the live tuples need once packed is the page less its header and
		 * its free space.
		 */
		if (VM_ALL_VISIBLE(rel, blkno, &vmbuffer) &&
			(visible_step == 0 || blkno % visible_step != 0))
		{
			Size		freespace = GetRecordedFreeSpace(rel, blkno);

			m->c.live_bytes += BLCKSZ - freespace;
			m->c.live_need += BLCKSZ - SizeOfPageHeaderData - freespace;
			m->c.free_bytes += freespace;
			continue;
		}

		buf = ReadBufferExtended(rel, MAIN_FORKNUM, blkno, RBM_NORMAL,
								 strategy);
		LockBuffer(buf, BUFFER_LOCK_SHARE);
		page = BufferGetPage(buf);
		m->scanned_pages++;

		/* a new page is free space, as in pgstattuple_approx */
		if (PageIsNew(page))
			m->c.free_bytes += BLCKSZ - SizeOfPageHeaderData;
		else
			m->c.free_bytes += PageGetHeapFreeSpace(page);

		if (PageIsNew(page) || PageIsEmpty(page))
		{
			UnlockReleaseBuffer(buf);
			continue;
		}

		campmon_check_heap_page(rel, blkno, page);
		maxoff = PageGetMaxOffsetNumber(page);
		for (offnum = FirstOffsetNumber; offnum <= maxoff;
			 offnum = OffsetNumberNext(offnum))
		{
			HeapTupleData tuple;
			bool		live;

			if (!ItemIdIsNormal(PageGetItemId(page, offnum)))
				continue;

			page_tuple(rel, page, blkno, offnum, &tuple);

			/* VACUUM's view: DELETE_IN_PROGRESS is live, INSERT_IN_PROGRESS dead */
			switch (HeapTupleSatisfiesVacuum(&tuple, oldest_xmin, buf))
			{
				case HEAPTUPLE_LIVE:
				case HEAPTUPLE_DELETE_IN_PROGRESS:
					live = true;
					break;
				case HEAPTUPLE_DEAD:
				case HEAPTUPLE_RECENTLY_DEAD:
				case HEAPTUPLE_INSERT_IN_PROGRESS:
					live = false;
					break;
				default:
					elog(ERROR, "unexpected HeapTupleSatisfiesVacuum result");
			}
			if (live)
				stored_need += TUPLE_NEED(tuple.t_len);
			count_tuple(&m->c, &packer, live, &tuple, reform);
		}
		UnlockReleaseBuffer(buf);
	}

	if (BufferIsValid(vmbuffer))
		ReleaseBuffer(vmbuffer);

	/* extrapolate the live-tuple count over skipped pages as VACUUM does */
	m->c.live_tuples = vac_estimate_reltuples(rel, m->total_pages,
											  m->scanned_pages,
											  m->c.live_tuples);

	/*
	 * The tuples of scanned pages were packed one by one; the packed bytes
	 * of skipped pages fill pages at the density the scanned ones reached,
	 * or, when every page was skipped, as the closed formula says.
	 */
	skipped_need = m->c.live_need - packer.need;
	if (reform != NULL && stored_need > 0)
	{
		skipped_need *= packer.need / stored_need;
		m->c.live_need = packer.need + skipped_need;
	}
	if (packer.need > 0)
		m->min_pages = ceil(heap_packer_pages(&packer) *
							(1.0 + skipped_need / packer.need));
	else
		m->min_pages = heap_min_pages(m->c.live_tuples, m->c.live_need,
									  m->fillfactor);
	FreeAccessStrategy(strategy);
}

/*
 * Sampled mode: a stratified random sample of pages (sampling.c: one page
 * drawn in each of sample_pages equal runs of blocks, repeatably for the
 * same relation state), read in block order with prefetching (as ANALYZE
 * does), counted as in exact mode and extrapolated.  The per-page need of
 * live tuples feeds the 95% interval of bloat_pct.  Cost: sample_pages
 * page reads.
 */
void
heap_measure_sampled(Relation rel, int sample_pages, HeapMeasure *m)
{
	BufferAccessStrategy strategy = GetAccessStrategy(BAS_BULKREAD);
	SnapshotData dirty;
	PageSampler sampler;
	BlockNumber blkno;
	HeapCounts	sum;
	double	   *need;			/* per page, stratum by stratum */
	HeapPacker	packer;
	double		scale;
	TupleDesc	reform;

	reform = measure_init(rel, CAMPMON_MODE_SAMPLED, m);
	memset(&sum, 0, sizeof(sum));
	InitDirtySnapshot(dirty);
	heap_packer_init(&packer, m->fillfactor);

	if (m->total_pages == 0)
	{
		FreeAccessStrategy(strategy);
		return;
	}

	page_sampler_init(&sampler, rel, 0, m->total_pages, sample_pages);
	need = palloc(sizeof(double) * Max(sampler.n, 1));
	while (page_sampler_next(&sampler, &blkno))
	{
		HeapCounts	page;

		CHECK_FOR_INTERRUPTS();
		memset(&page, 0, sizeof(page));
		read_and_count(rel, blkno, strategy, &dirty, reform, &page, &packer);

		sum.live_tuples += page.live_tuples;
		sum.dead_tuples += page.dead_tuples;
		sum.live_bytes += page.live_bytes;
		sum.dead_bytes += page.dead_bytes;
		sum.free_bytes += page.free_bytes;
		sum.live_need += page.live_need;
		need[m->scanned_pages] = page.live_need;
		m->scanned_pages++;
	}

	scale = (double) m->total_pages / m->scanned_pages;
	m->c.live_tuples = sum.live_tuples * scale;
	m->c.dead_tuples = sum.dead_tuples * scale;
	m->c.live_bytes = sum.live_bytes * scale;
	m->c.dead_bytes = sum.dead_bytes * scale;
	m->c.free_bytes = sum.free_bytes * scale;
	m->c.live_need = sum.live_need * scale;

	m->is_estimate = m->scanned_pages < m->total_pages;
	m->has_interval = true;
	m->need_se = strata_se_mean(need, m->scanned_pages, m->total_pages, 0,
								BLCKSZ - SizeOfPageHeaderData);
	pfree(need);
	/*
	 * The pages the sampled tuples fill, scaled to the table; whole pages,
	 * as a rewrite makes them (a sample of every page gives exact's count).
	 */
	m->min_pages = ceil(heap_packer_pages(&packer) * scale);
	FreeAccessStrategy(strategy);
}
