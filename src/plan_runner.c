/*-------------------------------------------------------------------------
 *
 * plan_runner.c
 *	  campmon.run_plan() and campmon.cancel_run(): the steps of a maintenance
 *	  plan executed by a dynamic background worker, and the record of every
 *	  step in campmon.run / campmon.run_step.
 *
 * Why a worker: VACUUM, REINDEX CONCURRENTLY and DROP INDEX CONCURRENTLY
 * refuse to run inside a function or a transaction block.  The worker runs
 * each step as a top-level statement (as a client's simple query would), in
 * a transaction of its own, with lock_timeout and statement_timeout set, and
 * commits the step's outcome before the next one starts.  It needs no
 * shared_preload_libraries entry: the call registers it.
 *
 * Safety:
 *	- the worker connects as the calling role (current_user), never with more
 *	  privilege than the caller; a step the role may not run fails, recorded;
 *	- one run at a time per database (a session advisory lock held by the
 *	  worker);
 *	- a step that cannot get its lock within lock_timeout is skipped and the
 *	  run goes on; a work table is dropped by campmon.drop_work_table(), which
 *	  re-reads its verdict under its ACCESS EXCLUSIVE lock;
 *	- a run left 'running' by a crash, restart or terminated worker is marked
 *	  'interrupted' by the next run, and so are its unfinished steps: partial
 *	  work is never reported as done;
 *	- on a hot standby the call refuses (nothing can be changed there).
 *
 * The caller shares a small DSM segment with the worker: the options going
 * in, the run id and the counts coming back.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "parser/analyze.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "storage/spin.h"
#include "tcop/pquery.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/portal.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"

#include "campmon.h"

PG_FUNCTION_INFO_V1(campmon_start_plan);
PG_FUNCTION_INFO_V1(campmon_cancel_run);

PGDLLEXPORT void campmon_run_worker(Datum main_arg);

/* What the caller and its worker share. */
typedef struct RunShared
{
	slock_t		mutex;
	/* in */
	Oid			dboid;
	Oid			roleoid;
	pid_t		caller_pid;
	bool		dry_run;
	bool		include_suspect;
	int			lock_timeout_ms;
	int			statement_timeout_ms;
	int			time_budget_ms;
	/* out */
	int64		run_id;			/* 0 until the run is recorded */
	bool		finished;
	int			nsteps;
	int			ndone;
	int			nskipped;
	int			nfailed;
	int			ncancelled;
	char		error[256];		/* why the worker could not start a run */
	int			settings_offset;	/* where the settings start in text */
	/*
	 * in: the arguments of campmon.plan() as SQL, NUL, then the caller's
	 * campmon.* settings as "name=value\n" lines, NUL: the worker plans
	 * with exactly the thresholds and modes the caller's plan() uses.
	 */
	char		plan_args[FLEXIBLE_ARRAY_MEMBER];
} RunShared;

/* the advisory lock that makes runs exclusive, per database */
#define RUN_LOCK_KEY1	0x63616d70		/* 'camp' */
#define RUN_LOCK_KEY2	0x72756e21		/* 'run!' */

static void
set_run_locktag(LOCKTAG *tag)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, RUN_LOCK_KEY1, RUN_LOCK_KEY2, 2);
}

/*
 * The SQL run here names campmon's objects with their schema, but its
 * operators, functions and catalog views are looked up in search_path: run
 * it with pg_catalog only, as campmon's SQL functions are (SET search_path),
 * so that nothing another role put in public, or in a schema the caller
 * puts first, is called with the caller's privileges.  Returns the nest
 * level to give back to AtEOXact_GUC(true, level).
 */
#define SAFE_SEARCH_PATH "pg_catalog, pg_temp"

static int
safe_search_path(void)
{
	int			level = NewGUCNestLevel();

	(void) set_config_option("search_path", SAFE_SEARCH_PATH, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return level;
}

/* milliseconds of an interval argument, or the GUC's value when NULL */
static int
interval_ms(FunctionCallInfo fcinfo, int argno, const char *guc, const char *what)
{
	Interval   *iv;
	int64		ms;

	if (PG_ARGISNULL(argno))
		return atoi(GetConfigOption(guc, false, false));

	iv = PG_GETARG_INTERVAL_P(argno);
	ms = iv->time / 1000 +
		((int64) iv->day + (int64) iv->month * DAYS_PER_MONTH) * SECS_PER_DAY * 1000;
	if (ms < 0 || ms > INT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between 0 and %d ms", what, INT_MAX),
				 errhint("0 means no limit.")));
	return (int) ms;
}

