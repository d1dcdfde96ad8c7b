/*-------------------------------------------------------------------------
 *
 * catalog_stats.h
 *	  Facts of every table read from the catalogs in one pass per query
 *	  (catalog_stats.c), for the listings.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CATALOG_STATS_H
#define CATALOG_STATS_H

#include "campmon.h"

typedef struct CatalogStats CatalogStats;

/* One table's row of a listing, from catalogs alone. */
typedef struct TableListing
{
	int64		indexes_bytes;	/* as pg_indexes_size() */
	int64		total_bytes;	/* as pg_total_relation_size() */
	HeapMeasure main;			/* stats mode */
	Oid			toastrelid;
	HeapMeasure toast;			/* stats mode, when toastrelid is valid */
	/* what the adaptive mode judges the statistics by (listing_default.c) */
	float4		reltuples;		/* pg_class: -1 never vacuumed nor analyzed */
	bool		unanalyzed;		/* a column without pg_statistic row */
	bool		has_counts;		/* a cumulative statistics entry exists */
	double		n_live_tup;
	double		n_dead_tup;
	double		n_mod_since_analyze;
	BlockNumber toast_pages;
	double		tuple_len;		/* the estimated row width stats used */
	/* its TOAST relation's statistics, judged as a heap of its own */
	float4		toast_reltuples;
	bool		toast_has_counts;
	double		toast_n_live_tup;
	double		toast_n_dead_tup;
} TableListing;

/* One index's measurement in stats mode, from catalogs alone. */
typedef struct IndexListing
{
	Oid			indrelid;
	Oid			relam;
	bool		indisvalid;
	bool		indisready;
	BtreeMeasure m;				/* total_pages only, unless a B-tree */
	float4		reltuples;		/* pg_class: -1 never vacuumed nor analyzed */
} IndexListing;

extern CatalogStats *catalog_stats_build(MemoryContext cxt);
extern CatalogStats *catalog_stats_for_query(MemoryContext cxt);
extern bool catalog_stats_table(CatalogStats *cs, Oid relid,
								TableListing *out);
extern bool catalog_stats_index(CatalogStats *cs, Oid relid,
								IndexListing *out);
extern MemoryContext catalog_stats_memory(const CatalogStats *cs);
extern Oid *catalog_stats_candidates(CatalogStats *cs, bool indexes,
									 BlockNumber min_pages, int *n);

#endif							/* CATALOG_STATS_H */
