/*-------------------------------------------------------------------------
 *
 * listing_default.c
 *	  The listings' default mode, adaptive: when the catalog statistics of a
 *	  relation can be trusted, and the lock a sample of it takes.
 *
 * campmon.tables and campmon.indexes answer from the catalogs (stats mode)
 * at 50,000 relations in a second, but the statistics are wrong in known
 * ways: a table never analyzed has typical type widths instead of its own
 * (a varchar(128) taken as 82 bytes where rows hold 20), one modified a lot
 * since ANALYZE has counts of another table, PostgreSQL 15 can subtract a
 * DELETE twice from n_live_tup when ANALYZE follows it closely, and an
 * estimated row width that does not fit the table (mostly-NULL rows of
 * many columns) says nothing.  The adaptive mode keeps the statistics where
 * none of that applies ("statistics") and reads a small random sample of
 * the relation (LISTING_SAMPLE_PAGES) where it does, saying why in basis:
 * "sample of 64 of 1000 pages: never analyzed".  A large relation, where
 * being wrong costs most, is sampled too.
 *
 * The pages read in all are bounded per listing and query by
 * campmon.listing_page_budget, granted to the largest untrusted relations
 * first (grant_samples); a relation of fewer than
 * LISTING_MIN_PAGES pages is never sampled.  Past the budget, and for a
 * relation locked by another session (TRUNCATE, VACUUM FULL, LOCK ...
 * ACCESS EXCLUSIVE), the row keeps the statistics and its basis says why it
 * was not sampled: the lock is asked for without waiting, so that the
 * default listing never queues behind an ACCESS EXCLUSIVE lock.  Counts
 * that disagree are then read from reltuples (set by ANALYZE or VACUUM from
 * the pages) rather than n_live_tup.
 *
 * This module reads the facts of catalog_stats.c and keeps its own state
 * (the samples granted in a query) beside them, in the query's memory:
 * catalog_stats.c does not call back into it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/lockdefs.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "campmon.h"
#include "listing_default.h"

/* A relation from this size on is sampled whatever its statistics (1 GB). */
#define LARGE_PAGES		((BlockNumber) (1024 * 1024 * 1024 / BLCKSZ))

/*
 * Rows modified since ANALYZE, or a disagreement between two row counts,
 * large enough to distrust the statistics: a fifth of the rows, plus a
 * margin for small tables (autovacuum's analyze threshold is 10% + 50).
 */
#define UNTRUSTED_FRACTION	0.2
#define UNTRUSTED_MARGIN	50

static void
add_reason(StringInfo why, const char *reason)
{
	if (why->len > 0)
		appendStringInfoString(why, "; ");
	appendStringInfoString(why, reason);
}

static bool
differ(double a, double b)
{
	return fabs(a - b) > UNTRUSTED_FRACTION * Max(a, b) + UNTRUSTED_MARGIN;
}

/*
 * Why the statistics of a table cannot be trusted, or NULL when they can:
 * never analyzed, or else every reason that applies, in this order,
 * separated by "; ".
 */
const char *
listing_table_untrusted(const TableListing *t)
{
	const HeapMeasure *m = &t->main;
	StringInfoData why;

	if (m->total_pages == 0)
		return NULL;			/* an empty file: nothing to be wrong about */
	/* then every count is a guess: the rest would only repeat it */
	if (m->unknown || t->reltuples < 0)
		return "never analyzed nor vacuumed";
	if (t->unanalyzed)
		return "never analyzed";
	initStringInfo(&why);
	if (t->has_counts && t->n_mod_since_analyze >
		UNTRUSTED_FRACTION * Max(t->reltuples, 0) + UNTRUSTED_MARGIN)
		add_reason(&why, psprintf("%.0f rows modified since the last ANALYZE, of %.0f",
								  t->n_mod_since_analyze, Max(t->reltuples, 0)));
	if (t->has_counts && t->reltuples >= 0 &&
		(t->n_live_tup > 0 || t->n_dead_tup > 0) &&
		differ(t->n_live_tup, t->reltuples))
		add_reason(&why, psprintf("live-row counts disagree (n_live_tup %.0f, reltuples %.0f)",
								  t->n_live_tup, t->reltuples));
	/* by more than a tenth: a page or two over is rounding, not a wrong width */
	if (!m->unknown && m->min_pages > m->total_pages * 1.1 + 1)
		add_reason(&why, psprintf("estimated rows do not fit the table (%.0f pages estimated after VACUUM FULL, %u pages now)",
								  m->min_pages, m->total_pages));
	if (why.len == 0 && m->total_pages >= LARGE_PAGES)
		add_reason(&why, "large table");
	return why.len > 0 ? why.data : NULL;
}

