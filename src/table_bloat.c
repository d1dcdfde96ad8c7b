/*-------------------------------------------------------------------------
 *
 * table_bloat.c
 *	  SQL-callable campmon.table_bloat() and campmon.try_table_bloat():
 *	  argument checks, the choice of mode, the TOAST relation, and the
 *	  derived figures (min_bytes, bloat_bytes, bloat_pct and its interval).
 *
 * Definitions (README, "What the numbers mean"):
 *	  table_bytes = main fork size
 *	  min_bytes   = size right after VACUUM FULL (heap_estimate.c)
 *	  bloat_bytes = table_bytes - min_bytes, never below 0
 *	  bloat_pct   = 100 * bloat_bytes / table_bytes (0 for an empty table)
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/relation.h"
#include "access/htup_details.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"

#include "campmon.h"
#include "listing_default.h"
#include "sampling.h"

PG_FUNCTION_INFO_V1(campmon_table_bloat);
PG_FUNCTION_INFO_V1(campmon_try_table_bloat);
PG_FUNCTION_INFO_V1(campmon_list_table);

#define TABLE_BLOAT_COLS 28

/* Measure one heap in the requested mode; auto picks exact or sampled. */
static void
measure_heap(Relation rel, CampmonMode mode, int sample_pages, HeapMeasure *m)
{
	switch (campmon_resolve_auto(rel, mode))
	{
		case CAMPMON_MODE_EXACT:
			heap_measure_exact(rel, m);
			break;
		case CAMPMON_MODE_APPROX:
			heap_measure_approx(rel, m);
			break;
		case CAMPMON_MODE_SAMPLED:
			heap_measure_sampled(rel, sample_pages, m);
			break;
		case CAMPMON_MODE_STATS:
			heap_measure_stats(rel, m);
			break;
		case CAMPMON_MODE_AUTO:
		case CAMPMON_MODE_ADAPTIVE: /* rejected with the arguments */
			Assert(false);
	}
}

static double
bloat_bytes(const HeapMeasure *m)
{
	return campmon_bloat_bytes(m->total_pages, m->min_pages);
}

static double
bloat_pct(const HeapMeasure *m)
{
	return campmon_bloat_pct(m->total_pages, m->min_pages);
}

/*
 * 95% interval of bloat_pct for a sampled measurement.  min_pages grows by
 * N / B pages for a byte more of mean per-page need, B being the packed
 * bytes per page implied by the size model (live_need / min_pages): its
 * standard error is N * se(mean need) / B pages (delta method, B held
 * fixed), to which the rewrite's rounding to whole pages adds one page
 * either way (sampling.c).  A sample of every page has neither.
 */
static void
bloat_interval(const HeapMeasure *m, double *low, double *high)
{
	double		per_page;

	if (m->min_pages > 0)
		per_page = m->c.live_need / m->min_pages;
	else
		per_page = BLCKSZ - SizeOfPageHeaderData;
	bloat_interval95(m->total_pages, m->min_pages,
					 m->total_pages * m->need_se / Max(per_page, 1.0),
					 m->is_estimate ? 1.0 : 0.0, low, high);
}

#define SET_INT8(v)		(values[i++] = Int64GetDatum((int64) llround(v)))
#define SET_NULL()		(nulls[i++] = true)

/*
 * Measure the table and its TOAST relation as args say.  Returns false,
 * with missing_ok, when the relation cannot be measured.
 */
static bool
measure_table_as(const MeasureArgs *args, bool missing_ok,
				 HeapMeasure *main, Oid *toastrelid, HeapMeasure *toast)
{
	Relation	rel;

	rel = campmon_open_table(args->relid, missing_ok);
	if (rel == NULL)
		return false;

	measure_heap(rel, args->mode, args->sample_pages, main);

	/*
	 * The TOAST relation is a heap of its own, measured in the same mode
	 * (auto decides by its own size).  Our lock on the table keeps it from
	 * being dropped or rewritten meanwhile.
	 */
	*toastrelid = rel->rd_rel->reltoastrelid;
	if (OidIsValid(*toastrelid))
	{
		Relation	toastrel = relation_open(*toastrelid, AccessShareLock);

		measure_heap(toastrel, args->mode, args->sample_pages, toast);
		relation_close(toastrel, AccessShareLock);
	}
	relation_close(rel, AccessShareLock);
	return true;
}

