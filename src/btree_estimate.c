/*-------------------------------------------------------------------------
 *
 * btree_estimate.c
 *	  The B-tree size model: how many pages an index takes right after
 *	  REINDEX, from what its rebuilt tuples take (the modes that read pages,
 *	  btree_scan.c, and the stats mode, btree_stats.c, find that).
 *
 * Size model.  A build (nbtsort.c) adds items to a leaf page in key order
 * until the next one does not fit or the page's free space falls below
 * BLCKSZ * (100 - fillfactor) / 100; it then closes the page and moves its
 * last item to the new page, leaving a truncated copy as the old page's
 * high key.  Internal pages fill likewise at BTREE_NONLEAF_FILLFACTOR (70).
 * items_per_page counts the items a page keeps for items of one size (the
 * mean overshoot past the target for many small items of mixed sizes);
 * leaves of posting lists -- few large tuples of mixed sizes, where each
 * tuple takes a slot of the page whatever its size -- are replayed tuple by
 * tuple (BtreePacker).  Then
 *
 *		leaf_pages   = ceil(rebuilt_tuples / items per leaf)
 *		level_pages  = ceil(pages_below / pivots per internal page), up to the root
 *		min_pages    = 1 (metapage) + leaf_pages + internal levels
 *
 * where the rebuilt tuples are what the live entries make once rebuilt
 * (known-dead items dropped, equal keys deduplicated as a build does:
 * btree_run_need) and a pivot is a bare key with its line pointer.  Suffix
 * truncation makes real pivots shorter: the model errs towards a larger
 * index, that is towards less bloat.
 *
 * Dead rows.  REINDEX indexes the table's live rows only, while the pages
 * of an index still hold the entries of rows deleted or updated since the
 * last VACUUM, until an index scan marks them LP_DEAD.  An entry left out
 * saves what btree_dead_saving says (btree_heapcheck.c finds them in the
 * modes that read pages, btree_stats.c from the cumulative statistics).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/relation.h"
#include "access/nbtree.h"
#include "access/transam.h"
#include "miscadmin.h"
#include "catalog/pg_class.h"
#include "catalog/pg_statistic.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "campmon.h"

#define BTREE_PAGE_SPACE \
	(BLCKSZ - SizeOfPageHeaderData - MAXALIGN(sizeof(BTPageOpaqueData)))

/*
 * nbtree's own limit on a tuple (BTMaxItemSizeNoHeapTid for a page of
 * BLCKSZ): a third of a page, so that three always fit.  With its line
 * pointer, the largest bytes any item or pivot can take.
 */
#define BTREE_MAX_ITEM_NEED \
	(MAXALIGN_DOWN((BLCKSZ - MAXALIGN(SizeOfPageHeaderData + 3 * sizeof(ItemIdData)) - \
					MAXALIGN(sizeof(BTPageOpaqueData))) / 3) + sizeof(ItemIdData))
/*
 * Free space of an empty page being built (PageGetFreeSpace, which counts
 * the next line pointer, with the high key's line pointer allocated)
 */
#define BTREE_FREE0 \
	(BLCKSZ - SizeOfPageHeaderData - 2 * sizeof(ItemIdData) - \
	 MAXALIGN(sizeof(BTPageOpaqueData)))
/* the smallest: a bare tuple header, MAXALIGNed, and its line pointer */
#define BTREE_MIN_ITEM_NEED (MAXALIGN(sizeof(IndexTupleData)) + sizeof(ItemIdData))

/*
 * No B-tree is taller than this: each level at least halves the pages below
 * (see below), and a relation has fewer than 2^32 blocks.  The loop bound is
 * a guard, not a figure.
 */
#define BTREE_MAX_LEVELS 40

/* a figure clamped into [lo, hi]; NaN taken as lo */
static inline double
clamp_need(double v, double lo, double hi)
{
	if (!(v >= lo))
		return lo;
	return v > hi ? hi : v;
}

