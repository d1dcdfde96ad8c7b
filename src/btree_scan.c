/*-------------------------------------------------------------------------
 *
 * btree_scan.c
 *	  The B-tree measurements that read pages: exact (every page) and
 *	  sampled (uniformly random pages).
 *
 * Pages are classified as pgstatindex classifies them: block 0 is the
 * metapage; a deleted page is deleted; a half-dead page is "empty"; a leaf
 * page counts towards density (100 - 100 * free / (pd_special - page
 * header), summed over leaves) and fragmentation (share of leaves whose
 * right sibling lies at an earlier block); everything else is internal.
 * Exact mode equals pgstatindex.  A never-initialized (all-zero) page,
 * which pgstatindex would misread as internal, counts as empty here.
 *
 * Every leaf page also feeds the REINDEX size model (btree_estimate.c):
 * the bytes its items would take in a freshly built index.  Each leaf's
 * data items take `used` bytes now (tuple space between pd_upper and
 * pd_special, plus line pointers, less the high key), known from the page
 * header alone.  A rebuild drops items marked LP_DEAD and, in a non-unique
 * index whose columns allow deduplication, merges runs of equal keys into
 * posting-list tuples as nbtsort.c builds them (at most BTREE_BUILD_POSTING
 * bytes each); that needs every tuple read.  Tuples are therefore read on
 * "detailed" leaves only -- every leaf when the index has at most
 * sample_pages pages, else about sample_pages blocks (the sample itself in
 * sampled mode; every k-th block from a random start in exact mode) -- and
 * the rebuilt/used ratio found there is applied to the used bytes of every
 * leaf (a ratio estimator).  That keeps exact mode to the per-page work of
 * pgstatindex, which reads no tuple either.
 *
 * A rebuild also leaves out the entries of heap rows dead to everybody: a
 * few entries of each detailed leaf are checked against the heap, after the
 * leaf's lock is released (btree_heapcheck.c).
 *
 * Reads use a BAS_BULKREAD ring and share locks, one page at a time, under
 * AccessShareLock on the index: like pgstatindex, never in a writer's way.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/nbtree.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"

#include "campmon.h"
#include "sampling.h"

/* largest posting-list tuple a B-tree build makes (nbtsort.c, _bt_load) */
#define ENTRY_CHECK_EXACT_SEED 0x5eed15	/* exact: the same entries every time */
#define BTREE_BUILD_POSTING (MAXALIGN_DOWN((BLCKSZ * 10 / 100)) - sizeof(ItemIdData))

/* Ask the CPU for a cache line we are about to read (a hint, no access). */
#if defined(__GNUC__) || defined(__clang__)
#define prefetch_line(p) __builtin_prefetch(p)
#else
#define prefetch_line(p) ((void) 0)
#endif

/* What one page contributes. */
typedef struct BtreePage
{
	enum
	{
		BTP_KIND_LEAF,
		BTP_KIND_INTERNAL,
		BTP_KIND_EMPTY,
		BTP_KIND_DELETED
	}			kind;
	double		free;			/* leaf: PageGetFreeSpace */
	double		max_avail;		/* leaf: pd_special - SizeOfPageHeaderData */
	bool		fragment;		/* leaf: right sibling at an earlier block */
	double		used;			/* leaf: bytes its data items take now */
	bool		detailed;		/* leaf: tuples read, fields below set */
	double		items;			/* leaf: non-pivot tuples */
	double		tids;			/* leaf: heap TIDs they point to */
	double		rebuilt_need;	/* leaf: their bytes after REINDEX */
	double		rebuilt_tuples; /* leaf: the tuples they make then */
	double		key_need;		/* leaf: summed bytes of their bare keys */
	EntrySample sample;			/* leaf: entries to check against the heap */
	double		check_var;		/* leaf: variance of rebuilt_need from it */
} BtreePage;

