/*-------------------------------------------------------------------------
 *
 * btree_leaf.c
 *	  One B-tree page as a measurement sees it: its kind, density and
 *	  fragmentation as pgstatindex counts them, and -- for a "detailed"
 *	  leaf, whose tuples are read -- what its live entries become in a
 *	  rebuilt index.
 *
 * Pages are classified as pgstatindex classifies them: a deleted page is
 * deleted; a half-dead page is "empty"; a leaf page counts towards density
 * (100 - 100 * free / (pd_special - page header), summed over leaves) and
 * fragmentation (its right sibling lies at an earlier block); everything
 * else is internal.  A never-initialized (all-zero) page, which pgstatindex
 * would misread as internal, counts as empty here.
 *
 * A leaf's data items take `used` bytes now (tuple space between pd_upper
 * and pd_special, plus line pointers, less the high key), known from the
 * page header alone.  A detailed leaf's tuples are read under the share
 * lock: items marked LP_DEAD are left out (a rebuild drops them), and where
 * the index deduplicates, consecutive equal keys (binary equality, what
 * deduplication requires) form runs, kept with their key size and TID
 * count; whether the last run's key goes on in the next leaf is read from
 * the high key.  Only after the lock is released and the heap has said
 * which share of the leaf's entries is dead (btree_heapcheck.c) are the
 * runs rebuilt (btree_page_rebuild): each run's live TIDs in posting lists
 * as a build makes them (btree_run_need), replayed in the build's leaf
 * filling -- so that the rebuilt tuples are those of live entries, not
 * tuples of dead ones shrunk after the fact.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/nbtree.h"
#include "common/hashfn.h"

#include "campmon.h"
#include "btree_leaf.h"

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

/* Whether a's and b's first `key` bytes of tuple (and their NULLs) agree. */
static bool
key_bytes_equal(IndexTuple a, IndexTuple b, Size key)
{
	return (a->t_info & INDEX_NULL_MASK) == (b->t_info & INDEX_NULL_MASK) &&
		memcmp((char *) a + sizeof(IndexTupleData),
			   (char *) b + sizeof(IndexTupleData),
			   key - sizeof(IndexTupleData)) == 0;
}

/* Binary equality of two keys: what deduplication requires (allequalimage). */
static bool
same_key(IndexTuple a, IndexTuple b)
{
	Size		ka = key_size(a);

	return ka == key_size(b) && key_bytes_equal(a, b, ka);
}

/* a key's bytes (and whether it has NULLs) as a 64-bit hash */
static uint64
key_hash(IndexTuple key)
{
	return hash_bytes_extended((const unsigned char *) key + sizeof(IndexTupleData),
							   key_size(key) - sizeof(IndexTupleData),
							   (key->t_info & INDEX_NULL_MASK) != 0);
}

/*
 * Is the key of `last`, the last live item of a leaf, one that goes on in
 * the next leaf?  The leaf's high key says so: suffix truncation keeps a
 * heap TID in it only when the items either side of the split had equal
 * keys (_bt_truncate), and then its key is theirs.  (If the items of that
 * key left this leaf since, `last` has another key and does not go on.)
 */
static bool
continues_right(Relation rel, BlockNumber blkno, Page page,
				BTPageOpaque opaque, IndexTuple last)
{
	IndexTuple	hikey;
	Size		key = key_size(last);

	if (P_RIGHTMOST(opaque) || PageGetMaxOffsetNumber(page) < P_HIKEY)
		return false;
	hikey = campmon_btree_item(rel, blkno, page, P_HIKEY);
	return BTreeTupleIsPivot(hikey) && BTreeTupleGetHeapTID(hikey) != NULL &&
		IndexTupleSize(hikey) == MAXALIGN(key) + MAXALIGN(sizeof(ItemPointerData)) &&
		key_bytes_equal(hikey, last, key);
}

