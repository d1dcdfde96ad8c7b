/*-------------------------------------------------------------------------
 *
 * run_pacing.c
 *	  The pacing rules of a run (run_gate.c applies them before each step)
 *	  and the lock retries of a step:
 *
 *	maintenance_window  the window a run may start steps in: run_plan's
 *	                    window_end, else campmon.maintenance_window
 *	                    (HH:MM-HH:MM in the server's time zone).  Outside it
 *	                    no step starts; a step whose estimated duration would
 *	                    pass its end does not start (a shorter one after it
 *	                    may);
 *	wal_budget          once the run's steps have written campmon.run_wal_budget
 *	                    of WAL, no further step starts;
 *	replication_lag     a standby (or subscriber) has more WAL than
 *	                    campmon.run_max_replay_lag not yet replayed: the run
 *	                    pauses between steps until it catches up;
 *	slot_wal            a replication slot retains more WAL than
 *	                    campmon.run_max_slot_wal: pause while its consumer
 *	                    is connected (it may catch up), stop when it is not;
 *	lock_retry          a step that could not get its lock within lock_timeout
 *	                    is tried campmon.run_lock_retries more times, after
 *	                    pauses of 1, 2, 4 ... s (at most 60 s): each try
 *	                    waits at most lock_timeout in the lock queue, so
 *	                    nobody waits behind the step's ACCESS EXCLUSIVE
 *	                    request longer than that.
 *
 * Why: pg_repack and REINDEX write as much WAL as the relations they
 * rebuild; replicas and logical slots fall behind, and a standby far behind
 * is a failover that loses data or a disk that fills.  Lag and retained WAL
 * are read from the WAL senders' and the slots' shared state, which every
 * role may rely on (pg_stat_replication hides the positions from a role
 * without pg_read_all_stats).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "executor/instrument.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "replication/slot.h"
#include "replication/walsender_private.h"
#include "storage/spin.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "campmon.h"
#include "run_shared.h"

#define LOCK_RETRY_FIRST_MS 1000
#define LOCK_RETRY_MAX_MS 60000

/* "05:00" (and the date when it is not today's) of a time, in the worker's time zone */
static char *
clock_text(TimestampTz t)
{
	struct pg_tm tm,
				now;
	fsec_t		fsec;
	int			tz;

	if (timestamp2tm(t, &tz, &tm, &fsec, NULL, NULL) != 0 ||
		timestamp2tm(GetCurrentTimestamp(), &tz, &now, &fsec, NULL, NULL) != 0)
		return pstrdup(timestamptz_to_str(t));
	if (tm.tm_year == now.tm_year && tm.tm_mon == now.tm_mon && tm.tm_mday == now.tm_mday)
		return psprintf("%02d:%02d", tm.tm_hour, tm.tm_min);
	return psprintf("%04d-%02d-%02d %02d:%02d", tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/*
 * The end of today's (or tonight's) window start_min-end_min around now, in
 * the worker's time zone (the server's, unless its role or database sets
 * one); false when now is outside it.
 */
static bool
window_around(TimestampTz now, int start_min, int end_min, TimestampTz *end)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;
	int			cur;
	bool		crosses = end_min < start_min;
	bool		inside;
	int			jd;

	if (timestamp2tm(now, &tz, &tm, &fsec, NULL, NULL) != 0)
		return false;
	cur = tm.tm_hour * 60 + tm.tm_min;
	inside = crosses ? (cur >= start_min || cur < end_min) : (cur >= start_min && cur < end_min);
	if (!inside)
		return false;
	/* the end is tomorrow when the window crosses midnight and we are before it */
	jd = date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) + ((crosses && cur >= start_min) ? 1 : 0);
	j2date(jd, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_hour = end_min / 60;
	tm.tm_min = end_min % 60;
	tm.tm_sec = 0;
	tz = DetermineTimeZoneOffset(&tm, session_timezone);
	if (tm2timestamp(&tm, 0, &tz, end) != 0)
		return false;
	return true;
}

/* The run's window, WAL budget and deadline, when the run starts. */
void
pacing_begin(RunGate *g, TimestampTz started)
{
	int			start_min,
				end_min;

	memset(g, 0, sizeof(*g));
	if (my_shared->window_end != 0)
	{
		g->window_end = my_shared->window_end;
		g->window = psprintf("until %s (window_end)", clock_text(g->window_end));
	}
	else if (campmon_maintenance_window != NULL && campmon_maintenance_window[0] != '\0' &&
			 campmon_parse_window(campmon_maintenance_window, &start_min, &end_min))
	{
		g->window = psprintf("%s (campmon.maintenance_window)", campmon_maintenance_window);
		if (!window_around(started, start_min, end_min, &g->window_end))
			g->outside_window = true;
	}
	g->deadline = campmon_run_deadline;
	if (g->window_end != 0 && (g->deadline == 0 || g->window_end < g->deadline))
		g->deadline = g->window_end;
	g->wal_budget = (int64) campmon_run_wal_budget * 1024;
}

/*
 * maintenance_window: why step s may not start now (NULL: it may).  The
 * run's gate stops the run when it started outside its window or the
 * window has ended; a step that would pass the end is skipped.
 */
char *
pacing_window(RunGate *g, StepToRun *s)
{
	TimestampTz now = GetCurrentTimestamp();
	long		left_ms;

	if (g->outside_window)
		return psprintf("not started: the run started outside the maintenance window %s, at %s",
						g->window, clock_text(now));
	if (g->window_end == 0)
		return NULL;
	left_ms = TimestampDifferenceMilliseconds(now, g->window_end);
	if (now >= g->window_end)
		return psprintf("not started: the maintenance window %s ended", g->window);
	if (s->estimated_seconds * 1000.0 > (double) left_ms)
		return psprintf("not started: its estimated %.1f s would pass the end of the maintenance window %s (%.0f s left)",
						s->estimated_seconds, g->window, left_ms / 1000.0);
	return NULL;
}

/* wal_budget: why no further step starts (NULL: the budget allows it). */
char *
pacing_wal_budget(RunGate *g)
{
	if (g->wal_budget <= 0 || g->wal_written < g->wal_budget)
		return NULL;
	return psprintf("not started: the run has written " INT64_FORMAT " kB of WAL, campmon.run_wal_budget is " INT64_FORMAT " kB",
					g->wal_written / 1024, g->wal_budget / 1024);
}

/* The application name of a backend, from its status ("" when unknown). */
static char *
application_of(int pid)
{
	int			n = pgstat_fetch_stat_numbackends();

	for (int i = 1; i <= n; i++)
	{
		LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);

		if (local != NULL && local->backendStatus.st_procpid == pid)
			return pstrdup(local->backendStatus.st_appname);
	}
	return pstrdup("");
}

