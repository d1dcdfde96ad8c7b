/*-------------------------------------------------------------------------
 *
 * campmon.h
 *	  Declarations shared by campmon's source files: measurement modes,
 *	  GUC variables and the heap measurement record.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CAMPMON_H
#define CAMPMON_H

#include "storage/block.h"
#include "utils/relcache.h"

/* How a measurement reads the relation (see README, "Modes"). */
typedef enum CampmonMode
{
	CAMPMON_MODE_AUTO,			/* exact when small, sampled when large */
	CAMPMON_MODE_EXACT,			/* every page */
	CAMPMON_MODE_APPROX,		/* skip all-visible pages (VM + FSM) */
	CAMPMON_MODE_SAMPLED,		/* uniformly random pages */
	CAMPMON_MODE_STATS			/* catalogs and statistics, no page reads */
} CampmonMode;

/* GUC variables (campmon.c) */
extern int	campmon_sample_pages;
extern int	campmon_auto_exact_max_pages;
extern int	campmon_sample_seed;

extern CampmonMode campmon_parse_mode(const char *name);
extern const char *campmon_mode_name(CampmonMode mode);

/*
 * Counts gathered from heap pages.  Doubles, because sampled and approximate
 * modes extrapolate; integral counts stay exact far beyond any real table.
 */
typedef struct HeapCounts
{
	double		live_tuples;
	double		dead_tuples;
	double		live_bytes;		/* sum of t_len, as pgstattuple's tuple_len */
	double		dead_bytes;		/* as pgstattuple's dead_tuple_len */
	double		free_bytes;		/* as pgstattuple's free_space */
	double		live_need;		/* bytes the live tuples take once packed:
								 * MAXALIGN(t_len) + one line pointer each */
} HeapCounts;

/* The result of measuring one heap (a table or its TOAST relation). */
typedef struct HeapMeasure
{
	CampmonMode method;			/* mode that produced the figures */
	bool		is_estimate;	/* anything short of reading every page */
	bool		unknown;		/* stats mode without any statistics */
	int			fillfactor;
	BlockNumber total_pages;
	BlockNumber scanned_pages;
	HeapCounts	c;
	double		min_pages;		/* pages right after VACUUM FULL */
	/* sampled mode: standard error of the per-page mean of live_need */
	bool		has_interval;
	double		need_se;
} HeapMeasure;

/*
 * Emulation of VACUUM FULL's page filling (heap_estimate.c): live tuples
 * are added in the order a rewrite would copy them.
 */
typedef struct HeapPacker
{
	double		usable;			/* bytes a fresh page offers at fillfactor */
	double		full_pages;		/* pages closed so far */
	double		fill;			/* bytes used on the open page */
	int			ntuples;		/* tuples on the open page */
	double		need;			/* bytes of all tuples added */
} HeapPacker;

/* open_table.c */
extern Relation campmon_open_table(Oid relid, bool missing_ok);

/* heap_scan.c: modes that read pages */
extern void heap_measure_exact(Relation rel, HeapMeasure *m);
extern void heap_measure_approx(Relation rel, HeapMeasure *m);
extern void heap_measure_sampled(Relation rel, int sample_pages,
								 HeapMeasure *m);

/* heap_estimate.c: size model and the catalog-only mode */
extern double heap_min_pages(double live_tuples, double live_need,
							 int fillfactor);
extern void heap_packer_init(HeapPacker *p, int fillfactor);
extern void heap_packer_add(HeapPacker *p, Size t_len);
extern double heap_packer_pages(const HeapPacker *p);
extern void heap_measure_stats(Relation rel, HeapMeasure *m);

#endif							/* CAMPMON_H */
