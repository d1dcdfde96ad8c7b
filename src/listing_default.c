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
 * DELETE twice from n_live_tup when ANALYZE follows it closely, an
 * estimated row width that does not fit the table (mostly-NULL rows of
 * many columns) says nothing, and counts that agree can both miss the rows
 * of a load an ANALYZE overlapped (heap_untrusted: any claim of bloat is
 * verified).  A TOAST relation's chunk sizes are never analyzed; a B-tree's
 * statistics may leave its deduplication open (btree_stats.c).  The
 * adaptive mode keeps the statistics where none of that applies
 * ("statistics") and reads a stratified sample of the relation
 * (LISTING_SAMPLE_PAGES, repeatable for the same relation state:
 * sampling.c) where it does, saying why in basis: "sample of 64 of 1000
 * pages: never analyzed"; a table and its TOAST relation are judged and
 * sampled each on its own.  A large relation, where being wrong costs
 * most, is sampled too.  A sample whose interval is wider than
 * LISTING_TARGET_WIDTH points is drawn again, larger (up to LISTING_MAX_PAGES)
 * while the budget has pages to spare (listing_sample_more).
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
 * What the statistics of any heap -- a table, its TOAST relation -- must
 * agree with: their live-row counts with each other, the rows they count
 * with the table's pages (they must fit in them), and -- the consistency
 * test -- the table's pages with the rows: statistics that leave more than
 * a fifth of the pages unaccounted for claim free space or dead rows that
 * the statistics alone cannot tell from rows they did not count.  ANALYZE
 * and VACUUM count neither live nor dead the rows of a transaction still
 * inserting, and their report overwrites the counts that transaction's
 * commit sent before it (analyze.c: "its stats update will be overwritten
 * by ours"): a bulk load overlapping an autovacuum left reltuples and
 * n_live_tup 25% low together, and a table shown 25% bloated that a
 * VACUUM FULL did not shrink.  So a claim of bloat is verified by a sample
 * at any size.  counts_only: the counts alone (what a table's indexes'
 * estimates rest on too).
 */
static void
heap_untrusted(StringInfo why, const HeapMeasure *m, float4 reltuples,
			   bool has_counts, double n_live_tup, double n_dead_tup,
			   bool counts_only)
{
	if (has_counts && reltuples >= 0 &&
		(n_live_tup > 0 || n_dead_tup > 0) &&
		differ(n_live_tup, reltuples))
		add_reason(why, psprintf("live-row counts disagree (n_live_tup %.0f, reltuples %.0f)",
								 n_live_tup, reltuples));
	if (m->unknown || counts_only)
		return;
	/* by more than a tenth: a page or two over is rounding, not a wrong width */
	if (m->min_pages > m->total_pages * 1.1 + 1)
		add_reason(why, psprintf("estimated rows do not fit the table (%.0f pages estimated after VACUUM FULL, %u pages now)",
								 m->min_pages, m->total_pages));
	else if (m->min_pages < (1 - UNTRUSTED_FRACTION) * m->total_pages - 1)
		add_reason(why, psprintf("the statistics' %.0f live rows fill %.0f of its %u pages: the rest is free space, dead rows, or rows they did not count",
								 m->c.live_tuples, m->min_pages, m->total_pages));
}

/*
 * Why the statistics of a table cannot be trusted, or NULL when they can:
 * never analyzed, or else every reason that applies, in this order,
 * separated by "; ".  for_index: the reasons that make its indexes'
 * estimates untrusted too (not its size, not its own bloat).
 */
static const char *
table_untrusted(const TableListing *t, bool for_index)
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
	heap_untrusted(&why, m, t->reltuples, t->has_counts, t->n_live_tup,
				   t->n_dead_tup, for_index);
	if (!for_index && why.len == 0 && m->total_pages >= LARGE_PAGES)
		add_reason(&why, "large table");
	return why.len > 0 ? why.data : NULL;
}

const char *
listing_table_untrusted(const TableListing *t)
{
	return table_untrusted(t, false);
}

