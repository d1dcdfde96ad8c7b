/*-------------------------------------------------------------------------
 *
 * btree_estimate.c
 *	  The B-tree size model -- how many pages an index takes right after
 *	  REINDEX -- and the stats mode, which estimates it from catalogs
 *	  without reading any page.
 *
 * Size model.  A build (nbtsort.c) adds items to a leaf page in key order
 * until one brings its free space below BLCKSZ * (100 - fillfactor) / 100;
 * at the next item it closes the page and moves that last item to the new
 * page, leaving a truncated copy as the old page's high key.  A page thus
 * ends with its reserve plus, on average, half an item free, plus a high
 * key.  Internal pages fill likewise at BTREE_NONLEAF_FILLFACTOR (70).  With
 *
 *		space    = BLCKSZ - page header - B-tree special space   (8152)
 *		leaf     = space - BLCKSZ * (100 - fillfactor) / 100 - pivot - item / 2
 *		internal = space - BLCKSZ * (100 - 70) / 100 - pivot - pivot / 2
 *
 *		leaf_pages   = ceil(rebuilt_need / leaf)
 *		level_pages  = ceil(pages_below * pivot / internal), up to the root
 *		min_pages    = 1 (metapage) + leaf_pages + internal levels
 *
 * where rebuilt_need is what the live items take once rebuilt (known-dead
 * items dropped, equal keys deduplicated; btree_scan.c or, in stats mode,
 * the estimate below), item its mean per rebuilt tuple (posting lists
 * make large items) and pivot a bare key with its line pointer.
 * Suffix truncation makes real pivots shorter: the model errs towards a
 * larger index, that is towards less bloat.
 *
 * Dead rows.  REINDEX indexes the table's live rows only, while the pages
 * of an index (and its pg_class.reltuples) still hold the entries of rows
 * deleted or updated since the last VACUUM, until an index scan marks them
 * LP_DEAD.  The modes that read pages check the heap rows behind a few
 * entries of each detailed leaf (btree_heapcheck.c).  Stats mode reads no
 * page and uses the table's cumulative statistics (btree_leave_out_dead):
 * when they show dead rows, the entries beyond the table's live rows are
 * left out -- for an index on every row, entries - n_live_tup of them
 * (whatever HOT did); for a partial index, the table's dead share of its
 * entries; never more than n_dead_tup; not for the catalogs initdb created,
 * whose statistics miss the rows it wrote.  Either way an entry left out
 * saves what btree_dead_saving says, and the row's basis says so.
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
 * is added while it fits and either the free space stays at or above the
 * target `reserve` or the page holds fewer than two items.  At the close
 * the last item moves on, so the page keeps one fewer than it held.
 *
 * For k items held the free space is free0 - first - (k - 1) * need; the
 * close comes at the first k at which the next item no longer fits or
 * (k >= 2 and the free space is below reserve).  With items of equal size
 * that count is exact; for items of mixed sizes, the overshoot past the
 * target is on average half an item, which the continuous form used for
 * pages of many items says.
 */
static double
items_per_page(double need, double first, double reserve)
{
	double		free0 = BLCKSZ - SizeOfPageHeaderData - 2 * sizeof(ItemIdData) -
		MAXALIGN(sizeof(BTPageOpaqueData));	/* the high key's slot reserved */
	double		tuple = need - sizeof(ItemIdData);
	double		fit = (free0 - first - tuple) / need;	/* room for more */
	double		target = (free0 - first - reserve) / need;
	double		held;

	if (Min(fit, target) >= 16)
		held = 1 + Min(fit + 0.5, target + 0.5);	/* mean overshoot */
	else
		held = Min(floor(fit) + 2, Max(floor(target) + 2, 2));
	return Max(held - 1, 1);
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
 * the loop over levels ends within log2(leaf pages) rounds.
 */
double
btree_min_pages(int fillfactor, double rebuilt_need, double rebuilt_tuples,
				double pivot_need)
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
								   BLCKSZ * (100 - fillfactor) / 100);
	internal_per_page = Max(items_per_page(pivot_need, BTREE_MIN_ITEM_NEED,
										   BLCKSZ * (100 - BTREE_NONLEAF_FILLFACTOR) / 100),
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

/*
 * Stats mode: leave the entries of dead heap rows out of m's rebuilt
 * figures, from the cumulative statistics of the index's table indrelid
 * (see above).  Inputs: leaf_tids (entries), rebuilt_need, rebuilt_tuples,
 * pivot_need; min_pages is left to the caller.
 */
void
btree_leave_out_dead(Oid indrelid, bool partial, BtreeMeasure *m)
{
	PgStat_StatTabEntry *tab;
	double		live,
				dead,
				gone,
				saved,
				tuples_gone;

	/*
	 * The statistics of a catalog initdb created miss every row initdb
	 * wrote (they count changes since): no figure to rest on there.
	 */
	if (indrelid < FirstNormalObjectId)
		return;
	tab = pgstat_fetch_stat_tabentry(indrelid);
	if (tab == NULL || tab->n_dead_tuples <= 0)
		return;
	live = Max(tab->n_live_tuples, 0);
	dead = tab->n_dead_tuples;
	if (partial)
		gone = m->leaf_tids * dead / (live + dead);
	else
		gone = m->leaf_tids - live;
	/* never more than the dead rows counted */
	gone = Min(gone, dead);
	if (!(gone >= 1.0))
		return;

	saved = btree_dead_saving(m->rebuilt_need, m->rebuilt_tuples, m->leaf_tids,
							  m->pivot_need, gone, &tuples_gone);
	if (!(saved > 0))
		return;
	m->rebuilt_need -= saved;
	m->rebuilt_tuples = Max(m->rebuilt_tuples - tuples_gone,
							m->rebuilt_need > 0 ? 1 : 0);
	m->basis = psprintf("%s; entries of %.0f dead heap rows left out (REINDEX indexes live rows only; the table's statistics: %.0f live, %.0f dead)",
						m->basis ? m->basis :
						campmon_basis(m->method, m->unknown, m->scanned_pages,
									  m->total_pages),
						gone, live, dead);
}

static bool
column_stats(Oid relid, AttrNumber attnum, double *width, double *nullfrac,
			 double *distinct)
{
	HeapTuple	tup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid),
									  Int16GetDatum(attnum), BoolGetDatum(false));
	Form_pg_statistic s;

	if (!HeapTupleIsValid(tup))
		return false;
	s = (Form_pg_statistic) GETSTRUCT(tup);
	*width = s->stawidth;
	*nullfrac = s->stanullfrac;
	*distinct = s->stadistinct;
	ReleaseSysCache(tup);
	return true;
}