/* "name => value" for the text[] argument argno, or nothing when NULL */
static void
append_array_arg(StringInfo buf, FunctionCallInfo fcinfo, int argno, const char *name)
{
	Oid			outfunc;
	bool		isvarlena;

	if (PG_ARGISNULL(argno))
		return;
	/* array_out needs a real FmgrInfo (it caches in fn_extra) */
	getTypeOutputInfo(TEXTARRAYOID, &outfunc, &isvarlena);
	appendStringInfo(buf, ", %s => %s::text[]", name,
					 quote_literal_cstr(OidOutputFunctionCall(outfunc, PG_GETARG_DATUM(argno))));
}

/*
 * campmon.start_plan(dry_run, families, actions, min_gain_bytes, max_steps,
 *					  include_suspect, allow_blocking, lock_timeout,
 *					  statement_timeout, time_budget) -> bigint
 *
 * Starts the run and returns its id once it is recorded; the worker goes on
 * alone.  Waiting for it belongs in the procedure campmon.run_plan, which
 * commits while it waits: a caller waiting inside its own transaction would
 * hold a snapshot that every CONCURRENTLY step of the run must wait for.
 */
Datum
campmon_start_plan(PG_FUNCTION_ARGS)
{
	bool		dry_run = PG_ARGISNULL(0) ? true : PG_GETARG_BOOL(0);
	StringInfoData args;
	StringInfoData check;
	StringInfoData settings;
	LOCKTAG		tag;
	HeapTuple	roletup;
	bool		canlogin;
	dsm_segment *seg;
	RunShared  *shared;
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle;
	BgwHandleStatus status;
	pid_t		pid;
	int64		run_id = 0;
	int			guc_level;

	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot run a maintenance plan on a hot standby"),
				 errdetail("VACUUM, REINDEX and DROP cannot run during recovery."),
				 errhint("Run campmon.run_plan() on the primary; campmon.plan() works here.")));

	/* the plan's own arguments, checked by planning once here */
	initStringInfo(&args);
	appendStringInfo(&args, "min_gain_bytes => %s",
					 PG_ARGISNULL(3) ? "0" : psprintf(INT64_FORMAT, PG_GETARG_INT64(3)));
	append_array_arg(&args, fcinfo, 1, "families");
	append_array_arg(&args, fcinfo, 2, "actions");
	if (!PG_ARGISNULL(4))
		appendStringInfo(&args, ", max_steps => %d", PG_GETARG_INT32(4));
	appendStringInfo(&args, ", include_suspect => %s",
					 (!PG_ARGISNULL(5) && PG_GETARG_BOOL(5)) ? "true" : "false");
	appendStringInfo(&args, ", allow_blocking => %s",
					 (!PG_ARGISNULL(6) && PG_GETARG_BOOL(6)) ? "true" : "false");

	initStringInfo(&check);
	appendStringInfo(&check, "SELECT count(*) FROM campmon.plan(%s)", args.data);
	initStringInfo(&settings);
	guc_level = safe_search_path();
	SPI_connect();
	if (SPI_execute(check.data, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not check the plan's arguments");
	/* the caller's campmon settings, in their base units (the superuser-only
	 * ones, campmon.repack_client and _host, are the server's own) */
	if (SPI_execute("SELECT name || '=' || setting FROM pg_settings WHERE name LIKE 'campmon.%' AND context = 'user' ORDER BY 1",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read campmon's settings");
	for (uint64 r = 0; r < SPI_processed; r++)
		appendStringInfo(&settings, "%s\n",
						 SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1));
	SPI_finish();
	AtEOXact_GUC(true, guc_level);

	/* the worker logs in as the current user: say so clearly if it cannot */
	roletup = SearchSysCache1(AUTHOID, ObjectIdGetDatum(GetUserId()));
	if (!HeapTupleIsValid(roletup))
		elog(ERROR, "cache lookup failed for role %u", GetUserId());
	canlogin = ((Form_pg_authid) GETSTRUCT(roletup))->rolcanlogin;
	ReleaseSysCache(roletup);
	if (!canlogin)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("role \"%s\" cannot log in, so no worker can run the plan as it",
						GetUserNameFromId(GetUserId(), false)),
				 errdetail("campmon.run_plan() runs its steps as the calling role, never with more privilege."),
				 errhint("Call it as a login role that is a member of campmon_admin (not after SET ROLE to a NOLOGIN role).")));

	/* one run at a time: fail now rather than start a worker that will */
	set_run_locktag(&tag);
	if (LockAcquire(&tag, ExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL)
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("another campmon run is in progress in this database"),
				 errhint("See SELECT * FROM campmon.run WHERE status IN ('running', 'cancelling'); stop it with campmon.cancel_run(run_id).")));
	LockRelease(&tag, ExclusiveLock, true);

	seg = dsm_create(offsetof(RunShared, plan_args) + args.len + 1 + settings.len + 1, 0);
	shared = (RunShared *) dsm_segment_address(seg);
	memset(shared, 0, offsetof(RunShared, plan_args));
	SpinLockInit(&shared->mutex);
	shared->dboid = MyDatabaseId;
	shared->roleoid = GetUserId();
	shared->caller_pid = MyProcPid;
	shared->dry_run = dry_run;
	shared->include_suspect = !PG_ARGISNULL(5) && PG_GETARG_BOOL(5);
	shared->lock_timeout_ms = interval_ms(fcinfo, 7, "campmon.run_lock_timeout", "lock_timeout");
	shared->statement_timeout_ms = interval_ms(fcinfo, 8, "campmon.run_statement_timeout", "statement_timeout");
	/* campmon.run_time_budget is in seconds, the argument an interval */
	shared->time_budget_ms = PG_ARGISNULL(9) ?
		atoi(GetConfigOption("campmon.run_time_budget", false, false)) * 1000 :
		interval_ms(fcinfo, 9, "campmon.run_time_budget", "time_budget");
	memcpy(shared->plan_args, args.data, args.len + 1);
	shared->settings_offset = args.len + 1;
	memcpy(shared->plan_args + shared->settings_offset, settings.data, settings.len + 1);

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "campmon");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "campmon_run_worker");
	snprintf(worker.bgw_name, BGW_MAXLEN, "campmon run for %s",
			 GetUserNameFromId(GetUserId(), false));
	snprintf(worker.bgw_type, BGW_MAXLEN, "campmon run");
	worker.bgw_main_arg = UInt32GetDatum(dsm_segment_handle(seg));
	worker.bgw_notify_pid = MyProcPid;

	if (!RegisterDynamicBackgroundWorker(&worker, &handle))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not start a background worker for the run"),
				 errhint("All max_worker_processes (%d) slots are in use; raise it or try again later.",
						 max_worker_processes)));

	status = WaitForBackgroundWorkerStartup(handle, &pid);
	if (status != BGWH_STARTED)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the run's background worker did not start")));

	/* wait until the run is recorded (or the worker gives up) */
	for (;;)
	{
		SpinLockAcquire(&shared->mutex);
		run_id = shared->run_id;
		SpinLockRelease(&shared->mutex);
		if (run_id != 0)
			break;
		if (GetBackgroundWorkerPid(handle, &pid) == BGWH_STOPPED)
		{
			SpinLockAcquire(&shared->mutex);
			run_id = shared->run_id;
			SpinLockRelease(&shared->mutex);
			if (run_id != 0)
				break;
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("the run's background worker stopped before recording the run"),
					 errdetail("%s", shared->error[0] ? shared->error : "See the server log."),
					 errhint("The run's steps run as the calling role, which must be able to log in to this database.")));
		}
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 100L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}

	/* the worker holds the segment from here on */
	dsm_detach(seg);
	ereport(NOTICE,
			(errmsg("campmon run " INT64_FORMAT " started%s", run_id, dry_run ? " (dry run)" : ""),
			 errhint("Follow it in campmon.history; stop it with campmon.cancel_run(" INT64_FORMAT ").",
					 run_id)));
	PG_RETURN_INT64(run_id);
}

