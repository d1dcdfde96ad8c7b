/*-------------------------------------------------------------------------
 *
 * heap_estimate.c
 *	  The heap size model -- how many pages a table would take right after
 *	  VACUUM FULL -- and the stats mode, which estimates a table's contents
 *	  from catalogs and cumulative statistics without reading any page.
 *
 * Size model.  VACUUM FULL (rewriteheap.c) copies the live tuples in
 * physical order and appends each to the current page while
 *
 *		MAXALIGN(t_len) + save <= pd_upper - pd_lower - sizeof(ItemIdData)
 *
 * with save = BLCKSZ * (100 - fillfactor) / 100, and at most
 * MaxHeapTuplesPerPage tuples; otherwise it starts a new page (which always
 * takes the tuple).  A tuple thus takes need = MAXALIGN(t_len) +
 * sizeof(ItemIdData) bytes of usable = BLCKSZ - SizeOfPageHeaderData - save.
 *
 * The page-reading modes replay exactly that rule over the live tuples they
 * see (HeapPacker): in exact mode min_pages is what VACUUM FULL produces on
 * a quiescent table, end-of-page waste included; in sampled mode the pages
 * the sampled tuples fill (the last one counted by its used fraction) are
 * scaled by N / n.  Where tuples are not seen one by one (all-visible pages
 * in approx mode, stats mode) a closed formula stands in:
 *
 *		per_page  = clamp(floor(usable / mean need), 1, MaxHeapTuplesPerPage)
 *		min_pages = ceil(live_tuples / per_page)
 *
 * exact for tuples of equal size, pessimistic by up to one tuple per page
 * for mixed sizes.  Neither accounts for columns dropped since the rows
 * were written (a rewrite stores them as NULLs).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/heaptoast.h"
#include "access/htup_details.h"
#include "access/tupmacs.h"
#include "catalog/pg_class.h"
#include "catalog/pg_statistic.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "storage/bufpage.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "campmon.h"

/* Bytes a fresh page offers to tuples at the given fillfactor. */
static double
usable_bytes(int fillfactor)
{
	/* as RelationGetTargetPageFreeSpace computes save */
	int			save = BLCKSZ * (100 - fillfactor) / 100;

	return BLCKSZ - SizeOfPageHeaderData - save;
}

void
heap_packer_init(HeapPacker *p, int fillfactor)
{
	memset(p, 0, sizeof(HeapPacker));
	p->usable = usable_bytes(fillfactor);
}

void
heap_packer_add(HeapPacker *p, Size t_len)
{
	double		need = MAXALIGN(t_len) + sizeof(ItemIdData);

	if (p->ntuples > 0 &&
		(p->fill + need > p->usable || p->ntuples >= MaxHeapTuplesPerPage))
	{
		p->full_pages += 1;
		p->fill = 0;
		p->ntuples = 0;
	}
	p->fill += need;
	p->ntuples++;
	p->need += need;
}

/* Pages filled so far, the open page counted by the fraction it uses. */
double
heap_packer_pages(const HeapPacker *p)
{
	return p->full_pages + Min(p->fill / p->usable, 1.0);
}

double
heap_min_pages(double live_tuples, double live_need, int fillfactor)
{
	double		usable = usable_bytes(fillfactor);
	double		per_page;

	if (live_tuples < 0.5 || live_need <= 0)
		return 0;

	per_page = floor(usable / (live_need / live_tuples));
	per_page = Max(per_page, 1);
	per_page = Min(per_page, MaxHeapTuplesPerPage);
	return ceil(live_tuples / per_page);
}

/*
 * Average t_len of a table's rows, from pg_statistic where ANALYZE has been
 * (stawidth: average stored width of non-null values, stanullfrac) and from
 * the type's typical width otherwise, as the planner estimates row widths.
 */