/*
 * Why the statistics of a table's TOAST relation cannot be trusted, or
 * NULL: judged as the table's.  Its rows -- chunks of the values stored
 * out of line -- are never analyzed (ANALYZE does not visit a TOAST
 * relation, VACUUM only counts them): stats mode takes every chunk as a
 * full one, and a value of 2,112 bytes (a full chunk and 116 bytes) made a
 * TOAST relation a third of which VACUUM FULL gave back look full.  Like a
 * table never analyzed, a TOAST relation is sampled whenever it is large
 * enough to be (and the budget allows; its statistics say why not).
 */
const char *
listing_toast_untrusted(const TableListing *t)
{
	const HeapMeasure *m = &t->toast;
	StringInfoData why;

	if (!OidIsValid(t->toastrelid) || t->toast_pages == 0)
		return NULL;
	if (m->unknown || t->toast_reltuples < 0)
		return "TOAST: never vacuumed";
	initStringInfo(&why);
	heap_untrusted(&why, m, t->toast_reltuples, t->toast_has_counts,
				   t->toast_n_live_tup, t->toast_n_dead_tup, false);
	if (why.len == 0)
		add_reason(&why, "chunk sizes never analyzed");
	return psprintf("TOAST: %s", why.data);
}

/*
 * Why the statistics of a B-tree cannot be trusted, or NULL: its own
 * reltuples, its table's statistics (t, NULL when unknown), what the
 * statistics leave open (btree_stats.c), the same consistency test as a
 * table's, its size.
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
		(why = table_untrusted(t, true)) != NULL)
		return psprintf("its table: %s", why);
	if (i->m.untrusted != NULL)
		return i->m.untrusted;
	if (i->m.min_pages < (1 - UNTRUSTED_FRACTION) * i->m.total_pages - 1)
		return psprintf("the statistics' %.0f entries fill %.0f of its %u pages once rebuilt: the rest is free space, or entries they did not count",
						i->m.leaf_tids, i->m.min_pages, i->m.total_pages);
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
	double		spare[2];		/* their budget left once granted */
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
			const char *main_why = listing_table_untrusted(&table);
			const char *toast_why = listing_toast_untrusted(&table);

			why = main_why ? main_why : toast_why;
			cand[ncand].pages = Max(main_why ? table.main.total_pages : 0,
									toast_why ? table.toast_pages : 0);
			cand[ncand].cost =
				(main_why ? Min(table.main.total_pages, LISTING_SAMPLE_PAGES) : 0) +
				(toast_why ? Min(table.toast_pages, LISTING_SAMPLE_PAGES) : 0);
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
	grants->spare[indexes ? 1 : 0] = budget;

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

/*
 * A sample of a relation of total_pages pages read scanned_pages and gave
 * an interval of bloat_pct width points wide: should it be drawn again,
 * larger (*sample_pages), to bring the interval near LISTING_TARGET_WIDTH?
 * The width falls as the square root of the pages read, so the sample that
 * would reach it is scanned_pages * (width / target)^2 pages -- at most
 * LISTING_MAX_PAGES and the relation's pages, and what the listing's budget
 * has to spare once every untrusted relation had its first sample (taken
 * from it then).  Not worth it below twice the pages already read.
 */
bool
listing_sample_more(CatalogStats *cs, bool index, BlockNumber scanned_pages,
					BlockNumber total_pages, double width, int *sample_pages)
{
	SampleGrants *grants = grants_of(cs);
	double	   *spare = &grants->spare[index ? 1 : 0];
	double		want;

	if (!(width > LISTING_TARGET_WIDTH) || scanned_pages == 0)
		return false;
	want = ceil(scanned_pages * (width / LISTING_TARGET_WIDTH) *
				(width / LISTING_TARGET_WIDTH));
	want = Min(Min(want, LISTING_MAX_PAGES), total_pages);
	want = Min(want, *spare);
	if (want < 2.0 * scanned_pages)
		return false;
	*spare -= want;
	*sample_pages = (int) want;
	return true;
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
