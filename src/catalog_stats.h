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

/* One index's measurement in stats mode, from catalogs alone. */
typedef struct IndexListing
{
	Oid			indrelid;
	Oid			relam;
	bool		indisvalid;
	bool		indisready;
	BtreeMeasure m;				/* total_pages only, unless a B-tree */
} IndexListing;

extern CatalogStats *catalog_stats_build(MemoryContext cxt);
extern CatalogStats *catalog_stats_for_query(MemoryContext cxt);
extern bool catalog_stats_table(CatalogStats *cs, Oid relid,
								TableListing *out);
extern bool catalog_stats_index(CatalogStats *cs, Oid relid,
								IndexListing *out);

#endif							/* CATALOG_STATS_H */
