/*-------------------------------------------------------------------------
 *
 * index_bloat.c
 *	  SQL-callable campmon.index_bloat() and campmon.try_index_bloat():
 *	  argument checks, the choice of mode, access methods other than
 *	  B-tree, index validity, and the derived figures.
 *
 * Definitions (README, "Index bloat"):
 *	  index_bytes = main fork size
 *	  min_bytes   = size right after REINDEX (btree_estimate.c)
 *	  bloat_bytes = index_bytes - min_bytes, never below 0
 *	  bloat_pct   = 100 * bloat_bytes / index_bytes
 *	  avg_leaf_density, leaf_fragmentation: as pgstatindex
 *
 * Indexes of other access methods (GIN, GiST, hash, BRIN, SP-GiST...) get a
 * row with their size and method 'unsupported' rather than an error, so
 * that listings over every index stay whole.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_am.h"
#include "commands/defrem.h"
#include "funcapi.h"
#include "storage/bufmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"

#include "campmon.h"
#include "listing_default.h"
#include "sampling.h"

PG_FUNCTION_INFO_V1(campmon_index_bloat);
PG_FUNCTION_INFO_V1(campmon_try_index_bloat);
PG_FUNCTION_INFO_V1(campmon_list_index);

#define INDEX_BLOAT_COLS 29

static void
measure_btree(Relation rel, CampmonMode mode, int sample_pages, BtreeMeasure *m)
{
	switch (campmon_resolve_auto(rel, mode))
	{
		case CAMPMON_MODE_EXACT:
			btree_measure_exact(rel, sample_pages, m);
			break;
		case CAMPMON_MODE_SAMPLED:
			btree_measure_sampled(rel, sample_pages, m);
			break;
		case CAMPMON_MODE_STATS:
			btree_measure_stats(rel, m);
			break;
		case CAMPMON_MODE_APPROX:	/* rejected with the arguments */
		case CAMPMON_MODE_ADAPTIVE:
		case CAMPMON_MODE_AUTO:
			Assert(false);
	}
}

static double
bloat_bytes(const BtreeMeasure *m)
{
	return campmon_bloat_bytes(m->total_pages, m->min_pages);
}

static double
bloat_pct(const BtreeMeasure *m)
{
	return campmon_bloat_pct(m->total_pages, m->min_pages);
}

/*
 * 95% interval of bloat_pct of a sampled measurement.  As for heaps:
 * min_pages grows by N / B pages per byte of mean per-page need, B = rebuilt
 * bytes per page of the model; a build rounds the leaves and each internal
 * level to whole pages (one page each way per level, sampling.c) -- a
 * sample of every page too: unlike a heap's rewrite, which the page-reading
 * modes replay exactly, a build's pages come from a model (suffix
 * truncation of the pivots, the packing of the last leaf), within a page
 * a level of REINDEX on the benchmark's shapes.
 */
static void
bloat_interval(const BtreeMeasure *m, double *low, double *high)
{
	double		per_page = m->min_pages > 1 ? m->rebuilt_need / (m->min_pages - 1) :
		BLCKSZ;

	bloat_interval95(m->total_pages, m->min_pages,
					 (m->total_pages - 1) * m->need_se / Max(per_page, 1.0),
					 1.0 + Max(m->level, 0),
					 low, high);
}

#define SET_INT8(v)		(values[i++] = Int64GetDatum((int64) llround(v)))
#define SET_PCT(v)		(values[i++] = campmon_pct_datum(v))
#define SET_NULL()		(nulls[i++] = true)

/*
 * Fill the INDEX_BLOAT_COLS columns of index_bloat's row; m is ignored for
 * an index that is not a B-tree (but for its total_pages).
 */
