/*-------------------------------------------------------------------------
 *
 * run_gate.c
 *	  Before each step of a run, on a live database: may it start now?  The
 *	  worker (run_worker.c) asks run_gate_before_step(), which applies, in
 *	  order, the window and the WAL budget (run_pacing.c), the replication
 *	  rules (run_pacing.c) and the collision rules (run_collisions.c), and
 *	  then lets the step go, waits and looks again, skips the step, or stops
 *	  the run.  Every wait, skip and stop is recorded in the step's history
 *	  row: the rule's name (campmon.run_step.rule), what it waited for and
 *	  why, and for how long.
 *
 * What waits, and how long:
 *	- a collision the rule waits for (an autovacuum, another maintenance
 *	  command, a backup, the cleanup) is looked at again every second, for at
 *	  most campmon.run_collision_wait; then the step is skipped, or the run
 *	  stops when the collision holds every step (a backup, the cleanup);
 *	- a standby's lag or a slot's retained WAL pauses the run until it drops,
 *	  up to the end of the window or of the time budget (else for at most
 *	  campmon.run_collision_wait), then the run stops;
 *	- no wait goes past the window's end or the time budget.
 * campmon.cancel_run() ends any wait at once.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "campmon.h"
#include "run_shared.h"

#define GATE_POLL_MS 1000

/* Has the run been asked to stop (campmon.cancel_run(), a query cancel)? */
static bool
run_cancelled(int64 run_id)
{
	bool		cancelling = false;

	if (QueryCancelPending)
		return true;
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_execute_with_args("SELECT status = 'cancelling' FROM campmon.run WHERE run_id = $1",
							  1, (Oid[]) {INT8OID}, (Datum[]) {Int64GetDatum(run_id)},
							  NULL, true, 1) == SPI_OK_SELECT && SPI_processed == 1)
	{
		bool		isnull;

		cancelling = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	return cancelling;
}

/*
 * Wait up to max_ms, never past until (0: no bound), looking for a cancel
 * every second.  True when the run was asked to stop.
 */
bool
gate_wait(int64 run_id, TimestampTz until, long max_ms)
{
	TimestampTz end = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), max_ms);

	if (until != 0 && until < end)
		end = until;
	for (;;)
	{
		long		left;

		if (run_cancelled(run_id))
			return true;
		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), end);
		if (left <= 0)
			return false;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Min(left, GATE_POLL_MS), PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * A step's rule, what it waited for (appended when new) and the time it
 * waited (added), in its history row; NULLs leave a column as it is.
 */
