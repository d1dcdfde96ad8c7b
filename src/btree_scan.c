/*-------------------------------------------------------------------------
 *
 * btree_scan.c
 *	  The B-tree measurements that read pages: exact (every page) and
 *	  sampled (uniformly random pages).
 *
 * Each page is classified and measured as pgstatindex does it
 * (btree_leaf.c): exact mode equals pgstatindex.  Every leaf also feeds the
 * REINDEX size model (btree_estimate.c): the bytes its data items take now
 * come from its page header alone; what they become in a rebuild -- items
 * marked LP_DEAD dropped, runs of equal keys merged into posting lists as
 * a build makes them, across leaves -- needs every tuple read.  Tuples are
 * therefore read on "detailed" leaves only -- every leaf when the index has
 * at most sample_pages pages, else about sample_pages blocks (the sample
 * itself in sampled mode; every k-th block from a start seeded by the
 * relation in exact mode) -- and the rebuilt/used ratio found there is
 * applied to the used bytes of every leaf (a ratio estimator).  That keeps
 * exact mode to the per-page work of pgstatindex, which reads no tuple
 * either.  The detailed leaves' rebuilt tuples are replayed in the build's
 * leaf filling (BtreePacker); when every leaf is read, their runs are put
 * back in key order and replayed whole (btree_runs.c).
 *
 * A rebuild also leaves out the entries of heap rows dead to everybody: a
 * few heap TIDs of each detailed leaf (or of a share of them, when the heap
 * reads bound the checks) are checked against the heap after the leaf's
 * lock is released (btree_heapcheck.c), and the leaf is rebuilt with its
 * live share; leaves left unchecked take the share of those checked.
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
#include "btree_leaf.h"
#include "sampling.h"

#define ENTRY_CHECK_EXACT_SEED 0x5eed15	/* exact: the same entries every time */

/* Ask the CPU for a cache line we are about to read (a hint, no access). */
#if defined(__GNUC__) || defined(__clang__)
#define prefetch_line(p) __builtin_prefetch(p)
#else
#define prefetch_line(p) ((void) 0)
#endif

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
	BtreePacker packer;			/* the detailed leaves' items, rebuilt */
	BtreeRuns  *runs;			/* every leaf's runs (btree_runs.c), or NULL */
	double		unchecked_need; /* detailed leaves whose entries were not */
	double		unchecked_tuples;	/* checked against the heap: rebuilt */
	double		unchecked_tids; /* as if all live */
	double		unchecked_keys;
	double		unchecked_items;
	bool		sampling;		/* keep the per-page statistics below */
	SampleStat	density;		/* over leaf pages */
	SampleStat	fragment;		/* over leaf pages, 0 or 100 */
	double	   *need;			/* per page read, stratum by stratum */
	int			nneed;
	double		check_var;		/* summed over the leaves read */
} BtreeTotals;

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


/*
 * With the index page's lock released: check the leaf's sampled entries
 * against the heap (btree_heapcheck.c), and rebuild its runs less the share
 * of its entries whose heap rows REINDEX would not index; keep them for the
 * key-order replay when every leaf is read.
 */
