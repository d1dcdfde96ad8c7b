/*-------------------------------------------------------------------------
 *
 * run_shared.h
 *	  What the caller of campmon.start_plan() and the background worker that
 *	  runs the plan share (run_start.c, run_worker.c, run_step.c,
 *	  run_repack.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef RUN_SHARED_H
#define RUN_SHARED_H

#include "storage/lock.h"
#include "storage/spin.h"
#include "utils/timestamp.h"


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
	int64		time_budget_ms;	/* 0: no budget */
	TimestampTz window_end;		/* run_plan's window_end (0: none given; the
								 * worker then reads campmon.maintenance_window) */
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

static inline void
set_run_locktag(LOCKTAG *tag)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, RUN_LOCK_KEY1, RUN_LOCK_KEY2, 2);
}

/*
 * The SQL run by the caller and the worker names campmon's objects with
 * their schema, but its operators, functions and catalog views are looked
 * up in search_path: pg_catalog only, as campmon's SQL functions have it.
 */
#define SAFE_SEARCH_PATH "pg_catalog, pg_temp"

/* One step of the plan, as the worker reads it from campmon.run_step. */
typedef struct StepToRun
{
	int			step;
	char	   *action;
	char	   *command;
	Oid			relid;
	char	   *relname;		/* its name and schema when planned (NULL: none) */
	Oid			relnamespace;
	double		estimated_seconds;	/* plan()'s estimate (run_gate.c: the window) */
} StepToRun;

/* run_worker.c: the segment shared with the caller, in the worker; when
 * the run's time budget ends (0: no budget) */
extern RunShared *my_shared;
extern TimestampTz campmon_run_deadline;

/* run_history.c: the only writer of campmon.run and campmon.run_step */
extern int	history_execute(const char *sql, int nargs, Oid *types, Datum *values,
							const char *nulls);
extern void history_write(const char *sql, int nargs, Oid *types, Datum *values,
						  const char *nulls);

/* run_step.c: one step at top level */
extern const char *run_step(int64 run_id, StepToRun *s, char **error,
							char **output);

/*
 * On a live database (run_gate.c, run_collisions.c, run_pacing.c): before a
 * step starts, its window, the collisions and the pacing rules are checked;
 * the step waits, is skipped, or the run stops, and the history says which
 * rule and why.
 */
typedef struct Collision
{
	const char *rule;			/* its name, as the history records it */
	bool		server_wide;	/* it holds every step: the run stops when it lasts */
	bool		wait;			/* wait for it to end (else skip the step at once) */
	char	   *why;
} Collision;

typedef struct RunGate
{
	TimestampTz window_end;		/* steps that would pass it do not start (0: none) */
	bool		outside_window; /* the run started outside campmon.maintenance_window */
	char	   *window;			/* the window as given, for the history */
	TimestampTz deadline;		/* the earlier of the window's end and the time budget's (0: none) */
	int64		wal_written;	/* WAL the run's steps wrote so far */
	int64		wal_budget;		/* campmon.run_wal_budget in bytes (0: none) */
} RunGate;

typedef enum GateVerdict
{
	GATE_GO,					/* the step may start */
	GATE_SKIP,					/* the step is skipped (recorded), the run goes on */
	GATE_STOP,					/* no further step starts (recorded) */
	GATE_CANCEL					/* campmon.cancel_run() asked while waiting */
} GateVerdict;

/* run_collisions.c */
extern bool collision_find(StepToRun *s, Collision *c);

/* run_pacing.c */
extern void pacing_begin(RunGate *g, TimestampTz started);
extern char *pacing_window(RunGate *g, StepToRun *s);
extern char *pacing_wal_budget(RunGate *g);
extern char *pacing_replication(const char **rule, bool *waitable);
extern const char *run_step_paced(RunGate *g, int64 run_id, StepToRun *s,
								  char **error, char **output);

/* run_gate.c */
extern bool gate_wait(int64 run_id, TimestampTz until, long wait_ms);
extern void gate_record(int64 run_id, int step, const char *rule, const char *waited_for,
						int64 add_waited_ms);
extern void run_gate_begin(RunGate *g, int64 run_id, TimestampTz started);
extern GateVerdict run_gate_before_step(RunGate *g, int64 run_id, StepToRun *s);
extern char *run_gate_summary(RunGate *g, int64 run_id);

/* run_step.c: set when a step was skipped because its lock was not free */
extern bool run_step_lock_unavailable;

/* run_repack_guard.c: the privilege guard of a REPACK step */
typedef enum RepackGuardState
{
	REPACK_GUARD_WAITING,		/* the client has not reached the hand-over */
	REPACK_GUARD_PASSED,		/* checked under its lock: it may go on */
	REPACK_GUARD_REFUSED		/* another role's code: stop the client */
} RepackGuardState;

typedef struct RepackGuard
{
	Oid			relid;			/* the table */
	Oid			nsp;			/* pg_repack's schema, locked by the guard */
	bool		holding;		/* the guard's transaction is open */
	char		appname[64];	/* the client's application_name */
} RepackGuard;

extern char *repack_guard_begin(RepackGuard *g, Oid relid, int64 run_id, int step);
extern RepackGuardState repack_guard_poll(RepackGuard *g, char **why);
extern void repack_guard_end(RepackGuard *g);

/* run_repack.c: a REPACK step's pg_repack client */
extern const char *run_repack_step(int64 run_id, StepToRun *s, int lock_timeout_ms,
								   TimestampTz deadline, char **error,
								   char **output);
extern char *repack_clean_after(Oid relid);

#endif							/* RUN_SHARED_H */