static void
index_bloat_values(Oid relid, Oid indrelid, Oid relam, bool indisvalid,
				   bool indisready, const BtreeMeasure *mp, Datum *values,
				   bool *nulls)
{
	BtreeMeasure m = *mp;
	bool		btree = relam == BTREE_AM_OID;
	int			i = 0;
	char	   *amname = get_am_name(relam);

	memset(nulls, 0, sizeof(bool) * INDEX_BLOAT_COLS);
	values[i++] = ObjectIdGetDatum(relid);
	values[i++] = ObjectIdGetDatum(indrelid);
	values[i++] = CStringGetTextDatum(amname ? amname : "?");
	values[i++] = CStringGetTextDatum(!btree ? "unsupported" :
									  m.unreadable ? "unreadable" :
									  campmon_mode_name(m.method));
	if (btree)
		values[i++] = BoolGetDatum(m.is_estimate);
	else
		SET_NULL();
	values[i++] = BoolGetDatum(indisvalid);
	values[i++] = BoolGetDatum(indisready);
	if (btree)
		values[i++] = Int32GetDatum(m.fillfactor);
	else
		SET_NULL();
	SET_INT8((double) m.total_pages * BLCKSZ);
	SET_INT8(m.total_pages);
	SET_INT8(m.scanned_pages);

	if (!btree || m.unreadable)
	{
		while (i < INDEX_BLOAT_COLS - 1)
			SET_NULL();
	}
	else
	{
		bool		pages_known = m.method != CAMPMON_MODE_STATS;

		if (m.level >= 0)
			values[i++] = Int32GetDatum(m.level);
		else
			SET_NULL();

		if (pages_known)
		{
			SET_INT8(m.leaf_pages);
			SET_INT8(m.internal_pages);
			SET_INT8(m.empty_pages);
			SET_INT8(m.deleted_pages);
		}
		else
		{
			for (int k = 0; k < 4; k++)
				SET_NULL();
		}

		if (m.has_density)
		{
			double		low,
						high;

			SET_PCT(m.avg_leaf_density);
			if (m.has_interval)
			{
				interval95(m.avg_leaf_density, m.density_se, &low, &high);
				SET_PCT(low);
				SET_PCT(high);
			}
			else
			{
				SET_NULL();
				SET_NULL();
			}
			SET_PCT(m.leaf_fragmentation);
			if (m.has_interval)
			{
				interval95(m.leaf_fragmentation, m.fragmentation_se, &low, &high);
				SET_PCT(low);
				SET_PCT(high);
			}
			else
			{
				SET_NULL();
				SET_NULL();
			}
		}
		else
		{
			for (int k = 0; k < 6; k++)
				SET_NULL();
		}

		if (m.unknown)
		{
			while (i < INDEX_BLOAT_COLS - 1)
				SET_NULL();
		}
		else
		{
			SET_INT8(m.leaf_items);
			SET_INT8(m.min_pages * BLCKSZ);
			SET_INT8(bloat_bytes(&m));
			SET_PCT(bloat_pct(&m));
			if (m.has_interval && m.total_pages > 0)
			{
				double		low,
							high;

				bloat_interval(&m, &low, &high);
				SET_PCT(low);
				SET_PCT(high);
			}
			else
			{
				SET_NULL();
				SET_NULL();
			}
		}
	}
	if (!btree)
		values[i++] = CStringGetTextDatum(psprintf("access method %s: size only",
												   amname ? amname : "?"));
	else
		values[i++] = CStringGetTextDatum(m.basis ? m.basis :
										  campmon_basis(m.method, m.unknown,
														m.scanned_pages,
														m.total_pages));
	Assert(i == INDEX_BLOAT_COLS);
}

/*
 * Measure the index as args say and fill values/nulls with its row.  why,
 * when not NULL, is why the adaptive mode samples it (cs: the listing's
 * facts, whose budget may draw a wide sample again, larger).  Returns
 * false, with missing_ok, when the index cannot be measured.
 */
static bool
index_bloat_rel(const MeasureArgs *args, bool missing_ok, const char *why,
				CatalogStats *cs, Datum *values, bool *nulls)
{
	Relation	rel;
	BtreeMeasure m;

	rel = campmon_open_index(args->relid, missing_ok);
	if (rel == NULL)
		return false;

	if (rel->rd_rel->relam == BTREE_AM_OID)
	{
		measure_btree(rel, args->mode, args->sample_pages, &m);
		if (why != NULL)
		{
			double		low,
						high;
			int			pages;

			bloat_interval(&m, &low, &high);
			if (m.is_estimate && !m.unknown && !m.unreadable &&
				listing_sample_more(cs, true, m.scanned_pages, m.total_pages,
									high - low, &pages))
				measure_btree(rel, args->mode, pages, &m);
			m.basis = listing_sample_basis(m.scanned_pages, m.total_pages, why);
		}
	}
	else
	{
		memset(&m, 0, sizeof(m));
		m.total_pages = RelationGetNumberOfBlocks(rel);
	}
	index_bloat_values(args->relid, rel->rd_index->indrelid, rel->rd_rel->relam,
					   rel->rd_index->indisvalid, rel->rd_index->indisready,
					   &m, values, nulls);
	relation_close(rel, AccessShareLock);
	return true;
}

