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
 * for mixed sizes.
 *
 * Dropped columns.  A rewrite does not copy a tuple as it is stored: it
 * deforms it and forms it again with every dropped attribute set to NULL
 * (heapam_handler.c, reform_and_rewrite_tuple), and a tuple written before
 * an ADD COLUMN gets the column's "missing" default stored.  So for a table
 * with dropped columns or such defaults, the page-reading modes pack each
 * live tuple at the length heap_rewritten_len computes -- its data less the
 * dropped attributes, realigned, and a null bitmap if it had none -- and
 * other tables pay nothing.  Stats mode already counts a dropped column as
 * NULL (tuple_len_add).
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

/* May a rewrite change the length of this table's tuples? (see above) */
bool
heap_rewrite_reforms(TupleDesc desc)
{
	if (desc->constr != NULL && desc->constr->missing != NULL)
		return true;
	for (int i = 0; i < desc->natts; i++)
	{
		if (TupleDescAttr(desc, i)->attisdropped)
			return true;
	}
	return false;
}

/* as heaptuple.c: a varlena that a tuple may store with a short header */
#define ATT_IS_PACKABLE(att) \
	((att)->attlen == -1 && (att)->attstorage != TYPSTORAGE_PLAIN)

/* Add one value of att, at ptr, to data_length as heap_compute_data_size. */
static Size
add_value(Size data_length, Form_pg_attribute att, Pointer ptr)
{
	if (ATT_IS_PACKABLE(att) && VARATT_CAN_MAKE_SHORT(ptr))
		return data_length + VARATT_CONVERTED_SHORT_SIZE(ptr);
	data_length = att_align_pointer(data_length, att->attalign, att->attlen, ptr);
	return att_addlength_pointer(data_length, att->attlen, ptr);
}

/*
 * The length (t_len) a rewrite gives the stored tuple tup of t_len bytes of
 * a table whose descriptor is desc: what heap_form_tuple computes after
 * heap_deform_tuple, with dropped attributes set to NULL.  Every length read
 * from the tuple is checked against t_len; a tuple that does not parse
 * (corruption) keeps its stored length.
 */
uint32
heap_rewritten_len(TupleDesc desc, HeapTupleHeader tup, uint32 t_len)
{
	int			stored_natts = HeapTupleHeaderGetNatts(tup);
	bool		stored_nulls = (tup->t_infomask & HEAP_HASNULL) != 0;
	bits8	   *bp = tup->t_bits;
	char	   *data;
	Size		avail;
	Size		off = 0;
	Size		data_length = 0;
	bool		hasnull = false;
	Size		hoff;

	if (tup->t_hoff < SizeofHeapTupleHeader || tup->t_hoff > t_len ||
		(stored_nulls && tup->t_hoff < SizeofHeapTupleHeader + BITMAPLEN(stored_natts)))
		return t_len;
	data = (char *) tup + tup->t_hoff;
	avail = t_len - tup->t_hoff;

	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Pointer		ptr;
		Size		next;

		if (i >= stored_natts)
		{
			/* written before the column was added: its missing value */
			bool		isnull;
			Datum		value = getmissingattr(desc, i + 1, &isnull);

			if (isnull || att->attisdropped)
				hasnull = true;
			else if (att->attbyval)
				data_length = att_addlength_datum(att_align_nominal(data_length,
																	att->attalign),
												  att->attlen, value);
			else
				data_length = add_value(data_length, att, DatumGetPointer(value));
			continue;
		}
		if (stored_nulls && att_isnull(i, bp))
		{
			hasnull = true;
			continue;
		}

		/* where the stored value starts, and where it ends */
		if (att->attlen == -1)
		{
			if (off >= avail)
				return t_len;
			off = att_align_pointer(off, att->attalign, -1, data + off);
			if (off >= avail ||
				(!VARATT_IS_1B(data + off) && off + VARHDRSZ > avail))
				return t_len;
			next = off + VARSIZE_ANY(data + off);
		}
		else if (att->attlen == -2)
		{
			off = att_align_nominal(off, att->attalign);
			if (off >= avail)
				return t_len;
			next = off + strnlen(data + off, avail - off) + 1;
		}
		else if (att->attlen > 0)
		{
			off = att_align_nominal(off, att->attalign);
			next = off + att->attlen;
		}
		else
			return t_len;
		if (next > avail || next <= off)
			return t_len;
		ptr = data + off;
		off = next;

		if (att->attisdropped)
			hasnull = true;		/* the rewrite stores it as NULL */
		else if (att->attlen > 0)
			data_length = att_align_nominal(data_length, att->attalign) + att->attlen;
		else
			data_length = add_value(data_length, att, ptr);
	}

	hoff = SizeofHeapTupleHeader;
	if (hasnull)
		hoff += BITMAPLEN(desc->natts);
	return MAXALIGN(hoff) + data_length;
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
 * Attributes are added in attnum order (alignment depends on it), by
 * estimate_tuple_len for an open relation and by catalog_stats.c for many
 * relations read from pg_attribute at once.
 */