/*
 * replication_lag and slot_wal: why the run should not start a step now
 * (NULL: nothing lags).  *waitable is false when waiting cannot help (a slot
 * nobody reads): the run then stops.
 */
char *
pacing_replication(const char **rule, bool *waitable)
{
	MemoryContext cxt = CurrentMemoryContext;
	XLogRecPtr	now_lsn = GetXLogWriteRecPtr();
	char	   *why = NULL;

	*rule = NULL;
	*waitable = true;
	if (RecoveryInProgress())
		return NULL;
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	pgstat_clear_backend_activity_snapshot();

	if (campmon_run_max_replay_lag > 0 && WalSndCtl != NULL)
	{
		int64		worst = 0;
		int			worst_pid = 0;

		for (int i = 0; i < max_wal_senders; i++)
		{
			WalSnd	   *w = &WalSndCtl->walsnds[i];
			int			pid;
			WalSndState state;
			XLogRecPtr	apply;

			SpinLockAcquire(&w->mutex);
			pid = w->pid;
			state = w->state;
			apply = w->apply;
			SpinLockRelease(&w->mutex);
			/* a streaming standby or subscriber that has reported its replay */
			if (pid == 0 || (state != WALSNDSTATE_STREAMING && state != WALSNDSTATE_CATCHUP) ||
				XLogRecPtrIsInvalid(apply) || apply >= now_lsn)
				continue;
			if ((int64) (now_lsn - apply) > worst)
			{
				worst = (int64) (now_lsn - apply);
				worst_pid = pid;
			}
		}
		if (worst > (int64) campmon_run_max_replay_lag * 1024)
		{
			*rule = "replication_lag";
			why = psprintf("standby \"%s\" (WAL sender %d) has " INT64_FORMAT " kB of WAL not yet replayed, more than campmon.run_max_replay_lag (%d kB)",
						   application_of(worst_pid), worst_pid, worst / 1024, campmon_run_max_replay_lag);
		}
	}

	if (why == NULL && campmon_run_max_slot_wal > 0 && ReplicationSlotCtl != NULL)
	{
		LWLockAcquire(ReplicationSlotControlLock, LW_SHARED);
		for (int i = 0; i < max_replication_slots && why == NULL; i++)
		{
			ReplicationSlot *slot = &ReplicationSlotCtl->replication_slots[i];
			XLogRecPtr	restart;
			int			active_pid;
			NameData	name;

			if (!slot->in_use)
				continue;
			SpinLockAcquire(&slot->mutex);
			restart = slot->data.restart_lsn;
			active_pid = slot->active_pid;
			name = slot->data.name;
			SpinLockRelease(&slot->mutex);
			if (XLogRecPtrIsInvalid(restart) || restart >= now_lsn ||
				(int64) (now_lsn - restart) <= (int64) campmon_run_max_slot_wal * 1024)
				continue;
			*rule = "slot_wal";
			*waitable = active_pid != 0;
			why = psprintf("replication slot \"%s\" retains " INT64_FORMAT " kB of WAL, more than campmon.run_max_slot_wal (%d kB)%s",
						   NameStr(name), (int64) (now_lsn - restart) / 1024, campmon_run_max_slot_wal,
						   active_pid != 0 ? "" : ", and nothing reads it (inactive): no wait lowers it, every step would add to it");
		}
		LWLockRelease(ReplicationSlotControlLock);
	}
	if (why != NULL)
		why = MemoryContextStrdup(cxt, why);
	CommitTransactionCommand();
	MemoryContextSwitchTo(cxt);
	return why;
}