/*
 * campmon.cancel_run(run_id) -> boolean
 *
 * Marks the run cancelling (the worker stops before its next step) and
 * interrupts the step under way.  False when the run is not running.
 */
Datum
campmon_cancel_run(PG_FUNCTION_ARGS)
{
	int64		run_id = PG_GETARG_INT64(0);
	Datum		values[1];
	Oid			types[1] = {INT8OID};
	int			pid = 0;
	bool		found;
	int			guc_level = safe_search_path();

	values[0] = Int64GetDatum(run_id);
	SPI_connect();
	if (SPI_execute_with_args("UPDATE campmon.run SET status = 'cancelling' "
							  "WHERE run_id = $1 AND status = 'running' RETURNING worker_pid",
							  1, types, values, NULL, false, 0) != SPI_OK_UPDATE_RETURNING)
		elog(ERROR, "could not mark the run cancelling");
	found = SPI_processed > 0;
	if (found)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		pid = isnull ? 0 : DatumGetInt32(d);
	}
	SPI_finish();

	if (!found)
	{
		AtEOXact_GUC(true, guc_level);
		PG_RETURN_BOOL(false);
	}

	/*
	 * Interrupt the step under way, if the pid is still this run's worker.
	 * The worker takes any query cancel that is not its own statement
	 * timeout as a cancellation, so it does not matter that our mark above
	 * commits only when this call returns.
	 */
	if (pid > 0)
	{
		Datum		pidval[1] = {Int32GetDatum(pid)};
		Oid			pidtype[1] = {INT4OID};
		bool		ours;

		SPI_connect();
		ours = SPI_execute_with_args("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND backend_type = 'campmon run'",
									 1, pidtype, pidval, NULL, true, 1) == SPI_OK_SELECT &&
			SPI_processed == 1;
		SPI_finish();
		if (ours)
			(void) kill(pid, SIGINT);
	}
	AtEOXact_GUC(true, guc_level);
	PG_RETURN_BOOL(true);
}

