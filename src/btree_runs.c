/*-------------------------------------------------------------------------
 *
 * btree_runs.c
 *	  The runs of equal keys of a B-tree read leaf by leaf, put back in key
 *	  order, as a build deduplicates them: for an index whose every leaf
 *	  was read, the rebuilt tuples exactly.
 *
 * A build (nbtsort.c, _bt_load) sees the index's entries in key order and
 * puts each run of equal keys in posting lists filled to capacity, the last
 * one with the rest.  The leaves of an index are read in block order, and a
 * run spanning leaves is seen in parts.  btree_scan.c counts a part that
 * goes on in the next leaf (its high key says so) by its share of full
 * posting lists and the part where the run ends as a run of its own: that
 * counts one partly filled list per run, as a build does, but with the rest
 * of the run's last part instead of the whole run's.  On leaves of ten
 * large posting lists each tuple takes a slot of the page whatever its size,
 * and runs of equal length (a key per day, per customer...) have the same
 * rest: an index of 55 such runs got 24 tuples fewer than its REINDEX made
 * (3 points of bloat).  When every leaf is read (an index of up to
 * campmon.index_sample_pages pages, or a sample of every page), the parts
 * are kept -- the size and live TID count of each run on each leaf, the key
 * of each leaf's first and last run as a hash -- and after the scan the leaves
 * are walked from left to right by their sibling links, the parts of a run
 * joined and each whole run replayed in a build's leaf filling
 * (BtreePacker).  That gives the tuples and the bytes per leaf of the
 * rebuild; btree_scan.c corrects its sums by the difference.
 *
 * Memory: eight bytes a run and 32 a leaf, in the caller's memory context;
 * past BTREE_RUNS_MAX_PARTS runs (2 MB) the parts are given up and the
 * scan keeps its leaf-by-leaf count (btree_runs_part returns false).  A
 * leaf of long runs -- where joining them matters -- holds few.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/nbtree.h"
#include "miscadmin.h"

#include "campmon.h"

typedef struct RunPart
{
	uint32		keysize;		/* the key's tuple, posting list left out */
	float4		tids;			/* live heap TIDs of the run on this leaf */
} RunPart;

typedef struct LeafRuns
{
	BlockNumber blkno;
	BlockNumber next;			/* right sibling, P_NONE on the rightmost */
	uint32		first;			/* its first part in parts[] */
	uint32		nparts;
	uint64		first_key;		/* hash of the first and last part's key */
	uint64		last_key;
	bool		unchecked;		/* no entry of it checked against the heap:
								 * its TIDs all taken as live */
} LeafRuns;

/* runs kept at most: 2 MB */
#define BTREE_RUNS_MAX_PARTS (256 * 1024)

struct BtreeRuns
{
	LeafRuns   *leaves;
	int			nleaves;
	int			maxleaves;
	RunPart    *parts;
	uint32		nparts;
	uint32		maxparts;
};

BtreeRuns *
btree_runs_begin(void)
{
	BtreeRuns  *r = palloc0(sizeof(BtreeRuns));

	r->maxleaves = 64;
	r->leaves = palloc(sizeof(LeafRuns) * r->maxleaves);
	r->maxparts = 1024;
	r->parts = palloc(sizeof(RunPart) * r->maxparts);
	return r;
}

void
btree_runs_free(BtreeRuns *r)
{
	pfree(r->leaves);
	pfree(r->parts);
	pfree(r);
}

/*
 * The leaf blkno, whose right sibling is next, starts: its runs follow.
 * first_key, last_key: hashes of the keys of its first and last run;
 * unchecked: none of its entries was checked against the heap (its runs
 * then get the dead share of the leaves checked, at the replay).
 */
void
btree_runs_leaf(BtreeRuns *r, BlockNumber blkno, BlockNumber next,
				uint64 first_key, uint64 last_key, bool unchecked)
{
	LeafRuns   *leaf;

	if (r->nleaves == r->maxleaves)
	{
		r->maxleaves *= 2;
		r->leaves = repalloc(r->leaves, sizeof(LeafRuns) * r->maxleaves);
	}
	leaf = &r->leaves[r->nleaves++];
	leaf->blkno = blkno;
	leaf->next = next;
	leaf->first = r->nparts;
	leaf->nparts = 0;
	leaf->first_key = first_key;
	leaf->last_key = last_key;
	leaf->unchecked = unchecked;
}

/*
 * The next run of the current leaf, in key order: `tids` live heap TIDs of
 * a key whose tuple without posting list takes keysize bytes.  Returns
 * false when the runs are too many to keep: the caller then frees r and
 * does without.
 */
