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

/* settings of a run on a live database (settings.c) */
#define RUN_AUTOVACUUM_WAIT 0
#define RUN_AUTOVACUUM_SKIP 1
extern char *campmon_maintenance_window;
extern int	campmon_run_autovacuum;
extern int	campmon_run_collision_wait;
extern char *campmon_run_backup_applications;
extern int	campmon_run_max_replay_lag;
extern int	campmon_run_max_slot_wal;
extern int	campmon_run_wal_budget;
extern int	campmon_run_lock_retries;
extern bool campmon_parse_window(const char *text, int *start_min, int *end_min);

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

/*
 * The bytes a variable-width column's values take in an index tuple, by
 * class: short (1-byte) header or not (aligned), and size modulo the
 * alignment; share of the non-NULL values and their mean size in each
 * (btree_stats.c, from pg_statistic's MCV list and histogram).
 */
typedef struct BtreeValueSizes
{
	double		p[2][MAXIMUM_ALIGNOF];
	double		mean[2][MAXIMUM_ALIGNOF];
} BtreeValueSizes;

/* A column's statistics, as the B-tree stats mode uses them. */
typedef struct BtreeColumnStats
{
	bool		found;			/* ANALYZE has been: the fields below are set */
	double		width;			/* stawidth */
	double		nullfrac;		/* stanullfrac */
	double		distinct;		/* stadistinct */
	double		mcv_max;		/* frequency of the most common value, 0: no
								 * MCV list */
	const BtreeValueSizes *sizes;	/* variable width: NULL unknown */
} BtreeColumnStats;

/* An index's key estimated column by column (stats mode, btree_stats.c). */
typedef struct BtreeKeyAcc
{
	int			nkeyatts;		/* key columns (the others are INCLUDE) */
	bool		dedup;			/* a build may deduplicate (not unique,
								 * deduplicate_items, equal-image columns) */
	bool		partial;
	double		entries;		/* the index's (reltuples) */
	double		table_rows;		/* its table's (reltuples) */
	double		data;			/* mean bytes of key data so far */
	double		mod[MAXIMUM_ALIGNOF];	/* its distribution modulo the
										 * alignment: the tuple's padding */
	double		all_present;	/* share of tuples without a NULL (the
								 * others carry a null bitmap) */
	int			natts;			/* columns added */
	double		d_lo;			/* distinct keys among the entries: bounds */
	double		d_est;			/* and estimate (see btree_stats.c) */
	double		d_hi;
	double		group_max;		/* the most entries a key can have */
	double		nullfrac;		/* entries with a NULL key (one column) */
	/* the first column (of the index, 0: none) ... */
	AttrNumber	toasted_att;	/* whose width is not the key's (TOAST) */
	AttrNumber	unanalyzed_att; /* a key column without statistics */
	AttrNumber	partial_width_att;	/* of variable width, in a partial
									 * index on a table column */
} BtreeKeyAcc;

/*
 * Emulation of a B-tree build's leaf filling (btree_estimate.c): rebuilt
 * tuples are added in key order, as nbtsort.c's _bt_buildadd adds them.
 */
typedef struct BtreePacker
{
	double		reserve;		/* target free space at the leaf fillfactor */
	double		free;			/* free space of the open leaf */
	int			nitems;			/* data items on it */
	double		last_need;		/* its last item (moves on at the close) */
	double		last_extra;		/* that item's posting list bytes */
	double		open_need;		/* bytes of the items on the open leaf */
	double		closed_pages;
	double		closed_need;	/* bytes of the items closed leaves kept */
	double		carry;			/* full posting lists owed by runs that go
								 * on in the next leaf (btree_run_need) */
	double		plain_carry;	/* and plain tuples owed by live shares */
} BtreePacker;

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
	double		leaf_need;		/* bytes of items a rebuilt leaf keeps (0:
								 * unknown, the size model assumes) */
	double		pivot_need;		/* mean bytes of a pivot (downlink) tuple */
	const char *untrusted;		/* stats: why the statistics cannot say
								 * (NULL: they can) */
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
#define ENTRY_CHECK_EXACT_BUDGET 10000	/* heap TIDs checked */
#define ENTRY_CHECK_SAMPLED_BUDGET 2000
#define ENTRY_CHECK_EXACT_READS 2000	/* heap pages read for it */
#define ENTRY_CHECK_SAMPLED_READS 300

typedef struct EntrySample
{
	int			n;
	ItemPointerData tid[ENTRY_CHECK_PER_LEAF];
} EntrySample;

