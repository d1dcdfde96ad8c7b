/*-------------------------------------------------------------------------
 *
 * sampling.c
 *	  Statistics of a page sample: the running mean and variance of a
 *	  per-page quantity and the standard error of its mean.
 *
 * Pages are drawn stratified: the relation's blocks are cut into n equal
 * runs and one block is drawn at random in each, read in block order.
 * Bloat is seldom even along a table -- a purge by date empties its start,
 * updates at its end leave dead rows there -- and a simple random sample of
 * 64 pages of such a table read 54, 46, 58, 52, 57, 57% in six listings;
 * the strata take the trend along the file out of the error.  The standard
 * error of the mean of a per-page value (strata_se_mean) is estimated by
 * collapsing the strata in pairs of neighbours (one page per stratum gives
 * no variance within a stratum):
 *
 *		se^2 = (1 - n / N) / n^2 * sum over pairs (y_a - y_b)^2
 *
 * which over-states it by the trend between neighbouring strata, no more;
 * the first factor is the finite-population correction: a sample of every
 * page has no error.  (Density and fragmentation of a B-tree keep the
 * simple random sample's formula, sample_stat_se_mean: larger still.)
 * Intervals are mean +/- 1.96 se (normal approximation).
 *
 * The draw is repeatable for the same relation state: the generator is
 * seeded from the relation's file (relfilenode) and its size in blocks,
 * so two listings, the plan a DBA reviewed and the run that follows read
 * the same pages and give the same figure until the relation changes
 * size or is rewritten; campmon.sample_seed, when set, seeds every sample
 * instead (the tests, the benchmarks' spread over seeds).
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
 * Coull do for proportions, the variance is therefore computed with two
 * pseudo-pages added at the ends of the value's possible range (0 and 100
 * for a percentage, 0 and a page's usable bytes for packed bytes) -- for
 * strata, as one more pair.  For a varied sample this changes little; for
 * a uniform one it gives an interval of the width the sample size can
 * honestly support.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
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
 * Seed for a sample of rel: campmon.sample_seed when set (the tests, the
 * benchmarks), else one derived from the relation's file and its size in
 * blocks -- the same pages for the same state (see above).
 */
uint32
campmon_sample_seed_for(Relation rel)
{
	if (campmon_sample_seed != 0)
		return (uint32) campmon_sample_seed;
	return hash_combine(murmurhash32((uint32) rel->rd_node.relNode),
						murmurhash32((uint32) RelationGetNumberOfBlocks(rel)));
}

/*
 * Standard error of the mean of n per-page values of a stratified sample
 * (values[i] from stratum i, strata of equal size) of a population of
 * `population` pages, by collapsed strata (see above): neighbours in
 * pairs, the last three together when n is odd, plus the pair of
 * pseudo-pages lo and hi.
 */
double
strata_se_mean(const double *values, int n, double population,
			   double lo, double hi)
{
	double		sum = 0;
	int			i = 0;
	double		fpc;

	if (n < 1 || population <= n)
		return 0.0;
	while (i < n)
	{
		int			k = (n - i == 3) ? 3 : Min(2, n - i);
		double		mean = 0,
					ss = 0;

		if (k < 2)
			break;				/* n == 1: no pair */
		for (int j = i; j < i + k; j++)
			mean += values[j] / k;
		for (int j = i; j < i + k; j++)
			ss += (values[j] - mean) * (values[j] - mean);
		sum += ss * k / (k - 1);
		i += k;
	}
	sum += (hi - lo) * (hi - lo);	/* the pseudo-pages */
	fpc = 1.0 - n / population;
	return sqrt(sum * fpc) / (n + 2);
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
	ps->nblocks = nblocks;
	ps->n = (int) Min((BlockNumber) Max(sample_pages, 0), nblocks);
	ps->next = 0;
	pg_prng_seed(&ps->prng, campmon_sample_seed_for(rel));
	ps->prefetch_max = 0;
	ps->prefetch_next = 0;
	ps->prefetch_prng = ps->prng;
#ifdef USE_PREFETCH
	ps->prefetch_max = get_tablespace_maintenance_io_concurrency(rel->rd_rel->reltablespace);
#endif
}

/* the block drawn in stratum i, with the generator prng */
static BlockNumber
stratum_block(PageSampler *ps, pg_prng_state *prng, int i)
{
	BlockNumber start = (BlockNumber) ((uint64) ps->nblocks * i / ps->n);
	BlockNumber end = (BlockNumber) ((uint64) ps->nblocks * (i + 1) / ps->n);

	return ps->offset + start +
		(BlockNumber) pg_prng_uint64_range(prng, 0, Max(end, start + 1) - start - 1);
}

/* The next sampled block; false when the sample is exhausted. */
bool
page_sampler_next(PageSampler *ps, BlockNumber *blkno)
{
	if (ps->next >= ps->n)
		return false;
#ifdef USE_PREFETCH
	/* the prefetching copy replays the same draws, up to prefetch_max ahead */
	while (ps->prefetch_max > 0 && ps->prefetch_next < ps->n &&
		   ps->prefetch_next <= ps->next + ps->prefetch_max)
	{
		PrefetchBuffer(ps->rel, MAIN_FORKNUM,
					   stratum_block(ps, &ps->prefetch_prng, ps->prefetch_next));
		ps->prefetch_next++;
	}
#endif
	*blkno = stratum_block(ps, &ps->prng, ps->next);
	ps->next++;
	return true;
}