bool
btree_runs_part(BtreeRuns *r, Size keysize, double tids)
{
	LeafRuns   *leaf = &r->leaves[r->nleaves - 1];

	if (r->nparts >= BTREE_RUNS_MAX_PARTS)
		return false;
	if (r->nparts == r->maxparts)
	{
		r->maxparts *= 2;
		r->parts = repalloc(r->parts, sizeof(RunPart) * r->maxparts);
	}
	r->parts[r->nparts].keysize = keysize;
	r->parts[r->nparts].tids = tids;
	r->nparts++;
	leaf->nparts++;
	return true;
}

static int
by_block(const void *a, const void *b)
{
	BlockNumber ba = ((const LeafRuns *) a)->blkno;
	BlockNumber bb = ((const LeafRuns *) b)->blkno;

	return ba < bb ? -1 : ba > bb ? 1 : 0;
}

/* the leaf read at block blkno, or -1 (leaves sorted by block) */
static int
find_leaf(const BtreeRuns *r, BlockNumber blkno)
{
	LeafRuns	key;
	LeafRuns   *found;

	key.blkno = blkno;
	found = bsearch(&key, r->leaves, r->nleaves, sizeof(LeafRuns), by_block);
	return found != NULL ? (int) (found - r->leaves) : -1;
}

/*
 * Replay the runs in key order in a build of the given fillfactor: each
 * chain of leaves from one that is no other's right sibling, following the
 * right links (a leaf the chains do not reach -- a damaged link -- is
 * replayed on its own, after).  A leaf's first run continues the run
 * before when the key is the same.  The runs of a leaf left unchecked lose
 * dead_share of their TIDs.  Sets the rebuilt bytes and tuples,
 * and the bytes per rebuilt leaf: what makes the replay's count of leaves,
 * the last one included.
 */
void
btree_runs_replay(BtreeRuns *r, int fillfactor, double dead_share,
				  double *need, double *tuples, double *leaf_need)
{
	BtreePacker packer;
	bool	   *visited;
	bool	   *has_left;
	uint32		pend_keysize = 0;
	double		pend_tids = 0;

	btree_packer_init(&packer, fillfactor);
	*need = 0;
	*tuples = 0;
	qsort(r->leaves, r->nleaves, sizeof(LeafRuns), by_block);
	visited = palloc0(sizeof(bool) * Max(r->nleaves, 1));
	has_left = palloc0(sizeof(bool) * Max(r->nleaves, 1));
	for (int i = 0; i < r->nleaves; i++)
	{
		int			n = find_leaf(r, r->leaves[i].next);

		if (n >= 0 && n != i)
			has_left[n] = true;
	}

	/* chains first, then whatever they did not reach */
	for (int pass = 0; pass < 2; pass++)
	{
		for (int start = 0; start < r->nleaves; start++)
		{
			uint64		prev_key = 0;
			bool		have_prev = false;

			if (visited[start] || (pass == 0 && has_left[start]))
				continue;
			for (int i = start; i >= 0 && !visited[i]; i = find_leaf(r, r->leaves[i].next))
			{
				LeafRuns   *leaf = &r->leaves[i];
				double		live = leaf->unchecked ? 1 - dead_share : 1;

				CHECK_FOR_INTERRUPTS();
				visited[i] = true;
				for (uint32 k = 0; k < leaf->nparts; k++)
				{
					RunPart    *part = &r->parts[leaf->first + k];

					if (k == 0 && have_prev && pend_tids > 0 &&
						prev_key == leaf->first_key && pend_keysize == part->keysize)
					{
						pend_tids += part->tids * live; /* the run goes on */
						continue;
					}
					if (pend_tids > 0)
						*need += btree_run_need(&packer, pend_keysize, pend_tids,
												true, false, tuples);
					pend_keysize = part->keysize;
					pend_tids = part->tids * live;
				}
				if (leaf->nparts > 0)
				{
					prev_key = leaf->last_key;
					have_prev = true;
				}
				if (leaf->next == P_NONE)
					break;
			}
			if (pend_tids > 0)
				*need += btree_run_need(&packer, pend_keysize, pend_tids, true,
										false, tuples);
			pend_tids = 0;
		}
	}
	/*
	 * Every leaf replayed: the leaves are the packer's, its last one
	 * included (as bytes per leaf, that btree_min_pages divides by).
	 */
	*leaf_need = 0;
	if (packer.open_need > 0)
		*leaf_need = *need / (packer.closed_pages + 1) * (1 + 1e-9);
	pfree(visited);
	pfree(has_left);
}