/*
 * Why the statistics of a B-tree cannot be trusted, or NULL: its own
 * reltuples, its table's statistics (t, NULL when unknown), its size.
 */
const char *
listing_index_untrusted(const IndexListing *i, const TableListing *t)
{
	const char *why;

	if (i->m.total_pages == 0)
		return NULL;
	if (i->m.unknown)
		return i->m.basis ? i->m.basis : "no estimate from statistics";
	if (i->reltuples < 0)
		return "never analyzed nor vacuumed";
	if (t != NULL && t->main.total_pages > 0 &&
		(why = listing_table_untrusted(t)) != NULL &&
		strcmp(why, "large table") != 0)
		return psprintf("its table: %s", why);
	if (i->m.untrusted != NULL)
		return i->m.untrusted;
	if (i->m.total_pages >= LARGE_PAGES)
		return "large index";
	return NULL;
}

/* a relation the adaptive mode would sample, and what it costs */
typedef struct SampleCandidate
{
	Oid			relid;
	BlockNumber pages;
	double		cost;
} SampleCandidate;

static int
larger_first(const void *a, const void *b)
{
	const SampleCandidate *ca = (const SampleCandidate *) a;
	const SampleCandidate *cb = (const SampleCandidate *) b;

	/* the same choice every time: equal sizes by OID */
	if (ca->pages != cb->pages)
		return ca->pages > cb->pages ? -1 : 1;
	return ca->relid < cb->relid ? -1 : ca->relid > cb->relid ? 1 : 0;
}

/*
 * The samples granted in one query, kept beside its catalog facts (in
 * their memory, so that they go with them) for the two listings: a query
 * may list tables and indexes (plan() does), and a nested query (a listing
 * inside a function the outer listing calls) has facts and grants of its
 * own.
 */
typedef struct SampleGrants
{
	const CatalogStats *cs;		/* whose facts */
	bool		granted[2];		/* tables, indexes: granted at first use */
	HTAB	   *rels;			/* Oids of the relations granted a sample */
	struct SampleGrants *next;
} SampleGrants;

static SampleGrants *live_grants = NULL;

/* the query's memory goes: its grants go from the list */
static void
forget_grants(void *arg)
{
	SampleGrants **link = &live_grants;

	while (*link != NULL && *link != (SampleGrants *) arg)
		link = &(*link)->next;
	if (*link != NULL)
		*link = (*link)->next;
}