/*
 * Check the arguments and measure the table and its TOAST relation.
 * Returns false, with missing_ok, when the relation cannot be measured.
 */
static bool
measure_table(FunctionCallInfo fcinfo, bool missing_ok, Oid *relid,
			  HeapMeasure *main, Oid *toastrelid, HeapMeasure *toast)
{
	MeasureArgs args;

	if (!campmon_measure_args(fcinfo, missing_ok,
							  "campmon.table_bloat('nmsbroadlogrcp')",
							  "campmon.sample_pages", campmon_sample_pages, &args))
		return false;
	*relid = args.relid;
	return measure_table_as(&args, missing_ok, main, toastrelid, toast);
}

/* measure_table's arguments and results, for campmon_measure_guarded */
typedef struct MeasureTableCall
{
	FunctionCallInfo fcinfo;
	Oid			relid;
	HeapMeasure main;
	Oid			toastrelid;
	HeapMeasure toast;
} MeasureTableCall;

static bool
measure_table_call(void *arg)
{
	MeasureTableCall *call = (MeasureTableCall *) arg;

	return measure_table(call->fcinfo, true, &call->relid, &call->main,
						 &call->toastrelid, &call->toast);
}

/* Fill the TABLE_BLOAT_COLS columns of table_bloat's row. */
static void
table_bloat_values(Oid relid, const HeapMeasure *main, Oid toastrelid,
				   const HeapMeasure *toast, Datum *values, bool *nulls)
{
	int			i = 0;

	memset(nulls, 0, sizeof(bool) * TABLE_BLOAT_COLS);

	values[i++] = ObjectIdGetDatum(relid);
	values[i++] = CStringGetTextDatum(main->unreadable ? "unreadable" :
									  campmon_mode_name(main->method));
	values[i++] = BoolGetDatum(main->is_estimate);
	values[i++] = Int32GetDatum(main->fillfactor);
	SET_INT8((double) main->total_pages * BLCKSZ);
	SET_INT8(main->total_pages);
	SET_INT8(main->scanned_pages);
	if (main->unknown || main->unreadable)
	{
		for (int k = 0; k < 10; k++)
			SET_NULL();
	}
	else
	{
		SET_INT8(main->c.live_tuples);
		SET_INT8(main->c.dead_tuples);
		SET_INT8(main->c.live_bytes);
		SET_INT8(main->c.dead_bytes);
		SET_INT8(main->c.free_bytes);
		SET_INT8(main->min_pages * BLCKSZ);
		SET_INT8(bloat_bytes(main));
		values[i++] = campmon_pct_datum(bloat_pct(main));
		if (main->has_interval)
		{
			double		low,
						high;

			bloat_interval(main, &low, &high);
			values[i++] = campmon_pct_datum(low);
			values[i++] = campmon_pct_datum(high);
		}
		else
		{
			SET_NULL();
			SET_NULL();
		}
	}

	if (OidIsValid(toastrelid))
	{
		values[i++] = ObjectIdGetDatum(toastrelid);
		values[i++] = CStringGetTextDatum(campmon_mode_name(toast->method));
		SET_INT8((double) toast->total_pages * BLCKSZ);
		SET_INT8(toast->scanned_pages);
		if (toast->unknown || toast->unreadable)
		{
			for (int k = 0; k < 6; k++)
				SET_NULL();
		}
		else
		{
			SET_INT8(toast->c.live_bytes);
			SET_INT8(toast->c.dead_bytes);
			SET_INT8(toast->c.free_bytes);
			SET_INT8(toast->min_pages * BLCKSZ);
			SET_INT8(bloat_bytes(toast));
			values[i++] = campmon_pct_datum(bloat_pct(toast));
		}
	}
	else
	{
		for (int k = 0; k < 10; k++)
			SET_NULL();
	}
	values[i++] = CStringGetTextDatum(main->basis ? main->basis :
									  campmon_basis(main->method, main->unknown,
													main->scanned_pages,
													main->total_pages));
	Assert(i == TABLE_BLOAT_COLS);
}

