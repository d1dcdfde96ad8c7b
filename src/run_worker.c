/*-------------------------------------------------------------------------
 *
 * run_worker.c
 *	  The background worker that runs a plan: it connects as the caller,
 *	  takes the run lock, marks runs a crash or a terminated worker left
 *	  'running' as interrupted, plans with the caller's settings, records
 *	  the run and every step in campmon.run / campmon.run_step, runs the
 *	  steps one by one (run_step.c) within the time budget, stops when
 *	  campmon.cancel_run() asks, and reports the counts to the caller.
 *
 * Every write to the history commits before the next step starts, so a
 * run cut off at any point says how far it went: partial work is never
 * reported as done.
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
#include "run_shared.h"


PGDLLEXPORT void campmon_run_worker(Datum main_arg);

RunShared  *my_shared = NULL;
TimestampTz campmon_run_deadline = 0;

static void
report_to_caller(void)
{
	PGPROC	   *caller = BackendPidGetProc(my_shared->caller_pid);

	if (caller != NULL)
		SetLatch(&caller->procLatch);
}

/*
 * A step's target as it is now, read as the run's role in a transaction of
 * its own: its size with TOAST and indexes (0 once gone) and the dead rows
 * PostgreSQL's statistics count in it.  A REINDEX CONCURRENTLY leaves the
 * index under its name with a new OID: found by name and schema first.
 */
static void
target_now(StepToRun *s, int64 *bytes, int64 *dead, bool *dead_null)
{
	Oid			relid = s->relid;
	Datum		values[1];
	Oid			types[1] = {OIDOID};
	bool		isnull;

	*bytes = 0;
	*dead = 0;
	*dead_null = true;
	if (!OidIsValid(relid))
		return;
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	if (s->relname != NULL)
	{
		Oid			byname = get_relname_relid(s->relname, s->relnamespace);

		if (OidIsValid(byname))
			relid = byname;
	}
	values[0] = ObjectIdGetDatum(relid);
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_execute_with_args("SELECT campmon._total_bytes($1), pg_stat_get_dead_tuples($1) "
							  "WHERE EXISTS (SELECT FROM pg_class WHERE oid = $1 AND relkind IN ('r', 'm', 't'))",
							  1, types, values, NULL, true, 1) == SPI_OK_SELECT && SPI_processed == 1)
	{
		*bytes = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		*dead = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
		*dead_null = isnull;
	}
	else if (SPI_execute_with_args("SELECT campmon._total_bytes($1)", 1, types, values, NULL, true, 1) == SPI_OK_SELECT &&
			 SPI_processed == 1)
		*bytes = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
}

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

static void
finish_steps(int64 run_id, const char *outcome, const char *error, int from_step)
{
	Datum		values[4] = {Int64GetDatum(run_id), CStringGetTextDatum(outcome),
	CStringGetTextDatum(error), Int32GetDatum(from_step)};
	Oid			types[4] = {INT8OID, TEXTOID, TEXTOID, INT4OID};

	history_write("UPDATE campmon.run_step SET outcome = $2, error = $3, finished_at = clock_timestamp() "
				  "WHERE run_id = $1 AND step >= $4 AND outcome = 'pending'",
				  4, types, values, NULL);
}

/*
 * The live database's say before a step (run_gate.c): false when the step
 * does not start -- skipped, or the run stopped or cancelled (*cancelled,
 * *stopped), each recorded by the gate.
 */