/*
 * Check the arguments, measure, and fill values/nulls with one result row.
 * Returns false, with missing_ok, when the index cannot be measured.
 */
static bool
index_bloat_row(FunctionCallInfo fcinfo, TupleDesc tupdesc, bool missing_ok,
				Datum *values, bool *nulls)
{
	MeasureArgs args;

	if (!campmon_measure_args(fcinfo, missing_ok,
							  "campmon.index_bloat('nmsbroadlogrcp_pkey')",
							  "campmon.index_sample_pages", campmon_index_sample_pages, &args))
		return false;

	/* a bad argument whatever the index (or non-index): as an unknown mode */
	if (args.mode == CAMPMON_MODE_APPROX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mode approx applies to tables only"),
				 errdetail("It skips pages the visibility map marks all-visible; indexes have no visibility map."),
				 errhint("Use exact, sampled, stats or auto for indexes.")));

	if (tupdesc->natts != INDEX_BLOAT_COLS)
		elog(ERROR, "campmon: the SQL definition of index_bloat does not match the library; run ALTER EXTENSION campmon UPDATE");

	return index_bloat_rel(&args, missing_ok, NULL, NULL, values, nulls);
}

/* campmon.index_bloat(idx regclass, mode text, sample_pages int) */
Datum
campmon_index_bloat(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[INDEX_BLOAT_COLS];
	bool		nulls[INDEX_BLOAT_COLS];

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	index_bloat_row(fcinfo, tupdesc, false, values, nulls);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * campmon.try_index_bloat(idx oid, mode text, sample_pages int): the same
 * row, or no row instead of an error for an index that vanished, is not an
 * index, belongs to another session's temporary table or may not be
 * measured by this user.  campmon.indexes uses it.
 */
Datum
campmon_try_index_bloat(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[INDEX_BLOAT_COLS];
	bool		nulls[INDEX_BLOAT_COLS];

	campmon_init_srf(fcinfo);
	if (index_bloat_row(fcinfo, rsinfo->setDesc, true, values, nulls))
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}

/* index_bloat_row's arguments, for campmon_measure_guarded */
typedef struct IndexRowCall
{
	FunctionCallInfo fcinfo;
	TupleDesc	tupdesc;
	Datum	   *values;
	bool	   *nulls;
	MeasureArgs args;			/* adaptive mode's sample: fcinfo NULL */
	const char *why;
	CatalogStats *cs;
} IndexRowCall;

static bool
index_row_call(void *arg)
{
	IndexRowCall *call = (IndexRowCall *) arg;

	if (call->fcinfo == NULL)
		return index_bloat_rel(&call->args, true, call->why, call->cs,
							   call->values, call->nulls);
	return index_bloat_row(call->fcinfo, call->tupdesc, true, call->values,
						   call->nulls);
}

/*
 * The adaptive mode's row of one index (listing_default.c), as
 * list_table_adaptive's.  Returns false when it vanished (no row).
 */
static bool
list_index_adaptive(CatalogStats *cs, Oid relid, IndexListing *listing,
					Datum *values, bool *nulls)
{
	TableListing table;
	const char *why = NULL;
	const char *skipped = NULL;

	if (listing->relam == BTREE_AM_OID)
		why = listing_index_untrusted(listing,
									  catalog_stats_table(cs, listing->indrelid, &table) ?
									  &table : NULL);
	if (why != NULL)
	{
		skipped = listing_sample_refused(cs, relid, listing->m.total_pages,
										 true);
		if (skipped == NULL)
		{
			IndexRowCall call = {NULL, NULL, values, nulls};
			char	   *unreadable;
			bool		measured;

			call.args.relid = relid;
			call.args.mode = CAMPMON_MODE_SAMPLED;
			call.args.sample_pages = LISTING_SAMPLE_PAGES;
			call.why = why;
			call.cs = cs;
			measured = campmon_measure_guarded(index_row_call, &call, relid,
											   &unreadable);
			listing_unlock(relid);
			if (measured)
				return true;
			if (unreadable == NULL)
				return false;
			listing->m.unreadable = true;
			listing->m.is_estimate = true;
			listing->m.basis = psprintf("not measured: %s", unreadable);
			index_bloat_values(relid, listing->indrelid, listing->relam,
							   listing->indisvalid, listing->indisready,
							   &listing->m, values, nulls);
			return true;
		}
	}
	if (listing->relam == BTREE_AM_OID)
		listing->m.basis = listing_stats_basis(why, skipped);
	index_bloat_values(relid, listing->indrelid, listing->relam,
					   listing->indisvalid, listing->indisready, &listing->m,
					   values, nulls);
	return true;
}

/*
 * campmon._list_index(idx oid, mode text, sample_pages int): campmon.indexes'
 * measurement of one index, as try_index_bloat's row.  In stats mode (the
 * view's default) it comes from the catalogs read once for the whole query
 * (catalog_stats.c) without opening any index; other modes open and read
 * the index as try_index_bloat does.
 */
Datum
campmon_list_index(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[INDEX_BLOAT_COLS];
	bool		nulls[INDEX_BLOAT_COLS];
	CatalogStats *cs;
	IndexListing listing;
	CampmonMode mode = CAMPMON_MODE_AUTO;	/* a page-reading mode */

	campmon_init_srf(fcinfo);
	if (!PG_ARGISNULL(0) && !PG_ARGISNULL(1) && PG_ARGISNULL(2))
		mode = campmon_parse_mode(text_to_cstring(PG_GETARG_TEXT_PP(1)));
	if (mode != CAMPMON_MODE_STATS && mode != CAMPMON_MODE_ADAPTIVE)
	{
		IndexRowCall call = {fcinfo, rsinfo->setDesc, values, nulls};
		char	   *why;

		if (campmon_measure_guarded(index_row_call, &call,
									PG_ARGISNULL(0) ? InvalidOid : PG_GETARG_OID(0), &why))
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		else if (why != NULL)
		{
			/* sizes and validity from the catalogs, nothing else: the row says why */
			cs = (CatalogStats *) fcinfo->flinfo->fn_extra;
			if (cs == NULL)
			{
				cs = catalog_stats_for_query(fcinfo->flinfo->fn_mcxt);
				fcinfo->flinfo->fn_extra = cs;
			}
			if (catalog_stats_index(cs, PG_GETARG_OID(0), &listing))
			{
				listing.m.unreadable = true;
				listing.m.is_estimate = true;
				listing.m.basis = psprintf("not measured: %s", why);
				index_bloat_values(PG_GETARG_OID(0), listing.indrelid, listing.relam,
								   listing.indisvalid, listing.indisready,
								   &listing.m, values, nulls);
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			}
		}
		return (Datum) 0;
	}

	if (rsinfo->setDesc->natts != INDEX_BLOAT_COLS)
		elog(ERROR, "campmon: the SQL definition of _list_index does not match the library; run ALTER EXTENSION campmon UPDATE");

	/* facts of every relation, once per query (fn_extra lives as long) */
	cs = (CatalogStats *) fcinfo->flinfo->fn_extra;
	if (cs == NULL)
	{
		cs = catalog_stats_for_query(fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = cs;
	}
	if (!catalog_stats_index(cs, PG_GETARG_OID(0), &listing))
		return (Datum) 0;
	if (mode == CAMPMON_MODE_ADAPTIVE)
	{
		if (!list_index_adaptive(cs, PG_GETARG_OID(0), &listing, values, nulls))
			return (Datum) 0;
	}
	else
		index_bloat_values(PG_GETARG_OID(0), listing.indrelid, listing.relam,
						   listing.indisvalid, listing.indisready,
						   &listing.m, values, nulls);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}