void
tuple_len_add(TupleLenAcc *acc, const FormData_pg_attribute *att,
			  bool has_stats, double stawidth, double stanullfrac)
{
	double		width;
	double		nullfrac = 0;

	if (att->attisdropped)
	{
		acc->any_nulls = true;	/* stored as NULL in rows written since */
		return;
	}
	if (has_stats)
	{
		width = stawidth;
		nullfrac = stanullfrac;
	}
	else if (att->attlen > 0)
		width = att->attlen;
	else
		width = get_typavgwidth(att->atttypid, att->atttypmod);

	if (nullfrac > 0)
		acc->any_nulls = true;

	/* fixed-width values are aligned; short varlenas are not */
	if (att->attlen > 0)
		acc->data = att_align_nominal((int) ceil(acc->data), att->attalign);
	acc->data += width * (1.0 - nullfrac);
}

/*
 * Add a table column to the estimated row width.  A fixed-width column
 * that is often NULL pays alignment padding only in the rows where it has a
 * value, and only as much as the columns before it can misalign it
 * (acc->align: the alignment, in bytes, that every row's offset keeps so
 * far).  tuple_len_add pads it in every row from the rounded-up mean width,
 * which made a row of 80 int4 columns NULL nine times in ten (8 values, 32
 * bytes) an estimated 320 bytes, and the estimated rewrite five times the
 * table.  Columns never NULL keep tuple_len_add's exact arithmetic.  Used
 * for a table's rows by stats mode (estimate_tuple_len) and the listings
 * (catalog_stats.c) alike; an index's columns go through tuple_len_add.
 */
void
table_column_len_add(TupleLenAcc *acc, const FormData_pg_attribute *att,
					 bool has_stats, double stawidth, double stanullfrac)
{
	int			a = att->attalign == TYPALIGN_DOUBLE ? ALIGNOF_DOUBLE :
		att->attalign == TYPALIGN_INT ? ALIGNOF_INT :
		att->attalign == TYPALIGN_SHORT ? ALIGNOF_SHORT : 1;
	double		present;

	if (acc->align == 0)
		acc->align = MAXIMUM_ALIGNOF;
	if (att->attisdropped)
	{
		tuple_len_add(acc, att, false, 0, 0);
		return;
	}
	if (att->attlen <= 0)
		acc->align = 1;			/* a varlena ends anywhere */
	else
	{
		acc->align = Min(acc->align, a);
		while (att->attlen % acc->align != 0)
			acc->align /= 2;
	}
	if (!has_stats || att->attlen <= 0 || stanullfrac <= 0)
	{
		tuple_len_add(acc, att, has_stats, stawidth, stanullfrac);
		return;
	}
	present = 1.0 - stanullfrac;
	acc->any_nulls = true;
	/* the mean padding of an offset aligned to acc->align, before this column */
	acc->data += (a > acc->align ? (a - acc->align) / 2.0 : 0) * present +
		stawidth * present;
}

