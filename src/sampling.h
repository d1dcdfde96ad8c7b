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
#include "utils/sampling.h"

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

extern uint32 campmon_sample_seed_value(void);

/*
 * A uniform random sample of a relation's blocks offset .. offset+nblocks-1,
 * drawn by PostgreSQL's block sampler in block order, with a copy of the
 * sampler running ahead to prefetch (as ANALYZE does).
 */
typedef struct PageSampler
{
	BlockSamplerData bs;
	BlockSamplerData prefetch_bs;
	int			prefetch_max;
	Relation	rel;
	BlockNumber offset;
} PageSampler;

extern void page_sampler_init(PageSampler *ps, Relation rel, BlockNumber offset,
							  BlockNumber nblocks, int sample_pages);
extern bool page_sampler_next(PageSampler *ps, BlockNumber *blkno);
extern void interval95(double estimate, double se, double *low, double *high);
extern void bloat_interval95(BlockNumber total_pages, double min_pages,
							 double se_pages, double rounding,
							 double *low, double *high);

#endif							/* CAMPMON_SAMPLING_H */