/*
 * Items a build leaves on one page, as nbtsort.c's _bt_buildadd fills it,
 * for items taking `need` bytes each (tuple and line pointer).  A page
 * starts with the item moved from the page before (on an internal page
 * truncated to a bare "minus infinity" header, `first` bytes); another item
 * is added while it fits -- on a leaf with `margin` bytes to spare, for the
 * heap TID a high key may take -- and either the free space stays at or
 * above the target `reserve` or the page holds fewer than two items.  At
 * the close the last item moves on, so the page keeps one fewer than it
 * held.
 *
 * For k items held the free space is free0 - first - (k - 1) * need; the
 * close comes at the first k at which the next item no longer fits or
 * (k >= 2 and the free space is below reserve).  With items of equal size
 * that count is exact; for items of mixed sizes, the overshoot past the
 * target is on average half an item, which the continuous form used for
 * pages of many items says.  Leaves of posting lists, few and large items
 * of mixed sizes, are filled by BtreePacker instead.
 */
static double
items_per_page(double need, double first, double reserve, double margin)
{
	double		tuple = need - sizeof(ItemIdData);
	double		fit = (BTREE_FREE0 - first - tuple - margin) / need;	/* room for more */
	double		target = (BTREE_FREE0 - first - reserve) / need;
	double		held;

	if (Min(fit, target) >= 16)
		held = 1 + Min(fit + 0.5, target + 0.5);	/* mean overshoot */
	else
		held = Min(floor(fit) + 2, Max(floor(target) + 2, 2));
	return Max(held - 1, 1);
}

/*
 * A build's leaf filling replayed item by item (BtreePacker), for a stream
 * of rebuilt tuples in key order: _bt_buildadd closes a leaf when the next
 * item does not fit with room for a high key's heap TID, or -- once the leaf
 * holds two items -- when its free space plus the posting list of its last
 * item (which the high key does not keep) falls below the fillfactor's
 * reserve; the last item then moves on to the next leaf.  A leaf of large
 * posting lists thus fills to the hard limit, and a small item among them
 * leaves the room of a large one unused: what an average item size cannot
 * say.  The bytes the closed leaves keep give the bytes per rebuilt leaf.
 */
void
btree_packer_init(BtreePacker *p, int fillfactor)
{
	memset(p, 0, sizeof(BtreePacker));
	fillfactor = Max(Min(fillfactor, 100), BTREE_MIN_FILLFACTOR);
	p->reserve = BLCKSZ * (100 - fillfactor) / 100;	/* BTGetTargetPageFreeSpace */
	p->free = BTREE_FREE0;
}

/* Add one rebuilt tuple of `tuple` bytes (MAXALIGNed), `extra` of them its posting list. */
void
btree_packer_add(BtreePacker *p, double tuple, double extra)
{
	double		need = tuple + sizeof(ItemIdData);

	if (p->nitems > 0 &&
		(p->free < tuple + MAXALIGN(sizeof(ItemPointerData)) ||
		 (p->nitems >= 2 && p->free + p->last_extra < p->reserve)))
	{
		p->closed_pages += 1;
		p->closed_need += p->open_need - p->last_need;
		p->free = BTREE_FREE0 - p->last_need;
		p->open_need = p->last_need;
		p->nitems = 1;
	}
	p->free -= need;
	p->open_need += need;
	p->nitems++;
	p->last_need = need;
	p->last_extra = extra;
}

/* Bytes of items a rebuilt leaf keeps, as replayed; 0 before a leaf closed. */
double
btree_packer_leaf_need(const BtreePacker *p)
{
	return p->closed_pages > 0 ? p->closed_need / p->closed_pages : 0;
}

/*
 * TIDs a build puts in one posting list for a key of keysize bytes (the
 * tuple without posting list): as many as keep the tuple, MAXALIGNed,
 * within nbtsort.c's limit of a tenth of a page less a line pointer
 * (_bt_load's maxpostingsize, _bt_dedup_save_htid).  1: no posting list
 * can hold two, the key's TIDs stay plain tuples.
 */
