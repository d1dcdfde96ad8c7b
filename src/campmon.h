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

#include <time.h>

#include "fmgr.h"
#include "access/htup.h"
#include "access/itup.h"
#include "access/tupdesc.h"
#include "storage/block.h"
#include "storage/buf.h"
#include "storage/itemptr.h"
#include "common/pg_prng.h"
#include "storage/bufpage.h"
#include "catalog/pg_attribute.h"
#include "utils/relcache.h"

#define CAMPMON_VERSION "1.0"

/* How a measurement reads the relation (see README, "Modes"). */
typedef enum CampmonMode
{
	CAMPMON_MODE_AUTO,			/* exact when small, sampled when large */
	CAMPMON_MODE_EXACT,			/* every page */
	CAMPMON_MODE_APPROX,		/* skip all-visible pages (VM + FSM) */
	CAMPMON_MODE_SAMPLED,		/* uniformly random pages */
	CAMPMON_MODE_STATS,			/* catalogs and statistics, no page reads */
	CAMPMON_MODE_ADAPTIVE		/* listings only: stats where they can be
								 * trusted, a small sample where not */
} CampmonMode;

/* GUC variables (campmon.c) */
extern int	campmon_sample_pages;
extern int	campmon_index_sample_pages;
extern int	campmon_auto_exact_max_pages;
extern int	campmon_sample_seed;
extern int	campmon_listing_page_budget;

extern bool campmon_mode_valid(const char *name);
extern CampmonMode campmon_parse_mode(const char *name);
extern const char *campmon_mode_name(CampmonMode mode);
extern CampmonMode campmon_resolve_auto(Relation rel, CampmonMode mode);

/* DESIGN's bloat definitions, for tables and indexes alike */
extern double campmon_bloat_bytes(BlockNumber total_pages, double min_pages);
extern double campmon_bloat_pct(BlockNumber total_pages, double min_pages);
extern Datum campmon_pct_datum(double pct);

/* access_hint.c */
extern void campmon_access_hint_init(void);

/* The (rel, mode, sample_pages) arguments every measurement takes. */
typedef struct MeasureArgs
{
	Oid			relid;
	CampmonMode mode;
	int			sample_pages;
} MeasureArgs;

extern void campmon_init_srf(FunctionCallInfo fcinfo);
extern bool campmon_measure_args(FunctionCallInfo fcinfo, bool missing_ok,
								 const char *example, const char *sample_guc,
								 int default_sample_pages, MeasureArgs *args);

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
	bool		unreadable;		/* a page could not be read: nothing known */
	const char *basis;			/* what the figures rest on; NULL: the
								 * method's usual basis (campmon_basis) */
	int			fillfactor;
	BlockNumber total_pages;
	BlockNumber scanned_pages;
	HeapCounts	c;
	double		min_pages;		/* pages right after VACUUM FULL */
	/* sampled mode: standard error of the per-page mean of live_need */
	bool		has_interval;
	double		need_se;
} HeapMeasure;

struct PgStat_StatTabEntry;

/* Average tuple length estimated attribute by attribute (stats mode). */
typedef struct TupleLenAcc
{
	double		data;			/* bytes of attribute data so far */
	bool		any_nulls;		/* rows carry a null bitmap */
	int			align;			/* alignment every row's offset keeps so far
								 * (0: the start, MAXIMUM_ALIGNOF) */
} TupleLenAcc;

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

/* An index's key estimated column by column (stats mode). */
typedef struct BtreeKeyAcc
{
	double		data;			/* bytes of key data so far */
	bool		any_nulls;		/* tuples carry a null bitmap */
	double		distinct;		/* n_distinct of the first column */
	int			natts;			/* columns added */
	bool		toasted;		/* a column's width is not the key's */
	NameData	toasted_name;	/* the first such column */
} BtreeKeyAcc;

/*
 * The result of measuring one B-tree index.  Page counts are doubles because
 * sampled mode extrapolates them.
 */
typedef struct BtreeMeasure
{
	CampmonMode method;
	bool		is_estimate;
	bool		unknown;		/* no figure can be estimated (basis says why) */
	bool		unreadable;		/* a page could not be read: nothing known */
	const char *basis;			/* what the figures rest on; NULL: the
								 * method's usual basis (campmon_basis) */
	int			fillfactor;
	int			level;			/* tree height from the metapage, -1 unknown */
	BlockNumber total_pages;
	BlockNumber scanned_pages;
	double		leaf_pages;
	double		internal_pages;
	double		empty_pages;	/* half-dead, and never-initialized pages */
	double		deleted_pages;
	bool		has_density;	/* density and fragmentation known */
	double		avg_leaf_density;	/* as pgstatindex */
	double		leaf_fragmentation; /* as pgstatindex */
	double		leaf_items;		/* non-pivot tuples on leaf pages */
	double		leaf_tids;		/* heap TIDs they point to (posting lists
								 * hold many) */
	double		rebuilt_need;	/* bytes those items take after REINDEX */
	double		rebuilt_tuples; /* tuples they make (posting lists merge) */
	double		pivot_need;		/* mean bytes of a pivot (downlink) tuple */
	double		min_pages;		/* pages right after REINDEX */
	/* sampled mode: standard errors */
	bool		has_interval;
	double		density_se;
	double		fragmentation_se;
	double		need_se;		/* of the per-page mean of rebuilt_need */
} BtreeMeasure;

/*
 * btree_heapcheck.c: the heap rows behind a few entries of each detailed
 * leaf, to leave out of the rebuilt size the entries REINDEX would not make.
 */
