/*-------------------------------------------------------------------------
 *
 * run_start.c
 *	  campmon.start_plan() and campmon.cancel_run(): the caller's side of a
 *	  run -- its arguments checked, the shared segment filled, the background
 *	  worker registered and waited for until the run is recorded; and a
 *	  cancel that marks the run and interrupts the step under way.
 *
 * Why a worker: VACUUM, REINDEX CONCURRENTLY and DROP INDEX CONCURRENTLY
 * refuse to run inside a function or a transaction block.  The worker
 * (run_worker.c) runs each step as a top-level statement (run_step.c).  It
 * needs no shared_preload_libraries entry: this call registers it.
 *
 * Safety:
 *	- the worker connects as the calling role (current_user), never with more
 *	  privilege than the caller; a step the role may not run fails, recorded;
 *	- one run at a time per database (a session advisory lock held by the
 *	  worker);
 *	- on a hot standby the call refuses (nothing can be changed there).
 *
 * The caller shares a small DSM segment with the worker (run_shared.h): the
 * options going in, the run id and the counts coming back.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_authid.h"
#include "common/int.h"
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
#include "utils/array.h"
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
#include "run_shared.h"

PG_FUNCTION_INFO_V1(campmon_start_plan);
PG_FUNCTION_INFO_V1(campmon_cancel_run);

/*
 * Run the caller's own SQL with pg_catalog only in search_path, so that
 * nothing another role put in public, or in a schema the caller puts first,
 * is called with the caller's privileges.  Returns the nest level to give
 * back to AtEOXact_GUC(true, level).
 */
static int
safe_search_path(void)
{
	int			level = NewGUCNestLevel();

	(void) set_config_option("search_path", SAFE_SEARCH_PATH, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return level;
}

/*
 * Milliseconds of an interval argument, or the GUC's value when NULL.  A
 * positive interval shorter than a millisecond is one millisecond (0 would
 * mean "no limit"); max_ms bounds it (INT_MAX for the timeouts, which are
 * PostgreSQL's int settings; the time budget is an int64).
 */
static int64
interval_ms(FunctionCallInfo fcinfo, int argno, const char *guc, const char *what, int64 max_ms)
{
	Interval   *iv;
	int64		us;
	int64		ms = -1;

	if (PG_ARGISNULL(argno))
		return atoi(GetConfigOption(guc, false, false));

	iv = PG_GETARG_INTERVAL_P(argno);
	if (!pg_mul_s64_overflow((int64) iv->day + (int64) iv->month * DAYS_PER_MONTH, USECS_PER_DAY, &us) &&
		!pg_add_s64_overflow(us, iv->time, &us) && us >= 0)
		ms = us / 1000 + (us % 1000 != 0);
	if (ms < 0 || ms > max_ms)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between 0 and " INT64_FORMAT " ms", what, max_ms),
				 errhint("0 means no limit.")));
	return ms;
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

/* "name => '{oid,...}'::oid[]::regclass[]" for the regclass[] argument argno */
static void
append_relations_arg(StringInfo buf, FunctionCallInfo fcinfo, int argno, const char *name)
{
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	if (PG_ARGISNULL(argno))
		return;
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	deconstruct_array(arr, REGCLASSOID, sizeof(Oid), true, TYPALIGN_INT, &elems, &nulls, &n);
	appendStringInfo(buf, ", %s => '{", name);
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", name)));
		appendStringInfo(buf, "%s%u", i > 0 ? "," : "", DatumGetObjectId(elems[i]));
	}
	appendStringInfoString(buf, "}'::pg_catalog.oid[]::pg_catalog.regclass[]");
}