/* Key part of a leaf tuple: everything but the posting list. */
static inline Size
key_size(IndexTuple itup)
{
	return BTreeTupleIsPosting(itup) ? BTreeTupleGetPostingOffset(itup) :
		IndexTupleSize(itup);
}

static inline int
tuple_tids(IndexTuple itup)
{
	return BTreeTupleIsPosting(itup) ? BTreeTupleGetNPosting(itup) : 1;
}

/* Binary equality of two keys: what deduplication requires (allequalimage). */
static bool
same_key(IndexTuple a, IndexTuple b)
{
	Size		ka = key_size(a);

	if (ka != key_size(b) ||
		(a->t_info & INDEX_NULL_MASK) != (b->t_info & INDEX_NULL_MASK))
		return false;
	return memcmp((char *) a + sizeof(IndexTupleData),
				  (char *) b + sizeof(IndexTupleData),
				  ka - sizeof(IndexTupleData)) == 0;
}

/*
 * Bytes (tuples plus line pointers) that `tids` heap TIDs sharing one key of
 * `keysize` bytes take after a build: one plain tuple, or posting-list
 * tuples of at most BTREE_BUILD_POSTING bytes.
 */
static double
group_need(Size keysize, int tids, bool dedup, double *tuples)
{
	double		need = 0;
	int			per_posting;

	if (!dedup || tids == 1)
	{
		*tuples += tids;
		return (double) tids * (MAXALIGN(keysize) + sizeof(ItemIdData));
	}

	per_posting = (BTREE_BUILD_POSTING - MAXALIGN(keysize)) / sizeof(ItemPointerData);
	per_posting = Max(per_posting, 2);
	while (tids > 0)
	{
		int			n = Min(tids, per_posting);

		need += (n == 1 ? MAXALIGN(keysize) :
				 MAXALIGN(MAXALIGN(keysize) + n * sizeof(ItemPointerData))) +
			sizeof(ItemIdData);
		*tuples += 1;
		tids -= n;
	}
	return need;
}

/* Sum what the live items of a leaf page take after REINDEX. */
static void
leaf_items(Relation rel, BlockNumber blkno, Page page, BTPageOpaque opaque,
		   bool dedup, EntryCheck *ec, BtreePage *bp)
{
	OffsetNumber off,
				maxoff = PageGetMaxOffsetNumber(page);
	IndexTuple	run = NULL;
	int			run_tids = 0;
	int			want = ec->per_leaf;	/* entries to check against the heap */

	for (off = P_FIRSTDATAKEY(opaque); off <= maxoff; off = OffsetNumberNext(off))
	{
		ItemId		itemid = PageGetItemId(page, off);
		IndexTuple	itup;
		bool		check = entry_check_wanted(ec, maxoff, off, &want);

		if (!ItemIdIsUsed(itemid) || ItemIdIsDead(itemid))
			continue;			/* known dead: not in a rebuilt index */

		itup = campmon_btree_item(rel, blkno, page, off);
		bp->items += 1;
		bp->tids += tuple_tids(itup);
		if (check)
			entry_check_note(&bp->sample,
							 BTreeTupleIsPosting(itup) ? BTreeTupleGetPostingN(itup, 0) :
							 &itup->t_tid,
							 tuple_tids(itup));
		bp->key_need += MAXALIGN(key_size(itup)) + sizeof(ItemIdData);

		if (run != NULL && dedup && same_key(run, itup))
		{
			run_tids += tuple_tids(itup);
			continue;
		}
		if (run != NULL)
			bp->rebuilt_need += group_need(key_size(run), run_tids, dedup,
										   &bp->rebuilt_tuples);
		run = itup;
		run_tids = tuple_tids(itup);
	}
	if (run != NULL)
		bp->rebuilt_need += group_need(key_size(run), run_tids, dedup,
										   &bp->rebuilt_tuples);
}

/*
 * Bytes the data items of a leaf take now: tuple space and line pointers,
 * less the high key of a non-rightmost page.  Page header only.
 */
