/*-------------------------------------------------------------------------
 *
 * btree_leaf.h
 *	  What one B-tree page contributes to a measurement (btree_leaf.c):
 *	  its kind and density as pgstatindex counts them, and for a detailed
 *	  leaf its runs of equal keys, to be rebuilt once the heap has said
 *	  which of its entries are dead (btree_scan.c drives both).
 *
 *-------------------------------------------------------------------------
 */
#ifndef BTREE_LEAF_H
#define BTREE_LEAF_H

#include "access/itup.h"
#include "storage/bufpage.h"
#include "utils/relcache.h"

#include "campmon.h"

/* a run of equal keys on one leaf (a single entry when nothing merges) */
typedef struct LeafRun
{
	uint32		keysize;		/* its key's tuple, posting list left out */
	int32		tids;			/* heap TIDs */
} LeafRun;

typedef enum BtreePageKind
{
	BTP_KIND_LEAF,
	BTP_KIND_INTERNAL,
	BTP_KIND_EMPTY,
	BTP_KIND_DELETED
} BtreePageKind;

/* What one page contributes. */
typedef struct BtreePage
{
	BtreePageKind kind;
	BlockNumber blkno;
	BlockNumber next;			/* leaf: right sibling */
	double		free;			/* leaf: PageGetFreeSpace */
	double		max_avail;		/* leaf: pd_special - SizeOfPageHeaderData */
	bool		fragment;		/* leaf: right sibling at an earlier block */
	double		used;			/* leaf: bytes its data items take now */
	bool		detailed;		/* leaf: tuples read, fields below set */
	double		items;			/* leaf: non-pivot tuples */
	double		tids;			/* leaf: heap TIDs they point to */
	double		key_need;		/* leaf: summed bytes of their bare keys */
	int			nruns;			/* leaf: its runs of equal keys, in order */
	LeafRun		runs[MaxIndexTuplesPerPage];
	bool		last_continues; /* the last run goes on in the next leaf */
	uint64		first_key;		/* hashes of the first and last run's key */
	uint64		last_key;
	EntrySample sample;			/* leaf: entries to check against the heap */
	double		rebuilt_need;	/* leaf: their bytes after REINDEX */
	double		rebuilt_tuples; /* leaf: the tuples they make then */
	double		check_var;		/* leaf: variance of rebuilt_need from the
								 * heap check */
} BtreePage;

extern void btree_page_measure(Relation rel, Page page, BlockNumber blkno,
							   bool dedup, bool detailed, EntryCheck *ec,
							   BtreePage *bp);
extern void btree_page_rebuild(BtreePage *bp, bool dedup, double dead_share,
							   BtreePacker *packer);

#endif							/* BTREE_LEAF_H */
