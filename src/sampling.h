/*-------------------------------------------------------------------------
 *
 * sampling.h
 *	  Page sampling and the statistics of a sample.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CAMPMON_SAMPLING_H
#define CAMPMON_SAMPLING_H

#include "storage/block.h"
#include "utils/relcache.h"
#include "common/pg_prng.h"

/* Running mean and variance of per-page values (Welford's method). */
typedef struct SampleStat
{
	double		n;
	double		mean;
	double		m2;
} SampleStat;

extern void sample_stat_add(SampleStat *s, double x);
extern double sample_stat_se_mean(const SampleStat *s, double population,
								  double lo, double hi);

/* z for a two-sided 95% interval under the normal approximation */
#define CAMPMON_Z95 1.959963984540054

extern uint32 campmon_sample_seed_for(Relation rel);

/*
 * A stratified random sample of a relation's blocks offset ..
 * offset+nblocks-1: the blocks cut into n equal runs (strata), one block
 * drawn at random in each, in block order, with a copy of the generator
 * running ahead to prefetch (as ANALYZE does).  Stratum i is the i-th
 * block returned.
 */
typedef struct PageSampler
{
	Relation	rel;
	BlockNumber offset;
	BlockNumber nblocks;
	int			n;				/* strata, blocks to return */
	int			next;			/* the next stratum */
	pg_prng_state prng;
	int			prefetch_max;
	int			prefetch_next;
	pg_prng_state prefetch_prng;
} PageSampler;

extern void page_sampler_init(PageSampler *ps, Relation rel, BlockNumber offset,
							  BlockNumber nblocks, int sample_pages);
extern bool page_sampler_next(PageSampler *ps, BlockNumber *blkno);
extern double strata_se_mean(const double *values, int n, double population,
							 double lo, double hi);
extern void interval95(double estimate, double se, double *low, double *high);
extern void bloat_interval95(BlockNumber total_pages, double min_pages,
							 double se_pages, double rounding,
							 double *low, double *high);

#endif							/* CAMPMON_SAMPLING_H */
