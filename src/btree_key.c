/*-------------------------------------------------------------------------
 *
 * btree_key.c
 *	  A B-tree's key as nbtree stores it, from the catalogs and pg_statistic
 *	  alone, for the stats mode (btree_stats.c): whether a build may
 *	  deduplicate it, the bytes of its tuples, and how many distinct keys
 *	  its entries have.
 *
 * Deduplication: only where nbtree does it (_bt_allequalimage, _bt_load):
 * a non-unique index, deduplicate_items on, no INCLUDE column, and every
 * key column's operator class saying its equality is image equality -- its
 * BTEQUALIMAGE_PROC, called with the column's collation.  numeric, float,
 * interval or jsonb keys have none (equal values may differ in bytes);
 * text under a nondeterministic collation says no.  A numeric key taken as
 * deduplicated was shown 79% bloated where REINDEX gave back 25%.
 *
 * Bytes: a tuple is MAXALIGNed and has a null bitmap only when it has a
 * NULL (index_form_tuple); the columns' widths and null fractions come
 * from pg_statistic (of the table's column, or of the index's own
 * expression column, which ANALYZE computes over the index's entries,
 * predicate applied), and the sizes of a variable-width column's values
 * from its MCV list and histogram, so that the padding is that of the
 * values (btree_value_sizes_from), each column's offset followed modulo
 * the alignment (key_bytes_add).
 *
 * Distinct keys among the entries (NULL keys are one group: deduplication
 * takes them as equal):
 *	 - a column's n_distinct describes the entries when its statistics are
 *	   the index's own (an expression) or the index has every row;
 *	 - a partial index on a table column holds a subset of the column's
 *	   values: between entries / (the column's largest group: its most
 *	   common value's frequency, or 1.25 times the mean when ANALYZE kept
 *	   no MCV list) and min(n_distinct, entries);
 *	 - several key columns: between the largest of those lower bounds and
 *	   the product of the columns' counts, at most the entries.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/nbtree.h"
#include "access/stratnum.h"
#include "catalog/pg_statistic.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "campmon.h"

/* whether an operator class's equality is image equality, per collation */
typedef struct EqualImageKey
{
	Oid			opclass;
	Oid			collation;
} EqualImageKey;

typedef struct EqualImage
{
	EqualImageKey key;
	bool		equalimage;
} EqualImage;

/*
 * Is the equality of a key column of operator family opfamily, input type
 * opcintype and collation image equality, so that deduplication may merge
 * equal keys?  As _bt_allequalimage asks it, for one column: its
 * BTEQUALIMAGE_PROC, when there is one, answers.  catalog_stats.c asks it
 * per index without opening the index (results cached per operator class
 * and collation).
 */
bool
btree_column_equalimage(Oid opfamily, Oid opcintype, Oid collation)
{
	Oid			proc = get_opfamily_proc(opfamily, opcintype, opcintype,
										 BTEQUALIMAGE_PROC);

	return OidIsValid(proc) &&
		DatumGetBool(OidFunctionCall1Coll(proc, collation,
										  ObjectIdGetDatum(opcintype)));
}

