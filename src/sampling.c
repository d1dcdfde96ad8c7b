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
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/pg_prng.h"

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
sample_stat_se_mean(const SampleStat *s, double population)
{
	double		variance;
	double		fpc;

	if (s->n < 2.0 || population <= s->n)
		return 0.0;
	variance = s->m2 / (s->n - 1.0);
	fpc = 1.0 - s->n / population;
	return sqrt(variance / s->n * fpc);
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