double
tuple_len_result(const TupleLenAcc *acc, int natts)
{
	int			header = SizeofHeapTupleHeader;

	if (acc->any_nulls)
		header += BITMAPLEN(natts);

	/*
	 * to the hundredth of a byte: stanullfrac is a float4, and 32.00001
	 * bytes of data would be rounded up to the next MAXALIGN step
	 */
	return MAXALIGN(header) + rint(acc->data * 100) / 100;
}

/*
 * A TOAST relation holds chunks of TOAST_MAX_CHUNK_SIZE bytes (the last
 * chunk of each value is shorter; counting them full errs towards less
 * bloat).  Its rows: chunk_id oid, chunk_seq int4, chunk_data bytea.
 */
double
toast_tuple_len(void)
{
	return MAXALIGN(SizeofHeapTupleHeader) + sizeof(Oid) + sizeof(int32) +
		VARHDRSZ + TOAST_MAX_CHUNK_SIZE;
}

static double
estimate_tuple_len(Relation rel)
{
	TupleDesc	desc = RelationGetDescr(rel);
	TupleLenAcc acc = {0, false, 0};

	if (rel->rd_rel->relkind == RELKIND_TOASTVALUE)
		return toast_tuple_len();

	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		HeapTuple	stats = NULL;
		Form_pg_statistic s = NULL;

		if (!att->attisdropped)
		{
			stats = SearchSysCache3(STATRELATTINH,
									ObjectIdGetDatum(RelationGetRelid(rel)),
									Int16GetDatum(att->attnum),
									BoolGetDatum(false));
			if (HeapTupleIsValid(stats))
				s = (Form_pg_statistic) GETSTRUCT(stats);
		}
		table_column_len_add(&acc, att, s != NULL,
							 s ? s->stawidth : 0, s ? s->stanullfrac : 0);
		if (s != NULL)
			ReleaseSysCache(stats);
	}
	return tuple_len_result(&acc, desc->natts);
}

/*
 * Stats mode from its inputs: the main fork's size, the fillfactor, the
 * cumulative statistics entry (may be NULL), pg_class.reltuples and the
 * estimated average t_len.  No page is read.
 */
void
heap_stats_estimate(BlockNumber total_pages, int fillfactor,
					const PgStat_StatTabEntry *tab, float4 reltuples,
					double tuple_len, HeapMeasure *m)
{
	double		need;
	double		room;

	memset(m, 0, sizeof(HeapMeasure));
	m->method = CAMPMON_MODE_STATS;
	m->is_estimate = true;
	m->fillfactor = fillfactor;
	m->total_pages = total_pages;

	if (m->total_pages == 0)
		return;

	/*
	 * Zero counts in the cumulative statistics prove nothing for a table
	 * with pages (they may not be flushed yet, or were reset); then only a
	 * reltuples set by VACUUM or ANALYZE is evidence.
	 */
	if (tab != NULL && (tab->n_live_tuples > 0 || tab->n_dead_tuples > 0))
	{
		m->c.live_tuples = tab->n_live_tuples;
		m->c.dead_tuples = tab->n_dead_tuples;
	}
	else if (reltuples >= 0)
		m->c.live_tuples = reltuples;
	else
	{
		m->unknown = true;
		return;
	}

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

/* Stats mode for an open relation. */
void
heap_measure_stats(Relation rel, HeapMeasure *m)
{
	BlockNumber total_pages = RelationGetNumberOfBlocks(rel);
	PgStat_StatTabEntry *tab = NULL;
	double		tuple_len = 0;

	if (total_pages > 0)
	{
		tab = pgstat_fetch_stat_tabentry_ext(rel->rd_rel->relisshared,
											 RelationGetRelid(rel));
		tuple_len = estimate_tuple_len(rel);
	}
	heap_stats_estimate(total_pages,
						RelationGetFillFactor(rel, HEAP_DEFAULT_FILLFACTOR),
						tab, rel->rd_rel->reltuples, tuple_len, m);
}
