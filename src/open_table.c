/*-------------------------------------------------------------------------
 *
 * open_table.c
 *	  Opening a table for measurement: it must exist, be a table with
 *	  storage of its own, be readable by this session and by this user.
 *
 * Every check happens after AccessShareLock is held, so a table dropped
 * while we waited is seen as missing rather than read half-gone.  That lock
 * conflicts only with ACCESS EXCLUSIVE (DROP, TRUNCATE, VACUUM FULL, some
 * ALTER TABLE forms): Campaign's inserts, updates and deletes never wait
 * for a measurement.
 *
 * Privilege: a user may measure a table it may SELECT from, or any table
 * when it has the privileges of pg_stat_scan_tables (pg_monitor has them).
 * The measurement reveals sizes and counts, not contents, which is what
 * pg_stat_scan_tables is for (pgstattuple grants itself to it likewise).
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

static void
reject_relkind(Relation rel)
{
	const char *name = RelationGetRelationName(rel);
	char	   *qualified = quote_qualified_identifier(
												   get_namespace_name(RelationGetNamespace(rel)), name);

	switch (rel->rd_rel->relkind)
	{
		case RELKIND_VIEW:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is a view, not a table", name),
					 errdetail("A view stores no rows and cannot bloat."),
					 errhint("Measure the tables the view reads.")));
			break;
		case RELKIND_MATVIEW:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is a materialized view, not a table", name),
					 errdetail("campmon measures tables; a materialized view is rewritten by REFRESH MATERIALIZED VIEW."),
					 errhint("Use pgstattuple('%s') for materialized views.", qualified)));
			break;
		case RELKIND_SEQUENCE:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is a sequence, not a table", name),
					 errdetail("A sequence is a single row and cannot bloat."),
					 errhint("Pass a table.")));
			break;
		case RELKIND_INDEX:
		case RELKIND_PARTITIONED_INDEX:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is an index, not a table", name),
					 errhint("Pass the table the index belongs to.")));
			break;
		case RELKIND_PARTITIONED_TABLE:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is a partitioned table", name),
					 errdetail("A partitioned table has no storage of its own; its partitions hold the rows."),
					 errhint("Measure its partitions: SELECT b.* FROM pg_partition_tree('%s') p, campmon.table_bloat(p.relid) b WHERE p.isleaf;",
							 qualified)));
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
					 errmsg("\"%s\" is not a table", name),
					 errhint("Pass an ordinary table or a TOAST table.")));
			break;
	}
}

/*
 * Open relid with AccessShareLock for measurement.
 *
 * With missing_ok, anything that is not a measurable table of ours returns
 * NULL instead of raising an error: the views list tables from pg_class and
 * must go on when one was dropped in between or cannot be measured by this
 * user.  A dropped table is worth a WARNING there; the rest is silent.
 */
Relation
campmon_open_table(Oid relid, bool missing_ok)
{
	Relation	rel;
	char		relkind;

	rel = try_relation_open(relid, AccessShareLock);
	if (rel == NULL)
	{
		if (missing_ok)
		{
			ereport(WARNING,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("skipping relation with OID %u: it does not exist (dropped while being listed?)", relid)));
			return NULL;
		}
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid),
				 errhint("The table may have been dropped, possibly while campmon waited for its lock; campmon.tables lists the tables that exist.")));
	}

	relkind = rel->rd_rel->relkind;
	if (relkind != RELKIND_RELATION && relkind != RELKIND_TOASTVALUE)
	{
		if (missing_ok)
		{
			relation_close(rel, AccessShareLock);
			return NULL;
		}
		reject_relkind(rel);
	}

	/*
	 * Another session's temporary table lives in that session's local
	 * buffers; what we could read from disk would be stale.
	 */
	if (RELATION_IS_OTHER_TEMP(rel))
	{
		if (missing_ok)
		{
			relation_close(rel, AccessShareLock);
			return NULL;
		}
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot measure temporary table \"%s\" of another session",
						RelationGetRelationName(rel)),
				 errdetail("Its pages live in the local buffers of the session that created it."),
				 errhint("Measure it from the session that created it.")));
	}

	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK &&
		!has_privs_of_role(GetUserId(), ROLE_PG_STAT_SCAN_TABLES))
	{
		if (missing_ok)
		{
			relation_close(rel, AccessShareLock);
			return NULL;
		}
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to measure table \"%s\"",
						RelationGetRelationName(rel)),
				 errdetail("Measuring a table requires SELECT on it or the privileges of pg_stat_scan_tables."),
				 errhint("GRANT SELECT ON the table, or GRANT pg_stat_scan_tables (or pg_monitor) TO the role.")));
	}

	return rel;
}