/*
 * One key column of the index, in order: its statistics (of the table's
 * column, or of the index itself for an expression) when ANALYZE has been,
 * else the type's typical width.  catalog_stats.c adds the columns of many
 * indexes read from pg_attribute at once.
 */
void
btree_key_add(BtreeKeyAcc *acc, const FormData_pg_attribute *att,
			  bool has_stats, double width, double nullfrac, double distinct)
{
	if (!has_stats)
	{
		width = att->attlen > 0 ? att->attlen :
			get_typavgwidth(att->atttypid, att->atttypmod);
		nullfrac = 0;
		distinct = 0;
	}
	if (nullfrac > 0)
		acc->any_nulls = true;
	if (acc->natts == 0)
		acc->distinct = distinct;
	if (att->attlen > 0)
		acc->data = att_align_nominal((int) ceil(acc->data), att->attalign);
	acc->data += width * (1.0 - nullfrac);
	acc->natts++;
}

/*
 * May the values of the table's column relid.attnum be stored out of line
 * (TOAST)?  ANALYZE's stawidth is then mostly that of TOAST pointers (18
 * bytes), while an index stores every value whole, inline (compressed when
 * it can be): a key width from pg_statistic would make a freshly built
 * index look 98% bloated.  A varlena column whose storage allows out-of-line
 * values, in a table whose TOAST relation holds more bytes per row than the
 * column's stored width, is taken as such: no estimate then, rather than
 * one that plans a REINDEX.  (Another column may be the one TOASTed: the
 * index then goes unestimated in stats mode, and a mode that reads pages
 * measures it.)
 */
bool
btree_key_may_be_toasted(Oid relid, AttrNumber attnum, double stawidth,
						 double toast_bytes, double table_rows)
{
	HeapTuple	tup;
	Form_pg_attribute att;
	bool		may;

	if (!(toast_bytes > 0))
		return false;
	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid), Int16GetDatum(attnum));
	if (!HeapTupleIsValid(tup))
		return false;
	att = (Form_pg_attribute) GETSTRUCT(tup);
	may = att->attlen == -1 &&
		(att->attstorage == TYPSTORAGE_EXTENDED || att->attstorage == TYPSTORAGE_EXTERNAL) &&
		toast_bytes / Max(table_rows, 1) > stawidth;
	ReleaseSysCache(tup);
	return may;
}

/* Note that the key column att (of the index) has a TOAST pointer's width. */
void
btree_key_toasted(BtreeKeyAcc *acc, const FormData_pg_attribute *att)
{
	if (!acc->toasted)
		namestrcpy(&acc->toasted_name, NameStr(att->attname));
	acc->toasted = true;
}

/*
 * Stats mode: no page is read.  Size from the index's files; entries from
 * pg_class.reltuples of the index (set by CREATE INDEX, VACUUM, ANALYZE)
 * or, for a non-partial index never vacuumed, the live rows of its table
 * indrelid; key width from the columns added to key.  For a single-column index that deduplicates,
 * equal keys are grouped by the column's n_distinct.  Density and
 * fragmentation are unknown without reading pages.
 */
