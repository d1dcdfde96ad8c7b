/*-------------------------------------------------------------------------
 *
 * page_check.c
 *	  Checks of what campmon reads from a page before it uses it: the
 *	  special area's offset, line pointers, and the lengths and offsets
 *	  inside B-tree tuples.
 *
 * The buffer manager refuses a page whose header is inconsistent (pd_lower
 * <= pd_upper <= pd_special <= BLCKSZ, valid flags; PageIsVerifiedExtended)
 * and, with data checksums, one whose checksum fails: both are XX001
 * "invalid page" errors before campmon sees the page.  What a header check
 * cannot see is checked here, as pgstatindex and amcheck check it: a B-tree
 * page's special area must be exactly a BTPageOpaqueData (else its flags
 * and sibling links would be read from the next buffer), a heap page has no
 * special area, and a normal line pointer must point inside the page, past
 * the line pointer array, at an item at least as long as its header.  A
 * page that fails is reported as corrupted (XX001 for a heap, XX002 for an
 * index) naming the relation and block: the single-relation functions
 * raise it, the listings turn it into a row that says so (measure_guard.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/nbtree.h"
#include "utils/rel.h"

#include "campmon.h"

static void
page_corrupted(Relation rel, BlockNumber blkno, bool index, const char *detail)
{
	ereport(ERROR,
			(errcode(index ? ERRCODE_INDEX_CORRUPTED : ERRCODE_DATA_CORRUPTED),
			 errmsg("%s \"%s\" contains a corrupted page at block %u",
					index ? "index" : "table", RelationGetRelationName(rel), blkno),
			 errdetail_internal("%s", detail),
			 errhint("Check it with amcheck (%s) and pg_checksums; the listings go on without it and campmon.checks reports it.",
					 index ? "bt_index_check" : "verify_heapam")));
}

/* Is the normal line pointer lp of page inside it, at least min_len long? */
static bool
item_in_page(Page page, ItemId lp, Size min_len)
{
	PageHeader	ph = (PageHeader) page;
	Size		off = ItemIdGetOffset(lp);
	Size		len = ItemIdGetLength(lp);

	return off >= ph->pd_lower && len >= min_len &&
		off + len <= ph->pd_special;
}

/* A heap page: no special area, every normal line pointer inside it. */
void
campmon_check_heap_page(Relation rel, BlockNumber blkno, Page page)
{
	OffsetNumber maxoff;

	if (PageIsNew(page))
		return;
	if (PageGetSpecialSize(page) != 0)
		page_corrupted(rel, blkno, false,
					   psprintf("Its special area starts at %u; a heap page has none.",
								((PageHeader) page)->pd_special));
	maxoff = PageGetMaxOffsetNumber(page);
	for (OffsetNumber off = FirstOffsetNumber; off <= maxoff; off++)
	{
		ItemId		lp = PageGetItemId(page, off);

		if (ItemIdIsNormal(lp) && !item_in_page(page, lp, SizeofHeapTupleHeader))
			page_corrupted(rel, blkno, false,
						   psprintf("Line pointer %u points at offset %u, length %u, outside the page's items.",
									off, ItemIdGetOffset(lp), ItemIdGetLength(lp)));
	}
}

/* A B-tree page's special area is one BTPageOpaqueData. */
void
campmon_check_btree_special(Relation rel, BlockNumber blkno, Page page)
{
	if (PageGetSpecialSize(page) != MAXALIGN(sizeof(BTPageOpaqueData)))
		page_corrupted(rel, blkno, true,
					   psprintf("Its special area starts at %u and takes %u bytes; a B-tree page's takes %u.",
								((PageHeader) page)->pd_special,
								(unsigned) PageGetSpecialSize(page),
								(unsigned) MAXALIGN(sizeof(BTPageOpaqueData))));
}

/*
 * The index tuple behind line pointer off of a B-tree page (special area
 * already checked), once its pointer, its length and, for a posting-list
 * tuple, the list's offset and size are inside the item.
 */
IndexTuple
campmon_btree_item(Relation rel, BlockNumber blkno, Page page, OffsetNumber off)
{
	ItemId		lp = PageGetItemId(page, off);
	IndexTuple	itup;
	Size		size;

	if (!item_in_page(page, lp, sizeof(IndexTupleData)))
		page_corrupted(rel, blkno, true,
					   psprintf("Line pointer %u points at offset %u, length %u, outside the page's items.",
								off, ItemIdGetOffset(lp), ItemIdGetLength(lp)));
	itup = (IndexTuple) PageGetItem(page, lp);
	size = IndexTupleSize(itup);
	if (size < sizeof(IndexTupleData) || size > ItemIdGetLength(lp))
		page_corrupted(rel, blkno, true,
					   psprintf("Tuple %u says it takes %zu bytes; its line pointer gives %u.",
								off, size, ItemIdGetLength(lp)));
	if (BTreeTupleIsPosting(itup))
	{
		Size		list = BTreeTupleGetPostingOffset(itup);
		Size		n = BTreeTupleGetNPosting(itup);

		if (list < sizeof(IndexTupleData) || list + n * sizeof(ItemPointerData) > size)
			page_corrupted(rel, blkno, true,
						   psprintf("Tuple %u has a posting list of %zu entries at offset %zu, past its %zu bytes.",
									off, n, list, size));
	}
	return itup;
}
