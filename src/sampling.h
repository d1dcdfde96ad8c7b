/*-------------------------------------------------------------------------
 *
 * sampling.h
 *	  Page sampling and the statistics of a sample.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CAMPMON_SAMPLING_H
#define CAMPMON_SAMPLING_H

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
extern void interval95(double estimate, double se, double *low, double *high);

#endif							/* CAMPMON_SAMPLING_H */