void
btree_stats_estimate(BlockNumber total_pages, int fillfactor, bool dedup,
					 bool unique, float4 reltuples, bool partial, Oid indrelid,
					 const BtreeKeyAcc *key, BtreeMeasure *m)
{
	double		entries = reltuples;
	double		distinct = key->distinct;
	double		keysize;
	double		need;

	memset(m, 0, sizeof(BtreeMeasure));
	m->method = CAMPMON_MODE_STATS;
	m->is_estimate = true;
	m->fillfactor = fillfactor;
	m->level = -1;
	m->total_pages = total_pages;

	if (entries < 0 && !partial)
	{
		PgStat_StatTabEntry *tab = pgstat_fetch_stat_tabentry(indrelid);

		if (tab != NULL && tab->n_live_tuples > 0)
			entries = tab->n_live_tuples;
	}
	if (entries < 0)
	{
		m->unknown = true;
		return;
	}
	if (key->toasted)
	{
		m->unknown = true;
		m->basis = psprintf("no estimate from statistics: key column \"%s\" may be stored out of line (TOAST), so pg_statistic gives a pointer's width, not the key's; a mode that reads pages (sampled, exact) measures it",
							NameStr(key->toasted_name));
		return;
	}

	keysize = MAXALIGN(sizeof(IndexTupleData) +
					   (key->any_nulls ? sizeof(IndexAttributeBitMapData) : 0) +
					   (Size) ceil(key->data));
	need = keysize + sizeof(ItemIdData);
	m->pivot_need = need;
	m->rebuilt_need = entries * need;
	m->rebuilt_tuples = entries;

	/* one key column with duplicates: posting lists after a rebuild */
	if (key->natts == 1 && !unique && dedup && distinct != 0 && entries > 0)
	{
		double		groups = distinct > 0 ? distinct : -distinct * entries;
		double		per_group = entries / Max(groups, 1);
		double		per_posting = floor((MAXALIGN_DOWN((BLCKSZ * 10 / 100)) -
										 sizeof(ItemIdData) - keysize) /
										sizeof(ItemPointerData));

		if (per_group >= 2 && per_posting >= 2)
		{
			double		postings = ceil(per_group / per_posting);
			double		posting_bytes = MAXALIGN(keysize + per_group / postings *
												 sizeof(ItemPointerData)) +
				sizeof(ItemIdData);

			m->rebuilt_need = groups * postings * posting_bytes;
			m->rebuilt_tuples = groups * postings;
		}
	}
	m->leaf_items = entries;
	m->leaf_tids = entries;
	btree_leave_out_dead(indrelid, partial, m);
	m->min_pages = btree_min_pages(fillfactor, m->rebuilt_need,
								   m->rebuilt_tuples, m->pivot_need);
}

/* the TOAST relation of table relid, if any (no lock: catalogs only) */
static Oid
get_rel_toastrelid_safe(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			toastrelid = InvalidOid;

	if (HeapTupleIsValid(tup))
	{
		toastrelid = ((Form_pg_class) GETSTRUCT(tup))->reltoastrelid;
		ReleaseSysCache(tup);
	}
	return toastrelid;
}

/* Stats mode for an open index. */
void
btree_measure_stats(Relation rel, BtreeMeasure *m)
{
	Form_pg_index index = rel->rd_index;
	TupleDesc	desc = RelationGetDescr(rel);
	BtreeKeyAcc key;
	Oid			toastrelid = get_rel_toastrelid_safe(index->indrelid);
	double		toast_bytes = 0;
	double		table_rows = 0;

	memset(&key, 0, sizeof(key));
	if (OidIsValid(toastrelid))
	{
		/* its size now (its relpages waits for a VACUUM), under AccessShareLock */
		Relation	toastrel = try_relation_open(toastrelid, AccessShareLock);
		HeapTuple	tup;

		if (toastrel != NULL)
		{
			toast_bytes = (double) RelationGetNumberOfBlocks(toastrel) * BLCKSZ;
			relation_close(toastrel, AccessShareLock);
		}
		tup = SearchSysCache1(RELOID, ObjectIdGetDatum(index->indrelid));
		if (HeapTupleIsValid(tup))
		{
			table_rows = ((Form_pg_class) GETSTRUCT(tup))->reltuples;
			ReleaseSysCache(tup);
		}
	}

	for (int i = 0; i < desc->natts; i++)
	{
		AttrNumber	tableatt = index->indkey.values[i];
		double		width = 0,
					nullfrac = 0,
					distinct = 0;
		bool		found;

		if (tableatt != 0)
			found = column_stats(index->indrelid, tableatt, &width, &nullfrac, &distinct);
		else
			found = column_stats(RelationGetRelid(rel), i + 1, &width, &nullfrac, &distinct);
		btree_key_add(&key, TupleDescAttr(desc, i), found, width, nullfrac, distinct);
		if (tableatt != 0 && found &&
			btree_key_may_be_toasted(index->indrelid, tableatt, width, toast_bytes, table_rows))
			btree_key_toasted(&key, TupleDescAttr(desc, i));
	}

	btree_stats_estimate(RelationGetNumberOfBlocks(rel), BTGetFillFactor(rel),
						 BTGetDeduplicateItems(rel), index->indisunique,
						 rel->rd_rel->reltuples,
						 !heap_attisnull(rel->rd_indextuple, Anum_pg_index_indpred, NULL),
						 index->indrelid, &key, m);
}