/* ---------------------------------------------------------------------
 * The worker
 * ---------------------------------------------------------------------
 */

static RunShared *my_shared = NULL;

static void
report_to_caller(void)
{
	PGPROC	   *caller = BackendPidGetProc(my_shared->caller_pid);

	if (caller != NULL)
		SetLatch(&caller->procLatch);
}

/* Run one bookkeeping statement in a transaction of its own. */
static void
bookkeeping(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0) < 0)
		elog(ERROR, "campmon run bookkeeping failed: %s", sql);
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
}

/*
 * Execute sql as a client's top-level statement would be, one transaction.
 *
 * Parse and plan trees live in a context of their own outside the
 * transaction, as a client backend keeps them in MessageContext: VACUUM
 * commits and restarts transactions while the portal still uses them.
 */
static void
execute_top_level(const char *sql)
{
	List	   *parsetrees;
	ListCell   *lc;
	MemoryContext stmtcxt;
	MemoryContext oldcxt;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	stmtcxt = AllocSetContextCreate(TopMemoryContext, "campmon step",
									ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(stmtcxt);
	sql = pstrdup(sql);
	debug_query_string = sql;
	pgstat_report_activity(STATE_RUNNING, sql);

	parsetrees = pg_parse_query(sql);
	foreach(lc, parsetrees)
	{
		RawStmt    *parsetree = lfirst_node(RawStmt, lc);
		CommandTag	tag = CreateCommandTag(parsetree->stmt);
		bool		snapshot = analyze_requires_snapshot(parsetree);
		List	   *querytrees;
		List	   *plantrees;
		Portal		portal;
		DestReceiver *receiver;
		QueryCompletion qc;
		int16		format = 0;

		MemoryContextSwitchTo(stmtcxt);
		if (snapshot)
			PushActiveSnapshot(GetTransactionSnapshot());
		querytrees = pg_analyze_and_rewrite_fixedparams(parsetree, sql, NULL, 0, NULL);
		plantrees = pg_plan_queries(querytrees, sql, CURSOR_OPT_PARALLEL_OK, NULL);
		if (snapshot)
			PopActiveSnapshot();

		portal = CreatePortal("campmon", true, true);
		portal->visible = false;
		PortalDefineQuery(portal, NULL, sql, tag, plantrees, NULL);
		PortalStart(portal, NULL, 0, InvalidSnapshot);
		PortalSetResultFormat(portal, 1, &format);
		receiver = CreateDestReceiver(DestNone);
		(void) PortalRun(portal, FETCH_ALL, true, true, receiver, receiver, &qc);
		receiver->rDestroy(receiver);
		PortalDrop(portal, false);
	}

	CommitTransactionCommand();
	pgstat_report_activity(STATE_IDLE, NULL);
	debug_query_string = NULL;
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(stmtcxt);
}

/* May the current user VACUUM/ANALYZE/REINDEX/DROP this relation? */
static bool
may_maintain(Oid relid)
{
	HeapTuple	tup;
	bool		shared = false;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (HeapTupleIsValid(tup))
	{
		shared = ((Form_pg_class) GETSTRUCT(tup))->relisshared;
		ReleaseSysCache(tup);
	}
	return superuser() || pg_class_ownercheck(relid, GetUserId()) ||
		(pg_database_ownercheck(MyDatabaseId, GetUserId()) && !shared);
}

typedef struct StepToRun
{
	int			step;
	char	   *action;
	char	   *command;
	Oid			relid;
} StepToRun;

/* Has campmon.cancel_run() asked this run to stop? */
static bool
cancel_requested(int64 run_id)
{
	Datum		values[1] = {Int64GetDatum(run_id)};
	Oid			types[1] = {INT8OID};
	bool		cancelling = false;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_execute_with_args("SELECT status = 'cancelling' FROM campmon.run WHERE run_id = $1",
							  1, types, values, NULL, true, 1) == SPI_OK_SELECT &&
		SPI_processed == 1)
	{
		bool		isnull;

		cancelling = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, 1, &isnull));
	}
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	return cancelling;
}

