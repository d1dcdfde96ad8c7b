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
} TableListing;

extern CatalogStats *catalog_stats_build(MemoryContext cxt);
extern bool catalog_stats_table(CatalogStats *cs, Oid relid,
								TableListing *out);

#endif							/* CATALOG_STATS_H */
