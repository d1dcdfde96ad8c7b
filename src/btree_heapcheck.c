/*-------------------------------------------------------------------------
 *
 * btree_heapcheck.c
 *	  Which index entries a REINDEX would leave out: the heap rows behind a
 *	  few entries of each detailed leaf, checked as an index build sees them.
 *
 * REINDEX indexes every heap tuple that is not dead to everybody (live,
 * recently dead, in progress: heapam_index_build_range_scan), one entry per
 * HOT chain.  An index still holds the entries of rows deleted or updated
 * since the last VACUUM until an index scan marks them LP_DEAD (btree_scan.c
 * already skips those).  The table's cumulative statistics cannot be trusted
 * to count them (a DELETE followed within a second by a VACUUM in the same
 * session is counted after it: n_dead_tup then shows rows VACUUM has already
 * removed), so the modes that read index pages look at the heap itself: for
 * each detailed leaf, per_leaf of its heap TIDs picked at random (with a fixed
 * seed in exact mode, campmon.sample_seed's in sampled mode) are followed to their heap tuple, and
 * heap_hot_search_buffer says whether any member of the HOT chain is still visible to a dirty snapshot or not yet surely dead --
 * what an index scan checks before killing an entry.  An entry whose chain is
 * all dead is one REINDEX leaves out.  The leaf's dead share of the TIDs
 * checked is applied to its runs of entries (btree_page_rebuild), so that a
 * sampled interval includes the variation of dead rows from page to page.
 *
 * Cost: a budget of heap TIDs checked per index -- ENTRY_CHECK_EXACT_BUDGET
 * (10,000: every entry of a smaller index, else a noise of about half a
 * point) in exact mode, ENTRY_CHECK_SAMPLED_BUDGET (2,000) in sampled mode,
 * where the interval carries the noise -- and of heap pages read for them:
 * ENTRY_CHECK_EXACT_READS (2,000; an index of no more entries than the
 * budget has them all checked) and ENTRY_CHECK_SAMPLED_READS (300; 2,000
 * for a sample of half the index or more).  An
 * entry pointing at a page the visibility map says all-visible is live
 * without reading the page, so a vacuumed table costs visibility map reads
 * only; on a table whose pages changed since VACUUM the reads bound the
 * checks (they made sampled mode on a 430 MB primary key 6 times faster
 * than pgstatindex instead of 20, exact 1.17 times slower).  Heap pages are read through the buffer manager under a share
 * lock, after the index page's own lock is released.  The table is locked
 * only if
 * AccessShareLock is free at once (never waiting behind DDL while holding the
 * index: no deadlock); otherwise nothing is checked and the basis says so.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/relation.h"
#include "access/visibilitymap.h"
#include "common/pg_prng.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "campmon.h"


/*
 * Prepare to check about `budget` heap TIDs of index, whose detailed leaves
 * number about detailed_leaves, reading at most about `reads` heap pages,
 * with a generator seeded with seed (fixed in exact mode, so that it gives
 * the same figure every time, on a standby too).  Checks that land on
 * all-visible pages cost a visibility-map lookup only; the others read a
 * heap page.  The share of heap pages not all-visible (the visibility map
 * counted: a few pages for a table of gigabytes) says how many checks the
 * reads allow: on a vacuumed table all of the budget, on one whose every
 * page changed since VACUUM reads / 1 of them.  They go per_leaf to a leaf
 * (at least one), to a share of the detailed leaves picked at random when
 * there are fewer checks than leaves; the others take the dead share of
 * the leaves checked (btree_scan.c).  ec->heap stays NULL when the table
 * is not to be read.
 */
void
entry_check_begin(EntryCheck *ec, Relation index, double detailed_leaves,
				  int budget, int reads, uint32 seed)
{
	Oid			heapid = index->rd_index->indrelid;
	double		checks = budget;
	BlockNumber all_visible = 0;

	memset(ec, 0, sizeof(EntryCheck));
	ec->buf = InvalidBuffer;
	ec->vmbuf = InvalidBuffer;
	pg_prng_seed(&ec->prng, seed);
	detailed_leaves = Max(detailed_leaves, 1.0);
	ec->per_leaf = 1;
	ec->leaf_share = 1;
	if (!ConditionalLockRelationOid(heapid, AccessShareLock))
	{
		ec->locked_out = true;
		return;
	}
	ec->heap = try_relation_open(heapid, NoLock);
	if (ec->heap == NULL)
	{
		UnlockRelationOid(heapid, AccessShareLock);
		return;
	}
	ec->heap_pages = RelationGetNumberOfBlocks(ec->heap);
	if (ec->heap_pages > 0)
	{
		double		read_share;

		visibilitymap_count(ec->heap, &all_visible, NULL);
		read_share = 1.0 - (double) Min(all_visible, ec->heap_pages) / ec->heap_pages;
		if (read_share * checks > reads)
			checks = reads / read_share;
	}
	ec->per_leaf = (int) Min(Max(checks / detailed_leaves, 1.0), ENTRY_CHECK_PER_LEAF);
	ec->leaf_share = Min(checks / detailed_leaves, 1.0);
}