typedef struct EntryCheck
{
	Relation	heap;			/* NULL: nothing is checked */
	bool		locked_out;		/* the table's lock was not free */
	BlockNumber heap_pages;
	Buffer		buf;
	Buffer		vmbuf;			/* visibility map page */
	double		heap_reads;		/* heap pages read (not all-visible) */
	int			per_leaf;		/* TIDs checked per checked leaf */
	double		leaf_share;		/* share of the detailed leaves checked */
	pg_prng_state prng;			/* which ones */
	double		checked_entries;
	double		checked;		/* heap TIDs the checked entries hold */
	double		dead;			/* of which REINDEX leaves out */
} EntryCheck;

extern void entry_check_begin(EntryCheck *ec, Relation index,
							  double detailed_leaves, int budget, int reads,
							  uint32 seed);
extern void entry_check_end(EntryCheck *ec);
extern int	entry_check_positions(EntryCheck *ec, double tids, uint32 *pos);
extern void entry_check_note(EntrySample *es, ItemPointer tid);
extern double entry_check_leaf(EntryCheck *ec, const EntrySample *es,
							   double leaf_tids, double *share_var);

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

/* btree_scan.c: modes that read index pages (btree_leaf.c: one page) */
extern void btree_measure_exact(Relation rel, int sample_pages,
								BtreeMeasure *m);
extern void btree_measure_sampled(Relation rel, int sample_pages,
								  BtreeMeasure *m);

/* btree_runs.c: the runs of equal keys of a fully read B-tree, in key order */
typedef struct BtreeRuns BtreeRuns;

extern BtreeRuns *btree_runs_begin(void);
extern void btree_runs_free(BtreeRuns *r);
extern void btree_runs_leaf(BtreeRuns *r, BlockNumber blkno, BlockNumber next,
							uint64 first_key, uint64 last_key, bool unchecked);
extern bool btree_runs_part(BtreeRuns *r, Size keysize, double tids);
extern void btree_runs_replay(BtreeRuns *r, int fillfactor, double dead_share,
							  double *need, double *tuples, double *leaf_need);

/* btree_estimate.c: REINDEX size model */
extern double btree_min_pages(int fillfactor, double rebuilt_need,
							  double rebuilt_tuples, double pivot_need,
							  double leaf_need);
extern void btree_packer_init(BtreePacker *p, int fillfactor);
extern void btree_packer_add(BtreePacker *p, double tuple, double extra);
extern double btree_packer_leaf_need(const BtreePacker *p);
extern int	btree_posting_capacity(Size keysize);
extern double btree_run_need(BtreePacker *p, Size keysize, double tids,
							 bool dedup, bool continues, double *tuples);
extern double btree_dead_saving(double rebuilt_need, double rebuilt_tuples,
								double tids, double key_need, double gone,
								double *tuples_gone);

/* btree_key.c: a B-tree's key from the catalogs and statistics */
struct HTAB;
extern bool btree_column_equalimage(Oid opfamily, Oid opcintype, Oid collation);
extern struct HTAB *btree_equalimage_cache(void);
extern bool btree_index_equalimage(HeapTuple pg_index_tup, TupleDesc desc,
								   struct HTAB *cache);
extern void btree_column_stats_from(HeapTuple statstup, BtreeColumnStats *cs);
extern bool btree_value_sizes_from(HeapTuple statstup, BtreeValueSizes *vs);
extern bool btree_value_sizes_lookup(Relation pg_statistic_rel, Oid relid,
									 AttrNumber attnum, BtreeValueSizes *vs);
extern double btree_key_data_size(const BtreeKeyAcc *acc);
extern void btree_key_init(BtreeKeyAcc *acc, int nkeyatts, bool dedup,
						   bool partial, double entries, double table_rows);
extern void btree_key_add(BtreeKeyAcc *acc, const FormData_pg_attribute *att,
						  bool own, const BtreeColumnStats *cs);
extern bool btree_key_may_be_toasted(Oid relid, AttrNumber attnum,
									 double stawidth, double toast_bytes,
									 double table_rows);
extern void btree_key_toasted(BtreeKeyAcc *acc, const FormData_pg_attribute *att);

/* btree_stats.c: the catalog-only mode */
extern void btree_leave_out_dead(Oid indrelid, bool partial, BtreeMeasure *m);
extern void btree_measure_stats(Relation rel, BtreeMeasure *m);
extern void btree_stats_estimate(BlockNumber total_pages, int fillfactor,
								 bool unique, float4 reltuples, Oid indexrelid,
								 Oid indrelid, const BtreeKeyAcc *key,
								 BtreeMeasure *m);

#endif							/* CAMPMON_H */