static bool
gate_lets_step_start(RunGate *gate, int64 run_id, StepToRun *s, bool *cancelled, bool *stopped)
{
	switch (run_gate_before_step(gate, run_id, s))
	{
		case GATE_GO:
			return true;
		case GATE_SKIP:
			SpinLockAcquire(&my_shared->mutex);
			my_shared->nskipped++;
			SpinLockRelease(&my_shared->mutex);
			return false;
		case GATE_STOP:
			*stopped = true;	/* the rest are counted skipped at the end */
			return false;
		case GATE_CANCEL:
			*cancelled = true;
			return false;
	}
	return true;
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
	bool		gate_stopped = false;
	RunGate		gate;
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
			/* as the caller had them: what its session was allowed to hold */
			SetConfigOption(line, eq + 1, PGC_SUSET, PGC_S_SESSION);
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
	campmon_run_deadline = my_shared->time_budget_ms > 0 ?
		TimestampTzPlusMilliseconds(started, my_shared->time_budget_ms) : 0;

	/*
	 * Runs left 'running' were cut off (crash, restart, terminated worker):
	 * we hold the run lock, so none of them is alive.  Then record our run
	 * and its plan, every step 'pending'.
	 */
	{
		Datum		values[12];
		Oid			types[12] = {BOOLOID, INT4OID, TEXTOID, TEXTOID};
		char	   *plan_sql;
		Datum	   *plan_rows;
		bool		isnull;

		history_write("WITH cut AS (UPDATE campmon.run SET status = 'interrupted', finished_at = clock_timestamp(), "
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

		/*
		 * The plan, made as the run's role (what it may do, with the caller's
		 * settings), one array per column; then recorded as the history's
		 * owner with those arrays as parameters.
		 */
		plan_sql = psprintf("SELECT array_agg(p.step ORDER BY p.step), array_agg(p.action ORDER BY p.step), "
							"array_agg(p.target ORDER BY p.step), array_agg(p.target_relid ORDER BY p.step), "
							"array_agg(p.family ORDER BY p.step), array_agg(p.reason ORDER BY p.step), "
							"array_agg(p.command ORDER BY p.step), array_agg(p.lock_level ORDER BY p.step), "
							"array_agg(p.expected_gain_bytes ORDER BY p.step), "
							"array_agg(campmon._total_bytes(p.target_relid) ORDER BY p.step), "
							"array_agg(p.estimated_seconds ORDER BY p.step) "
							"FROM campmon.plan(%s) p WHERE p.command IS NOT NULL",
							my_shared->plan_args);
		if (SPI_execute(plan_sql, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "could not make the plan");
		plan_rows = palloc(11 * sizeof(Datum));
		for (int c = 0; c < 11; c++)
		{
			plan_rows[c] = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, c + 1, &isnull);
			if (isnull)
				plan_rows[c] = (Datum) 0;
		}

		values[0] = BoolGetDatum(my_shared->dry_run);
		values[1] = Int32GetDatum(MyProcPid);
		values[2] = CStringGetTextDatum(my_shared->plan_args);
		values[3] = CStringGetTextDatum(GetUserNameFromId(my_shared->roleoid, false));
		if (history_execute(psprintf("INSERT INTO campmon.run (run_by, dry_run, worker_pid, options) "
									 "VALUES ($4, $1, $2, jsonb_build_object('plan', $3::text, "
									 "'lock_timeout_ms', %d, 'statement_timeout_ms', %d, 'time_budget_ms', " INT64_FORMAT ", "
									 "'cost_delay_ms', %s::float8)) "
									 "RETURNING run_id",
									 my_shared->lock_timeout_ms, my_shared->statement_timeout_ms,
									 my_shared->time_budget_ms,
									 GetConfigOption("campmon.run_cost_delay", false, false)),
							4, types, values, NULL) != SPI_OK_INSERT_RETURNING)
			elog(ERROR, "could not record the run");
		run_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));

		if (plan_rows[0] != (Datum) 0)
		{
			Oid			step_types[12] = {INT8OID, INT4ARRAYOID, TEXTARRAYOID, TEXTARRAYOID, OIDARRAYOID,
			TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, INT8ARRAYOID, INT8ARRAYOID, NUMERICARRAYOID};

			values[0] = Int64GetDatum(run_id);
			for (int c = 0; c < 11; c++)
				values[c + 1] = plan_rows[c];
			if (history_execute("INSERT INTO campmon.run_step (run_id, step, action, target, target_relid, family, "
								"reason, command, lock_level, expected_gain_bytes, size_before, estimated_seconds) "
								"SELECT $1, u.* FROM unnest($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) u",
								12, step_types, values, NULL) != SPI_OK_INSERT)
				elog(ERROR, "could not record the plan");
		}

		if (SPI_execute_with_args("SELECT s.step, s.action, s.command, coalesce(s.target_relid, 0), c.relname, c.relnamespace, "
								  "coalesce(s.estimated_seconds, 0)::float8 "
								  "FROM campmon.run_step s LEFT JOIN pg_class c ON c.oid = s.target_relid "
								  "WHERE s.run_id = $1 ORDER BY s.step",
								  1, (Oid[]) {INT8OID}, (Datum[]) {Int64GetDatum(run_id)},
								  NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read the plan back");
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			MemoryContext old = MemoryContextSwitchTo(runcxt);
			StepToRun  *s = palloc0(sizeof(StepToRun));

			s->step = DatumGetInt32(SPI_getbinval(tup, desc, 1, &isnull));
			s->action = SPI_getvalue(tup, desc, 2);
			s->command = SPI_getvalue(tup, desc, 3);
			s->relid = DatumGetObjectId(SPI_getbinval(tup, desc, 4, &isnull));
			s->relname = SPI_getvalue(tup, desc, 5);
			s->relnamespace = DatumGetObjectId(SPI_getbinval(tup, desc, 6, &isnull));
			s->estimated_seconds = DatumGetFloat8(SPI_getbinval(tup, desc, 7, &isnull));
			steps = lappend(steps, s);
			MemoryContextSwitchTo(old);
		}
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
	}

	/* the run's window and pacing (run_gate.c) */
	run_gate_begin(&gate, run_id, started);

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
		char	   *output;
		Datum		values[7];
		char		nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};
		int64		bytes;
		int64		dead;
		bool		dead_null;

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
			GetCurrentTimestamp() >= campmon_run_deadline)
		{
			out_of_time = true;
			break;
		}
		/* the live database: window, pacing, collisions (run_gate.c) */
		if (!gate_lets_step_start(&gate, run_id, s, &cancelled, &gate_stopped))
		{
			if (cancelled || gate_stopped)
				break;
			continue;
		}

		/* the target when the step starts: earlier steps may have changed it */
		target_now(s, &bytes, &dead, &dead_null);
		values[0] = Int64GetDatum(run_id);
		values[1] = Int32GetDatum(s->step);
		values[2] = Int64GetDatum(bytes);
		values[3] = Int64GetDatum(dead);
		nulls[2] = OidIsValid(s->relid) ? ' ' : 'n';
		nulls[3] = dead_null ? 'n' : ' ';
		history_write("UPDATE campmon.run_step SET outcome = 'running', started_at = clock_timestamp(), "
					  "size_before = $3, dead_rows_before = $4 WHERE run_id = $1 AND step = $2",
					  4, (Oid[]) {INT8OID, INT4OID, INT8OID, INT8OID}, values, nulls);

		outcome = run_step_paced(&gate, run_id, s, &error, &output);

		/* ... and when it ends: what a VACUUM could not remove is still counted dead */
		target_now(s, &bytes, &dead, &dead_null);
		if (output == NULL && strcmp(outcome, "done") == 0 && !dead_null)
			output = vacuum_left_note(s, dead);
		values[2] = CStringGetTextDatum(outcome);
		nulls[2] = ' ';
		values[3] = error ? CStringGetTextDatum(error) : (Datum) 0;
		nulls[3] = error ? ' ' : 'n';
		values[4] = output ? CStringGetTextDatum(output) : (Datum) 0;
		nulls[4] = output ? ' ' : 'n';
		values[5] = Int64GetDatum(bytes);
		nulls[5] = OidIsValid(s->relid) ? ' ' : 'n';
		values[6] = Int64GetDatum(dead);
		nulls[6] = dead_null ? 'n' : ' ';
		history_write("UPDATE campmon.run_step SET outcome = $3, error = $4, output = $5, finished_at = clock_timestamp(), "
					  "size_after = $6, dead_rows_after = $7 WHERE run_id = $1 AND step = $2",
					  7, (Oid[]) {INT8OID, INT4OID, TEXTOID, TEXTOID, TEXTOID, INT8OID, INT8OID}, values, nulls);

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
		Datum		values[3] = {Int64GetDatum(run_id), 0, 0};
		Oid			types[3] = {INT8OID, TEXTOID, TEXTOID};
		int			left;
		/* what the window and the pacing rules left (run_gate.c) */
		char	   *gate_summary = run_gate_summary(&gate, run_id);

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
		values[1] = CStringGetTextDatum(psprintf("%d %s: %d done, %d skipped, %d failed, %d cancelled%s%s%s",
												 my_shared->nsteps, my_shared->nsteps == 1 ? "step" : "steps",
												 my_shared->ndone, my_shared->nskipped,
												 my_shared->nfailed, my_shared->ncancelled,
												 my_shared->dry_run ? " (dry run)" : "",
												 out_of_time ? " (time budget spent)" : "", gate_summary));
		SpinLockRelease(&my_shared->mutex);

		/*
		 * A run is done only when no step failed: failed when steps failed
		 * and none was done, done_with_failures when some were.
		 */
		SpinLockAcquire(&my_shared->mutex);
		values[2] = CStringGetTextDatum(cancelled ? "cancelled" :
										my_shared->nfailed == 0 ? "done" :
										my_shared->ndone == 0 ? "failed" : "done_with_failures");
		SpinLockRelease(&my_shared->mutex);
		history_write("UPDATE campmon.run SET status = $3, finished_at = clock_timestamp(), summary = $2 WHERE run_id = $1",
					  3, types, values, NULL);
	}

	SpinLockAcquire(&my_shared->mutex);
	my_shared->finished = true;
	SpinLockRelease(&my_shared->mutex);
	report_to_caller();

	LockRelease(&tag, ExclusiveLock, true);
	dsm_detach(seg);
	proc_exit(0);
}