void
gate_record(int64 run_id, int step, const char *rule, const char *waited_for, int64 add_waited_ms)
{
	Datum		values[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', ' '};

	values[0] = Int64GetDatum(run_id);
	values[1] = Int32GetDatum(step);
	values[2] = rule ? CStringGetTextDatum(rule) : (Datum) 0;
	nulls[2] = rule ? ' ' : 'n';
	values[3] = waited_for ? CStringGetTextDatum(waited_for) : (Datum) 0;
	nulls[3] = waited_for ? ' ' : 'n';
	values[4] = Int64GetDatum(add_waited_ms);
	history_write("UPDATE campmon.run_step SET rule = coalesce($3, rule), "
				  "waited_for = CASE WHEN $4 IS NULL THEN waited_for WHEN waited_for IS NULL THEN $4 "
				  "ELSE waited_for || '; then ' || $4 END, "
				  "waited = CASE WHEN $5 > 0 THEN coalesce(waited, interval '0') + make_interval(secs => $5 / 1000.0) "
				  "ELSE waited END "
				  "WHERE run_id = $1 AND step = $2",
				  5, (Oid[]) {INT8OID, INT4OID, TEXTOID, TEXTOID, INT8OID}, values, nulls);
}

/*
 * The step is not started: skipped (GATE_SKIP), or with every step not yet
 * run (GATE_STOP), with the rule and why.
 */
static GateVerdict
gate_end(int64 run_id, StepToRun *s, GateVerdict verdict, const char *rule, const char *why,
		 TimestampTz wait_start)
{
	Datum		values[5];
	int64		waited_ms = wait_start ? TimestampDifferenceMilliseconds(wait_start, GetCurrentTimestamp()) : 0;

	if (waited_ms > 0)
		gate_record(run_id, s->step, NULL, NULL, waited_ms);
	values[0] = Int64GetDatum(run_id);
	values[1] = Int32GetDatum(s->step);
	values[2] = CStringGetTextDatum(rule);
	values[3] = CStringGetTextDatum(why);
	values[4] = BoolGetDatum(verdict == GATE_STOP);
	history_write("UPDATE campmon.run_step SET outcome = 'skipped', rule = $3, finished_at = clock_timestamp(), "
				  "error = CASE WHEN step = $2 THEN $4 ELSE $4 || ' (the run stopped at step ' || $2 || ')' END "
				  "WHERE run_id = $1 AND outcome = 'pending' AND (step = $2 OR ($5 AND step > $2))",
				  5, (Oid[]) {INT8OID, INT4OID, TEXTOID, TEXTOID, BOOLOID}, values, NULL);
	pgstat_report_activity(STATE_IDLE, NULL);
	return verdict;
}

/* The run's window and pacing, and the settings it runs with, recorded. */
void
run_gate_begin(RunGate *g, int64 run_id, TimestampTz started)
{
	Datum		values[10];
	char		nulls[10] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};

	pacing_begin(g, started);
	values[0] = Int64GetDatum(run_id);
	values[1] = g->window ? CStringGetTextDatum(g->window) : (Datum) 0;
	nulls[1] = g->window ? ' ' : 'n';
	values[2] = TimestampTzGetDatum(g->window_end);
	nulls[2] = g->window_end ? ' ' : 'n';
	values[3] = CStringGetTextDatum(campmon_run_autovacuum == RUN_AUTOVACUUM_WAIT ? "wait" : "skip");
	values[4] = Int32GetDatum(campmon_run_collision_wait);
	values[5] = Int32GetDatum(campmon_run_max_replay_lag);
	values[6] = Int32GetDatum(campmon_run_max_slot_wal);
	values[7] = Int32GetDatum(campmon_run_wal_budget);
	values[8] = Int32GetDatum(campmon_run_lock_retries);
	values[9] = CStringGetTextDatum(campmon_run_backup_applications ? campmon_run_backup_applications : "");
	history_write("UPDATE campmon.run SET options = options || jsonb_build_object("
				  "'maintenance_window', $2::text, 'window_end', $3::timestamptz, 'autovacuum', $4::text, "
				  "'collision_wait_s', $5::int4, 'max_replay_lag_kb', $6::int4, 'max_slot_wal_kb', $7::int4, "
				  "'wal_budget_kb', $8::int4, 'lock_retries', $9::int4, 'backup_applications', $10::text) "
				  "WHERE run_id = $1",
				  10, (Oid[]) {INT8OID, TEXTOID, TIMESTAMPTZOID, TEXTOID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, TEXTOID},
				  values, nulls);
}

/*
 * May step s start now?  Waits (recording what for) while a rule says so,
 * and records a skip or a stop.  See the file's head for the order and the
 * limits of the waits.
 */