/* Execute one step; returns its outcome and sets *error. */
static const char *
run_step(int64 run_id, StepToRun *s, char **error)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	const char *outcome = "done";
	char		buf[32];
	TimestampTz step_start = GetCurrentTimestamp();

	*error = NULL;

	/*
	 * The target may be gone, or not ours to maintain.  Catalog lookups need
	 * a transaction (and its resource owner): a short one of their own.
	 */
	if (OidIsValid(s->relid))
	{
		bool		exists;
		char	   *denied = NULL;

		StartTransactionCommand();
		exists = SearchSysCacheExists1(RELOID, ObjectIdGetDatum(s->relid));
		if (exists && strcmp(s->action, "DROP TABLE") != 0 && !may_maintain(s->relid))
			denied = MemoryContextStrdup(oldcxt,
										 psprintf("permission denied: role \"%s\" does not own %s (only its owner, the database owner or a superuser may)",
												  GetUserNameFromId(GetUserId(), false),
												  get_rel_name(s->relid)));
		CommitTransactionCommand();
		MemoryContextSwitchTo(oldcxt);

		if (!exists)
		{
			*error = pstrdup("its target no longer exists");
			return "skipped";
		}
		if (denied != NULL)
		{
			*error = denied;
			return "failed";
		}
	}

	snprintf(buf, sizeof(buf), "%d", my_shared->lock_timeout_ms);
	SetConfigOption("lock_timeout", buf, PGC_USERSET, PGC_S_SESSION);
	/* throttled as autovacuum is, unless campmon.run_cost_delay says not */
	SetConfigOption("vacuum_cost_delay",
					GetConfigOption("campmon.run_cost_delay", false, false),
					PGC_USERSET, PGC_S_SESSION);

	PG_TRY();
	{
		/* a cancel (campmon.cancel_run) may interrupt the step, nothing else */
		RESUME_CANCEL_INTERRUPTS();
		if (my_shared->statement_timeout_ms > 0)
			enable_timeout_after(STATEMENT_TIMEOUT, my_shared->statement_timeout_ms);

		if (strcmp(s->action, "DROP TABLE") == 0)
		{
			/* re-checked under its lock, in the step's own transaction */
			char	   *sql = psprintf("SELECT campmon.drop_work_table(%u, %s)", s->relid,
									   my_shared->include_suspect ? "true" : "false");

			execute_top_level(sql);
		}
		else
			execute_top_level(s->command);

		disable_timeout(STATEMENT_TIMEOUT, false);
		HOLD_CANCEL_INTERRUPTS();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		/* back to holding cancels, whatever depth the error left */
		QueryCancelHoldoffCount = 1;
		QueryCancelPending = false;
		disable_timeout(STATEMENT_TIMEOUT, false);
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		pgstat_report_activity(STATE_IDLE, NULL);
		debug_query_string = NULL;

		if (edata->sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE)
		{
			outcome = "skipped";
			*error = psprintf("could not get its lock within lock_timeout (%d ms): someone is using it; %s",
							  my_shared->lock_timeout_ms, edata->message);
		}
		else if (edata->sqlerrcode == ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE)
		{
			outcome = "skipped";
			*error = edata->detail ? psprintf("%s: %s", edata->message, edata->detail) :
				pstrdup(edata->message);
		}
		else if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED &&
				 !(my_shared->statement_timeout_ms > 0 &&
				   TimestampDifferenceExceeds(step_start, GetCurrentTimestamp(),
											  my_shared->statement_timeout_ms)))
		{
			/* not our statement timeout: campmon.cancel_run() or a DBA */
			outcome = "cancelled";
			*error = pstrdup("cancelled while running (campmon.cancel_run() or a query cancel)");
		}
		else if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
		{
			outcome = "failed";
			*error = psprintf("statement_timeout (%d ms) reached: %s",
							  my_shared->statement_timeout_ms, edata->message);
		}
		else
		{
			outcome = "failed";
			*error = pstrdup(edata->message);
		}
		FreeErrorData(edata);
	}
	PG_END_TRY();

	return outcome;
}