static double
leaf_used(Relation rel, BlockNumber blkno, Page page, BTPageOpaque opaque)
{
	PageHeader	ph = (PageHeader) page;
	double		used = (ph->pd_special - ph->pd_upper) +
		(double) PageGetMaxOffsetNumber(page) * sizeof(ItemIdData);

	if (!P_RIGHTMOST(opaque) && PageGetMaxOffsetNumber(page) >= P_HIKEY)
	{
		(void) campmon_btree_item(rel, blkno, page, P_HIKEY);	/* inside the page */
		used -= MAXALIGN(ItemIdGetLength(PageGetItemId(page, P_HIKEY))) +
			sizeof(ItemIdData);
	}
	return Max(used, 0);
}

/*
 * Classify one share-locked page as pgstatindex does, and measure it; read
 * its tuples when detailed.
 */
static void
measure_page(Relation rel, Page page, BlockNumber blkno, bool dedup,
			 bool detailed, EntryCheck *ec, BtreePage *bp)
{
	BTPageOpaque opaque;

	bp->items = bp->tids = bp->rebuilt_need = bp->rebuilt_tuples = bp->key_need = 0;
	bp->used = 0;
	bp->detailed = false;
	bp->sample.n = 0;
	bp->check_var = 0;

	if (PageIsNew(page))
	{
		bp->kind = BTP_KIND_EMPTY;
		return;
	}

	campmon_check_btree_special(rel, blkno, page);
	opaque = BTPageGetOpaque(page);
	if (P_ISDELETED(opaque))
		bp->kind = BTP_KIND_DELETED;
	else if (P_IGNORE(opaque))
		bp->kind = BTP_KIND_EMPTY;	/* half-dead */
	else if (P_ISLEAF(opaque))
	{
		bp->kind = BTP_KIND_LEAF;
		bp->max_avail = ((PageHeader) page)->pd_special - SizeOfPageHeaderData;
		bp->free = PageGetFreeSpace(page);
		bp->fragment = opaque->btpo_next != P_NONE && opaque->btpo_next < blkno;
		bp->used = leaf_used(rel, blkno, page, opaque);
		bp->detailed = detailed;
		if (detailed)
			leaf_items(rel, blkno, page, opaque, dedup, ec, bp);
	}
	else
		bp->kind = BTP_KIND_INTERNAL;
}

/*
 * Does a rebuild of this index deduplicate?  As nbtsort.c decides: not for
 * unique indexes, only when deduplicate_items is on and every column's
 * equality is binary equality (metapage's btm_allequalimage).
 */
static bool
rebuild_dedups(Relation rel, Page metapage)
{
	BTMetaPageData *meta = BTPageGetMeta(metapage);

	return !rel->rd_index->indisunique && BTGetDeduplicateItems(rel) &&
		meta->btm_version >= BTREE_NOVAC_VERSION && meta->btm_allequalimage;
}

/* Read the metapage: tree level and the deduplication rule. */
static bool
read_metapage(Relation rel, BufferAccessStrategy strategy, BtreeMeasure *m)
{
	Buffer		buf = ReadBufferExtended(rel, MAIN_FORKNUM, BTREE_METAPAGE,
										 RBM_NORMAL, strategy);
	Page		page;
	bool		dedup = false;

	LockBuffer(buf, BUFFER_LOCK_SHARE);
	page = BufferGetPage(buf);
	if (!PageIsNew(page))
		campmon_check_btree_special(rel, BTREE_METAPAGE, page);
	if (!PageIsNew(page) && (BTPageGetOpaque(page)->btpo_flags & BTP_META))
	{
		m->level = BTPageGetMeta(page)->btm_level;
		dedup = rebuild_dedups(rel, page);
	}
	UnlockReleaseBuffer(buf);
	return dedup;
}

static void
measure_init(Relation rel, CampmonMode method, BtreeMeasure *m)
{
	memset(m, 0, sizeof(BtreeMeasure));
	m->method = method;
	m->fillfactor = BTGetFillFactor(rel);
	m->level = -1;
	m->total_pages = RelationGetNumberOfBlocks(rel);
}

