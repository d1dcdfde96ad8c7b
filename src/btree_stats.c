/*-------------------------------------------------------------------------
 *
 * btree_stats.c
 *	  The B-tree stats mode: what REINDEX would leave of an index, from the
 *	  catalogs and the statistics alone, and whether they can say it.
 *
 * Entries: pg_class.reltuples of the index (CREATE INDEX, VACUUM and ANALYZE
 * count the index's own entries, a partial index's too), else the live
 * rows of the table for an index on every row.  The key's tuple bytes,
 * whether a build deduplicates it and the distinct keys among the entries
 * come from btree_key.c.  The estimate takes the key independent of the
 * predicate and the columns of each other; the rebuilt size is also
 * computed at both ends of the distinct-key range, and when they are more
 * than BTREE_STATS_MAX_SPREAD points of bloat apart, the statistics cannot
 * say: m->untrusted says why, and the listings' default mode samples the
 * index instead of trusting them.  So does a key column without
 * statistics, and a partial index keyed on a variable-width table column
 * (ANALYZE's width is over the table's rows, not the index's entries).
 *
 * Groups of the estimated size are replayed in the build's leaf filling
 * (BtreePacker) when posting lists make the items large: on a leaf of ten
 * items one item more or less is a tenth of the leaf.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/nbtree.h"
#include "access/relation.h"
#include "access/transam.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "campmon.h"

/* points of bloat between the ends of the distinct-key range the
 * statistics may leave before the listings sample the index instead */
#define BTREE_STATS_MAX_SPREAD 4.0
/* leaves replayed for the fill of posting-list leaves */
#define BTREE_STATS_REPLAY_LEAVES 8
/* items a leaf holds below which it is replayed (large items) */
#define BTREE_STATS_REPLAY_ITEMS 32

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

static void
column_stats(Oid relid, AttrNumber attnum, BtreeColumnStats *cs,
			 BtreeValueSizes *vs)
{
	HeapTuple	tup = SearchSysCache3(STATRELATTINH, ObjectIdGetDatum(relid),
									  Int16GetDatum(attnum), BoolGetDatum(false));

	memset(cs, 0, sizeof(BtreeColumnStats));
	if (!HeapTupleIsValid(tup))
		return;
	btree_column_stats_from(tup, cs);
	if (btree_value_sizes_from(tup, vs))
		cs->sizes = vs;
	ReleaseSysCache(tup);
}
/* the name of the index's column attnum, for a basis */
static const char *
column_name(Oid indexrelid, AttrNumber attnum)
{
	char	   *name = get_attname(indexrelid, attnum, true);

	return name != NULL ? name : "?";
}


/* What the rebuilt tuples of the index take, for `groups` distinct keys. */
typedef struct StatsRebuilt
{
	double		need;
	double		tuples;
	double		leaf_need;		/* replayed; 0: the size model assumes */
	double		leaf_need_even; /* replayed with runs all of the mean */
	double		leaf_need_spread;	/* and with their last lists spread */
} StatsRebuilt;

/*
 * Replay a few leaves of runs of per_group TIDs (the mean), or -- spread --
 * of runs whose last, partly filled posting list takes every size in turn.
 */
static double
replay_runs(int fillfactor, double groups, double per_group, Size key,
			bool spread)
{
	BtreePacker packer;
	double		replayed = 0;
	int			cap = btree_posting_capacity(key);
	double		lists = floor(per_group / cap);

	btree_packer_init(&packer, fillfactor);
	for (double g = 0; g < groups &&
		 packer.closed_pages < BTREE_STATS_REPLAY_LEAVES; g += 1)
	{
		/* runs of whole TIDs whose mean is per_group */
		double		run = floor((g + 1) * per_group) - floor(g * per_group);

		CHECK_FOR_INTERRUPTS();
		if (spread)
			run = lists * cap + 1 + floor(fmod(g * 0.6180339887, 1.0) * (cap - 1));
		(void) btree_run_need(&packer, key, run, true, false, &replayed);
	}
	return btree_packer_leaf_need(&packer);
}

/*
 * The entries rebuilt as `groups` runs of equal size (the rest of the
 * entries, null_tids, one run of NULL keys) when the build deduplicates,
 * else one tuple each; keysize is a tuple's without posting list.  Leaves
 * of large items are replayed over a few leaves' worth of runs.
 */