static void
finish_steps(int64 run_id, const char *outcome, const char *error, int from_step)
{
	Datum		values[4] = {Int64GetDatum(run_id), CStringGetTextDatum(outcome),
	CStringGetTextDatum(error), Int32GetDatum(from_step)};
	Oid			types[4] = {INT8OID, TEXTOID, TEXTOID, INT4OID};

	bookkeeping("UPDATE campmon.run_step SET outcome = $2, error = $3, finished_at = clock_timestamp() "
				"WHERE run_id = $1 AND step >= $4 AND outcome = 'pending'",
				4, types, values, NULL);
}

void
campmon_run_worker(Datum main_arg)
{
	dsm_segment *seg;
	LOCKTAG		tag;
	int64		run_id;
	List	   *steps = NIL;
	ListCell   *lc;
	TimestampTz started;
	bool		cancelled = false;
	bool		out_of_time = false;
	MemoryContext runcxt;

	BackgroundWorkerUnblockSignals();

	/*
	 * A query cancel must interrupt a step (it is how campmon.cancel_run
	 * stops one), never the worker's own bookkeeping: cancels are held except
	 * while a step runs (run_step).
	 */
	HOLD_CANCEL_INTERRUPTS();

	seg = dsm_attach(DatumGetUInt32(main_arg));
	if (seg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("campmon run: could not attach to the caller's shared memory")));
	my_shared = (RunShared *) dsm_segment_address(seg);

	BackgroundWorkerInitializeConnectionByOid(my_shared->dboid, my_shared->roleoid, 0);
	pgstat_report_appname("campmon run");
	/* not the role's search_path: its bookkeeping and steps call nothing from public */
	SetConfigOption("search_path", SAFE_SEARCH_PATH, PGC_USERSET, PGC_S_SESSION);

	/* the caller's campmon settings (loading the library defines them) */
	StartTransactionCommand();
	{
		char	   *line = pstrdup(my_shared->plan_args + my_shared->settings_offset);
		char	   *next;

		for (; *line; line = next)
		{
			char	   *eq;

			next = strchr(line, '\n');
			if (next == NULL)
				break;
			*next++ = '\0';
			eq = strchr(line, '=');
			if (eq == NULL)
				continue;
			*eq = '\0';
			SetConfigOption(line, eq + 1, PGC_USERSET, PGC_S_SESSION);
		}
	}
	CommitTransactionCommand();

	runcxt = AllocSetContextCreate(TopMemoryContext, "campmon run", ALLOCSET_DEFAULT_SIZES);

	set_run_locktag(&tag);
	if (LockAcquire(&tag, ExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL)
	{
		SpinLockAcquire(&my_shared->mutex);
		strlcpy(my_shared->error, "another campmon run is in progress in this database",
				sizeof(my_shared->error));
		SpinLockRelease(&my_shared->mutex);
		report_to_caller();
		proc_exit(0);
	}

	/* the time budget counts from here: planning is part of the run */
	started = GetCurrentTimestamp();

	/*
	 * Runs left 'running' were cut off (crash, restart, terminated worker):
	 * we hold the run lock, so none of them is alive.  Then record our run
	 * and its plan, every step 'pending'.
	 */
	{
		Datum		values[3];
		Oid			types[3] = {BOOLOID, INT4OID, TEXTOID};
		char	   *insert_steps;

		bookkeeping("WITH cut AS (UPDATE campmon.run SET status = 'interrupted', finished_at = clock_timestamp(), "
					"summary = coalesce(summary || '; ', '') || 'cut off before it finished (crash, restart or terminated worker)' "
					"WHERE status IN ('running', 'cancelling') RETURNING run_id) "
					"UPDATE campmon.run_step s SET outcome = 'interrupted', "
					"error = coalesce(s.error, 'the run was cut off before this step finished'), "
					"finished_at = coalesce(s.finished_at, clock_timestamp()) "
					"FROM cut WHERE s.run_id = cut.run_id AND s.outcome IN ('pending', 'running')",
					0, NULL, NULL, NULL);

		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		SPI_connect();
		PushActiveSnapshot(GetTransactionSnapshot());
		values[0] = BoolGetDatum(my_shared->dry_run);
		values[1] = Int32GetDatum(MyProcPid);
		values[2] = CStringGetTextDatum(my_shared->plan_args);
		if (SPI_execute_with_args(psprintf("INSERT INTO campmon.run (dry_run, worker_pid, options) "
										   "VALUES ($1, $2, jsonb_build_object('plan', $3::text, "
										   "'lock_timeout_ms', %d, 'statement_timeout_ms', %d, 'time_budget_ms', %d, "
										   "'cost_delay_ms', %s::float8)) "
										   "RETURNING run_id",
										   my_shared->lock_timeout_ms, my_shared->statement_timeout_ms,
										   my_shared->time_budget_ms,
										   GetConfigOption("campmon.run_cost_delay", false, false)),
								  3, types, values, NULL, false, 0) != SPI_OK_INSERT_RETURNING)
			elog(ERROR, "could not record the run");
		{
			bool		isnull;

			run_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		}

		insert_steps = psprintf("INSERT INTO campmon.run_step (run_id, step, action, target, target_relid, family, "
								"reason, command, lock_level, expected_gain_bytes, size_before) "
								"SELECT " INT64_FORMAT ", p.step, p.action, p.target, p.target_relid, p.family, p.reason, "
								"p.command, p.lock_level, p.expected_gain_bytes, campmon._total_bytes(p.target_relid) "
								"FROM campmon.plan(%s) p WHERE p.command IS NOT NULL",
								run_id, my_shared->plan_args);
		if (SPI_execute(insert_steps, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not record the plan");

		if (SPI_execute_with_args("SELECT step, action, command, coalesce(target_relid, 0) FROM campmon.run_step "
								  "WHERE run_id = $1 ORDER BY step",
								  1, (Oid[]) {INT8OID}, (Datum[]) {Int64GetDatum(run_id)},
								  NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read the plan back");
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			MemoryContext old = MemoryContextSwitchTo(runcxt);
			StepToRun  *s = palloc(sizeof(StepToRun));
			bool		isnull;

			s->step = DatumGetInt32(SPI_getbinval(tup, desc, 1, &isnull));
			s->action = SPI_getvalue(tup, desc, 2);
			s->command = SPI_getvalue(tup, desc, 3);
			s->relid = DatumGetObjectId(SPI_getbinval(tup, desc, 4, &isnull));
			steps = lappend(steps, s);
			MemoryContextSwitchTo(old);
		}
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
	}

	SpinLockAcquire(&my_shared->mutex);
	my_shared->run_id = run_id;
	my_shared->nsteps = list_length(steps);
	SpinLockRelease(&my_shared->mutex);
	report_to_caller();

	foreach(lc, steps)
	{
		StepToRun  *s = (StepToRun *) lfirst(lc);
		const char *outcome;
		char	   *error;
		Datum		values[4];
		Oid			types[4] = {INT8OID, INT4OID, TEXTOID, TEXTOID};
		char		nulls[4] = {' ', ' ', ' ', ' '};

		CHECK_FOR_INTERRUPTS();
		if (my_shared->dry_run)
		{
			finish_steps(run_id, "skipped", "dry run: not executed", s->step);
			SpinLockAcquire(&my_shared->mutex);
			my_shared->nskipped = list_length(steps);
			SpinLockRelease(&my_shared->mutex);
			break;
		}
		if (cancel_requested(run_id))
		{
			cancelled = true;
			break;
		}
		if (my_shared->time_budget_ms > 0 &&
			TimestampDifferenceExceeds(started, GetCurrentTimestamp(), my_shared->time_budget_ms))
		{
			out_of_time = true;
			break;
		}

		values[0] = Int64GetDatum(run_id);
		values[1] = Int32GetDatum(s->step);
		/* the size when the step starts: earlier steps may have changed it */
		bookkeeping("UPDATE campmon.run_step SET outcome = 'running', started_at = clock_timestamp(), "
					"size_before = campmon._total_bytes(target_relid) "
					"WHERE run_id = $1 AND step = $2", 2, types, values, NULL);

		outcome = run_step(run_id, s, &error);

		values[2] = CStringGetTextDatum(outcome);
		if (error != NULL)
			values[3] = CStringGetTextDatum(error);
		else
			nulls[3] = 'n';
		/*
		 * The size after, of the target by name: REINDEX CONCURRENTLY leaves
		 * the index under its name with a new OID (the old one is gone).
		 */
		bookkeeping("UPDATE campmon.run_step SET outcome = $3, error = $4, finished_at = clock_timestamp(), "
					"size_after = campmon._total_bytes(coalesce(pg_catalog.to_regclass(target)::oid, target_relid)) "
					"WHERE run_id = $1 AND step = $2",
					4, types, values, nulls);

		SpinLockAcquire(&my_shared->mutex);
		if (strcmp(outcome, "done") == 0)
			my_shared->ndone++;
		else if (strcmp(outcome, "skipped") == 0)
			my_shared->nskipped++;
		else if (strcmp(outcome, "cancelled") == 0)
			my_shared->ncancelled++;
		else
			my_shared->nfailed++;
		SpinLockRelease(&my_shared->mutex);

		if (strcmp(outcome, "cancelled") == 0)
		{
			cancelled = true;
			break;
		}
	}

	/* what was not run, and the run itself */
	{
		Datum		values[2] = {Int64GetDatum(run_id), 0};
		Oid			types[2] = {INT8OID, TEXTOID};
		int			left;

		if (cancelled)
			finish_steps(run_id, "cancelled", "cancelled by campmon.cancel_run()", 0);
		else if (out_of_time)
			finish_steps(run_id, "skipped", "not started: the run's time budget was spent", 0);

		SpinLockAcquire(&my_shared->mutex);
		left = my_shared->nsteps - my_shared->ndone - my_shared->nskipped -
			my_shared->nfailed - my_shared->ncancelled;
		if (cancelled)
			my_shared->ncancelled += left;
		else
			my_shared->nskipped += left;
		values[1] = CStringGetTextDatum(psprintf("%d steps: %d done, %d skipped, %d failed, %d cancelled%s%s",
												 my_shared->nsteps, my_shared->ndone, my_shared->nskipped,
												 my_shared->nfailed, my_shared->ncancelled,
												 my_shared->dry_run ? " (dry run)" : "",
												 out_of_time ? " (time budget spent)" : ""));
		SpinLockRelease(&my_shared->mutex);

		bookkeeping(cancelled ?
					"UPDATE campmon.run SET status = 'cancelled', finished_at = clock_timestamp(), summary = $2 WHERE run_id = $1" :
					"UPDATE campmon.run SET status = 'done', finished_at = clock_timestamp(), summary = $2 WHERE run_id = $1",
					2, types, values, NULL);
	}

	SpinLockAcquire(&my_shared->mutex);
	my_shared->finished = true;
	SpinLockRelease(&my_shared->mutex);
	report_to_caller();

	LockRelease(&tag, ExclusiveLock, true);
	dsm_detach(seg);
	proc_exit(0);
}