/* Running totals over the pages read. */
typedef struct BtreeTotals
{
	double		leaf,
				internal,
				empty,
				deleted;
	double		free,
				max_avail,
				fragments;
	double		used;			/* every leaf */
	double		detailed_used;	/* detailed leaves only, from here on */
	double		items,
				tids,
				rebuilt_need,
				rebuilt_tuples,
				key_need;
	bool		sampling;		/* keep the per-page statistics below */
	SampleStat	density;		/* over leaf pages */
	SampleStat	fragment;		/* over leaf pages, 0 or 100 */
	SampleStat	need;			/* over every page read */
	double		check_var;		/* summed over the leaves read */
} BtreeTotals;

/*
 * With the index page's lock released: check the leaf's sampled entries
 * against the heap and leave out of its rebuilt bytes the share of its
 * entries whose heap rows REINDEX would not index (btree_heapcheck.c).
 */
static void
check_leaf_entries(EntryCheck *ec, BtreePage *bp)
{
	double		dead_share;
	double		share_var;
	double		tuples_gone;
	double		key = bp->items > 0 ? bp->key_need / bp->items : 0;
	double		all;

	bp->check_var = 0;
	if (bp->kind != BTP_KIND_LEAF || !bp->detailed || bp->sample.n == 0)
		return;
	dead_share = entry_check_leaf(ec, &bp->sample, &share_var);

	/* rebuilt_need falls by about `all` bytes per unit of dead share */
	all = btree_dead_saving(bp->rebuilt_need, bp->rebuilt_tuples, bp->tids,
							key, bp->tids, &tuples_gone);
	bp->check_var = all * all * share_var;
	if (!(dead_share > 0))
		return;
	bp->rebuilt_need -= btree_dead_saving(bp->rebuilt_need, bp->rebuilt_tuples,
										  bp->tids, key,
										  bp->tids * dead_share, &tuples_gone);
	bp->rebuilt_tuples -= tuples_gone;
}

static void
add_page(BtreeTotals *t, const BtreePage *bp)
{
	switch (bp->kind)
	{
		case BTP_KIND_LEAF:
			t->leaf += 1;
			t->free += bp->free;
			t->max_avail += bp->max_avail;
			t->fragments += bp->fragment ? 1 : 0;
			t->used += bp->used;
			if (bp->detailed)
			{
				t->check_var += bp->check_var;
				t->detailed_used += bp->used;
				t->items += bp->items;
				t->tids += bp->tids;
				t->rebuilt_need += bp->rebuilt_need;
				t->rebuilt_tuples += bp->rebuilt_tuples;
				t->key_need += bp->key_need;
			}
			if (t->sampling)
			{
				sample_stat_add(&t->density, 100.0 - 100.0 * bp->free / bp->max_avail);
				sample_stat_add(&t->fragment, bp->fragment ? 100.0 : 0.0);
			}
			break;
		case BTP_KIND_INTERNAL:
			t->internal += 1;
			break;
		case BTP_KIND_EMPTY:
			t->empty += 1;
			break;
		case BTP_KIND_DELETED:
			t->deleted += 1;
			break;
	}
	if (t->sampling)
		sample_stat_add(&t->need, bp->rebuilt_need);
}

