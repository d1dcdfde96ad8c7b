/*-------------------------------------------------------------------------
 *
 * run_repack_guard.c
 *	  The privilege guard of a REPACK step: pg_repack may rebuild a table only
 *	  with indexes whose code a superuser wrote, and the indexes it rebuilds
 *	  must be the ones checked.
 *
 * Why: pg_repack needs a superuser and runs as the run's role.  It builds the
 * copy's indexes, and fills them while it replays the writes made meanwhile,
 * as that role -- where VACUUM FULL, CLUSTER and REINDEX switch to the
 * table's owner -- so an index expression or predicate that the table's owner
 * wrote would run with the run role's rights.  plan() plans no REPACK of
 * such a table (campmon._repack_foreign_code, repack.sql), but the owner
 * can add an index at any time, also between that check and pg_repack's
 * reading of the index list.
 *
 * How the list read is made the list checked, without trusting timing:
 *	1. the worker takes an ACCESS EXCLUSIVE lock on pg_repack's schema
 *	   (an object lock, which only creating objects in that schema asks for),
 *	   checks the table, then starts the client;
 *	2. pg_repack takes its ACCESS EXCLUSIVE lock on the table, reads the
 *	   table's index definitions, then creates its first object (a type in
 *	   its schema) -- and waits for the worker's lock;
 *	3. the worker sees that very backend (its role, its application_name)
 *	   waiting for the schema while holding the table's lock: nobody can add,
 *	   drop or change an index now, and the list pg_repack read is the
 *	   table's indexes as they are.  The worker checks them again; the step
 *	   goes on only if no code of another role is in them (else pg_repack is
 *	   stopped before it has created anything).
 * Functions a superuser owns cannot be replaced by anyone else, so what was
 * checked is what runs.  The table stays locked for the few milliseconds of
 * the check, as pg_repack locks it anyway for its setup.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"

#include "campmon.h"
#include "run_shared.h"

/* Run one query of the guard in its open transaction; the first column of
 * its first row as text (NULL when none or NULL). */
static char *
guard_query(const char *sql, int nargs, Oid *types, Datum *values)
{
	MemoryContext cxt = CurrentMemoryContext;
	char	   *result = NULL;

	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_execute_with_args(sql, nargs, types, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "campmon: the REPACK guard's query failed: %s", sql);
	if (SPI_processed == 1)
	{
		char	   *v = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		if (v != NULL)
			result = MemoryContextStrdup(cxt, v);
	}
	PopActiveSnapshot();
	SPI_finish();
	return result;
}

/* Why the table may not be repacked (another role's code), or NULL. */
static char *
foreign_code(Oid relid)
{
	Oid			types[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};

	return guard_query("SELECT campmon._repack_foreign_code($1)", 1, types, values);
}

/*
 * Step 1: open the guard's transaction, lock pg_repack's schema and check
 * the table.  Returns NULL when the client may start, else why not (the
 * guard is then closed).
 */
char *
repack_guard_begin(RepackGuard *g, Oid relid, int64 run_id, int step)
{
	MemoryContext cxt = CurrentMemoryContext;
	char	   *why = NULL;

	memset(g, 0, sizeof(*g));
	g->relid = relid;
	snprintf(g->appname, sizeof(g->appname), "campmon repack " INT64_FORMAT ".%d", run_id, step);

	StartTransactionCommand();
	g->nsp = get_namespace_oid("repack", true);
	if (!OidIsValid(g->nsp))
		why = pstrdup("pg_repack's schema \"repack\" does not exist: CREATE EXTENSION pg_repack");
	else
	{
		/* the run's lock_timeout bounds the wait (an error: the step is skipped) */
		LockDatabaseObject(NamespaceRelationId, g->nsp, 0, AccessExclusiveLock);
		why = foreign_code(relid);
	}
	if (why != NULL)
	{
		why = MemoryContextStrdup(cxt, why);
		CommitTransactionCommand();
		MemoryContextSwitchTo(cxt);
		return why;
	}
	g->holding = true;
	MemoryContextSwitchTo(cxt);
	return NULL;
}

/*
 * Steps 2 and 3, called while the client runs: REPACK_GUARD_WAITING until the
 * client's backend waits for the schema with the table locked; then
 * REPACK_GUARD_PASSED (the lock is given up, the client goes on) or
 * REPACK_GUARD_REFUSED with *why (stop the client, then repack_guard_end).
 */
RepackGuardState
repack_guard_poll(RepackGuard *g, char **why)
{
	MemoryContext cxt = CurrentMemoryContext;
	Oid			types[4] = {OIDOID, TEXTOID, OIDOID, OIDOID};
	Datum		values[4];
	char	   *reached;

	*why = NULL;
	if (!g->holding)
		return REPACK_GUARD_PASSED;

	values[0] = ObjectIdGetDatum(g->nsp);
	values[1] = CStringGetTextDatum(g->appname);
	values[2] = ObjectIdGetDatum(GetUserId());
	values[3] = ObjectIdGetDatum(g->relid);
	reached = guard_query("SELECT 1 FROM pg_catalog.pg_locks w "
						  "JOIN pg_catalog.pg_stat_activity a ON a.pid = w.pid "
						  "WHERE w.locktype = 'object' AND w.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass "
						  "  AND w.objid = $1 AND NOT w.granted AND w.database = a.datid "
						  "  AND a.datid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()) "
						  "  AND a.application_name = $2 AND a.usesysid = $3 "
						  "  AND EXISTS (SELECT FROM pg_catalog.pg_locks t WHERE t.pid = w.pid AND t.locktype = 'relation' "
						  "              AND t.database = w.database AND t.relation = $4 "
						  "              AND t.mode = 'AccessExclusiveLock' AND t.granted)",
						  4, types, values);
	if (reached == NULL)
		return REPACK_GUARD_WAITING;

	*why = foreign_code(g->relid);
	if (*why != NULL)
	{
		*why = MemoryContextStrdup(cxt, *why);
		return REPACK_GUARD_REFUSED;
	}
	repack_guard_end(g);
	return REPACK_GUARD_PASSED;
}

/* Give the schema's lock up (the guard's transaction ends). */
void
repack_guard_end(RepackGuard *g)
{
	MemoryContext cxt = CurrentMemoryContext;

	if (!g->holding)
		return;
	g->holding = false;
	CommitTransactionCommand();
	MemoryContextSwitchTo(cxt);
}