/* Invalid indexes on the table of a REINDEX step's index (a REINDEX
 * CONCURRENTLY that timed out in its waits leaves its new one behind). */
static int
invalid_indexes(StepToRun *s)
{
	MemoryContext cxt = CurrentMemoryContext;
	int			n = 0;

	if (strcmp(s->action, "REINDEX INDEX CONCURRENTLY") != 0 || !OidIsValid(s->relid))
		return 0;
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_execute_with_args("SELECT pg_catalog.count(*)::pg_catalog.int4 FROM pg_catalog.pg_index i "
							  "WHERE NOT i.indisvalid AND i.indrelid = (SELECT x.indrelid FROM pg_catalog.pg_index x "
							  "JOIN pg_catalog.pg_class c ON c.oid = x.indexrelid WHERE c.relname = $1 AND c.relnamespace = $2)",
							  2, (Oid[]) {NAMEOID, OIDOID},
							  (Datum[]) {CStringGetDatum(s->relname ? s->relname : ""), ObjectIdGetDatum(s->relnamespace)},
							  NULL, true, 1) == SPI_OK_SELECT && SPI_processed == 1)
	{
		bool		isnull;

		n = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}
	PopActiveSnapshot();
	SPI_finish();
	CommitTransactionCommand();
	MemoryContextSwitchTo(cxt);
	return n;
}

/*
 * Run step s (run_step.c), again after a pause while its lock was not free
 * (lock_retry), and count the WAL it wrote.  Records its attempts, its
 * WAL and the pauses in the history.
 */
const char *
run_step_paced(RunGate *g, int64 run_id, StepToRun *s, char **error, char **output)
{
	const char *outcome;
	int			attempt;
	int64		paused_ms = 0;
	int64		wal = 0;
	int			invalid_before = invalid_indexes(s);
	char	   *note = NULL;

	for (attempt = 1;; attempt++)
	{
		int64		own_before = pgWalUsage.wal_bytes;
		XLogRecPtr	lsn_before = GetXLogInsertRecPtr();
		long		pause_ms;

		outcome = run_step(run_id, s, error, output);
		/* a REPACK's WAL is its client's: the server's during the step */
		if (strcmp(s->action, "REPACK") == 0)
			wal += (int64) (GetXLogInsertRecPtr() - lsn_before);
		else
			wal += pgWalUsage.wal_bytes - own_before;

		if (!run_step_lock_unavailable || strcmp(outcome, "skipped") != 0 ||
			attempt > campmon_run_lock_retries)
			break;
		if (invalid_indexes(s) > invalid_before)
		{
			note = pstrdup("not tried again: the attempt left an invalid index behind (campmon.plan() drops it)");
			break;
		}
		pause_ms = Min((long) LOCK_RETRY_FIRST_MS << Min(attempt - 1, 10), LOCK_RETRY_MAX_MS);
		if (g->deadline != 0 &&
			TimestampTzPlusMilliseconds(GetCurrentTimestamp(), pause_ms) >= g->deadline)
		{
			note = pstrdup("not tried again: the pause would pass the end of the window or the time budget");
			break;
		}
		gate_record(run_id, s->step, "lock_retry",
					psprintf("its lock, not free within lock_timeout (%d ms) at attempt %d: tried again after %ld s",
							 my_shared->lock_timeout_ms, attempt, pause_ms / 1000),
					0);
		if (gate_wait(run_id, TimestampTzPlusMilliseconds(GetCurrentTimestamp(), pause_ms), pause_ms))
		{
			outcome = "cancelled";
			*error = pstrdup("cancelled while waiting to try its lock again (campmon.cancel_run())");
			break;
		}
		paused_ms += pause_ms;
	}
	g->wal_written += wal;

	if (strcmp(outcome, "skipped") == 0 && run_step_lock_unavailable)
	{
		int			tries = Min(attempt, campmon_run_lock_retries + 1);

		*error = psprintf("%s; tried %d time%s%s%s", *error ? *error : "", tries, tries == 1 ? "" : "s",
						  paused_ms > 0 ? psprintf(", with %.0f s of pauses (campmon.run_lock_retries)", paused_ms / 1000.0) : "",
						  note ? psprintf("; %s", note) : "");
		gate_record(run_id, s->step, "lock_retry", NULL, paused_ms);
	}
	else if (paused_ms > 0)
		gate_record(run_id, s->step, NULL, NULL, paused_ms);
	{
		Datum		values[4] = {Int64GetDatum(run_id), Int32GetDatum(s->step),
		Int32GetDatum(Min(attempt, campmon_run_lock_retries + 1)), Int64GetDatum(wal)};

		history_write("UPDATE campmon.run_step SET attempts = $3, wal_bytes = $4 WHERE run_id = $1 AND step = $2",
					  4, (Oid[]) {INT8OID, INT4OID, INT4OID, INT8OID}, values, NULL);
	}
	return outcome;
}