static void
leaf_after_unlock(BtreeTotals *t, EntryCheck *ec, bool dedup, BtreePage *bp)
{
	double		dead_share = 0;
	double		share_var = 0;
	bool		unchecked;

	bp->check_var = 0;
	if (bp->kind != BTP_KIND_LEAF || !bp->detailed)
		return;
	unchecked = ec->heap != NULL && bp->sample.n == 0 && bp->tids > 0;
	if (bp->sample.n > 0)
		dead_share = entry_check_leaf(ec, &bp->sample, bp->tids, &share_var);
	btree_page_rebuild(bp, dedup, dead_share, &t->packer);
	if (unchecked)
	{
		/* given the dead share of the leaves checked, at the end (finish) */
		t->unchecked_need += bp->rebuilt_need;
		t->unchecked_tuples += bp->rebuilt_tuples;
		t->unchecked_tids += bp->tids;
		t->unchecked_keys += bp->key_need;
		t->unchecked_items += bp->items;
	}
	if (share_var > 0 && dead_share < 1)
	{
		/*
		 * The rebuilt bytes fall by about `all` per unit of dead share: what
		 * every entry of the leaf saves, from its bytes had none been dead.
		 */
		double		tuples_gone;
		double		key = bp->items > 0 ? bp->key_need / bp->items : 0;
		double		all = btree_dead_saving(bp->rebuilt_need / (1 - dead_share),
										   bp->rebuilt_tuples / (1 - dead_share),
										   bp->tids, key, bp->tids, &tuples_gone);

		bp->check_var = all * all * share_var;
	}
	if (t->runs != NULL)
	{
		btree_runs_leaf(t->runs, bp->blkno, bp->next, bp->first_key, bp->last_key,
						unchecked);
		for (int i = 0; i < bp->nruns && t->runs != NULL; i++)
		{
			if (!btree_runs_part(t->runs, bp->runs[i].keysize,
								 bp->runs[i].tids * (1 - dead_share)))
			{
				btree_runs_free(t->runs);
				t->runs = NULL;
			}
		}
	}
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
		t->need[t->nneed++] = bp->rebuilt_need;
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
	m->leaf_need = btree_packer_leaf_need(&t->packer);
	if (ec->checked > 0 && ec->dead > 0 && t->unchecked_tids > 0)
	{
		/*
		 * The detailed leaves left unchecked (the heap reads bounded the
		 * checks) take the dead share of those checked.
		 */
		double		tuples_gone;
		double		saved = btree_dead_saving(t->unchecked_need, t->unchecked_tuples,
											  t->unchecked_tids,
											  t->unchecked_keys / Max(t->unchecked_items, 1),
											  t->unchecked_tids * ec->dead / ec->checked,
											  &tuples_gone);

		m->rebuilt_need -= saved * per_used * used;
		m->rebuilt_tuples -= tuples_gone * per_used * used;
	}
	if (t->runs != NULL)
	{
		/* every leaf read: its runs joined across leaves, in key order */
		btree_runs_replay(t->runs, BTGetFillFactor(rel),
						  ec->checked > 0 ? ec->dead / ec->checked : 0,
						  &m->rebuilt_need, &m->rebuilt_tuples, &m->leaf_need);
		btree_runs_free(t->runs);
		t->runs = NULL;
	}
	m->pivot_need = t->items > 0 ? t->key_need / t->items : 0;

	/* pgstatindex: density over live leaves, ratio of sums */
	m->has_density = t->leaf > 0;
	if (t->leaf > 0)
	{
		m->avg_leaf_density = 100.0 - 100.0 * t->free / t->max_avail;
		m->leaf_fragmentation = 100.0 * t->fragments / t->leaf;
	}

	m->min_pages = btree_min_pages(BTGetFillFactor(rel), m->rebuilt_need, m->rebuilt_tuples,
								   m->pivot_need, m->leaf_need);

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
	btree_packer_init(&totals.packer, BTGetFillFactor(rel));

	if (m->total_pages == 0)
	{
		FreeAccessStrategy(strategy);
		m->min_pages = btree_min_pages(BTGetFillFactor(rel), 0, 0, 0, 0);
		return;
	}
	dedup = read_metapage(rel, strategy, m);

	/*
	 * Which blocks get their tuples read: every block of a small index, else
	 * every detail_step-th block from a random start (a systematic sample:
	 * each block equally likely, and no per-block cost on the others).
	 */
	detail_step = Max((m->total_pages - 1 + sample_pages - 1) / sample_pages, 1);
	if (dedup && detail_step == 1)
		totals.runs = btree_runs_begin();
	/*
	 * The heap reads are bounded for a large index, where they would slow
	 * exact mode down against pgstatindex; an index of no more entries than
	 * the budget has every one checked, whatever it reads.
	 */
	entry_check_begin(&ec, rel, (double) (m->total_pages - 1) / detail_step,
					  ENTRY_CHECK_EXACT_BUDGET,
					  rel->rd_rel->reltuples >= 0 &&
					  rel->rd_rel->reltuples <= ENTRY_CHECK_EXACT_BUDGET ?
					  ENTRY_CHECK_EXACT_BUDGET : ENTRY_CHECK_EXACT_READS,
					  ENTRY_CHECK_EXACT_SEED);
	next_detail = 1 + campmon_sample_seed_for(rel) % detail_step;

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
		btree_page_measure(rel, BufferGetPage(buf), blkno, dedup, detailed, &ec, &bp);
		UnlockReleaseBuffer(buf);
		bp.blkno = blkno;
		leaf_after_unlock(&totals, &ec, dedup, &bp);
		add_page(&totals, &bp);
	}

	m->scanned_pages = m->total_pages;
	finish(rel, &totals, m->total_pages - 1, &ec, m);
	entry_check_end(&ec);
	FreeAccessStrategy(strategy);
}

/*
 * Sampled mode: a stratified random sample of the non-meta pages
 * (sampling.c), classified and measured as in exact mode.  Density and
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
	btree_packer_init(&totals.packer, BTGetFillFactor(rel));
	totals.sampling = true;

	if (m->total_pages <= 1)
	{
		FreeAccessStrategy(strategy);
		m->scanned_pages = m->total_pages;
		m->has_interval = true;
		m->min_pages = btree_min_pages(BTGetFillFactor(rel), 0, 0, 0, 0);
		return;
	}
	dedup = read_metapage(rel, strategy, m);
	m->scanned_pages = 1;

	/* every block but the metapage, 1 .. N-1 */
	page_sampler_init(&sampler, rel, 1, m->total_pages - 1, sample_pages);
	totals.need = palloc(sizeof(double) * Max(sampler.n, 1));
	if (dedup && sample_pages >= m->total_pages - 1)
		totals.runs = btree_runs_begin();	/* every page is read */
	/*
	 * A sample of a small part of a large index reads few heap pages (its
	 * sampling error dominates, and its speed against pgstatindex counts);
	 * one of half the index or more as many as exact mode.
	 */
	entry_check_begin(&ec, rel, Min(sample_pages, m->total_pages - 1),
					  ENTRY_CHECK_SAMPLED_BUDGET,
					  2.0 * sample_pages >= m->total_pages - 1 ?
					  ENTRY_CHECK_EXACT_READS : ENTRY_CHECK_SAMPLED_READS,
					  campmon_sample_seed_for(rel));
	while (page_sampler_next(&sampler, &blkno))
	{
		Buffer		buf;
		BtreePage	bp;

		CHECK_FOR_INTERRUPTS();
		buf = ReadBufferExtended(rel, MAIN_FORKNUM, blkno, RBM_NORMAL, strategy);
		LockBuffer(buf, BUFFER_LOCK_SHARE);
		btree_page_measure(rel, BufferGetPage(buf), blkno, dedup, true, &ec, &bp);
		UnlockReleaseBuffer(buf);
		bp.blkno = blkno;
		leaf_after_unlock(&totals, &ec, dedup, &bp);
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
	m->need_se = strata_se_mean(totals.need, totals.nneed, m->total_pages - 1, 0,
								BLCKSZ - SizeOfPageHeaderData -
								MAXALIGN(sizeof(BTPageOpaqueData)));
	pfree(totals.need);

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