/* a cache for btree_index_equalimage, in the current memory context */
HTAB *
btree_equalimage_cache(void)
{
	HASHCTL		ctl;

	ctl.keysize = sizeof(EqualImageKey);
	ctl.entrysize = sizeof(EqualImage);
	ctl.hcxt = CurrentMemoryContext;
	return hash_create("campmon equal image", 64, &ctl,
					   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/*
 * Does a build of the B-tree of this pg_index row (desc: pg_index's)
 * deduplicate, as far as its columns go (_bt_allequalimage without opening
 * the index): no INCLUDE column, and every key column's operator class
 * says its equality is image equality under the column's collation
 * (btree_column_equalimage, asked once per operator class and collation:
 * cache, made by btree_equalimage_cache).
 */
bool
btree_index_equalimage(HeapTuple tup, TupleDesc desc, HTAB *cache)
{
	Form_pg_index form = (Form_pg_index) GETSTRUCT(tup);
	Datum		d;
	bool		isnull;
	oidvector  *indclass;
	oidvector  *indcollation;

	if (form->indnkeyatts != form->indnatts)
		return false;			/* INCLUDE indexes never deduplicate */
	d = heap_getattr(tup, Anum_pg_index_indclass, desc, &isnull);
	if (isnull)
		return false;
	indclass = (oidvector *) DatumGetPointer(d);
	d = heap_getattr(tup, Anum_pg_index_indcollation, desc, &isnull);
	if (isnull)
		return false;
	indcollation = (oidvector *) DatumGetPointer(d);
	for (int i = 0; i < form->indnkeyatts && i < indclass->dim1; i++)
	{
		EqualImageKey key;
		EqualImage *e;
		bool		found;

		memset(&key, 0, sizeof(key));
		key.opclass = indclass->values[i];
		key.collation = i < indcollation->dim1 ? indcollation->values[i] : InvalidOid;
		e = hash_search(cache, &key, HASH_ENTER, &found);
		if (!found)
			e->equalimage = btree_column_equalimage(get_opclass_family(key.opclass),
													get_opclass_input_type(key.opclass),
													key.collation);
		if (!e->equalimage)
			return false;
	}
	return true;
}

/*
 * A column's statistics from pg_statistic (its width, null fraction,
 * n_distinct and the frequency of its most common value), as
 * catalog_stats.c reads them for many columns at once
 * (btree_column_stats_from).
 */
void
btree_column_stats_from(HeapTuple statstup, BtreeColumnStats *cs)
{
	Form_pg_statistic s = (Form_pg_statistic) GETSTRUCT(statstup);
	AttStatsSlot sslot;

	cs->found = true;
	cs->width = s->stawidth;
	cs->nullfrac = s->stanullfrac;
	cs->distinct = s->stadistinct;
	cs->mcv_max = 0;
	cs->sizes = NULL;
	/* the MCV list is in decreasing frequency */
	if (get_attstatsslot(&sslot, statstup, STATISTIC_KIND_MCV, InvalidOid,
						 ATTSTATSSLOT_NUMBERS))
	{
		if (sslot.nnumbers > 0)
			cs->mcv_max = sslot.numbers[0];
		free_attstatsslot(&sslot);
	}
}

/*
 * The sizes of the values of column attnum of relid (btree_value_sizes_from),
 * read through pg_statistic's index rather than the catalog cache, for
 * catalog_stats.c: only for the variable-width key columns of B-trees, and
 * no cache entry is left behind for each.
 */
bool
btree_value_sizes_lookup(Relation pg_statistic_rel, Oid relid,
						 AttrNumber attnum, BtreeValueSizes *vs)
{
	ScanKeyData key[3];
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;

	ScanKeyInit(&key[0], Anum_pg_statistic_starelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	ScanKeyInit(&key[1], Anum_pg_statistic_staattnum, BTEqualStrategyNumber,
				F_INT2EQ, Int16GetDatum(attnum));
	ScanKeyInit(&key[2], Anum_pg_statistic_stainherit, BTEqualStrategyNumber,
				F_BOOLEQ, BoolGetDatum(false));
	scan = systable_beginscan(pg_statistic_rel, StatisticRelidAttnumInhIndexId,
							  true, NULL, 3, key);
	if (HeapTupleIsValid(tup = systable_getnext(scan)))
		found = btree_value_sizes_from(tup, vs);
	systable_endscan(scan);
	return found;
}

/*
 * Start the key of an index: nkeyatts key columns (the rest INCLUDE),
 * whether the build deduplicates it (see above), whether it is partial,
 * its entries and its table's rows (pg_class.reltuples; -1 unknown).
 */
void
btree_key_init(BtreeKeyAcc *acc, int nkeyatts, bool dedup, bool partial,
			   double entries, double table_rows)
{
	memset(acc, 0, sizeof(BtreeKeyAcc));
	acc->nkeyatts = nkeyatts;
	acc->dedup = dedup;
	acc->partial = partial;
	acc->entries = entries >= 0 ? entries : Max(table_rows, 0);
	acc->table_rows = table_rows >= 0 ? table_rows : acc->entries;
	acc->d_lo = acc->d_est = acc->d_hi = 1;
	acc->group_max = Max(acc->entries, 1);
	acc->mod[0] = 1;			/* no data yet: 0 bytes */
	acc->all_present = 1;
}

/*
 * The sizes a variable-width column's values take in an index tuple, from
 * the values ANALYZE kept (its MCV list with their frequencies, and its
 * histogram, each bound standing for an equal share of the rest): a value
 * of up to 126 bytes gets a 1-byte header and no alignment, a longer one a
 * 4-byte header, aligned (heap_fill_tuple).  False when there are no such
 * values.  A key's tuple is MAXALIGNed, so the sizes modulo the alignment
 * matter as much as their mean: 'Code-123' takes 9 bytes and a 24-byte
 * tuple, where a mean width of 8 said 16.
 */
bool
btree_value_sizes_from(HeapTuple statstup, BtreeValueSizes *vs)
{
	Form_pg_statistic s = (Form_pg_statistic) GETSTRUCT(statstup);
	AttStatsSlot mcv;
	AttStatsSlot hist;
	bool		have_mcv,
				have_hist;
	double		mcv_total = 0;
	double		total = 0;

	memset(vs, 0, sizeof(BtreeValueSizes));
	have_mcv = get_attstatsslot(&mcv, statstup, STATISTIC_KIND_MCV, InvalidOid,
								ATTSTATSSLOT_VALUES | ATTSTATSSLOT_NUMBERS);
	have_hist = get_attstatsslot(&hist, statstup, STATISTIC_KIND_HISTOGRAM,
								 InvalidOid, ATTSTATSSLOT_VALUES);
	if (have_mcv && get_typlen(mcv.valuetype) != -1)
	{
		free_attstatsslot(&mcv);
		have_mcv = false;
	}
	if (have_hist && get_typlen(hist.valuetype) != -1)
	{
		free_attstatsslot(&hist);
		have_hist = false;
	}
	for (int i = 0; have_mcv && i < mcv.nvalues && i < mcv.nnumbers; i++)
		mcv_total += mcv.numbers[i];
	for (int pass = 0; pass < 2; pass++)
	{
		AttStatsSlot *slot = pass == 0 ? &mcv : &hist;
		double		rest = Max(1.0 - s->stanullfrac - mcv_total, 0);

		if (!(pass == 0 ? have_mcv : have_hist))
			continue;
		for (int i = 0; i < slot->nvalues; i++)
		{
			double		w = pass == 0 ? (i < slot->nnumbers ? slot->numbers[i] : 0) :
				rest / slot->nvalues;
			Size		exhdr = VARSIZE_ANY_EXHDR(DatumGetPointer(slot->values[i]));
			int			longhdr = exhdr + 1 > VARATT_SHORT_MAX;
			Size		size = exhdr + (longhdr ? VARHDRSZ : VARHDRSZ_SHORT);
			int			r = size % MAXIMUM_ALIGNOF;

			vs->p[longhdr][r] += w;
			vs->mean[longhdr][r] += w * size;
			total += w;
		}
	}
	if (have_mcv)
		free_attstatsslot(&mcv);
	if (have_hist)
		free_attstatsslot(&hist);
	if (!(total > 0))
		return false;
	for (int h = 0; h < 2; h++)
	{
		for (int r = 0; r < MAXIMUM_ALIGNOF; r++)
		{
			if (vs->p[h][r] > 0)
				vs->mean[h][r] /= vs->p[h][r];
			vs->p[h][r] /= total;
		}
	}
	return true;
}

/*
 * Add a column to the key's bytes: with probability 1 - nullfrac, a value
 * of `size` bytes aligned to `align` (fixed width), or of the classes of
 * sizes vs (variable width; NULL: unknown, a mean width spread evenly over
 * the alignment); a NULL takes no byte.  The offset's distribution modulo
 * the alignment is followed (columns independent), so that alignment
 * padding, inside and at the end of the tuple, is what it would be on
 * average.
 */
static void
key_bytes_add(BtreeKeyAcc *acc, double nullfrac, double size, int align,
			  const BtreeValueSizes *vs)
{
	double		mod[MAXIMUM_ALIGNOF] = {0};
	double		present = 1.0 - Min(Max(nullfrac, 0), 1);

	for (int r = 0; r < MAXIMUM_ALIGNOF; r++)
	{
		double		pr = acc->mod[r];

		if (!(pr > 0))
			continue;
		mod[r] += pr * (1 - present);
		if (vs == NULL && align == 0)
		{
			/* unknown sizes: any residue alike */
			for (int k = 0; k < MAXIMUM_ALIGNOF; k++)
				mod[k] += pr * present / MAXIMUM_ALIGNOF;
			acc->data += pr * present * size;
			continue;
		}
		if (vs == NULL)
		{
			int			start = TYPEALIGN(align, r);

			mod[(start + (int) size) % MAXIMUM_ALIGNOF] += pr * present;
			acc->data += pr * present * (start - r + size);
			continue;
		}
		for (int h = 0; h < 2; h++)
		{
			/* a 4-byte header is int-aligned */
			int			start = h ? TYPEALIGN(ALIGNOF_INT, r) : r;

			for (int k = 0; k < MAXIMUM_ALIGNOF; k++)
			{
				double		pk = vs->p[h][k] * pr * present;

				if (!(pk > 0))
					continue;
				mod[(start + k) % MAXIMUM_ALIGNOF] += pk;
				acc->data += pk * (start - r + vs->mean[h][k]);
			}
		}
	}
	memcpy(acc->mod, mod, sizeof(mod));
}

/* the key data's mean bytes once the tuple is MAXALIGNed */
double
btree_key_data_size(const BtreeKeyAcc *acc)
{
	double		pad = 0;

	for (int r = 1; r < MAXIMUM_ALIGNOF; r++)
		pad += acc->mod[r] * (MAXIMUM_ALIGNOF - r);
	return acc->data + pad;
}

/*
 * The distinct keys of one key column among the index's entries (see
 * above), folded into the key's: lower bound, estimate, upper bound, and
 * the largest group any key can have.
 */
static void
key_distinct_add(BtreeKeyAcc *acc, bool own, const BtreeColumnStats *cs)
{
	double		entries = Max(acc->entries, 1);
	double		rows = own ? entries : Max(acc->table_rows, 1);
	double		nf = Min(Max(cs->nullfrac, 0), 1);
	double		d,
				lo,
				est,
				hi,
				fmax,
				biggest;

	if (!cs->found)
	{
		/* nothing known: from one group to every entry its own */
		acc->d_hi *= entries;
		return;
	}
	/* a negative n_distinct is a fraction of all rows, NULLs included */
	d = cs->distinct > 0 ? cs->distinct : -cs->distinct * rows;
	d = Max(d, nf < 1 ? 1 : 0);
	if (cs->mcv_max > 0)
		fmax = cs->mcv_max;
	else if (cs->distinct <= -1 || d >= rows * (1 - nf))
		fmax = 1 / rows;		/* unique */
	else
		fmax = Min(1.25 * (1 - nf) / Max(d, 1), 1);
	biggest = Max(fmax, nf) * rows;

	if (own || !acc->partial)
	{
		lo = est = hi = d + (nf > 0 ? 1 : 0);
		if (acc->nkeyatts == 1)
			acc->nullfrac = nf;
	}
	else
	{
		/* a subset of the table's rows: entries of its `rows` */
		double		q = Min(entries / rows, 1);

		hi = Min(d, entries) + (nf > 0 ? 1 : 0);
		est = d > 0 ? d * (1 - pow(1 - q, rows / d)) : 0;
		est = Max(est, 1) + (nf > 0 ? nf * q * rows >= 1 : 0);
		lo = Max(entries / Max(biggest, 1), 1);
		if (acc->nkeyatts == 1)
			acc->nullfrac = nf;
	}
	acc->d_lo = Max(acc->d_lo, lo);
	acc->d_est *= Max(est, 1);
	acc->d_hi *= Max(hi, 1);
	acc->group_max = Min(acc->group_max, Max(biggest, 1));
}

/*
 * One column of the index, in order: its statistics (of the table's
 * column, or of the index itself for an expression: own) when ANALYZE has
 * been, else the type's typical width.  catalog_stats.c adds the columns
 * of many indexes read from pg_attribute at once.
 */
void
btree_key_add(BtreeKeyAcc *acc, const FormData_pg_attribute *att, bool own,
			  const BtreeColumnStats *cs)
{
	double		width = cs->width;
	double		nullfrac = cs->nullfrac;
	bool		key = acc->natts < acc->nkeyatts;

	if (!cs->found)
	{
		width = att->attlen > 0 ? att->attlen :
			get_typavgwidth(att->atttypid, att->atttypmod);
		nullfrac = 0;
		if (key && acc->unanalyzed_att == 0)
			acc->unanalyzed_att = att->attnum;
	}
	acc->all_present *= 1 - Min(Max(nullfrac, 0), 1);
	if (att->attlen > 0)
		key_bytes_add(acc, nullfrac, att->attlen,
					  att_align_nominal(1, att->attalign), NULL);
	else
		key_bytes_add(acc, nullfrac, width, 0, cs->found ? cs->sizes : NULL);
	if (att->attlen < 0 && acc->partial && !own && acc->partial_width_att == 0)
		acc->partial_width_att = att->attnum;
	if (key)
		key_distinct_add(acc, own, cs);
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
	if (acc->toasted_att == 0)
		acc->toasted_att = att->attnum;
}
