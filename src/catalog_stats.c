/*-------------------------------------------------------------------------
 *
 * catalog_stats.c
 *	  What the listings need to know of every table, read from the catalogs
 *	  in one pass per query: file sizes (stat()), whether this user may
 *	  measure it, fillfactor, reltuples, the estimated row width, the sizes
 *	  of its indexes and of its TOAST relation.
 *
 * Why: campmon.tables lists every table of a database that may hold
 * 50,000 work tables.  Opening each (relation_open, pg_total_relation_size)
 * leaves a relcache entry behind for every one of them -- hundreds of MB
 * in the backend by the end of the listing -- and waits for the lock of any
 * table being truncated or rewritten.  Here four sequential or index-order
 * scans (pg_class, pg_index, pg_statistic, pg_attribute) fill a hash table
 * in the query's memory: no lock on the tables, no cache grows, the cost is
 * linear in the number of relations, and the memory is freed with the
 * query.  Stats mode is then computed from these facts alone
 * (heap_stats_estimate), and the page-reading modes take only their sizes
 * from here.
 *
 * The facts come from a catalog snapshot taken when the first row is
 * asked for; a relation created later in the same listing has none (its
 * row is left out), one dropped meanwhile is reported with a WARNING.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/nbtree.h"
#include "access/reloptions.h"
#include "access/tupmacs.h"
#include "access/table.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_am.h"
#include "catalog/pg_index.h"
#include "catalog/pg_statistic.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "utils/acl.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "campmon.h"
#include "catalog_stats.h"

/* One relation with storage: a table, a TOAST table or an index. */
typedef struct RelFacts
{
	Oid			relid;			/* hash key */
	char		relkind;
	bool		relisshared;
	bool		has_files;		/* false: another session's temp relation */
	bool		may_measure;	/* this user may measure it (tables) */
	int16		relnatts;
	int			fillfactor;
	float4		reltuples;
	Oid			reltoastrelid;
	FileFacts	files;
	int64		indexes_bytes;	/* all forks of all its indexes */
	TupleLenAcc width;			/* from pg_attribute + pg_statistic */
	bool		unanalyzed;		/* a live column without pg_statistic row */
	/* indexes only */
	Oid			relam;
	bool		is_index;		/* found in pg_index */
	Oid			indrelid;
	bool		indisunique;
	bool		indisvalid;
	bool		indisready;
	bool		has_pred;		/* a partial index */
	bool		dedup;			/* B-tree deduplicate_items */
	int16		nkeyatts;		/* key columns (the rest INCLUDE) */
	bool		equalimage;		/* every key column's equality is image
								 * equality: a build may deduplicate */
	int16	   *indkey;			/* table column of each index column */
	BtreeKeyAcc *key;			/* B-trees: from pg_attribute + pg_statistic
								 * (allocated for them only: 50,000 tables
								 * need none) */
} RelFacts;

/* pg_statistic's width and null fraction of one column */
typedef struct ColumnStatsKey
{
	Oid			relid;
	int16		attnum;
} ColumnStatsKey;

typedef struct ColumnStats
{
	ColumnStatsKey key;
	BtreeColumnStats s;
} ColumnStats;

struct CatalogStats
{
	HTAB	   *rels;
	MemoryContext cxt;			/* where the facts live: the query's memory */
};

/*
 * Whether this user may measure the table of this pg_class row: the rule of
 * open_relation.c (SELECT, or pg_stat_scan_tables), applied to the row's
 * own relacl because pg_class_aclcheck() would look the row up again in
 * the catalog cache -- one entry per table, the growth this file avoids.
 */
static bool
may_measure(HeapTuple tup, TupleDesc desc, Form_pg_class form, bool scan_role)
{
	Datum		acldatum;
	bool		isnull;
	Acl		   *acl;

	if (scan_role)
		return true;
	acldatum = heap_getattr(tup, Anum_pg_class_relacl, desc, &isnull);
	acl = isnull ? acldefault(OBJECT_TABLE, form->relowner) :
		DatumGetAclP(acldatum);
	return aclmask(acl, GetUserId(), form->relowner, ACL_SELECT,
				   ACLMASK_ANY) != 0;
}