/* Read the live items of a leaf: counts, runs, heap TIDs to check. */
static void
leaf_items(Relation rel, BlockNumber blkno, Page page, BTPageOpaque opaque,
		   bool dedup, EntryCheck *ec, BtreePage *bp)
{
	OffsetNumber off,
				maxoff = PageGetMaxOffsetNumber(page);
	IndexTuple	items[MaxIndexTuplesPerPage];
	int			nitems = 0;
	IndexTuple	run = NULL;
	uint32		pos[ENTRY_CHECK_PER_LEAF];
	int			npos;
	int			next_pos = 0;
	double		seen = 0;		/* live TIDs before the current item */

	/* the live items (a rebuild drops those marked LP_DEAD), their TIDs */
	for (off = P_FIRSTDATAKEY(opaque); off <= maxoff; off = OffsetNumberNext(off))
	{
		ItemId		itemid = PageGetItemId(page, off);
		IndexTuple	itup;

		if (!ItemIdIsUsed(itemid) || ItemIdIsDead(itemid) ||
			nitems >= MaxIndexTuplesPerPage)
			continue;
		itup = campmon_btree_item(rel, blkno, page, off);
		items[nitems++] = itup;
		bp->tids += tuple_tids(itup);
	}
	bp->items = nitems;

	/* which of those TIDs to check against the heap */
	npos = entry_check_positions(ec, bp->tids, pos);

	for (int i = 0; i < nitems; i++)
	{
		IndexTuple	itup = items[i];
		int			n = tuple_tids(itup);

		for (; next_pos < npos && pos[next_pos] < seen + n; next_pos++)
			entry_check_note(&bp->sample,
							 BTreeTupleIsPosting(itup) ?
							 BTreeTupleGetPostingN(itup, pos[next_pos] - (uint32) seen) :
							 &itup->t_tid);
		seen += n;
		bp->key_need += MAXALIGN(key_size(itup)) + sizeof(ItemIdData);

		if (run != NULL && dedup && same_key(run, itup))
		{
			bp->runs[bp->nruns - 1].tids += n;
			continue;
		}
		if (bp->nruns == 0)
			bp->first_key = key_hash(itup);
		bp->runs[bp->nruns].keysize = key_size(itup);
		bp->runs[bp->nruns].tids = n;
		bp->nruns++;
		run = itup;
	}
	if (run != NULL)
	{
		bp->last_key = key_hash(run);
		bp->last_continues = dedup && continues_right(rel, blkno, page, opaque, run);
	}
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
 * its tuples when detailed (dedup: the index's build deduplicates).
 */
void
btree_page_measure(Relation rel, Page page, BlockNumber blkno, bool dedup,
				   bool detailed, EntryCheck *ec, BtreePage *bp)
{
	BTPageOpaque opaque;

	bp->items = bp->tids = bp->rebuilt_need = bp->rebuilt_tuples = bp->key_need = 0;
	bp->used = 0;
	bp->detailed = false;
	bp->nruns = 0;
	bp->last_continues = false;
	bp->first_key = bp->last_key = 0;
	bp->sample.n = 0;
	bp->check_var = 0;
	bp->next = P_NONE;

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
		bp->next = opaque->btpo_next;
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
 * What a detailed leaf's live entries take after REINDEX, dead_share of
 * its heap TIDs being of rows a rebuild leaves out (spread over its runs):
 * each run's live TIDs as a build makes them -- its share of full posting
 * lists when it goes on in the next leaf -- replayed in packer.  Sets
 * bp->rebuilt_need and rebuilt_tuples.
 */
void
btree_page_rebuild(BtreePage *bp, bool dedup, double dead_share,
				   BtreePacker *packer)
{
	double		live = 1.0 - Min(Max(dead_share, 0), 1);

	bp->rebuilt_need = bp->rebuilt_tuples = 0;
	for (int i = 0; i < bp->nruns; i++)
		bp->rebuilt_need += btree_run_need(packer, bp->runs[i].keysize,
										   bp->runs[i].tids * live, dedup,
										   i == bp->nruns - 1 && bp->last_continues,
										   &bp->rebuilt_tuples);
}
