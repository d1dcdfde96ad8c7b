/*-------------------------------------------------------------------------
 *
 * run_history.c
 *	  The only writer of campmon.run and campmon.run_step: the run's worker
 *	  and the calls of campmon.cancel_run() and campmon.run_plan() write them
 *	  here, as the role that owns them (the extension's owner).
 *
 * Why: the history is what the report, the exporter and the alerts believe.
 * An admin who could write it could mark a superuser's running run "done"
 * while it goes on, or record a worker pid of another database for
 * cancel_run to signal.  So no role is granted INSERT or UPDATE on these
 * tables; each statement below switches to their owner for itself only
 * (SECURITY_LOCAL_USERID_CHANGE), after every figure it records has been
 * computed as the run's role.  Nothing that runs as the owner here evaluates
 * anything but the statement's own constants and parameters.
 *
 * campmon._run_worker_gone(run_id): what run_plan calls when the run's
 * worker has died without a word -- it marks the run interrupted, and only
 * when no worker holds the run lock of this database.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "campmon.h"
#include "run_shared.h"

PG_FUNCTION_INFO_V1(campmon_run_worker_gone);

/* The owner of campmon.run: the role that created the extension. */
static Oid
history_owner(void)
{
	Oid			nsp = get_namespace_oid("campmon", false);
	Oid			relid = get_relname_relid("run", nsp);
	HeapTuple	tup;
	Oid			owner;

	if (!OidIsValid(relid))
		elog(ERROR, "campmon.run does not exist");
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/*
 * Execute one statement that writes the history, as the history's owner, in
 * the caller's transaction and SPI connection.  Returns SPI's result code.
 */
int
history_execute(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls)
{
	Oid			save_userid;
	int			save_sec;
	int			rc;
	int			guc_level;

	/*
	 * Its operators and functions from pg_catalog only, whoever called:
	 * _run_worker_gone runs in run_plan's session, under the caller's
	 * search_path (a role's schema first would lend it its "=").
	 */
	guc_level = NewGUCNestLevel();
	(void) set_config_option("search_path", SAFE_SEARCH_PATH, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(history_owner(), save_sec | SECURITY_LOCAL_USERID_CHANGE);
	PG_TRY();
	{
		rc = SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0);
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(save_userid, save_sec);
	}
	PG_END_TRY();
	AtEOXact_GUC(true, guc_level);
	if (rc < 0)
		elog(ERROR, "campmon: could not write the run's history: %s", sql);
	return rc;
}

/* One history statement in a transaction of its own. */
void
history_write(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	(void) history_execute(sql, nargs, types, values, nulls);
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
}

/*
 * campmon._run_worker_gone(run_id) -> boolean
 *
 * run_plan waits for its worker; when the worker's process has gone without
 * finishing the run (killed, an error of its own), the run and its unfinished
 * steps are marked interrupted.  Nobody can use this on a live run: a worker
 * holds the database's run lock for as long as it lives, and this takes it
 * first.  True when the run was marked.
 */
Datum
campmon_run_worker_gone(PG_FUNCTION_ARGS)
{
	int64		run_id = PG_GETARG_INT64(0);
	LOCKTAG		tag;
	Datum		values[1] = {Int64GetDatum(run_id)};
	Oid			types[1] = {INT8OID};
	bool		marked;

	set_run_locktag(&tag);
	if (LockAcquire(&tag, ExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL)
		PG_RETURN_BOOL(false);	/* a worker is alive */

	SPI_connect();
	marked = history_execute("WITH gone AS (UPDATE campmon.run SET status = 'interrupted', finished_at = clock_timestamp(), "
							 "summary = 'its background worker stopped before the run finished (see the server log)' "
							 "WHERE run_id = $1 AND status IN ('running', 'cancelling') RETURNING run_id), "
							 "steps AS (UPDATE campmon.run_step s SET outcome = 'interrupted', finished_at = clock_timestamp(), "
							 "error = 'the run''s background worker stopped before the run finished' "
							 "FROM gone WHERE s.run_id = gone.run_id AND s.outcome IN ('pending', 'running')) "
							 "SELECT run_id FROM gone",
							 1, types, values, NULL) == SPI_OK_SELECT && SPI_processed == 1;
	SPI_finish();
	LockRelease(&tag, ExclusiveLock, true);
	PG_RETURN_BOOL(marked);
}