/* Turn totals over `read` of the index's non-meta pages into measures. */
static void
finish(Relation rel, BtreeTotals *t, double read, const EntryCheck *ec,
	   BtreeMeasure *m)
{
	double		population = m->total_pages > 0 ? m->total_pages - 1 : 0;
	double		scale = read > 0 ? population / read : 0;

	/* detailed leaves' rebuilt/used ratio applied to every leaf read */
	double		per_used = t->detailed_used > 0 ? 1.0 / t->detailed_used : 0;
	double		used = t->used * scale;

	m->leaf_pages = t->leaf * scale;
	m->internal_pages = t->internal * scale;
	m->empty_pages = t->empty * scale;
	m->deleted_pages = t->deleted * scale;
	m->leaf_items = t->items * per_used * used;
	m->leaf_tids = t->tids * per_used * used;
	m->rebuilt_need = t->rebuilt_need * per_used * used;
	m->rebuilt_tuples = t->rebuilt_tuples * per_used * used;
	m->pivot_need = t->items > 0 ? t->key_need / t->items : 0;

	/* pgstatindex: density over live leaves, ratio of sums */
	m->has_density = t->leaf > 0;
	if (t->leaf > 0)
	{
		m->avg_leaf_density = 100.0 - 100.0 * t->free / t->max_avail;
		m->leaf_fragmentation = 100.0 * t->fragments / t->leaf;
	}

	m->min_pages = btree_min_pages(BTGetFillFactor(rel), m->rebuilt_need, m->rebuilt_tuples,
								   m->pivot_need);

	/* REINDEX indexes live rows only: what the heap said (btree_heapcheck.c) */
	if (ec->dead > 0)
		m->basis = psprintf("%s; entries of about %.0f dead heap rows left out (REINDEX indexes live rows only; %.0f of %.0f heap rows checked behind sampled entries are dead)",
							campmon_basis(m->method, false, m->scanned_pages,
										  m->total_pages),
							m->leaf_tids * ec->dead / ec->checked,
							ec->dead, ec->checked);
	else if (ec->locked_out)
		m->basis = psprintf("%s; entries of dead heap rows not checked (the table's lock was not free at once)",
							campmon_basis(m->method, false, m->scanned_pages,
										  m->total_pages));
}

void
btree_measure_exact(Relation rel, int sample_pages, BtreeMeasure *m)
{
	BufferAccessStrategy strategy = GetAccessStrategy(BAS_BULKREAD);
	BtreeTotals totals;
	EntryCheck	ec;
	BlockNumber detail_step;
	BlockNumber next_detail;
	BlockNumber blkno;
	Buffer		next_buf;
	bool		dedup;

	measure_init(rel, CAMPMON_MODE_EXACT, m);
	memset(&totals, 0, sizeof(totals));

	if (m->total_pages == 0)
	{
		FreeAccessStrategy(strategy);
		m->min_pages = btree_min_pages(BTGetFillFactor(rel), 0, 0, 0);
		return;
	}
	dedup = read_metapage(rel, strategy, m);

	/*
	 * Which blocks get their tuples read: every block of a small index, else
	 * every detail_step-th block from a random start (a systematic sample:
	 * each block equally likely, and no per-block cost on the others).
	 */
	detail_step = Max((m->total_pages - 1 + sample_pages - 1) / sample_pages, 1);
	entry_check_begin(&ec, rel, (double) (m->total_pages - 1) / detail_step,
					  ENTRY_CHECK_EXACT_BUDGET, ENTRY_CHECK_EXACT_SEED);
	next_detail = 1 + campmon_sample_seed_value() % detail_step;

	/*
	 * Software pipelining: block N+1 is pinned, and the cache lines of its
	 * header and special space requested, before block N is examined, so
	 * that the memory stalls of the two overlap.  Only the pin is held
	 * ahead; the share lock is taken when the page is examined.
	 */
	next_buf = m->total_pages > 1 ?
		ReadBufferExtended(rel, MAIN_FORKNUM, 1, RBM_NORMAL, strategy) :
		InvalidBuffer;
	for (blkno = 1; blkno < m->total_pages; blkno++)
	{
		Buffer		buf = next_buf;
		BtreePage	bp;
		bool		detailed = blkno == next_detail;

		CHECK_FOR_INTERRUPTS();
		if (detailed)
			next_detail += detail_step;

		next_buf = InvalidBuffer;
		if (blkno + 1 < m->total_pages)
		{
			char	   *next_page;

			next_buf = ReadBufferExtended(rel, MAIN_FORKNUM, blkno + 1,
										  RBM_NORMAL, strategy);
			next_page = (char *) BufferGetPage(next_buf);
			prefetch_line(next_page);
			prefetch_line(next_page + BLCKSZ - sizeof(BTPageOpaqueData));
		}

		LockBuffer(buf, BUFFER_LOCK_SHARE);
		measure_page(rel, BufferGetPage(buf), blkno, dedup, detailed, &ec, &bp);
		UnlockReleaseBuffer(buf);
		check_leaf_entries(&ec, &bp);
		add_page(&totals, &bp);
	}

	m->scanned_pages = m->total_pages;
	finish(rel, &totals, m->total_pages - 1, &ec, m);
	entry_check_end(&ec);
	FreeAccessStrategy(strategy);
}