void
entry_check_end(EntryCheck *ec)
{
	if (BufferIsValid(ec->buf))
		ReleaseBuffer(ec->buf);
	ec->buf = InvalidBuffer;
	if (BufferIsValid(ec->vmbuf))
		ReleaseBuffer(ec->vmbuf);
	ec->vmbuf = InvalidBuffer;
	if (ec->heap != NULL)
		relation_close(ec->heap, AccessShareLock);
	ec->heap = NULL;
}

static int
cmp_position(const void *a, const void *b)
{
	uint32		pa = *(const uint32 *) a;
	uint32		pb = *(const uint32 *) b;

	return pa < pb ? -1 : pa > pb ? 1 : 0;
}

/*
 * Which of the `tids` live heap TIDs of a leaf (its entries' TIDs, posting
 * lists counted member by member) to check: every one when there are no
 * more than per_leaf, else per_leaf positions drawn uniformly (with
 * replacement), in increasing order.  Sampling TIDs rather than entries
 * gives each TID the same chance: a posting list is checked by as many of
 * its members as its share of the leaf says, not by its first standing for
 * all -- a list in a unique index holds the versions of one row, at most
 * one of them live.  Returns how many positions were written to pos (at
 * most ENTRY_CHECK_PER_LEAF); 0 when nothing is to be checked.
 */
int
entry_check_positions(EntryCheck *ec, double tids, uint32 *pos)
{
	int			k;

	if (ec->heap == NULL || !(tids >= 1))
		return 0;
	/* a leaf not among those checked (see entry_check_begin) */
	if (ec->leaf_share < 1 && pg_prng_double(&ec->prng) >= ec->leaf_share)
		return 0;
	if (tids <= ec->per_leaf)
	{
		k = (int) tids;
		for (int i = 0; i < k; i++)
			pos[i] = i;
		return k;
	}
	k = ec->per_leaf;
	for (int i = 0; i < k; i++)
		pos[i] = (uint32) pg_prng_uint64_range(&ec->prng, 0, (uint64) tids - 1);
	qsort(pos, k, sizeof(uint32), cmp_position);
	return k;
}

void
entry_check_note(EntrySample *es, ItemPointer tid)
{
	if (es->n >= ENTRY_CHECK_PER_LEAF || !ItemPointerIsValid(tid))
		return;
	es->tid[es->n] = *tid;
	es->n++;
}

/*
 * Check the sampled entries of one leaf against the heap.  Returns the share
 * (weighted by heap TIDs) of checked entries that a REINDEX would leave out,
 * and its variance in *share_var, and adds to the running totals; 0 when
 * nothing was checked.
 */
double
entry_check_leaf(EntryCheck *ec, const EntrySample *es, double leaf_tids,
				 double *share_var)
{
	SnapshotData dirty;
	double		checked = 0,
				dead = 0;

	if (ec->heap == NULL || es->n == 0)
		return 0;
	InitDirtySnapshot(dirty);
	for (int i = 0; i < es->n; i++)
	{
		ItemPointerData tid = es->tid[i];
		BlockNumber blk = ItemPointerGetBlockNumber(&tid);
		HeapTupleData tuple;
		bool		all_dead = false;
		bool		found;

		CHECK_FOR_INTERRUPTS();
		if (blk >= ec->heap_pages)
			continue;			/* past the heap as it was: not judged */
		checked += 1;

		/*
		 * An all-visible page holds no dead tuple, and an entry pointing at
		 * it is live (what index-only scans rely on): no need to read it.
		 */
		if (VM_ALL_VISIBLE(ec->heap, blk, &ec->vmbuf))
			continue;
		ec->buf = ReleaseAndReadBuffer(ec->buf, ec->heap, blk);
		LockBuffer(ec->buf, BUFFER_LOCK_SHARE);
		found = heap_hot_search_buffer(&tid, ec->heap, ec->buf, &dirty, &tuple,
									   &all_dead, true);
		LockBuffer(ec->buf, BUFFER_LOCK_UNLOCK);
		ec->heap_reads++;

		if (!found && all_dead)
			dead += 1;
	}
	ec->checked_entries += es->n;
	ec->checked += checked;
	ec->dead += dead;

	/*
	 * The variance of that share as an estimate of the leaf's (binomial over
	 * the TIDs checked, a quarter for a single one; none when every TID of
	 * the leaf was checked): a sampled interval adds it, since no sample of
	 * pages makes it go away.
	 */
	*share_var = 0;
	if (checked > 0 && es->n < leaf_tids)
	{
		double		p = dead / checked;

		*share_var = es->n > 1 ? p * (1.0 - p) / (es->n - 1) : 0.25;
	}
	return checked > 0 ? dead / checked : 0;
}