int
btree_posting_capacity(Size keysize)
{
	Size		limit = MAXALIGN_DOWN(MAXALIGN_DOWN(BLCKSZ * 10 / 100) -
									  sizeof(ItemIdData));
	Size		key = MAXALIGN(keysize);

	if (key + 2 * sizeof(ItemPointerData) > limit)
		return 1;
	return (int) ((limit - key) / sizeof(ItemPointerData));
}

/*
 * Replay `tuples` plain tuples of key bytes in p (when not NULL): the live
 * share of entries some of which are dead comes as fractions, replayed as
 * whole tuples once they add up.
 */
static void
add_plain(BtreePacker *p, double key, double tuples)
{
	if (p == NULL)
		return;
	for (p->plain_carry += tuples; p->plain_carry >= 1; p->plain_carry -= 1)
		btree_packer_add(p, key, 0);
}

/*
 * A run of `tids` heap TIDs sharing one key of keysize bytes, as a build
 * makes it: plain tuples when it does not deduplicate (dedup false), else
 * posting lists filled to capacity in turn, the last one with the rest and
 * a lone TID a plain tuple (_bt_sort_dedup_finish_pending).  A run that
 * goes on in the next leaf (`continues`) is one part of a longer run: it
 * takes its share of full posting lists, and the run's last, partly
 * filled list is counted once, where the run ends -- a run counted leaf by
 * leaf as whole runs would get one per leaf it spans.  tids may be a mean
 * (stats mode); the rest is then rounded.  Returns the bytes (tuples and
 * line pointers), adds the tuples to *tuples, and replays them in p
 * (the share of full lists as whole lists, when their fractions add up).
 */
double
btree_run_need(BtreePacker *p, Size keysize, double tids, bool dedup,
			   bool continues, double *tuples)
{
	double		key = MAXALIGN(keysize);
	int			cap;
	double		full_tuple;
	double		full;
	double		rest;
	double		need;

	if (!(tids > 0))
		return 0;
	if (tids <= 1 && !continues)
	{
		/* a lone entry (or its live share): a plain tuple, the usual case */
		*tuples += tids;
		add_plain(p, key, tids);
		return tids * (key + sizeof(ItemIdData));
	}
	cap = dedup ? btree_posting_capacity(keysize) : 1;
	full_tuple = MAXALIGN(key + cap * sizeof(ItemPointerData));
	if (cap < 2)
	{
		*tuples += tids;
		add_plain(p, key, tids);
		return tids * (key + sizeof(ItemIdData));
	}
	if (continues)
	{
		full = tids / cap;
		if (p != NULL)
		{
			for (p->carry += full; p->carry >= 1; p->carry -= 1)
				btree_packer_add(p, full_tuple, full_tuple - key);
		}
		*tuples += full;
		return full * (full_tuple + sizeof(ItemIdData));
	}

	full = floor(tids / cap);
	rest = tids - full * cap;
	need = full * (full_tuple + sizeof(ItemIdData));
	*tuples += full;
	if (p != NULL)
	{
		for (int i = 0; i < (int) full; i++)
			btree_packer_add(p, full_tuple, full_tuple - key);
	}
	if (rest >= 1.5)
	{
		double		tuple = MAXALIGN(key + ceil(rest - 1e-6) * sizeof(ItemPointerData));

		need += tuple + sizeof(ItemIdData);
		*tuples += 1;
		if (p != NULL)
			btree_packer_add(p, tuple, tuple - key);
	}
	else if (rest > 0)
	{
		/* a lone TID (less than one: a live share of one) */
		double		plain = Min(rest, 1);

		need += plain * (key + sizeof(ItemIdData));
		*tuples += plain;
		add_plain(p, key, plain);
	}
	return need;
}

