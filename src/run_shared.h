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

/* run_horizon.c: the horizon before a step, and what a VACUUM left */
extern char *step_held_by_horizon(StepToRun *s);
extern char *vacuum_left_note(StepToRun *s, int64 dead_after);

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