GateVerdict
run_gate_before_step(RunGate *g, int64 run_id, StepToRun *s)
{
	TimestampTz wait_start = 0;
	TimestampTz limit = 0;		/* how long the current wait may last */
	const char *waiting_rule = NULL;
	char	   *waiting_why = NULL;
	bool		waiting_stops = false;	/* the run stops (else the step is skipped) when it lasts */
	char	   *why;

	for (;;)
	{
		TimestampTz now;
		const char *rule = NULL;
		bool		pacing = false;
		bool		waitable = true;
		bool		server_wide = true;
		Collision	c;

		CHECK_FOR_INTERRUPTS();
		now = GetCurrentTimestamp();

		/*
		 * A wait that reached its limit -- the end of the window or of the
		 * time budget included -- is its rule's: what held the step
		 */
		if (waiting_rule != NULL && now >= limit)
			return gate_end(run_id, s, waiting_stops ? GATE_STOP : GATE_SKIP, waiting_rule,
							psprintf("not started: %s; still so after waiting %ld s (%s)", waiting_why,
									 (long) (TimestampDifferenceMilliseconds(wait_start, now) / 1000),
									 limit == g->deadline ? "until the end of the window or time budget" :
									 "campmon.run_collision_wait"),
							wait_start);
		if ((why = pacing_window(g, s)) != NULL)
			return gate_end(run_id, s,
							(g->outside_window || now >= g->window_end) ? GATE_STOP : GATE_SKIP,
							"maintenance_window", why, wait_start);
		if ((why = pacing_wal_budget(g)) != NULL)
			return gate_end(run_id, s, GATE_STOP, "wal_budget", why, wait_start);

		why = pacing_replication(&rule, &waitable);
		if (why != NULL)
			pacing = true;
		else if (collision_find(s, &c))
		{
			rule = c.rule;
			why = c.why;
			waitable = c.wait;
			server_wide = c.server_wide;
		}

		if (why == NULL)
		{
			if (wait_start != 0)
			{
				gate_record(run_id, s->step, NULL, NULL,
							TimestampDifferenceMilliseconds(wait_start, now));
				pgstat_report_activity(STATE_IDLE, NULL);
			}
			return GATE_GO;
		}
		if (!waitable)
			return gate_end(run_id, s, pacing || server_wide ? GATE_STOP : GATE_SKIP, rule,
							psprintf("not started: %s", why), wait_start);

		if (wait_start == 0)
			wait_start = now;
		/* how long this may last: a lag until the window or budget ends */
		if (pacing && g->deadline != 0)
			limit = g->deadline;
		else
		{
			limit = TimestampTzPlusMilliseconds(wait_start, (int64) campmon_run_collision_wait * 1000);
			if (g->deadline != 0 && g->deadline < limit)
				limit = g->deadline;
		}
		waiting_why = why;
		waiting_stops = pacing || server_wide;
		if (waiting_rule == NULL || strcmp(waiting_rule, rule) != 0)
		{
			/* a new reason to wait: the history and pg_stat_activity say it */
			gate_record(run_id, s->step, rule, why, 0);
			pgstat_report_activity(STATE_RUNNING,
								   psprintf("campmon run " INT64_FORMAT ": step %d waits (%s): %s",
											run_id, s->step, rule, why));
			waiting_rule = rule;
		}
		if (gate_wait(run_id, limit, GATE_POLL_MS))
		{
			gate_record(run_id, s->step, NULL, NULL,
						TimestampDifferenceMilliseconds(wait_start, GetCurrentTimestamp()));
			pgstat_report_activity(STATE_IDLE, NULL);
			return GATE_CANCEL;
		}
	}
}

/*
 * What the rules left undone, for the run's summary: per rule, the steps
 * not started, their estimated time and gain ("" when none).
 */
char *
run_gate_summary(RunGate *g, int64 run_id)
{
	MemoryContext cxt = CurrentMemoryContext;
	char	   *result = NULL;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_execute_with_args("SELECT string_agg(format('; %s step%s not started by %s (about %s, %s to gain%s)', n, "
							  "CASE WHEN n = 1 THEN '' ELSE 's' END, rule, campmon._human(make_interval(secs => secs)), "
							  "pg_size_pretty(gain), CASE WHEN rule = 'maintenance_window' THEN ': left for the next window' ELSE '' END), '' ORDER BY rule) "
							  "FROM (SELECT rule, count(*) AS n, coalesce(sum(estimated_seconds), 0)::float8 AS secs, "
							  "coalesce(sum(expected_gain_bytes), 0) AS gain FROM campmon.run_step "
							  "WHERE run_id = $1 AND outcome = 'skipped' AND rule IS NOT NULL AND rule <> 'lock_retry' "
							  "GROUP BY rule) x",
							  1, (Oid[]) {INT8OID}, (Datum[]) {Int64GetDatum(run_id)}, NULL, true, 1) == SPI_OK_SELECT &&
		SPI_processed == 1)
	{
		char	   *v = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		if (v != NULL)
			result = MemoryContextStrdup(cxt, v);
	}
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	MemoryContextSwitchTo(cxt);
	/* (the WAL each step wrote is in its history row, not here: the
	 * summary is what a pg_cron job's log keeps, stable from run to run) */
	return result ? result : pstrdup("");
}