/*
 * Pages right after REINDEX.  Inputs come from pages that may be damaged
 * or from statistics that may be wrong, so each is first brought into
 * what nbtree allows: an item or pivot takes between a bare header and
 * BTMaxItemSize.  Then leaves and each internal level are filled as above:
 *
 *	 - a leaf keeps at least one item, whatever the fillfactor (at
 *	   fillfactor 10 and 800-byte keys each leaf holds exactly one);
 *	 - an internal page keeps at least two: its minus-infinity item and a
 *	   pivot always fit, and three items of at most BTMaxItemSize do.
 *
 * So each internal level has at most half the pages of the one below, and
 * the loop over levels ends within log2(leaf pages) rounds.  leaf_need,
 * when not 0, is the bytes of items a rebuilt leaf keeps as BtreePacker
 * replayed the build (leaves of posting lists); else items_per_page says.
 */
double
btree_min_pages(int fillfactor, double rebuilt_need, double rebuilt_tuples,
				double pivot_need, double leaf_need)
{
	double		item;
	double		leaf_per_page;
	double		internal_per_page;
	double		leaf_pages;
	double		level_pages;
	double		internal = 0;

	if (!(rebuilt_need > 0) || !(rebuilt_tuples > 0) || isinf(rebuilt_need) ||
		isinf(rebuilt_tuples))
		return 1;				/* an empty index is its metapage */

	fillfactor = Max(Min(fillfactor, 100), BTREE_MIN_FILLFACTOR);
	item = clamp_need(rebuilt_need / rebuilt_tuples, BTREE_MIN_ITEM_NEED,
					  BTREE_MAX_ITEM_NEED);
	pivot_need = clamp_need(pivot_need, BTREE_MIN_ITEM_NEED, BTREE_MAX_ITEM_NEED);

	/* reserves as BTGetTargetPageFreeSpace and for BTREE_NONLEAF_FILLFACTOR */
	leaf_per_page = items_per_page(item, item,
								   BLCKSZ * (100 - fillfactor) / 100,
								   MAXALIGN(sizeof(ItemPointerData)));
	/* a replayed leaf holds at least one item, at most what a page can */
	if (leaf_need > 0)
		leaf_per_page = Max(Min(leaf_need, BTREE_FREE0) / item, 1.0);
	internal_per_page = Max(items_per_page(pivot_need, BTREE_MIN_ITEM_NEED,
										   BLCKSZ * (100 - BTREE_NONLEAF_FILLFACTOR) / 100,
										   0),
							2.0);

	leaf_pages = Max(ceil(rebuilt_tuples / leaf_per_page), 1);
	level_pages = leaf_pages;
	for (int level = 0; level_pages > 1 && level < BTREE_MAX_LEVELS; level++)
	{
		CHECK_FOR_INTERRUPTS();
		level_pages = ceil(level_pages / internal_per_page);
		internal += level_pages;
	}
	return 1 + leaf_pages + internal;
}

/*
 * Bytes a rebuild saves when `gone` of the `tids` heap TIDs that entries
 * taking rebuilt_need bytes in rebuilt_tuples tuples hold go: each saves its
 * bare key (key_need bytes with its line pointer) when it is a tuple of its
 * own and a heap TID in a posting list otherwise, weighted by the share of
 * TIDs that are tuples of their own.  *tuples_gone: the tuples that go (all
 * for plain entries, few when most are in posting lists).
 */
double
btree_dead_saving(double rebuilt_need, double rebuilt_tuples, double tids,
				  double key_need, double gone, double *tuples_gone)
{
	double		own;
	double		saving;

	*tuples_gone = 0;
	if (!(gone > 0) || !(tids > 0) || !(rebuilt_tuples > 0) || !(rebuilt_need > 0))
		return 0;
	gone = Min(gone, tids);
	own = Min(rebuilt_tuples / tids, 1.0);
	if (!(key_need > 0))
		key_need = rebuilt_need / rebuilt_tuples;
	saving = own * key_need + (1.0 - own) * sizeof(ItemPointerData);
	*tuples_gone = Min(gone * own * own, rebuilt_tuples);
	return Min(gone * saving, rebuilt_need);
}
