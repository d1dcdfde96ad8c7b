/*-------------------------------------------------------------------------
 *
 * run_horizon.c
 *	  The run's look at the xmin horizon around a step: before a VACUUM,
 *	  REINDEX CONCURRENTLY or REPACK, whether what holds the horizon now
 *	  makes it useless (the plan may be hours old: a blocker may have come
 *	  since); after a VACUUM, what it had to leave and why.
 *
 * Both ask SQL (campmon._horizon_blocks, campmon._horizon_note in
 * vacuum_blockers.sql) as the run's role, in a short transaction of their
 * own: the worker holds no snapshot between steps, so it is never the
 * blocker it reports.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "run_shared.h"

/*
 * One text from SQL, or NULL, copied into the caller's memory context.  An
 * error (a query that cannot run now) is logged and taken as NULL: the
 * look at the horizon is advice to the run, never a reason for the worker
 * to stop.
 */
static char *
text_from_sql(const char *sql, int nargs, Oid *types, Datum *values)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	char	   *volatile result = NULL;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PG_TRY();
	{
		SPI_connect();
		PushActiveSnapshot(GetTransactionSnapshot());
		if (SPI_execute_with_args(sql, nargs, types, values, NULL, false, 1) == SPI_OK_SELECT &&
			SPI_processed == 1)
		{
			char	   *v = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

			if (v != NULL)
				result = MemoryContextStrdup(oldcxt, v);
		}
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		ereport(LOG,
				(errmsg("campmon run: could not look at the xmin horizon: %s", edata->message)));
		FreeErrorData(edata);
		result = NULL;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcxt);
	return result;
}

/*
 * Why this step would do nothing now because of the horizon (the step is
 * then skipped, saying so), or NULL.  Only the actions whose work the
 * horizon can empty or hold back are asked about.
 */
char *
step_held_by_horizon(StepToRun *s)
{
	Datum		values[2];
	Oid			types[2] = {OIDOID, TEXTOID};

	if (!OidIsValid(s->relid) ||
		(strcmp(s->action, "VACUUM") != 0 &&
		 strcmp(s->action, "REINDEX INDEX CONCURRENTLY") != 0 &&
		 strcmp(s->action, "REPACK") != 0))
		return NULL;
	values[0] = ObjectIdGetDatum(s->relid);
	values[1] = CStringGetTextDatum(s->action);
	return text_from_sql("SELECT campmon._horizon_blocks($1, $2, true)", 2, types, values);
}

/*
 * After a VACUUM that left dead rows PostgreSQL counts as not yet
 * removable: that count and what held the horizon, for the history.
 */
char *
vacuum_left_note(StepToRun *s, int64 dead_after)
{
	Datum		values[2];
	Oid			types[2] = {OIDOID, INT8OID};

	if (!OidIsValid(s->relid) || dead_after <= 0 ||
		strncmp(s->action, "VACUUM", 6) != 0 || strcmp(s->action, "VACUUM (FULL)") == 0)
		return NULL;
	values[0] = ObjectIdGetDatum(s->relid);
	values[1] = Int64GetDatum(dead_after);
	return text_from_sql("SELECT campmon._horizon_note($1, $2)", 2, types, values);
}