#define ENTRY_CHECK_PER_LEAF 256
#define ENTRY_CHECK_EXACT_BUDGET 10000
#define ENTRY_CHECK_SAMPLED_BUDGET 2000

typedef struct EntrySample
{
	int			n;
	ItemPointerData tid[ENTRY_CHECK_PER_LEAF];
	int			weight[ENTRY_CHECK_PER_LEAF];	/* heap TIDs the entry holds */
} EntrySample;

typedef struct EntryCheck
{
	Relation	heap;			/* NULL: nothing is checked */
	bool		locked_out;		/* the table's lock was not free */
	BlockNumber heap_pages;
	Buffer		buf;
	Buffer		vmbuf;			/* visibility map page */
	double		heap_reads;		/* heap pages read (not all-visible) */
	int			per_leaf;		/* entries checked per detailed leaf */
	pg_prng_state prng;			/* which ones */
	double		checked_entries;
	double		checked;		/* heap TIDs the checked entries hold */
	double		dead;			/* of which REINDEX leaves out */
} EntryCheck;

extern void entry_check_begin(EntryCheck *ec, Relation index,
							  double detailed_leaves, int budget, uint32 seed);
extern void entry_check_end(EntryCheck *ec);
extern bool entry_check_wanted(EntryCheck *ec, OffsetNumber maxoff,
							   OffsetNumber off, int *want);
extern void entry_check_note(EntrySample *es, ItemPointer tid, int tids);
extern double entry_check_leaf(EntryCheck *ec, const EntrySample *es,
							   double *share_var);

/* relation_files.c: a relation's files, found with stat() */
typedef struct FileFacts
{
	int64		bytes;			/* all forks */
	int64		main_bytes;		/* the main fork */
	time_t		last_write;		/* 0: no file found */
} FileFacts;

extern bool campmon_relation_file_facts(Oid relid, Oid relfilenode,
										Oid reltablespace, char relkind,
										char relpersistence,
										Oid relnamespace, FileFacts *ff);
extern void campmon_dir_listing_open(void);
extern void campmon_dir_listing_close(void);

/* open_relation.c */
extern Relation campmon_open_table(Oid relid, bool missing_ok);
extern Relation campmon_open_index(Oid relid, bool missing_ok);
extern void campmon_warn_vanished(Oid relid);

/* settings.c: settings read outside it */
extern char *campmon_work_table_schemas;
extern char *campmon_never_work_table_owners;
extern char *campmon_repack_client;
extern char *campmon_repack_host;

/* page_check.c: what is read from a page is checked before it is used */
extern void campmon_check_heap_page(Relation rel, BlockNumber blkno, Page page);
extern void campmon_check_btree_special(Relation rel, BlockNumber blkno, Page page);
extern IndexTuple campmon_btree_item(Relation rel, BlockNumber blkno, Page page,
									 OffsetNumber off);

/* measure_guard.c: a listing goes on past an unreadable relation */
extern char *campmon_basis(CampmonMode method, bool unknown,
						   BlockNumber scanned_pages, BlockNumber total_pages);
extern bool campmon_measure_guarded(bool (*measure) (void *arg), void *arg,
									Oid relid, char **why);

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
extern bool heap_rewrite_reforms(TupleDesc desc);
extern uint32 heap_rewritten_len(TupleDesc desc, HeapTupleHeader tup,
								 uint32 t_len);
extern void heap_measure_stats(Relation rel, HeapMeasure *m);
extern void heap_stats_estimate(BlockNumber total_pages, int fillfactor,
								const struct PgStat_StatTabEntry *tab,
								float4 reltuples, double tuple_len,
								HeapMeasure *m);
extern void tuple_len_add(TupleLenAcc *acc,
						  const FormData_pg_attribute *att, bool has_stats,
						  double stawidth, double stanullfrac);
extern void table_column_len_add(TupleLenAcc *acc,
								 const FormData_pg_attribute *att,
								 bool has_stats, double stawidth,
								 double stanullfrac);
extern double tuple_len_result(const TupleLenAcc *acc, int natts);
extern double toast_tuple_len(void);

/* btree_scan.c: modes that read index pages */
extern void btree_measure_exact(Relation rel, int sample_pages,
								BtreeMeasure *m);
extern void btree_measure_sampled(Relation rel, int sample_pages,
								  BtreeMeasure *m);

/* btree_estimate.c: REINDEX size model and the catalog-only mode */
extern double btree_min_pages(int fillfactor, double rebuilt_need,
							  double rebuilt_tuples, double pivot_need);
extern void btree_leave_out_dead(Oid indrelid, bool partial,
								 BtreeMeasure *m);
extern double btree_dead_saving(double rebuilt_need, double rebuilt_tuples,
								double tids, double key_need, double gone,
								double *tuples_gone);
extern void btree_measure_stats(Relation rel, BtreeMeasure *m);
extern void btree_key_add(BtreeKeyAcc *acc, const FormData_pg_attribute *att,
						  bool has_stats, double width, double nullfrac,
						  double distinct);
extern bool btree_key_may_be_toasted(Oid relid, AttrNumber attnum,
									 double stawidth, double toast_bytes,
									 double table_rows);
extern void btree_key_toasted(BtreeKeyAcc *acc, const FormData_pg_attribute *att);
extern void btree_stats_estimate(BlockNumber total_pages, int fillfactor,
								 bool dedup, bool unique, float4 reltuples,
								 bool partial, Oid indrelid,
								 const BtreeKeyAcc *key, BtreeMeasure *m);

#endif							/* CAMPMON_H */