/*
 * Sampled mode: a simple random sample of the non-meta pages (PostgreSQL's
 * block sampler), classified and measured as in exact mode.  Density and
 * fragmentation are estimated over the sampled leaves, page counts and the
 * rebuilt size are extrapolated; sampling.c gives the standard errors.
 */
void
btree_measure_sampled(Relation rel, int sample_pages, BtreeMeasure *m)
{
	BufferAccessStrategy strategy = GetAccessStrategy(BAS_BULKREAD);
	BtreeTotals totals;
	EntryCheck	ec;
	PageSampler sampler;
	BlockNumber blkno;
	bool		dedup;
	double		leaves;

	measure_init(rel, CAMPMON_MODE_SAMPLED, m);
	memset(&totals, 0, sizeof(totals));
	totals.sampling = true;

	if (m->total_pages <= 1)
	{
		FreeAccessStrategy(strategy);
		m->scanned_pages = m->total_pages;
		m->has_interval = true;
		m->min_pages = btree_min_pages(BTGetFillFactor(rel), 0, 0, 0);
		return;
	}
	dedup = read_metapage(rel, strategy, m);
	m->scanned_pages = 1;

	/* every block but the metapage, 1 .. N-1 */
	page_sampler_init(&sampler, rel, 1, m->total_pages - 1, sample_pages);
	entry_check_begin(&ec, rel, Min(sample_pages, m->total_pages - 1),
					  ENTRY_CHECK_SAMPLED_BUDGET, campmon_sample_seed_value());
	while (page_sampler_next(&sampler, &blkno))
	{
		Buffer		buf;
		BtreePage	bp;

		CHECK_FOR_INTERRUPTS();
		buf = ReadBufferExtended(rel, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
		LockBuffer(buf, BUFFER_LOCK_SHARE);
		measure_page(rel, BufferGetPage(buf), blkno, dedup, true, &ec, &bp);
		UnlockReleaseBuffer(buf);
		check_leaf_entries(&ec, &bp);
		add_page(&totals, &bp);
		m->scanned_pages++;
	}

	finish(rel, &totals, m->scanned_pages - 1, &ec, m);
	entry_check_end(&ec);
	m->is_estimate = m->scanned_pages < m->total_pages;
	m->has_interval = true;
	leaves = Max(m->leaf_pages, totals.leaf);
	m->density_se = sample_stat_se_mean(&totals.density, leaves, 0, 100);
	m->fragmentation_se = sample_stat_se_mean(&totals.fragment, leaves, 0, 100);
	m->need_se = sample_stat_se_mean(&totals.need, m->total_pages - 1, 0,
									 BLCKSZ - SizeOfPageHeaderData -
									 MAXALIGN(sizeof(BTPageOpaqueData)));

	/*
	 * Two-stage sampling: the finite-population correction shrinks the
	 * variance between pages, not that of each leaf's dead share, estimated
	 * from a few of its entries.  Its share the correction removed is added
	 * back: mean within-page variance / N.
	 */
	if (totals.check_var > 0 && m->scanned_pages > 1)
		m->need_se = sqrt(m->need_se * m->need_se +
						  totals.check_var / (m->scanned_pages - 1) /
						  (m->total_pages - 1));
	FreeAccessStrategy(strategy);
}