static double
estimate_tuple_len(Relation rel)
{
	TupleDesc	desc = RelationGetDescr(rel);
	double		data = 0;
	bool		any_nulls = false;
	int			header;

	/*
	 * A TOAST relation holds chunks of TOAST_MAX_CHUNK_SIZE bytes (the last
	 * chunk of each value is shorter; counting them full errs towards less
	 * bloat).  Its rows: chunk_id oid, chunk_seq int4, chunk_data bytea.
	 */
	if (rel->rd_rel->relkind == RELKIND_TOASTVALUE)
		return MAXALIGN(SizeofHeapTupleHeader) + sizeof(Oid) + sizeof(int32) +
			VARHDRSZ + TOAST_MAX_CHUNK_SIZE;

	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		HeapTuple	stats;
		double		width;
		double		nullfrac = 0;

		if (att->attisdropped)
		{
			any_nulls = true;	/* stored as NULL in rows written since */
			continue;
		}

		stats = SearchSysCache3(STATRELATTINH,
								ObjectIdGetDatum(RelationGetRelid(rel)),
								Int16GetDatum(att->attnum),
								BoolGetDatum(false));
		if (HeapTupleIsValid(stats))
		{
			Form_pg_statistic s = (Form_pg_statistic) GETSTRUCT(stats);

			width = s->stawidth;
			nullfrac = s->stanullfrac;
			ReleaseSysCache(stats);
		}
		else if (att->attlen > 0)
			width = att->attlen;
		else
			width = get_typavgwidth(att->atttypid, att->atttypmod);

		if (nullfrac > 0)
			any_nulls = true;

		/* fixed-width values are aligned; short varlenas are not */
		if (att->attlen > 0)
			data = att_align_nominal((int) ceil(data), att->attalign);
		data += width * (1.0 - nullfrac);
	}

	header = SizeofHeapTupleHeader;
	if (any_nulls)
		header += BITMAPLEN(desc->natts);
	return MAXALIGN(header) + data;
}

/*
 * Stats mode: no page is read.  Size from the relation's files, row counts
 * from the cumulative statistics (n_live_tup, n_dead_tup, kept current by
 * every commit) or, where there are none, pg_class.reltuples; row width
 * from pg_statistic.  Without any row count the figures are unknown.
 */
void
heap_measure_stats(Relation rel, HeapMeasure *m)
{
	PgStat_StatTabEntry *tab;
	double		tuple_len;
	double		need;
	double		room;

	memset(m, 0, sizeof(HeapMeasure));
	m->method = CAMPMON_MODE_STATS;
	m->is_estimate = true;
	m->fillfactor = RelationGetFillFactor(rel, HEAP_DEFAULT_FILLFACTOR);
	m->total_pages = RelationGetNumberOfBlocks(rel);

	if (m->total_pages == 0)
		return;

	/*
	 * Zero counts in the cumulative statistics prove nothing for a table
	 * with pages (they may not be flushed yet, or were reset); then only a
	 * reltuples set by VACUUM or ANALYZE is evidence.
	 */
	tab = pgstat_fetch_stat_tabentry_ext(rel->rd_rel->relisshared,
										 RelationGetRelid(rel));
	if (tab != NULL && (tab->n_live_tuples > 0 || tab->n_dead_tuples > 0))
	{
		m->c.live_tuples = tab->n_live_tuples;
		m->c.dead_tuples = tab->n_dead_tuples;
	}
	else if (rel->rd_rel->reltuples >= 0)
		m->c.live_tuples = rel->rd_rel->reltuples;
	else
	{
		m->unknown = true;
		return;
	}

	tuple_len = estimate_tuple_len(rel);
	need = MAXALIGN((Size) ceil(tuple_len)) + sizeof(ItemIdData);

	m->c.live_bytes = m->c.live_tuples * tuple_len;
	m->c.dead_bytes = m->c.dead_tuples * tuple_len;
	m->c.live_need = m->c.live_tuples * need;
	room = (double) m->total_pages * (BLCKSZ - SizeOfPageHeaderData) -
		(m->c.live_tuples + m->c.dead_tuples) * need;
	m->c.free_bytes = Max(room, 0);
	m->min_pages = heap_min_pages(m->c.live_tuples, m->c.live_need,
								  m->fillfactor);
}
