/*-------------------------------------------------------------------------
 *
 * run_step.c
 *	  One step of a run, executed by the worker as a client's top-level
 *	  statement would be, in a transaction of its own: the target's
 *	  existence and the role's right to maintain it checked first, the
 *	  run's lock_timeout, statement_timeout and vacuum throttling applied,
 *	  and the outcome (done, skipped, failed, cancelled) and why returned.
 *
 * A step that cannot get its lock within lock_timeout is skipped and the run
 * goes on; a work table is dropped by campmon.drop_work_table(), which
 * re-reads its verdict under its ACCESS EXCLUSIVE lock; a REPACK step starts
 * the pg_repack client (run_repack.c) and holds no transaction meanwhile.
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


/* the last step was skipped because its lock was not free (run_pacing.c retries it) */
bool		run_step_lock_unavailable = false;

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

/* Execute one step; returns its outcome and sets *error. */
const char *
run_step(int64 run_id, StepToRun *s, char **error, char **output)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	const char *outcome = "done";
	char		buf[32];
	TimestampTz step_start = GetCurrentTimestamp();
	const char *volatile repack_outcome = NULL;
	char	   *volatile repack_error = NULL;

	*error = NULL;
	*output = NULL;
	run_step_lock_unavailable = false;

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
			/*
			 * Re-checked under its lock, in the step's own transaction.  A
			 * table someone else dropped meanwhile is "gone already": skipped
			 * (below), as when it was gone before the step started.
			 */
			char	   *sql = psprintf("DO $step$ BEGIN IF campmon.drop_work_table(%u::pg_catalog.oid::pg_catalog.regclass, %s) = 'gone already' THEN "
									   "RAISE EXCEPTION 'gone already' USING ERRCODE = 'undefined_table'; END IF; END $step$",
									   s->relid, my_shared->include_suspect ? "true" : "false");

			execute_top_level(sql);
		}
		else if (strcmp(s->action, "REPACK") == 0)
		{
			/* a child process, bounded by the run's budget and statement_timeout */
			TimestampTz deadline = campmon_run_deadline;
			char	   *why = NULL;

			disable_timeout(STATEMENT_TIMEOUT, false);
			if (my_shared->statement_timeout_ms > 0)
			{
				TimestampTz st = TimestampTzPlusMilliseconds(step_start, my_shared->statement_timeout_ms);

				if (deadline == 0 || st < deadline)
					deadline = st;
			}
			repack_outcome = run_repack_step(run_id, s, my_shared->lock_timeout_ms, deadline,
											 &why, output);
			repack_error = why;
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
			run_step_lock_unavailable = true;
			*error = psprintf("could not get its lock within lock_timeout (%d ms): someone is using it; %s",
							  my_shared->lock_timeout_ms, edata->message);
		}
		else if (edata->sqlerrcode == ERRCODE_UNDEFINED_TABLE &&
				 strcmp(s->action, "DROP TABLE") == 0)
		{
			outcome = "skipped";
			*error = pstrdup("its target no longer exists");
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

	if (repack_outcome != NULL)
	{
		*error = repack_error;
		outcome = repack_outcome;
		/* pg_repack gave up waiting for its lock (--no-kill-backend) */
		run_step_lock_unavailable = strcmp(outcome, "skipped") == 0 && repack_error != NULL &&
			strncmp(repack_error, "could not get its lock", 22) == 0;
	}
	/* a REPACK stopped or failed midway: its trigger must not go on logging */
	if (strcmp(s->action, "REPACK") == 0 &&
		(strcmp(outcome, "failed") == 0 || strcmp(outcome, "cancelled") == 0))
		*error = psprintf("%s; %s", *error ? *error : "", repack_clean_after(s->relid));
	return outcome;
}
