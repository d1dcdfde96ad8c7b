/*-------------------------------------------------------------------------
 *
 * sampling.c
 *	  Statistics of a page sample: the running mean and variance of a
 *	  per-page quantity and the standard error of its mean.
 *
 * Pages are drawn by PostgreSQL's own block sampler (utils/sampling.h,
 * Knuth's Algorithm S, as ANALYZE uses): a simple random sample without
 * replacement, in block order.  For such a sample of n pages out of N the
 * standard error of the mean of a per-page value is
 *
 *		se = s / sqrt(n) * sqrt(1 - n / N)
 *
 * where s is the sample standard deviation and the last factor is the
 * finite-population correction: a sample of every page has no error.
 * Intervals are mean +/- 1.96 se (normal approximation), good once the
 * sample holds a few hundred pages, which the default sample does.
 *
 * Sampling error is not the only one: a rewrite fills whole pages, so the
 * exact size and an estimate from any sample are both whole page counts.
 * Intervals of a rebuilt size therefore add the rounding of each page
 * count the model takes (one for a heap; one per level for a B-tree) to
 * 1.96 se (bloat_interval95).  Without it, a sample of most of a small
 * table (300 of 383 pages) had an interval narrower than one page and held
 * the exact value in a third of the samples.
 *
 * A sample of identical pages has s = 0 and would claim no error at all,
 * while a few pages it missed (the right edge of an index, a page left
 * half-empty by a purge) may still move the true value.  As Agresti and
 * Coull do for proportions, s is therefore computed with two pseudo-pages
 * added at the ends of the value's possible range (0 and 100 for a
 * percentage, 0 and a page's usable bytes for packed bytes).  For a varied
 * sample this changes little; for a uniform one it gives an interval of the
 * width the sample size can honestly support.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/pg_prng.h"
#include "storage/bufmgr.h"
#include "utils/rel.h"
#include "utils/spccache.h"

#include "campmon.h"
#include "sampling.h"

void
sample_stat_add(SampleStat *s, double x)
{
	double		delta = x - s->mean;

	s->n += 1.0;
	s->mean += delta / s->n;
	s->m2 += delta * (x - s->mean);
}

double
sample_stat_se_mean(const SampleStat *s, double population,
					double lo, double hi)
{
	SampleStat	padded = *s;
	double		variance;
	double		fpc;

	if (s->n < 1.0 || population <= s->n)
		return 0.0;
	sample_stat_add(&padded, lo);
	sample_stat_add(&padded, hi);
	variance = padded.m2 / (padded.n - 1.0);
	fpc = 1.0 - s->n / population;
	return sqrt(variance / padded.n * fpc);
}

/*
 * Seed for the block sampler: campmon.sample_seed when set (repeatable
 * samples, used by the tests and the benchmark), otherwise random.
 */
uint32
campmon_sample_seed_value(void)
{
	if (campmon_sample_seed != 0)
		return (uint32) campmon_sample_seed;
	return pg_prng_uint32(&pg_global_prng_state);
}

/* estimate +/- 1.96 se, clipped to the percentage range [0, 100] */
void
interval95(double estimate, double se, double *low, double *high)
{
	double		half = CAMPMON_Z95 * se;

	*low = Max(estimate - half, 0.0);
	*high = Min(estimate + half, 100.0);
}

/*
 * 95% interval of a relation's bloat_pct from that of its rebuilt size:
 * min_pages +/- (1.96 se_pages + rounding), each end turned into bloat_pct
 * as campmon_bloat_pct does (never below 0).  se_pages is the sampling
 * error of the rebuilt size in pages (finite-population corrected);
 * rounding the pages a rebuild's whole-page filling may add or take away
 * beyond it: the estimate and the truth are each a count of whole pages,
 * which a standard error of a fraction of a page -- a large sample of a
 * small table -- does not cover.
 */
void
bloat_interval95(BlockNumber total_pages, double min_pages, double se_pages,
				 double rounding, double *low, double *high)
{
	double		half = CAMPMON_Z95 * se_pages + rounding;

	*low = campmon_bloat_pct(total_pages, min_pages + half);
	*high = campmon_bloat_pct(total_pages, Max(min_pages - half, 0.0));
}

void
page_sampler_init(PageSampler *ps, Relation rel, BlockNumber offset,
				  BlockNumber nblocks, int sample_pages)
{
	ps->rel = rel;
	ps->offset = offset;
	BlockSampler_Init(&ps->bs, nblocks, sample_pages, campmon_sample_seed_value());
	ps->prefetch_max = 0;
#ifdef USE_PREFETCH
	ps->prefetch_max = get_tablespace_maintenance_io_concurrency(rel->rd_rel->reltablespace);
	ps->prefetch_bs = ps->bs;
	for (int i = 0; i < ps->prefetch_max && BlockSampler_HasMore(&ps->prefetch_bs); i++)
		PrefetchBuffer(rel, MAIN_FORKNUM, BlockSampler_Next(&ps->prefetch_bs) + offset);
#endif
}

/* The next sampled block; false when the sample is exhausted. */
bool
page_sampler_next(PageSampler *ps, BlockNumber *blkno)
{
	if (!BlockSampler_HasMore(&ps->bs))
		return false;
	*blkno = BlockSampler_Next(&ps->bs) + ps->offset;
#ifdef USE_PREFETCH
	if (ps->prefetch_max > 0 && BlockSampler_HasMore(&ps->prefetch_bs))
		PrefetchBuffer(ps->rel, MAIN_FORKNUM,
					   BlockSampler_Next(&ps->prefetch_bs) + ps->offset);
#endif
	return true;
}