/*
 * campmon.start_plan(dry_run, families, actions, min_gain_bytes, max_steps,
 *					  include_suspect, allow_blocking, lock_timeout,
 *					  statement_timeout, time_budget, targets, window_end) -> bigint
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
	TimestampTz window_end = 0;

	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot run a maintenance plan on a hot standby"),
				 errdetail("VACUUM, REINDEX and DROP cannot run during recovery."),
				 errhint("Run campmon.run_plan() on the primary; campmon.plan() works here.")));

	/* an explicit end of the window: steps that would pass it do not start */
	if (!PG_ARGISNULL(11))
	{
		window_end = PG_GETARG_TIMESTAMPTZ(11);
		if (TIMESTAMP_NOT_FINITE(window_end) || window_end <= GetCurrentTimestamp())
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("window_end must be a time in the future"),
					 errhint("Give when the maintenance window ends, e.g. window_end => now() + interval '2 hours'; omit it to use campmon.maintenance_window.")));
	}

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
	append_relations_arg(&args, fcinfo, 10, "targets");

	initStringInfo(&check);
	appendStringInfo(&check, "SELECT count(*) FROM campmon.plan(%s)", args.data);
	initStringInfo(&settings);
	guc_level = safe_search_path();
	SPI_connect();
	if (SPI_execute(check.data, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not check the plan's arguments");
	/*
	 * the caller's campmon settings, in their base units: those its session
	 * could set or was given (a superuser-only one, such as the work-table
	 * schemas, comes from the server's configuration or a superuser's SET);
	 * campmon.repack_client and _host are the server's own
	 */
	if (SPI_execute("SELECT name || '=' || setting FROM pg_settings WHERE name LIKE 'campmon.%' "
					"AND context IN ('user', 'superuser') AND name NOT IN ('campmon.repack_client', 'campmon.repack_host') ORDER BY 1",
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
	shared->lock_timeout_ms = (int) interval_ms(fcinfo, 7, "campmon.run_lock_timeout", "lock_timeout", INT_MAX);
	shared->statement_timeout_ms = (int) interval_ms(fcinfo, 8, "campmon.run_statement_timeout", "statement_timeout", INT_MAX);
	/* campmon.run_time_budget is in seconds (up to 68 years), the argument an interval */
	shared->time_budget_ms = PG_ARGISNULL(9) ?
		(int64) atoi(GetConfigOption("campmon.run_time_budget", false, false)) * 1000 :
		interval_ms(fcinfo, 9, "campmon.run_time_budget", "time_budget", PG_INT64_MAX / 1000);
	shared->window_end = window_end;
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
 * interrupts the step under way, with the rights pg_cancel_backend() asks
 * for: the caller has the privileges of the worker's role (the role that
 * started the run) or of pg_signal_backend, and only a superuser cancels a
 * superuser's run.  The process signalled is the run's worker as this
 * database's run lock and the server's own process table say it is, never a
 * pid read from a table.  False when the run has already ended; an error
 * when there is no such run.
 */
Datum
campmon_cancel_run(PG_FUNCTION_ARGS)
{
	int64		run_id = PG_GETARG_INT64(0);
	Datum		values[1] = {Int64GetDatum(run_id)};
	Oid			types[1] = {INT8OID};
	char	   *status = NULL;
	int			pid = 0;
	PGPROC	   *proc = NULL;
	Oid			worker_role;
	int			guc_level;

	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot cancel a run on a hot standby"),
				 errhint("Runs run on the primary: call campmon.cancel_run() there.")));
	guc_level = safe_search_path();
	SPI_connect();
	if (SPI_execute_with_args("SELECT status, worker_pid FROM campmon.run WHERE run_id = $1",
							  1, types, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the run");
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		d;

		status = pstrdup(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
		pid = isnull ? 0 : DatumGetInt32(d);
	}
	SPI_finish();
	if (status == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("campmon run " INT64_FORMAT " does not exist", run_id),
				 errhint("Running runs: SELECT run_id, run_by, started_at FROM campmon.run WHERE status = 'running';")));
	if (strcmp(status, "running") != 0)
	{
		AtEOXact_GUC(true, guc_level);
		PG_RETURN_BOOL(false);
	}

	/* the worker: a live campmon run process of this database with that pid */
	if (pid > 0)
		proc = BackendPidGetProc(pid);
	if (proc != NULL && proc->databaseId != MyDatabaseId)
		proc = NULL;
	if (proc != NULL)
	{
		bool		ours = false;

		SPI_connect();
		ours = SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_stat_activity WHERE pid = $1 "
									 "AND backend_type = 'campmon run' AND datid = (SELECT oid FROM pg_catalog.pg_database "
									 "WHERE datname = pg_catalog.current_database())",
									 1, (Oid[]) {INT4OID}, (Datum[]) {Int32GetDatum(pid)}, NULL, true, 1) == SPI_OK_SELECT &&
			SPI_processed == 1;
		SPI_finish();
		if (!ours)
			proc = NULL;
	}
	if (proc == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("campmon run " INT64_FORMAT " has no worker in this database", run_id),
				 errdetail("Its recorded worker process %d is not a campmon run of this database.", pid),
				 errhint("A run whose worker died is marked interrupted by the next run or by run_plan.")));

	/* the rights pg_cancel_backend() asks for */
	worker_role = proc->roleId;
	if (superuser_arg(worker_role) && !superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to cancel campmon run " INT64_FORMAT, run_id),
				 errdetail("Its worker runs as the superuser \"%s\": only a superuser may cancel it.",
						   GetUserNameFromId(worker_role, false)),
				 errhint("Ask a superuser to run SELECT campmon.cancel_run(" INT64_FORMAT ");", run_id)));
	if (!has_privs_of_role(GetUserId(), worker_role) &&
		!has_privs_of_role(GetUserId(), ROLE_PG_SIGNAL_BACKEND))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to cancel campmon run " INT64_FORMAT, run_id),
				 errdetail("Only roles with the privileges of its role \"%s\" or of pg_signal_backend may, as for pg_cancel_backend().",
						   GetUserNameFromId(worker_role, false)),
				 errhint("GRANT \"%s\" (or pg_signal_backend) TO the role that cancels, or cancel as that role.",
						 GetUserNameFromId(worker_role, false))));

	SPI_connect();
	(void) history_execute("UPDATE campmon.run SET status = 'cancelling' WHERE run_id = $1 AND status = 'running'",
						   1, types, values, NULL);
	SPI_finish();

	/*
	 * Interrupt the step under way.  The worker takes any query cancel that
	 * is not its own statement timeout as a cancellation, so it does not
	 * matter that our mark above commits only when this call returns.
	 */
	(void) kill(pid, SIGINT);
	AtEOXact_GUC(true, guc_level);
	PG_RETURN_BOOL(true);
}