/* pg_class: every relation with storage, its files and its fillfactor. */
static void
scan_pg_class(HTAB *rels)
{
	Relation	pg_class_rel = table_open(RelationRelationId, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(pg_class_rel);
	SysScanDesc scan;
	HeapTuple	tup;
	bool		scan_role = has_privs_of_role(GetUserId(),
											  ROLE_PG_STAT_SCAN_TABLES);

	scan = systable_beginscan(pg_class_rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_class form = (Form_pg_class) GETSTRUCT(tup);
		RelFacts   *rf;
		bool		isnull;

		CHECK_FOR_INTERRUPTS();
		if (form->relkind != RELKIND_RELATION &&
			form->relkind != RELKIND_TOASTVALUE &&
			form->relkind != RELKIND_INDEX)
			continue;

		rf = hash_search(rels, &form->oid, HASH_ENTER, NULL);
		rf->relkind = form->relkind;
		rf->relisshared = form->relisshared;
		rf->relnatts = form->relnatts;
		rf->reltuples = form->reltuples;
		rf->reltoastrelid = form->reltoastrelid;
		rf->indexes_bytes = 0;
		rf->width.data = 0;
		rf->width.any_nulls = false;
		rf->width.align = 0;	/* the start of a row */
		rf->unanalyzed = false;
		rf->has_files = campmon_relation_file_facts(form->oid, form->relfilenode,
													form->reltablespace,
													form->relkind,
													form->relpersistence,
													form->relnamespace,
													&rf->files);
		rf->may_measure = form->relkind != RELKIND_INDEX &&
			may_measure(tup, desc, form, scan_role);

		rf->relam = form->relam;
		rf->is_index = false;
		rf->indkey = NULL;
		rf->key = NULL;
		rf->dedup = true;
		rf->equalimage = false;
		rf->nkeyatts = 0;

		/* fillfactor (and deduplicate_items) as the relcache would parse them */
		rf->fillfactor = form->relkind == RELKIND_INDEX ?
			BTREE_DEFAULT_FILLFACTOR : HEAP_DEFAULT_FILLFACTOR;
		(void) heap_getattr(tup, Anum_pg_class_reloptions, desc, &isnull);
		if (!isnull && form->relkind != RELKIND_INDEX)
		{
			StdRdOptions *opts = (StdRdOptions *) extractRelOptions(tup, desc, NULL);

			if (opts != NULL)
			{
				rf->fillfactor = opts->fillfactor;
				pfree(opts);
			}
		}
		else if (!isnull && form->relam == BTREE_AM_OID)
		{
			BTOptions  *opts = (BTOptions *) extractRelOptions(tup, desc, btoptions);

			if (opts != NULL)
			{
				rf->fillfactor = opts->fillfactor;
				rf->dedup = opts->deduplicate_items;
				pfree(opts);
			}
		}
	}
	systable_endscan(scan);
	table_close(pg_class_rel, AccessShareLock);
}

/* pg_index: the size of each table's indexes, and what B-tree builds store. */
static void
scan_pg_index(HTAB *rels)
{
	Relation	pg_index_rel = table_open(IndexRelationId, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(pg_index_rel);
	SysScanDesc scan;
	HeapTuple	tup;
	HTAB	   *equalimage = btree_equalimage_cache();

	scan = systable_beginscan(pg_index_rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_index form = (Form_pg_index) GETSTRUCT(tup);
		RelFacts   *index = hash_search(rels, &form->indexrelid, HASH_FIND, NULL);
		RelFacts   *table = hash_search(rels, &form->indrelid, HASH_FIND, NULL);

		if (index == NULL)
			continue;
		if (table != NULL)
			table->indexes_bytes += index->files.bytes;

		index->is_index = true;
		index->indrelid = form->indrelid;
		index->indisunique = form->indisunique;
		index->indisvalid = form->indisvalid;
		index->indisready = form->indisready;
		index->has_pred = !heap_attisnull(tup, Anum_pg_index_indpred, NULL);
		/* measurable when its table is (privilege, other session's temp) */
		index->may_measure = table != NULL && table->may_measure;
		index->nkeyatts = form->indnkeyatts;
		if (index->relam == BTREE_AM_OID)
		{
			CHECK_FOR_INTERRUPTS();
			index->indkey = palloc(sizeof(int16) * Max(form->indnatts, 1));
			for (int i = 0; i < form->indnatts; i++)
				index->indkey[i] = form->indkey.values[i];
			index->equalimage = !form->indisunique && index->dedup &&
				btree_index_equalimage(tup, desc, equalimage);
			index->key = palloc(sizeof(BtreeKeyAcc));
			btree_key_init(index->key, form->indnkeyatts, index->equalimage,
						   index->has_pred, index->reltuples,
						   table != NULL ? table->reltuples : -1);
		}
	}
	systable_endscan(scan);
	table_close(pg_index_rel, AccessShareLock);
	hash_destroy(equalimage);
}

/* pg_statistic: width and null fraction of the columns ANALYZE has seen. */
static HTAB *
scan_pg_statistic(HTAB *rels)
{
	Relation	pg_statistic_rel = table_open(StatisticRelationId, AccessShareLock);
	SysScanDesc scan;
	HeapTuple	tup;
	HASHCTL		ctl;
	HTAB	   *stats;

	ctl.keysize = sizeof(ColumnStatsKey);
	ctl.entrysize = sizeof(ColumnStats);
	ctl.hcxt = CurrentMemoryContext;
	stats = hash_create("campmon column stats", 1024, &ctl,
						HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	scan = systable_beginscan(pg_statistic_rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_statistic form = (Form_pg_statistic) GETSTRUCT(tup);
		ColumnStatsKey key;
		ColumnStats *cs;
		RelFacts   *rf;

		if (form->stainherit)
			continue;
		rf = hash_search(rels, &form->starelid, HASH_FIND, NULL);
		if (rf == NULL || rf->relkind == RELKIND_TOASTVALUE)
			continue;
		memset(&key, 0, sizeof(key));
		key.relid = form->starelid;
		key.attnum = form->staattnum;
		cs = hash_search(stats, &key, HASH_ENTER, NULL);
		btree_column_stats_from(tup, &cs->s);
	}
	systable_endscan(scan);
	table_close(pg_statistic_rel, AccessShareLock);
	return stats;
}

/*
 * pg_attribute in (attrelid, attnum) order through its primary index: the
 * estimated row width of every table, columns added in the order they are
 * stored (alignment depends on it).
 */
static void
scan_pg_attribute(HTAB *rels, HTAB *stats)
{
	Relation	pg_attribute_rel = table_open(AttributeRelationId, AccessShareLock);
	SysScanDesc scan;
	Relation	pg_statistic_rel = table_open(StatisticRelationId, AccessShareLock);
	HeapTuple	tup;
	RelFacts   *rf = NULL;
	BtreeColumnStats no_stats = {false};

	scan = systable_beginscan(pg_attribute_rel, AttributeRelidNumIndexId,
							  true, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_attribute att = (Form_pg_attribute) GETSTRUCT(tup);
		ColumnStatsKey key;
		ColumnStats *cs;

		CHECK_FOR_INTERRUPTS();
		if (att->attnum <= 0)
			continue;
		if (rf == NULL || rf->relid != att->attrelid)
			rf = hash_search(rels, &att->attrelid, HASH_FIND, NULL);
		if (rf == NULL)
			continue;

		memset(&key, 0, sizeof(key));
		if (rf->relkind == RELKIND_RELATION)
		{
			key.relid = att->attrelid;
			key.attnum = att->attnum;
			cs = att->attisdropped ? NULL : hash_search(stats, &key, HASH_FIND, NULL);
			if (cs == NULL && !att->attisdropped)
				rf->unanalyzed = true;
			table_column_len_add(&rf->width, att, cs != NULL,
								 cs ? cs->s.width : 0, cs ? cs->s.nullfrac : 0);
		}
		else if (rf->indkey != NULL && att->attnum == rf->key->natts + 1)
		{
			/*
			 * A B-tree's column: statistics of the table's column, of the
			 * index itself for an expression (as btree_measure_stats).
			 */
			AttrNumber	tableatt = rf->indkey[att->attnum - 1];

			key.relid = tableatt != 0 ? rf->indrelid : rf->relid;
			key.attnum = tableatt != 0 ? tableatt : att->attnum;
			cs = hash_search(stats, &key, HASH_FIND, NULL);
			if (cs != NULL && att->attlen == -1)
			{
				BtreeColumnStats with_sizes = cs->s;
				BtreeValueSizes vs;

				if (btree_value_sizes_lookup(pg_statistic_rel, key.relid, key.attnum, &vs))
					with_sizes.sizes = &vs;
				btree_key_add(rf->key, att, tableatt == 0, &with_sizes);
			}
			else
				btree_key_add(rf->key, att, tableatt == 0, cs ? &cs->s : &no_stats);
			if (tableatt != 0 && cs != NULL && att->attlen == -1)
			{
				RelFacts   *table = hash_search(rels, &rf->indrelid, HASH_FIND, NULL);
				RelFacts   *toast = NULL;

				if (table != NULL && OidIsValid(table->reltoastrelid))
					toast = hash_search(rels, &table->reltoastrelid, HASH_FIND, NULL);
				if (toast != NULL &&
					btree_key_may_be_toasted(rf->indrelid, tableatt, cs->s.width,
											 (double) toast->files.main_bytes,
											 table->reltuples))
					btree_key_toasted(rf->key, att);
			}
		}
	}
	systable_endscan(scan);
	table_close(pg_attribute_rel, AccessShareLock);
	table_close(pg_statistic_rel, AccessShareLock);
}

/*
 * Read the facts of every relation into cxt (the query's memory: they go
 * with it).
 */
CatalogStats *
catalog_stats_build(MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	CatalogStats *cs = palloc0(sizeof(CatalogStats));
	HASHCTL		ctl;
	HTAB	   *stats;

	cs->cxt = cxt;
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(RelFacts);
	ctl.hcxt = cxt;
	cs->rels = hash_create("campmon catalog stats", 4096, &ctl,
						   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	/* the directory listing is static: close it however the scan ends */
	campmon_dir_listing_open();
	PG_TRY();
	{
		scan_pg_class(cs->rels);
	}
	PG_FINALLY();
	{
		campmon_dir_listing_close();
	}
	PG_END_TRY();
	scan_pg_index(cs->rels);
	stats = scan_pg_statistic(cs->rels);
	scan_pg_attribute(cs->rels, stats);
	hash_destroy(stats);

	MemoryContextSwitchTo(old);
	return cs;
}

/*
 * The facts for the query whose memory is cxt, read at its first call:
 * campmon.tables and campmon.indexes in one query (plan() reads both) share
 * them.  The query's memory going away (its reset callback) forgets them.
 */
static CatalogStats *query_stats = NULL;
static MemoryContext query_stats_cxt = NULL;

static void
forget_query_stats(void *arg)
{
	query_stats = NULL;
	query_stats_cxt = NULL;
}

CatalogStats *
catalog_stats_for_query(MemoryContext cxt)
{
	MemoryContextCallback *cb;

	if (query_stats != NULL && query_stats_cxt == cxt)
		return query_stats;

	query_stats = catalog_stats_build(cxt);
	query_stats_cxt = cxt;
	cb = MemoryContextAlloc(cxt, sizeof(MemoryContextCallback));
	cb->func = forget_query_stats;
	cb->arg = NULL;
	MemoryContextRegisterResetCallback(cxt, cb);
	return query_stats;
}

/*
 * The sizes and, in stats mode, the measurement of one table.  Returns
 * false when the listing must leave it out: gone (with a WARNING), not a
 * table, another session's temporary table, or not measurable by this
 * user -- as try_table_bloat decides for an opened relation.
 */
bool
catalog_stats_table(CatalogStats *cs, Oid relid, TableListing *out)
{
	RelFacts   *rf = hash_search(cs->rels, &relid, HASH_FIND, NULL);
	RelFacts   *toast = NULL;
	PgStat_StatTabEntry *tab;

	if (rf == NULL)
	{
		campmon_warn_vanished(relid);
		return false;
	}
	if (rf->relkind != RELKIND_RELATION || !rf->has_files || !rf->may_measure)
		return false;

	memset(out, 0, sizeof(TableListing));
	out->toastrelid = rf->reltoastrelid;
	if (OidIsValid(rf->reltoastrelid))
		toast = hash_search(cs->rels, &rf->reltoastrelid, HASH_FIND, NULL);

	out->indexes_bytes = rf->indexes_bytes;
	out->total_bytes = rf->files.bytes + rf->indexes_bytes;
	if (toast != NULL)
		out->total_bytes += toast->files.bytes + toast->indexes_bytes;

	tab = pgstat_fetch_stat_tabentry_ext(rf->relisshared, relid);
	out->tuple_len = tuple_len_result(&rf->width, rf->relnatts);
	heap_stats_estimate(rf->files.main_bytes / BLCKSZ, rf->fillfactor,
						tab, rf->reltuples, out->tuple_len, &out->main);
	out->reltuples = rf->reltuples;
	out->unanalyzed = rf->unanalyzed;
	out->has_counts = tab != NULL;
	if (tab != NULL)
	{
		out->n_live_tup = tab->n_live_tuples;
		out->n_dead_tup = tab->n_dead_tuples;
		out->n_mod_since_analyze = tab->changes_since_analyze;
	}
	if (toast != NULL)
	{
		PgStat_StatTabEntry *toasttab =
			pgstat_fetch_stat_tabentry_ext(toast->relisshared, toast->relid);

		out->toast_pages = toast->files.main_bytes / BLCKSZ;
		out->toast_reltuples = toast->reltuples;
		out->toast_has_counts = toasttab != NULL;
		if (toasttab != NULL)
		{
			out->toast_n_live_tup = toasttab->n_live_tuples;
			out->toast_n_dead_tup = toasttab->n_dead_tuples;
		}
		heap_stats_estimate(toast->files.main_bytes / BLCKSZ,
							toast->fillfactor, toasttab,
							toast->reltuples, toast_tuple_len(), &out->toast);
	}
	else
		out->toastrelid = InvalidOid;
	return true;
}

/*
 * One index's measurement in stats mode.  Returns false when the listing
 * must leave it out, as try_index_bloat decides for an opened index.
 */
bool
catalog_stats_index(CatalogStats *cs, Oid relid, IndexListing *out)
{
	RelFacts   *rf = hash_search(cs->rels, &relid, HASH_FIND, NULL);

	if (rf == NULL)
	{
		campmon_warn_vanished(relid);
		return false;
	}
	if (!rf->is_index || !rf->has_files || !rf->may_measure)
		return false;

	memset(out, 0, sizeof(IndexListing));
	out->indrelid = rf->indrelid;
	out->relam = rf->relam;
	out->indisvalid = rf->indisvalid;
	out->indisready = rf->indisready;
	out->reltuples = rf->reltuples;
	if (rf->relam != BTREE_AM_OID)
	{
		out->m.total_pages = rf->files.main_bytes / BLCKSZ;
		return true;
	}

	btree_stats_estimate(rf->files.main_bytes / BLCKSZ, rf->fillfactor,
						 rf->indisunique, rf->reltuples, rf->relid,
						 rf->indrelid, rf->key, &out->m);
	return true;
}

/*
 * The memory the facts live in (the query's): what is kept beside them for
 * the same query goes there too, and goes with it.
 */
MemoryContext
catalog_stats_memory(const CatalogStats *cs)
{
	return cs->cxt;
}

/*
 * The relations of one listing (tables, or B-tree indexes) with min_pages
 * pages or more that this user may measure: those the adaptive mode could
 * sample.  Allocated in the current memory context.
 */
Oid *
catalog_stats_candidates(CatalogStats *cs, bool indexes, BlockNumber min_pages,
						 int *n)
{
	HASH_SEQ_STATUS seq;
	RelFacts   *rf;
	int			max = 256;
	Oid		   *oids = palloc(sizeof(Oid) * max);

	*n = 0;
	hash_seq_init(&seq, cs->rels);
	while ((rf = hash_seq_search(&seq)) != NULL)
	{
		if (!rf->has_files || !rf->may_measure ||
			rf->files.main_bytes < (int64) min_pages * BLCKSZ ||
			(indexes ? !rf->is_index || rf->relam != BTREE_AM_OID :
			 rf->relkind != RELKIND_RELATION))
			continue;
		if (*n == max)
		{
			max *= 2;
			oids = repalloc(oids, sizeof(Oid) * max);
		}
		oids[(*n)++] = rf->relid;
	}
	return oids;
}