static void
stats_rebuilt(int fillfactor, bool dedup, double entries, double groups,
			  double null_tids, double keysize, StatsRebuilt *r)
{
	double		tids = Max(entries - null_tids, 0);
	double		per_group;
	double		tuples = 0;
	double		need;

	memset(r, 0, sizeof(StatsRebuilt));
	if (!dedup || !(tids > 0))
	{
		r->tuples = entries;
		r->need = entries * (keysize + sizeof(ItemIdData));
		return;
	}
	groups = Min(Max(groups, 1), tids);
	per_group = tids / groups;

	/*
	 * Runs as even as the entries allow: a share of them one TID longer
	 * than the others (a mean of 2.01 TIDs is runs of 2, not posting lists
	 * of 3).
	 */
	{
		double		shorter = floor(per_group);
		double		longer_share = per_group - shorter;
		double		t_short = 0,
					t_long = 0;
		double		n_short = shorter > 0 ?
			btree_run_need(NULL, (Size) ceil(keysize - 1e-6), shorter, true, false, &t_short) : 0;
		double		n_long = btree_run_need(NULL, (Size) ceil(keysize - 1e-6), shorter + 1,
											true, false, &t_long);

		need = (1 - longer_share) * n_short + longer_share * n_long;
		tuples = (1 - longer_share) * t_short + longer_share * t_long;
	}
	r->need = need * groups;
	r->tuples = tuples * groups;
	if (null_tids > 0)
		r->need += btree_run_need(NULL, MAXALIGN(sizeof(IndexTupleData) +
												 sizeof(IndexAttributeBitMapData)),
								  null_tids, true, false, &r->tuples);

	/*
	 * Leaves of few large items: replay runs of per_group TIDs.  A run
	 * longer than a posting list ends in a partly filled one whose size the
	 * statistics cannot know -- equal means, unequal runs -- and on a leaf of
	 * ten items one item more or less is a tenth of the leaf: the leaves are
	 * replayed with runs all of the mean and with their last lists of every
	 * size in turn; the estimate takes the mean of the two, and
	 * btree_stats_estimate says when they are too far apart.
	 */
	if (r->tuples > 0 &&
		r->need / r->tuples * BTREE_STATS_REPLAY_ITEMS > BLCKSZ)
	{
		Size		key = (Size) ceil(keysize - 1e-6);
		int			cap = btree_posting_capacity(key);

		r->leaf_need = r->leaf_need_even =
			replay_runs(fillfactor, groups, per_group, key, false);
		if (cap > 1 && per_group >= cap && r->leaf_need > 0)
		{
			r->leaf_need_spread = replay_runs(fillfactor, groups, per_group,
											  key, true);
			if (r->leaf_need_spread > 0)
				r->leaf_need = (r->leaf_need_even + r->leaf_need_spread) / 2;
		}
	}
}

/* bloat_pct of an index of total_pages rebuilt as r */
static double
rebuilt_bloat(BlockNumber total_pages, int fillfactor, double pivot,
			  const StatsRebuilt *r)
{
	return campmon_bloat_pct(total_pages,
							 btree_min_pages(fillfactor, r->need, r->tuples,
											 pivot, r->leaf_need));
}

/*
 * Stats mode: no page is read.  Size from the index's files; entries from
 * the key's accumulator (pg_class.reltuples of the index) or, for an index
 * on every row never vacuumed, the live rows of its table indrelid; the
 * rebuilt tuples as above.  Density and fragmentation are unknown without
 * reading pages.  unique: no deduplication in a build.
 */