/*
 * Check the arguments, measure, and fill values/nulls with one result row.
 * Returns false, with missing_ok, when the relation cannot be measured.
 */
static bool
table_bloat_row(FunctionCallInfo fcinfo, TupleDesc tupdesc, bool missing_ok,
				Datum *values, bool *nulls)
{
	Oid			relid;
	HeapMeasure main;
	HeapMeasure toast;
	Oid			toastrelid;

	if (tupdesc->natts != TABLE_BLOAT_COLS)
		elog(ERROR, "campmon: the SQL definition of table_bloat does not match the library; run ALTER EXTENSION campmon UPDATE");

	if (!measure_table(fcinfo, missing_ok, &relid, &main, &toastrelid, &toast))
		return false;
	table_bloat_values(relid, &main, toastrelid, &toast, values, nulls);
	return true;
}

/* campmon.table_bloat(rel regclass, mode text, sample_pages int) */
Datum
campmon_table_bloat(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[TABLE_BLOAT_COLS];
	bool		nulls[TABLE_BLOAT_COLS];

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	table_bloat_row(fcinfo, tupdesc, false, values, nulls);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * campmon.try_table_bloat(rel oid, mode text, sample_pages int): the same
 * row, or no row instead of an error for a relation that vanished, is not a
 * table, is another session's temporary table or may not be measured by
 * this user.  The views use it so that one such row cannot fail a listing.
 */
Datum
campmon_try_table_bloat(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[TABLE_BLOAT_COLS];
	bool		nulls[TABLE_BLOAT_COLS];

	campmon_init_srf(fcinfo);
	if (table_bloat_row(fcinfo, rsinfo->setDesc, true, values, nulls))
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

/*
 * A sample of a heap for the adaptive mode: LISTING_SAMPLE_PAGES pages, and
 * drawn again larger when its interval is wide and the listing's budget
 * has pages to spare (listing_sample_more).
 */
static void
sample_heap_adaptive(CatalogStats *cs, Relation rel, HeapMeasure *m)
{
	int			pages = LISTING_SAMPLE_PAGES;
	double		low,
				high;

	heap_measure_sampled(rel, pages, m);
	bloat_interval(m, &low, &high);
	if (m->is_estimate &&
		listing_sample_more(cs, false, m->scanned_pages, m->total_pages,
							high - low, &pages))
		heap_measure_sampled(rel, pages, m);
}

/* list_table_adaptive's sample: the table's and its TOAST relation's as asked */
typedef struct AdaptiveCall
{
	CatalogStats *cs;
	Oid			relid;
	bool		main;			/* sample the table */
	bool		toast;			/* sample its TOAST relation */
	TableListing *listing;		/* the statistics of what is not sampled */
} AdaptiveCall;

static bool
sample_table_adaptive(void *arg)
{
	AdaptiveCall *call = (AdaptiveCall *) arg;
	Relation	rel = campmon_open_table(call->relid, true);
	Oid			toastrelid;

	if (rel == NULL)
		return false;
	if (call->main)
		sample_heap_adaptive(call->cs, rel, &call->listing->main);
	toastrelid = rel->rd_rel->reltoastrelid;
	if (call->toast && OidIsValid(toastrelid))
	{
		/* our lock on the table keeps it from being dropped or rewritten */
		Relation	toastrel = relation_open(toastrelid, AccessShareLock);

		sample_heap_adaptive(call->cs, toastrel, &call->listing->toast);
		relation_close(toastrel, AccessShareLock);
	}
	relation_close(rel, AccessShareLock);
	return true;
}

/*
 * The adaptive mode's row of one table (listing_default.c): the statistics
 * of the table and of its TOAST relation where they can be trusted, else a
 * small sample of the pages of whichever cannot, if the page budget allows
 * and the table is not locked by another session; else the statistics,
 * with reltuples preferred to n_live_tup.  Returns false when the table
 * vanished meanwhile (no row).
 */
static bool
list_table_adaptive(CatalogStats *cs, Oid relid, TableListing *listing,
					Datum *values, bool *nulls)
{
	const char *why = listing_table_untrusted(listing);
	const char *toast_why = listing_toast_untrusted(listing);
	const char *skipped = NULL;

	if (why != NULL || toast_why != NULL)
	{
		skipped = listing_sample_refused(cs, relid,
										 Max(why ? listing->main.total_pages : 0,
											 toast_why ? listing->toast_pages : 0),
										 false);
		if (skipped == NULL)
		{
			AdaptiveCall call = {cs, relid, why != NULL, toast_why != NULL, listing};
			char	   *unreadable;
			bool		measured;

			measured = campmon_measure_guarded(sample_table_adaptive, &call, relid,
											   &unreadable);
			listing_unlock(relid);
			if (measured)
			{
				if (why == NULL)
					listing->main.basis = listing_stats_basis(NULL, NULL);
				else
					listing->main.basis = listing_sample_basis(listing->main.scanned_pages,
															   listing->main.total_pages,
															   why);
				if (toast_why != NULL)
					listing->main.basis =
						psprintf("%s; TOAST %s",
								 listing->main.basis,
								 listing_sample_basis(listing->toast.scanned_pages,
													  listing->toast.total_pages,
													  toast_why + strlen("TOAST: ")));
				table_bloat_values(relid, &listing->main, listing->toastrelid,
								   &listing->toast, values, nulls);
				return true;
			}
			if (unreadable == NULL)
				return false;
			listing->main.unreadable = true;
			listing->main.basis = psprintf("not measured: %s", unreadable);
			listing->toast.unreadable = true;
			table_bloat_values(relid, &listing->main, listing->toastrelid,
							   &listing->toast, values, nulls);
			return true;
		}
	}

	if (listing_trusted_live_tuples(listing) >= 0)
		heap_stats_estimate(listing->main.total_pages, listing->main.fillfactor,
							NULL, listing->reltuples, listing->tuple_len,
							&listing->main);
	listing->main.basis = listing_stats_basis(why ? why : toast_why, skipped);
	table_bloat_values(relid, &listing->main, listing->toastrelid,
					   &listing->toast, values, nulls);
	return true;
}

/* Whether the table and its TOAST relation had no page (stat() of the facts). */
static bool
listing_is_empty(const TableListing *listing)
{
	return listing->main.total_pages == 0 &&
		(!OidIsValid(listing->toastrelid) || listing->toast_pages == 0);
}

/*
 * The row a page-reading mode gives a table without any page, made without
 * opening it: most of the 50,000 work tables of a Campaign database are
 * empty, and opening each left a relation cache entry behind (80 MB and
 * 2.2 s in auto mode at 40,000).  Its lock is not asked for: there is no
 * page to read under it.
 */
static void
list_table_empty(CampmonMode mode, Oid relid, TableListing *listing,
				 Datum *values, bool *nulls)
{
	int			fillfactor = listing->main.fillfactor;
	int			toast_fillfactor = listing->toast.fillfactor;

	if (mode == CAMPMON_MODE_AUTO)
		mode = CAMPMON_MODE_EXACT;	/* auto's choice for an empty relation */
	memset(&listing->main, 0, sizeof(HeapMeasure));
	listing->main.method = mode;
	listing->main.is_estimate = mode == CAMPMON_MODE_APPROX;	/* as approx says */
	listing->main.fillfactor = fillfactor;
	memset(&listing->toast, 0, sizeof(HeapMeasure));
	listing->toast.method = mode;
	listing->toast.fillfactor = toast_fillfactor;
	table_bloat_values(relid, &listing->main, listing->toastrelid,
					   &listing->toast, values, nulls);
}

/*
 * campmon._list_table(rel oid, mode text, sample_pages int): campmon.tables'
 * row of one table -- try_table_bloat's columns, then indexes_bytes and
 * total_bytes.  The view calls it for every table; the first call reads the
 * catalogs once for the whole query (catalog_stats.c), so that sizes, and
 * in stats mode the whole row, come without opening any table.  Other
 * modes open and read the table as try_table_bloat does.
 */
Datum
campmon_list_table(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TupleDesc	tupdesc;
	CatalogStats *cs;
	TableListing listing;
	Datum		values[TABLE_BLOAT_COLS + 2];
	bool		nulls[TABLE_BLOAT_COLS + 2];
	Oid			relid;
	CampmonMode mode = CAMPMON_MODE_AUTO;
	bool		plain;			/* a mode and no sample_pages */

	campmon_init_srf(fcinfo);
	tupdesc = rsinfo->setDesc;
	if (tupdesc->natts != TABLE_BLOAT_COLS + 2)
		elog(ERROR, "campmon: the SQL definition of _list_table does not match the library; run ALTER EXTENSION campmon UPDATE");
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	relid = PG_GETARG_OID(0);

	/* facts of every relation, once per query (fn_extra lives as long) */
	cs = (CatalogStats *) fcinfo->flinfo->fn_extra;
	if (cs == NULL)
	{
		cs = catalog_stats_for_query(fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = cs;
	}
	if (!catalog_stats_table(cs, relid, &listing))
		return (Datum) 0;

	plain = !PG_ARGISNULL(1) && PG_ARGISNULL(2);
	if (plain)
		mode = campmon_parse_mode(text_to_cstring(PG_GETARG_TEXT_PP(1)));
	if (plain && mode == CAMPMON_MODE_STATS)
		table_bloat_values(relid, &listing.main, listing.toastrelid,
						   &listing.toast, values, nulls);
	else if (plain && mode == CAMPMON_MODE_ADAPTIVE)
	{
		if (!list_table_adaptive(cs, relid, &listing, values, nulls))
			return (Datum) 0;
	}
	else if (plain && listing_is_empty(&listing))
		list_table_empty(mode, relid, &listing, values, nulls);
	else
	{
		MeasureTableCall call = {fcinfo, relid};
		char	   *why;

		if (campmon_measure_guarded(measure_table_call, &call, relid, &why))
			table_bloat_values(relid, &call.main, call.toastrelid, &call.toast,
							   values, nulls);
		else if (why != NULL)
		{
			/* sizes from the catalogs, nothing else: the row says why */
			listing.main.unreadable = true;
			listing.main.is_estimate = true;
			listing.main.scanned_pages = 0;
			listing.main.basis = psprintf("not measured: %s", why);
			listing.toast.unreadable = true;
			table_bloat_values(relid, &listing.main, listing.toastrelid,
							   &listing.toast, values, nulls);
		}
		else
			return (Datum) 0;
	}
	values[TABLE_BLOAT_COLS] = Int64GetDatum(listing.indexes_bytes);
	nulls[TABLE_BLOAT_COLS] = false;
	values[TABLE_BLOAT_COLS + 1] = Int64GetDatum(listing.total_bytes);
	nulls[TABLE_BLOAT_COLS + 1] = false;
	tuplestore_putvalues(rsinfo->setResult, tupdesc, values, nulls);
	return (Datum) 0;
}
