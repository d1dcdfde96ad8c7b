/*-------------------------------------------------------------------------
 *
 * listing_default.h
 *	  The listings' default mode, adaptive (listing_default.c): which
 *	  relations' statistics are not to be trusted, and which of those are
 *	  sampled within the page budget.  It reads the facts of catalog_stats.h;
 *	  catalog_stats.c knows nothing of it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef LISTING_DEFAULT_H
#define LISTING_DEFAULT_H

#include "catalog_stats.h"

extern const char *listing_table_untrusted(const TableListing *t);
extern const char *listing_toast_untrusted(const TableListing *t);
extern const char *listing_index_untrusted(const IndexListing *i,
										   const TableListing *t);
extern const char *listing_sample_refused(CatalogStats *cs, Oid relid,
										  BlockNumber total_pages,
										  bool index);
extern bool listing_sample_more(CatalogStats *cs, bool index,
								BlockNumber scanned_pages,
								BlockNumber total_pages, double width,
								int *sample_pages);
extern void listing_unlock(Oid relid);
extern const char *listing_stats_basis(const char *why, const char *skipped);
extern const char *listing_sample_basis(BlockNumber scanned_pages,
										BlockNumber total_pages,
										const char *why);
extern double listing_trusted_live_tuples(const TableListing *t);

/* pages one relation's sample costs in the adaptive mode */
#define LISTING_SAMPLE_PAGES 64
/*
 * A sample whose 95% interval of bloat_pct is wider than this (points) is
 * drawn again, larger (up to LISTING_MAX_PAGES pages), while the listing's
 * budget has pages left once every untrusted relation had its first sample
 * (listing_sample_more).
 */
#define LISTING_TARGET_WIDTH 6.0
#define LISTING_MAX_PAGES 2048
/* smaller relations are not sampled: their error is a few pages at most,
 * and a listing of 50,000 work tables must not open each */
#define LISTING_MIN_PAGES 8

#endif							/* LISTING_DEFAULT_H */