void
btree_stats_estimate(BlockNumber total_pages, int fillfactor, bool unique,
					 float4 reltuples, Oid indexrelid, Oid indrelid,
					 const BtreeKeyAcc *key, BtreeMeasure *m)
{
	double		entries = reltuples;
	double		keysize;
	bool		dedup = key->dedup && !unique && key->nkeyatts == key->natts;
	double		groups,
				lo,
				hi;
	double		null_tids = 0;
	StatsRebuilt r;

	memset(m, 0, sizeof(BtreeMeasure));
	m->method = CAMPMON_MODE_STATS;
	m->is_estimate = true;
	m->fillfactor = fillfactor;
	m->level = -1;
	m->total_pages = total_pages;

	if (entries < 0 && !key->partial)
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
	if (key->toasted_att != 0)
	{
		m->unknown = true;
		m->basis = psprintf("no estimate from statistics: key column \"%s\" may be stored out of line (TOAST), so pg_statistic gives a pointer's width, not the key's; a mode that reads pages (sampled, exact) measures it",
							column_name(indexrelid, key->toasted_att));
		return;
	}

	/*
	 * A tuple is MAXALIGNed; its data starts MAXALIGNed after its header,
	 * which has a null bitmap only when the tuple has a NULL
	 * (index_form_tuple).
	 */
	keysize = MAXALIGN(sizeof(IndexTupleData)) +
		(1 - key->all_present) *
		(MAXALIGN(sizeof(IndexTupleData) + sizeof(IndexAttributeBitMapData)) -
		 MAXALIGN(sizeof(IndexTupleData))) +
		btree_key_data_size(key);
	m->pivot_need = keysize + sizeof(ItemIdData);

	/* distinct keys among the entries, and how far the statistics say it */
	hi = Min(key->d_hi, Max(entries, 1));
	lo = Min(Max(key->d_lo, entries / Max(key->group_max, 1)), hi);
	groups = key->d_est;
	if (key->nkeyatts > 1)
		groups = groups * (1 - exp(-entries / Max(groups, 1)));
	groups = Min(Max(groups, lo), hi);
	if (dedup && key->nkeyatts == 1 && key->nullfrac > 0 && key->nullfrac < 1)
	{
		/*
		 * The NULL keys are one run (of bare headers); the other groups
		 * share the rest, whose tuples are all of present values: a NULL
		 * takes no data byte and no padding.
		 */
		null_tids = entries * key->nullfrac;
		groups = Max(groups - 1, 1);
		lo = Max(lo - 1, 1);
		hi = Max(hi - 1, 1);
		keysize = MAXALIGN(sizeof(IndexTupleData)) +
			btree_key_data_size(key) / (1 - key->nullfrac);
	}

	stats_rebuilt(fillfactor, dedup, entries, groups, null_tids, keysize, &r);
	m->rebuilt_need = r.need;
	m->rebuilt_tuples = r.tuples;
	m->leaf_need = r.leaf_need;
	m->leaf_items = entries;
	m->leaf_tids = entries;

	if (dedup && hi > lo && total_pages > 1)
	{
		StatsRebuilt rlo,
					rhi;
		double		most,
					least;

		stats_rebuilt(fillfactor, dedup, entries, lo, null_tids, keysize, &rlo);
		stats_rebuilt(fillfactor, dedup, entries, hi, null_tids, keysize, &rhi);
		most = rebuilt_bloat(total_pages, fillfactor, m->pivot_need, &rlo);
		least = rebuilt_bloat(total_pages, fillfactor, m->pivot_need, &rhi);
		if (most - least > BTREE_STATS_MAX_SPREAD)
			m->untrusted = psprintf("its statistics leave between %.0f and %.0f distinct keys among its %.0f entries (%s): %.0f%% to %.0f%% bloat once deduplicated",
									lo, hi, entries,
									key->partial ? "a partial index" : "a key of several columns",
									least, most);
	}
	if (m->untrusted == NULL && r.leaf_need_spread > 0)
	{
		StatsRebuilt even = r,
					spread = r;
		double		a,
					b;

		even.leaf_need = r.leaf_need_even;
		spread.leaf_need = r.leaf_need_spread;
		a = rebuilt_bloat(total_pages, fillfactor, m->pivot_need, &even);
		b = rebuilt_bloat(total_pages, fillfactor, m->pivot_need, &spread);
		if (fabs(a - b) > BTREE_STATS_MAX_SPREAD)
			m->untrusted = psprintf("its posting lists make leaves of few large tuples, where the statistics' mean run of %.0f entries cannot say how many a leaf keeps: %.0f%% to %.0f%% bloat",
									(entries - null_tids) / Max(groups, 1),
									Min(a, b), Max(a, b));
	}
	if (m->untrusted == NULL && key->unanalyzed_att != 0)
		m->untrusted = psprintf("key column \"%s\" has no statistics",
								column_name(indexrelid, key->unanalyzed_att));
	if (m->untrusted == NULL && key->partial_width_att != 0)
		m->untrusted = psprintf("a partial index on \"%s\", of variable width: the statistics give its width over the table's rows, not the index's entries",
								column_name(indexrelid, key->partial_width_att));

	btree_leave_out_dead(indrelid, key->partial, m);
	m->min_pages = btree_min_pages(fillfactor, m->rebuilt_need,
								   m->rebuilt_tuples, m->pivot_need,
								   m->leaf_need);
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
	double		table_rows = -1;
	bool		partial = !heap_attisnull(rel->rd_indextuple, Anum_pg_index_indpred, NULL);
	HeapTuple	tup;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(index->indrelid));
	if (HeapTupleIsValid(tup))
	{
		table_rows = ((Form_pg_class) GETSTRUCT(tup))->reltuples;
		ReleaseSysCache(tup);
	}
	if (OidIsValid(toastrelid))
	{
		/* its size now (its relpages waits for a VACUUM), under AccessShareLock */
		Relation	toastrel = try_relation_open(toastrelid, AccessShareLock);

		if (toastrel != NULL)
		{
			toast_bytes = (double) RelationGetNumberOfBlocks(toastrel) * BLCKSZ;
			relation_close(toastrel, AccessShareLock);
		}
	}

	btree_key_init(&key, IndexRelationGetNumberOfKeyAttributes(rel),
				   !index->indisunique && BTGetDeduplicateItems(rel) &&
				   _bt_allequalimage(rel, false),
				   partial, rel->rd_rel->reltuples, table_rows);
	for (int i = 0; i < desc->natts; i++)
	{
		AttrNumber	tableatt = index->indkey.values[i];
		BtreeColumnStats cs;
		BtreeValueSizes vs;

		if (tableatt != 0)
			column_stats(index->indrelid, tableatt, &cs, &vs);
		else
			column_stats(RelationGetRelid(rel), i + 1, &cs, &vs);
		btree_key_add(&key, TupleDescAttr(desc, i), tableatt == 0, &cs);
		if (tableatt != 0 && cs.found &&
			btree_key_may_be_toasted(index->indrelid, tableatt, cs.width,
									 toast_bytes, Max(table_rows, 0)))
			btree_key_toasted(&key, TupleDescAttr(desc, i));
	}

	btree_stats_estimate(RelationGetNumberOfBlocks(rel), BTGetFillFactor(rel),
						 index->indisunique, rel->rd_rel->reltuples,
						 RelationGetRelid(rel), index->indrelid, &key, m);
}