static SampleGrants *
grants_of(CatalogStats *cs)
{
	SampleGrants *g;
	MemoryContext cxt;
	MemoryContextCallback *cb;
	HASHCTL		ctl;

	for (g = live_grants; g != NULL; g = g->next)
	{
		if (g->cs == cs)
			return g;
	}
	cxt = catalog_stats_memory(cs);
	g = MemoryContextAllocZero(cxt, sizeof(SampleGrants));
	g->cs = cs;
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(Oid);
	ctl.hcxt = cxt;
	g->rels = hash_create("campmon sample grants", 64, &ctl,
						  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	cb = MemoryContextAlloc(cxt, sizeof(MemoryContextCallback));
	cb->func = forget_grants;
	cb->arg = g;
	MemoryContextRegisterResetCallback(cxt, cb);
	g->next = live_grants;
	live_grants = g;
	return g;
}

/*
 * Grant the samples of one listing (tables, or indexes) for the whole
 * query: the relations whose statistics cannot be trusted, the largest
 * first -- where being wrong costs most -- while campmon.listing_page_budget
 * lasts (a smaller one may still fit when a larger one did not).
 */
static void
grant_samples(CatalogStats *cs, SampleGrants *grants, bool indexes)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext,
											  "campmon sample grants",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext row_cxt = AllocSetContextCreate(cxt, "campmon sample grant",
												  ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	double		budget = campmon_listing_page_budget;
	int			n;
	Oid		   *oids = catalog_stats_candidates(cs, indexes, LISTING_MIN_PAGES, &n);
	SampleCandidate *cand = palloc(sizeof(SampleCandidate) * Max(n, 1));
	int			ncand = 0;

	for (int i = 0; i < n; i++)
	{
		TableListing table;
		IndexListing index;
		const char *why = NULL;

		CHECK_FOR_INTERRUPTS();
		MemoryContextSwitchTo(row_cxt);
		if (indexes)
		{
			if (catalog_stats_index(cs, oids[i], &index))
			{
				why = listing_index_untrusted(&index,
											  catalog_stats_table(cs, index.indrelid, &table) ?
											  &table : NULL);
				cand[ncand].pages = index.m.total_pages;
				cand[ncand].cost = Min(index.m.total_pages, LISTING_SAMPLE_PAGES);
			}
		}
		else if (catalog_stats_table(cs, oids[i], &table))
		{
			why = listing_table_untrusted(&table);
			cand[ncand].pages = table.main.total_pages;
			cand[ncand].cost = Min(table.main.total_pages, LISTING_SAMPLE_PAGES) +
				Min(table.toast_pages, LISTING_SAMPLE_PAGES);
		}
		MemoryContextSwitchTo(cxt);
		MemoryContextReset(row_cxt);
		if (why != NULL)
			cand[ncand++].relid = oids[i];
	}

	qsort(cand, ncand, sizeof(SampleCandidate), larger_first);
	for (int i = 0; i < ncand; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (cand[i].cost > budget)
			continue;
		(void) hash_search(grants->rels, &cand[i].relid, HASH_ENTER, NULL);
		budget -= cand[i].cost;
	}

	MemoryContextSwitchTo(old);
	MemoryContextDelete(cxt);
}

/*
 * Whether the adaptive mode may sample this relation in this query: the
 * samples of each listing are granted at its first question.
 */
static bool
sample_granted(CatalogStats *cs, Oid relid, bool index)
{
	SampleGrants *grants = grants_of(cs);

	if (!grants->granted[index ? 1 : 0])
	{
		grant_samples(cs, grants, index);
		grants->granted[index ? 1 : 0] = true;
	}
	return hash_search(grants->rels, &relid, HASH_FIND, NULL) != NULL;
}

/*
 * Whether a relation whose statistics cannot be trusted is sampled now:
 * NULL when it is -- its AccessShareLock is then held, asked for without
 * waiting (listing_unlock after the sample) -- else why not, for its basis.
 */
const char *
listing_sample_refused(CatalogStats *cs, Oid relid, BlockNumber total_pages,
					   bool index)
{
	if (total_pages < LISTING_MIN_PAGES)
		return psprintf("fewer than %d pages", LISTING_MIN_PAGES);
	if (!sample_granted(cs, relid, index))
		return "campmon.listing_page_budget spent";
	if (!ConditionalLockRelationOid(relid, AccessShareLock))
		return "locked by another session";
	return NULL;
}

void
listing_unlock(Oid relid)
{
	UnlockRelationOid(relid, AccessShareLock);
}

/* basis of a row that keeps the statistics: why, and why not sampled */
const char *
listing_stats_basis(const char *why, const char *skipped)
{
	if (why == NULL)
		return "statistics";
	return psprintf("statistics, not sampled (%s): %s", skipped, why);
}

const char *
listing_sample_basis(BlockNumber scanned_pages, BlockNumber total_pages,
					 const char *why)
{
	return psprintf("sample of %u of %u pages: %s", scanned_pages,
					total_pages, why);
}

/*
 * Live rows to trust when the statistics are kept although the counts
 * disagree: reltuples, which ANALYZE or VACUUM set from the pages, rather
 * than n_live_tup, which PostgreSQL 15 can decrement twice for a DELETE
 * followed closely by ANALYZE (and counts that DELETE as a modification
 * since ANALYZE: the two cases look alike in the counters).  Negative: keep
 * the usual choice.
 */
double
listing_trusted_live_tuples(const TableListing *t)
{
	if (t->reltuples >= 0 && t->has_counts && differ(t->n_live_tup, t->reltuples))
		return t->reltuples;
	return -1;
}
