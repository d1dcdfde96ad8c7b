/*-------------------------------------------------------------------------
 *
 * open_relation.c
 *	  Opening a table or an index for measurement: it must exist, be of the
 *	  kind asked for, be readable by this session and by this user.
 *
 * Every check happens after AccessShareLock is held, so a relation dropped
 * while we waited is seen as missing rather than read half-gone.  That lock
 * conflicts only with ACCESS EXCLUSIVE (DROP, TRUNCATE, VACUUM FULL,
 * REINDEX, some ALTER TABLE forms): Campaign's inserts, updates and deletes
 * never wait for a measurement.
 *
 * Privilege: a user may measure a table it may SELECT from (an index: its
 * table), or any relation when it has the privileges of pg_stat_scan_tables
 * (pg_monitor has them).  A measurement reveals sizes and counts, not
 * contents, which is what pg_stat_scan_tables is for (pgstattuple grants
 * itself to it likewise).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "campmon.h"

static char *
qualified_name(Relation rel)
{
	return quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
									  RelationGetRelationName(rel));
}

/* The error for a relation of the wrong kind; want_index: index_bloat's. */
static void
reject_relkind(Relation rel, bool want_index)
{
	const char *name = RelationGetRelationName(rel);
	const char *what = want_index ? "an index" : "a table";

	switch (rel->rd_rel->relkind)
	{
		case RELKIND_RELATION:
		case RELKIND_TOASTVALUE:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is a table, not an index", name),
					 errhint("Measure the table with campmon.table_bloat('%s'), or pass one of its indexes: SELECT indexrelid::regclass FROM pg_index WHERE indrelid = '%s'::regclass;",
							 qualified_name(rel), qualified_name(rel))));
			break;
		case RELKIND_VIEW:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is a view, not %s", name, what),
					 errdetail("A view stores no rows and cannot bloat."),
					 errhint("Measure the tables the view reads.")));
			break;
		case RELKIND_MATVIEW:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is a materialized view, not %s", name, what),
					 errdetail("campmon measures tables; a materialized view is rewritten by REFRESH MATERIALIZED VIEW."),
					 errhint("Use pgstattuple('%s') for materialized views.", qualified_name(rel))));
			break;
		case RELKIND_SEQUENCE:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is a sequence, not %s", name, what),
					 errdetail("A sequence is a single row and cannot bloat."),
					 errhint(want_index ? "Pass an index." : "Pass a table.")));
			break;
		case RELKIND_INDEX:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is an index, not a table", name),
					 errhint("Measure the index with campmon.index_bloat('%s'), or pass the table it belongs to.",
							 qualified_name(rel))));
			break;
		case RELKIND_PARTITIONED_INDEX:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is a partitioned index", name),
					 errdetail("A partitioned index has no storage of its own; the indexes of its partitions hold the entries."),
					 errhint("Measure the partitions' indexes: SELECT b.* FROM pg_partition_tree('%s') p, campmon.index_bloat(p.relid) b WHERE p.isleaf;",
							 qualified_name(rel))));
			break;
		case RELKIND_PARTITIONED_TABLE:
			if (want_index)
				ereport(ERROR,
						(errcode(ERRCODE_WRONG_OBJECT_TYPE),
						 errmsg("\"%s\" is a partitioned table, not an index", name),
						 errhint("Pass an index of one of its partitions: SELECT i.indexrelid::regclass FROM pg_partition_tree('%s') p JOIN pg_index i ON i.indrelid = p.relid WHERE p.isleaf;",
								 qualified_name(rel))));
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is a partitioned table", name),
					 errdetail("A partitioned table has no storage of its own; its partitions hold the rows."),
					 errhint("Measure its partitions: SELECT b.* FROM pg_partition_tree('%s') p, campmon.table_bloat(p.relid) b WHERE p.isleaf;",
							 qualified_name(rel))));
			break;
		case RELKIND_FOREIGN_TABLE:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is a foreign table", name),
					 errdetail("Its rows are stored by a remote server."),
					 errhint("Measure the table on the server that stores it.")));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is not %s", name, what),
					 errhint(want_index ? "Pass an index." : "Pass an ordinary table or a TOAST table.")));
			break;
	}
}

/* A listing's row left out because its relation is gone. */
void
campmon_warn_vanished(Oid relid)
{
	ereport(WARNING,
			(errcode(ERRCODE_UNDEFINED_TABLE),
			 errmsg("skipping relation with OID %u: it does not exist (dropped while being listed?)", relid)));
}

/*
 * Open relid with AccessShareLock and check it for measurement.
 *
 * With missing_ok, anything that cannot be measured returns NULL instead of
 * raising an error: the views list relations from pg_class and must go on
 * when one was dropped in between or cannot be measured by this user.  A
 * vanished relation is worth a WARNING there; the rest is silent.
 */
static Relation
open_for_measurement(Oid relid, bool missing_ok, bool want_index)
{
	Relation	rel;
	char		relkind;
	bool		kind_ok;
	Oid			aclrelid;

	rel = try_relation_open(relid, AccessShareLock);
	if (rel == NULL)
	{
		if (missing_ok)
		{
			campmon_warn_vanished(relid);
			return NULL;
		}
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid),
				 errhint("It may have been dropped, possibly while campmon waited for its lock; campmon.tables and campmon.indexes list what exists.")));
	}

	relkind = rel->rd_rel->relkind;
	kind_ok = want_index ? relkind == RELKIND_INDEX :
		(relkind == RELKIND_RELATION || relkind == RELKIND_TOASTVALUE);
	if (!kind_ok)
	{
		if (!missing_ok)
			reject_relkind(rel, want_index);
		relation_close(rel, AccessShareLock);
		return NULL;
	}

	/*
	 * Another session's temporary relation lives in that session's local
	 * buffers; what we could read from disk would be stale.
	 */
	if (RELATION_IS_OTHER_TEMP(rel))
	{
		if (!missing_ok)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot measure temporary %s \"%s\" of another session",
							want_index ? "index" : "table", RelationGetRelationName(rel)),
					 errdetail("Its pages live in the local buffers of the session that created it."),
					 errhint("Measure it from the session that created it.")));
		relation_close(rel, AccessShareLock);
		return NULL;
	}

	aclrelid = want_index ? rel->rd_index->indrelid : relid;
	if (pg_class_aclcheck(aclrelid, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
		!has_privs_of_role(GetUserId(), ROLE_PG_STAT_SCAN_TABLES))
	{
		if (!missing_ok)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to measure %s \"%s\"",
							want_index ? "index" : "table", RelationGetRelationName(rel)),
					 errdetail("Measuring requires SELECT on the table or the privileges of pg_stat_scan_tables."),
					 errhint("GRANT SELECT ON the table, or GRANT pg_stat_scan_tables (or pg_monitor) TO the role.")));
		relation_close(rel, AccessShareLock);
		return NULL;
	}

	return rel;
}

Relation
campmon_open_table(Oid relid, bool missing_ok)
{
	return open_for_measurement(relid, missing_ok, false);
}

Relation
campmon_open_index(Oid relid, bool missing_ok)
{
	return open_for_measurement(relid, missing_ok, true);
}
